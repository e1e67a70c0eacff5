/* test_hvp.c: the second-order engine of src/nn/hvp.h.
 *
 *  - input gradient and Hessian-vector products against central differences
 *    of the network's own value and gradient (nn/gradcheck.h; softplus and
 *    tanh; 0, 1 and 2 tangents);
 *  - the parameter gradient of a loss on (g, h) against central differences
 *    (softplus and tanh; 0, 1 and 2 tangents; a batch that spans several
 *    blocks and ends in a partial one);
 *  - the fused sweep (adjoints block by block) gives the bytes of forward,
 *    adjoints, backward in turn;
 *  - softplus, its derivatives and tanh against long-double references;
 *  - every matrix-product version the CPU runs gives the same bytes. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "nn/gradcheck.h"
#include "nn/hvp.h"
#include "nn/tile.h"

/* dims 5 -> 7 -> 6 -> 8 -> 1 (widths off the multiples of 8), random weights */
static void random_net(hvp_net_t *n, hvp_act act, int ntan, int B, rng_t *r)
{
    int dims[] = {5, 7, 6, 8};
    cr_assert_eq(hvp_init(n, dims, 3, act, ntan, B), 0);
    hvp_init_weights(n, HVP_INIT_GLOROT, r);
    for (size_t i = 0; i < n->n_params; i++)
        n->theta[i] += 0.3 * rng_normal(r);   /* nonzero biases too */
    for (int i = 0; i < B * n->S * 5; i++)
        n->in[i] = 1.7 * rng_normal(r);
}

/* Sample b's value L and input gradient g as functions of its input row
 * (nn/gradcheck.h): the value reads the row in place, where gradcheck
 * perturbs it; the gradient copies its argument into the row. */
typedef struct {
    hvp_net_t *n;
    int B, b;
    double *row;    /* n->in + b S d0 */
} rowctx_t;

static double row_value(double *grad, const double *x, void *ctx)
{
    (void)grad, (void)x;
    const rowctx_t *c = ctx;
    hvp_forward(c->n, c->B, 1);
    return c->n->value[c->b];
}

static void row_gradient(double *out, const double *x, void *ctx)
{
    const rowctx_t *c = ctx;
    int d0 = c->n->dims[0];
    memcpy(c->row, x, (size_t)d0 * sizeof *x);
    hvp_forward(c->n, c->B, 0);
    memcpy(out, c->n->out + (size_t)c->b * c->n->S * d0, (size_t)d0 * sizeof *out);
}

static void check_derivatives(hvp_act act, int ntan)
{
    enum { B = 3, d0 = 5 };
    hvp_net_t n;
    rng_t r;
    rng_seed(&r, 11, 1);
    random_net(&n, act, ntan, B, &r);
    int S = n.S, rows = S * B;
    double in[3 * B * d0], out[3 * B * d0], work[GRADCHECK_JVP_WORK(d0, d0)];
    memcpy(in, n.in, (size_t)rows * d0 * sizeof *in);
    hvp_forward(&n, B, 1);
    memcpy(out, n.out, (size_t)rows * d0 * sizeof *out);
    /* central differences at h = 1e-5, absolute floor 1 */
    gradcheck_opts go = {.h = 1e-5, .floor = 1};
    gradcheck_result res;
    for (int b = 0; b < B; b++) {
        rowctx_t c = {.n = &n, .B = B, .b = b, .row = n.in + (size_t)b * S * d0};
        /* g = dL/du by differences of L */
        double e = gradcheck(row_value, &c, c.row, d0, out + (size_t)b * S * d0, &go, &res);
        cr_assert(e <= 1e-8, "g[%d][%zu] %.12g vs differences %.12g", b, res.i, res.analytic, res.numeric);
        /* h_k = dg/d(eps) along t_k by differences of g */
        for (int k = 1; k <= ntan; k++) {
            const double *t = in + ((size_t)b * S + k) * d0;
            e = gradcheck_jvp(row_gradient, &c, in + (size_t)b * S * d0, d0, d0, t,
                              out + ((size_t)b * S + k) * d0, &go, work, &res);
            memcpy(c.row, in + (size_t)b * S * d0, d0 * sizeof *c.row);
            cr_assert(e <= 1e-7, "h_%d[%d][%zu] %.12g vs differences %.12g", k, b, res.j, res.analytic,
                      res.numeric);
        }
    }
    hvp_free(&n);
}

