/* symmetry.h: the charges of the three continuous symmetries of a ReLU/softmax
 * network, the constraints those symmetries put on the gradient, the exact
 * one-step laws that the charges obey under SGD with coupled weight decay,
 * with and without heavy-ball momentum, and the gradient noise measured
 * along the symmetry generators.
 *
 * References:
 *   Kunin et al. 2021, "Neural Mechanics" (NM), as its authors summarise it
 *   (SAIL blog, 2021) and as their code evaluates it (danielkunin/
 *   neural-mechanics, metrics/scale.py):
 *     symmetry => <g, xi(theta)> = 0 for every (minibatch) loss;
 *     translation  (parameters feeding a softmax)  sum_A g = 0,
 *     scale        (incoming weights of a BN unit) <g_A, theta_A> = 0,
 *     rescale      (ReLU unit: in A1, out A2)      <g_A1,theta_A1> = <g_A2,theta_A2>;
 *     the SGD + weight decay dynamics of the three charges in continuous
 *     time, and their momentum (damped, driven harmonic oscillator) form;
 *     minibatch noise obeys the same constraints, so its covariance
 *     annihilates every generator (Sigma xi = 0).
 *   Tanaka & Kunin 2021, "Noether's Learning Dynamics" (NLD): the same laws as
 *     the equation of motion of a Noether charge with kinetic symmetry breaking.
 *   Du et al. 2018: balancedness, W1 W1^T - W2^T W2 conserved by gradient
 *     flow on a two-layer linear network.
 * The discrete one-step laws are derived in the chapter (chapters/02-
 * symmetry-learning.md, appendix), not quoted from the papers.
 *
 * Layout follows mlp.h: a linear layer is W[rows = out, cols = in] row-major,
 * with an optional bias b[rows].  "Incoming" weights of unit i are row i of W
 * plus b[i]; "outgoing" weights of unit j are column j of the next W.
 *
 * The discrete recurrences are algebraic identities (not approximations) for
 *     v <- beta v + g + lambda theta,   theta <- theta - eta v
 * (PyTorch SGD, coupled weight decay; beta = 0 is plain SGD), given that the
 * gradient g obeys the constraint of the symmetry.  Fed with the measured
 * per-step gradient (or momentum-buffer) norms, they reproduce the measured
 * charge to round-off.  The continuous-time ("flow") versions are NM's
 * continuous laws integrated exactly with the gradient norm held constant
 * over each step; they differ from the discrete law at O(eta lambda).
 *
 * No function here allocates except the _init/_free pairs (sym_smooth_t,
 * sym_noise_t, sym_lin2_t); library functions return residuals and let the
 * caller judge them. */
#ifndef NN_SYMMETRY_H
#define NN_SYMMETRY_H

#include <stddef.h>

#include "core/rng.h"

/* ---------------------------------------------------------------- charges */

/* q[i] = sum_j W[i,j]^2 + b[i]^2  (b may be NULL): squared norm of the
 * incoming weights of each of the `rows` units: the scale charge. */
void sym_in_sqnorm(double *q, const double *W, const double *b, int rows, int cols);
/* q[j] = sum_i W[i,j]^2: squared norm of the outgoing weights of input unit j. */
void sym_out_sqnorm(double *q, const double *W, int rows, int cols);
/* s[j] = sum_i W[i,j] for j < cols, and s[cols] = sum_i b[i] when b is not
 * NULL: the translation charge of each input unit of a softmax layer and of
 * its bias vector.  s has cols (+1) entries. */
void sym_col_sum(double *s, const double *W, const double *b, int rows, int cols);
/* l[j] = sum_i |W[i,j]| (and l[cols] = sum_i |b[i]|): the l1 scale against
 * which a translation charge's round-off is judged. */
void sym_col_abs(double *l, const double *W, const double *b, int rows, int cols);
/* Rescale charge of the hidden units between layer l (W1[H, in], b1[H]) and
 * layer l+1 (W2[out, H]):  D[i] = |W2[:,i]|^2 - (|W1[i,:]|^2 + b1[i]^2)
 * (outgoing minus incoming, as in the authors' code). */
void sym_rescale_charge(double *D, const double *W1, const double *b1, const double *W2,
                        int H, int in, int out);

/* ---------------------------------------------------- gradient constraints */

/* Each returns the largest relative residual over the groups of a layer,
 * so that 0 means "exact" and ~1e-16 means "at round-off":
 *   translation: max_j |sum_i gW[i,j]| / sum_i |gW[i,j]|  (and the bias group);
 *   scale:       max_i |<g_i, theta_i>| / (|g_i| |theta_i|),  theta_i = (W[i,:], b[i]);
 *   rescale:     max_i |<g_in,theta_in> - <g_out,theta_out>|
 *                      / (|g_in||theta_in| + |g_out||theta_out|).
 * Groups whose gradient is exactly zero are skipped (residual 0). */
