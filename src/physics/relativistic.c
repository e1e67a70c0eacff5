/* relativistic.c: the relativistic particle of Cranmer et al. 2020 in closed
 * form; see relativistic.h. */
#include "physics/relativistic.h"

#include <math.h>

double phys_rel_accel(double v, double g)
{
    double w = 1 - v * v;
    return g * w * w * sqrt(w) / (1 + 2 * v * v);
}

int phys_rel_field(double *dydt, const double *y, double t, void *ctx)
{
    double g = *(const double *)ctx;
    dydt[0] = y[1];
    dydt[1] = phys_rel_accel(y[1], g);
    return 0;
}

double phys_rel_momentum(double v)
{
    double w = 1 - v * v;
    return v / (w * sqrt(w));
}

double phys_rel_velocity(double p)
{
    double lo = -1, hi = 1;
    for (int i = 0; i < 200; i++) {
        double mid = 0.5 * (lo + hi);
        if (mid <= lo || mid >= hi)
            break;
        if (phys_rel_momentum(mid) < p)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

static double F(double v)
{
    double w = 1 - v * v;
    return 1 / (w * sqrt(w)) - 2 / sqrt(w);
}

double phys_rel_energy(const double *y, double g) { return F(y[1]) - g * y[0]; }

void phys_rel_exact(double y[2], const double y0[2], double g, double t)
{
    if (g == 0) {
        y[0] = y0[0] + y0[1] * t;
        y[1] = y0[1];
        return;
    }
    double v = phys_rel_velocity(phys_rel_momentum(y0[1]) + g * t);
    y[0] = y0[0] + (F(v) - F(y0[1])) / g;
    y[1] = v;
}
