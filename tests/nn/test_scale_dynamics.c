/* test_scale_dynamics.c: the scale_ suite.  Exact identities (E1)-(E4) of
 * scale_dynamics.h to 1e-12 relative, the RMSProp approximation (A1) at the
 * order it claims (error halves when eta*lambda halves), and the equilibrium
 * angular step sqrt(2 eta lambda / (1 + beta)) within 5 % on the noisy
 * scale-invariant quadratic (Tanaka & Kunin 2021; Wan et al. 2021). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "nn/scale_dynamics.h"

enum { D = 20 };

/* One heavy-ball SGD step with coupled weight decay (PyTorch; optim.h):
 * v <- beta v + g + lambda q;  q <- q - eta v. */
static void sgd_step(double *q, double *v, const double *g, int d, double eta, double beta,
                     double lambda)
{
    for (int i = 0; i < d; i++) {
        v[i] = beta * v[i] + g[i] + lambda * q[i];
        q[i] -= eta * v[i];
    }
}

static void init_q(double *q, int d, double norm, rng_t *r)
{
    for (int i = 0; i < d; i++)
        q[i] = rng_normal(r);
    double s = norm / sqrt(scale_sqnorm(q, (size_t)d));
    for (int i = 0; i < d; i++)
        q[i] *= s;
}

Test(scale, angle_is_accurate_for_small_and_large_angles)
{
    double a[2] = {2.385, 0.0}, b[2];
    double th[] = {1e-9, 3.7e-5, 0.0123, 1.0, 3.0};
    for (int i = 0; i < 5; i++) {
        b[0] = 0.7 * cos(th[i]);
        b[1] = 0.7 * sin(th[i]);
        double got = scale_angle(a, b, 2);
        cr_expect(fabs(got - th[i]) <= 1e-14 * th[i] + 1e-16,
                  "angle %g: got %.17g", th[i], got);
    }
}

/* (E1) and (E2) hold step by step; (E3) over the whole run. */
Test(scale, exact_norm_recurrence_angle_and_log_cosine_identity)
{
    scale_toy_t toy;
    cr_assert_eq(scale_toy_init(&toy, D, 0.3, 2.1, 0.8), 0);
    rng_t r;
    rng_seed(&r, 20261124, 1);
    double q[D], qold[D], v[D] = {0}, g[D];
    init_q(q, D, 1.37, &r);
    const double eta = 0.1, lambda = 5e-3;
    double q0 = scale_sqnorm(q, D), worst_q2 = 0.0, worst_tan = 0.0, sum_logcos = 0.0;
    const int K = 4000;
    for (int k = 0; k < K; k++) {
        double q2 = scale_sqnorm(q, D);
        scale_toy_grad(&toy, g, q, &r);
        double g2 = scale_sqnorm(g, D);
        memcpy(qold, q, sizeof q);
        memset(v, 0, sizeof v);
        sgd_step(q, v, g, D, eta, 0.0, lambda);
        double pred = scale_q2_step(q2, g2, eta, lambda), got = scale_sqnorm(q, D);
        worst_q2 = fmax(worst_q2, fabs(got - pred) / got);
        double th = scale_angle(qold, q, D);
        double tan_pred = eta * sqrt(g2 * q2) / ((1.0 - eta * lambda) * q2);
        worst_tan = fmax(worst_tan, fabs(tan(th) - tan_pred) / tan_pred);
        sum_logcos += 0.5 * log1p(-sin(th) * sin(th));
    }
    double lhs = sum_logcos / K;
    double rhs = log1p(-eta * lambda) - log(scale_sqnorm(q, D) / q0) / (2.0 * K);
    cr_log_info("E1 %g  E2 %g  E3 %g", worst_q2, worst_tan, fabs(lhs - rhs) / fabs(rhs));
    cr_expect(worst_q2 <= 1e-12, "norm recurrence (E1): worst relative error %g", worst_q2);
    cr_expect(worst_tan <= 1e-12, "angle (E2): worst relative error %g", worst_tan);
    cr_expect(fabs(lhs - rhs) <= 1e-12 * fabs(rhs), "log-cosine identity (E3): %.17g vs %.17g",
              lhs, rhs);
    scale_toy_free(&toy);
}