double sym_translation_residual(const double *gW, const double *gb, int rows, int cols);
double sym_scale_residual(const double *W, const double *b, const double *gW, const double *gb,
                          int rows, int cols);
double sym_rescale_residual(const double *W1, const double *b1, const double *gW1,
                            const double *gb1, const double *W2, const double *gW2,
                            int H, int in, int out);

/* ------------------------------------------- exact discrete laws, beta = 0 */

/* Translation:  s_{k+1} = (1 - eta lambda) s_k. */
double sym_translation_step(double s, double eta, double lambda);
/* Scale and rescale:  Q_{k+1} = (1 - eta lambda)^2 Q_k + eta^2 G_k,
 * with G_k = |g_A,k|^2 (scale) or |g_A2,k|^2 - |g_A1,k|^2 (rescale, D = out - in),
 * g the minibatch gradient of the loss WITHOUT the decay term. */
double sym_scale_step(double Q, double G, double eta, double lambda);

/* Continuous time (NM's laws), one step of length eta with G constant:
 *   s(t+eta) = e^{-lambda eta} s(t);
 *   Q(t+eta) = e^{-2 lambda eta} Q(t) + eta G (1 - e^{-2 lambda eta}) / (2 lambda)
 * (-> eta^2 G as lambda -> 0). */
double sym_translation_flow_step(double s, double eta, double lambda);
double sym_scale_flow_step(double Q, double G, double eta, double lambda);

/* ------------------------------------- exact discrete laws, heavy ball */

/* Translation with momentum: s = sum_A theta, u = sum_A v (the buffer);
 *   u_{k+1} = beta u_k + lambda s_k,   s_{k+1} = s_k - eta u_{k+1}.
 * Start from u_0 = 0 (fresh buffer). */
void sym_translation_momentum_step(double *s, double *u, double eta, double beta, double lambda);
/* Scale / rescale with momentum: Q = |theta_A|^2, P = <theta_A, v_A>, and the
 * measured R_{k+1} = |v_A,k+1|^2 of the buffer AFTER the step (for rescale:
 * differences out - in of each):
 *   Q_{k+1} = Q_k - 2 eta (beta P_k + lambda Q_k) + eta^2 R_{k+1}
 *   P_{k+1} = beta P_k + lambda Q_k - eta R_{k+1}.
 * The homogeneous part has characteristic polynomial
 *   z^2 - (1 + beta - 2 eta lambda) z + beta. */
void sym_scale_momentum_step(double *Q, double *P, double R_next, double eta, double beta,
                             double lambda);

/* ----------------------------------- the continuous damped oscillator */

/* x'' + 2 gamma x' + omega2 x = f(t), the momentum modified flow projected
 * on a generator (derived in the chapter; the authors' code evaluates the
 * same oscillator), time t = eta k:
 *   gamma = (1 - beta) / (eta (1 + beta)),
 *   omega2 = 2 lambda / (eta (1 + beta))  (translation),
 *            4 lambda / (eta (1 + beta))  (scale, rescale; f = 2 |theta'|^2). */
typedef struct {
    double gamma, omega2;
    double Omega;        /* sqrt|omega2 - gamma^2| */
    int regime;          /* +1 under-damped, -1 over-damped, 0 critical */
} sym_osc_t;
void   sym_osc_init(sym_osc_t *o, double gamma, double omega2);
/* Homogeneous solution with x(0) = 1, x'(0) = 0. */
double sym_osc_free(const sym_osc_t *o, double t);
/* Green's function G(t) (response to a unit impulse at 0, t >= 0). */
double sym_osc_green(const sym_osc_t *o, double t);
/* Period 2 pi / Omega (under-damped; 0 otherwise) and damping time 1/gamma. */
double sym_osc_period(const sym_osc_t *o);

/* A stable running convolution y_k = sum_{j<k} G(t_k - t_j) f_j with equal
 * spacing h (two exponential filters, never exp(+gamma t) buffers). */
typedef struct {
    sym_osc_t o;
    double h;
    double re, im;       /* under-damped: Z = sum e^{(-gamma + i Omega)(t-t_j)} f_j */
    double a, b;         /* over-damped / critical: two real filters */
    double ca, sa, ea, eb;
} sym_conv_t;
void   sym_conv_init(sym_conv_t *c, const sym_osc_t *o, double h);
/* Advances one spacing after adding f at the current time; returns the
 * convolution at the new time. */
double sym_conv_push(sym_conv_t *c, double f);

/* --------------------------------------------------- gradient flow */

