/* test_resnet.c: nn/resnet, the residual stream network of chapter 1, with
 * plain and centered branches:
 *  - the gradient of L against central differences (every parameter);
 *  - the translation budget P_t - P_{t+1} = W1_t^T grad_b1 L and the rotation
 *    budget, to round-off;
 *  - an always-active unit is a bias on the stream: dL/db1 = W2[:,a] . P_{t+1};
 *  - centered branches and centered inputs: the mean prediction is zero, so
 *    P_T = -mean(y) w, for any parameters;
 *  - the sharpness: an eigenvalue of the Hessian (residual), of the largest
 *    modulus (|lambda| I -+ H positive semidefinite), theta restored. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "nn/gradcheck.h"
#include "nn/resnet.h"

enum { N = 11, IN = 2, D = 3, H = 5, T = 3 };

typedef struct {
    resnet_t m;
    double U[N * IN], y[N];
} fixture_t;

/* Data of nonzero mean (or centered inputs), random parameters. */
static void setup(fixture_t *f, resnet_branch_t branch, int center_inputs, uint64_t seed)
{
    rng_t r;
    rng_seed(&r, seed, 3);
    cr_assert_eq(resnet_create(&f->m, N, IN, D, H, T, branch), 0);
    resnet_init_params(&f->m, &r);
    for (int i = 0; i < N * IN; i++) f->U[i] = 2 * rng_uniform(&r) - 1;
    for (int i = 0; i < N; i++) f->y[i] = 0.7 + rng_normal(&r);
    if (center_inputs)
        for (int k = 0; k < IN; k++) {
            double s = 0;
            for (int i = 0; i < N; i++) s += f->U[i * IN + k];
            for (int i = 0; i < N; i++) f->U[i * IN + k] -= s / N;
        }
}

static double loss_of_theta(double *grad, const double *x, void *ctx)
{
    fixture_t *f = ctx;
    return resnet_loss_grad(&f->m, f->U, f->y);
}

static void check_gradient(resnet_branch_t branch)
{
    fixture_t f;
    setup(&f, branch, 0, 2385);
    resnet_loss_grad(&f.m, f.U, f.y);
    double *g = malloc(f.m.np * sizeof *g);
    memcpy(g, f.m.grad, f.m.np * sizeof *g);
    gradcheck_opts o = { .h = 1e-5, .floor = 1e-4, .points = 4 };
    gradcheck_result res;
    double e = gradcheck(loss_of_theta, &f, f.m.theta, f.m.np, g, &o, &res);
    cr_assert(e < 1e-6, "branch %d: worst %g at %zu (%g vs %g)", branch, e, res.i, res.analytic,
              res.numeric);
    free(g);
    resnet_free(&f.m);
}

Test(resnet, gradient_plain) { check_gradient(RESNET_PLAIN); }
Test(resnet, gradient_centered) { check_gradient(RESNET_CENTERED); }

static void check_budgets(resnet_branch_t branch)
{
    fixture_t f;
    setup(&f, branch, 0, 4471);
    resnet_loss_grad(&f.m, f.U, f.y);
    double P[(T + 1) * D], B[T * D], K[(T + 1) * D * D], R[D * D];
    resnet_charges(&f.m, P);
    resnet_budget(&f.m, B);
    double size = 0;
    for (int i = 0; i < N * D; i++) size += fabs(f.m.G[0][i]);
    for (int t = 0; t < T; t++) {
        double bn = 0;
        for (int k = 0; k < D; k++) {
            double r = P[t * D + k] - P[(t + 1) * D + k] - B[t * D + k];
            cr_assert(fabs(r) < 1e-14 * size, "t %d k %d: residual %g", t, k, r);
            bn += fabs(B[t * D + k]);
        }
        cr_assert(bn > 1e-3, "the budget is not trivially zero");
    }
    cr_assert(resnet_rotation(&f.m, K, R) < 1e-14);
    resnet_free(&f.m);
}

Test(resnet, translation_and_rotation_budgets_plain) { check_budgets(RESNET_PLAIN); }
Test(resnet, translation_and_rotation_budgets_centered) { check_budgets(RESNET_CENTERED); }

