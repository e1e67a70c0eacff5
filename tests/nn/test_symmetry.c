/* test_symmetry.c: Criterion suite "sym" for src/nn/symmetry.c.
 *
 * What could fail here, and the order the theory promises:
 *  - the exact one-step laws (Kunin et al. 2021, NM; discretised in the
 *    chapter, with their heavy-ball form) against the optimizer of optim.c
 *    driven by synthetic gradients that obey each symmetry's constraint:
 *    <= 1e-12 relative over thousands of steps;
 *  - the gradient constraints on a real network (mlp.c): round-off, with a
 *    control group that has no symmetry and so must NOT pass; the same for
 *    every per-sample and minibatch gradient along the generators that
 *    sym_generator builds;
 *  - the noise moments: a planted null direction of the sample covariance
 *    is found at round-off, the other directions at their set variances;
 *  - the finite-step (KSB) drift of the scale charge under gradient descent:
 *    first-order prediction eta * int |g|^2 dt off by O(eta^2), error ratio
 *    ~4 when eta is halved (Tanaka & Kunin 2021, derived in the chapter);
 *  - the momentum oscillator: period of the translation charge within 5 % of
 *    2 pi / Omega, and the over-damped case does not cross 0;
 *  - the stable Green's-function convolution against the direct sum;
 *  - the two-layer linear network: gradient by central differences, the
 *    one-step law of W1 W1^T - W2^T W2 for GD and any update at round-off,
 *    GD's drift O(eta) with its first-order prediction off by O(eta^2), and
 *    Adam's drift tending to the Adam flow's at first order (flows.h). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "nn/flows.h"
#include "nn/gradcheck.h"
#include "nn/mlp.h"
#include "nn/optim.h"
#include "nn/symmetry.h"

static double dot(const double *a, const double *b, int n)
{
    double s = 0.0;
    for (int i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}

static void randn(rng_t *r, double *x, int n, double sd)
{
    for (int i = 0; i < n; i++)
        x[i] = sd * rng_normal(r);
}

/* ------------------------------------------------- charges by hand */

Test(sym, charges_by_hand)
{
    /* W[2,3] = [[1.5, -2, 0.25], [3, 0.5, -1]], b = [0.75, -1.25] */
    const double W[6] = {1.5, -2.0, 0.25, 3.0, 0.5, -1.0}, b[2] = {0.75, -1.25};
    double q[4];
    sym_in_sqnorm(q, W, b, 2, 3);
    cr_assert_float_eq(q[0], 2.25 + 4.0 + 0.0625 + 0.5625, 1e-15);
    cr_assert_float_eq(q[1], 9.0 + 0.25 + 1.0 + 1.5625, 1e-15);
    sym_out_sqnorm(q, W, 2, 3);
    cr_assert_float_eq(q[2], 0.0625 + 1.0, 1e-15);
    sym_col_sum(q, W, b, 2, 3);
    cr_assert_float_eq(q[0], 4.5, 1e-15);
    cr_assert_float_eq(q[1], -1.5, 1e-15);
    cr_assert_float_eq(q[3], -0.5, 1e-15);
    /* rescale: hidden H = 2 units between W1 = W[2,3] and W2[1,2] = [[2, -0.5]] */
    const double W2[2] = {2.0, -0.5};
    sym_rescale_charge(q, W, b, W2, 2, 3, 1);
    cr_assert_float_eq(q[0], 4.0 - 6.875, 1e-15);
    cr_assert_float_eq(q[1], 0.25 - 11.8125, 1e-15);
}

/* ------------------------------------- exact laws with plain SGD + WD */

Test(sym, scale_recurrence_exact)
{
    enum { D = 64, K = 4000 };
    rng_t r;
    rng_seed(&r, 2385, 1);
    double th[D], g[D];
    const double lambdas[3] = {0.0, 1.7e-3, 1.1e-2};
    for (int c = 0; c < 3; c++) {
        double eta = 0.13, lambda = lambdas[c], worst = 0.0, worst_flow = 0.0;
        randn(&r, th, D, 0.3);
        double Q = dot(th, th, D), Qf = Q;
        for (int k = 0; k < K; k++) {
            randn(&r, g, D, 0.2 + 0.1 * sin(0.01 * k));
            double a = dot(g, th, D) / dot(th, th, D);
            for (int i = 0; i < D; i++)
                g[i] -= a * th[i];                      /* <g, theta> = 0 */
            Q = sym_scale_step(Q, dot(g, g, D), eta, lambda);
            Qf = sym_scale_flow_step(Qf, dot(g, g, D), eta, lambda);
            opt_sgd_step(th, g, NULL, D, eta, 0.0, lambda, OPT_WD_COUPLED);
            double Qm = dot(th, th, D), e = fabs(Qm - Q) / Qm;
            if (e > worst)
                worst = e;
            if (fabs(Qm - Qf) / Qm > worst_flow)
                worst_flow = fabs(Qm - Qf) / Qm;
        }
        cr_assert_leq(worst, 1e-12, "lambda %g: worst relative deviation %.3g", lambda, worst);
        /* the bar discriminates: the continuous law is off at O(eta lambda) */
        if (lambda > 0)
            cr_assert_geq(worst_flow, 0.1 * eta * lambda, "lambda %g: flow law too close, %.3g",
                          lambda, worst_flow);
    }
}