/* (E4) with momentum: eta^2 S_V / S_Q = 2 eta lambda/(1+beta) + boundary. */
Test(scale, exact_momentum_time_average_identity)
{
    scale_toy_t toy;
    cr_assert_eq(scale_toy_init(&toy, D, 0.3, 2.1, 0.8), 0);
    double betas[] = {0.0, 0.5, 0.9, 0.99};
    for (int ib = 0; ib < 4; ib++) {
        rng_t r;
        rng_seed(&r, 77 + ib, 2);
        double q[D], v[D] = {0}, g[D];
        init_q(q, D, 2.2, &r);
        const double eta = 0.05, lambda = 2e-3, beta = betas[ib];
        scale_ratio_t acc;
        scale_ratio_init(&acc);
        for (int k = 0; k < 3000; k++) {
            double q2 = scale_sqnorm(q, D);
            scale_toy_grad(&toy, g, q, &r);
            double qcopy[D];
            memcpy(qcopy, q, sizeof q);
            sgd_step(q, v, g, D, eta, beta, lambda);
            scale_ratio_add(&acc, q2, scale_sqnorm(v, D), scale_dot(qcopy, v, D));
        }
        acc.QK = scale_sqnorm(q, D);
        double lhs = scale_ratio_measured(&acc, eta);
        double rhs = 2.0 * eta * lambda / (1.0 + beta) + scale_ratio_boundary(&acc, eta, beta);
        cr_expect(fabs(lhs - rhs) <= 1e-12 * lhs, "beta %g: %.17g vs %.17g", beta, lhs, rhs);
    }
    scale_toy_free(&toy);
}

/* Stationary run: RMS angle after a burn-in of 10 relaxation times. */
static double rms_angle(double eta, double lambda, double beta, long K, uint64_t seed,
                        double *mean_q4, double *mean_gt2)
{
    scale_toy_t toy;
    cr_assert_eq(scale_toy_init(&toy, D, 0.3, 2.1, 0.8), 0);
    rng_t r;
    rng_seed(&r, seed, 3);
    double q[D], qold[D], v[D] = {0}, g[D];
    init_q(q, D, 1.0, &r);
    long burn = (long)(10.0 * scale_relax_steps(eta, lambda, beta));
    double s2 = 0.0, sq4 = 0.0, sg = 0.0;
    long n = 0;
    for (long k = 0; k < burn + K; k++) {
        double q2 = scale_sqnorm(q, D);
        scale_toy_grad(&toy, g, q, &r);
        memcpy(qold, q, sizeof q);
        sgd_step(q, v, g, D, eta, beta, lambda);
        if (k >= burn) {
            double th = scale_angle(qold, q, D);
            s2 += th * th;
            sq4 += q2 * q2;
            sg += scale_sqnorm(g, D) * q2;
            n++;
        }
    }
    scale_toy_free(&toy);
    *mean_q4 = sq4 / n;
    *mean_gt2 = sg / n;
    return sqrt(s2 / n);
}

Test(scale, equilibrium_angular_step_within_5_percent)
{
    struct { double eta, lambda, beta; } c[] = {
        {0.1, 5e-4, 0.0}, {0.1, 5e-3, 0.0}, {0.1, 5e-4, 0.9}, {0.01, 1e-3, 0.9}};
    for (int i = 0; i < 4; i++) {
        double q4, gt2;
        double got = rms_angle(c[i].eta, c[i].lambda, c[i].beta, 200000, 11 + i, &q4, &gt2);
        double want = scale_angle_eq(c[i].eta, c[i].lambda, c[i].beta);
        cr_log_info("eta %g lambda %g beta %g: rms angle %.5g, predicted %.5g", c[i].eta,
                    c[i].lambda, c[i].beta, got, want);
        cr_expect(fabs(got - want) <= 0.05 * want, "eta %g lambda %g beta %g: %g vs %g",
                  c[i].eta, c[i].lambda, c[i].beta, got, want);
        if (c[i].beta == 0.0) {   /* |q|^4_* = eta <|gt|^2> / (lambda (2 - eta lambda)) */
            double q4_pred = c[i].eta * gt2 / (c[i].lambda * (2.0 - c[i].eta * c[i].lambda));
            cr_expect(fabs(q4 - q4_pred) <= 0.05 * q4_pred, "E|q|^4 %g vs %g", q4, q4_pred);
        }
    }
}

/* (A1) is first order in eta*lambda: the gap between (2 lambda/eta)|q|^4 and
 * the EMA driven by the measured |gt|^2 halves with eta*lambda. */
