/* optim.c: one optimizer step on a flat parameter array (see optim.h for the
 * update rules).  SGD with heavy-ball momentum in PyTorch's convention
 * v <- beta v + g (Sutskever et al. 2013 write the same recursion with the
 * learning rate inside v); RMSProp (Tieleman & Hinton 2012, lecture 6.5);
 * Adam (Kingma & Ba 2015, Algorithm 1); decoupled weight decay (Loshchilov &
 * Hutter 2019, Algorithm 2), applied as w <- (1 - lr wd) w before the step,
 * as PyTorch's AdamW does.  Every loop is elementwise, so a step is
 * deterministic and independent of n's blocking. */
#include "nn/optim.h"

#include <math.h>

/* Weight decay: coupled adds wd w to the gradient (w as it was before this
 * step); decoupled shrinks w by 1 - lr wd (AdamW); none does neither. */
typedef struct { double shrink, wdc; } wd_t;

static wd_t wd_of(double lr, double wd, opt_wd_mode mode)
{
    return (wd_t){ mode == OPT_WD_DECOUPLED ? 1.0 - lr * wd : 1.0, mode == OPT_WD_COUPLED ? wd : 0.0 };
}

/* The gradient with coupled decay added, after shrinking *w (decoupled). */
static inline double decay(double *w, double g, wd_t d)
{
    if (d.wdc != 0.0)
        g += d.wdc * *w;
    if (d.shrink != 1.0)
        *w *= d.shrink;
    return g;
}

void opt_sgd_step(double *w, const double *g, double *v, size_t n,
                  double lr, double beta, double wd, opt_wd_mode mode)
{
    if (wd == 0.0 && beta != 0.0) {   /* the common case, as a loop that vectorizes */
        for (size_t i = 0; i < n; i++) {
            double vi = beta * v[i] + g[i];
            v[i] = vi;
            w[i] -= lr * vi;
        }
        return;
    }
    const wd_t d = wd_of(lr, wd, mode);
    for (size_t i = 0; i < n; i++) {
        double gi = decay(&w[i], g[i], d);
        if (beta != 0.0) {
            v[i] = beta * v[i] + gi;
            gi = v[i];
        } else if (v) {
            v[i] = gi;
        }
        w[i] -= lr * gi;
    }
}

void opt_rmsprop_step(double *w, const double *g, double *s, size_t n,
                      double lr, double alpha, double eps, double wd, opt_wd_mode mode)
{
    const wd_t d = wd_of(lr, wd, mode);
    for (size_t i = 0; i < n; i++) {
        double gi = decay(&w[i], g[i], d);
        s[i] = alpha * s[i] + (1.0 - alpha) * gi * gi;
        w[i] -= lr * gi / (sqrt(s[i]) + eps);
    }
}

void opt_adam_step(double *w, const double *g, double *m, double *s, size_t n, long t,
                   double lr, double beta1, double beta2, double eps, double wd,
                   opt_wd_mode mode)
{
    const wd_t d = wd_of(lr, wd, mode);
    double bc1 = 1.0 - pow(beta1, (double)t);
    double bc2 = 1.0 - pow(beta2, (double)t);
    for (size_t i = 0; i < n; i++) {
        double gi = decay(&w[i], g[i], d);
        m[i] = beta1 * m[i] + (1.0 - beta1) * gi;
        s[i] = beta2 * s[i] + (1.0 - beta2) * gi * gi;
        w[i] -= lr * (m[i] / bc1) / (sqrt(s[i] / bc2) + eps);
    }
}
