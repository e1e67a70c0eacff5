/* test_relativistic.c: the relativistic particle of Cranmer et al. 2020
 * (src/physics/relativistic.h) against its closed forms:
 *  - the field is Euler-Lagrange's: dp/dt = g along vdot (central difference
 *    of p(v) in the direction vdot);
 *  - phys_rel_velocity inverts phys_rel_momentum;
 *  - the closed-form trajectory against RK4 of the field, and its energy
 *    F(v) - g q is constant. */
#include <criterion/criterion.h>
#include <math.h>

#include "core/rng.h"
#include "nn/gradcheck.h"
#include "physics/integrators.h"
#include "physics/relativistic.h"

/* p(v) as a map of one number (nn/gradcheck.h). */
static void momentum_of(double *p, const double *v, void *ctx)
{
    (void)ctx;
    p[0] = phys_rel_momentum(v[0]);
}

/* Along the field, dp/dt = p'(v) vdot = g: the derivative of p in time (v
 * moving at vdot = a) against differences of p's own values. */
Test(relativistic, field_is_euler_lagrange)
{
    rng_t r;
    rng_seed(&r, 7, 1);
    gradcheck_opts go = {.h = 1e-6, .floor = 1};
    double work[GRADCHECK_JVP_WORK(1, 1)];
    for (int s = 0; s < 200; s++) {
        double v = 1.9 * rng_uniform(&r) - 0.95, g = 4 * rng_uniform(&r) - 2;
        double a = phys_rel_accel(v, g);
        gradcheck_result res;
        double e = gradcheck_jvp(momentum_of, NULL, &v, 1, 1, &a, &g, &go, work, &res);
        cr_assert(e < 1e-6, "v %g g %g: dp/dt %g", v, g, res.numeric);
    }
}

Test(relativistic, velocity_inverts_momentum)
{
    for (double v = -0.99; v <= 0.99; v += 0.01) {
        double back = phys_rel_velocity(phys_rel_momentum(v));
        cr_assert(fabs(back - v) < 1e-14, "v %g back %g", v, back);
    }
}

Test(relativistic, exact_solution_matches_rk4_and_conserves_energy)
{
    double cases[4][3] = {{0.3, -0.5, 1.0}, {-1.0, 0.7, -1.0}, {0.5, 0.0, 2.0}, {0.0, 0.4, 0.0}};
    for (int c = 0; c < 4; c++) {
        double y0[2] = {cases[c][0], cases[c][1]}, g = cases[c][2];
        double y[2] = {y0[0], y0[1]}, ye[2], work[PHYS_RK4_WORK(2)], dt = 1e-3;
        for (int s = 0; s < 2000; s++)
            phys_rk4_step(y, 2, s * dt, dt, phys_rel_field, &g, work);
        phys_rel_exact(ye, y0, g, 2.0);
        cr_assert(fabs(y[0] - ye[0]) < 1e-10 && fabs(y[1] - ye[1]) < 1e-10,
                  "case %d: rk4 (%.15g, %.15g) exact (%.15g, %.15g)", c, y[0], y[1], ye[0], ye[1]);
        cr_assert(fabs(phys_rel_energy(ye, g) - phys_rel_energy(y0, g)) < 1e-12);
    }
}
