/* symmetry.h: the charges of the three continuous symmetries of a ReLU/softmax
 * network, the constraints those symmetries put on the gradient, and the exact
 * one-step laws that the charges obey under SGD with coupled weight decay,
 * with and without heavy-ball momentum.
 *
 * References (equation numbers as in arXiv 2012.04728 v2; the brief
 * shared/research/nld-neural-mechanics.md sections 1.1-1.5):
 *   Kunin et al. 2021, "Neural Mechanics" (NM):
 *     symmetry => <g, xi(theta)> = 0 for every (minibatch) loss   (NM sec. 3);
 *     translation  (parameters feeding a softmax)  sum_A g = 0,
 *     scale        (incoming weights of a BN unit) <g_A, theta_A> = 0,
 *     rescale      (ReLU unit: in A1, out A2)      <g_A1,theta_A1> = <g_A2,theta_A2>;
 *     exact SGD + weight decay dynamics, NM eqs. (18)-(20), and their
 *     momentum (damped, driven harmonic oscillator) form, NM appendix.
 *   Tanaka & Kunin 2021, "Noether's Learning Dynamics" (NLD): the same laws as
 *     the equation of motion of a Noether charge with kinetic symmetry breaking.
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
 * charge to round-off.  The continuous-time ("flow") versions are the
 * paper's eqs. (18)-(20) integrated exactly with the gradient norm held
 * constant over each step; they differ from the discrete law at O(eta lambda).
 *
 * No function here allocates; library functions return residuals and let the
 * caller judge them. */
#ifndef NN_SYMMETRY_H
#define NN_SYMMETRY_H

#include <stddef.h>

#include "core/rng.h"

/* ---------------------------------------------------------------- charges */

/* q[i] = sum_j W[i,j]^2 + b[i]^2  (b may be NULL): squared norm of the
 * incoming weights of each of the `rows` units.  Scale charge (NM eq. 19). */
void sym_in_sqnorm(double *q, const double *W, const double *b, int rows, int cols);
/* q[j] = sum_i W[i,j]^2: squared norm of the outgoing weights of input unit j. */
void sym_out_sqnorm(double *q, const double *W, int rows, int cols);
/* s[j] = sum_i W[i,j] for j < cols, and s[cols] = sum_i b[i] when b is not
 * NULL: the translation charge of each input unit of a softmax layer and of
 * its bias vector (NM eq. 18).  s has cols (+1) entries. */
void sym_col_sum(double *s, const double *W, const double *b, int rows, int cols);
/* l[j] = sum_i |W[i,j]| (and l[cols] = sum_i |b[i]|): the l1 scale against
 * which a translation charge's round-off is judged. */
void sym_col_abs(double *l, const double *W, const double *b, int rows, int cols);
/* Rescale charge of the hidden units between layer l (W1[H, in], b1[H]) and
 * layer l+1 (W2[out, H]):  D[i] = |W2[:,i]|^2 - (|W1[i,:]|^2 + b1[i]^2)
 * (NM eq. 20, outgoing minus incoming as in the authors' code). */
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
/* Per-group inner products, for callers that want more than the maximum:
 * c[i] = <a_i, b_i> over row i of A,B (plus a_bias[i]*b_bias[i] when given). */
void sym_row_dot(double *c, const double *A, const double *a_bias, const double *Bm,
                 const double *b_bias, int rows, int cols);
/* c[j] = <A[:,j], B[:,j]> over column j. */
void sym_col_dot(double *c, const double *A, const double *Bm, int rows, int cols);

/* ------------------------------------------- exact discrete laws, beta = 0 */

/* Translation, NM eq. (18) discretised:  s_{k+1} = (1 - eta lambda) s_k. */
double sym_translation_step(double s, double eta, double lambda);
/* Scale and rescale:  Q_{k+1} = (1 - eta lambda)^2 Q_k + eta^2 G_k,
 * with G_k = |g_A,k|^2 (scale) or |g_A2,k|^2 - |g_A1,k|^2 (rescale, D = out - in),
 * g the minibatch gradient of the loss WITHOUT the decay term. */
double sym_scale_step(double Q, double G, double eta, double lambda);

/* Continuous time (NM eqs. 18-20), one step of length eta with G constant:
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
 * on a generator (NM appendix; brief sec. 1.5), time t = eta k:
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

#endif
