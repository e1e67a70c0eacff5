/* kernels_f32.c: single-precision twins of the library's double kernels for
 * the float benchmark path (see kernels_f32.h); the double versions in
 * src/nn are the reference.  The linear layer, ReLU and the softmax
 * cross-entropy come from the same text as the double ones
 * (nn/linear_tmpl.h); the SGD step and the ternary quantizer are written
 * here. */
#include "bench/kernels_f32.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

#define LT       float
#define LT_GEMM  cblas_sgemm
#define LT_FN(f) f32_##f
#include "nn/linear_tmpl.h"

void f32_sgd_step(float *w, const float *g, float *v, size_t n, float lr, float beta, float wd,
                  opt_wd_mode mode)
{
    if (wd == 0.0f && beta != 0.0f) {   /* the benchmark's case, one vectorizable loop */
        for (size_t i = 0; i < n; i++) {
            float vi = beta * v[i] + g[i];
            v[i] = vi;
            w[i] -= lr * vi;
        }
        return;
    }
    float shrink = mode == OPT_WD_DECOUPLED ? 1.0f - lr * wd : 1.0f;
    float wdc = mode == OPT_WD_COUPLED ? wd : 0.0f;
    for (size_t i = 0; i < n; i++) {
        float gi = g[i];
        if (wdc != 0.0f)
            gi += wdc * w[i];
        if (shrink != 1.0f)
            w[i] *= shrink;
        if (beta != 0.0f) {
            v[i] = beta * v[i] + gi;
            gi = v[i];
        } else if (v) {
            v[i] = gi;
        }
        w[i] -= lr * gi;
    }
}

/* sum |W_i| in eight interleaved double accumulators, combined pairwise:
 * the order of tern_absmean's double sum. */
static double abs_sum(const float *W, size_t n)
{
    double p[8] = {0};
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int k = 0; k < 8; k++)
            p[k] += fabsf(W[i + k]);
    for (int k = 0; i < n; i++, k++)
        p[k] += fabsf(W[i]);
    return ((p[0] + p[1]) + (p[2] + p[3])) + ((p[4] + p[5]) + (p[6] + p[7]));
}

float f32_tern_absmean(const float *W, size_t n)
{
    return (float)(abs_sum(W, n) / (double)n);
}

/* The smallest float a with a / d > 1/2 (see threshold() in nn/ternary.c):
 * RoundClip(W/d, -1, 1) is sign(W) [|W| >= a], the same bits as dividing. */
static float threshold(float d)
{
    float a = 0.5f * d;
    while (a / d > 0.5f)
        a = nextafterf(a, 0.0f);
    while (!(a / d > 0.5f))
        a = nextafterf(a, INFINITY);
    return a;
}

float f32_tern_quantize(int8_t *T, float *Q, const float *W, size_t n, float eps,
                        tern_eps_mode mode)
{
    double gamma = f32_tern_absmean(W, n);
    double s = mode == TERN_ADD || isnan(gamma) ? gamma + eps : (gamma > eps ? gamma : eps);
    float d = (float)s;
    if (!(d > 0.0f) || !isfinite(d)) {   /* all zeros with eps = 0, NaN, or inf */
        for (size_t i = 0; i < n; i++) {
            if (T)
                T[i] = 0;
            if (Q)
                Q[i] = 0.0f;
        }
        return d;
    }
    float a = threshold(d);
    if (T)
        for (size_t i = 0; i < n; i++)
            T[i] = (int8_t)(fabsf(W[i]) >= a ? (W[i] > 0.0f ? 1 : -1) : 0);
    if (Q)
        for (size_t i = 0; i < n; i++)
            Q[i] = fabsf(W[i]) >= a ? copysignf(d, W[i]) : 0.0f;
    return d;
}
