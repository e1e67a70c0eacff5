/* formula.h: laws found by fitting small formula libraries to data.
 *
 * Two jobs, both plain linear algebra (no gradient descent, so the answers are
 * exact functions of the data):
 *
 * 1. Conserved-quantity search, a miniature of the symbolic search in Noether
 *    Networks (Alet et al. 2021, workshop appendix C).  Candidates are
 *        g(q, p) = a f1(q, p) + b f2(p),
 *        f1 in {q, q^2, cos q, sin q, cos 2q, q p, q^2 p^2},  f2 in {p, p^2, p^4, |p|}.
 *    For each pair (f1, f2) the coefficients minimise the variance of g along
 *    true trajectories relative to its variance along random sequences:
 *        ratio(w) = w^T R w / w^T W w,   w = (a, b),
 *    W = pooled within-sequence covariance of (f1, f2) on the true
 *    trajectories, R = the same on random sequences.  The best w is the
 *    generalised eigenvector of (W, R) with the smallest eigenvalue mu, and the
 *    ratio is 1/mu.  The paper keeps a candidate when this ratio is >= 100.
 *
 * 2. Newton-scheme formula fit (Qiu et al. 2018, reconstructed: only the
 *    abstract and summaries were available).  A 1-D track x(t) is fitted by
 *    linear least squares with the solution family of a simple force law:
 *        constant force   x = c0 + c1 t + c2 t^2/2            x'' = c2
 *        harmonic force   x = c0 + c1 cos wt + c2 sin wt      x'' = -w^2 (x - c0)
 *        damped harmonic  x = c0 + e^{-gt}(c1 cos wt + c2 sin wt)
 *                                                   x'' = -(w^2+g^2)(x - c0) - 2g x'
 *    w (and g) by a grid search refined by golden sections on the residual;
 *    the family with the lowest BIC = n ln(RSS/n) + k ln n wins.
 *
 * Conventions: the caller owns every buffer; functions return 0 or -1 for bad
 * input (no tolerances are decided here: residuals are returned to the
 * caller).  Fixed summation order.  Prefix formula_. */
#ifndef NN_FORMULA_H
#define NN_FORMULA_H

#include <stddef.h>

#include "core/rng.h"

/* ------------------------------------------------ conserved-quantity search */

/* f1 ranges over the first FORMULA_NQFEAT features (functions of q, and two
 * mixed ones, q p and q^2 p^2), f2 over the last FORMULA_NPFEAT (functions of
 * p).  The decoys cos 2q, sin q, q p, q^2 p^2, p, p^4 and |p| are plausible
 * but wrong for the pendulum and the spring: they make "found" mean more than
 * "the only sensible pair in the list". */
enum { FORMULA_Q, FORMULA_Q2, FORMULA_COSQ, FORMULA_SINQ, FORMULA_COS2Q, FORMULA_QP,
       FORMULA_Q2P2, FORMULA_P, FORMULA_P2, FORMULA_P4, FORMULA_ABSP, FORMULA_NFEAT };
#define FORMULA_NQFEAT FORMULA_P                    /* 7 */
#define FORMULA_NPFEAT (FORMULA_NFEAT - FORMULA_P)  /* 4 */
#define FORMULA_NCAND (FORMULA_NQFEAT * FORMULA_NPFEAT)

/* Feature f at state (q, p). */
double formula_feature(int f, double q, double p);
/* "q", "q²", "cos q", "sin q", "cos 2q", "q p", "q²p²", "p", "p²", "p⁴", "|p|" (UTF-8). */
const char *formula_feature_name(int f);

typedef struct {
    int f1, f2;          /* f1 in [0, FORMULA_NQFEAT), f2 in [FORMULA_P, FORMULA_NFEAT) */
    double a, b;         /* g = a f1 + b f2, scaled so that b = 1 (or a = 1 if b = 0) */
    double var_true;     /* pooled within-trajectory variance of g on the true data */
    double var_rand;     /* the same on the random sequences */
    double ratio;        /* var_rand / var_true (the generalised eigenvalue 1/mu) */
} formula_cand_t;

/* Value of a candidate at (q, p). */
double formula_cand_eval(const formula_cand_t *c, double q, double p);
/* d g / d q and d g / d p at (q, p). */
void   formula_cand_grad(const formula_cand_t *c, double q, double p, double *gq, double *gp);
/* Human-readable formula, e.g. "p² − 2.998 cos q" (UTF-8), with `digits`
 * significant digits for the coefficient (trailing zeros kept: "1.000").  Returns the snprintf length. */
int    formula_cand_format(char *buf, size_t n, const formula_cand_t *c, int digits);

/* Scores all FORMULA_NCAND candidates.  x holds states (q, p) row by row;
 * sequence s of the true data is rows [start[s], start[s+1]), s < nseq (start
 * has nseq + 1 entries); xr / rstart / nrseq likewise for the random
 * sequences.  out[k] for k = i * FORMULA_NPFEAT + j is the pair (f1 = i,
 * f2 = FORMULA_P + j).  Returns 0, or -1 if a sequence is shorter than two
 * states or a covariance is singular (a feature constant on the data). */
int formula_search(formula_cand_t *out, const double *x, const size_t *start, size_t nseq,
                   const double *xr, const size_t *rstart, size_t nrseq);

/* ------------------------------------------------ linear least squares */

/* Minimises |A c - y|^2 for A [n, k] row-major, n >= k, 1 <= k <= 5, by Householder QR.
 * Writes c[k]; rss (may be NULL) gets the residual sum of squares; cov (may
 * be NULL) gets (A^T A)^{-1} [k, k], which times the noise variance is the
 * covariance of c.  work: n*k + n doubles.  Returns -1 if n < k, k < 1, or
 * A is rank-deficient (a zero pivot). */