Test(hvp, derivatives_softplus_two_tangents) { check_derivatives(HVP_SOFTPLUS, 2); }
Test(hvp, derivatives_softplus_one_tangent) { check_derivatives(HVP_SOFTPLUS, 1); }
Test(hvp, derivatives_tanh_two_tangents) { check_derivatives(HVP_TANH, 2); }
Test(hvp, derivatives_tanh_no_tangent) { check_derivatives(HVP_TANH, 0); }

/* loss = sum_i c_i out_i + (1/2) sum_i q_i out_i^2 over all rows: adjoint c + q out */
static double loss_of(hvp_net_t *n, int B, const double *c, const double *q, int set_bar)
{
    hvp_forward(n, B, 0);
    double s = 0;
    for (int i = 0; i < n->S * B * n->dims[0]; i++) {
        double o = n->out[i];
        s += c[i] * o + 0.5 * q[i] * o * o;
        if (set_bar)
            n->out_bar[i] = c[i] + q[i] * o;
    }
    return s;
}

/* random coefficients of loss_of, one per output */
static void random_loss(const hvp_net_t *n, int B, double **c, double **q, rng_t *r)
{
    int m = n->S * B * n->dims[0];
    *c = malloc(m * sizeof **c);
    *q = malloc(m * sizeof **q);
    for (int i = 0; i < m; i++) {
        (*c)[i] = rng_normal(r);
        (*q)[i] = 0.5 * rng_normal(r);
    }
}

static void check_backward(hvp_act act, int ntan)
{
    enum { B = 29 };   /* blocks of 24 / S samples: two or more, the last partial */
    hvp_net_t n;
    rng_t r;
    rng_seed(&r, 12, 2);
    random_net(&n, act, ntan, B, &r);
    double *c, *q;
    random_loss(&n, B, &c, &q, &r);
    loss_of(&n, B, c, q, 1);
    hvp_backward(&n, B);
    size_t np = n.n_params;
    double *g = malloc(np * sizeof *g), gmax = 0, worst = 0, h = 1e-4;
    memcpy(g, n.grad, np * sizeof *g);
    for (size_t i = 0; i < np; i++)
        gmax = fmax(gmax, fabs(g[i]));
    cr_assert(gmax > 0);
    for (size_t i = 0; i < np; i++) {
        double keep = n.theta[i], f[4], off[4] = {h, -h, 2 * h, -2 * h};
        for (int s = 0; s < 4; s++) {
            n.theta[i] = keep + off[s];
            f[s] = loss_of(&n, B, c, q, 0);
        }
        n.theta[i] = keep;
        double fd = (8 * (f[0] - f[1]) - (f[2] - f[3])) / (12 * h);
        worst = fmax(worst, fabs(fd - g[i]) / (fabs(g[i]) + 1e-3 * gmax));
    }
    cr_log_info("hvp backward (act %d, %d tangents): worst relative error %.3g over %zu weights",
                (int)act, ntan, worst, np);
    cr_assert(worst <= 1e-7, "worst relative error %.3g", worst);
    free(g);
    free(c);
    free(q);
    hvp_free(&n);
}

Test(hvp, backward_softplus_two_tangents) { check_backward(HVP_SOFTPLUS, 2); }
Test(hvp, backward_softplus_one_tangent) { check_backward(HVP_SOFTPLUS, 1); }
Test(hvp, backward_tanh_no_tangent) { check_backward(HVP_TANH, 0); }
Test(hvp, backward_tanh_two_tangents) { check_backward(HVP_TANH, 2); }

typedef struct {
    const double *c, *q;
} quad_ctx;

/* the adjoint of loss_of for samples b0..b1 */
static void quad_adjoint(void *v, hvp_net_t *n, int b0, int b1)
{
    quad_ctx *c = v;
    for (int i = b0 * n->S * n->dims[0]; i < b1 * n->S * n->dims[0]; i++)
        n->out_bar[i] = c->c[i] + c->q[i] * n->out[i];
}