Test(sym, translation_recurrence_exact)
{
    enum { D = 10, K = 4000 };
    rng_t r;
    rng_seed(&r, 2385, 2);
    double th[D], g[D];
    double eta = 0.11, lambda = 7.3e-3, worst = 0.0;
    randn(&r, th, D, 0.4);
    double s = 0.0;
    for (int i = 0; i < D; i++)
        s += th[i];
    for (int k = 0; k < K; k++) {
        randn(&r, g, D, 0.5);
        double mean = 0.0;
        for (int i = 0; i < D; i++)
            mean += g[i] / D;
        for (int i = 0; i < D; i++)
            g[i] -= mean;                               /* sum g = 0 */
        s = sym_translation_step(s, eta, lambda);
        opt_sgd_step(th, g, NULL, D, eta, 0.0, lambda, OPT_WD_COUPLED);
        double sm = 0.0, l1 = 0.0;
        for (int i = 0; i < D; i++) {
            sm += th[i];
            l1 += fabs(th[i]);
        }
        double e = fabs(sm - s) / l1;
        if (e > worst)
            worst = e;
    }
    cr_assert_leq(worst, 1e-12, "worst deviation / l1 norm %.3g", worst);
}

/* A pair (in, out) with <g_in, th_in> = <g_out, th_out>, as ReLU rescale demands. */
static void rescale_project(double *g1, const double *t1, int d1, double *g2, const double *t2,
                            int d2)
{
    double c = dot(g1, t1, d1) - dot(g2, t2, d2);
    double n1 = dot(t1, t1, d1), n2 = dot(t2, t2, d2);
    for (int i = 0; i < d1; i++)
        g1[i] -= 0.5 * c / n1 * t1[i];
    for (int i = 0; i < d2; i++)
        g2[i] += 0.5 * c / n2 * t2[i];
}

Test(sym, rescale_recurrence_exact_with_and_without_momentum)
{
    enum { D1 = 20, D2 = 10, K = 3000 };
    rng_t r;
    rng_seed(&r, 2385, 3);
    const double betas[2] = {0.0, 0.9};
    for (int c = 0; c < 2; c++) {
        double th[D1 + D2], g[D1 + D2], v[D1 + D2] = {0};
        double *t1 = th, *t2 = th + D1, *g1 = g, *g2 = g + D1;
        double eta = 0.07, beta = betas[c], lambda = 4.1e-3, worst = 0.0;
        randn(&r, th, D1 + D2, 0.35);
        double Dq = dot(t2, t2, D2) - dot(t1, t1, D1), P = 0.0;
        for (int k = 0; k < K; k++) {
            randn(&r, g, D1 + D2, 0.15);
            rescale_project(g1, t1, D1, g2, t2, D2);
            if (beta == 0.0) {
                Dq = sym_scale_step(Dq, dot(g2, g2, D2) - dot(g1, g1, D1), eta, lambda);
                opt_sgd_step(th, g, NULL, D1 + D2, eta, 0.0, lambda, OPT_WD_COUPLED);
            } else {
                opt_sgd_step(th, g, v, D1 + D2, eta, beta, lambda, OPT_WD_COUPLED);
                double R = dot(v + D1, v + D1, D2) - dot(v, v, D1);
                sym_scale_momentum_step(&Dq, &P, R, eta, beta, lambda);
            }
            double n1 = dot(t1, t1, D1), n2 = dot(t2, t2, D2);
            double e = fabs((n2 - n1) - Dq) / (n1 + n2);
            if (e > worst)
                worst = e;
        }
        cr_assert_leq(worst, 1e-12, "beta %g: worst deviation %.3g", beta, worst);
    }
}

Test(sym, momentum_recurrences_exact)
{
    enum { D = 48, K = 3000 };
    rng_t r;
    rng_seed(&r, 2385, 4);
    double th[D], g[D], v[D] = {0}, ts[D], gs[D], vs[D] = {0};
    double eta = 0.1, beta = 0.99, lambda = 1e-3;
    randn(&r, th, D, 0.3);
    randn(&r, ts, D, 0.3);
    double Q = dot(th, th, D), P = 0.0, s = 0.0, u = 0.0;
    for (int i = 0; i < D; i++)
        s += ts[i];
    double wq = 0.0, ws = 0.0;
    for (int k = 0; k < K; k++) {
        randn(&r, g, D, 0.05);
        double a = dot(g, th, D) / dot(th, th, D);
        for (int i = 0; i < D; i++)
            g[i] -= a * th[i];
        opt_sgd_step(th, g, v, D, eta, beta, lambda, OPT_WD_COUPLED);
        sym_scale_momentum_step(&Q, &P, dot(v, v, D), eta, beta, lambda);
        double e = fabs(dot(th, th, D) - Q) / dot(th, th, D);
        if (e > wq)
            wq = e;

        randn(&r, gs, D, 0.05);
        double mean = 0.0;
        for (int i = 0; i < D; i++)
            mean += gs[i] / D;
        for (int i = 0; i < D; i++)
            gs[i] -= mean;
        opt_sgd_step(ts, gs, vs, D, eta, beta, lambda, OPT_WD_COUPLED);
        sym_translation_momentum_step(&s, &u, eta, beta, lambda);
        double sm = 0.0, l1 = 0.0;
        for (int i = 0; i < D; i++) {
            sm += ts[i];
            l1 += fabs(ts[i]);
        }
        if (fabs(sm - s) / l1 > ws)
            ws = fabs(sm - s) / l1;
    }
    cr_assert_leq(wq, 1e-12, "scale with momentum: %.3g", wq);
    cr_assert_leq(ws, 1e-12, "translation with momentum: %.3g", ws);
}

