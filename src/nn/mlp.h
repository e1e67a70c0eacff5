/* mlp.h: a fully connected ReLU network for classification, composed from the
 * layer kernels of layers.h, in double precision.  The learning chapters
 * (symmetry, normalization, ternary) train it on Fashion-MNIST and read its
 * parameters and gradients directly to measure charges.
 *
 *   x -> [Linear (bias?) -> BatchNorm(eps, no affine)? -> ReLU] x (depth-1) -> Linear (bias?) -> softmax-xent
 *
 * All parameters live in one contiguous array `theta` (and their gradients in
 * `grad`, same layout), layer by layer: W[l] is [dims[l+1], dims[l]] row-major
 * (PyTorch layout), followed by b[l] when `bias` is set.  W[l], b[l], dW[l],
 * db[l] point into theta / grad, so an optimizer can step the whole network
 * with one call, and a chapter can read a unit's incoming weights as a row.
 *
 * Initialisation: PyTorch's nn.Linear default (Kaiming-uniform with a = sqrt(5)):
 * W, b ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)), from the given RNG stream. */
#ifndef NN_MLP_H
#define NN_MLP_H

#include <stddef.h>

#include "core/rng.h"

#define MLP_MAX_LAYERS 8

typedef struct {
    int depth;                      /* number of linear layers */
    int dims[MLP_MAX_LAYERS + 1];   /* dims[0] = input, dims[depth] = classes */
    int bias;                       /* linear layers carry biases */
    int batchnorm;                  /* BatchNorm after each hidden linear layer */
    double bn_eps;                  /* may be 0 (exact scale invariance) */
    int max_batch;

    size_t n_params;
    double *theta, *grad;           /* [n_params] */
    double *W[MLP_MAX_LAYERS], *b[MLP_MAX_LAYERS];     /* views into theta (b NULL without bias) */
    double *dW[MLP_MAX_LAYERS], *db[MLP_MAX_LAYERS];   /* views into grad */

    /* workspaces, [max_batch, dims[l]] each; pre[l] is the linear output of
     * layer l, act[l] the input of layer l (act[0] is the data batch;
     * act[depth] points at pre[depth-1], the logits); with BatchNorm, xhat[l]
     * is the normalized pre[l] (the input of the ReLU) */
    double *act[MLP_MAX_LAYERS + 1], *pre[MLP_MAX_LAYERS], *xhat[MLP_MAX_LAYERS];
    double *bn_mean[MLP_MAX_LAYERS], *bn_rstd[MLP_MAX_LAYERS];
    double *dact, *dpre;            /* scratch for backward */
} mlp_t;

/* Allocates and initialises.  Returns 0, or -1 if the shape is invalid. */
int    mlp_init(mlp_t *m, const int *dims, int depth, int bias, int batchnorm,
                double bn_eps, int max_batch, rng_t *rng);
void   mlp_free(mlp_t *m);

/* Forward and backward on a batch x[B, dims[0]], labels y[B]: fills m->grad
 * with the gradient of the mean cross-entropy; returns the mean loss and,
 * if correct is not NULL, the number of correct predictions.  x may be
 * m->act[0] itself (saves a copy when the caller gathers a batch there). */
double mlp_train_batch(mlp_t *m, const double *x, const int *y, int B, int *correct);
/* Forward only (BatchNorm uses the statistics of the batch itself, as in
 * training); returns the summed loss over the batch. */
double mlp_eval_batch(mlp_t *m, const double *x, const int *y, int B, int *correct);

#endif
