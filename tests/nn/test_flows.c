/* test_flows.c: Criterion suite "flow" for src/nn/flows.c.
 *
 * What could fail here, and the order the theory promises:
 *  - the inertial flow m q'' + c q' = -A q on a quadratic against its closed
 *    form in A's eigenbasis (1e-10 at a small step), and RK4's fourth order by
 *    halving dt (error ratio 16 within 10 %);
 *  - the slow-manifold start against -(A/c + (m/c^3) A^2) q0, its form on a
 *    quadratic (central differences are exact there up to rounding);
 *  - the charge equation (m/2) N'' + (c/2) N' = m |q'|^2 along the inertial
 *    flow of a scale-invariant loss, at the integrator's order;
 *  - the exact relaxation step of tau u' + u = f against a fine RK4 solution;
 *  - discrete Adam with beta_i = 1 - eta/tau_i against the Adam flow: error
 *    ratio 2 on halving eta (first order);
 *  - the sharpness by power iteration against a known spectrum. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "nn/flows.h"
#include "nn/optim.h"
#include "physics/integrators.h"

/* V = q^T A q / 2 with A = [[2.5, -1.5], [-1.5, 2.5]] (eigenvalues 4 and 1) */
static double quad_grad(double *g, const double *q, void *ctx)
{
    g[0] = 2.5 * q[0] - 1.5 * q[1];
    g[1] = -1.5 * q[0] + 2.5 * q[1];
    return 0.5 * (q[0] * g[0] + q[1] * g[1]);
}

/* m x'' + c x' + s x = 0, x(0) = x0, x'(0) = v0 (over-damped or oscillating) */
static double mode(double m, double c, double s, double x0, double v0, double t)
{
    double disc = c * c - 4 * m * s;
    if (disc > 0) {
        double r1 = (-c + sqrt(disc)) / (2 * m), r2 = (-c - sqrt(disc)) / (2 * m);
        double A2 = (v0 - r1 * x0) / (r2 - r1), A1 = x0 - A2;
        return A1 * exp(r1 * t) + A2 * exp(r2 * t);
    }
    double g = c / (2 * m), W = sqrt(-disc) / (2 * m);
    return exp(-g * t) * (x0 * cos(W * t) + (v0 + g * x0) / W * sin(W * t));
}

/* the closed form at t from (q0, p0), in the eigenbasis (1,1)/sqrt2 (1), (1,-1)/sqrt2 (4) */
static void quad_exact(double m, double c, const double *q0, const double *p0, double t, double *q)
{
    const double r = sqrt(0.5), sig[2] = {1.0, 4.0};
    double a[2] = {r * (q0[0] + q0[1]), r * (q0[0] - q0[1])};
    double b[2] = {r * (p0[0] + p0[1]), r * (p0[0] - p0[1])}, x[2];
    for (int j = 0; j < 2; j++)
        x[j] = mode(m, c, sig[j], a[j], b[j], t);
    q[0] = r * (x[0] + x[1]);
    q[1] = r * (x[0] - x[1]);
}

static double inertial_error(double m, double c, double dt, double T)
{
    flow_inertial_t f = {quad_grad, NULL, 2, m, c, NULL, NULL, 0};
    double q[2] = {1.0, 0.0}, p[2] = {-0.3, 0.7}, q0[2] = {1.0, 0.0}, p0[2] = {-0.3, 0.7}, qe[2];
    double ws[FLOW_INERTIAL_WORK(2, 0)];
    flow_inertial_rk4(&f, q, p, NULL, dt, lround(T / dt), ws);
    quad_exact(m, c, q0, p0, T, qe);
    return hypot(q[0] - qe[0], q[1] - qe[1]);
}

