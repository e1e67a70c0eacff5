/* hnn.h: Hamiltonian neural networks (Greydanus, Dzamba & Yosinski 2019) and
 * the black-box baseline that both chapter-4 comparisons use.
 *
 * HNN: a scalar tanh MLP H_theta(q, p) (the engine of hvp.h with no tangent
 * streams) whose symplectic gradient is the predicted field,
 *     qdot = dH/dp,  pdot = -dH/dq                    (Hamilton's equations),
 * trained by the mean squared error of that field against observed time
 * derivatives (the HNN training loss; torch MSELoss: mean over all B x 2 entries).
 * The gradient with respect to theta is exact (double backpropagation).
 *
 * The black-box baselines are the one MLP of mlp.h (x -> act(W_1 x + b_1) ->
 * ... -> W_L h (+ b_L), mapping a state to its time derivative directly,
 * act = tanh or ReLU) with the regression losses of layers.h: mean over
 * elements (HNN baseline) or per-sample sum averaged over samples (LNN
 * baseline, L1); hnn_baseline_init gives them the initialisations of the
 * papers' code. */
#ifndef NN_HNN_H
#define NN_HNN_H

#include <stddef.h>

#include "core/rng.h"
#include "nn/hvp.h"
#include "nn/lnn.h"
#include "nn/mlp.h"

typedef struct {
    hvp_net_t net;     /* 2 dof -> width x depth -> 1, tanh, ntan = 0 */
    int dof;           /* degrees of freedom d: x = (q_1..q_d, p_1..p_d) */
} hnn_t;

/* One degree of freedom, x = (q, p). */
int    hnn_init(hnn_t *m, int width, int depth, int max_batch);
/* d degrees of freedom: x[B, 2d] = (q_1..q_d, p_1..p_d), f = (dH/dp, -dH/dq);
 * every function below then reads and writes rows of 2d. */
int    hnn_init_dof(hnn_t *m, int dof, int width, int depth, int max_batch);
void   hnn_free(hnn_t *m);
/* Predicted field f[B,2] = (dH/dp, -dH/dq) at x[B,2] = (q, p). */
void   hnn_field(hnn_t *m, int B, const double *x, double *f);
/* H_theta at x[B,2] into H[B]. */
void   hnn_value(hnn_t *m, int B, const double *x, double *H);
/* MSE of the field against target[B,2] (mean over 2B entries); fills
 * m->net.grad with its exact gradient; returns the loss. */
double hnn_loss_grad(hnn_t *m, int B, const double *x, const double *target);

/* The baselines' weights (the mlp_t of mlp.h): every W[l] drawn by
 * hvp_random_matrix (HVP_INIT_GLOROT or HVP_INIT_ORTHO, layer by layer from
 * the given stream), every bias zero. */
void   hnn_baseline_init(mlp_t *m, hvp_init_scheme scheme, rng_t *rng);

#endif
