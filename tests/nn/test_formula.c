/* test_formula.c: the formula library search finds a planted conserved
 * quantity (and nothing where nothing is conserved); least squares and the
 * force-law family fits recover planted coefficients within the noise that
 * their own covariance predicts (Qiu et al. 2018 reconstruction; Alet et al.
 * 2021 appendix C miniature). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

#include "core/rng.h"
#include "nn/formula.h"
#include "nn/gradcheck.h"

#define NSEQ 40
#define LEN 30

/* Sequences on level sets of g = a_true sin q + p^2; random sequences built
 * from the same states shuffled across sequences. */
static void planted_data(double *x, double *xr, size_t *start, double a_true, double noise,
                         uint64_t seed)
{
    rng_t r;
    rng_seed(&r, seed, 1);
    for (int s = 0; s < NSEQ; s++) {
        double C = 3.0 + 2.0 * rng_uniform(&r);
        double q0 = -1.2 + 0.4 * rng_uniform(&r);
        for (int i = 0; i < LEN; i++) {
            double q = q0 + 2.0 * i / (LEN - 1);
            double p = sqrt(C - a_true * sin(q));
            if (rng_uniform(&r) < 0.5)
                p = -p;
            x[2 * (s * LEN + i)] = q + noise * rng_normal(&r);
            x[2 * (s * LEN + i) + 1] = p + noise * rng_normal(&r);
        }
        start[s] = (size_t)s * LEN;
    }
    start[NSEQ] = (size_t)NSEQ * LEN;
    size_t idx[NSEQ * LEN];
    for (size_t i = 0; i < NSEQ * LEN; i++)
        idx[i] = i;
    rng_shuffle(&r, idx, NSEQ * LEN);
    for (size_t i = 0; i < NSEQ * LEN; i++) {
        xr[2 * i] = x[2 * idx[i]];
        xr[2 * i + 1] = x[2 * idx[i] + 1];
    }
}

static int best_candidate(const formula_cand_t *c)
{
    int b = 0;
    for (int k = 1; k < FORMULA_NCAND; k++)
        if (c[k].ratio > c[b].ratio)
            b = k;
    return b;
}

Test(formula, search_recovers_planted_quantity)
{
    static double x[2 * NSEQ * LEN], xr[2 * NSEQ * LEN];
    size_t start[NSEQ + 1];
    planted_data(x, xr, start, 2.385, 0.0, 7);
    formula_cand_t c[FORMULA_NCAND];
    cr_assert_eq(formula_search(c, x, start, NSEQ, xr, start, NSEQ), 0);
    int b = best_candidate(c);
    cr_assert_eq(c[b].f1, FORMULA_SINQ);
    cr_assert_eq(c[b].f2, FORMULA_P2);
    cr_assert_float_eq(c[b].a, 2.385, 1e-8, "a = %.12g", c[b].a);
    cr_assert_eq(c[b].b, 1.0);
    cr_assert_gt(c[b].ratio, 1e10, "ratio %g", c[b].ratio);
    /* every other candidate fails the paper's threshold of 100 */
    for (int k = 0; k < FORMULA_NCAND; k++)
        if (k != b)
            cr_assert_lt(c[k].ratio, 100.0, "%s/%s ratio %g", formula_feature_name(c[k].f1),
                         formula_feature_name(c[k].f2), c[k].ratio);
}

Test(formula, search_with_noise_finds_planted_quantity_within_noise)
{
    static double x[2 * NSEQ * LEN], xr[2 * NSEQ * LEN];
    size_t start[NSEQ + 1];
    planted_data(x, xr, start, 2.385, 1e-3, 8);
    formula_cand_t c[FORMULA_NCAND];
    cr_assert_eq(formula_search(c, x, start, NSEQ, xr, start, NSEQ), 0);
    int b = best_candidate(c);
    cr_assert_eq(c[b].f1, FORMULA_SINQ);
    cr_assert_eq(c[b].f2, FORMULA_P2);
    cr_assert_float_eq(c[b].a, 2.385, 0.01, "a = %.12g", c[b].a);
    cr_assert_gt(c[b].ratio, 100.0);
}