Test(flow, inertial_flow_matches_closed_form_at_fourth_order)
{
    /* GD's modified flow at eta = 0.1 (m = 0.05, c = 1) and heavy ball
     * (eta 0.1, beta 0.9: m = 0.095, c = 0.1), to t = 2 */
    const double mc[2][2] = {{0.05, 1.0}, {0.095, 0.1}};
    for (int k = 0; k < 2; k++) {
        double e0 = inertial_error(mc[k][0], mc[k][1], 1e-4, 2.0);
        cr_assert_leq(e0, 1e-12, "m %g: error %.3g at dt 1e-4", mc[k][0], e0);
        double e1 = inertial_error(mc[k][0], mc[k][1], 0.004, 2.0);
        double e2 = inertial_error(mc[k][0], mc[k][1], 0.002, 2.0);
        cr_log_info("m %g: RK4 error ratio %.3f", mc[k][0], e1 / e2);
        cr_assert(fabs(e1 / e2 / 16.0 - 1.0) < 0.1, "m %g: ratio %.3f", mc[k][0], e1 / e2);
    }
}

Test(flow, slow_start_is_the_closed_form_on_a_quadratic)
{
    const double eta = 0.1, m = eta / 2, c = 1.0, q[2] = {1.0, 0.0};
    flow_inertial_t f = {quad_grad, NULL, 2, m, c, NULL, NULL, 0};
    double p[2], ws[6];
    flow_slow_start(&f, q, p, 1e-4, ws);
    /* -(A + (eta/2) A^2) q0: A q0 = (2.5, -1.5), A^2 q0 = (8.5, -7.5) */
    const double want[2] = {-(2.5 + m * 8.5), -(-1.5 + m * -7.5)};
    for (int i = 0; i < 2; i++)
        cr_assert_float_eq(p[i], want[i], 1e-9, "p[%d] = %.15g, want %.15g", i, p[i], want[i]);
}

/* A scale-invariant loss: V(q) = f(q/|q|) with f(u) = u^T D u / 2 + <b, u>. */
static double scale_inv_grad(double *g, const double *q, void *ctx)
{
    static const double D[3] = {2.385, 0.71, -0.45}, b[3] = {0.3, -0.2, 0.55};
    double n = sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2]), u[3], fu[3], dot = 0.0, V = 0.0;
    for (int i = 0; i < 3; i++) {
        u[i] = q[i] / n;
        fu[i] = D[i] * u[i] + b[i];
        V += 0.5 * D[i] * u[i] * u[i] + b[i] * u[i];
        dot += fu[i] * u[i];
    }
    for (int i = 0; i < 3; i++)
        g[i] = (fu[i] - dot * u[i]) / n;      /* the projection: <g, q> = 0 */
    return V;
}

static void speed2(double *f, const double *q, const double *qdot, const double *g, void *ctx)
{
    f[0] = qdot[0] * qdot[0] + qdot[1] * qdot[1] + qdot[2] * qdot[2];
}

/* |N(T) - N(0) - (2m int |q'|^2 - m [N'])/c| for the inertial flow at step dt */
static double charge_eom_defect(double dt)
{
    const double m = 0.05, c = 1.0, T = 1.0;
    flow_inertial_t f = {scale_inv_grad, NULL, 3, m, c, speed2, NULL, 1};
    double q[3] = {0.8, -0.5, 0.6}, p[3], J = 0.0, ws[FLOW_INERTIAL_WORK(3, 1)], w3[9];
    flow_slow_start(&f, q, p, 1e-5, w3);
    double N0 = q[0] * q[0] + q[1] * q[1] + q[2] * q[2];
    double r0 = 2 * (q[0] * p[0] + q[1] * p[1] + q[2] * p[2]);
    flow_inertial_rk4(&f, q, p, &J, dt, lround(T / dt), ws);
    double N1 = q[0] * q[0] + q[1] * q[1] + q[2] * q[2];
    double r1 = 2 * (q[0] * p[0] + q[1] * p[1] + q[2] * p[2]);
    double eom = (2 * m * J - m * (r1 - r0)) / c;
    cr_assert_gt(fabs(N1 - N0), 1e-4, "the kinetic term moves the charge");
    return fabs((N1 - N0) - eom);
}

Test(flow, charge_equation_holds_along_the_inertial_flow)
{
    double e1 = charge_eom_defect(0.005), e2 = charge_eom_defect(0.0025);
    cr_log_info("charge equation defect %.3g, %.3g (ratio %.2f)", e1, e2, e1 / e2);
    cr_assert_leq(e2, 1e-8, "defect %.3g", e2);
    cr_assert(e1 / e2 > 12.0 && e1 / e2 < 20.0, "fourth order: ratio %.2f", e1 / e2);
}