Test(sym, flow_step_is_the_closed_form)
{
    double eta = 0.1, lambda = 3e-3, G = 2.5, Q0 = 1.7, Q = Q0, worst = 0.0;
    for (int k = 1; k <= 2000; k++) {
        Q = sym_scale_flow_step(Q, G, eta, lambda);
        double t = eta * k;
        double exact = exp(-2 * lambda * t) * Q0 + eta * G * (1 - exp(-2 * lambda * t)) / (2 * lambda);
        if (fabs(Q - exact) / exact > worst)
            worst = fabs(Q - exact) / exact;
    }
    cr_assert_leq(worst, 1e-12, "%.3g", worst);
    /* lambda = 0 limit: Q grows by eta^2 G per step */
    cr_assert_float_eq(sym_scale_flow_step(1.0, 2.0, 0.1, 0.0), 1.02, 1e-15);
}

/* ------------------------------------------------ constraints on an MLP */

static void synth_batch(rng_t *r, double *x, int *y, int B, int d, int C)
{
    for (int i = 0; i < B * d; i++)
        x[i] = rng_normal(r);
    for (int i = 0; i < B; i++)
        y[i] = (int)rng_below(r, (uint32_t)C);
}

Test(sym, gradient_constraints_at_roundoff)
{
    enum { B = 24 };
    const int dims[4] = {12, 9, 7, 5};
    double x[B * 12];
    int y[B];
    rng_t r, ri;
    rng_seed(&r, 2385, 5);
    rng_seed(&ri, 2385, 6);
    synth_batch(&r, x, y, B, 12, 5);

    mlp_t m;
    cr_assert_eq(mlp_init(&m, dims, 3, 1, 0, 0.0, B, &ri), 0);
    mlp_train_batch(&m, x, y, B, NULL);
    double tr = sym_translation_residual(m.dW[2], m.db[2], 5, 7);
    double rs0 = sym_rescale_residual(m.W[0], m.b[0], m.dW[0], m.db[0], m.W[1], m.dW[1], 9, 12, 7);
    double rs1 = sym_rescale_residual(m.W[1], m.b[1], m.dW[1], m.db[1], m.W[2], m.dW[2], 7, 9, 5);
    cr_assert_leq(tr, 1e-13, "translation %.3g", tr);
    cr_assert_leq(rs0, 1e-13, "rescale layer 0 %.3g", rs0);
    cr_assert_leq(rs1, 1e-13, "rescale layer 1 %.3g", rs1);
    /* control: the hidden layer's columns feed ReLU, not a softmax */
    double ctl = sym_translation_residual(m.dW[1], NULL, 7, 9);
    cr_assert_geq(ctl, 1e-3, "control unexpectedly small: %.3g", ctl);
    mlp_free(&m);

    cr_assert_eq(mlp_init(&m, dims, 3, 1, 1, 0.0, B, &ri), 0);
    mlp_train_batch(&m, x, y, B, NULL);
    double sc0 = sym_scale_residual(m.W[0], m.b[0], m.dW[0], m.db[0], 9, 12);
    double sc1 = sym_scale_residual(m.W[1], m.b[1], m.dW[1], m.db[1], 7, 9);
    cr_assert_leq(sc0, 1e-13, "scale layer 0 %.3g", sc0);
    cr_assert_leq(sc1, 1e-13, "scale layer 1 %.3g", sc1);
    double ctl2 = sym_scale_residual(m.W[2], m.b[2], m.dW[2], m.db[2], 5, 7);
    cr_assert_geq(ctl2, 1e-3, "control (softmax layer has no scale symmetry): %.3g", ctl2);
    mlp_free(&m);
}

/* -------------------------------------- finite-step drift is O(eta^2) */

/* Summed scale charge of the BN rows and rescale charge of the linear units. */
static void smooth_charges(const sym_smooth_t *s, const double *th, double *Q, double *D)
{
    double q[16];
    *Q = 0.0, *D = 0.0;
    sym_in_sqnorm(q, th + s->oW1, th + s->ob1, s->H1, s->d);
    for (int i = 0; i < s->H1; i++)
        *Q += q[i];
    sym_rescale_charge(q, th + s->oW2, th + s->ob2, th + s->oW3, s->H2, s->H1, s->C);
    for (int i = 0; i < s->H2; i++)
        *D += q[i];
}

static void smooth_forcing(double *f, const double *th, const double *g, void *ctx)
{
    (void)th;
    smooth_charges(ctx, g, &f[0], &f[1]);   /* same sums of squares, on the gradient */
}

