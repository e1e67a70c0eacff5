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
 * fmlp: a plain MLP  x -> act(W_1 x + b_1) -> ... -> W_L h (+ b_L)  that maps a
 * state to its time derivative directly (act = tanh or ReLU).  Loss mean over
 * elements (HNN baseline) or per-sample sum averaged over samples (LNN
 * baseline, L1 or MSE). */
#ifndef NN_HNN_H
#define NN_HNN_H

#include <stddef.h>

#include "core/rng.h"
#include "nn/hvp.h"
#include "nn/lnn.h"

typedef struct {
    hvp_net_t net;     /* 2 -> width x depth -> 1, tanh, ntan = 0 */
} hnn_t;

int    hnn_init(hnn_t *m, int width, int depth, int max_batch);
void   hnn_free(hnn_t *m);
/* Predicted field f[B,2] = (dH/dp, -dH/dq) at x[B,2] = (q, p). */
void   hnn_field(hnn_t *m, int B, const double *x, double *f);
/* H_theta at x[B,2] into H[B]. */
void   hnn_value(hnn_t *m, int B, const double *x, double *H);
/* MSE of the field against target[B,2] (mean over 2B entries); fills
 * m->net.grad with its exact gradient; returns the loss. */
double hnn_loss_grad(hnn_t *m, int B, const double *x, const double *target);

typedef enum { FMLP_TANH = 0, FMLP_RELU = 1 } fmlp_act;

#define FMLP_MAX_LAYERS 6

typedef struct {
    int nlayers;                      /* linear layers */
    int dims[FMLP_MAX_LAYERS + 1];
    fmlp_act act;
    int out_bias, max_batch;
    size_t n_params;
    double *theta, *grad;
    double *W[FMLP_MAX_LAYERS], *b[FMLP_MAX_LAYERS], *dW[FMLP_MAX_LAYERS], *db[FMLP_MAX_LAYERS];
    double *h[FMLP_MAX_LAYERS + 1];   /* h[0] input, h[l] output of layer l (after act) */
    double *g, *g2;                   /* scratch [max_batch, max dim] */
    double *out;                      /* = h[nlayers] */
} fmlp_t;

/* dims[0] -> dims[1] -> ... -> dims[nlayers]; last layer linear. */
int    fmlp_init(fmlp_t *m, const int *dims, int nlayers, fmlp_act act, int out_bias, int max_batch);
void   fmlp_free(fmlp_t *m);
/* HVP_INIT_GLOROT or HVP_INIT_ORTHO (the hvp.h enum), biases zero. */
void   fmlp_init_weights(fmlp_t *m, hvp_init_scheme scheme, rng_t *rng);
/* out[B, dims[nlayers]] = m->out after the call. */
void   fmlp_forward(fmlp_t *m, int B, const double *x);
/* Loss of m->out (after fmlp_forward on the same batch) against y; L1 or MSE;
 * per_sample: sum over outputs, mean over samples; else mean over all entries.
 * Fills m->grad. */
double fmlp_loss_grad(fmlp_t *m, int B, const double *y, lnn_loss kind, int per_sample);

#endif
