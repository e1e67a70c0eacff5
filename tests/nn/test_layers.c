/* test_layers.c: every kernel of layers.h against central differences in
 * double precision (relative error <= 1e-7 in the max norm), plus the
 * identities the chapters rely on: BatchNorm/LayerNorm/RMSNorm with eps = 0
 * are invariant to the scale of their input; softmax cross-entropy is
 * invariant to a shift of the logits; a call gives the same bytes twice. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "core/rng.h"
#include "nn/gradcheck.h"
#include "nn/layers.h"

#define TOL 1e-7

/* High-entropy values: a*N(0,1) + c. */
static void fill(double *p, size_t n, rng_t *r, double a, double c)
{
    for (size_t i = 0; i < n; i++)
        p[i] = a * rng_normal(r) + c;
}

/* Worst error (nn/gradcheck) of the analytic gradient g of f with respect
 * to p[0..n), against central differences with step 1e-5, relative to the
 * largest entry of g (the floor): |g_i - d_i| / (|g_i| + |d_i| + max |g|). */
typedef struct {
    double (*f)(void *);
    void *ctx;
} wrap_t;

static double call(double *grad, const double *x, void *w)
{
    wrap_t *c = w;
    return c->f(c->ctx);
}

static double check(double (*f)(void *), void *ctx, double *p, const double *g, size_t n)
{
    double scale = 0.0;
    for (size_t i = 0; i < n; i++)
        scale = fmax(scale, fabs(g[i]));
    cr_assert_gt(scale, 0.0, "analytic gradient is identically zero");
    wrap_t w = {f, ctx};
    gradcheck_opts o = {.h = 1e-5, .floor = scale};
    return gradcheck(call, &w, p, n, g, &o, NULL);
}

static double dot(const double *a, const double *b, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}

/* ------------------------------------------------------------ linear */

enum { B = 6, I = 7, O = 5 };

typedef struct {
    double x[B * I], W[O * I], b[O], R[B * O], out[B * O];
    int bias;
} lin_ctx;

static double lin_f(void *c)
{
    lin_ctx *k = c;
    nn_linear_forward(k->out, k->x, k->W, k->bias ? k->b : NULL, B, I, O);
    return dot(k->out, k->R, B * O);
}

Test(layers, linear_gradients)
{
    rng_t r;
    rng_seed(&r, 11, 1);
    for (int bias = 0; bias <= 1; bias++) {
        lin_ctx k = {.bias = bias};
        fill(k.x, B * I, &r, 1.3, 0.2);
        fill(k.W, O * I, &r, 0.7, -0.1);
        fill(k.b, O, &r, 0.5, 0.3);
        fill(k.R, B * O, &r, 1.1, 0.0);
        double dx[B * I], dW[O * I], db[O];
        nn_linear_backward(dx, dW, bias ? db : NULL, k.R, k.x, k.W, B, I, O);
        cr_assert_leq(check(lin_f, &k, k.x, dx, B * I), TOL);
        cr_assert_leq(check(lin_f, &k, k.W, dW, O * I), TOL);
        if (bias)
            cr_assert_leq(check(lin_f, &k, k.b, db, O), TOL);
    }
}

Test(layers, linear_matches_loops)
{
    rng_t r;
    rng_seed(&r, 12, 1);
    lin_ctx k = {.bias = 1};
    fill(k.x, B * I, &r, 1.3, 0.2);
    fill(k.W, O * I, &r, 0.7, -0.1);
    fill(k.b, O, &r, 0.5, 0.3);
    nn_linear_forward(k.out, k.x, k.W, k.b, B, I, O);
    for (int i = 0; i < B; i++)
        for (int j = 0; j < O; j++) {
            double s = k.b[j];
            for (int m = 0; m < I; m++)
                s += k.x[i * I + m] * k.W[j * I + m];
            cr_assert_leq(fabs(s - k.out[i * O + j]), 1e-14 * (1.0 + fabs(s)));
        }
}

Test(layers, deterministic_bytes)
{
    rng_t r;
    rng_seed(&r, 13, 1);
    enum { b = 37, n = 129, m = 65 };
    static double x[b * n], W[m * n], y1[b * m], y2[b * m], d1[b * n], d2[b * n];
    fill(x, b * n, &r, 1.0, 0.0);
    fill(W, m * n, &r, 1.0, 0.0);
    nn_linear_forward(y1, x, W, NULL, b, n, m);
    nn_linear_forward(y2, x, W, NULL, b, n, m);
    cr_assert_eq(memcmp(y1, y2, sizeof y1), 0);
    nn_linear_backward(d1, NULL, NULL, y1, x, W, b, n, m);
    nn_linear_backward(d2, NULL, NULL, y1, x, W, b, n, m);
    cr_assert_eq(memcmp(d1, d2, sizeof d1), 0);
}

