/* test_mlp.c: the composed network of mlp.h: parameter layout, PyTorch-style
 * initialisation, the full gradient against central differences (with and
 * without BatchNorm, eps = 0 included), BatchNorm's scale symmetry seen
 * through the network, determinism, and a short Fashion-MNIST run that learns. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/idx.h"
#include "core/rng.h"
#include "nn/mlp.h"
#include "nn/optim.h"

enum { B = 5 };

static void fill(double *p, size_t n, rng_t *r, double a, double c)
{
    for (size_t i = 0; i < n; i++)
        p[i] = a * rng_normal(r) + c;
}

Test(mlp, layout_and_init)
{
    rng_t r;
    rng_seed(&r, 1, 1);
    mlp_t m;
    int dims[4] = {6, 8, 7, 4};
    cr_assert_eq(mlp_init(&m, dims, 3, 1, 0, 0.0, B, &r), 0);
    cr_assert_eq(m.n_params, (size_t)(8 * 6 + 8 + 7 * 8 + 7 + 4 * 7 + 4));
    cr_assert_eq(m.W[0], m.theta);
    cr_assert_eq(m.b[0], m.theta + 48);
    cr_assert_eq(m.W[1], m.theta + 56);
    cr_assert_eq(m.b[2], m.theta + m.n_params - 4);
    cr_assert_eq(m.dW[1], m.grad + 56);
    for (int l = 0; l < 3; l++) {
        double k = 1.0 / sqrt(dims[l]), mx = 0.0;
        for (int i = 0; i < dims[l] * dims[l + 1]; i++)
            mx = fmax(mx, fabs(m.W[l][i]));
        cr_assert_lt(mx, k);
        cr_assert_gt(mx, 0.5 * k);
    }
    mlp_free(&m);
    cr_assert_eq(mlp_init(&m, dims, 3, 0, 0, 0.0, B, &r), 0);
    cr_assert_eq(m.n_params, (size_t)(8 * 6 + 7 * 8 + 4 * 7));
    cr_assert_null(m.b[0]);
    mlp_free(&m);
    int bad[2] = {6, 0};
    cr_assert_eq(mlp_init(&m, bad, 1, 1, 0, 0.0, B, &r), -1);
    cr_assert_eq(mlp_init(&m, dims, 0, 1, 0, 0.0, B, &r), -1);
    cr_assert_eq(mlp_init(&m, dims, MLP_MAX_LAYERS + 1, 1, 0, 0.0, B, &r), -1);
}

static void gradcheck_net(int bias, int bn, double eps, uint64_t seed)
{
    rng_t r;
    rng_seed(&r, seed, 1);
    mlp_t m;
    int dims[4] = {6, 8, 7, 4};
    cr_assert_eq(mlp_init(&m, dims, 3, bias, bn, eps, B, &r), 0);
    double x[B * 6];
    int y[B];
    fill(x, B * 6, &r, 1.2, 0.3);
    for (int i = 0; i < B; i++)
        y[i] = (int)rng_below(&r, 4);
    double L = mlp_train_batch(&m, x, y, B, NULL);
    cr_assert_leq(fabs(mlp_eval_batch(&m, x, y, B, NULL) / B - L), 1e-15 * L);
    const double h = 1e-5;
    double err = 0.0, scale = 0.0;
    for (size_t i = 0; i < m.n_params; i++) {
        double p0 = m.theta[i];
        m.theta[i] = p0 + h;
        double fp = mlp_eval_batch(&m, x, y, B, NULL) / B;
        m.theta[i] = p0 - h;
        double fm = mlp_eval_batch(&m, x, y, B, NULL) / B;
        m.theta[i] = p0;
        err = fmax(err, fabs((fp - fm) / (2 * h) - m.grad[i]));
        scale = fmax(scale, fabs(m.grad[i]));
    }
    cr_assert_leq(err / scale, 1e-7, "bias %d bn %d eps %g: relative error %g", bias, bn, eps,
                  err / scale);
    mlp_free(&m);
}

Test(mlp, gradient_plain) { gradcheck_net(1, 0, 0.0, 11); }
Test(mlp, gradient_nobias) { gradcheck_net(0, 0, 0.0, 12); }
Test(mlp, gradient_batchnorm_eps0) { gradcheck_net(0, 1, 0.0, 13); }
Test(mlp, gradient_batchnorm_eps) { gradcheck_net(1, 1, 1e-5, 14); }

/* With BatchNorm (eps = 0) after layer 0, scaling W[0] (and b[0]) by c leaves
 * the loss unchanged, so the gradient of that layer is orthogonal to its
 * weights (Kunin et al. 2021, Eq. for the scale symmetry). */