Test(sym, ksb_drift_second_order_in_eta)
{
    enum { B = 32, d = 10 };
    double x[B * d];
    int y[B];
    rng_t r;
    rng_seed(&r, 2385, 7);
    synth_batch(&r, x, y, B, d, 4);
    sym_smooth_t s;
    cr_assert_eq(sym_smooth_init(&s, d, 8, 6, 4, B, x, y), 0);
    size_t n = s.n_params;
    double *th0 = malloc(n * sizeof *th0), *th = malloc(n * sizeof *th);
    double *g = malloc(n * sizeof *g), *ws = malloc(SYM_FLOW_WORK(n, 2) * sizeof *ws);
    rng_seed(&r, 2385, 8);
    sym_smooth_init_params(&s, th0, &r);
    const double T = 1.0;

    /* gradient flow conserves both charges; the first-order prediction
     * of the discrete drift is eta * int F dt along it */
    double Q0, D0, Q1, D1, I[2] = {0, 0};
    smooth_charges(&s, th0, &Q0, &D0);
    memcpy(th, th0, n * sizeof *th);
    sym_flow_rk4(th, n, sym_smooth_grad, &s, 0.01, 100, smooth_forcing, &s, 2, I, ws);
    smooth_charges(&s, th, &Q1, &D1);
    cr_assert_leq(fabs(Q1 - Q0) / Q0, 1e-9, "flow: scale charge moved %.3g", fabs(Q1 - Q0) / Q0);
    cr_assert_leq(fabs(D1 - D0) / Q0, 1e-9, "flow: rescale charge moved %.3g", fabs(D1 - D0));

    double eQ[4], eD[4], c0[7], c1[7];
    sym_col_sum(c0, th0 + s.oW3, th0 + s.ob3, s.C, s.H2);
    for (int e = 0; e < 4; e++) {
        double eta = 0.2 / (1 << e);
        memcpy(th, th0, n * sizeof *th);
        long K = lround(T / eta);
        for (long k = 0; k < K; k++) {
            sym_smooth_grad(g, th, &s);
            opt_sgd_step(th, g, NULL, n, eta, 0.0, 0.0, OPT_WD_COUPLED);
        }
        smooth_charges(&s, th, &Q1, &D1);
        eQ[e] = fabs((Q1 - Q0) - eta * I[0]);
        eD[e] = fabs((D1 - D0) - eta * I[1]);
        cr_assert_gt(Q1 - Q0, 0.0, "finite steps push the scale charge outward");
        cr_assert_leq(eQ[e], 0.5 * (Q1 - Q0), "first-order prediction is the leading term");
        /* no kinetic symmetry breaking for translation: conserved at any eta */
        double l1[7];
        sym_col_sum(c1, th + s.oW3, th + s.ob3, s.C, s.H2);
        sym_col_abs(l1, th + s.oW3, th + s.ob3, s.C, s.H2);
        for (int j = 0; j <= s.H2; j++)
            cr_assert_leq(fabs(c1[j] - c0[j]) / l1[j], 1e-13, "translation charge %d moved %.3g", j,
                          fabs(c1[j] - c0[j]) / l1[j]);
    }
    for (int e = 1; e < 4; e++) {
        double rq = eQ[e - 1] / eQ[e], rd = eD[e - 1] / eD[e];
        cr_assert(rq > 3.4 && rq < 4.6, "scale, eta %g: error ratio %.3f", 0.2 / (1 << e), rq);
        cr_assert(rd > 3.4 && rd < 4.6, "rescale, eta %g: error ratio %.3f", 0.2 / (1 << e), rd);
    }
    free(th0), free(th), free(g), free(ws);
    sym_smooth_free(&s);
}

/* sym_smooth_grad as a gradcheck_fn: its gradient goes to scratch. */
typedef struct {
    sym_smooth_t *s;
    double *scratch;
} smooth_loss_ctx;

static double smooth_loss(double *grad, const double *theta, void *v)
{
    smooth_loss_ctx *c = v;
    return sym_smooth_grad(c->scratch, theta, c->s);
}

Test(sym, smooth_net_gradient_matches_central_differences)
{
    enum { B = 12, d = 5 };
    double x[B * d];
    int y[B];
    rng_t r;
    rng_seed(&r, 2385, 11);
    synth_batch(&r, x, y, B, d, 3);
    sym_smooth_t s;
    cr_assert_eq(sym_smooth_init(&s, d, 4, 3, 3, B, x, y), 0);
    size_t n = s.n_params;
    double *th = malloc(n * sizeof *th), *g = malloc(n * sizeof *g), *gg = malloc(n * sizeof *gg);
    sym_smooth_init_params(&s, th, &r);
    sym_smooth_grad(g, th, &s);
    smooth_loss_ctx c = {&s, gg};
    gradcheck_opts o = {.h = 1e-5, .floor = 1e-6};
    gradcheck_result res;
    double worst = gradcheck(smooth_loss, &c, th, n, g, &o, &res);
    cr_log_info("smooth net: worst relative gradient error %.3g at %zu", worst, res.i);
    cr_assert_leq(worst, 5e-7, "worst relative gradient error %.3g at %zu", worst, res.i);
    free(th), free(g), free(gg);
    sym_smooth_free(&s);
}

/* ------------------------------------------- momentum as an oscillator */

/* Mean spacing of sign changes (linear interpolation) in steps; 0 if < 2. */
static double half_period(const double *s, int K)
{
    double first = -1, last = -1;
    int n = 0;
    for (int k = 1; k < K; k++)
        if ((s[k - 1] > 0) != (s[k] > 0)) {
            double c = (k - 1) + s[k - 1] / (s[k - 1] - s[k]);
            if (first < 0)
                first = c;
            last = c;
            n++;
        }
    return n >= 2 ? (last - first) / (n - 1) : 0.0;
}

