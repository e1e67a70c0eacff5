/* mlp.h: the one fully connected network of the companion, in double
 * precision, composed from the layer kernels of layers.h.  Every chapter's
 * straight-line MLP is this one: the Fashion-MNIST classifiers of chapters 2,
 * 3 and 6 (ReLU, optional BatchNorm), the black-box field baselines of
 * chapter 4 (ReLU or tanh, Cranmer et al. 2020 and Greydanus et al. 2019),
 * the step predictor tailored by a Noether loss and the sequence model of the
 * Newton scheme in chapter 5 (tanh).
 *
 *   x -> [Linear (bias?) -> BatchNorm(eps, no affine)? -> act] x (L-1) -> Linear (out_bias?)
 *
 * act is ReLU, tanh or softplus.  What it deliberately is not: a loss (the
 * losses live in layers.h: nn_softmax_xent, nn_regression_loss), an
 * optimizer (optim.h), or a second-derivative engine (lnn.h).
 *
 * Layout (as llm.c does it).  The parameter tensors W[0] b[0] W[1] b[1] ...
 * have sizes given by a table (mlp_param_sizes; an absent bias has size 0)
 * and are carved, in that order, from one array theta[n_params]; grad has the
 * same layout.  W[l] is [dims[l+1], dims[l]] row-major (PyTorch layout).  The
 * activations are carved the same way from one workspace, from a second
 * table.  An optimizer steps the whole network with one call; a chapter reads
 * a unit's incoming weights as a row of W[l].
 *
 * Verbs: mlp_forward, mlp_zero_grad, mlp_backward (which ACCUMULATES into
 * grad, so gradients over several passes, e.g. the time steps of a rollout,
 * add up), and the initialisers.  mlp_train_batch / mlp_eval_batch compose
 * them with softmax cross-entropy for the classifiers, mlp_regress_batch
 * with an L1 or MSE loss for the regression networks.
 *
 * Floating-point order: the operations are those of the layer kernels in a
 * fixed order (one GEMM per product, OpenBLAS with one thread), so the same
 * call gives the same bytes. */
#ifndef NN_MLP_H
#define NN_MLP_H

#include <stddef.h>

#include "core/rng.h"
#include "nn/layers.h"

#define MLP_MAX_LAYERS 8

typedef enum { MLP_RELU = 0, MLP_TANH = 1, MLP_SOFTPLUS = 2 } mlp_act_t;

/* The shape of a network. */
typedef struct {
    int depth;                      /* linear layers L, 1..MLP_MAX_LAYERS */
    int dims[MLP_MAX_LAYERS + 1];   /* dims[0] = inputs, dims[L] = outputs */
    mlp_act_t act;                  /* hidden activation */
    int bias;                       /* hidden linear layers carry biases */
    int out_bias;                   /* the last linear layer carries a bias */
    int batchnorm;                  /* BatchNorm after each hidden linear layer */
    double bn_eps;                  /* may be 0 (exact scale invariance) */
    int max_batch;                  /* rows a workspace holds */
} mlp_spec_t;

typedef struct {
    /* the spec, copied */
    int depth;
    int dims[MLP_MAX_LAYERS + 1];
    mlp_act_t act_fn;
    int bias, out_bias, batchnorm, max_batch;
    double bn_eps;

    size_t n_params;
    double *theta, *grad;           /* [n_params] each */
    double *W[MLP_MAX_LAYERS], *b[MLP_MAX_LAYERS];     /* views into theta (b NULL without bias) */
    double *dW[MLP_MAX_LAYERS], *db[MLP_MAX_LAYERS];   /* views into grad (NULL without grad) */

    /* activations, [max_batch, dims[l]] each: act[l] is the input of layer l
     * (act[0] the data batch), pre[l] its linear output; act[depth] and out
     * point at pre[depth-1], the network's output.  With BatchNorm, xhat[l] is
     * the normalized pre[l], the input of the activation. */
    double *act[MLP_MAX_LAYERS + 1], *pre[MLP_MAX_LAYERS], *xhat[MLP_MAX_LAYERS];
    double *bn_mean[MLP_MAX_LAYERS], *bn_rstd[MLP_MAX_LAYERS];   /* [dims[l+1]] */
    double *out;                    /* = pre[depth-1], [max_batch, dims[depth]] */
    double *dout;                   /* [max_batch, dims[depth]]: where a loss may write d loss/d out */
    double *dact, *dpre;            /* backward scratch, [max_batch, widest] */

    double *owned;                  /* the one allocation of mlp_create, or NULL */
} mlp_t;

