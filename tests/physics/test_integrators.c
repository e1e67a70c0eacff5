/* test_integrators.c: the one-step maps of src/physics/integrators.h.
 *  - each method on a case computed by hand (Euler on a linear, time-dependent
 *    field; RK4 = 4th-order Taylor polynomial on y' = lambda y and exact on
 *    y' = t^3; one velocity-Verlet step of the harmonic oscillator);
 *  - every stepper of the table at its stated order: error ratios over step
 *    halvings on the harmonic oscillator (exact solution cos, sin), and on a
 *    nonlinear, time-dependent partitioned system against a fine reference;
 *  - the table's leapfrog is the chapter's cached-force leapfrog, bit for bit;
 *  - a right-hand side's status comes back from every stepper and from
 *    phys_integrate, with the state left as it was before the failing step;
 *  - the leapfrog's exact quadratic invariant of the oscillator,
 *    v^2 + (1 - h^2/4) q^2, kept to round-off over 10^5 steps;
 *  - determinism: the same steps twice give identical bits. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "physics/integrators.h"

static int linear_field(double *dydt, const double *y, double t, void *ctx)
{
    (void)ctx;
    dydt[0] = y[1];
    dydt[1] = -2.0 * y[0] + t;
    return 0;
}

Test(integrators, euler_hand_computed)
{
    double y[2] = { 1.5, -0.25 }, work[PHYS_EULER_WORK(2)];
    cr_assert_eq(phys_euler_step(y, 2, 0.5, 0.1, linear_field, NULL, work), 0);
    /* f = (-0.25, -2*1.5 + 0.5) = (-0.25, -2.5);  y + 0.1 f = (1.475, -0.5) */
    cr_assert_float_eq(y[0], 1.475, 1e-15);
    cr_assert_float_eq(y[1], -0.5, 1e-15);
}

static int exp_field(double *dydt, const double *y, double t, void *ctx)
{
    dydt[0] = *(const double *)ctx * y[0];
    return 0;
}

Test(integrators, rk4_is_taylor_on_linear_ode)
{
    double lambda = -1.3, h = 0.37, y = 2.385, work[PHYS_RK4_WORK(1)];
    double z = lambda * h;
    double expect = y * (1 + z + z * z / 2 + z * z * z / 6 + z * z * z * z / 24);
    phys_rk4_step(&y, 1, 0.0, h, exp_field, &lambda, work);
    cr_assert_float_eq(y, expect, 1e-15 * fabs(expect), "rk4 %.17g vs Taylor %.17g", y, expect);
}

static int cubic_field(double *dydt, const double *y, double t, void *ctx)
{
    dydt[0] = t * t * t;
    return 0;
}

/* RK4 on y' = g(t) is Simpson's rule, exact for cubics: checks the stage times. */
Test(integrators, rk4_exact_on_cubic_quadrature)
{
    double t = 0.3, h = 0.45, y = 0.7, work[PHYS_RK4_WORK(1)];
    phys_rk4_step(&y, 1, t, h, cubic_field, NULL, work);
    double expect = 0.7 + (pow(t + h, 4) - pow(t, 4)) / 4;
    cr_assert_float_eq(y, expect, 1e-15, "%.17g vs %.17g", y, expect);
}

static int osc_accel(double *a, const double *q, double t, void *ctx)
{
    a[0] = -q[0];
    return 0;
}

