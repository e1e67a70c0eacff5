/* noether_meta.h: meta-tailoring with a neural conserved quantity g_phi, the
 * method of Noether Networks (Alet et al. 2021, NeurIPS, Algorithm 1), on the
 * black-box step predictor of formula.h (x_{t+1} = x_t + dt f_theta(x_t)).
 *
 *   g_phi:  2 -> G -> G -> 1 tanh MLP on the state (the one MLP, mlp.h).
 *   inner:  L_N(theta, phi; x_0) = (1/T) sum_{t=1..T} (g_phi(x~_t) - g_phi(x_0))^2
 *           along the predictor's rollout x~ from x_0;
 *           theta' = theta - lambda grad_theta L_N          (one tailoring step)
 *   outer:  L_out = (1 / 2 T_o) sum_{t=1..T_o} |x~'_t - y_t|^2, the rollout of
 *           theta' against observed states y (no tailoring of the targets).
 *
 * The meta-gradient in phi goes through the inner step only:
 *   d L_out / d phi = -lambda  d/d phi [ grad_theta L_N(theta, phi) . v ],
 *   v = grad_theta' L_out.
 * First-order MAML would drop exactly this term and leave phi no gradient at
 * all, so it is kept.  The directional derivative grad_theta L_N . v is taken
 * by a central difference of L_N along v (step h = eps / |v|), whose phi
 * gradient is then exact backpropagation:
 *   d L_out / d phi ~ -lambda [grad_phi L_N(theta + h v) - grad_phi L_N(theta - h v)] / (2h),
 * error O(h^2); tests/nn/test_noether_meta.c checks it against differences of
 * L_out itself.  theta is not meta-trained here (it is the pretrained
 * predictor); phi is.  Prefix nmeta_. */
#ifndef NN_NOETHER_META_H
#define NN_NOETHER_META_H

#include <stddef.h>

#include "core/rng.h"

/* Parameters of g_phi: W1[G,2] b1[G] W2[G,G] b2[G] W3[1,G] b3[1]. */
#define NMETA_G_NPARAMS(G) ((size_t)(G) * (G) + 5 * (size_t)(G) + 1)

typedef struct {
    int H;            /* hidden width of the predictor (formula_pred_*) */
    int G;            /* hidden width of g_phi */
    int T;            /* inner rollout steps (the conservation loss) */
    int To;           /* outer rollout steps (the prediction loss), To <= T not required */
    double dt;        /* sample interval */
    double lambda;    /* inner step size */
    double eps;       /* difference step along v for the meta-gradient (0: 1e-4) */
} nmeta_cfg_t;

/* Buffers for one configuration (all owned). */
typedef struct {
    nmeta_cfg_t c;
    size_t np, ng;
    double *xs, *dldx, *pws, *gws, *gscratch, *th2, *v, *gp1, *gp2, *xs2;
} nmeta_t;

int    nmeta_create(nmeta_t *M, const nmeta_cfg_t *c);   /* 0, or -1 on a bad config */
void   nmeta_free(nmeta_t *M);

/* g_phi's initialisation (PyTorch's default, mlp_init_uniform). */
void   nmeta_g_init(double *phi, int G, rng_t *rng);
/* g_phi at (q, p). */
double nmeta_g_eval(nmeta_t *M, const double *phi, double q, double p);

/* L_N along the rollout of theta from x0 over c.T steps; writes its gradient
 * in theta (overwritten, may be NULL) and in phi at the fixed rollout
 * (overwritten, may be NULL). */
double nmeta_noether(nmeta_t *M, double *grad_theta, double *grad_phi, const double *theta,
                     const double *phi, const double *x0);

/* One tailoring step theta2 = theta - lambda grad_theta L_N (lambda given,
 * not c.lambda, so a test-time sweep can vary it from one gradient). */
void   nmeta_tailor(nmeta_t *M, double *theta2, const double *theta, const double *grad_theta,
                    double lambda);

/* L_out after the inner step with c.lambda, against y[(To+1)*2] (y[0..1]
 * unused: the rollout starts at x0); if grad_phi is not NULL, writes the
 * meta-gradient d L_out / d phi (overwritten). */
double nmeta_outer(nmeta_t *M, double *grad_phi, const double *theta, const double *phi,
                   const double *x0, const double *y);

#endif