Test(formula, search_finds_nothing_in_unconserved_sequences)
{
    /* each sequence: independent uniform states; nothing is conserved */
    static double x[2 * NSEQ * LEN];
    size_t start[NSEQ + 1];
    rng_t r;
    rng_seed(&r, 9, 2);
    for (int i = 0; i < NSEQ * LEN; i++) {
        x[2 * i] = -2 + 4 * rng_uniform(&r);
        x[2 * i + 1] = -2 + 4 * rng_uniform(&r);
    }
    for (int s = 0; s <= NSEQ; s++)
        start[s] = (size_t)s * LEN;
    formula_cand_t c[FORMULA_NCAND];
    cr_assert_eq(formula_search(c, x, start, NSEQ, x, start, NSEQ), 0);
    for (int k = 0; k < FORMULA_NCAND; k++)
        cr_assert_lt(c[k].ratio, 1.0 + 1e-9, "ratio %g", c[k].ratio);
}

Test(formula, search_rejects_short_sequences)
{
    double x[4] = {0.1, 0.2, 0.3, 0.4};
    size_t start[3] = {0, 1, 2};
    formula_cand_t c[FORMULA_NCAND];
    cr_assert_eq(formula_search(c, x, start, 2, x, start, 2), -1);
}

static double cand_value(double *grad, const double *x, void *ctx)
{
    return formula_cand_eval(ctx, x[0], x[1]);
}

Test(formula, cand_format_and_grad)
{
    formula_cand_t c = {.f1 = FORMULA_COSQ, .f2 = FORMULA_P2, .a = -2.9987, .b = 1.0};
    char buf[64];
    formula_cand_format(buf, sizeof buf, &c, 3);
    cr_assert_str_eq(buf, "p² \xe2\x88\x92 3.00 cos q");
    double g[2], x[2] = {0.7385, -0.4121};
    formula_cand_grad(&c, x[0], x[1], &g[0], &g[1]);
    gradcheck_opts o = {.h = 1e-6};
    double e = gradcheck(cand_value, &c, x, 2, g, &o, NULL);
    cr_assert_lt(e, 1e-9, "worst relative error %g", e);
}

Test(formula, cand_grad_every_pair)
{
    /* every library pair, including the mixed decoys q p and q^2 p^2 whose
     * gradient has both components, against central differences */
    double x[2] = {0.7385, -0.4121};
    gradcheck_opts o = {.h = 1e-6, .floor = 1e-12};
    for (int i = 0; i < FORMULA_NQFEAT; i++)
        for (int j = FORMULA_P; j < FORMULA_NFEAT; j++) {
            formula_cand_t c = {.f1 = i, .f2 = j, .a = -1.37, .b = 1.0};
            double g[2];
            formula_cand_grad(&c, x[0], x[1], &g[0], &g[1]);
            double e = gradcheck(cand_value, &c, x, 2, g, &o, NULL);
            cr_assert_lt(e, 1e-8, "%s/%s: worst relative error %g", formula_feature_name(i),
                         formula_feature_name(j), e);
        }
}

Test(formula, lstsq_exact_and_covariance)
{
    enum { N = 23, K = 4 };
    double A[N * K], y[N], ctrue[K] = {1.25, -0.385, 2.75, 0.0625}, c[K], cov[K * K], rss;
    double work[FORMULA_LSTSQ_WORK(N, K)];
    rng_t r;
    rng_seed(&r, 3, 1);
    for (int i = 0; i < N; i++) {
        y[i] = 0;
        for (int j = 0; j < K; j++) {
            A[i * K + j] = rng_normal(&r);
            y[i] += A[i * K + j] * ctrue[j];
        }
    }
    cr_assert_eq(formula_lstsq(c, &rss, cov, A, y, N, K, work), 0);
    for (int j = 0; j < K; j++)
        cr_assert_float_eq(c[j], ctrue[j], 1e-12);
    cr_assert_lt(rss, 1e-24);
    /* cov (A^T A) = I */
    for (int i = 0; i < K; i++)
        for (int j = 0; j < K; j++) {
            double s = 0;
            for (int m = 0; m < K; m++) {
                double ata = 0;
                for (int n = 0; n < N; n++)
                    ata += A[n * K + m] * A[n * K + j];
                s += cov[i * K + m] * ata;
            }
            cr_assert_float_eq(s, i == j ? 1.0 : 0.0, 1e-11);
        }
    /* rank deficiency is reported */
    for (int i = 0; i < N; i++)
        A[i * K + 2] = 0;
    cr_assert_eq(formula_lstsq(c, &rss, cov, A, y, N, K, work), -1);
}

static const formula_grid_t grid = {.omega_min = 0.5, .omega_max = 12.0, .n_omega = 100,
                                    .gamma_max = 2.0, .n_gamma = 21};

