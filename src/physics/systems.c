/* systems.c: closed-form fields, energies and Lagrangian derivatives of the
 * spring, pendulum (Greydanus et al. 2019) and double pendulum (Cranmer et
 * al. 2020); formulas in systems.h. */
#include "physics/systems.h"

#include <math.h>

int phys_spring_field(double *dydt, const double *y, double t, void *ctx)
{
    dydt[0] = 2.0 * y[1];
    dydt[1] = -2.0 * y[0];
    return 0;
}

double phys_spring_energy(const double *y) { return y[0] * y[0] + y[1] * y[1]; }

int phys_pendulum_field(double *dydt, const double *y, double t, void *ctx)
{
    dydt[0] = 2.0 * y[1];
    dydt[1] = -3.0 * sin(y[0]);
    return 0;
}

double phys_pendulum_energy(const double *y) { return 3.0 * (1.0 - cos(y[0])) + y[1] * y[1]; }

void phys_dp_accel(double qdd[2], const double *y)
{
    const double g = PHYS_DP_G;
    double d = y[0] - y[1], c = cos(d), s = sin(d);
    double a1 = 0.5 * c, a2 = c;
    double f1 = -0.5 * y[3] * y[3] * s - g * sin(y[0]);
    double f2 = y[2] * y[2] * s - g * sin(y[1]);
    double den = 1.0 - a1 * a2;
    qdd[0] = (f1 - a1 * f2) / den;
    qdd[1] = (f2 - a2 * f1) / den;
}

int phys_dp_field(double *dydt, const double *y, double t, void *ctx)
{
    dydt[0] = y[2];
    dydt[1] = y[3];
    phys_dp_accel(dydt + 2, y);
    return 0;
}

static double dp_T(const double *y)
{
    return y[2] * y[2] + 0.5 * y[3] * y[3] + y[2] * y[3] * cos(y[0] - y[1]);
}

static double dp_V(const double *y)
{
    return -2.0 * PHYS_DP_G * cos(y[0]) - PHYS_DP_G * cos(y[1]);
}

double phys_dp_energy(const double *y) { return dp_T(y) + dp_V(y); }
double phys_dp_lagrangian(const double *y) { return dp_T(y) - dp_V(y); }

void phys_dp_lagrangian_derivs(const double *y, double gq[2], double M[4], double C[4])
{
    const double g = PHYS_DP_G;
    double d = y[0] - y[1], c = cos(d), s = sin(d);
    double w1 = y[2], w2 = y[3];
    gq[0] = -w1 * w2 * s - 2.0 * g * sin(y[0]);
    gq[1] = w1 * w2 * s - g * sin(y[1]);
    M[0] = 2.0; M[1] = c;
    M[2] = c;   M[3] = 1.0;
    /* dL/dw1 = 2 w1 + w2 cos D,  dL/dw2 = w2 + w1 cos D */
    C[0] = -w2 * s; C[1] = w2 * s;
    C[2] = -w1 * s; C[3] = w1 * s;
}