/* tau u' + u = f(t), f piecewise linear through nodes f_k at spacing h */
typedef struct {
    double tau, h;
    const double *f;
} relax_ctx;

static int relax_field(double *dudt, const double *u, double t, void *vc)
{
    const relax_ctx *c = vc;
    long k = (long)floor(t / c->h + 1e-12);
    if (k > 3)
        k = 3;                                  /* the last node: w = 1 */
    double w = t / c->h - k, f = (1 - w) * c->f[k] + w * c->f[k + 1];
    dudt[0] = (f - u[0]) / c->tau;
    return 0;
}

Test(flow, relaxation_step_is_exact_for_a_linear_drive)
{
    const double f[5] = {1.5, -0.25, 2.0, 2.0, 0.7}, h = 0.3;
    for (int t = 0; t < 2; t++) {
        const double tau = t == 0 ? 0.05 : 2.385;   /* stiff and slow */
        double u = 0.4, ref = 0.4, work[PHYS_RK4_WORK(1)];
        relax_ctx c = {tau, h, f};
        for (int k = 0; k < 4; k++) {
            u = flow_relax_step(u, f[k], f[k + 1], h, tau);
            /* fine RK4 inside the segment (the drive is smooth there) */
            phys_integrate(&phys_rk4, &ref, 1, k * h, h / 3000, 3000, relax_field, &c, work);
        }
        cr_assert_float_eq(u, ref, 1e-11, "tau %g: %.15g against %.15g", tau, u, ref);
    }
}

Test(flow, adam_converges_to_the_adam_flow_at_first_order)
{
    /* on the quadratic: Adam with beta1 = 1 - eta, beta2 = 1 - eta/10 to t = 1 */
    const double tau1 = 1.0, tau2 = 10.0, eps = 1e-3, T = 1.0;
    flow_adam_t fa = {quad_grad, NULL, 2, tau1, tau2, eps, NULL, NULL, 0};
    double y[6] = {1.0, 0.0, 0, 0, 0, 0}, ws[FLOW_ADAM_WORK(2, 0)];
    flow_adam_rk4(&fa, y, 0.0, 1e-4, lround(T / 1e-4), ws);
    double err[3];
    for (int e = 0; e < 3; e++) {
        double eta = 0.02 / (1 << e), q[2] = {1.0, 0.0}, m[2] = {0, 0}, v[2] = {0, 0}, g[2];
        for (long k = 0; k < lround(T / eta); k++) {
            quad_grad(g, q, NULL);
            opt_adam_step(q, g, m, v, 2, k + 1, eta, 1 - eta / tau1, 1 - eta / tau2, eps, 0.0,
                          OPT_WD_COUPLED);
        }
        err[e] = hypot(q[0] - y[0], q[1] - y[1]);
    }
    for (int e = 1; e < 3; e++) {
        cr_log_info("Adam against its flow: error ratio %.3f", err[e - 1] / err[e]);
        cr_assert(fabs(err[e - 1] / err[e] - 2.0) < 0.2, "ratio %.3f", err[e - 1] / err[e]);
    }
}

/* V = sum_i d_i q_i^2 / 2 with a known spectrum */
static double diag_grad(double *g, const double *q, void *ctx)
{
    static const double d[5] = {3.5, -7.25, 1.0, 0.5, 2.0};
    double V = 0.0;
    for (int i = 0; i < 5; i++) {
        g[i] = d[i] * q[i];
        V += 0.5 * d[i] * q[i] * q[i];
    }
    return V;
}

Test(flow, sharpness_finds_the_largest_eigenvalue_in_magnitude)
{
    const double q[5] = {0.3, -0.1, 0.7, 1.2, -0.4};
    double ws[20], resid;
    rng_t r;
    rng_seed(&r, 2385, 51);
    double l = flow_sharpness(diag_grad, NULL, q, 5, 80, 1e-3, &r, &resid, ws);
    cr_assert_float_eq(l, -7.25, 1e-8, "lambda %.12g", l);
    cr_assert_leq(resid, 1e-8, "residual %.3g", resid);
}