Test(sym, momentum_period_within_5_percent)
{
    enum { D = 10, K = 3000 };
    rng_t r;
    rng_seed(&r, 2385, 9);
    double eta = 0.1, lambda = 1e-3;
    double th[D], g[D], v[D], s[K];
    const double betas[2] = {0.99, 0.9};
    for (int c = 0; c < 2; c++) {
        double beta = betas[c];
        memset(v, 0, sizeof v);
        randn(&r, th, D, 0.3);
        double mean0 = 0.0;
        for (int i = 0; i < D; i++)
            mean0 += th[i];
        for (int i = 0; i < D; i++)
            th[i] += (1.0 - mean0) / D;                  /* s(0) = 1 */
        for (int k = 0; k < K; k++) {
            randn(&r, g, D, 0.2);
            double mean = 0.0;
            for (int i = 0; i < D; i++)
                mean += g[i] / D;
            for (int i = 0; i < D; i++)
                g[i] -= mean;
            opt_sgd_step(th, g, v, D, eta, beta, lambda, OPT_WD_COUPLED);
            s[k] = 0.0;
            for (int i = 0; i < D; i++)
                s[k] += th[i];
        }
        sym_osc_t o;
        double gamma = (1 - beta) / (eta * (1 + beta));
        sym_osc_init(&o, gamma, 2 * lambda / (eta * (1 + beta)));
        if (beta == 0.99) {
            cr_assert_eq(o.regime, 1);
            double measured = 2.0 * half_period(s, K) * eta;
            double theory = sym_osc_period(&o);
            cr_assert(fabs(measured / theory - 1) < 0.05, "period %.4g vs theory %.4g", measured,
                      theory);
        } else {
            cr_assert_eq(o.regime, -1);
            for (int k = 0; k < K; k++)
                cr_assert_gt(s[k], 0.0, "over-damped charge crossed zero at step %d", k);
        }
    }
    /* scale: the homogeneous (Q, P) law oscillates at omega_S^2 = 4 lambda / (eta (1+beta)) */
    double beta = 0.99, Q = 1.0, P = 0.0, q[K];
    for (int k = 0; k < K; k++) {
        sym_scale_momentum_step(&Q, &P, 0.0, eta, beta, lambda);
        q[k] = Q;
    }
    sym_osc_t o;
    sym_osc_init(&o, (1 - beta) / (eta * (1 + beta)), 4 * lambda / (eta * (1 + beta)));
    double measured = 2.0 * half_period(q, K) * eta, theory = sym_osc_period(&o);
    cr_assert(fabs(measured / theory - 1) < 0.05, "scale period %.4g vs %.4g", measured, theory);
}

Test(sym, green_convolution_matches_direct_sum)
{
    enum { K = 600 };
    rng_t r;
    rng_seed(&r, 2385, 10);
    double f[K];
    for (int k = 0; k < K; k++)
        f[k] = 1.0 + rng_uniform(&r);
    const double gam[3] = {0.05, 0.4, 0.2}, om2[3] = {0.0201, 0.0201, 0.04};
    double h = 0.1;
    for (int c = 0; c < 3; c++) {
        sym_osc_t o;
        sym_osc_init(&o, gam[c], om2[c]);
        sym_conv_t cv;
        sym_conv_init(&cv, &o, h);
        double worst = 0.0;
        for (int k = 0; k < K; k++) {
            double y = sym_conv_push(&cv, f[k]), d = 0.0;
            for (int j = 0; j <= k; j++)
                d += sym_osc_green(&o, (k + 1 - j) * h) * f[j];
            if (fabs(y - d) / fabs(d) > worst)
                worst = fabs(y - d) / fabs(d);
        }
        cr_assert_leq(worst, 1e-12, "regime %d: %.3g", o.regime, worst);
    }
}

/* (free solution, Green's function) at t, as a map of t. */
static void osc_pair(double *out, const double *t, void *v)
{
    out[0] = sym_osc_free(v, t[0]);
    out[1] = sym_osc_green(v, t[0]);
}

Test(sym, oscillator_solutions_solve_the_ode)
{
    /* x'' + 2 gamma x' + omega2 x = 0 with x(0) = 1, x'(0) = 0, and the Green's
     * function G(0) = 0, G'(0) = 1, checked by central differences */
    const double gam[3] = {0.05, 0.4, 0.2}, om2[3] = {0.0201, 0.0201, 0.04};
    double h = 1e-4;
    for (int c = 0; c < 3; c++) {
        sym_osc_t o;
        sym_osc_init(&o, gam[c], om2[c]);
        cr_assert_float_eq(sym_osc_free(&o, 0.0), 1.0, 1e-15);
        cr_assert_float_eq(sym_osc_green(&o, 0.0), 0.0, 1e-15);
        /* (x, G)'(0) = (0, 1) by central differences in t */
        double t0 = 0.0, one = 1.0, d0[2] = {0.0, 1.0}, work[GRADCHECK_JVP_WORK(1, 2)];
        gradcheck_opts go = {.h = h, .floor = 1.0};
        cr_assert_leq(gradcheck_jvp(osc_pair, &o, &t0, 1, 2, &one, d0, &go, work, NULL), 1e-7);
        for (double t = 0.7; t < 40.0; t += 3.3) {
            double (*fn[2])(const sym_osc_t *, double) = {sym_osc_free, sym_osc_green};
            for (int k = 0; k < 2; k++) {
                double xm = fn[k](&o, t - h), x0 = fn[k](&o, t), xp = fn[k](&o, t + h);
                double r = (xp - 2 * x0 + xm) / (h * h) + 2 * o.gamma * (xp - xm) / (2 * h) +
                           o.omega2 * x0;
                cr_assert_leq(fabs(r), 1e-5, "regime %d, t %g: residual %.3g", o.regime, t, r);
            }
        }
    }
}

/* ------------------------------------------------ generators and noise */

