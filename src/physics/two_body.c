/* two_body.c: the two-body problem of the HNN paper; see two_body.h. */
#include "physics/two_body.h"

#include <math.h>

int phys_2body_field(double *dydt, const double *y, double t, void *ctx)
{
    double dx = y[1] - y[0], dy = y[3] - y[2];
    double r2 = dx * dx + dy * dy, r3 = r2 * sqrt(r2);
    for (int i = 0; i < 4; i++)
        dydt[i] = y[4 + i];
    dydt[4] = dx / r3;
    dydt[5] = -dx / r3;
    dydt[6] = dy / r3;
    dydt[7] = -dy / r3;
    return 0;
}

double phys_2body_energy(const double *y)
{
    double dx = y[1] - y[0], dy = y[3] - y[2];
    double T = 0;
    for (int i = 4; i < 8; i++)
        T += 0.5 * y[i] * y[i];
    return T - 1 / sqrt(dx * dx + dy * dy);
}

double phys_2body_angmom(const double *y)
{
    return y[0] * y[6] - y[2] * y[4] + y[1] * y[7] - y[3] * y[5];
}

void phys_2body_random_config(double y[8], double noise, rng_t *r)
{
    double px = 0.5 + rng_uniform(r), py = 0.5 + rng_uniform(r);
    double rad = sqrt(px * px + py * py), s = 1 / (2 * rad * sqrt(rad));
    double vx = -py * s, vy = px * s, f = 1 + noise * rng_normal(r);
    vx *= f;
    vy *= f;
    y[0] = px;  y[1] = -px;
    y[2] = py;  y[3] = -py;
    y[4] = vx;  y[5] = -vx;
    y[6] = vy;  y[7] = -vy;
}
