/* test_mlp.c: the one network of mlp.h: parameter table and layout,
 * PyTorch-style initialisation, the full gradient against central differences
 * (nn/gradcheck) for the classifier (with and without BatchNorm, eps = 0
 * included) and for the regression networks (ReLU, tanh, softplus; L1, MSE;
 * both reductions; with and without output bias), the input gradient,
 * accumulation over passes, mlp_attach against mlp_create, BatchNorm's scale
 * symmetry seen through the network, determinism, and a short Fashion-MNIST
 * run that learns. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/idx.h"
#include "core/rng.h"
#include "nn/gradcheck.h"
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

/* The loss of a classifier as a function of its parameters (gradcheck_fn). */
typedef struct {
    mlp_t *m;
    const double *x, *y;
    const int *labels;
    int B, kind, per_sample;
} loss_ctx;

static double xent_loss(double *grad, const double *theta, void *v)
{
    loss_ctx *c = v;
    return mlp_eval_batch(c->m, c->x, c->labels, c->B, NULL) / c->B;
}

static double regress_loss(double *grad, const double *theta, void *v)
{
    loss_ctx *c = v;
    return mlp_regress_batch(c->m, c->x, c->y, c->B, (nn_loss_kind)c->kind, c->per_sample, 0);
}

static double max_abs(const double *g, size_t n)
{
    double mx = 0.0;
    for (size_t i = 0; i < n; i++)
        mx = fmax(mx, fabs(g[i]));
    return mx;
}

/* Relative errors below 1e-3 of the largest entry count as matched. */
static double check_grad(gradcheck_fn f, loss_ctx *c, double h)
{
    mlp_t *m = c->m;
    double *g = malloc(m->n_params * sizeof *g);
    memcpy(g, m->grad, m->n_params * sizeof *g);
    gradcheck_opts o = {.h = h, .floor = 1e-3 * max_abs(g, m->n_params)};
    gradcheck_result r;
    gradcheck(f, c, m->theta, m->n_params, g, &o, &r);
    cr_log_info("worst relative gradient error %.3g at %zu (%.6g vs %.6g)", r.worst, r.i,
                r.analytic, r.numeric);
    cr_assert_eq(r.compared, m->n_params);
    free(g);
    return r.worst;
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
    loss_ctx c = {.m = &m, .x = x, .labels = y, .B = B};
    double e = check_grad(xent_loss, &c, 1e-5);
    cr_assert_leq(e, 1e-5, "bias %d bn %d eps %g: relative error %g", bias, bn, eps, e);
    mlp_free(&m);
}

Test(mlp, gradient_plain) { gradcheck_net(1, 0, 0.0, 11); }
Test(mlp, gradient_nobias) { gradcheck_net(0, 0, 0.0, 12); }
Test(mlp, gradient_batchnorm_eps0) { gradcheck_net(0, 1, 0.0, 13); }
Test(mlp, gradient_batchnorm_eps) { gradcheck_net(1, 1, 1e-5, 14); }

/* The regression networks of chapters 4 and 5: each activation, with and
 * without an output bias, L1 and MSE, both reductions, BatchNorm with a
 * smooth activation.  L1 is smooth away from e = 0, which these targets avoid. */
static void gradcheck_regress(mlp_act_t act, int out_bias, int bn, nn_loss_kind kind,
                              int per_sample, uint64_t seed)
{
    enum { R = 6 };
    mlp_spec_t s = {.depth = 3, .dims = {3, 8, 7, 2}, .act = act, .bias = 1,
                    .out_bias = out_bias, .batchnorm = bn, .bn_eps = 1e-3, .max_batch = R};
    mlp_t m;
    cr_assert_eq(mlp_create(&m, &s), 0);
    rng_t r;
    rng_seed(&r, seed, 9);
    mlp_init_uniform(&m, &r);
    for (size_t i = 0; i < m.n_params; i++)
        m.theta[i] += 0.1 * rng_normal(&r);
    double x[3 * R], y[2 * R];
    fill(x, 3 * R, &r, 1.0, 0.0);
    fill(y, 2 * R, &r, 3.0, 0.0);
    mlp_regress_batch(&m, x, y, R, kind, per_sample, 1);
    loss_ctx c = {.m = &m, .x = x, .y = y, .B = R, .kind = kind, .per_sample = per_sample};
    double e = check_grad(regress_loss, &c, 1e-5);
    cr_assert_leq(e, 1e-5, "act %d out_bias %d bn %d loss %d per_sample %d: %g", (int)act,
                  out_bias, bn, (int)kind, per_sample, e);
    mlp_free(&m);
}