Test(sym, generator_supports_by_hand)
{
    /* theta = [W0 (2x3) b0 (2) W1 (2x2) b1 (2)], values 1.5, 2.5, ... */
    double th[14];
    for (int i = 0; i < 14; i++)
        th[i] = 1.5 + i;
    sym_layer_t L0 = {0, 6, 2, 3}, L1 = {8, 12, 2, 2};
    size_t idx[8];
    double xi[8];
    cr_assert_eq(sym_generator(NULL, NULL, SYM_SCALE, th, &L0, NULL, 1), 4);
    cr_assert_eq(sym_generator(idx, xi, SYM_SCALE, th, &L0, NULL, 1), 4);
    const size_t want_s[4] = {3, 4, 5, 7};
    for (int j = 0; j < 4; j++) {
        cr_assert_eq(idx[j], want_s[j]);
        cr_assert_eq(xi[j], th[want_s[j]]);
    }
    /* rescale of unit 1: row 1 of W0, b0[1], then column 1 of W1 with -theta */
    cr_assert_eq(sym_generator(idx, xi, SYM_RESCALE, th, &L0, &L1, 1), 6);
    cr_assert_eq(idx[4], 9);
    cr_assert_eq(idx[5], 11);
    cr_assert_eq(xi[5], -th[11]);
    /* translation: column 0 of W1, then the bias group */
    cr_assert_eq(sym_generator(idx, xi, SYM_TRANSLATION, th, &L1, NULL, 0), 2);
    cr_assert_eq(idx[0], 8);
    cr_assert_eq(idx[1], 10);
    cr_assert_eq(xi[1], 1.0);
    cr_assert_eq(sym_generator(idx, xi, SYM_TRANSLATION, th, &L1, NULL, 2), 2);
    cr_assert_eq(idx[1], 13);
    /* out of range, or layers that do not fit */
    cr_assert_eq(sym_generator(idx, xi, SYM_SCALE, th, &L0, NULL, 2), 0);
    cr_assert_eq(sym_generator(idx, xi, SYM_RESCALE, th, &L1, &L0, 0), 0);
}

/* max over the groups of |<g, xi>| / (|g_A| |xi|) for one kind */
static double worst_orthogonality(const mlp_t *m, sym_kind_t k, int l, const double *g)
{
    sym_layer_t L = {(size_t)(m->W[l] - m->theta), (size_t)(m->b[l] - m->theta), m->dims[l + 1],
                     m->dims[l]};
    sym_layer_t N = {0, 0, 0, 0};
    if (l + 1 < m->depth)
        N = (sym_layer_t){(size_t)(m->W[l + 1] - m->theta), (size_t)(m->b[l + 1] - m->theta),
                          m->dims[l + 2], m->dims[l + 1]};
    int groups = k == SYM_TRANSLATION ? L.cols + 1 : L.rows;
    size_t idx[64];
    double xi[64], worst = 0.0;
    for (int i = 0; i < groups; i++) {
        size_t n = sym_generator(idx, xi, k, m->theta, &L, &N, i);
        cr_assert(n > 0 && n <= 64);
        double d = 0.0, gg = 0.0, xx = 0.0;
        for (size_t j = 0; j < n; j++) {
            d += g[idx[j]] * xi[j];
            gg += g[idx[j]] * g[idx[j]];
            xx += xi[j] * xi[j];
        }
        if (gg > 0.0)
            worst = fmax(worst, fabs(d) / sqrt(gg * xx));
    }
    return worst;
}

Test(sym, sample_gradients_orthogonal_to_every_generator)
{
    enum { B = 16 };
    const int dims[4] = {20, 8, 8, 3};
    double x[B * 20];
    int y[B];
    rng_t r, ri;
    rng_seed(&r, 2385, 21);
    rng_seed(&ri, 2385, 22);
    synth_batch(&r, x, y, B, 20, 3);
    mlp_t m;
    cr_assert_eq(mlp_init(&m, dims, 3, 1, 0, 0.0, B, &ri), 0);
    double worst = 0.0;
    for (int s = 0; s < B; s++) {              /* per-sample gradients, no BN */
        mlp_train_batch(&m, x + s * 20, y + s, 1, NULL);
        worst = fmax(worst, worst_orthogonality(&m, SYM_TRANSLATION, 2, m.grad));
        worst = fmax(worst, worst_orthogonality(&m, SYM_RESCALE, 0, m.grad));
        worst = fmax(worst, worst_orthogonality(&m, SYM_RESCALE, 1, m.grad));
    }
    cr_assert_leq(worst, 1e-13, "per-sample: worst %.3g", worst);
    /* control: the same test along the scale "generator" of the plain net fails */
    mlp_train_batch(&m, x, y, B, NULL);
    double ctl = worst_orthogonality(&m, SYM_SCALE, 0, m.grad);
    cr_assert_geq(ctl, 1e-3, "control %.3g", ctl);
    mlp_free(&m);
    cr_assert_eq(mlp_init(&m, dims, 3, 1, 1, 0.0, B, &ri), 0);
    worst = 0.0;
    for (int s = 0; s + 4 <= B; s += 4) {      /* minibatches of 4, BN */
        mlp_train_batch(&m, x + s * 20, y + s, 4, NULL);
        worst = fmax(worst, worst_orthogonality(&m, SYM_SCALE, 0, m.grad));
        worst = fmax(worst, worst_orthogonality(&m, SYM_SCALE, 1, m.grad));
    }
    cr_assert_leq(worst, 1e-13, "minibatch, BN: worst %.3g", worst);
    mlp_free(&m);
}

