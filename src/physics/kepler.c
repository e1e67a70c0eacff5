/* kepler.c: Kepler / Stark dynamics, invariants, the exact Keplerian orbit
 * and the leapfrog's modified energy (see kepler.h for the equations). */
#include "physics/kepler.h"

#include <math.h>

#define KEPLER_PI 3.14159265358979323846264338327950288

/* excerpt: accel */
int phys_kepler_accel(double *a, const double *q, double t, void *ctx)
{
    const phys_kepler_t *k = ctx;
    double r2 = q[0] * q[0] + q[1] * q[1];
    double s = k->mu / (r2 * sqrt(r2));          /* mu / r^3 */
    a[0] = -s * q[0] + k->F[0];
    a[1] = -s * q[1] + k->F[1];
    return 0;
}
/* end excerpt */

int phys_kepler_field(double *dydt, const double *y, double t, void *ctx)
{
    dydt[0] = y[2];
    dydt[1] = y[3];
    return phys_kepler_accel(dydt + 2, y, t, ctx);
}

double phys_kepler_energy(const phys_kepler_t *k, const double *q, const double *v)
{
    double r = sqrt(q[0] * q[0] + q[1] * q[1]);
    double kin = 0.5 * (v[0] * v[0] + v[1] * v[1]);
    return kin - k->mu / r - (k->F[0] * q[0] + k->F[1] * q[1]);
}

double phys_kepler_angmom(const double *q, const double *v)
{
    return q[0] * v[1] - q[1] * v[0];
}

void phys_kepler_lrl(const phys_kepler_t *k, const double *q, const double *v, double A[2])
{
    double L = phys_kepler_angmom(q, v);
    double r = sqrt(q[0] * q[0] + q[1] * q[1]);
    /* v x (L e_z) = (vy L, -vx L) */
    A[0] = v[1] * L - k->mu * q[0] / r;
    A[1] = -v[0] * L - k->mu * q[1] / r;
}

double phys_kepler_torque(const phys_kepler_t *k, const double *q)
{
    return q[0] * k->F[1] - q[1] * k->F[0];
}

double phys_kepler_period(double mu, double a)
{
    return 2.0 * KEPLER_PI * sqrt(a * a * a / mu);
}

void phys_kepler_pericenter(double mu, double a, double e, double q[2], double v[2])
{
    q[0] = a * (1.0 - e);
    q[1] = 0.0;
    v[0] = 0.0;
    v[1] = sqrt(mu * (1.0 + e) / (a * (1.0 - e)));
}

/* Newton on f(E) = E - e sin E - M (increasing in E) for M in [0, 2 pi); the
 * start E = pi converges for every e < 1 (Charles & Tatum 1998, Celest. Mech.
 * Dyn. Astron. 69, 357); tests/physics checks it on a grid of (e, M). */
static double anomaly_reduced(double e, double M, int *iters)
{
    double E = KEPLER_PI;
    int it;
    for (it = 1; it <= 60; it++) {
        double dE = (E - e * sin(E) - M) / (1.0 - e * cos(E));
        E -= dE;
        if (fabs(dE) <= 1e-15 * (1.0 + fabs(E)))
            break;
    }
    *iters = it <= 60 ? it : -1;
    return E;
}

double phys_kepler_anomaly(double e, double M)
{
    double k = floor(M / (2.0 * KEPLER_PI));
    int it;
    return anomaly_reduced(e, M - 2.0 * KEPLER_PI * k, &it) + 2.0 * KEPLER_PI * k;
}

int phys_kepler_exact(double mu, double a, double e, double t, double q[2], double v[2])
{
    double n = sqrt(mu / (a * a * a));            /* mean motion */
    double M = fmod(n * t, 2.0 * KEPLER_PI);
    if (M < 0) M += 2.0 * KEPLER_PI;
    int it;
    double E = anomaly_reduced(e, M, &it);
    double c = cos(E), s = sin(E), b = sqrt(1.0 - e * e);
    double Edot = n / (1.0 - e * c);
    q[0] = a * (c - e);
    q[1] = a * b * s;
    v[0] = -a * s * Edot;
    v[1] = a * b * c * Edot;
    return it;
}

double phys_kepler_verlet_h2(const phys_kepler_t *k, const double *q, const double *v)
{
    /* V = -mu/r - F.q:  V' = mu q/r^3 - F,  V'' = mu (I/r^3 - 3 q q^T / r^5). */
    double r2 = q[0] * q[0] + q[1] * q[1];
    double r = sqrt(r2), r3 = r2 * r, r5 = r3 * r2;
    double qv = q[0] * v[0] + q[1] * v[1];
    double vv = v[0] * v[0] + v[1] * v[1];
    double vHv = k->mu * (vv / r3 - 3.0 * qv * qv / r5);
    double g0 = k->mu * q[0] / r3 - k->F[0], g1 = k->mu * q[1] / r3 - k->F[1];
    return vHv / 12.0 - (g0 * g0 + g1 * g1) / 24.0;
}
