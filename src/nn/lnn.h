/* lnn.h: Lagrangian neural networks (Cranmer et al. 2020) with exact second
 * derivatives, batched so that nearly all the work is in DGEMMs.
 *
 * Two layers of API.
 *
 * 1. lnn_net_t: a scalar MLP  L(u) = w . s(W_D ... s(W_1 u + b_1) ... + b_D) + c
 *    (s = softplus or tanh) together with, for a batch of inputs u, its input
 *    gradient  ga = grad_u L  and ntan Hessian-vector products  hvp_k = (d2L/du2) t_k
 *    for caller-given input tangents t_k (forward-over-reverse mode), and the
 *    reverse sweep over all of that: given the adjoints of ga and hvp_k (the
 *    derivative of a loss with respect to them), the exact gradient of the
 *    loss with respect to every weight.  The third derivative of the
 *    activation enters there.
 *
 *    Method.  Rows of a batch matrix are samples; the value and the ntan
 *    tangent streams are stacked as (1 + ntan) B rows, so each layer costs
 *    five GEMMs: forward  Z = A W^T,  reverse  Abar = Zbar W,  the adjoint of
 *    the reverse  Zbar^ = Abar^ W^T,  the adjoint of the forward  A^ = Z^ W,
 *    and one weight-gradient GEMM  W^ = P^T Q  over all 2 (1 + ntan) B rows,
 *    whose operands are laid out contiguously for that purpose.  For a hidden
 *    layer of width H that is 18 B H^2 multiply-adds at ntan = 2.
 *    HNN (Greydanus et al. 2019) uses the same engine with ntan = 0.
 *
 * 2. lnn_t: the Lagrangian network of a 2-degree-of-freedom system with
 *    state x = (q1, q2, qdot1, qdot2):
 *        L_theta(q, qdot) = NN(phi(q, qdot)) + (kappa/2) |qdot|^2,
 *    phi = (wrap q, qdot/vscale) [LNN_FEAT_WRAP], (q, qdot/vscale) [LNN_FEAT_RAW]
 *    or (cos q1, sin q1, cos q2, sin q2, qdot/vscale) [LNN_FEAT_TRIG], and the
 *    Euler-Lagrange acceleration (Cranmer et al. 2020, eq. 6)
 *        qddot = M^{-1} [ grad_q L - C qdot ],
 *        M = d2L/dqdot dqdot^T,  C_ij = d2L/dqdot_i dq_j,
 *    M symmetrised as (M + M^T)/2 before the 2x2 solve.  The tangents are the
 *    two qdot directions, so M and C both come from two Hessian-vector
 *    products.  Its energy  E_theta = qdot . grad_qdot L - L  is conserved
 *    along the exact flow of the learned dynamics.
 *
 * Special cases: a sample whose |det M| <= det_tol (|M11 M22| + |M12 M21|)
 * is "singular": its acceleration is set to NaN, it contributes nothing to
 * the loss or the gradient, and it is counted (lnn_t.n_singular).
 *
 * Buffers are allocated once by the _init functions (sized for max_batch);
 * nothing allocates afterwards. */
#ifndef NN_LNN_H
#define NN_LNN_H

#include <stddef.h>

#include "core/rng.h"

#define LNN_MAX_DEPTH 6
#define LNN_MAX_TAN 2

typedef enum { LNN_SOFTPLUS = 0, LNN_TANH = 1 } lnn_act;
typedef enum { LNN_INIT_CRANMER = 0, LNN_INIT_ORTHO = 1, LNN_INIT_GLOROT = 2 } lnn_init_scheme;

typedef struct {
    int depth;                        /* hidden layers D */
    int dims[LNN_MAX_DEPTH + 1];      /* dims[0] = inputs, dims[1..D] = widths */
    lnn_act act;
    int ntan, max_batch;

    size_t n_params;                  /* W_l, b_l for l = 1..D, then w, c */
    double *theta, *grad;
    double *W[LNN_MAX_DEPTH + 1], *b[LNN_MAX_DEPTH + 1], *w, *c;     /* views (index 1..D) */
    double *dW[LNN_MAX_DEPTH + 1], *db[LNN_MAX_DEPTH + 1], *dw, *dc;

    /* workspaces (index 1..D unless noted); S = 1 + ntan streams */
    double *Zf[LNN_MAX_DEPTH + 1];    /* [S B, dims[l]]   pre-activations: value, tangents */
    double *d1[LNN_MAX_DEPTH + 1], *d2[LNN_MAX_DEPTH + 1], *d3[LNN_MAX_DEPTH + 1]; /* [B, dims[l]] s', s'', s''' */
    double *Q[LNN_MAX_DEPTH + 1];     /* [2 S B, dims[l-1]]  (a_{l-1}, t_{l-1}) then their reverse adjoints */
    double *P[LNN_MAX_DEPTH + 1];     /* [2 S B, dims[l]]    adjoints of Zf, then (zbar, zbar-dot) */
    double *R[LNN_MAX_DEPTH + 1];     /* index 0..D-1: [S B, dims[l]] (abar_l, abar-dot_l); R[0] = (ga, hvp) */
    double *T;                        /* scratch [S B, max width] */
    double *value;                    /* [B] L(u), filled when asked */
} lnn_net_t;

