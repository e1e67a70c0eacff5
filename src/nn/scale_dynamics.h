/* scale_dynamics.h: the norm and direction of a scale-invariant weight group
 * q (the incoming weights of a unit followed by BatchNorm with eps = 0) under
 * SGD with heavy-ball momentum and coupled weight decay, and the RMSProp
 * reading of it (Tanaka & Kunin 2021, NLD, whose abstract names normalisation
 * an implicit adaptive optimizer; van Laarhoven 2017; Wan et al. 2021).
 *
 * Notation (PyTorch SGD, as in optim.h):
 *     v_{k+1} = beta v_k + g_k + lambda q_k,     q_{k+1} = q_k - eta v_{k+1},
 * where g_k is the minibatch gradient at q_k.  Scale invariance of the loss
 * makes <g_k, q_k> = 0 and g(c q) = g(q)/c; the gradient on the unit sphere is
 * gt = |q| g ("g tilde"), which does not depend on |q|.
 *
 * Exact (beta = 0), from <g,q> = 0:
 *     |q_{k+1}|^2 = (1 - eta lambda)^2 |q_k|^2 + eta^2 |g_k|^2          (E1)
 *     tan angle(q_k, q_{k+1}) = eta |gt_k| / ((1 - eta lambda) |q_k|^2)   (E2)
 *     (1/K) sum_k log cos angle_k = log(1 - eta lambda)
 *                                  - log(|q_K|^2 / |q_0|^2) / (2K)       (E3)
 * Approximate (drops O(eta^2 lambda^2) and O(angle^2) relative terms): with
 * nu = (2 lambda / eta) |q|^4,
 *     nu_{k+1} = (1 - 4 eta lambda) nu_k + 4 eta lambda |gt_k|^2          (A1)
 *     angle_k ~ sqrt(2 eta lambda) |gt_k| / sqrt(nu_k)                    (A2)
 * i.e. RMSProp with decay rho = 1 - 4 eta lambda and base rate sqrt(2 eta lambda).
 * With momentum, the time averages obey exactly
 *     eta^2 sum_{k=1..K} |v_k|^2 / sum_{k=0..K-1} |q_k|^2
 *         = 2 eta lambda / (1 + beta) + boundary / sum |q_k|^2            (E4)
 * (boundary given by scale_ratio_boundary), so the equilibrium angular step
 * is sqrt(2 eta lambda / (1 + beta)).
 *
 * The noisy scale-invariant quadratic is the toy on which these are tested:
 *     loss_xi(q) = 1/2 qh^T diag(a) qh + sigma xi^T qh,   qh = q/|q|,  xi ~ N(0, I),
 * each draw of xi one "minibatch"; its gradient is P_perp(a .* qh + sigma xi)/|q|.
 *
 * Library code: no allocation beyond the toy's own arrays, no exit(). */
#ifndef NN_SCALE_DYNAMICS_H
#define NN_SCALE_DYNAMICS_H

#include <stddef.h>

#include "core/rng.h"

/* (E1): the exact next |q|^2 from |q_k|^2 and the minibatch |g_k|^2. */
double scale_q2_step(double q2, double g2, double eta, double lambda);
/* (A1): one EMA step of the RMSProp accumulator nu, driven by |gt_k|^2. */
double scale_nu_step(double nu, double gt2, double eta, double lambda);
/* nu = (2 lambda / eta) |q|^4, from |q|^2. */
double scale_nu_of_q2(double q2, double eta, double lambda);
/* sqrt(2 eta lambda / (1 + beta)): the equilibrium angular step. */
double scale_angle_eq(double eta, double lambda, double beta);
/* (1 - beta) / (4 eta lambda): relaxation time of nu (and |q|^4), in steps,
 * to first order in eta lambda / (1 - beta)^2. */
double scale_relax_steps(double eta, double lambda, double beta);
/* The slow root z+ of z^2 - (1 + beta - eta lambda) z + beta = 0: weight
 * decay alone, q_{k+1} = (1 + beta - eta lambda) q_k - beta q_{k-1}, shrinks q
 * by z+ per step once the fast root (~beta) has faded.  Computed as
 * 1 - 2 eta lambda / (1 - beta + eta lambda + sqrt(disc)) (no cancellation).
 * NaN when the roots are complex, eta lambda > (1 - sqrt(beta))^2. */