/* A loss with its gradient: writes grad[n] at theta[n], returns the loss. */
typedef double (*sym_grad_fn)(double *grad, const double *theta, void *ctx);
/* A functional F(theta, grad) with nf components (e.g. |g_A|^2 per group). */
typedef void (*sym_forcing_fn)(double *f, const double *theta, const double *grad, void *ctx);
/* Integrates gradient flow d theta/dt = -grad L(theta) for nsteps classical
 * RK4 steps of size dt (phys_rk4_step of physics/integrators.h), in place,
 * together with the augmented quadrature J += int_0^T F(theta(t), g(t)) dt
 * (J rides along as part of the state, so it gets the same RK4 stages and
 * weights; J is accumulated, not cleared).  F may be NULL (then J is not
 * touched).  ws: SYM_FLOW_WORK(n, nf) doubles.  Fourth order for a smooth
 * loss; a ReLU network's kinks reduce it, which is why the finite-step test
 * uses sym_smooth_t. */
#define SYM_FLOW_WORK(n, nf) (6 * ((size_t)(n) + (size_t)(nf)))
void sym_flow_rk4(double *theta, size_t n, sym_grad_fn G, void *gctx, double dt, long nsteps,
                  sym_forcing_fn F, void *fctx, int nf, double *J, double *ws);

/* ------------------------------------------ a smooth network with all three */

/* x[B,d] -> Linear(H1) -> BatchNorm(eps = 0, no affine) -> tanh
 *        -> Linear(H2) -> identity -> Linear(C) -> softmax cross-entropy.
 * Composed from the kernels of layers.h; smooth everywhere (no ReLU kink), so
 * that expansions in the step size hold to every order.  Its symmetries:
 * scale of each first-layer row (BN), rescale of each H2 unit (the identity is
 * homogeneous: in = row of W2 plus b2, out = column of W3), translation of each
 * column of W3 and of b3 (softmax).  theta = [W1 b1 W2 b2 W3 b3]. */
typedef struct {
    int d, H1, H2, C, B;
    const double *x;
    const int *y;
    size_t n_params;
    size_t oW1, ob1, oW2, ob2, oW3, ob3;          /* offsets into theta / grad */
    double *z1, *xh, *mean, *rstd, *a1, *z2, *z3; /* forward workspaces */
    double *d3, *d2, *d1;                         /* backward workspaces */
} sym_smooth_t;
/* Keeps pointers to x[B,d] and y[B] (not copied).  Returns 0 or -1. */
int    sym_smooth_init(sym_smooth_t *s, int d, int H1, int H2, int C, int B, const double *x,
                       const int *y);
void   sym_smooth_free(sym_smooth_t *s);
/* PyTorch nn.Linear default initialisation, U(-1/sqrt(fan_in), 1/sqrt(fan_in)). */
void   sym_smooth_init_params(const sym_smooth_t *s, double *theta, rng_t *r);
/* sym_grad_fn: mean cross-entropy and its gradient (ctx is the sym_smooth_t). */
double sym_smooth_grad(double *grad, const double *theta, void *ctx);


/* ------------------------------------------------ generators of the groups */

/* A linear layer inside a flat parameter vector: W at offset oW, [rows, cols]
 * row-major, its bias at ob (SYM_NO_BIAS: none). */
#define SYM_NO_BIAS ((size_t)-1)
typedef struct {
    size_t oW, ob;
    int rows, cols;
} sym_layer_t;
typedef enum { SYM_TRANSLATION = 0, SYM_SCALE = 1, SYM_RESCALE = 2 } sym_kind_t;

/* Group i of a kind, as a sparse vector over theta: its support idx[] and the
 * generator xi[] = d psi / d alpha at the identity, evaluated at theta.
 *   SYM_TRANSLATION on L (feeding a softmax): i < cols is column i of W,
 *       xi = 1; i == cols is the bias vector, xi = 1.
 *   SYM_SCALE on L: row i of W and b[i], xi = theta there.
 *   SYM_RESCALE on L and next (next->cols == L->rows): row i of W and b[i]
 *       with xi = theta, and column i of next's W with xi = -theta.
 * With idx == NULL only the size is returned (xi may then be NULL too).
 * Returns the support size, or 0 if i is out of range or the layers do not
 * fit together. */
size_t sym_generator(size_t *idx, double *xi, sym_kind_t kind, const double *theta,
                     const sym_layer_t *L, const sym_layer_t *next, int i);

/* ----------------------------------------- gradient noise along generators */

/* Running moments (Welford) of sample gradients g_s restricted to groups:
 * per group A, the projections <g_s, u> on its unit generator xi/|xi| and on
 * `nrand` random unit directions with the same support (Gaussian, drawn from
 * the caller's stream), the mean and second moment of each coordinate of the
 * support (hence tr Sigma_AA), and the mean of |g_s,A|^2.  Every minibatch (or
 * per-sample) gradient obeys <g_s, xi> = 0, so the noise covariance Sigma
 * annihilates the generator: Sigma xi = 0 (NM's low-rank noise), while a
 * random direction r sees E<zeta, r>^2 = r^T Sigma r ~ tr Sigma_AA / |A|.
 * Sample statistics use the n - 1 convention. */
