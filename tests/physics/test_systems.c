/* test_systems.c: the chapter-4 ground truths (src/physics/systems.h).
 *  - the analytic derivatives of L (gq, M, C) against central differences of
 *    L itself (nn/gradcheck: gradient, and Hessian blocks from values), and
 *    the double pendulum's closed-form accelerations solve the Euler-Lagrange
 *    equations with those derivatives (an independent path from the closed form);
 *  - energy conservation under RK4 at (at least) the integrator's order:
 *    the energy error at a fixed time is O(dt^4) at worst; we measure the
 *    order from two halvings of dt and require 3.8 <= p <= 5.3 (on these
 *    systems it comes out near 5: the h^4 term of RK4's energy error happens
 *    to be small; the learned Lagrangian in test_lnn.c shows the generic 4);
 *  - the spring field against its exact solution q = r cos(2t + c). */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "core/rng.h"
#include "nn/gradcheck.h"
#include "physics/integrators.h"
#include "physics/systems.h"

static double lagrangian(double *grad, const double *y, void *ctx)
{
    return phys_dp_lagrangian(y);
}

Test(systems, dp_closed_form_solves_euler_lagrange)
{
    rng_t r;
    rng_seed(&r, 4, 1);
    double worst_acc = 0, worst_g = 0, worst_H = 0;
    /* floor 1: the derivatives are O(1)-O(10), so the errors are near absolute */
    gradcheck_opts o = {.h = 1e-4, .floor = 1.0};
    for (int s = 0; s < 200; s++) {
        double y[4] = {6.283 * rng_uniform(&r), 6.283 * rng_uniform(&r),
                       8 * rng_uniform(&r) - 4, 8 * rng_uniform(&r) - 4};
        double gq[2], M[4], C[4];
        phys_dp_lagrangian_derivs(y, gq, M, C);
        /* against differences of L itself, in the state order (q1, q2, w1, w2):
         * dL/dq, and the Hessian blocks d2L/dw dw = M, d2L/dw dq = C (and its
         * transpose); the q-q block and dL/dw are not claimed (NaN: skipped) */
        double g[4] = {gq[0], gq[1], NAN, NAN}, Hs[16];
        for (int i = 0; i < 16; i++)
            Hs[i] = NAN;
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 2; j++) {
                Hs[(2 + i) * 4 + 2 + j] = M[2 * i + j];
                Hs[(2 + i) * 4 + j] = Hs[j * 4 + 2 + i] = C[2 * i + j];
            }
        worst_g = fmax(worst_g, gradcheck(lagrangian, NULL, y, 4, g, &o, NULL));
        worst_H = fmax(worst_H, gradcheck_hessian(lagrangian, NULL, y, 4, Hs, &o, NULL));
        /* M qdd = gq - C qdot, solved with the checked derivatives */
        double r0 = gq[0] - C[0] * y[2] - C[1] * y[3], r1 = gq[1] - C[2] * y[2] - C[3] * y[3];
        double det = M[0] * M[3] - M[1] * M[2];
        double q0 = (M[3] * r0 - M[1] * r1) / det, q1 = (M[0] * r1 - M[2] * r0) / det, qdd[2];
        phys_dp_accel(qdd, y);
        worst_acc = fmax(worst_acc, fmax(fabs(q0 - qdd[0]), fabs(q1 - qdd[1])) / (1 + fabs(qdd[0])));
    }
    cr_log_info("Euler-Lagrange vs closed form: %.3g; derivatives vs differences of L: gradient "
                "%.3g, Hessian %.3g", worst_acc, worst_g, worst_H);
    cr_assert(worst_acc < 1e-12, "%.3g", worst_acc);
    cr_assert(worst_g < 1e-7, "%.3g", worst_g);
    cr_assert(worst_H < 1e-6, "%.3g", worst_H);
}

static double energy_error(phys_field_fn f, double (*E)(const double *), const double *y0, int n,
                           double dt, double T)
{
    double y[4], work[PHYS_RK4_WORK(4)];
    memcpy(y, y0, n * sizeof(double));
    long steps = lround(T / dt);
    for (long s = 0; s < steps; s++)
        phys_rk4_step(y, n, s * dt, dt, f, NULL, work);
    return fabs(E(y) - E(y0));
}

Test(systems, dp_energy_rk4_order)
{
    double y0[4] = {2.1, -0.7, 0.3, 1.2}, e[4];
    for (int k = 0; k < 4; k++)
        e[k] = energy_error(phys_dp_field, phys_dp_energy, y0, 4, 0.02 / (1 << k), 5.0);
    double r1 = e[1] / e[2], r2 = e[2] / e[3];
    cr_log_info("double pendulum energy error %.3g %.3g %.3g %.3g ratios %.2f %.2f", e[0], e[1], e[2],
                e[3], r1, r2);
    double p1 = log2(r1), p2 = log2(r2);
    cr_assert(p1 >= 3.8 && p1 <= 5.3 && p2 >= 3.8 && p2 <= 5.3, "orders %.2f %.2f", p1, p2);
}

Test(systems, pendulum_energy_rk4_order)
{
    double y0[2] = {2.0, 0.4}, e[3];
    for (int k = 0; k < 3; k++)
        e[k] = energy_error(phys_pendulum_field, phys_pendulum_energy, y0, 2, 0.1 / (1 << k), 20.0);
    double r1 = e[0] / e[1], r2 = e[1] / e[2];
    cr_log_info("pendulum energy error ratios %.2f %.2f", r1, r2);
    double p1 = log2(r1), p2 = log2(r2);
    cr_assert(p1 >= 3.8 && p1 <= 5.3 && p2 >= 3.8 && p2 <= 5.3, "orders %.2f %.2f", p1, p2);
}

Test(systems, spring_matches_exact_solution)
{
    double y[2] = {0.6, -0.3}, work[PHYS_RK4_WORK(2)], dt = 1e-3, T = 3.0;
    double r = hypot(y[0], y[1]), c = atan2(-y[1], y[0]);
    long steps = lround(T / dt);
    for (long s = 0; s < steps; s++)
        phys_rk4_step(y, 2, s * dt, dt, phys_spring_field, NULL, work);
    /* q = r cos(2t + c), p = qdot/2 = -r sin(2t + c) */
    cr_assert(fabs(y[0] - r * cos(2 * T + c)) < 1e-11);
    cr_assert(fabs(y[1] + r * sin(2 * T + c)) < 1e-11);
    cr_assert(fabs(phys_spring_energy(y) - r * r) < 1e-11);
}