/* ------------------------------------------------------------ elementwise */

enum { N = 40 };

typedef struct {
    double x[N], R[N], out[N];
    int kind;   /* 0 relu, 1 tanh, 2 softplus */
} ew_ctx;

static double ew_f(void *c)
{
    ew_ctx *k = c;
    if (k->kind == 0)
        nn_relu_forward(k->out, k->x, N);
    else if (k->kind == 1)
        nn_tanh_forward(k->out, k->x, N);
    else
        nn_softplus_forward(k->out, k->x, N);
    return dot(k->out, k->R, N);
}

Test(layers, elementwise_gradients)
{
    rng_t r;
    rng_seed(&r, 21, 1);
    for (int kind = 0; kind < 3; kind++) {
        ew_ctx k = {.kind = kind};
        fill(k.x, N, &r, 2.1, 0.15);
        for (int i = 0; i < N; i++)   /* keep clear of ReLU's kink */
            if (fabs(k.x[i]) < 1e-3)
                k.x[i] = 0.0371;
        fill(k.R, N, &r, 1.0, 0.0);
        double dx[N];
        ew_f(&k);
        if (kind == 0)
            nn_relu_backward(dx, k.R, k.x, N);
        else if (kind == 1)
            nn_tanh_backward(dx, k.R, k.out, N);
        else
            nn_softplus_backward(dx, k.R, k.x, N);
        cr_assert_leq(check(ew_f, &k, k.x, dx, N), TOL, "kind %d", kind);
    }
}

Test(layers, softplus_extremes)
{
    cr_assert_eq(nn_softplus(800.0), 800.0);
    cr_assert(nn_softplus(-800.0) >= 0.0 && nn_softplus(-800.0) < 1e-300);
    cr_assert_leq(fabs(nn_softplus(0.0) - log(2.0)), 1e-16);
    cr_assert_eq(nn_sigmoid(-800.0), 0.0);
    cr_assert_eq(nn_sigmoid(800.0), 1.0);
    cr_assert_leq(fabs(nn_softplus(-30.0) - (exp(-30.0) - 0.5 * exp(-60.0))), 1e-15 * exp(-30.0));
    double x[2] = {2.385, -1.25}, y[2];
    nn_relu_forward(x, x, 2);   /* in place */
    cr_assert_eq(x[0], 2.385);
    cr_assert_eq(x[1], 0.0);
    nn_add(y, x, x, 2);
    cr_assert_eq(y[0], 4.77);
}

/* ------------------------------------------------------------ softmax cross-entropy */

enum { C = 9 };

typedef struct {
    double z[B * C];
    int y[B];
} xent_ctx;

static double xent_f(void *c)
{
    xent_ctx *k = c;
    return nn_softmax_xent(NULL, k->z, k->y, B, C);
}

Test(layers, softmax_xent)
{
    rng_t r;
    rng_seed(&r, 31, 1);
    xent_ctx k;
    fill(k.z, B * C, &r, 2.7, 0.4);
    for (int i = 0; i < B; i++)
        k.y[i] = (int)rng_below(&r, C);
    double dz[B * C];
    double L = nn_softmax_xent(dz, k.z, k.y, B, C);
    cr_assert_leq(check(xent_f, &k, k.z, dz, B * C), TOL);
    /* direct formula */
    double ref = 0.0;
    for (int i = 0; i < B; i++) {
        double s = 0.0;
        for (int c = 0; c < C; c++)
            s += exp(k.z[i * C + c]);
        ref += log(s) - k.z[i * C + k.y[i]];
    }
    cr_assert_leq(fabs(L - ref / B), 1e-14 * fabs(L));
    /* translation symmetry: rows of dz sum to zero; shifting logits changes nothing */
    for (int i = 0; i < B; i++) {
        double s = 0.0;
        for (int c = 0; c < C; c++)
            s += dz[i * C + c];
        cr_assert_leq(fabs(s), 1e-16);
    }
    for (int i = 0; i < B * C; i++)
        k.z[i] += 700.0;   /* would overflow exp without the max shift */
    cr_assert_leq(fabs(xent_f(&k) - L), 1e-12);
}

