/* flows.h: continuous-time models of discrete learning rules, the objects the
 * chapter on Noether's Learning Dynamics (Tanaka & Kunin 2021, NLD) compares
 * its discrete runs with, all integrated by the classical RK4 of
 * physics/integrators.h:
 *
 *   inertial flow   m q'' + c q' = -grad V(q),
 *       the modified flow of Kovachki & Stuart 2021: gradient descent with
 *       step eta is m = eta/2, c = 1 (an O(eta^2)-accurate model of its
 *       iterates over a fixed time); heavy ball is m = eta (1 + beta)/2,
 *       c = 1 - beta.  It is the Euler-Lagrange equation of the damped
 *       Lagrangian e^{c t/m} (m/2 |q'|^2 - V), whose kinetic term breaks the
 *       scale symmetry of V (NLD's kinetic symmetry breaking): for a scale
 *       group A with charge N = |q_A|^2 it gives, exactly (derived in the
 *       chapter),  (m/2) N'' + (c/2) N' = m |q_A'|^2  at zero weight decay;
 *   Adam flow       m' = (g - m)/tau1,  v' = (g.g - v)/tau2,
 *                   q' = -mh / (sqrt(vh) + eps),
 *                   mh = m / (1 - e^{-t/tau1}),  vh = v / (1 - e^{-t/tau2}),
 *       the limit of Adam (Kingma & Ba 2015; optim.h) with step eta and
 *       beta1 = 1 - eta/tau1, beta2 = 1 - eta/tau2 as eta -> 0 (each Adam step
 *       is a semi-implicit Euler step of it, so the iterates converge at first
 *       order); at t = 0, mh = g and vh = g.g (the limits).
 *
 * Both carry an optional quadrature J += int F(q, q', g) dt as extra state,
 * with the same RK4 stages.  Also: the slow-manifold start of the inertial
 * flow, the exact relaxation step of a scalar first-order equation with a
 * piecewise-linear drive, and the sharpness (largest Hessian eigenvalue in
 * magnitude) by power iteration on central-difference Hessian-vector products.
 *
 * Conventions: the caller owns every buffer (workspace sizes by macro);
 * sums in index order; functions return 0 or a status. */
#ifndef NN_FLOWS_H
#define NN_FLOWS_H

#include <stddef.h>

#include "core/rng.h"
#include "nn/symmetry.h"

/* F(q, q', g): nf components written to f (e.g. |q'_A|^2 per group). */
typedef void (*flow_forcing_fn)(double *f, const double *q, const double *qdot, const double *g,
                                void *ctx);

/* ------------------------------------------------------- inertial flow */

typedef struct {
    sym_grad_fn G;      /* the loss V and its gradient */
    void *gctx;
    size_t n;           /* parameters */
    double m, c;        /* mass and friction: m q'' + c q' = -grad V */
    flow_forcing_fn F;  /* may be NULL */
    void *fctx;
    int nf;             /* components of F (0 if F is NULL) */
} flow_inertial_t;

/* nsteps RK4 steps of size dt of (q, p = q', J), in place; J may be NULL
 * when nf == 0.  ws: FLOW_INERTIAL_WORK(n, nf) doubles.  Returns 0. */
#define FLOW_INERTIAL_WORK(n, nf) (6 * (2 * (size_t)(n) + (size_t)(nf)))
int flow_inertial_rk4(const flow_inertial_t *s, double *q, double *p, double *J, double dt,
                      long nsteps, double *ws);
/* The slow-manifold start p = q'(0) = -g/c - (m/c^3) H g + O(m^2), with H g
 * by a central difference of the gradient along g of relative step h.
 * ws: 3 n doubles. */
void flow_slow_start(const flow_inertial_t *s, const double *q, double *p, double h, double *ws);

/* u(t + h) for tau u' + u = f(t), f linear from f0 to f1 over the step:
 * exact, u(h) = f1 - tau s + (u - f0 + tau s) e^{-h/tau}, s = (f1 - f0)/h.
 * Stable for every h/tau (the stiff limit of the charge equation). */
double flow_relax_step(double u, double f0, double f1, double h, double tau);

/* ------------------------------------------------------------ Adam flow */

typedef struct {
    sym_grad_fn G;
    void *gctx;
    size_t n;
    double tau1, tau2, eps;
    flow_forcing_fn F;  /* may be NULL; gets q' = -mh/(sqrt(vh) + eps) */
    void *fctx;
    int nf;
} flow_adam_t;

/* y = [q (n), m (n), v (n), J (nf)]; starts from y with m = v = 0 at t0 = 0
 * (or continues from t0 > 0); nsteps RK4 steps of dt, in place.
 * ws: FLOW_ADAM_WORK(n, nf) doubles.  Returns 0. */
#define FLOW_ADAM_WORK(n, nf) (5 * (3 * (size_t)(n) + (size_t)(nf)))
int flow_adam_rk4(const flow_adam_t *s, double *y, double t0, double dt, long nsteps, double *ws);

/* ------------------------------------------------------------ sharpness */

/* The eigenvalue of largest magnitude of the Hessian of G's loss at theta,
 * by `iters` power iterations from a Gaussian start drawn from r, each with
 * a central-difference Hessian-vector product of step h (absolute, along a
 * unit vector).  Returns the Rayleigh quotient v^T H v of the last unit
 * iterate (its sign is the eigenvalue's); *resid, if not NULL, gets
 * |H v - lambda v| / |lambda|.  ws: 4 n doubles. */
double flow_sharpness(sym_grad_fn G, void *gctx, const double *theta, size_t n, int iters,
                      double h, rng_t *r, double *resid, double *ws);

#endif
