/* scale_dynamics.c: exact norm recurrence, RMSProp accumulator, stable
 * angles, the momentum time-average identity and the noisy scale-invariant
 * quadratic; equations (E1)-(E4), (A1)-(A2) of scale_dynamics.h. */
#include "nn/scale_dynamics.h"

#include <math.h>
#include <stdlib.h>

/* excerpt: recurrences */
double scale_q2_step(double q2, double g2, double eta, double lambda)
{
    double c = 1.0 - eta * lambda;
    return c * c * q2 + eta * eta * g2;
}

double scale_nu_step(double nu, double gt2, double eta, double lambda)
{
    double w = 4.0 * eta * lambda;
    return (1.0 - w) * nu + w * gt2;
}

/* end excerpt */

double scale_nu_of_q2(double q2, double eta, double lambda)
{
    return 2.0 * lambda / eta * q2 * q2;
}

double scale_angle_eq(double eta, double lambda, double beta)
{
    return sqrt(2.0 * eta * lambda / (1.0 + beta));
}

double scale_relax_steps(double eta, double lambda, double beta)
{
    return (1.0 - beta) / (4.0 * eta * lambda);
}

double scale_relax_root(double eta, double lambda, double beta)
{
    double el = eta * lambda, b = 1.0 + beta - el, disc = b * b - 4.0 * beta;
    if (!(disc >= 0.0))
        return NAN;
    return 1.0 - 2.0 * el / (1.0 - beta + el + sqrt(disc));
}

double scale_relax_steps_exact(double eta, double lambda, double beta)
{
    double el = eta * lambda, b = 1.0 + beta - el, disc = b * b - 4.0 * beta;
    if (!(disc >= 0.0))
        return NAN;
    return -1.0 / (4.0 * log1p(-2.0 * el / (1.0 - beta + el + sqrt(disc))));
}

void scale_moments_step(scale_moments_t *m, double eta, double beta, double lambda, double s)
{
    double N = m->N, B = m->B;
    double V = beta * beta * m->V + lambda * lambda * N + s / N + 2.0 * beta * lambda * B;
    m->N = N - 2.0 * eta * (beta * B + lambda * N) + eta * eta * V;
    m->B = beta * B + lambda * N - eta * V;
    m->V = V;
}

double scale_sqnorm(const double *x, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += x[i] * x[i];
    return s;
}

double scale_dot(const double *x, const double *y, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += x[i] * y[i];
    return s;
}

double scale_angle(const double *a, const double *b, size_t n)
{
    double na = sqrt(scale_sqnorm(a, n)), nb = sqrt(scale_sqnorm(b, n));
    if (na == 0.0 || nb == 0.0)
        return 0.0;
    double ia = 1.0 / na, ib = 1.0 / nb, dm = 0.0, dp = 0.0;
    for (size_t i = 0; i < n; i++) {
        double u = a[i] * ia, w = b[i] * ib;
        dm += (u - w) * (u - w);
        dp += (u + w) * (u + w);
    }
    return 2.0 * atan2(sqrt(dm), sqrt(dp));
}

void scale_ratio_init(scale_ratio_t *r)
{
    r->K = 0;
    r->S_Q = r->S_V = 0.0;
    r->Q0 = r->QK = 0.0;
    r->bK = r->VK = 0.0;
}

void scale_ratio_add(scale_ratio_t *r, double q2, double v2_next, double qv_next)
{
    if (r->K == 0)
        r->Q0 = q2;
    r->S_Q += q2;
    r->S_V += v2_next;
    r->bK = qv_next;
    r->VK = v2_next;
    r->K++;
}

double scale_ratio_measured(const scale_ratio_t *r, double eta)
{
    return eta * eta * r->S_V / r->S_Q;
}

/* From b_{k+1} = beta b_k - beta eta |v_k|^2 + lambda |q_k|^2 (exact, since
 * <g_k, q_k> = 0) and |q_{k+1}|^2 = |q_k|^2 - 2 eta b_{k+1} + eta^2 |v_{k+1}|^2,
 * summed over k < K:
 *   eta^2 S_V (1+beta)/2 = eta lambda S_Q + (1-beta)(Q_K - Q_0)/2
 *                          - beta eta b_K + beta eta^2 |v_K|^2. */
double scale_ratio_boundary(const scale_ratio_t *r, double eta, double beta)
{
    double num = (1.0 - beta) * (r->QK - r->Q0) - 2.0 * beta * eta * r->bK
               + 2.0 * beta * eta * eta * r->VK;
    return num / ((1.0 + beta) * r->S_Q);
}

int scale_toy_init(scale_toy_t *t, int d, double amin, double amax, double sigma)
{
    if (d < 2)
        return -1;
    t->d = d;
    t->sigma = sigma;
    t->a = malloc((size_t)d * sizeof *t->a);
    t->tmp = malloc((size_t)d * sizeof *t->tmp);
    if (!t->a || !t->tmp) {
        free(t->a);
        free(t->tmp);
        t->a = t->tmp = NULL;
        return -1;
    }
    for (int i = 0; i < d; i++)
        t->a[i] = amin + (amax - amin) * i / (d - 1);
    return 0;
}

void scale_toy_free(scale_toy_t *t)
{
    free(t->a);
    free(t->tmp);
    t->a = t->tmp = NULL;
}

/* loss_xi(q) = 1/2 qh^T diag(a) qh + sigma xi^T qh; with u = a .* qh + sigma xi,
 * grad = (u - <u, qh> qh) / |q|: tangent to the sphere and O(1/|q|). */
double scale_toy_grad(scale_toy_t *t, double *g, const double *q, rng_t *r)
{
    int d = t->d;
    double nq = sqrt(scale_sqnorm(q, (size_t)d));
    double quad = 0.0, lin = 0.0, uq = 0.0;
    for (int i = 0; i < d; i++) {
        double qh = q[i] / nq, xi = rng_normal(r);
        t->tmp[i] = qh;
        quad += t->a[i] * qh * qh;
        lin += xi * qh;
        g[i] = t->a[i] * qh + t->sigma * xi;
        uq += g[i] * qh;
    }
    for (int i = 0; i < d; i++)
        g[i] = (g[i] - uq * t->tmp[i]) / nq;
    return 0.5 * quad + t->sigma * lin;
}
