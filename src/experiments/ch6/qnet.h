/* qnet.h: the two small networks of chapter 6, with quantized weights, an
 * identity straight-through estimator and full-precision latent weights
 * (BitNet b1.58's BitLinear, Ma et al. 2024; the brief's Net A and Net B).
 * Header-only (static functions), shared by the ch6 programs and the
 * tests/nn law tests; composed from the core's layer kernels (layers.h).
 *
 *   Net A (rmsnorm = 1): x -> RMSNorm -> Q(W1) -> ReLU -> RMSNorm -> Q(W2) -> ReLU
 *                          -> RMSNorm -> Q(W3) -> softmax cross-entropy
 *   Net B (rmsnorm = 0): x -> Q(W1) -> ReLU -> Q(W2) -> softmax cross-entropy
 *
 * No biases; RMSNorm has eps = 0 and no gain, so in Net A every layer but
 * the last is exactly invariant to the scale of its weights, and in Net B
 * each hidden unit can be rescaled (W1 row i times a, W2 column i over a).
 * An all-zero row entering an RMSNorm is mapped to zero (guard; the limit
 * is undefined).
 *
 * One step: qnet_quantize (Q, T from W), qnet_grad (g = dl/dQ at Q, the
 * Q-space gradient), then the caller turns g into a latent update. */
#ifndef CH6_QNET_H
#define CH6_QNET_H

#include <math.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "core/rng.h"
#include "core/util.h"
#include "nn/layers.h"
#include "nn/quantizers.h"

#define QNET_MAX 3

typedef struct {
    int L, rmsnorm, maxB;
    int dims[QNET_MAX + 1];
    quant_spec q[QNET_MAX];
    size_t n[QNET_MAX];                               /* rows * cols of layer l */
    double *W[QNET_MAX], *Q[QNET_MAX], *g[QNET_MAX];  /* latent, dequantized, dl/dQ */
    int8_t *T[QNET_MAX];                              /* codes */
    double *scale[QNET_MAX];                          /* per tensor/row/column scales */
    double *h[QNET_MAX], *a[QNET_MAX], *rstd[QNET_MAX]; /* layer input, normalized input */
    double *z[QNET_MAX];                              /* layer output (pre-activation) */
    double *d1, *d2;                                  /* backward scratch */
    int act_bits;                                     /* 0, or activation bits (Net B) */
} qnet_t;

static inline void qnet_init(qnet_t *m, const int *dims, int L, int rmsnorm, const quant_spec *q, int maxB)
{
    memset(m, 0, sizeof *m);
    m->L = L; m->rmsnorm = rmsnorm; m->maxB = maxB;
    int widest = 0;
    for (int l = 0; l <= L; l++) {
        m->dims[l] = dims[l];
        if (dims[l] > widest) widest = dims[l];
    }
    for (int l = 0; l < L; l++) {
        int in = dims[l], out = dims[l + 1];
        m->q[l] = q[l];
        m->n[l] = (size_t)in * out;
        m->W[l] = xcalloc(m->n[l], sizeof(double));
        m->Q[l] = xcalloc(m->n[l], sizeof(double));
        m->g[l] = xcalloc(m->n[l], sizeof(double));
        m->T[l] = xcalloc(m->n[l], 1);
        m->scale[l] = xcalloc((size_t)(in > out ? in : out), sizeof(double));
        m->h[l] = xcalloc((size_t)maxB * in, sizeof(double));
        m->a[l] = rmsnorm ? xcalloc((size_t)maxB * in, sizeof(double)) : m->h[l];
        m->rstd[l] = xcalloc((size_t)maxB, sizeof(double));
        m->z[l] = xcalloc((size_t)maxB * out, sizeof(double));
    }
    m->d1 = xcalloc((size_t)maxB * widest, sizeof(double));
    m->d2 = xcalloc((size_t)maxB * widest, sizeof(double));
}

static inline void qnet_free(qnet_t *m)
{
    for (int l = 0; l < m->L; l++) {
        free(m->W[l]); free(m->Q[l]); free(m->g[l]); free(m->T[l]); free(m->scale[l]);
        if (m->a[l] != m->h[l]) free(m->a[l]);
        free(m->h[l]); free(m->rstd[l]); free(m->z[l]);
    }
    free(m->d1); free(m->d2);
}

/* Activation quantization as BitNet b1.58's BitLinear does it (per-token
 * absmax, Ma et al. 2024 FAQ): a = rint(h s) / s, s = (2^(bits-1) - 1) /
 * max(max_j |h_j|, 1e-5), applied to the input of every layer but the first,
 * with the identity STE (the backward pass treats it as the identity).  For
 * Net B only (no RMSNorm); call after qnet_init. */
static inline void qnet_set_act_bits(qnet_t *m, int bits)
{
    m->act_bits = bits;
    for (int l = 1; l < m->L; l++)
        if (bits > 0 && m->a[l] == m->h[l])
            m->a[l] = xcalloc((size_t)m->maxB * m->dims[l], sizeof(double));
}

static inline void act_quant(double *a, const double *h, int B, int C, int bits)
{
    double qb = (double)((1 << (bits - 1)) - 1);
    for (int r = 0; r < B; r++) {
        const double *x = h + (size_t)r * C;
        double mx = 0.0;
        for (int c = 0; c < C; c++)
            if (fabs(x[c]) > mx) mx = fabs(x[c]);
        double s = qb / (mx > 1e-5 ? mx : 1e-5);
        for (int c = 0; c < C; c++) a[(size_t)r * C + c] = nearbyint(x[c] * s) / s;
    }
}

/* W[l] ~ U(-sigma/sqrt(fan_in), sigma/sqrt(fan_in)) (PyTorch's default for
 * sigma = 1), one RNG stream for all layers in order. */