/* Allocates; dims[0..depth] as above.  Returns 0, or -1 on a bad shape. */
int  lnn_net_init(lnn_net_t *n, const int *dims, int depth, lnn_act act, int ntan, int max_batch);
void lnn_net_free(lnn_net_t *n);
/* Weights: LNN_INIT_CRANMER (Cranmer et al. 2020, custom_init: N(0, sigma^2),
 * sigma = k / sqrt(max(fan_in, fan_out)), k = 2.2 for the first layer, 0.58 i
 * for hidden layer i, max(fan_in, fan_out) for the output); LNN_INIT_ORTHO
 * (orthogonal rows/columns, as PyTorch's orthogonal_, HNN code);
 * LNN_INIT_GLOROT (normal, sigma^2 = 2/(fan_in + fan_out)).  Biases zero. */
void lnn_net_init_weights(lnn_net_t *n, lnn_init_scheme scheme, rng_t *rng);
/* One weight matrix W[rows, cols] (rows = fan_out) drawn as LNN_INIT_GLOROT
 * or LNN_INIT_ORTHO above (shared with hnn.c's baseline MLP). */
void lnn_random_matrix(double *W, int rows, int cols, lnn_init_scheme scheme, rng_t *rng);

/* Forward-over-reverse on a batch of B inputs u[B, dims[0]] and tangents
 * t[ntan][B, dims[0]] (t[k*B*dims[0] + ...]).  Results: ga = R[0][0 .. B*d0),
 * hvp_k = R[0][(k+1)*B*d0 ...].  want_value: also fill n->value[B]. */
void lnn_net_forward(lnn_net_t *n, int B, const double *u, const double *t, int want_value);
/* Reverse sweep after lnn_net_forward on the same batch: given the adjoints
 * ga_bar[B, d0] and hvp_bar[ntan][B, d0], OVERWRITE n->grad with the gradient
 * of the loss with respect to theta (the value L itself must not enter the
 * loss; dc = 0). */
void lnn_net_backward(lnn_net_t *n, int B, const double *ga_bar, const double *hvp_bar);
/* Multiply-add count x 2 of the GEMMs of one forward + backward at batch B. */
double lnn_net_gemm_flops(const lnn_net_t *n, int B);

/* ------------------------------------------------------------------ LNN */

typedef enum { LNN_FEAT_RAW = 0, LNN_FEAT_WRAP = 1, LNN_FEAT_TRIG = 2 } lnn_feat;
typedef enum { LNN_LOSS_L1 = 0, LNN_LOSS_MSE = 1 } lnn_loss;

typedef struct {
    lnn_net_t net;
    lnn_feat feat;
    double vscale;                    /* qdot enters the MLP as qdot / vscale */
    double kappa;                     /* + (kappa/2)|qdot|^2 (0: plain MLP Lagrangian) */
    double det_tol;                   /* singular-M guard, relative (default 1e-12) */
    long n_singular;                  /* singular samples met so far (all calls) */
    /* per-batch scratch, [max_batch] rows */
    double *u, *t, *ga_bar, *hvp_bar; /* feature-space inputs and adjoints */
    double *M, *C, *gq, *qdd, *r;     /* [B,4] [B,4] [B,2] [B,2] [B,2] */
    unsigned char *ok;                /* [B] 1 if the solve was regular */
} lnn_t;

/* The MLP is d0 -> width x depth -> 1 with softplus, d0 = 4 (RAW, WRAP) or 6 (TRIG). */
int  lnn_init(lnn_t *m, lnn_feat feat, double vscale, double kappa, int width, int depth,
              int max_batch);
void lnn_free(lnn_t *m);
int  lnn_input_dim(lnn_feat feat);

/* The guarded 2x2 solve of Cranmer et al. 2020, eq. 6, for one state:
 * qdd = M^{-1} (gq - C qdot).  Returns 0, or -1 (qdd untouched) when
 * |det M| <= det_tol (|M11 M22| + |M12 M21|). */
int  lnn_solve2(double qdd[2], const double qdot[2], const double gq[2], const double M[4],
                const double C[4], double det_tol);

/* Accelerations of B states x[B,4] into qdd[B,2] (NaN where singular).
 * Returns the number of singular samples in this batch. */
int  lnn_accel(lnn_t *m, int B, const double *x, double *qdd);
/* Per-sample loss (L1: sum_i |e_i|, MSE: sum_i e_i^2, e = qdd - target),
 * averaged over the regular samples of the batch; fills m->net.grad with its
 * exact gradient.  Singular samples are skipped and counted; *n_skip (may be
 * NULL) receives their number in this batch.  Returns NaN if all are singular. */
double lnn_loss_grad(lnn_t *m, int B, const double *x, const double *target, lnn_loss kind,
                     int *n_skip);
/* Same loss without the gradient (evaluation), summed (not averaged) over
 * regular samples; *n_skip receives the singular count. */
double lnn_loss_sum(lnn_t *m, int B, const double *x, const double *target, lnn_loss kind,
                    int *n_skip);
/* L_theta and E_theta = qdot . grad_qdot L_theta - L_theta at B states. */
void lnn_energy(lnn_t *m, int B, const double *x, double *L, double *E);

#endif
