/* qnet.h: the two small networks of chapter 6, with quantized weights, an
 * identity straight-through estimator and full-precision latent weights
 * (BitNet b1.58's BitLinear, Ma et al. 2024), composed from the layer
 * kernels of layers.h and the quantizers of quantizers.h.
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
#ifndef NN_QNET_H
#define NN_QNET_H

#include <stddef.h>
#include <stdint.h>

#include "core/rng.h"
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

/* dims[0..L], 1 <= L <= QNET_MAX; q[l] the quantizer of layer l; buffers for
 * maxB rows.  Weights start at zero.  Returns 0, or -1 (bad shape, no memory;
 * then nothing is held). */
int    qnet_init(qnet_t *m, const int *dims, int L, int rmsnorm, const quant_spec *q, int maxB);
void   qnet_free(qnet_t *m);

/* Activation quantization as BitNet b1.58's BitLinear does it (per-token
 * absmax, Ma et al. 2024 FAQ): a = rint(h s) / s, s = (2^(bits-1) - 1) /
 * max(max_j |h_j|, 1e-5), applied to the input of every layer but the first,
 * with the identity STE (the backward pass treats it as the identity).  For
 * Net B only (no RMSNorm); call after qnet_init.  Returns 0 or -1 (no memory). */
int    qnet_set_act_bits(qnet_t *m, int bits);

/* W[l] ~ U(-sigma/sqrt(fan_in), sigma/sqrt(fan_in)) (PyTorch's default for
 * sigma = 1), one RNG stream for all layers in order. */
void   qnet_init_weights(qnet_t *m, rng_t *r, double sigma);
/* Q[l], T[l], scale[l] from W[l] by each layer's quantizer. */
void   qnet_quantize(qnet_t *m);
/* Forward pass with the dequantized weights Q (call qnet_quantize first);
 * returns the logits, z[L-1], [B, classes]. */
const double *qnet_forward(qnet_t *m, const double *x, int B);
/* Forward and backward: g[l] = dl/dQ[l] at the current Q (the Q-space
 * gradient the identity STE hands to the latent weights); returns the mean
 * loss, and the number correct if correct is not NULL. */
double qnet_grad(qnet_t *m, const double *x, const int *y, int B, int *correct);
/* Accuracy and mean loss (*loss_out, may be NULL) on n examples, in batches of maxB. */
double qnet_evaluate(qnet_t *m, const double *x, const int *y, int n, double *loss_out);

/* The charges' inner products, summed in index order: <a, b>, and
 * <R, g> = <W - Q, g> (the residual term of the quantized laws). */
double qnet_dot(const double *a, const double *b, size_t n);
double qnet_dot_resid(const double *W, const double *Q, const double *g, size_t n);

#endif
