/* test_two_body.c: the two-body problem of the HNN paper
 * (src/physics/two_body.h) against its closed forms:
 *  - the field is Hamilton's for H (gradient of the energy by nn/gradcheck);
 *  - a circular orbit (noise 0) under RK4 against the rotation
 *    q1(t) = R(omega t) q1(0), omega = 1 / (2 r^{3/2});
 *  - energy and angular momentum conserved on a noisy (elliptic) orbit. */
#include <criterion/criterion.h>
#include <math.h>

#include "core/rng.h"
#include "nn/gradcheck.h"
#include "physics/integrators.h"
#include "physics/two_body.h"

static double energy_fn(double *grad, const double *y, void *ctx)
{
    return phys_2body_energy(y);
}

Test(two_body, field_is_hamiltons)
{
    rng_t r;
    rng_seed(&r, 5, 1);
    for (int s = 0; s < 20; s++) {
        double y[8], f[8], g[8];
        phys_2body_random_config(y, 0.3, &r);
        phys_2body_field(f, y, 0, NULL);
        for (int i = 0; i < 4; i++) {   /* grad H = (-pdot, qdot) */
            g[i] = -f[4 + i];
            g[4 + i] = f[i];
        }
        gradcheck_opts o = {.h = 1e-5, .floor = 1e-6, .points = 4};
        cr_assert(gradcheck(energy_fn, NULL, y, 8, g, &o, NULL) < 1e-8);
    }
}

Test(two_body, circular_orbit_is_a_rotation)
{
    rng_t r;
    rng_seed(&r, 6, 1);
    double y[8], y0[8], work[PHYS_RK4_WORK(8)], dt = 1e-3, T = 5;
    phys_2body_random_config(y, 0, &r);
    for (int i = 0; i < 8; i++)
        y0[i] = y[i];
    long n = lround(T / dt);
    for (long s = 0; s < n; s++)
        phys_rk4_step(y, 8, s * dt, dt, phys_2body_field, NULL, work);
    double rad = hypot(y0[0], y0[2]), w = 1 / (2 * rad * sqrt(rad)), c = cos(w * T), sn = sin(w * T);
    double qx = c * y0[0] - sn * y0[2], qy = sn * y0[0] + c * y0[2];
    cr_assert(fabs(y[0] - qx) < 1e-9 && fabs(y[2] - qy) < 1e-9, "(%g %g) vs (%g %g)", y[0], y[2], qx, qy);
    cr_assert(fabs(y[1] + qx) < 1e-9 && fabs(y[3] + qy) < 1e-9);
}

Test(two_body, energy_and_angular_momentum_conserved)
{
    rng_t r;
    rng_seed(&r, 7, 1);
    double y[8], work[PHYS_RK4_WORK(8)], dt = 1e-3;
    phys_2body_random_config(y, 0.05, &r);
    double E0 = phys_2body_energy(y), L0 = phys_2body_angmom(y);
    for (long s = 0; s < 20000; s++)
        phys_rk4_step(y, 8, s * dt, dt, phys_2body_field, NULL, work);
    cr_assert(fabs(phys_2body_energy(y) - E0) < 1e-9);
    cr_assert(fabs(phys_2body_angmom(y) - L0) < 1e-11);
}
