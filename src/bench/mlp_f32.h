/* mlp_f32.h: the float twin of the one MLP (nn/mlp.h) for the float
 * benchmark path, restricted to what bench-mlp measures: ReLU, no BatchNorm.
 * Same structure as mlp_t: the spec (mlp_spec_t) and the parameter table
 * (mlp_param_sizes) of nn/mlp.h, parameters, gradients and activations carved
 * from one float allocation, and the verbs forward, zero_grad and backward
 * (which adds to grad).  Not part of the library: the chapters compute in
 * double. */
#ifndef BENCH_MLP_F32_H
#define BENCH_MLP_F32_H

#include <stddef.h>

#include "nn/mlp.h"

typedef struct {
    int depth;
    int dims[MLP_MAX_LAYERS + 1];
    int max_batch;
    size_t n_params;
    float *theta, *grad;                               /* [n_params] each */
    float *W[MLP_MAX_LAYERS], *b[MLP_MAX_LAYERS];      /* views into theta */
    float *dW[MLP_MAX_LAYERS], *db[MLP_MAX_LAYERS];    /* views into grad */
    float *act[MLP_MAX_LAYERS + 1], *pre[MLP_MAX_LAYERS];  /* as in mlp_t; act[0] the batch */
    float *out, *dout, *dact, *dpre;
    float *owned;
} mlpf_t;

/* Allocates and carves; parameters start at zero.  Returns 0, or -1 if the
 * spec is invalid, asks for another activation or BatchNorm, or memory runs out. */
int          mlpf_create(mlpf_t *m, const mlp_spec_t *s);
void         mlpf_free(mlpf_t *m);
/* Forward on the batch in act[0] (B rows); returns out. */
const float *mlpf_forward(mlpf_t *m, int B);
void         mlpf_zero_grad(mlpf_t *m);
/* Adds d loss/d theta to grad given dout[B, dims[L]] (may be m->dout). */
void         mlpf_backward(mlpf_t *m, const float *dout, int B);
/* zero_grad, forward, softmax cross-entropy against y[B], backward; returns
 * the mean loss (accumulated in double). */
double       mlpf_train_batch(mlpf_t *m, const int *y, int B);

#endif