/* The parameter table: sizes[2l] = |W[l]|, sizes[2l+1] = |b[l]| (0 without
 * bias), for l < depth.  Returns n_params, or 0 if the spec is invalid
 * (depth out of range, a dimension < 1, max_batch < 1, bn_eps < 0). */
size_t mlp_param_sizes(const mlp_spec_t *s, size_t sizes[2 * MLP_MAX_LAYERS]);
/* Doubles of workspace mlp_attach needs (0 if the spec is invalid). */
size_t mlp_work_size(const mlp_spec_t *s);

/* Allocates theta, grad and the workspace as one block and carves them.
 * Parameters start at zero (see the initialisers).  Returns 0, or -1 if the
 * spec is invalid or memory runs out (then m is zeroed and owns nothing). */
int    mlp_create(mlp_t *m, const mlp_spec_t *s);
/* Carves views into caller-owned memory: theta[n_params], grad[n_params]
 * (may be NULL: forward only), work[mlp_work_size(s)] (may be NULL: the
 * parameter views only, e.g. to initialise).  Nothing is allocated and
 * mlp_free frees nothing.  Returns 0, or -1 if the spec is invalid. */
int    mlp_attach(mlp_t *m, const mlp_spec_t *s, double *theta, double *grad, double *work);
void   mlp_free(mlp_t *m);

/* PyTorch's nn.Linear default (Kaiming-uniform with a = sqrt(5)): for each
 * layer in order, W then b ~ U(-k, k), k = 1/sqrt(fan_in), drawn as
 * k * (2 u - 1) from the given stream. */
void   mlp_init_uniform(mlp_t *m, rng_t *rng);

/* out[B, dims[L]] = the network at x[B, dims[0]], B <= max_batch; returns
 * m->out.  BatchNorm uses the statistics of this batch (training mode).  x
 * may be m->act[0] itself (saves a copy when the caller gathers a batch there). */
const double *mlp_forward(mlp_t *m, const double *x, int B);
/* grad = 0. */
void   mlp_zero_grad(mlp_t *m);
/* Backward through the last mlp_forward (same B): given dout[B, dims[L]] =
 * d loss/d out (may be m->dout), ADDS d loss/d theta to grad and, when dx is
 * not NULL, writes d loss/d x into dx[B, dims[0]]. */
void   mlp_backward(mlp_t *m, const double *dout, int B, double *dx);

/* The classifier of chapters 2, 3 and 6 in one call: mlp_create with ReLU,
 * `bias` on every layer (out_bias = bias), then mlp_init_uniform.  Returns 0
 * or -1 as mlp_create. */
int    mlp_init(mlp_t *m, const int *dims, int depth, int bias, int batchnorm,
                double bn_eps, int max_batch, rng_t *rng);
/* zero_grad, forward, mean softmax cross-entropy against labels y[B],
 * backward: grad holds the gradient of the mean loss; returns the mean loss
 * and, if correct is not NULL, the number of correct predictions. */
double mlp_train_batch(mlp_t *m, const double *x, const int *y, int B, int *correct);
/* Forward only; returns the summed cross-entropy over the batch. */
double mlp_eval_batch(mlp_t *m, const double *x, const int *y, int B, int *correct);

/* The regression baselines (chapters 4 and 5): forward, then
 * nn_regression_loss of out against y[B, dims[L]] (kind, per_sample as
 * there); with want_grad, also zero_grad and backward, so grad holds the
 * loss's gradient.  Returns the loss. */
double mlp_regress_batch(mlp_t *m, const double *x, const double *y, int B, nn_loss_kind kind,
                         int per_sample, int want_grad);

#endif