#define FORMULA_LSTSQ_WORK(n, k) ((size_t)(n) * (size_t)(k) + (size_t)(n))
int formula_lstsq(double *c, double *rss, double *cov, const double *A, const double *y,
                  int n, int k, double *work);

/* ------------------------------------------------ Newton-scheme track fit */

enum { FORMULA_FAM_CONST, FORMULA_FAM_HARMONIC, FORMULA_FAM_DAMPED, FORMULA_NFAM };
const char *formula_family_name(int fam);    /* "constant force", ... */

typedef struct {
    int family;
    double c[3];         /* linear coefficients (see the family formulas above) */
    double omega, gamma; /* nonlinear parameters (0 when unused) */
    double rss;          /* residual sum of squares */
    double bic;          /* n ln(rss/n) + k ln n, k = 3, 4, 5 by family */
    int n, k;            /* points fitted, parameters counted in the BIC */
    double cov[25];      /* (J^T J)^{-1} [k, k]: J = d(track)/d(c, omega, gamma) at the fit */
} formula_fit_t;

/* Search ranges for the nonlinear parameters: omega on a grid of n_omega
 * points in [omega_min, omega_max], gamma on n_gamma points in [0, gamma_max]
 * (damped family only), each refined by golden sections. */
typedef struct {
    double omega_min, omega_max;
    int n_omega;
    double gamma_max;
    int n_gamma;
} formula_grid_t;

/* Fits one family to x[0..n) at times t[0..n).  work: FORMULA_FIT_WORK(n)
 * doubles.  Returns 0, or -1 on bad input (n < 6, bad grid). */
#define FORMULA_FIT_WORK(n) (FORMULA_LSTSQ_WORK(n, 5) + 6 * (size_t)(n))
int formula_fit_family(formula_fit_t *fit, int family, const double *t, const double *x,
                       int n, const formula_grid_t *grid, double *work);
/* Fits every family and returns the index of the lowest BIC; fits[FORMULA_NFAM]. */
int formula_fit_select(formula_fit_t *fits, const double *t, const double *x, int n,
                       const formula_grid_t *grid, double *work);

/* The fitted track at time t. */
double formula_fit_eval(const formula_fit_t *fit, double t);
/* Standard deviation of formula_fit_eval(t) caused by white observation noise
 * of standard deviation sigma, to first order in sigma (Gauss-Newton):
 * sigma sqrt(j(t)^T (J^T J)^{-1} j(t)), j(t) = d x(t) / d(parameters).
 * Exact for the constant-force family, which is linear in its parameters. */
double formula_fit_sd(const formula_fit_t *fit, double t, double sigma);

/* ------------------------------------------------ a predictor to tailor */

/* The black-box baseline of the Noether-network experiment (Alet et al. 2021,
 * appendix C, after HNN's baseline MLP): a 2 -> H -> H -> 2 tanh MLP f_theta
 * (the one MLP of mlp.h, on caller memory) rolled out as
 * x_{t+1} = x_t + dt f_theta(x_t), and "tailored" at test time by one
 * gradient step on the conservation loss of a candidate g (Alet et al. 2021,
 * eq. for L_Noether with g(x_0) as the reference):
 *     L_N(theta) = (1/T) sum_{t=1..T} (g(x~_t) - g(x_0))^2,
 *     theta' = theta - lambda grad_theta L_N.
 * theta layout: W1[H,2] b1[H] W2[H,H] b2[H] W3[2,H] b3[2] (PyTorch layout). */
#define FORMULA_PRED_NPARAMS(H) ((size_t)(H) * (H) + 6 * (size_t)(H) + 2)
/* Workspace for a batch of m rows, or a rollout of m - 1 steps: the MLP's
 * activations for m rows (at most m (6 H + 10) doubles) and the rollout's states. */
#define FORMULA_PRED_WORK(H, m) ((size_t)(m) * (6 * (size_t)(H) + 12))

/* PyTorch's default init: every weight and bias ~ U(-1/sqrt(fan_in), +). */
void   formula_pred_init(double *theta, int H, rng_t *rng);
/* Mean squared error of f_theta(X) against targets Y (both [B, 2]; mean
 * over the 2 B entries), and its gradient (overwritten; may be NULL). */
double formula_pred_mse(double *grad, const double *theta, int H, const double *X,
                        const double *Y, int B, double *ws);
/* xs[(T+1)*2]: x_0 = x0, then T steps. */
void   formula_pred_rollout(double *xs, const double *theta, int H, const double *x0, int T,
                            double dt, double *ws);
/* L_N along the rollout from x0 and its gradient in theta (overwritten),
 * by backpropagation through the T steps (each step's activations are
 * recomputed on the way back). */
double formula_pred_noether(double *grad, const double *theta, int H, const double *x0, int T,
                            double dt, const formula_cand_t *g, double *ws);

/* Backpropagation through a rollout xs[(T+1)*2] of formula_pred_rollout
 * (from theta): given dldx[(T+1)*2] = d L / d x_t for t = 1..T (the t = 0
 * entries are ignored: x_0 is data), writes d L / d theta into grad
 * (overwritten).  ws: FORMULA_PRED_WORK(H, 1) doubles. */
void   formula_pred_rollout_backward(double *grad, const double *theta, int H, const double *xs,
                                     int T, double dt, const double *dldx, double *ws);

#endif