typedef struct {
    int ngroups, nrand, ndir;    /* ndir = 1 + nrand */
    size_t nnz;                  /* total support */
    size_t *start;               /* [ngroups + 1] offsets into idx */
    size_t *idx;                 /* [nnz] parameter indices, group by group */
    double *dir;                 /* [ndir * nnz]: direction d of group a at dir + d*nnz + start[a] */
    long count;
    double *pmean, *pm2;         /* [ngroups * ndir] moments of the projections */
    double *cmean, *cm2;         /* [nnz] moments of each support coordinate */
    double *g2;                  /* [ngroups] running mean of |g_s,A|^2 */
} sym_noise_t;

/* Allocates for groups of the given support sizes.  Returns 0 or -1. */
int  sym_noise_init(sym_noise_t *z, int ngroups, const size_t *sizes, int nrand);
void sym_noise_free(sym_noise_t *z);
/* Sets group a's support and generator (as sym_generator writes them; xi is
 * normalised here) and draws its random directions from r; clears the
 * moments.  Returns 0, or -1 if the size differs from init's or xi = 0. */
int  sym_noise_set(sym_noise_t *z, int a, const size_t *idx, const double *xi, rng_t *r);
/* Forgets the samples (keeps supports and directions). */
void sym_noise_clear(sym_noise_t *z);
/* Adds one sample gradient g (the full parameter vector). */
void sym_noise_add(sym_noise_t *z, const double *g);

/* What one group's samples say (n >= 2 samples). */
typedef struct {
    size_t size;         /* |A| */
    double sd_gen;       /* standard deviation of <g_s, xi-hat> */
    double sd_rand_min, sd_rand_max;   /* over the random directions (0 if none) */
    double trace;        /* tr Sigma_AA, the total noise variance on the group */
    double mean_g2;      /* mean over samples of |g_s,A|^2 = |g_bar_A|^2 + (n-1)/n tr Sigma_AA */
    double gbar2;        /* |g_bar_A|^2, the squared norm of the mean */
    double rms_dir;      /* sqrt(trace / |A|): the noise per direction, on average */
} sym_noise_group_t;
void sym_noise_group(const sym_noise_t *z, int a, sym_noise_group_t *out);

/* ------------------------------ a two-layer linear network (balancedness) */

/* f(x) = W2 W1 x, W1 [h, d], W2 [k, h], loss L = 1/(2N) sum_n |W2 W1 x_n - y_n|^2
 * over x[N, d], y[N, k] (kept, not copied); theta = [W1 W2].  Symmetry
 * (W1, W2) -> (G W1, W2 G^-1), G in GL(h); charge C = W1 W1^T - W2^T W2 [h, h],
 * conserved by gradient flow because W2^T G2 = G1 W1^T (the constraint; Du et
 * al. 2018).  For any update W <- W - eta U, exactly (derived in the chapter):
 *   C' - C = -eta (U1 W1^T + W1 U1^T - U2^T W2 - W2^T U2) + eta^2 (U1 U1^T - U2^T U2),
 * whose first bracket vanishes for U = G (gradient descent) but not for an
 * elementwise-preconditioned update (Adam): kinetic symmetry breaking by an
 * adaptive metric. */
typedef struct {
    int d, h, k, N;
    const double *x, *y;
    size_t n_params;             /* h d + k h */
    double *z, *dz, *r;          /* [N, h] hidden and its gradient, [N, k] residual */
} sym_lin2_t;
int    sym_lin2_init(sym_lin2_t *s, int d, int h, int k, int N, const double *x, const double *y);
void   sym_lin2_free(sym_lin2_t *s);
/* sym_grad_fn: the loss and its gradient (ctx is the sym_lin2_t). */
double sym_lin2_grad(double *grad, const double *theta, void *ctx);
/* C[h, h] = W1 W1^T - W2^T W2 at theta. */
void   sym_lin2_charge(double *C, const sym_lin2_t *s, const double *theta);
/* The rate dC/dt = -(U1 W1^T + W1 U1^T - U2^T W2 - W2^T U2) of the flow
 * theta' = -U at theta, and the step term U1 U1^T - U2^T U2 (each [h, h];
 * quad may be NULL).  The one-step law is C' = C + eta rate + eta^2 quad. */
void   sym_lin2_charge_rate(double *rate, double *quad, const sym_lin2_t *s, const double *theta,
                            const double *U);
/* Frobenius norm of an n-vector (a matrix read flat). */
double sym_frobenius(const double *A, size_t n);

#endif