static int osc_field(double *dydt, const double *y, double t, void *ctx)
{
    dydt[0] = y[1];
    dydt[1] = -y[0];
    return 0;
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

Test(integrators, table)
{
    int n = 0;
    for (; phys_steppers[n]; n++)
        cr_assert_eq(phys_stepper_find(phys_steppers[n]->name), phys_steppers[n]);
    cr_assert_eq(n, 3);
    cr_assert_eq(phys_stepper_find("rk4"), &phys_rk4);
    cr_assert_eq(phys_rk4.order, 4);
    cr_assert_eq(phys_euler.order, 1);
    cr_assert_eq(phys_leapfrog.order, 2);
    cr_assert_eq(PHYS_STEPPER_WORK(&phys_rk4, 3), PHYS_RK4_WORK(3));
    cr_assert_null(phys_stepper_find("rk5"));
}

/* Global error at t = 2 of the oscillator from (q, v) = (1, 0): exact (cos t, -sin t). */
static double osc_error(const phys_stepper_t *s, int n)
{
    double T = 2.0, h = T / n, y[2] = { 1.0, 0.0 }, work[10];
    cr_assert_leq(PHYS_STEPPER_WORK(s, 2), 10);
    cr_assert_eq(phys_integrate(s, y, 2, 0.0, h, n, osc_field, NULL, work), 0);
    return hypot(y[0] - cos(T), y[1] + sin(T));
}

/* The order p shows as err(h) / err(h/2) -> 2^p.  The ratio's deviation from
 * 2^p is O(h) relative (the next term of the error expansion) plus round-off
 * once the error nears 1e-14.  At the step sizes below the measured
 * |log2(ratio) - p| is at most 4e-4 (RK4 at n = 256, error 4e-12); we accept
 * 0.02: fifty times that, and fifty times smaller than the distance to the
 * next integer order, so a method of the wrong order cannot pass. */
Test(integrators, every_stepper_at_its_order_on_the_oscillator)
{
    for (int m = 0; phys_steppers[m]; m++) {
        const phys_stepper_t *s = phys_steppers[m];
        int n0 = s->order == 1 ? 4096 : s->order == 2 ? 1024 : 64;
        for (int k = 0; k < 3; k++) {
            int n = n0 << k;
            double r = osc_error(s, n) / osc_error(s, 2 * n);
            cr_assert(fabs(log2(r) - s->order) <= 0.02, "%s, n = %d: ratio %.6f, order %.4f, expected %d",
                      s->name, n, r, log2(r), s->order);
        }
    }
}

/* A driven anharmonic oscillator, q'' = -q - q^3 + 0.3 cos(1.7 t), in
 * first-order form y = (q, v): nonlinear and time-dependent, so a stage
 * time off by a fraction would show. */
static int duffing(double *dydt, const double *y, double t, void *ctx)
{
    dydt[0] = y[1];
    dydt[1] = -y[0] - y[0] * y[0] * y[0] + 0.3 * cos(1.7 * t);
    return 0;
}

static void duffing_at(const phys_stepper_t *s, int n, double y[2])
{
    double T = 3.0, work[10];
    y[0] = 0.7;
    y[1] = -0.2;
    phys_integrate(s, y, 2, 0.25, T / n, n, duffing, NULL, work);
}

Test(integrators, every_stepper_at_its_order_on_a_driven_nonlinear_system)
{
    double ref[2];
    duffing_at(&phys_rk4, 1 << 14, ref);   /* error ~ 1e-15 */
    for (int m = 0; phys_steppers[m]; m++) {
        const phys_stepper_t *s = phys_steppers[m];
        int n0 = s->order == 1 ? 4096 : s->order == 2 ? 512 : 64;
        double e[3];
        for (int k = 0; k < 3; k++) {
            double y[2];
            duffing_at(s, n0 << k, y);
            e[k] = hypot(y[0] - ref[0], y[1] - ref[1]);
        }
        double p1 = log2(e[0] / e[1]), p2 = log2(e[1] / e[2]);
        cr_log_info("%s: errors %.3g %.3g %.3g, orders %.3f %.3f", s->name, e[0], e[1], e[2], p1, p2);
        cr_assert(fabs(p1 - s->order) <= 0.05 && fabs(p2 - s->order) <= 0.05,
                  "%s: orders %.3f %.3f, expected %d", s->name, p1, p2, s->order);
    }
}

/* The table's leapfrog on y = (q, v) is the chapter's cached-force leapfrog:
 * the same kicks and drifts, so the same bits. */
Test(integrators, table_leapfrog_is_the_cached_leapfrog)
{
    double y[2] = { 0.7, -0.2 }, q = 0.7, v = -0.2, a, work[10], h = 0.05;
    phys_leapfrog_init(&a, &q, 1, 0.0, osc_accel, NULL);
    for (int i = 0; i < 1000; i++) {
        phys_leapfrog.step(y, 2, i * h, h, osc_field, NULL, work);
        phys_leapfrog_step(&q, &v, 1, i * h, h, osc_accel, NULL, &a);
    }
    cr_assert(y[0] == q && y[1] == v, "(%.17g, %.17g) vs (%.17g, %.17g)", y[0], y[1], q, v);
    double odd[3] = { 1, 2, 3 };
    cr_assert_eq(phys_leapfrog.step(odd, 3, 0.0, h, osc_field, NULL, work), PHYS_EBADSIZE);
}

/* A field that reports a singular mass matrix once |q| exceeds a bound, and
 * counts its calls. */
typedef struct {
    double bound;
    int calls;
} guard_ctx;

static int guarded(double *dydt, const double *y, double t, void *vc)
{
    guard_ctx *c = vc;
    c->calls++;
    if (fabs(y[0]) > c->bound)
        return PHYS_ESINGULAR;
    dydt[0] = y[1];
    dydt[1] = 1.0;   /* constant push: q grows */
    return 0;
}

Test(integrators, status_comes_back_and_the_state_is_kept)
{
    for (int m = 0; phys_steppers[m]; m++) {
        const phys_stepper_t *s = phys_steppers[m];
        double work[10], y[2] = { 0.0, 1.0 }, before[2];
        guard_ctx c = { 0.95, 0 };
        int st = 0;
        long steps = 0;
        while (!st && steps < 100) {
            memcpy(before, y, sizeof y);
            st = s->step(y, 2, 0.0, 0.1, guarded, &c, work);
            steps += !st;
        }
        cr_assert_eq(st, PHYS_ESINGULAR, "%s: status %d", s->name, st);
        cr_assert(y[0] == before[0] && y[1] == before[1], "%s: the state moved", s->name);
        cr_assert(steps >= 5 && steps <= 10, "%s: failed after %ld steps", s->name, steps);
        /* phys_integrate stops at the same step with the same status */
        double z[2] = { 0.0, 1.0 };
        guard_ctx c2 = { 0.95, 0 };
        cr_assert_eq(phys_integrate(s, z, 2, 0.0, 0.1, 100, guarded, &c2, work), PHYS_ESINGULAR);
        cr_assert(z[0] == y[0] && z[1] == y[1], "%s", s->name);
        cr_assert_eq(c2.calls, c.calls, "%s: %d vs %d field calls", s->name, c2.calls, c.calls);
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