static double ema_gap(double eta, double lambda)
{
    scale_toy_t toy;
    cr_assert_eq(scale_toy_init(&toy, D, 0.3, 2.1, 0.8), 0);
    rng_t r;
    rng_seed(&r, 4242, 4);
    double q[D], v[D] = {0}, g[D];
    /* start above equilibrium (|q|^2 twice its stationary value, with
     * <|gt|^2> ~ sigma^2 (d - 1)), so every angle stays O(sqrt(eta lambda)) */
    init_q(q, D, sqrt(2.0 * sqrt(eta * 0.64 * (D - 1) / (2.0 * lambda))), &r);
    double nu = scale_nu_of_q2(scale_sqnorm(q, D), eta, lambda);
    long K = (long)(8.0 * scale_relax_steps(eta, lambda, 0.0));
    double gap = 0.0;
    for (long k = 0; k < K; k++) {
        double q2 = scale_sqnorm(q, D);
        scale_toy_grad(&toy, g, q, &r);
        double gt2 = scale_sqnorm(g, D) * q2;
        memset(v, 0, sizeof v);
        sgd_step(q, v, g, D, eta, 0.0, lambda);
        nu = scale_nu_step(nu, gt2, eta, lambda);
        double meas = scale_nu_of_q2(scale_sqnorm(q, D), eta, lambda);
        gap = fmax(gap, fabs(meas - nu) / meas);
    }
    scale_toy_free(&toy);
    return gap;
}

Test(scale, rmsprop_accumulator_is_first_order_in_eta_lambda)
{
    double e1 = ema_gap(0.1, 4e-3), e2 = ema_gap(0.1, 2e-3), e3 = ema_gap(0.1, 1e-3);
    cr_log_info("EMA gaps %g %g %g", e1, e2, e3);
    cr_expect(e1 < 0.05, "gap %g at eta*lambda = 4e-4", e1);
    cr_expect(e1 / e2 > 1.6 && e1 / e2 < 2.5, "ratio %g (gaps %g, %g)", e1 / e2, e1, e2);
    cr_expect(e2 / e3 > 1.6 && e2 / e3 < 2.5, "ratio %g (gaps %g, %g)", e2 / e3, e2, e3);
}

/* The slow root: weight decay alone in heavy ball, started on the slow mode
 * (q_1 = z+ q_0), shrinks q by z+ per step, so -1/(4 ln(q_{k+1}/q_k)) is the
 * closed-form time; the first-order (1 - beta)/(4 eta lambda) is off by
 * O(eta lambda/(1 - beta)^2): the relative gap halves when eta lambda does. */
Test(scale, relaxation_root_and_its_first_order_time)
{
    const double betas[3] = {0.0, 0.5, 0.9}, eta = 0.1, lambda = 5e-3;
    for (int i = 0; i < 3; i++) {
        double beta = betas[i], z = scale_relax_root(eta, lambda, beta);
        double qm = 2.385, q = z * qm;   /* q_0, q_1 */
        for (int k = 0; k < 60; k++) {
            double qn = (1.0 + beta - eta * lambda) * q - beta * qm;
            qm = q;
            q = qn;
        }
        double tau = -1.0 / (4.0 * log(q / qm)), want = scale_relax_steps_exact(eta, lambda, beta);
        cr_expect(fabs(tau / want - 1.0) < 1e-12, "beta %g: iterated %.17g, closed form %.17g",
                  beta, tau, want);
        double e1 = scale_relax_steps(eta, lambda, beta) / want - 1.0;
        double e2 = scale_relax_steps(eta, lambda / 2, beta) /
                    scale_relax_steps_exact(eta, lambda / 2, beta) - 1.0;
        cr_expect(e1 > 0 && e1 / e2 > 1.9 && e1 / e2 < 2.2, "beta %g: gaps %g, %g", beta, e1, e2);
    }
    /* eta lambda = 5e-3 > (1 - sqrt 0.9)^2: complex roots */
    cr_expect(isnan(scale_relax_root(0.1, 0.05, 0.9)));
    cr_expect(isnan(scale_relax_steps_exact(0.1, 0.05, 0.9)));
}

/* The moment recursion: for beta = 0 it is (E1) with |g|^2 = s/N; its fixed
 * point has N^2 = eta s / (2 lambda (1 - beta)) to first order in eta lambda;
 * and it is homogeneous of degree one in (sqrt s, N, B, V). */
