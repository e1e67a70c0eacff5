/* test_integrators.c: the one-step maps of src/physics/integrators.h.
 *  - each method on a case computed by hand (Euler on a linear, time-dependent
 *    field; RK4 = 4th-order Taylor polynomial on y' = lambda y and exact on
 *    y' = t^3; one velocity-Verlet step of the harmonic oscillator);
 *  - the global order of each method from error ratios over step halvings on
 *    the harmonic oscillator (exact solution cos, sin): ratios 2, 16, 4;
 *  - the leapfrog's exact quadratic invariant of the oscillator,
 *    v^2 + (1 - h^2/4) q^2, kept to round-off over 10^5 steps;
 *  - determinism: the same steps twice give identical bits. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "physics/integrators.h"

static void linear_field(double *dydt, const double *y, double t, void *ctx)
{
    (void)ctx;
    dydt[0] = y[1];
    dydt[1] = -2.0 * y[0] + t;
}

Test(integrators, euler_hand_computed)
{
    double y[2] = { 1.5, -0.25 }, work[PHYS_EULER_WORK(2)];
    phys_euler_step(y, 2, 0.5, 0.1, linear_field, NULL, work);
    /* f = (-0.25, -2*1.5 + 0.5) = (-0.25, -2.5);  y + 0.1 f = (1.475, -0.5) */
    cr_assert_float_eq(y[0], 1.475, 1e-15);
    cr_assert_float_eq(y[1], -0.5, 1e-15);
}

static void exp_field(double *dydt, const double *y, double t, void *ctx)
{
    dydt[0] = *(const double *)ctx * y[0];
}

Test(integrators, rk4_is_taylor_on_linear_ode)
{
    double lambda = -1.3, h = 0.37, y = 2.385, work[PHYS_RK4_WORK(1)];
    double z = lambda * h;
    double expect = y * (1 + z + z * z / 2 + z * z * z / 6 + z * z * z * z / 24);
    phys_rk4_step(&y, 1, 0.0, h, exp_field, &lambda, work);
    cr_assert_float_eq(y, expect, 1e-15 * fabs(expect), "rk4 %.17g vs Taylor %.17g", y, expect);
}

static void cubic_field(double *dydt, const double *y, double t, void *ctx)
{
    dydt[0] = t * t * t;
}

/* RK4 on y' = g(t) is Simpson's rule, exact for cubics: checks the stage times. */
Test(integrators, rk4_exact_on_cubic_quadrature)
{
    double t = 0.3, h = 0.45, y = 0.7, work[PHYS_RK4_WORK(1)];
    phys_rk4_step(&y, 1, t, h, cubic_field, NULL, work);
    double expect = 0.7 + (pow(t + h, 4) - pow(t, 4)) / 4;
    cr_assert_float_eq(y, expect, 1e-15, "%.17g vs %.17g", y, expect);
}

static void osc_accel(double *a, const double *q, double t, void *ctx)
{
    a[0] = -q[0];
}

static void osc_field(double *dydt, const double *y, double t, void *ctx)
{
    dydt[0] = y[1];
    dydt[1] = -y[0];
}

Test(integrators, leapfrog_hand_computed)
{
    double q = 0.8, v = -0.35, h = 0.2, a;
    phys_leapfrog_init(&a, &q, 1, 0, osc_accel, NULL);
    phys_leapfrog_step(&q, &v, 1, 0, h, osc_accel, NULL, &a);
    /* kick-drift-kick for q'' = -q, written out:
     *   q1 = q (1 - h^2/2) + h v,  v1 = v (1 - h^2/2) - h q (1 - h^2/4) */
    double q1 = 0.8 * (1 - 0.02) + 0.2 * -0.35;
    double v1 = -0.35 * (1 - 0.02) - 0.2 * 0.8 * (1 - 0.01);
    cr_assert_float_eq(q, q1, 1e-15);
    cr_assert_float_eq(v, v1, 1e-15);
    cr_assert_float_eq(a, -q1, 1e-15, "the cached force is a(q1)");
}

/* Global error at t = 2 of the oscillator from (q, v) = (1, 0): exact (cos t, -sin t). */
static double osc_error(int method, int n)
{
    double T = 2.0, h = T / n, y[2] = { 1.0, 0.0 }, work[PHYS_RK4_WORK(2)], a;
    if (method == 2) phys_leapfrog_init(&a, y, 1, 0, osc_accel, NULL);
    for (int i = 0; i < n; i++) {
        if (method == 0) phys_euler_step(y, 2, i * h, h, osc_field, NULL, work);
        else if (method == 1) phys_rk4_step(y, 2, i * h, h, osc_field, NULL, work);
        else phys_leapfrog_step(y, y + 1, 1, i * h, h, osc_accel, NULL, &a);
    }
    return hypot(y[0] - cos(T), y[1] + sin(T));
}

/* The order p shows as err(h) / err(h/2) -> 2^p.  The ratio's deviation from
 * 2^p is O(h) relative (the next term of the error expansion) plus round-off
 * once the error nears 1e-14.  At the step sizes below the measured
 * |log2(ratio) - p| is at most 4e-4 (RK4 at n = 256, error 4e-12); we accept
 * 0.02: fifty times that, and fifty times smaller than the distance to the
 * next integer order, so a method of the wrong order cannot pass. */
Test(integrators, orders_on_oscillator)
{
    const int p[3] = { 1, 4, 2 }, n0[3] = { 4096, 64, 1024 };
    for (int m = 0; m < 3; m++) {
        for (int k = 0; k < 3; k++) {
            int n = n0[m] << k;
            double r = osc_error(m, n) / osc_error(m, 2 * n);
            cr_assert(fabs(log2(r) - p[m]) <= 0.02,
                      "method %d, n = %d: ratio %.6f, order %.4f, expected %d", m, n, r, log2(r), p[m]);
        }
    }
}

Test(integrators, leapfrog_keeps_the_oscillators_quadratic_invariant)
{
    double h = 0.1, q = 1.2, v = 0.3, a;
    double I0 = v * v + (1 - h * h / 4) * q * q, worst = 0, Ework = 0;
    double E0 = 0.5 * (v * v + q * q);
    phys_leapfrog_init(&a, &q, 1, 0, osc_accel, NULL);
    for (int i = 0; i < 100000; i++) {
        phys_leapfrog_step(&q, &v, 1, i * h, h, osc_accel, NULL, &a);
        double I = v * v + (1 - h * h / 4) * q * q;
        if (fabs(I - I0) > worst) worst = fabs(I - I0);
        double dE = fabs(0.5 * (v * v + q * q) - E0);
        if (dE > Ework) Ework = dE;
    }
    cr_assert(worst <= 1e-12 * I0, "modified invariant drifted by %g", worst / I0);
    /* and the plain energy is not kept exactly: the test can tell them apart */
    cr_assert(Ework >= 1e-4 * E0, "energy error %g, expected O(h^2)", Ework / E0);
}

Test(integrators, deterministic_bits)
{
    double y1[2] = { 0.9, 0.1 }, y2[2] = { 0.9, 0.1 }, work[PHYS_RK4_WORK(2)];
    for (int i = 0; i < 10000; i++) phys_rk4_step(y1, 2, i * 0.01, 0.01, osc_field, NULL, work);
    for (int i = 0; i < 10000; i++) phys_rk4_step(y2, 2, i * 0.01, 0.01, osc_field, NULL, work);
    cr_assert(memcmp(y1, y2, sizeof y1) == 0);
}