Test(layers, count_correct)
{
    double z[3 * 3] = {0.1, 2.0, -1.0, 3.5, 0.2, 0.3, -0.4, -0.2, -0.9};
    int y[3] = {1, 2, 1};
    cr_assert_eq(nn_count_correct(z, y, 3, 3), 2);
}

/* ------------------------------------------------------------ normalizations */

enum { NB = 7, NC = 70 };   /* NC > 64 exercises the feature blocking */

typedef struct {
    double x[NB * NC], R[NB * NC], out[NB * NC], xhat[NB * NC];
    double gamma[NC], beta[NC], mean[NC > NB ? NC : NB], rstd[NC > NB ? NC : NB];
    double eps;
    int kind;   /* 0 batchnorm, 1 layernorm, 2 rmsnorm */
    int affine;
} norm_ctx;

static double norm_f(void *c)
{
    norm_ctx *k = c;
    const double *g = k->affine ? k->gamma : NULL, *b = k->affine ? k->beta : NULL;
    if (k->kind == 0)
        nn_batchnorm_forward(k->out, k->xhat, k->mean, k->rstd, k->x, g, b, NB, NC, k->eps);
    else if (k->kind == 1)
        nn_layernorm_forward(k->out, k->xhat, k->mean, k->rstd, k->x, g, b, NB, NC, k->eps);
    else
        nn_rmsnorm_forward(k->out, k->xhat, k->rstd, k->x, g, NB, NC, k->eps);
    return dot(k->out, k->R, NB * NC);
}

static void norm_case(int kind, double eps, int affine, uint64_t seed)
{
    rng_t r;
    rng_seed(&r, seed, 1);
    static norm_ctx k;
    memset(&k, 0, sizeof k);
    k.kind = kind;
    k.eps = eps;
    k.affine = affine;
    fill(k.x, NB * NC, &r, 1.7, 0.6);
    fill(k.R, NB * NC, &r, 1.0, 0.1);
    fill(k.gamma, NC, &r, 0.4, 1.0);
    fill(k.beta, NC, &r, 0.3, 0.0);
    norm_f(&k);
    static double dx[NB * NC];
    double dg[NC], db[NC];
    const double *g = affine ? k.gamma : NULL;
    if (kind == 0)
        nn_batchnorm_backward(dx, dg, db, k.R, k.xhat, k.rstd, g, NB, NC);
    else if (kind == 1)
        nn_layernorm_backward(dx, dg, db, k.R, k.xhat, k.rstd, g, NB, NC);
    else
        nn_rmsnorm_backward(dx, dg, k.R, k.xhat, k.rstd, g, NB, NC);
    double e = check(norm_f, &k, k.x, dx, NB * NC);
    cr_assert_leq(e, TOL, "kind %d eps %g affine %d: dx error %g", kind, eps, affine, e);
    if (affine) {
        e = check(norm_f, &k, k.gamma, dg, NC);
        cr_assert_leq(e, TOL, "kind %d: dgamma error %g", kind, e);
        if (kind != 2) {
            e = check(norm_f, &k, k.beta, db, NC);
            cr_assert_leq(e, TOL, "kind %d: dbeta error %g", kind, e);
        }
    }
    /* NULL gradient outputs are skipped, and din alone is unchanged */
    static double dx2[NB * NC];
    norm_f(&k);   /* gradcheck left the buffers at a perturbed point */
    if (kind == 0)
        nn_batchnorm_backward(dx2, NULL, NULL, k.R, k.xhat, k.rstd, g, NB, NC);
    else if (kind == 1)
        nn_layernorm_backward(dx2, NULL, NULL, k.R, k.xhat, k.rstd, g, NB, NC);
    else
        nn_rmsnorm_backward(dx2, NULL, k.R, k.xhat, k.rstd, g, NB, NC);
    cr_assert_eq(memcmp(dx, dx2, sizeof dx), 0);
}

Test(layers, batchnorm_gradients)
{
    norm_case(0, 0.0, 1, 41);
    norm_case(0, 0.0, 0, 42);
    norm_case(0, 1e-3, 1, 43);
}

Test(layers, layernorm_gradients)
{
    norm_case(1, 0.0, 1, 51);
    norm_case(1, 0.0, 0, 52);
    norm_case(1, 1e-3, 1, 53);
}

Test(layers, rmsnorm_gradients)
{
    norm_case(2, 0.0, 1, 61);
    norm_case(2, 0.0, 0, 62);
    norm_case(2, 1e-3, 1, 63);
}

