/* lnn1.h: the Lagrangian neural network of Cranmer et al. 2020 for one
 * degree of freedom, state x = (q, v), v = qdot:
 *     L_theta(q, v) = NN(q, v) + (kappa/2) v^2,
 * NN a softplus MLP 2 -> width x depth -> 1 (the engine of hvp.h with one
 * tangent, the direction of v), and the Euler-Lagrange acceleration
 * (Cranmer et al. 2020, eq. 6, in one dimension)
 *     vdot = (dL/dq - (d2L/dv dq) v) / (d2L/dv2).
 * One Hessian-vector product along (0, 1) gives both second derivatives, and
 * the loss gradient is exact.  E_theta = v dL/dv - L is conserved by the
 * exact flow of the learned dynamics.  (lnn.h is the two-degree-of-freedom
 * version used for the double pendulum.) */
#ifndef NN_LNN1_H
#define NN_LNN1_H

#include "nn/hvp.h"

typedef struct {
    hvp_net_t net;       /* 2 -> width x depth -> 1, softplus, ntan = 1 */
    double kappa;        /* + (kappa/2) v^2 */
    double *acc;         /* [max_batch] scratch */
} lnn1_t;

int    lnn1_init(lnn1_t *m, int width, int depth, double kappa, int max_batch);
void   lnn1_free(lnn1_t *m);
/* vdot of B states x[B,2] into a[B] */
void   lnn1_accel(lnn1_t *m, int B, const double *x, double *a);
/* Mean over the batch of (vdot - target)^2; fills m->net.grad with its exact
 * gradient; returns the loss. */
double lnn1_loss_grad(lnn1_t *m, int B, const double *x, const double *target);
/* E_theta at B states into E[B]. */
void   lnn1_energy(lnn1_t *m, int B, const double *x, double *E);

#endif
