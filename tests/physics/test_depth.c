/* test_depth.c: the block-level Noether identity behind chapter 1's
 * "Noether along depth" (src/nn/resnet.c, run by src/experiments/ch1/depth.c), on one residual block
 * y = x + W2 relu(W1 x + b1) built from the nn layer kernels.
 *  - the translation x -> x + eps v, b1 -> b1 - eps W1 v shifts y by eps v;
 *  - per sample, <g_x, v> = <g_y, v> + <d, W1 v> (d: gradient at the hidden
 *    pre-activation), from backprop to round-off and against central finite
 *    differences of the loss along each of the three directions;
 *  - averaged over the batch: E g_x - E g_y = W1^T grad_b1 L exactly;
 *  - the rotation x -> R x, W1 -> W1 R^T, W2 -> R W2 maps y to R y, and the
 *    antisymmetric charge E[g x^T] changes by antisym(W1^T dW1 - dW2 W2^T). */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "core/rng.h"
#include "nn/gradcheck.h"
#include "nn/layers.h"

enum { B = 5, D = 4, H = 7 };

typedef struct {
    double W1[H * D], b1[H], W2[D * H], c[B * D];  /* c: loss weights */
} block_t;

static void forward(double *y, double *z, double *h, const double *x, const block_t *k, const double *b1)
{
    nn_linear_forward(z, x, k->W1, b1, B, D, H);
    nn_relu_forward(h, z, (size_t)B * H);
    nn_linear_forward(y, h, k->W2, NULL, B, H, D);
    nn_add(y, y, x, (size_t)B * D);
}

/* Loss L = (1/B) sum_i [ c_i . y_i + |y_i|^2 / 2 ]. */
static double loss(const double *y, const block_t *k, double *gy)
{
    double L = 0;
    for (int i = 0; i < B * D; i++) {
        L += k->c[i] * y[i] + 0.5 * y[i] * y[i];
        if (gy) gy[i] = (k->c[i] + y[i]) / B;
    }
    return L / B;
}

/* The batch loss as a map of x (x_fixed NULL) or of b1 (b1_fixed NULL). */
typedef struct {
    const block_t *k;
    const double *x_fixed, *b1_fixed;
} loss_ctx;

static void loss_map(double *L, const double *arg, void *v)
{
    loss_ctx *c = v;
    double y[B * D], z[B * H], h[B * H];
    forward(y, z, h, c->x_fixed ? c->x_fixed : arg, c->k, c->b1_fixed ? c->b1_fixed : arg);
    L[0] = loss(y, c->k, NULL);
}

static void setup(block_t *k, double *x, double *v)
{
    rng_t r;
    rng_seed(&r, 11, 7);
    for (int i = 0; i < H * D; i++) k->W1[i] = rng_normal(&r) * 0.7;
    for (int i = 0; i < H; i++) k->b1[i] = rng_normal(&r) * 0.3;
    for (int i = 0; i < D * H; i++) k->W2[i] = rng_normal(&r) * 0.5;
    for (int i = 0; i < B * D; i++) k->c[i] = rng_normal(&r);
    for (int i = 0; i < B * D; i++) x[i] = rng_normal(&r);
    for (int i = 0; i < D; i++) v[i] = rng_normal(&r);
}

Test(depth, translation_shifts_the_output)
{
    block_t k;
    double x[B * D], v[D], y[B * D], y2[B * D], z[B * H], h[B * H], xe[B * D], b1e[H];
    setup(&k, x, v);
    double eps = 0.37;
    for (int i = 0; i < B; i++)
        for (int j = 0; j < D; j++) xe[i * D + j] = x[i * D + j] + eps * v[j];
    for (int a = 0; a < H; a++) {
        double s = 0;
        for (int j = 0; j < D; j++) s += k.W1[a * D + j] * v[j];
        b1e[a] = k.b1[a] - eps * s;
    }
    forward(y, z, h, x, &k, k.b1);
    forward(y2, z, h, xe, &k, b1e);
    for (int i = 0; i < B; i++)
        for (int j = 0; j < D; j++)
            cr_assert_float_eq(y2[i * D + j], y[i * D + j] + eps * v[j], 1e-14);
}