/* With eps = 0 each normalization is invariant to a positive rescaling of its
 * input (Kunin et al. 2021, scale symmetry), so by Euler's theorem its input
 * gradient is orthogonal to the input.  With eps > 0 the symmetry breaks. */
Test(layers, scale_invariance_eps0)
{
    for (int kind = 0; kind < 3; kind++) {
        static norm_ctx k;
        memset(&k, 0, sizeof k);
        rng_t r;
        rng_seed(&r, 70 + kind, 1);
        k.kind = kind;
        k.affine = 1;
        fill(k.x, NB * NC, &r, 1.7, 0.6);
        fill(k.R, NB * NC, &r, 1.0, 0.1);
        fill(k.gamma, NC, &r, 0.4, 1.0);
        fill(k.beta, NC, &r, 0.3, 0.0);
        double f0 = norm_f(&k);
        static double dx[NB * NC];
        const double *g = k.gamma;
        if (kind == 0)
            nn_batchnorm_backward(dx, NULL, NULL, k.R, k.xhat, k.rstd, g, NB, NC);
        else if (kind == 1)
            nn_layernorm_backward(dx, NULL, NULL, k.R, k.xhat, k.rstd, g, NB, NC);
        else
            nn_rmsnorm_backward(dx, NULL, k.R, k.xhat, k.rstd, g, NB, NC);
        double nx = sqrt(dot(k.x, k.x, NB * NC)), nd = sqrt(dot(dx, dx, NB * NC));
        cr_assert_leq(fabs(dot(k.x, dx, NB * NC)), 1e-13 * nx * nd, "kind %d", kind);
        for (int i = 0; i < NB * NC; i++)
            k.x[i] *= 2.385;
        cr_assert_leq(fabs(norm_f(&k) - f0), 1e-12 * (1.0 + fabs(f0)), "kind %d", kind);
        k.eps = 0.5;
        double f1 = norm_f(&k);
        for (int i = 0; i < NB * NC; i++)
            k.x[i] /= 2.385;
        cr_assert_gt(fabs(norm_f(&k) - f1), 1e-6, "kind %d: eps > 0 should break it", kind);
    }
}

Test(layers, batchnorm_eval_and_running)
{
    static norm_ctx k;
    memset(&k, 0, sizeof k);
    rng_t r;
    rng_seed(&r, 81, 1);
    k.kind = 0;
    k.affine = 1;
    k.eps = 1e-5;
    fill(k.x, NB * NC, &r, 1.7, 0.6);
    fill(k.gamma, NC, &r, 0.4, 1.0);
    fill(k.beta, NC, &r, 0.3, 0.0);
    norm_f(&k);
    /* momentum 1 stores the batch statistics (variance unbiased) */
    double rm[NC], rv[NC], y[NB * NC];
    for (int c = 0; c < NC; c++)
        rm[c] = rv[c] = 2.385;
    nn_batchnorm_update_running(rm, rv, k.mean, k.rstd, NB, NC, k.eps, 1.0);
    for (int c = 0; c < NC; c++) {
        double m = 0.0, v = 0.0;
        for (int b = 0; b < NB; b++)
            m += k.x[b * NC + c];
        m /= NB;
        for (int b = 0; b < NB; b++)
            v += (k.x[b * NC + c] - m) * (k.x[b * NC + c] - m);
        cr_assert_leq(fabs(rm[c] - m), 1e-15 * (1 + fabs(m)));
        cr_assert_leq(fabs(rv[c] - v / (NB - 1)), 1e-12 * v);
        rv[c] = v / NB;   /* biased: then eval reproduces the training output */
    }
    nn_batchnorm_eval(y, k.x, rm, rv, k.gamma, k.beta, NB, NC, k.eps);
    for (int i = 0; i < NB * NC; i++)
        cr_assert_leq(fabs(y[i] - k.out[i]), 1e-13);
    /* momentum 0.1 */
    double a[1] = {1.5}, bvar[1] = {0.25}, mean[1] = {0.5}, rstd[1] = {2.0};
    nn_batchnorm_update_running(a, bvar, mean, rstd, 5, 1, 0.0, 0.1);
    cr_assert_leq(fabs(a[0] - (0.9 * 1.5 + 0.1 * 0.5)), 1e-16);
    cr_assert_leq(fabs(bvar[0] - (0.9 * 0.25 + 0.1 * 0.25 * 5.0 / 4.0)), 1e-16);
}