Test(scale, moment_recursion_reduces_to_the_norm_law_and_has_the_equilibrium)
{
    const double eta = 0.1, lambda = 5e-3, s = 12.16;
    scale_moments_t m = {.N = 3.7, .B = 0.0, .V = 0.0};
    scale_moments_step(&m, eta, 0.0, lambda, s);
    double want = scale_q2_step(3.7, s / 3.7, eta, lambda);
    cr_expect(fabs(m.N / want - 1.0) < 1e-15, "N %.17g, (E1) %.17g", m.N, want);
    const double betas[3] = {0.0, 0.5, 0.9};
    for (int i = 0; i < 3; i++) {
        double beta = betas[i];
        scale_moments_t a = {.N = 10.0}, b = {.N = 20.0};
        for (int k = 0; k < 40000; k++) {
            scale_moments_step(&a, eta, beta, lambda, s);
            scale_moments_step(&b, eta, beta, lambda, 4.0 * s);
        }
        double eq2 = eta * s / (2.0 * lambda * (1.0 - beta));
        double rel = a.N * a.N / eq2 - 1.0;
        cr_expect(fabs(rel) < 10.0 * eta * lambda / (1.0 - beta),
                  "beta %g: N^2 %g against %g", beta, a.N * a.N, eq2);
        cr_expect(fabs(b.N / (2.0 * a.N) - 1.0) < 1e-12 && fabs(b.V / (2.0 * a.V) - 1.0) < 1e-12,
                  "beta %g: not homogeneous (N %g %g, V %g %g)", beta, a.N, b.N, a.V, b.V);
    }
}

/* The same exact identities inside a real network: every hidden unit of a
 * BatchNorm MLP (mlp.h, eps = 0) trained by optim.h's SGD on random data. */
#include "nn/mlp.h"
#include "nn/optim.h"

Test(scale, bn_mlp_units_obey_exact_recurrences)
{
    enum { B = 32, IN = 12, H = 9, C = 4 };
    int dims[4] = {IN, H, H, C};
    rng_t r;
    rng_seed(&r, 9182, 5);
    mlp_t m;
    cr_assert_eq(mlp_init(&m, dims, 3, 1, 1, 0.0, B, &r), 0);
    double x[B * IN];
    int y[B];
    double *v = calloc(m.n_params, sizeof *v);
    const double eta = 0.37, lambda = 3.1e-3;
    double worst = 0.0, worst_dot = 0.0;
    for (int k = 0; k < 60; k++) {
        for (int i = 0; i < B * IN; i++)
            x[i] = rng_normal(&r);
        for (int i = 0; i < B; i++)
            y[i] = (int)rng_below(&r, C);
        mlp_train_batch(&m, x, y, B, NULL);
        double q2[2][H], g2[2][H];
        for (int l = 0; l < 2; l++)
            for (int i = 0; i < H; i++) {
                /* the scale-invariant group of unit i: its weight row and bias */
                int n = dims[l];
                const double *w = m.W[l] + i * n, *dw = m.dW[l] + i * n;
                q2[l][i] = scale_sqnorm(w, n) + m.b[l][i] * m.b[l][i];
                g2[l][i] = scale_sqnorm(dw, n) + m.db[l][i] * m.db[l][i];
                double dot = scale_dot(w, dw, n) + m.b[l][i] * m.db[l][i];
                worst_dot = fmax(worst_dot, fabs(dot) / sqrt(q2[l][i] * g2[l][i]));
            }
        opt_sgd_step(m.theta, m.grad, v, m.n_params, eta, 0.0, lambda, OPT_WD_COUPLED);
        for (int l = 0; l < 2; l++)
            for (int i = 0; i < H; i++) {
                int n = dims[l];
                double got = scale_sqnorm(m.W[l] + i * n, n) + m.b[l][i] * m.b[l][i];
                double pred = scale_q2_step(q2[l][i], g2[l][i], eta, lambda);
                worst = fmax(worst, fabs(got - pred) / got);
            }
    }
    cr_log_info("BN MLP: worst (E1) %g, worst |<g,q>|/(|g||q|) %g", worst, worst_dot);
    cr_expect(worst_dot <= 1e-12, "gradient not orthogonal to q: %g", worst_dot);
    cr_expect(worst <= 1e-12, "norm recurrence (E1) in the BN MLP: %g", worst);
    free(v);
    mlp_free(&m);
}
