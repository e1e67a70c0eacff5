/* resnet.h: the residual stream network of chapter 1's "Noether along depth"
 * (Gadzinski 2024, "Where is Noether's principle in machine learning?", whose
 * main example is a residual network read as a process in depth), with its
 * charges and their violation budgets.
 *
 *   x_0 = A u,   x_{t+1} = x_t + W2_t c(relu(W1_t x_t + b1_t)),   yhat = w . x_T,
 *   L = (1/2N) sum_i (yhat_i - y_i)^2,
 *
 * with u in R^in, x_t in R^D (the residual stream), H hidden units per block,
 * T blocks, and no bias on the stream, at the input or at the output.  c is
 * the identity (RESNET_PLAIN) or the centering over the batch
 * (RESNET_CENTERED): c(h)_i = h_i - (1/N) sum_j h_j, so that a block adds to
 * the stream a term whose mean over the data is zero.
 *
 * Charges (derived in chapter 1).  g_t^(i) = dL/dx_t^(i) (times N: the
 * per-sample gradient) is the momentum of the process in depth.  A block is
 * invariant under the translation x -> x + eps v, b1_t -> b1_t - eps W1_t v
 * (its output moves by eps v; the centering does not change this), so the
 * averaged charge P_t = (1/N) sum_i g_t^(i) obeys
 *     P_t - P_{t+1} = W1_t^T grad_{b1_t} L                       (translation)
 * exactly; and under x -> R x, W1_t -> W1_t R^T, W2_t -> R W2_t the charge
 * K_t = antisym (1/N) sum_i g_t^(i) x_t^(i)T obeys
 *     K_t - K_{t+1} = antisym(W1_t^T grad_{W1_t} L - grad_{W2_t} L W2_t^T)   (rotation).
 * A hidden unit a of block t that is active on every input is a bias on the
 * stream: (plain) dL/db1_{t,a} = W2_t[:,a] . P_{t+1} exactly.  With centering
 * and inputs of zero mean, the mean prediction is zero for every parameter
 * value, so P_T = -w mean(y) exactly.
 *
 * Layout: theta = [A (D x in) | per block W1 (H x D), b1 (H), W2 (D x H) | w (D)],
 * row-major, PyTorch layout (layers.h); grad has the same layout.  Activations
 * X[t] (t = 0..T) and G[t] = dL/dX[t] are [N, D]; G's rows are the
 * per-sample gradients divided by N.  Matrix products are layers.h's (CBLAS,
 * one thread): the same call gives the same bytes. */
#ifndef NN_RESNET_H
#define NN_RESNET_H

#include <stddef.h>

#include "core/rng.h"

#define RESNET_MAX_WIDTH 64    /* D */

typedef enum { RESNET_PLAIN = 0, RESNET_CENTERED = 1 } resnet_branch_t;

typedef struct {
    int N, in, D, H, T;
    resnet_branch_t branch;
    size_t np;                         /* parameters */
    double *theta, *grad;              /* [np] */
    double *A, **W1, **b1, **W2, *w;   /* views into theta */
    double *dA, **dW1, **db1, **dW2, *dw;
    double **X, **G;                   /* [T+1][N*D] */
    double **Z, **Hh, **Hc;            /* [T][N*H]: pre-activation, relu, branch input of W2 */
    double *dH, *dX, *out, *dout;
} resnet_t;

/* Allocates a network for batches of N rows (dies on allocation failure, as
 * xcalloc does); parameters zero.  Returns 0, or -1 if a size is < 1 or
 * D > RESNET_MAX_WIDTH. */
int  resnet_create(resnet_t *m, int N, int in, int D, int H, int T, resnet_branch_t branch);
void resnet_free(resnet_t *m);

/* The initialisation of chapter 1: Gaussian, variance 1/fan_in for A, W1 and
 * w; b1 ~ 0.1 N(0,1); W2 with variance 1/(H T), so that the stream does not
 * grow with depth.  Draws A, then per block W1, b1, W2, then w. */
void resnet_init_params(resnet_t *m, rng_t *r);

/* Forward and backward on U [N, in], y [N]: returns L, writes grad, X, G. */
double resnet_loss_grad(resnet_t *m, const double *U, const double *y);

/* P[t*D + k] = sum_i G[t][i,k] (t = 0..T), rows in index order. */
void resnet_charges(const resnet_t *m, double *P);
/* B[t*D + k] = (W1_t^T grad_{b1_t} L)_k (t = 0..T-1): the translation budget. */
void resnet_budget(const resnet_t *m, double *B);
/* Rotation charges K[t] (D x D, t = 0..T) and the sum over blocks of their
 * budgets Rsum (D x D); returns the largest residual of the rotation law,
 * |K_t - K_{t+1} - budget_t|_F relative to sum_i |g_t^(i)|_1 |x_t^(i)|_1 / N
 * (and the same at t+1). */
double resnet_rotation(const resnet_t *m, double *K, double *Rsum);
/* Units of block t active (pre-activation > 0) on every row: writes their
 * count, and returns the largest |dL/db1_{t,a} - W2_t[:,a] . P_{t+1}| over
 * them relative to sum_i |W2_t[:,a] . G[t+1][i]| (0 if there are none).
 * Plain branches only (the identity is not that of the centered block). */
double resnet_always_on(const resnet_t *m, int t, const double *P, int *count);

/* Sharpness: the largest eigenvalue of the Hessian of L at theta by power
 * iteration, Hessian-vector products by central differences of the gradient,
 * Hv ~ (g(theta + h v) - g(theta - h v)) / (2h), |v| = 1.  A ReLU changes
 * its slope where a pre-activation crosses zero, and a difference taken
 * across such a kink measures the jump, not the curvature: when the sign
 * pattern of the pre-activations at theta -+ h v is not that of theta, h is
 * divided by 16 and the product taken again (up to 6 times).  Within one
 * pattern L is a polynomial in theta and the difference is exact to O(h^2).
 * v[np] is the start (any nonzero vector; the previous call's eigenvector
 * makes a good warm start) and returns the last iterate; work:
 * resnet_sharpness_work(m) doubles.  Writes the residual |Hv - lambda v| /
 * |lambda| of the last iterate when res is not NULL.  On return theta is
 * restored bit for bit and grad, X, G are those of theta (recomputed).  Power
 * iteration finds the eigenvalue of largest modulus: near a minimum, the
 * largest. */
size_t resnet_sharpness_work(const resnet_t *m);
double resnet_sharpness(resnet_t *m, const double *U, const double *y, double *v, int iters,
                        double h, double *work, double *res);

#endif
