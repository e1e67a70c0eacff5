/* optim.h: optimizers written out as their papers and PyTorch define them,
 * one step on one flat parameter array of n doubles.  State arrays are
 * caller-owned and start at zero.
 *
 * SGD with heavy-ball momentum and coupled L2 weight decay (PyTorch SGD):
 *     g' = g + wd * w;   v <- beta v + g';   w <- w - lr v          (beta = 0: plain SGD)
 * Decoupled weight decay (Loshchilov & Hutter 2019), for SGD and Adam:
 *     w <- w - lr * wd * w  applied before the gradient step, g unchanged.
 * RMSProp (Hinton 2012; PyTorch, centered = false):
 *     s <- alpha s + (1-alpha) g'^2;   w <- w - lr g' / (sqrt(s) + eps)
 * Adam (Kingma & Ba 2015), t counts from 1:
 *     m <- b1 m + (1-b1) g';  s <- b2 s + (1-b2) g'^2;
 *     w <- w - lr (m/(1-b1^t)) / (sqrt(s/(1-b2^t)) + eps)
 * Summation order is fixed (elementwise), so a step is deterministic. */
#ifndef NN_OPTIM_H
#define NN_OPTIM_H

#include <stddef.h>

typedef enum { OPT_WD_COUPLED = 0, OPT_WD_DECOUPLED = 1 } opt_wd_mode;

/* v may be NULL when beta == 0. */
void opt_sgd_step(double *w, const double *g, double *v, size_t n,
                  double lr, double beta, double wd, opt_wd_mode mode);
void opt_rmsprop_step(double *w, const double *g, double *s, size_t n,
                      double lr, double alpha, double eps, double wd, opt_wd_mode mode);
void opt_adam_step(double *w, const double *g, double *m, double *s, size_t n, long t,
                   double lr, double beta1, double beta2, double eps, double wd,
                   opt_wd_mode mode);

#endif
