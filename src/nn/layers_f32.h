/* layers_f32.h: single-precision versions of the layers the MLP benchmark
 * needs (bench-mlp --dtype f32): linear through cblas_sgemm, ReLU, softmax
 * cross-entropy.  Same conventions as layers.h (row-major, W[out, in],
 * backward functions overwrite their outputs, NULL skips an output).  The
 * laws are tested in double; these kernels are tested against the double
 * ones in tests/nn/test_layers.c. */
#ifndef NN_LAYERS_F32_H
#define NN_LAYERS_F32_H

#include <stddef.h>

void nn_linear_forward_f32(float *out, const float *in, const float *W, const float *b,
                           int B, int in_dim, int out_dim);
void nn_linear_backward_f32(float *din, float *dW, float *db, const float *dout,
                            const float *in, const float *W, int B, int in_dim, int out_dim);
void nn_relu_forward_f32(float *out, const float *in, size_t n);
void nn_relu_backward_f32(float *din, const float *dout, const float *in, size_t n);
/* Mean loss (accumulated in double); dlogits = (softmax - onehot)/B if not NULL. */
double nn_softmax_xent_f32(float *dlogits, const float *logits, const int *labels, int B, int C);
int nn_count_correct_f32(const float *logits, const int *labels, int B, int C);

#endif