Test(mlp, batchnorm_scale_symmetry)
{
    rng_t r;
    rng_seed(&r, 21, 1);
    mlp_t m;
    int dims[3] = {6, 9, 3};
    cr_assert_eq(mlp_init(&m, dims, 2, 1, 1, 0.0, B, &r), 0);
    double x[B * 6];
    int y[B] = {0, 2, 1, 1, 0};
    fill(x, B * 6, &r, 1.2, 0.3);
    double L = mlp_train_batch(&m, x, y, B, NULL);
    size_t n0 = 9 * 6 + 9;   /* W[0] and b[0] */
    double ip = 0.0, nw = 0.0, ng = 0.0;
    for (size_t i = 0; i < n0; i++) {
        ip += m.theta[i] * m.grad[i];
        nw += m.theta[i] * m.theta[i];
        ng += m.grad[i] * m.grad[i];
    }
    cr_assert_leq(fabs(ip), 1e-14 * sqrt(nw * ng));
    for (size_t i = 0; i < n0; i++)
        m.theta[i] *= 2.385;
    cr_assert_leq(fabs(mlp_eval_batch(&m, x, y, B, NULL) / B - L), 1e-14 * L);
    mlp_free(&m);
}

/* Same seed, same data: identical bytes of parameters after a few SGD steps. */
static void short_run(double *out, size_t n)
{
    rng_t r;
    rng_seed(&r, 31, 1);
    mlp_t m;
    int dims[4] = {20, 33, 17, 5};
    cr_assert_eq(mlp_init(&m, dims, 3, 1, 1, 1e-5, 16, &r), 0);
    double *v = calloc(m.n_params, sizeof *v), x[16 * 20];
    int y[16];
    for (int step = 0; step < 10; step++) {
        fill(x, 16 * 20, &r, 1.0, 0.0);
        for (int i = 0; i < 16; i++)
            y[i] = (int)rng_below(&r, 5);
        mlp_train_batch(&m, x, y, 16, NULL);
        opt_sgd_step(m.theta, m.grad, v, m.n_params, 0.05, 0.9, 1e-4, OPT_WD_COUPLED);
    }
    cr_assert_eq(m.n_params, n);
    memcpy(out, m.theta, n * sizeof *out);
    free(v);
    mlp_free(&m);
}

Test(mlp, deterministic)
{
    size_t n = 33 * 20 + 33 + 17 * 33 + 17 + 5 * 17 + 5;
    double *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
    short_run(a, n);
    short_run(b, n);
    cr_assert_eq(memcmp(a, b, n * sizeof *a), 0);
    free(a);
    free(b);
}

/* 400 SGD steps of batch 64 on Fashion-MNIST must beat chance by far. */
Test(mlp, learns_fashion_mnist, .timeout = 120)
{
    dataset_t tr, te;
    char err[512];
    cr_assert_eq(fmnist_load(&tr, NULL, "train", err, sizeof err), 0, "%s", err);
    cr_assert_eq(fmnist_load(&te, NULL, "test", err, sizeof err), 0, "%s", err);
    rng_t r, sh;
    rng_seed(&r, 41, 1);
    rng_seed(&sh, 41, 2);
    mlp_t m;
    int dims[3] = {784, 64, 10};
    cr_assert_eq(mlp_init(&m, dims, 2, 1, 0, 0.0, 64, &r), 0);
    double *v = calloc(m.n_params, sizeof *v), *xb = malloc(64 * 784 * sizeof *xb);
    int yb[64];
    size_t *idx = malloc(tr.n * sizeof *idx);
    for (int i = 0; i < tr.n; i++)
        idx[i] = (size_t)i;
    rng_shuffle(&sh, idx, (size_t)tr.n);
    for (int step = 0; step < 400; step++) {
        for (int i = 0; i < 64; i++) {
            size_t k = idx[step * 64 + i];
            memcpy(xb + i * 784, tr.x + k * 784, 784 * sizeof *xb);
            yb[i] = tr.y[k];
        }
        mlp_train_batch(&m, xb, yb, 64, NULL);
        opt_sgd_step(m.theta, m.grad, v, m.n_params, 0.05, 0.9, 0.0, OPT_WD_COUPLED);
    }
    int correct = 0;
    for (int i = 0; i + 50 <= 2000; i += 50) {
        int c;
        mlp_eval_batch(&m, te.x + (size_t)i * 784, te.y + i, 50, &c);
        correct += c;
    }
    cr_assert_gt(correct / 2000.0, 0.75, "test accuracy %g", correct / 2000.0);
    free(v);
    free(xb);
    free(idx);
    mlp_free(&m);
    dataset_free(&tr);
    dataset_free(&te);
}