double scale_relax_root(double eta, double lambda, double beta);
/* -1 / (4 ln z+): e-folding time of |q|^4 deviations, in steps, when the
 * gradient's push on |q|^4 does not depend on |q| (exact for beta = 0);
 * = (1 - beta)/(4 eta lambda) (1 - eta lambda (beta/(1-beta)^2 + 1/(2(1-beta))) + ...). */
double scale_relax_steps_exact(double eta, double lambda, double beta);

/* Mean-field moments of heavy ball with coupled weight decay on a scale-
 * invariant group whose minibatch gradients are pure noise: g_k perpendicular
 * to q_k, zero mean, independent of the past, E|g_k|^2 = s/|q_k|^2 (s = E|gt|^2).
 * With N = E|q|^2, B = E<q_k, v_k>, V = E|v_k|^2 and the closure
 * E[1/|q|^2] = 1/N, one step of the update is, in expectation,
 *     V' = beta^2 V + lambda^2 N + s/N + 2 beta lambda B
 *     N' = N - 2 eta (beta B + lambda N) + eta^2 V'
 *     B' = beta B + lambda N - eta V'
 * (derived in chapter 3's appendix).  For beta = 0 it is (E1) with |g|^2 = s/N.
 * The map is homogeneous: s -> c^2 s scales N, B, V by c, so relaxation
 * times do not depend on s. */
typedef struct { double N, B, V; } scale_moments_t;
void scale_moments_step(scale_moments_t *m, double eta, double beta, double lambda, double s);

/* Angle between a and b (radians, in [0, pi]), accurate for tiny angles:
 * 2 atan2(|a/|a| - b/|b||, |a/|a| + b/|b||) (Kahan).  0 if either is zero. */
double scale_angle(const double *a, const double *b, size_t n);
/* Squared Euclidean norm, summed in index order. */
double scale_sqnorm(const double *x, size_t n);
double scale_dot(const double *x, const double *y, size_t n);

/* Running sums for the exact momentum identity (E4).  Feed every step
 * k = 0, 1, ...: scale_ratio_add(r, |q_k|^2, |v_{k+1}|^2, <q_k, v_{k+1}>)
 * with the values BEFORE (q_k) and AFTER (v_{k+1}) the step. */
typedef struct {
    long K;
    double S_Q;        /* sum_{k<K} |q_k|^2 */
    double S_V;        /* sum_{k<K} |v_{k+1}|^2 */
    double Q0, QK;     /* |q_0|^2, and |q_K|^2 (set by the caller at the end) */
    double bK, VK;     /* <q_{K-1}, v_K> and |v_K|^2 of the last step */
} scale_ratio_t;
void   scale_ratio_init(scale_ratio_t *r);
void   scale_ratio_add(scale_ratio_t *r, double q2, double v2_next, double qv_next);
/* eta^2 S_V / S_Q: the measured mean squared update-to-weight ratio. */
double scale_ratio_measured(const scale_ratio_t *r, double eta);
/* The boundary term of (E4), divided by S_Q; needs r->QK. */
double scale_ratio_boundary(const scale_ratio_t *r, double eta, double beta);

/* The noisy scale-invariant quadratic. */
typedef struct {
    int d;
    double *a;         /* [d] curvatures of the quadratic on the sphere */
    double sigma;      /* noise amplitude */
    double *tmp;       /* [d] workspace */
} scale_toy_t;
/* a_i = amin + (amax - amin) i/(d-1).  Returns 0, or -1 if d < 2. */
int  scale_toy_init(scale_toy_t *t, int d, double amin, double amax, double sigma);
void scale_toy_free(scale_toy_t *t);
/* Minibatch gradient g[d] at q (one fresh xi from r); returns the loss value. */
double scale_toy_grad(scale_toy_t *t, double *g, const double *q, rng_t *r);

#endif
