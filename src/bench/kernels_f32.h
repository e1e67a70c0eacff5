/* kernels_f32.h: the single-precision kernels of the float benchmark path
 * (bench-mlp --dtype f32), kept here because nothing else uses them: the
 * library computes in double.  Each is the float twin of a double kernel:
 *
 *   f32_linear_forward / f32_linear_backward_acc  nn_linear_forward / nn_linear_backward_acc
 *   f32_relu_forward / f32_relu_backward       nn_relu_forward / nn_relu_backward
 *   f32_softmax_xent, f32_count_correct        nn_softmax_xent, nn_count_correct
 *     (these six from the same text as their twins: nn/linear_tmpl.h)
 *   f32_sgd_step                               opt_sgd_step
 *   f32_tern_absmean, f32_tern_quantize        tern_absmean, tern_quantize (BitNet b1.58,
 *                                              Ma et al. 2024, Eqs. 1-3)
 *
 * with the same conventions (row-major, W[out, in], NULL skips an output,
 * linear backward ADDS to dW and db).  tests/bench/test_f32.c holds them to
 * their double twins. */
#ifndef BENCH_KERNELS_F32_H
#define BENCH_KERNELS_F32_H

#include <stddef.h>
#include <stdint.h>

#include "nn/optim.h"
#include "nn/ternary.h"

void   f32_linear_forward(float *out, const float *in, const float *W, const float *b, int B,
                          int in_dim, int out_dim);
/* din = dout W (overwritten);  dW += dout^T in;  db += column sums of dout. */
void   f32_linear_backward_acc(float *din, float *dW, float *db, const float *dout,
                               const float *in, const float *W, int B, int in_dim, int out_dim);
void   f32_relu_forward(float *out, const float *in, size_t n);
void   f32_relu_backward(float *din, const float *dout, const float *in, size_t n);
/* Mean loss (accumulated in double); dlogits = (softmax - onehot)/B if not NULL. */
double f32_softmax_xent(float *dlogits, const float *logits, const int *labels, int B, int C);
int    f32_count_correct(const float *logits, const int *labels, int B, int C);

/* SGD with heavy-ball momentum, PyTorch convention (v <- beta v + g, w <- w - lr v). */
void   f32_sgd_step(float *w, const float *g, float *v, size_t n, float lr, float beta, float wd,
                    opt_wd_mode mode);

/* gamma = mean |W_i|, accumulated in double in a fixed order. */
float  f32_tern_absmean(const float *W, size_t n);
/* Codes T[n] and dequantized Q[n] (either may be NULL) of W[n]; returns d. */
float  f32_tern_quantize(int8_t *T, float *Q, const float *W, size_t n, float eps,
                         tern_eps_mode mode);

#endif
