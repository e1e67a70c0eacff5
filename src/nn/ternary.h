/* ternary.h: BitNet b1.58 absmean per-tensor weight quantizer (Ma et al. 2024,
 * arXiv 2402.17764, Eqs. 1-3) with the identity straight-through estimator
 * and full-precision latent weights.
 *
 *   gamma = (1/n) sum_i |W_i|                        (Eq. 2; fixed order: eight
 *                                                     interleaved partial sums)
 *   d     = max(gamma, eps)   (TERN_FLOOR: BitNet's released training code,
 *                              weight_quant, s = 1/max(mean|W|, 1e-5))
 *         = gamma + eps       (TERN_ADD: the paper's Eq. 1 as printed)
 *   T_i   = clip(nearbyint(W_i / d), -1, 1)  in {-1, 0, +1}     (Eq. 1, RoundClip)
 *   Q_i   = d T_i             the matrix the forward pass uses
 *
 * Straight-through estimator (Bengio et al. 2013; BitNet's `w + (Q(w) - w).detach()`):
 * the latent update uses g = dl/dQ evaluated at Q, with no gradient through
 * d and no clipping mask, so the backward pass of a ternary linear layer is
 * the ordinary one with Q in place of W, and dl/dW := dl/dQ.
 *
 * Method: rounding as nearbyint under the default rounding mode (ties to
 * even, as torch.round; never C's round(), which rounds 0.5 to 1), computed
 * exactly but without a division per weight: T = sign(W) [|W| >= a], with a
 * the smallest double for which fl(a/d) > 1/2 (see ternary.c).  Special cases: an all-zero tensor gives
 * gamma = 0 and, with eps = 0, d = 0: then T = Q = 0 (no NaN).  If the
 * ordered sum of |W| overflows, gamma is recomputed as sum(|W_i|/n), which is
 * finite for finite W.  A NaN weight gets code 0; a NaN or infinite scale
 * gives all codes 0.  Accuracy: T is exact;
 * with TERN_FLOOR and d > eps the map is positively homogeneous,
 * Q(cW) = c Q(W), bit for bit when c is a power of two (ternary.md §3.4). */
#ifndef NN_TERNARY_H
#define NN_TERNARY_H

#include <stddef.h>
#include <stdint.h>

#define TERN_EPS 1e-5   /* BitNet's floor */

typedef enum { TERN_FLOOR = 0, TERN_ADD = 1 } tern_eps_mode;

/* gamma = mean |W_i| over n > 0 entries, summed in a fixed order. */
double tern_absmean(const double *W, size_t n);

/* Codes T[n] (may be NULL) and dequantized Q[n] (may be NULL) of W[n];
 * returns the scale d (so Q = d T). */
double tern_quantize(int8_t *T, double *Q, const double *W, size_t n, double eps,
                     tern_eps_mode mode);

/* Number of entries whose code differs between two code arrays. */
size_t tern_flips(const int8_t *T0, const int8_t *T1, size_t n);

/* Counts of codes -1, 0, +1 in count[0..2]. */
void tern_histogram(size_t count[3], const int8_t *T, size_t n);

#endif