/* Over many noisy draws, (estimate - truth) / predicted sd must look N(0, 1):
 * mean within 4 standard errors of 0, variance within 25 % of 1.  This checks
 * both the fit and the covariance it reports. */
static void check_family(int fam, const double *ptrue, int np, double sigma, uint64_t seed)
{
    enum { N = 40, DRAWS = 200 };
    double t[N], x[N];
    double work[FORMULA_FIT_WORK(N)];
    double sum[5] = {0}, sum2[5] = {0};
    int selected = 0;
    rng_t r;
    rng_seed(&r, seed, 4);
    formula_fit_t truth = {.family = fam};
    truth.c[0] = ptrue[0];
    truth.c[1] = ptrue[1];
    truth.c[2] = ptrue[2];
    truth.omega = np > 3 ? ptrue[3] : 0;
    truth.gamma = np > 4 ? ptrue[4] : 0;
    for (int d = 0; d < DRAWS; d++) {
        for (int i = 0; i < N; i++) {
            t[i] = 0.05 * i;
            x[i] = formula_fit_eval(&truth, t[i]) + sigma * rng_normal(&r);
        }
        formula_fit_t fits[FORMULA_NFAM];
        int best = formula_fit_select(fits, t, x, N, &grid, work);
        cr_assert_geq(best, 0);
        selected += best == fam;
        const formula_fit_t *f = &fits[fam];
        cr_assert_eq(f->k, np);
        double est[5] = {f->c[0], f->c[1], f->c[2], f->omega, f->gamma};
        for (int j = 0; j < np; j++) {
            double z = (est[j] - ptrue[j]) / (sigma * sqrt(f->cov[j * np + j]));
            sum[j] += z;
            sum2[j] += z * z;
        }
    }
    for (int j = 0; j < np; j++) {
        double mean = sum[j] / DRAWS, var = sum2[j] / DRAWS - mean * mean;
        cr_expect_lt(fabs(mean), 4.0 / sqrt(DRAWS), "family %d param %d: mean z %g", fam, j, mean);
        cr_expect(var > 0.75 && var < 1.25, "family %d param %d: var z %g", fam, j, var);
    }
    /* the BIC picks the planted family in most draws */
    cr_expect_gt(selected, DRAWS * 8 / 10, "family %d selected %d of %d", fam, selected, DRAWS);
}

Test(formula, constant_force_fit_recovers_planted_coefficients)
{
    double p[3] = {1.385, 4.25, -9.81};
    check_family(FORMULA_FAM_CONST, p, 3, 0.01, 11);
}

Test(formula, harmonic_fit_recovers_planted_coefficients)
{
    double p[4] = {0.0385, 0.15, -0.085, 3.1321};
    check_family(FORMULA_FAM_HARMONIC, p, 4, 0.005, 12);
}

Test(formula, damped_fit_recovers_planted_coefficients)
{
    double p[5] = {-0.02, 0.2, 0.11, 3.1321, 0.385};
    check_family(FORMULA_FAM_DAMPED, p, 5, 0.005, 13);
}

Test(formula, extrapolation_sd_matches_monte_carlo)
{
    /* constant-force family: the predicted sd of x(t) beyond the data equals
     * the spread of the extrapolations over noisy draws */
    enum { N = 20, DRAWS = 400 };
    double t[N], x[N], work[FORMULA_FIT_WORK(N)];
    formula_fit_t truth = {.family = FORMULA_FAM_CONST, .c = {0.5, 2.0, -9.81}};
    double tx = 2.0, sum = 0, sum2 = 0, sd = 0;
    rng_t r;
    rng_seed(&r, 21, 5);
    for (int d = 0; d < DRAWS; d++) {
        for (int i = 0; i < N; i++) {
            t[i] = i / 30.0;
            x[i] = formula_fit_eval(&truth, t[i]) + 0.01 * rng_normal(&r);
        }
        formula_fit_t f;
        cr_assert_eq(formula_fit_family(&f, FORMULA_FAM_CONST, t, x, N, NULL, work), 0);
        double e = formula_fit_eval(&f, tx) - formula_fit_eval(&truth, tx);
        sum += e;
        sum2 += e * e;
        sd = formula_fit_sd(&f, tx, 0.01);
    }
    double mc = sqrt(sum2 / DRAWS - (sum / DRAWS) * (sum / DRAWS));
    cr_assert(fabs(mc / sd - 1) < 0.1, "monte carlo %g vs predicted %g", mc, sd);
}