Test(sym, noise_moments_find_a_planted_null_direction)
{
    /* samples on a 6-dimensional support inside 9 parameters: zeta =
     * sum_j s_j z_j e_j over an orthonormal basis e_1..e_5 of xi's complement,
     * plus a mean; xi itself carries no noise */
    enum { D = 6, NP = 9, NS = 4000 };
    const size_t idx[D] = {1, 2, 4, 5, 7, 8};
    const double xi[D] = {1.5, -0.5, 2.0, 0.25, -1.0, 0.75}, sd[D - 1] = {2.0, 1.5, 1.0, 0.5, 0.3};
    double basis[D][D], g[NP], mean[D] = {0.3, -0.2, 0.1, 0.4, -0.6, 0.05};
    rng_t r;
    rng_seed(&r, 2385, 31);
    /* Gram-Schmidt from xi and random vectors */
    for (int a = 0; a < D; a++) {
        for (int j = 0; j < D; j++)
            basis[a][j] = a == 0 ? xi[j] : rng_normal(&r);
        for (int b = 0; b < a; b++) {
            double p = 0.0;
            for (int j = 0; j < D; j++)
                p += basis[a][j] * basis[b][j];
            for (int j = 0; j < D; j++)
                basis[a][j] -= p * basis[b][j];
        }
        double n = 0.0;
        for (int j = 0; j < D; j++)
            n += basis[a][j] * basis[a][j];
        for (int j = 0; j < D; j++)
            basis[a][j] /= sqrt(n);
    }
    /* the mean itself is orthogonal to xi too (as a full-batch gradient is) */
    double pm = 0.0;
    for (int j = 0; j < D; j++)
        pm += mean[j] * basis[0][j];
    for (int j = 0; j < D; j++)
        mean[j] -= pm * basis[0][j];
    sym_noise_t z;
    size_t size = D;
    cr_assert_eq(sym_noise_init(&z, 1, &size, 3), 0);
    cr_assert_eq(sym_noise_set(&z, 0, idx, xi, &r), 0);
    double var_sum = 0.0;
    for (int a = 0; a < D - 1; a++)
        var_sum += sd[a] * sd[a];
    for (int s = 0; s < NS; s++) {
        memset(g, 0, sizeof g);
        for (int j = 0; j < D; j++)
            g[idx[j]] = mean[j];
        for (int a = 0; a < D - 1; a++) {
            double c = sd[a] * rng_normal(&r);
            for (int j = 0; j < D; j++)
                g[idx[j]] += c * basis[a + 1][j];
        }
        sym_noise_add(&z, g);
    }
    sym_noise_group_t out;
    sym_noise_group(&z, 0, &out);
    cr_log_info("noise: sd along xi %.3g, trace %.4f (set %.4f), random %.3f..%.3f", out.sd_gen,
                out.trace, var_sum, out.sd_rand_min, out.sd_rand_max);
    cr_assert_leq(out.sd_gen, 1e-14, "generator direction: sd %.3g", out.sd_gen);
    cr_assert_leq(fabs(out.trace / var_sum - 1.0), 0.05, "trace %.4f against %.4f", out.trace,
                  var_sum);
    cr_assert_geq(out.sd_rand_min, 0.1, "a random direction sees the noise");
    double m2 = 0.0;
    for (int j = 0; j < D; j++)
        m2 += mean[j] * mean[j];
    cr_assert_leq(fabs(out.gbar2 - m2), 0.05 * (m2 + var_sum), "|mean|^2 %.4f against %.4f",
                  out.gbar2, m2);
    /* mean |g|^2 = |g_bar|^2 + (n-1)/n tr: an identity of the moments */
    cr_assert_float_eq(out.mean_g2, out.gbar2 + (NS - 1.0) / NS * out.trace, 1e-10 * out.mean_g2);
    sym_noise_free(&z);
}

/* ------------------------------------ two-layer linear network (KSB by Adam) */

typedef struct {
    sym_lin2_t *s;
    double *scratch;
} lin2_ctx;

static double lin2_loss(double *grad, const double *theta, void *v)
{
    lin2_ctx *c = v;
    return sym_lin2_grad(c->scratch, theta, c->s);
}

static void lin2_setup(sym_lin2_t *s, double *x, double *y, double *th, int d, int h, int k, int N)
{
    rng_t r;
    rng_seed(&r, 2385, 41);
    for (int i = 0; i < N * d; i++)
        x[i] = rng_normal(&r);
    for (int i = 0; i < N * k; i++)
        y[i] = 0.7 * x[(i / k) * d + i % k] - 0.4 * x[(i / k) * d + (i + 1) % d] +
               0.1 * rng_normal(&r);
    cr_assert_eq(sym_lin2_init(s, d, h, k, N, x, y), 0);
    for (size_t i = 0; i < s->n_params; i++)
        th[i] = 0.3 * rng_normal(&r);
}

Test(sym, lin2_gradient_matches_central_differences)
{
    enum { d = 5, h = 4, k = 3, N = 20 };
    double x[N * d], y[N * k], th[h * d + k * h], g[h * d + k * h], gg[h * d + k * h];
    sym_lin2_t s;
    lin2_setup(&s, x, y, th, d, h, k, N);
    sym_lin2_grad(g, th, &s);
    lin2_ctx c = {&s, gg};
    gradcheck_opts o = {.h = 1e-5, .floor = 1e-8, .points = 4};
    gradcheck_result res;
    double worst = gradcheck(lin2_loss, &c, th, s.n_params, g, &o, &res);
    cr_log_info("lin2: worst relative gradient error %.3g", worst);
    cr_assert_leq(worst, 1e-8, "worst relative gradient error %.3g at %zu", worst, res.i);
    sym_lin2_free(&s);
}