/* One sweep with the adjoints computed block by block gives the bytes of
 * forward, adjoints, backward in turn. */
static void check_fused(int ntan)
{
    enum { B = 37 };
    hvp_net_t n;
    rng_t r;
    rng_seed(&r, 13, 3);
    random_net(&n, HVP_SOFTPLUS, ntan, B, &r);
    int m = n.S * B * n.dims[0];
    double *c, *q;
    random_loss(&n, B, &c, &q, &r);
    loss_of(&n, B, c, q, 1);
    hvp_backward(&n, B);
    double *g = malloc(n.n_params * sizeof *g), *out = malloc(m * sizeof *out);
    memcpy(g, n.grad, n.n_params * sizeof *g);
    memcpy(out, n.out, m * sizeof *out);
    memset(n.out, 0, m * sizeof *out);
    quad_ctx qc = {c, q};
    hvp_forward_backward(&n, B, quad_adjoint, &qc);
    cr_assert(memcmp(out, n.out, m * sizeof *out) == 0, "outputs differ");
    cr_assert(memcmp(g, n.grad, n.n_params * sizeof *g) == 0, "gradients differ");
    free(g);
    free(out);
    free(c);
    free(q);
    hvp_free(&n);
}

Test(hvp, fused_sweep_gives_the_same_bytes_two_tangents) { check_fused(2); }
Test(hvp, fused_sweep_gives_the_same_bytes_no_tangent) { check_fused(0); }

/* |x - ref| in units of the last place of ref (as a double) */
static double ulps(double x, long double ref)
{
    double r = (double)ref, u = nextafter(fabs(r), INFINITY) - fabs(r);
    return (double)(fabsl((long double)x - ref) / u);
}

/* Softplus within 3 ulp; s1 = logistic within 3 ulp, s2 = s1 (1 - s1) within
 * 6 ulp, s3 = s2 (1 - 2 s1) within 8 ulp of s2 (it vanishes at z = 0, so its
 * own last place means nothing there).  These are the errors of the formulas
 * themselves (measured with a correctly rounded exp they are 1.5, 2.6, 4.8 and
 * 7), plus the exp and log1p of the engine. */
Test(hvp, softplus_accuracy)
{
    enum { N = 200000 };
    double *z = malloc(4 * N * sizeof *z), *a = z + N, *d1 = z + 2 * N, *d2 = z + 3 * N;
    double *d3 = malloc(N * sizeof *d3);
    rng_t r;
    rng_seed(&r, 3, 3);
    for (int i = 0; i < N; i++) {
        double span = i % 3 == 0 ? 4 : i % 3 == 1 ? 80 : 1400;
        z[i] = span * (rng_uniform(&r) - 0.5);
    }
    z[0] = 0.0;
    z[1] = -0.0;
    z[2] = 1e-300;
    hvp_activation(HVP_SOFTPLUS, N, z, a, d1, d2, d3);
    double w[4] = {0};
    for (int i = 0; i < N; i++) {
        long double zz = z[i], e = expl(-fabsl(zz));
        if (fabsl(zz) > 700)
            continue;
        long double s = zz >= 0 ? 1 / (1 + e) : e / (1 + e), sm = zz >= 0 ? e / (1 + e) : 1 / (1 + e);
        long double s2 = s * sm;
        double uu[4] = {ulps(a[i], (zz > 0 ? zz : 0) + log1pl(e)), ulps(d1[i], s), ulps(d2[i], s2),
                        (double)(fabsl(d3[i] - s2 * (sm - s)) /
                                 (nextafter(fabs((double)s2), INFINITY) - fabs((double)s2)))};
        for (int q = 0; q < 4; q++)
            w[q] = fmax(w[q], uu[q]);
    }
    cr_log_info("softplus: worst ulps a %.2f s1 %.2f s2 %.2f s3 %.2f (of s2)", w[0], w[1], w[2], w[3]);
    cr_assert(w[0] <= 3 && w[1] <= 3 && w[2] <= 6 && w[3] <= 8, "ulps %.2f %.2f %.2f %.2f", w[0],
              w[1], w[2], w[3]);
    /* far tails: finite, and the right limits */
    double zt[2] = {-1e4, 1e4}, at[2], s1t[2];
    hvp_activation(HVP_SOFTPLUS, 2, zt, at, s1t, NULL, NULL);
    cr_assert(at[0] >= 0 && at[0] < 1e-300 && at[1] == 1e4 && s1t[0] < 1e-300 && s1t[1] == 1.0);
    free(z);
    free(d3);
}

