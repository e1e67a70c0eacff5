/* lnn.h: the Lagrangian neural network of Cranmer et al. 2020 for a
 * 2-degree-of-freedom system with state x = (q1, q2, qdot1, qdot2):
 *     L_theta(q, qdot) = NN(phi(q, qdot)) + (kappa/2) |qdot|^2,
 * phi = (wrap q, qdot/vscale) [LNN_FEAT_WRAP], (q, qdot/vscale) [LNN_FEAT_RAW]
 * or (cos q1, sin q1, cos q2, sin q2, qdot/vscale) [LNN_FEAT_TRIG], NN a
 * softplus MLP (the engine of hvp.h), and the Euler-Lagrange acceleration
 * (Cranmer et al. 2020, eq. 6)
 *     qddot = M^{-1} [ grad_q L - C qdot ],
 *     M = d2L/dqdot dqdot^T,  C_ij = d2L/dqdot_i dq_j,
 * M symmetrised as (M + M^T)/2 before the 2x2 solve.  The engine's two
 * tangents are the two qdot directions, so M and C both come from two
 * Hessian-vector products, and the loss gradient is exact.  The energy
 * E_theta = qdot . grad_qdot L - L is conserved along the exact flow of the
 * learned dynamics.
 *
 * Special cases: a sample whose |det M| <= det_tol (|M11 M22| + |M12 M21|)
 * is "singular": its acceleration is set to NaN, it contributes nothing to
 * the loss or the gradient, and it is counted (lnn_t.n_singular).
 *
 * Buffers are allocated once by lnn_init (sized for max_batch); nothing
 * allocates afterwards. */
#ifndef NN_LNN_H
#define NN_LNN_H

#include <stddef.h>

#include "nn/hvp.h"

typedef enum { LNN_FEAT_RAW = 0, LNN_FEAT_WRAP = 1, LNN_FEAT_TRIG = 2 } lnn_feat;
typedef enum { LNN_LOSS_L1 = 0, LNN_LOSS_MSE = 1 } lnn_loss;

typedef struct {
    hvp_net_t net;                    /* d0 -> width x depth -> 1, softplus, ntan = 2 */
    lnn_feat feat;
    double vscale;                    /* qdot enters the MLP as qdot / vscale */
    double kappa;                     /* + (kappa/2)|qdot|^2 (0: plain MLP Lagrangian) */
    double det_tol;                   /* singular-M guard, relative (default 1e-12) */
    long n_singular;                  /* singular samples met so far (all calls) */
    /* per-batch scratch, [max_batch] rows */
    double *M, *C, *gq, *qdd;         /* [B,4] [B,4] [B,2] [B,2] */
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