Test(sym, lin2_one_step_law_exact_for_any_update)
{
    enum { d = 5, h = 4, k = 3, N = 20, P = h * d + k * h };
    double x[N * d], y[N * k], th[P], g[P], U[P], th1[P], C0[h * h], C1[h * h], rate[h * h],
        quad[h * h];
    sym_lin2_t s;
    lin2_setup(&s, x, y, th, d, h, k, N);
    sym_lin2_grad(g, th, &s);
    rng_t r;
    rng_seed(&r, 2385, 42);
    const double eta = 0.0731;
    for (int trial = 0; trial < 2; trial++) {    /* U = G (GD), then an arbitrary U */
        for (int i = 0; i < P; i++)
            U[i] = trial == 0 ? g[i] : g[i] * (0.5 + rng_uniform(&r));
        for (int i = 0; i < P; i++)
            th1[i] = th[i] - eta * U[i];
        sym_lin2_charge(C0, &s, th);
        sym_lin2_charge(C1, &s, th1);
        sym_lin2_charge_rate(rate, quad, &s, th, U);
        double e = 0.0, sc = sym_frobenius(C0, h * h), rn = sym_frobenius(rate, h * h);
        for (int i = 0; i < h * h; i++)
            e = fmax(e, fabs(C1[i] - (C0[i] + eta * rate[i] + eta * eta * quad[i])));
        cr_assert_leq(e, 1e-14 * sc, "trial %d: one-step law off by %.3g", trial, e);
        if (trial == 0)
            cr_assert_leq(rn, 1e-14 * sc, "GD: the first-order rate must vanish, %.3g", rn);
        else
            cr_assert_geq(rn, 1e-3 * sc, "a preconditioned update breaks it, %.3g", rn);
    }
    sym_lin2_free(&s);
}

/* GD's drift of C over a fixed time and Adam's, against their predictions:
 * GD O(eta) with error O(eta^2) against eta int (G1 G1^T - G2^T G2) dt; Adam
 * O(1), tending to the Adam flow's drift at first order. */
static void lin2_pred(double *f, const double *q, const double *g, void *ctx)
{
    double rate[36];
    sym_lin2_charge_rate(rate, f, ctx, q, g);
}

Test(sym, lin2_drift_orders_gd_and_adam)
{
    enum { d = 5, h = 4, k = 3, N = 20, P = h * d + k * h, HH = h * h };
    double x[N * d], y[N * k], th0[P], th[P], g[P], m[P], v[P], C0[HH], C[HH], Pred[HH] = {0};
    sym_lin2_t s;
    lin2_setup(&s, x, y, th0, d, h, k, N);
    const double T = 1.0, tau1 = 1.0, tau2 = 10.0, eps = 1e-3;
    sym_lin2_charge(C0, &s, th0);
    double ws[SYM_FLOW_WORK(P, HH)];
    memcpy(th, th0, sizeof th);
    sym_flow_rk4(th, P, sym_lin2_grad, &s, 1e-3, 1000, lin2_pred, &s, HH, Pred, ws);
    /* the Adam flow's drift */
    flow_adam_t fa = {sym_lin2_grad, &s, P, tau1, tau2, eps, NULL, NULL, 0};
    double yA[3 * P] = {0}, wsA[FLOW_ADAM_WORK(P, 0)], dflow[HH];
    memcpy(yA, th0, sizeof th0);
    flow_adam_rk4(&fa, yA, 0.0, 1e-3, 1000, wsA);
    sym_lin2_charge(C, &s, yA);
    for (int i = 0; i < HH; i++)
        dflow[i] = C[i] - C0[i];
    double gd[3], gerr[3], aerr[3];
    for (int e = 0; e < 3; e++) {
        double eta = 0.02 / (1 << e);
        long K = lround(T / eta);
        for (int adam = 0; adam < 2; adam++) {
            memcpy(th, th0, sizeof th);
            memset(m, 0, sizeof m), memset(v, 0, sizeof v);
            for (long t = 0; t < K; t++) {
                sym_lin2_grad(g, th, &s);
                if (adam)
                    opt_adam_step(th, g, m, v, P, t + 1, eta, 1 - eta / tau1, 1 - eta / tau2, eps,
                                  0.0, OPT_WD_COUPLED);
                else
                    opt_sgd_step(th, g, NULL, P, eta, 0.0, 0.0, OPT_WD_COUPLED);
            }
            sym_lin2_charge(C, &s, th);
            double dd = 0.0, ee = 0.0, aa = 0.0;
            for (int i = 0; i < HH; i++) {
                double dC = C[i] - C0[i];
                dd += dC * dC;
                ee += (dC - eta * Pred[i]) * (dC - eta * Pred[i]);
                aa += (dC - dflow[i]) * (dC - dflow[i]);
            }
            if (adam)
                aerr[e] = sqrt(aa);
            else
                gd[e] = sqrt(dd), gerr[e] = sqrt(ee);
        }
    }
    for (int e = 1; e < 3; e++) {
        double rg = gd[e - 1] / gd[e], re = gerr[e - 1] / gerr[e], ra = aerr[e - 1] / aerr[e];
        cr_log_info("eta %g: GD drift ratio %.3f, GD error ratio %.3f, Adam error ratio %.3f",
                    0.02 / (1 << e), rg, re, ra);
        cr_assert(fabs(rg - 2.0) < 0.1, "GD drift is first order in eta: ratio %.3f", rg);
        cr_assert(fabs(re - 4.0) < 0.4, "GD prediction off by O(eta^2): ratio %.3f", re);
        cr_assert(fabs(ra - 2.0) < 0.2, "Adam -> Adam flow at first order: ratio %.3f", ra);
    }
    cr_assert_geq(sym_frobenius(dflow, HH), 100 * gd[2], "Adam's drift dwarfs GD's");
    sym_lin2_free(&s);
}