Test(depth, per_sample_identity_and_finite_differences)
{
    block_t k;
    double x[B * D], v[D], y[B * D], z[B * H], h[B * H], gy[B * D], dh[B * H], gx[B * D], gb1[H];
    double dW1[H * D], dW2[D * H];
    setup(&k, x, v);
    forward(y, z, h, x, &k, k.b1);
    loss(y, &k, gy);
    nn_linear_backward(dh, dW2, NULL, gy, h, k.W2, B, H, D);
    nn_relu_backward(dh, dh, z, (size_t)B * H);
    nn_linear_backward(gx, dW1, gb1, dh, x, k.W1, B, D, H);
    nn_add(gx, gx, gy, (size_t)B * D);
    double W1v[H];
    for (int a = 0; a < H; a++) {
        W1v[a] = 0;
        for (int j = 0; j < D; j++) W1v[a] += k.W1[a * D + j] * v[j];
    }
    /* per sample, from backprop */
    for (int i = 0; i < B; i++) {
        double lhs = 0, rhs = 0;
        for (int j = 0; j < D; j++) {
            lhs += gx[i * D + j] * v[j];
            rhs += gy[i * D + j] * v[j];
        }
        for (int a = 0; a < H; a++) rhs += dh[i * H + a] * W1v[a];
        cr_assert(fabs(lhs - rhs) <= 1e-15 * (fabs(lhs) + fabs(rhs) + 1e-3),
                  "sample %d: %.17g vs %.17g", i, lhs, rhs);
    }
    /* the directional derivatives along v (in every sample's x) and along
     * W1 v (in b1), by central differences of the batch loss (nn/gradcheck) */
    double an_x = 0, an_y = 0, an_b = 0, vx[B * D], work[GRADCHECK_JVP_WORK(B * D, 1)];
    for (int i = 0; i < B * D; i++) { vx[i] = v[i % D]; an_x += gx[i] * v[i % D]; an_y += gy[i] * v[i % D]; }
    for (int a = 0; a < H; a++) an_b += gb1[a] * W1v[a];
    gradcheck_opts o = {.h = 1e-6, .floor = 1.0};
    gradcheck_result res;
    loss_ctx lx = {&k, NULL, k.b1}, lb = {&k, x, NULL};
    double e = gradcheck_jvp(loss_map, &lx, x, B * D, 1, vx, &an_x, &o, work, &res);
    cr_assert_leq(e, 1e-8, "<g_x, v>: fd %.12g, backprop %.12g", res.numeric, an_x);
    e = gradcheck_jvp(loss_map, &lb, k.b1, H, 1, W1v, &an_b, &o, work, &res);
    cr_assert_leq(e, 1e-8, "<g_b1, W1 v>: fd %.12g, backprop %.12g", res.numeric, an_b);
    /* the batch-averaged identity: E g_x - E g_y = W1^T grad_b1 */
    for (int j = 0; j < D; j++) {
        double Px = 0, Py = 0, Bj = 0;
        for (int i = 0; i < B; i++) { Px += gx[i * D + j]; Py += gy[i * D + j]; }
        for (int a = 0; a < H; a++) Bj += k.W1[a * D + j] * gb1[a];
        cr_assert(fabs(Px - Py - Bj) <= 1e-15 * (fabs(Px) + fabs(Py) + fabs(Bj)),
                  "component %d: %.17g vs %.17g", j, Px - Py, Bj);
    }
    cr_assert(fabs(an_x - an_y - an_b) <= 1e-14, "budget");
    cr_assert(fabs(an_b) > 1e-3, "the budget must be nonzero for the test to mean something");
}

/* Rotation x -> R x, W1 -> W1 R^T, W2 -> R W2 (y -> R y): the averaged charge
 * antisym sum_i g x^T changes across the block by
 * antisym(W1^T dW1 - dW2 W2^T), to round-off; and the output of the rotated
 * block is R y. */
Test(depth, rotation_identity)
{
    block_t k;
    double x[B * D], v[D], y[B * D], z[B * H], h[B * H], gy[B * D], dh[B * H], gx[B * D];
    double dW1[H * D], dW2[D * H], gb1[H];
    setup(&k, x, v);
    forward(y, z, h, x, &k, k.b1);
    loss(y, &k, gy);
    nn_linear_backward(dh, dW2, NULL, gy, h, k.W2, B, H, D);
    nn_relu_backward(dh, dh, z, (size_t)B * H);
    nn_linear_backward(gx, dW1, gb1, dh, x, k.W1, B, D, H);
    nn_add(gx, gx, gy, (size_t)B * D);
    double worst = 0, size = 0;
    for (int j = 0; j < D; j++)
        for (int l = 0; l < D; l++) {
            double Cx = 0, Cy = 0, M = 0;
            for (int i = 0; i < B; i++) {
                Cx += gx[i * D + j] * x[i * D + l] - gx[i * D + l] * x[i * D + j];
                Cy += gy[i * D + j] * y[i * D + l] - gy[i * D + l] * y[i * D + j];
            }
            for (int a = 0; a < H; a++)
                M += k.W1[a * D + j] * dW1[a * D + l] - dW2[j * H + a] * k.W2[l * H + a]
                   - (k.W1[a * D + l] * dW1[a * D + j] - dW2[l * H + a] * k.W2[j * H + a]);
            double r = fabs(0.5 * (Cx - Cy) - 0.5 * M);
            if (r > worst) worst = r;
            if (fabs(M) > size) size = fabs(M);
        }
    cr_assert(size > 1e-2, "the budget must be nonzero (%g)", size);
    cr_assert(worst <= 1e-14, "rotation budget violated by %g", worst);

    /* the symmetry itself: a rotation in the (0, 1) plane by 0.7 rad */
    double c = cos(0.7), s = sin(0.7), Rm[D * D] = { 0 };
    for (int j = 0; j < D; j++) Rm[j * D + j] = 1;
    Rm[0] = c; Rm[1] = -s; Rm[D] = s; Rm[D + 1] = c;
    block_t kr = k;
    double xr[B * D], yr[B * D];
    for (int a = 0; a < H; a++)          /* W1 R^T */
        for (int j = 0; j < D; j++) {
            double t = 0;
            for (int l = 0; l < D; l++) t += k.W1[a * D + l] * Rm[j * D + l];
            kr.W1[a * D + j] = t;
        }
    for (int j = 0; j < D; j++)          /* R W2 */
        for (int a = 0; a < H; a++) {
            double t = 0;
            for (int l = 0; l < D; l++) t += Rm[j * D + l] * k.W2[l * H + a];
            kr.W2[j * H + a] = t;
        }
    for (int i = 0; i < B; i++)
        for (int j = 0; j < D; j++) {
            double t = 0;
            for (int l = 0; l < D; l++) t += Rm[j * D + l] * x[i * D + l];
            xr[i * D + j] = t;
        }
    forward(yr, z, h, xr, &kr, kr.b1);
    for (int i = 0; i < B; i++)
        for (int j = 0; j < D; j++) {
            double t = 0;
            for (int l = 0; l < D; l++) t += Rm[j * D + l] * y[i * D + l];
            cr_assert_float_eq(yr[i * D + j], t, 1e-13);
        }
}