Test(resnet, always_active_unit_is_a_stream_bias)
{
    fixture_t f;
    setup(&f, RESNET_PLAIN, 0, 713);
    f.m.b1[1][2] = 50;          /* unit 2 of block 1 active on every input */
    f.m.b1[1][4] = -50;         /* unit 4 never */
    resnet_loss_grad(&f.m, f.U, f.y);
    double P[(T + 1) * D];
    resnet_charges(&f.m, P);
    int count;
    double dev = resnet_always_on(&f.m, 1, P, &count);
    cr_assert_geq(count, 1);
    cr_assert(dev < 1e-14, "relative residual %g", dev);
    double pred = 0;
    for (int k = 0; k < D; k++) pred += f.m.W2[1][k * H + 2] * P[2 * D + k];
    cr_assert(fabs(f.m.db1[1][2] - pred) < 1e-14 * fabs(pred) + 1e-300);
    cr_assert_eq(f.m.db1[1][4], 0.0);
    resnet_free(&f.m);
}

Test(resnet, centered_branches_pin_the_output_charge)
{
    fixture_t f;
    setup(&f, RESNET_CENTERED, 1, 97);
    double ybar = 0;
    for (int i = 0; i < N; i++) ybar += f.y[i] / N;
    for (int rep = 0; rep < 3; rep++) {
        resnet_loss_grad(&f.m, f.U, f.y);
        double P[(T + 1) * D], mean_out = 0;
        resnet_charges(&f.m, P);
        for (int i = 0; i < N; i++) mean_out += f.m.out[i] / N;
        cr_assert(fabs(mean_out) < 1e-15, "mean prediction %g", mean_out);
        for (int k = 0; k < D; k++)
            cr_assert(fabs(P[T * D + k] + ybar * f.m.w[k]) < 1e-15, "k %d: %g vs %g", k,
                      P[T * D + k], -ybar * f.m.w[k]);
        /* a different network: a plain step, then again */
        for (size_t i = 0; i < f.m.np; i++) f.m.theta[i] -= 0.3 * f.m.grad[i];
    }
    resnet_free(&f.m);
}

/* Cholesky of a symmetric n x n matrix in place; 0 if positive definite. */
static int cholesky(double *S, int n)
{
    for (int j = 0; j < n; j++)
        for (int k = 0; k <= j; k++) {
            double s = S[j * n + k];
            for (int l = 0; l < k; l++) s -= S[j * n + l] * S[k * n + l];
            if (k < j) S[j * n + k] = s / S[k * n + k];
            else if (s > 0) S[j * n + j] = sqrt(s);
            else return -1;
        }
    return 0;
}

Test(resnet, sharpness_is_the_largest_eigenvalue)
{
    fixture_t f;
    setup(&f, RESNET_PLAIN, 0, 31);
    const size_t n = f.m.np;
    const double h = 1e-5;
    /* the Hessian, column by column from central differences of the gradient */
    double *Hm = calloc(n * n, sizeof *Hm), *S = calloc(n * n, sizeof *S);
    double *theta0 = malloc(n * sizeof *theta0), *gp = malloc(n * sizeof *gp);
    memcpy(theta0, f.m.theta, n * sizeof *theta0);
    for (size_t j = 0; j < n; j++) {
        f.m.theta[j] = theta0[j] + h;
        resnet_loss_grad(&f.m, f.U, f.y);
        memcpy(gp, f.m.grad, n * sizeof *gp);
        f.m.theta[j] = theta0[j] - h;
        resnet_loss_grad(&f.m, f.U, f.y);
        for (size_t i = 0; i < n; i++) Hm[i * n + j] = (gp[i] - f.m.grad[i]) / (2 * h);
        f.m.theta[j] = theta0[j];
    }
    resnet_loss_grad(&f.m, f.U, f.y);
    memcpy(gp, f.m.grad, n * sizeof *gp);
    double *v = malloc(n * sizeof *v), *work = malloc(resnet_sharpness_work(&f.m) * sizeof *work), res;
    for (size_t i = 0; i < n; i++) v[i] = 1.0 + 0.1 * (double)(i % 7);
    double lambda = resnet_sharpness(&f.m, f.U, f.y, v, 400, h, work, &res);
    cr_assert(res < 1e-4, "eigen-residual %g (lambda %g)", res, lambda);
    cr_assert(memcmp(theta0, f.m.theta, n * sizeof *theta0) == 0, "theta restored");
    cr_assert(memcmp(gp, f.m.grad, n * sizeof *gp) == 0, "gradient of theta again");
    for (int sign = -1; sign <= 1; sign += 2) {
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < n; j++)
                S[i * n + j] = (i == j ? (1 + 1e-4) * fabs(lambda) : 0)
                             + sign * 0.5 * (Hm[i * n + j] + Hm[j * n + i]);
        cr_assert_eq(cholesky(S, (int)n), 0, "|lambda| I %c H not positive definite",
                     sign < 0 ? '-' : '+');
    }
    free(Hm); free(S); free(theta0); free(gp); free(v); free(work);
    resnet_free(&f.m);
}
