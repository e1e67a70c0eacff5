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
#include "physics/integrators.h"
#include "physics/relativistic.h"

Test(relativistic, field_is_euler_lagrange)
{
    rng_t r;
    rng_seed(&r, 7, 1);
    for (int s = 0; s < 200; s++) {
        double v = 1.9 * rng_uniform(&r) - 0.95, g = 4 * rng_uniform(&r) - 2, h = 1e-6;
        double a = phys_rel_accel(v, g);
        double dpdt = (phys_rel_momentum(v + h * a) - phys_rel_momentum(v - h * a)) / (2 * h);
        cr_assert(fabs(dpdt - g) < 1e-6 * (1 + fabs(g)), "v %g g %g: dp/dt %g", v, g, dpdt);
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