Test(formula, fit_rejects_bad_input)
{
    double t[4] = {0, 1, 2, 3}, x[4] = {0, 1, 2, 3}, work[FORMULA_FIT_WORK(10)];
    formula_fit_t f;
    cr_assert_eq(formula_fit_family(&f, FORMULA_FAM_CONST, t, x, 4, NULL, work), -1);
    double t2[10], x2[10];
    for (int i = 0; i < 10; i++) {
        t2[i] = i;
        x2[i] = i;
    }
    cr_assert_eq(formula_fit_family(&f, FORMULA_FAM_HARMONIC, t2, x2, 10, NULL, work), -1);
    cr_assert_eq(formula_fit_family(&f, 7, t2, x2, 10, NULL, work), -1);
}

/* The tailoring gradient (backpropagation through the rollout) and the
 * training gradient agree with central differences of the losses. */
enum { PH = 7, PT = 12, PB = 5 };

typedef struct {
    int which;                  /* 0: L_N, 1: MSE */
    const formula_cand_t *g;
    const double *x0, *X, *Y;
    double dt, *grad, *ws;
} pred_ctx;

static double pred_loss(double *grad, const double *theta, void *v)
{
    pred_ctx *c = v;
    if (c->which == 0)
        return formula_pred_noether(c->grad, theta, PH, c->x0, PT, c->dt, c->g, c->ws);
    return formula_pred_mse(NULL, theta, PH, c->X, c->Y, PB, c->ws);
}

static void fd_check(int which)
{
    size_t n = FORMULA_PRED_NPARAMS(PH);
    double theta[FORMULA_PRED_NPARAMS(PH)], grad[FORMULA_PRED_NPARAMS(PH)];
    double scratch[FORMULA_PRED_NPARAMS(PH)];
    static double ws[FORMULA_PRED_WORK(PH, PT + PB + 1)];
    rng_t r;
    rng_seed(&r, 31, 6);
    formula_pred_init(theta, PH, &r);
    formula_cand_t g = {.f1 = FORMULA_COSQ, .f2 = FORMULA_P2, .a = -2.385, .b = 1.0};
    double x0[2] = {0.9385, -0.4125}, X[2 * PB], Y[2 * PB];
    for (int i = 0; i < 2 * PB; i++) {
        X[i] = rng_normal(&r);
        Y[i] = rng_normal(&r);
    }
    double dt = 0.1;
    if (which == 0)
        formula_pred_noether(grad, theta, PH, x0, PT, dt, &g, ws);
    else
        formula_pred_mse(grad, theta, PH, X, Y, PB, ws);
    pred_ctx c = {which, &g, x0, X, Y, dt, scratch, ws};
    gradcheck_opts o = {.h = 1e-6, .floor = 1e-8};
    gradcheck_result res;
    double worst = gradcheck(pred_loss, &c, theta, n, grad, &o, &res);
    cr_assert_eq(res.compared, n);
    cr_assert_lt(worst, 1e-6, "worst relative gradient error %g at %zu", worst, res.i);
}

Test(formula, noether_gradient_matches_finite_differences) { fd_check(0); }
Test(formula, mse_gradient_matches_finite_differences) { fd_check(1); }

Test(formula, rollout_matches_noether_forward)
{
    /* with g = p^2 + 0 q (a = 0) the loss is computable from the rollout alone */
    enum { H = 5, T = 9 };
    double theta[FORMULA_PRED_NPARAMS(H)], grad[FORMULA_PRED_NPARAMS(H)], xs[2 * (T + 1)];
    static double ws[FORMULA_PRED_WORK(H, T + 1)];
    rng_t r;
    rng_seed(&r, 32, 6);
    formula_pred_init(theta, H, &r);
    formula_cand_t g = {.f1 = FORMULA_Q, .f2 = FORMULA_P2, .a = 0.0, .b = 1.0};
    double x0[2] = {0.3, 0.7};
    double L = formula_pred_noether(grad, theta, H, x0, T, 0.05, &g, ws);
    formula_pred_rollout(xs, theta, H, x0, T, 0.05, ws);
    double s = 0;
    for (int t = 1; t <= T; t++) {
        double d = xs[2 * t + 1] * xs[2 * t + 1] - 0.49;
        s += d * d;
    }
    cr_assert_float_eq(L, s / T, 1e-14);
}
