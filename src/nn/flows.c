/* flows.c: the inertial (modified) flow of gradient descent, the Adam flow,
 * the relaxation step of the charge equation and the sharpness by power
 * iteration; see flows.h for the equations. */
#include "nn/flows.h"

#include <math.h>
#include <string.h>

#include "physics/integrators.h"

/* ------------------------------------------------------- inertial flow */

/* y = (q, p, J):  q' = p,  p' = (-g - c p)/m,  J' = F(q, p, g) */
static int inertial_field(double *dydt, const double *y, double t, void *vc)
{
    const flow_inertial_t *s = vc;
    const size_t n = s->n;
    const double *q = y, *p = y + n;
    double *g = dydt + n;
    s->G(g, q, s->gctx);
    if (s->F)
        s->F(dydt + 2 * n, q, p, g, s->fctx);
    for (size_t i = 0; i < n; i++) {
        dydt[i] = p[i];
        g[i] = (-g[i] - s->c * p[i]) / s->m;
    }
    return 0;
}

int flow_inertial_rk4(const flow_inertial_t *s, double *q, double *p, double *J, double dt,
                      long nsteps, double *ws)
{
    const size_t n = s->n, nf = s->F ? (size_t)s->nf : 0, m = 2 * n + nf;
    double *y = ws, *work = ws + m;
    memcpy(y, q, n * sizeof *y);
    memcpy(y + n, p, n * sizeof *y);
    if (nf)
        memcpy(y + 2 * n, J, nf * sizeof *y);
    int st = phys_integrate(&phys_rk4, y, m, 0.0, dt, nsteps, inertial_field, (void *)s, work);
    memcpy(q, y, n * sizeof *y);
    memcpy(p, y + n, n * sizeof *y);
    if (nf)
        memcpy(J, y + 2 * n, nf * sizeof *y);
    return st;
}

void flow_slow_start(const flow_inertial_t *s, const double *q, double *p, double h, double *ws)
{
    const size_t n = s->n;
    double *g = ws, *qh = ws + n, *gm = ws + 2 * n;
    s->G(g, q, s->gctx);
    double gn = 0.0;
    for (size_t i = 0; i < n; i++)
        gn += g[i] * g[i];
    gn = sqrt(gn);
    if (gn == 0.0) {
        memset(p, 0, n * sizeof *p);
        return;
    }
    /* H g = |g| (g(q + h g/|g|) - g(q - h g/|g|)) / (2h); p holds g(q + ...) first */
    for (size_t i = 0; i < n; i++)
        qh[i] = q[i] + h * g[i] / gn;
    s->G(p, qh, s->gctx);
    for (size_t i = 0; i < n; i++)
        qh[i] = q[i] - h * g[i] / gn;
    s->G(gm, qh, s->gctx);
    const double c = s->c, k = s->m / (c * c * c);
    for (size_t i = 0; i < n; i++) {
        double Hg = gn * (p[i] - gm[i]) / (2.0 * h);
        p[i] = -g[i] / c - k * Hg;
    }
}

double flow_relax_step(double u, double f0, double f1, double h, double tau)
{
    double s = (f1 - f0) / h;
    return f1 - tau * s + (u - f0 + tau * s) * exp(-h / tau);
}

/* ------------------------------------------------------------ Adam flow */

/* y = (q, m, v, J); t enters through the bias corrections */
static int adam_field(double *dydt, const double *y, double t, void *vc)
{
    const flow_adam_t *s = vc;
    const size_t n = s->n;
    const double *q = y, *m = y + n, *v = y + 2 * n;
    double *qd = dydt, *g = dydt + n, *vd = dydt + 2 * n;
    s->G(g, q, s->gctx);
    /* 1 - e^{-t/tau} without cancellation; at t = 0 the limits mh = g, vh = g^2 */
    double c1 = -expm1(-t / s->tau1), c2 = -expm1(-t / s->tau2);
    for (size_t i = 0; i < n; i++) {
        double mh = t > 0.0 ? m[i] / c1 : g[i];
        double vh = t > 0.0 ? v[i] / c2 : g[i] * g[i];
        qd[i] = -mh / (sqrt(fmax(vh, 0.0)) + s->eps);
        vd[i] = (g[i] * g[i] - v[i]) / s->tau2;
    }
    if (s->F)
        s->F(dydt + 3 * n, q, qd, g, s->fctx);
    for (size_t i = 0; i < n; i++)
        g[i] = (g[i] - m[i]) / s->tau1;
    return 0;
}

int flow_adam_rk4(const flow_adam_t *s, double *y, double t0, double dt, long nsteps, double *ws)
{
    const size_t m = 3 * s->n + (s->F ? (size_t)s->nf : 0);
    return phys_integrate(&phys_rk4, y, m, t0, dt, nsteps, adam_field, (void *)s, ws);
}

/* ------------------------------------------------------------ sharpness */

/* Hv = (g(theta + h v) - g(theta - h v)) / 2h, v a unit vector */
static void hvp_fd(sym_grad_fn G, void *gctx, const double *theta, const double *v, size_t n,
                   double h, double *Hv, double *th, double *gm)
{
    for (size_t i = 0; i < n; i++)
        th[i] = theta[i] + h * v[i];
    G(Hv, th, gctx);
    for (size_t i = 0; i < n; i++)
        th[i] = theta[i] - h * v[i];
    G(gm, th, gctx);
    for (size_t i = 0; i < n; i++)
        Hv[i] = (Hv[i] - gm[i]) / (2.0 * h);
}

static double unit(double *v, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += v[i] * v[i];
    s = sqrt(s);
    for (size_t i = 0; i < n; i++)
        v[i] /= s;
    return s;
}

double flow_sharpness(sym_grad_fn G, void *gctx, const double *theta, size_t n, int iters,
                      double h, rng_t *r, double *resid, double *ws)
{
    double *v = ws, *Hv = ws + n, *th = ws + 2 * n, *gm = ws + 3 * n, lambda = 0.0;
    for (size_t i = 0; i < n; i++)
        v[i] = rng_normal(r);
    unit(v, n);
    for (int k = 0; k < iters; k++) {
        hvp_fd(G, gctx, theta, v, n, h, Hv, th, gm);
        lambda = 0.0;
        for (size_t i = 0; i < n; i++)
            lambda += v[i] * Hv[i];
        if (k + 1 < iters) {
            memcpy(v, Hv, n * sizeof *v);
            unit(v, n);
        }
    }
    if (resid) {
        double e = 0.0;
        for (size_t i = 0; i < n; i++)
            e += (Hv[i] - lambda * v[i]) * (Hv[i] - lambda * v[i]);
        *resid = sqrt(e) / fabs(lambda);
    }
    return lambda;
}