static inline void qnet_init_weights(qnet_t *m, rng_t *r, double sigma)
{
    for (int l = 0; l < m->L; l++) {
        double b = sigma / sqrt((double)m->dims[l]);
        for (size_t k = 0; k < m->n[l]; k++) m->W[l][k] = b * (2.0 * rng_uniform(r) - 1.0);
    }
}

static inline void qnet_quantize(qnet_t *m)
{
    for (int l = 0; l < m->L; l++)
        quant_apply(&m->q[l], m->Q[l], m->T[l], m->scale[l], m->W[l], m->dims[l + 1], m->dims[l]);
}

static inline void rms_guarded(double *a, double *rstd, const double *h, int B, int C)
{
    nn_rmsnorm_forward(a, a, rstd, h, NULL, B, C, 0.0);
    for (int r = 0; r < B; r++)
        if (!isfinite(rstd[r])) {
            rstd[r] = 0.0;
            memset(a + (size_t)r * C, 0, (size_t)C * sizeof(double));
        }
}

/* excerpt: qnet_forward */
/* Forward pass with the dequantized weights Q (call qnet_quantize first);
 * returns the logits, z[L-1], [B, classes]. */
static inline const double *qnet_forward(qnet_t *m, const double *x, int B)
{
    for (int l = 0; l < m->L; l++) {
        int in = m->dims[l], out = m->dims[l + 1];
        const double *h = l == 0 ? x : m->h[l];
        if (l == 0 && !m->rmsnorm) memcpy(m->h[0], x, (size_t)B * in * sizeof(double));
        if (m->rmsnorm) rms_guarded(m->a[l], m->rstd[l], h, B, in);
        else if (m->act_bits > 0 && l > 0) act_quant(m->a[l], h, B, in, m->act_bits);
        nn_linear_forward(m->z[l], m->a[l], m->Q[l], NULL, B, in, out);
        if (l + 1 < m->L) nn_relu_forward(m->h[l + 1], m->z[l], (size_t)B * out);
    }
    return m->z[m->L - 1];
}

/* Forward and backward: g[l] = dl/dQ[l] at the current Q (the Q-space
 * gradient the identity STE hands to the latent weights); returns the mean
 * loss, and the number correct if correct is not NULL. */
static inline double qnet_grad(qnet_t *m, const double *x, const int *y, int B, int *correct)
{
    int L = m->L, C = m->dims[L];
    const double *logits = qnet_forward(m, x, B);
    if (correct) *correct = nn_count_correct(logits, y, B, C);
    double loss = nn_softmax_xent(m->d1, logits, y, B, C);
    for (int l = L - 1; l >= 0; l--) {
        int in = m->dims[l], out = m->dims[l + 1];
        double *dz = m->d1, *da = m->d2;
        nn_linear_backward(l > 0 ? da : NULL, m->g[l], NULL, dz, m->a[l], m->Q[l], B, in, out);
        if (l == 0) break;
        if (m->rmsnorm) {   /* da -> dh, in place in d1 */
            nn_rmsnorm_backward(m->d1, NULL, da, m->a[l], m->rstd[l], NULL, B, in);
            nn_relu_backward(m->d1, m->d1, m->z[l - 1], (size_t)B * in);
        } else {
            nn_relu_backward(m->d1, da, m->z[l - 1], (size_t)B * in);
        }
    }
    return loss;
}
/* end excerpt */

/* Accuracy and mean loss on n examples, in batches of maxB. */
static inline double qnet_evaluate(qnet_t *m, const double *x, const int *y, int n, double *loss_out)
{
    int C = m->dims[m->L], correct = 0;
    double loss = 0.0;
    for (int s = 0; s < n; s += m->maxB) {
        int B = n - s < m->maxB ? n - s : m->maxB;
        const double *z = qnet_forward(m, x + (size_t)s * m->dims[0], B);
        correct += nn_count_correct(z, y + s, B, C);
        loss += B * nn_softmax_xent(NULL, z, y + s, B, C);
    }
    if (loss_out) *loss_out = loss / n;
    return (double)correct / n;
}

/* Minibatches without replacement from a seeded shuffle of n examples. */
typedef struct {
    const double *x;
    const int *y;
    int n, d, pos;
    size_t *perm;
    rng_t r;
} qnet_batcher;

static inline void batcher_init(qnet_batcher *b, const double *x, const int *y, int n, int d,
                                uint64_t seed, uint64_t stream)
{
    b->x = x; b->y = y; b->n = n; b->d = d; b->pos = 0;
    b->perm = xmalloc((size_t)n * sizeof *b->perm);
    for (int i = 0; i < n; i++) b->perm[i] = (size_t)i;
    rng_seed(&b->r, seed, stream);
    rng_shuffle(&b->r, b->perm, (size_t)n);
}

static inline void batcher_next(qnet_batcher *b, double *xb, int *yb, int B)
{
    for (int k = 0; k < B; k++) {
        if (b->pos == b->n) { rng_shuffle(&b->r, b->perm, (size_t)b->n); b->pos = 0; }
        size_t i = b->perm[b->pos++];
        memcpy(xb + (size_t)k * b->d, b->x + i * b->d, (size_t)b->d * sizeof(double));
        yb[k] = b->y[i];
    }
}

/* Small helpers on flat arrays (index order, so reproducible). */
static inline double dot(const double *a, const double *b, size_t n)
{
    double s = 0.0;
    for (size_t k = 0; k < n; k++) s += a[k] * b[k];
    return s;
}

/* <R, g> = <W - Q, g> */
static inline double dot_resid(const double *W, const double *Q, const double *g, size_t n)
{
    double s = 0.0;
    for (size_t k = 0; k < n; k++) s += (W[k] - Q[k]) * g[k];
    return s;
}

#endif
