/* test_depth.c: the block-level Noether identity behind chapter 1's
 * "Noether along depth" (src/experiments/ch1/depth.c), on one residual block
 * y = x + W2 relu(W1 x + b1) built from the nn layer kernels.
 *  - the translation x -> x + eps v, b1 -> b1 - eps W1 v shifts y by eps v;
 *  - per sample, <g_x, v> = <g_y, v> + <d, W1 v> (d: gradient at the hidden
 *    pre-activation), from backprop to round-off and against central finite
 *    differences of the loss along each of the three directions;
 *  - averaged over the batch: E g_x - E g_y = W1^T grad_b1 L exactly. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "core/rng.h"
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
    /* the three directional derivatives by central differences (batch loss) */
    double e = 1e-6, xp[B * D], xm[B * D], bp[H], bm[H], yp[B * D], ym[B * D];
    for (int i = 0; i < B * D; i++) { xp[i] = x[i] + e * v[i % D]; xm[i] = x[i] - e * v[i % D]; }
    forward(yp, z, h, xp, &k, k.b1);
    forward(ym, z, h, xm, &k, k.b1);
    double fd_x = (loss(yp, &k, NULL) - loss(ym, &k, NULL)) / (2 * e);
    for (int a = 0; a < H; a++) { bp[a] = k.b1[a] + e * W1v[a]; bm[a] = k.b1[a] - e * W1v[a]; }
    forward(yp, z, h, x, &k, bp);
    forward(ym, z, h, x, &k, bm);
    double fd_b = (loss(yp, &k, NULL) - loss(ym, &k, NULL)) / (2 * e);
    double an_x = 0, an_y = 0, an_b = 0;
    for (int i = 0; i < B * D; i++) { an_x += gx[i] * v[i % D]; an_y += gy[i] * v[i % D]; }
    for (int a = 0; a < H; a++) an_b += gb1[a] * W1v[a];
    cr_assert_float_eq(fd_x, an_x, 1e-8, "<g_x, v>: fd %.12g, backprop %.12g", fd_x, an_x);
    cr_assert_float_eq(fd_b, an_b, 1e-8, "<g_b1, W1 v>: fd %.12g, backprop %.12g", fd_b, an_b);
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