Test(mlp, gradient_tanh_mse_mean) { gradcheck_regress(MLP_TANH, 0, 0, NN_LOSS_MSE, 0, 21); }
Test(mlp, gradient_relu_l1_per_sample) { gradcheck_regress(MLP_RELU, 1, 0, NN_LOSS_L1, 1, 22); }
Test(mlp, gradient_softplus_mse_per_sample) { gradcheck_regress(MLP_SOFTPLUS, 1, 0, NN_LOSS_MSE, 1, 23); }
Test(mlp, gradient_tanh_batchnorm_l1) { gradcheck_regress(MLP_TANH, 1, 1, NN_LOSS_L1, 0, 24); }
Test(mlp, gradient_softplus_batchnorm_mse) { gradcheck_regress(MLP_SOFTPLUS, 0, 1, NN_LOSS_MSE, 0, 25); }

/* The input gradient dx of mlp_backward: with dout = w, dx is the gradient
 * of the scalar <w, out(x)> in x.  Also: backward ADDS to grad (twice the
 * same pass gives twice the gradient, bit for bit: 2g = g + g). */
typedef struct {
    mlp_t *m;
    const double *w;
    int B;
} wout_ctx;

static double w_dot_out(double *grad, const double *x, void *v)
{
    wout_ctx *c = v;
    const double *o = mlp_forward(c->m, x, c->B);
    double s = 0.0;
    for (int i = 0; i < c->B * c->m->dims[c->m->depth]; i++)
        s += c->w[i] * o[i];
    return s;
}

Test(mlp, input_gradient_and_accumulation)
{
    enum { R = 4, D = 3, C = 2 };
    mlp_spec_t s = {.depth = 3, .dims = {D, 9, 8, C}, .act = MLP_SOFTPLUS, .bias = 1,
                    .out_bias = 1, .max_batch = R};
    mlp_t m;
    cr_assert_eq(mlp_create(&m, &s), 0);
    rng_t r;
    rng_seed(&r, 31, 9);
    mlp_init_uniform(&m, &r);
    double x[R * D], w[R * C], dx[R * D];
    fill(x, R * D, &r, 1.0, 0.2);
    fill(w, R * C, &r, 1.0, 0.0);
    mlp_forward(&m, x, R);
    mlp_zero_grad(&m);
    mlp_backward(&m, w, R, dx);
    double *g1 = malloc(m.n_params * sizeof *g1);
    memcpy(g1, m.grad, m.n_params * sizeof *g1);
    mlp_backward(&m, w, R, NULL);
    for (size_t i = 0; i < m.n_params; i++)
        cr_assert_eq(m.grad[i], g1[i] + g1[i], "entry %zu: %.17g vs 2 x %.17g", i, m.grad[i], g1[i]);
    wout_ctx c = {&m, w, R};
    gradcheck_opts o = {.floor = 1e-3 * max_abs(dx, R * D)};
    double e = gradcheck(w_dot_out, &c, x, R * D, dx, &o, NULL);
    cr_assert_leq(e, 1e-6, "input gradient: worst relative error %g", e);
    free(g1);
    mlp_free(&m);
}

/* mlp_attach on caller memory computes the same bytes as mlp_create. */
Test(mlp, attach_equals_create)
{
    enum { R = 5 };
    mlp_spec_t s = {.depth = 2, .dims = {4, 6, 3}, .act = MLP_TANH, .bias = 1, .out_bias = 1,
                    .batchnorm = 1, .bn_eps = 1e-5, .max_batch = R};
    size_t sizes[2 * MLP_MAX_LAYERS];
    size_t n = mlp_param_sizes(&s, sizes);
    cr_assert_eq(n, (size_t)(6 * 4 + 6 + 3 * 6 + 3));
    cr_assert_eq(sizes[0], 24);
    cr_assert_eq(sizes[3], 3);
    mlp_t a, b;
    cr_assert_eq(mlp_create(&a, &s), 0);
    double *mem = malloc((2 * n + mlp_work_size(&s)) * sizeof *mem);
    cr_assert_eq(mlp_attach(&b, &s, mem, mem + n, mem + 2 * n), 0);
    rng_t r1, r2;
    rng_seed(&r1, 5, 1);
    rng_seed(&r2, 5, 1);
    mlp_init_uniform(&a, &r1);
    mlp_init_uniform(&b, &r2);
    double x[R * 4], y[R * 3];
    fill(x, R * 4, &r1, 1.0, 0.0);
    fill(y, R * 3, &r1, 1.0, 0.0);
    double la = mlp_regress_batch(&a, x, y, R, NN_LOSS_MSE, 0, 1);
    double lb = mlp_regress_batch(&b, x, y, R, NN_LOSS_MSE, 0, 1);
    cr_assert_eq(la, lb);
    cr_assert_eq(memcmp(a.grad, b.grad, n * sizeof(double)), 0);
    mlp_free(&b);   /* frees nothing it does not own */
    free(mem);
    mlp_free(&a);
    s.dims[1] = 0;
    cr_assert_eq(mlp_param_sizes(&s, sizes), 0);
    cr_assert_eq(mlp_create(&a, &s), -1);
}

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
