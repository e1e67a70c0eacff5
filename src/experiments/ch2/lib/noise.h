/* noise.h: the gradient noise of the chapter's classifier along its symmetry
 * generators (NM: the noise obeys the gradient constraints, Sigma xi = 0),
 * measured from sample gradients at a fixed theta with nn/symmetry.h's
 * sym_noise_t:
 *   plain net: per-sample gradients (batches of one; no BatchNorm), groups
 *              the translation groups of the softmax layer (H columns and
 *              the bias) and the rescale groups of both hidden layers;
 *   BN net:    minibatch gradients (BatchNorm couples a batch), groups the
 *              scale groups of both hidden layers.
 * Per group, with sigma_u the standard deviation of <g_s, u> for a unit u,
 * rho = sigma_u / sqrt(tr Sigma_AA / |A|): about 1 for a random u, round-off
 * for the generator; the noise share tr Sigma_AA / E|g_s,A|^2 of the drive
 * eta^2 |g_A|^2 of the scale and rescale laws. */
#ifndef CH2_NOISE_H
#define CH2_NOISE_H

#include "core/batch.h"
#include "experiments/ch2/lib/net.h"

typedef struct {
    sym_noise_t z;
    int bn, ngroups;
    sym_kind_t *kind;            /* [ngroups] */
    size_t *idx;                 /* scratch for one group's support */
    double *xi;
} ch2_noise_t;

/* The groups of m (bn as in the net), nrand random directions each. */
void ch2_noise_init(ch2_noise_t *s, const mlp_t *m, int bn, int nrand);
void ch2_noise_free(ch2_noise_t *s);
/* Generators at the current theta, fresh random directions from r, and
 * `count` sample gradients: single examples (plain) or batches of B (BN)
 * drawn from mb into x, y (the caller's buffers, B rows).  m->grad is
 * overwritten; theta is not touched. */
void ch2_noise_measure(ch2_noise_t *s, mlp_t *m, minibatch_t *mb, double *x, int *y, int B,
                       int count, rng_t *r);

/* One group's ratios (see above) and the round-off scale of rho_gen,
 * eps sqrt(E|g_s,A|^2) / sqrt(tr Sigma_AA / |A|). */
typedef struct {
    double rho_gen, rho_rand_min, rho_rand_max, roundoff, share, trace, mean_g2;
} ch2_noise_row_t;
void ch2_noise_row(const ch2_noise_t *s, int a, ch2_noise_row_t *out);

#endif