/* The products are the only step whose code differs between instruction
 * sets (the elementwise clones are the same operations): each version the
 * CPU runs gives the same gradient, to the last bit. */
/* tanh within 3 ulp (1 - y^2 and the rest are then formulas in y); odd; +-1 far out */
Test(hvp, tanh_accuracy)
{
    enum { N = 200000 };
    double *z = malloc(2 * N * sizeof *z), *y = z + N;
    rng_t r;
    rng_seed(&r, 4, 4);
    for (int i = 0; i < N; i++) {
        double span = i % 3 == 0 ? 1 : i % 3 == 1 ? 10 : 100;
        z[i] = span * (rng_uniform(&r) - 0.5);
    }
    z[0] = 1e-300;
    z[1] = 3e-9;
    z[2] = 0.0;
    hvp_activation(HVP_TANH, N, z, y, NULL, NULL, NULL);
    double w = 0;
    for (int i = 0; i < N; i++)
        w = fmax(w, ulps(y[i], tanhl((long double)z[i])));
    cr_log_info("tanh: worst %.2f ulp", w);
    cr_assert(w <= 3, "tanh: %.2f ulp", w);
    double zs[4] = {0.37, -0.37, 400, -1e4}, ys[4];
    hvp_activation(HVP_TANH, 4, zs, ys, NULL, NULL, NULL);
    cr_assert(ys[0] == -ys[1] && ys[2] == 1.0 && ys[3] == -1.0);
    free(z);
}

Test(hvp, same_bytes_on_every_instruction_set)
{
    enum { B = 40 };
    double *g[3] = {NULL, NULL, NULL};
    tile_isa best = tile_get_isa();
    for (int isa = TILE_C; isa <= (int)best; isa++) {
        cr_assert_eq(tile_set_isa((tile_isa)isa), 0);
        hvp_net_t n;
        rng_t r;
        rng_seed(&r, 99, 4);
        int dims[] = {4, 33, 40};
        cr_assert_eq(hvp_init(&n, dims, 2, HVP_SOFTPLUS, 2, B), 0);
        hvp_init_weights(&n, HVP_INIT_CRANMER, &r);
        for (int i = 0; i < 3 * B * 4; i++)
            n.in[i] = rng_normal(&r);
        hvp_forward(&n, B, 0);
        for (int i = 0; i < 3 * B * 4; i++)
            n.out_bar[i] = rng_normal(&r) * n.out[i];
        hvp_backward(&n, B);
        g[isa] = malloc(n.n_params * sizeof(double));
        memcpy(g[isa], n.grad, n.n_params * sizeof(double));
        if (isa > TILE_C)
            cr_assert(memcmp(g[isa], g[TILE_C], n.n_params * sizeof(double)) == 0,
                      "%s differs from plain C", tile_isa_name((tile_isa)isa));
        hvp_free(&n);
    }
    tile_set_isa(best);
    for (int i = 0; i < 3; i++)
        free(g[i]);
}

Test(hvp, bad_shapes_are_refused)
{
    hvp_net_t n;
    int dims[] = {4, 8, 0};
    cr_assert_eq(hvp_init(&n, dims, 2, HVP_SOFTPLUS, 2, 4), -1);
    cr_assert_eq(hvp_init(&n, dims, 1, HVP_SOFTPLUS, 3, 4), -1);
    cr_assert_eq(hvp_init(&n, dims, 1, HVP_SOFTPLUS, 2, 0), -1);
    cr_assert_eq(hvp_init(&n, dims, HVP_MAX_DEPTH + 1, HVP_SOFTPLUS, 2, 4), -1);
}
