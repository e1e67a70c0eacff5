/* formula.c: conserved-quantity search over a small formula library (Noether
 * Networks, Alet et al. 2021, workshop appendix C, in miniature) and
 * least-squares fits of force-law solution families (the Newton scheme of
 * Qiu et al. 2018, as reconstructed in our research brief).  See formula.h. */
#include "nn/formula.h"
#include "nn/layers.h"
#include "nn/mlp.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* ------------------------------------------------ features */

double formula_feature(int f, double q, double p)
{
    switch (f) {
    case FORMULA_Q:    return q;
    case FORMULA_Q2:   return q * q;
    case FORMULA_COSQ: return cos(q);
    case FORMULA_SINQ: return sin(q);
    case FORMULA_COS2Q: return cos(2.0 * q);
    case FORMULA_QP:   return q * p;
    case FORMULA_Q2P2: return q * q * p * p;
    case FORMULA_P:    return p;
    case FORMULA_P2:   return p * p;
    case FORMULA_P4:   return p * p * p * p;
    case FORMULA_ABSP: return fabs(p);
    default:           return NAN;
    }
}

/* d feature / d q and d feature / d p (|p|: the sign of p, 0 at 0) */
static void feature_partials(int f, double q, double p, double *dq, double *dp)
{
    *dq = 0.0;
    *dp = 0.0;
    switch (f) {
    case FORMULA_Q:    *dq = 1.0; break;
    case FORMULA_Q2:   *dq = 2.0 * q; break;
    case FORMULA_COSQ: *dq = -sin(q); break;
    case FORMULA_SINQ: *dq = cos(q); break;
    case FORMULA_COS2Q: *dq = -2.0 * sin(2.0 * q); break;
    case FORMULA_QP:   *dq = p; *dp = q; break;
    case FORMULA_Q2P2: *dq = 2.0 * q * p * p; *dp = 2.0 * q * q * p; break;
    case FORMULA_P:    *dp = 1.0; break;
    case FORMULA_P2:   *dp = 2.0 * p; break;
    case FORMULA_P4:   *dp = 4.0 * p * p * p; break;
    case FORMULA_ABSP: *dp = (p > 0) - (p < 0); break;
    default:           *dq = *dp = NAN; break;
    }
}

const char *formula_feature_name(int f)
{
    static const char *names[FORMULA_NFEAT] = {"q", "q²", "cos q", "sin q", "cos 2q", "q p",
                                               "q²p²", "p", "p²", "p⁴", "|p|"};
    return f >= 0 && f < FORMULA_NFEAT ? names[f] : "?";
}

double formula_cand_eval(const formula_cand_t *c, double q, double p)
{
    return c->a * formula_feature(c->f1, q, p) + c->b * formula_feature(c->f2, q, p);
}

void formula_cand_grad(const formula_cand_t *c, double q, double p, double *gq, double *gp)
{
    double q1, p1, q2, p2;
    feature_partials(c->f1, q, p, &q1, &p1);
    feature_partials(c->f2, q, p, &q2, &p2);
    *gq = c->a * q1 + c->b * q2;
    *gp = c->a * p1 + c->b * p2;
}

int formula_cand_format(char *buf, size_t n, const formula_cand_t *c, int digits)
{
    /* leading term: the p-feature with coefficient 1 (b = 1 after scaling) */
    const char *minus = "\xe2\x88\x92"; /* U+2212 */
    if (c->b == 0.0)
        return snprintf(buf, n, "%s", formula_feature_name(c->f1));
    double a = c->a;
    return snprintf(buf, n, "%s %s %#.*g %s", formula_feature_name(c->f2), a < 0 ? minus : "+",
                    digits, fabs(a), formula_feature_name(c->f1));
}

/* Pooled within-sequence covariance of the features (f1, f2):
 * C = sum_s sum_t (x - mean_s)(x - mean_s)^T / sum_s n_s.  Two passes per
 * sequence, fixed order.  Returns -1 if a sequence has fewer than 2 states. */
static int pooled_cov(double C[3], int f1, int f2, const double *x, const size_t *start,
                      size_t nseq)
{
    double c11 = 0, c12 = 0, c22 = 0;
    size_t total = 0;
    for (size_t s = 0; s < nseq; s++) {
        size_t i0 = start[s], i1 = start[s + 1];
        if (i1 < i0 + 2)
            return -1;
        double m1 = 0, m2 = 0;
        for (size_t i = i0; i < i1; i++) {
            m1 += formula_feature(f1, x[2 * i], x[2 * i + 1]);
            m2 += formula_feature(f2, x[2 * i], x[2 * i + 1]);
        }
        m1 /= (double)(i1 - i0);
        m2 /= (double)(i1 - i0);
        for (size_t i = i0; i < i1; i++) {
            double d1 = formula_feature(f1, x[2 * i], x[2 * i + 1]) - m1;
            double d2 = formula_feature(f2, x[2 * i], x[2 * i + 1]) - m2;
            c11 += d1 * d1;
            c12 += d1 * d2;
            c22 += d2 * d2;
        }
        total += i1 - i0;
    }
    C[0] = c11 / (double)total;
    C[1] = c12 / (double)total;
    C[2] = c22 / (double)total;
    return 0;
}

/* Pooled within-sequence variance of a candidate, evaluated directly (not
 * from the covariance, which would cancel catastrophically when g is
 * conserved to round-off). */
static double pooled_var(const formula_cand_t *c, const double *x, const size_t *start,
                         size_t nseq)
{
    double v = 0;
    size_t total = 0;
    for (size_t s = 0; s < nseq; s++) {
        size_t i0 = start[s], i1 = start[s + 1];
        double m = 0;
        for (size_t i = i0; i < i1; i++)
            m += formula_cand_eval(c, x[2 * i], x[2 * i + 1]);
        m /= (double)(i1 - i0);
        for (size_t i = i0; i < i1; i++) {
            double d = formula_cand_eval(c, x[2 * i], x[2 * i + 1]) - m;
            v += d * d;
        }
        total += i1 - i0;
    }
    return v / (double)total;
}

int formula_search(formula_cand_t *out, const double *x, const size_t *start, size_t nseq,
                   const double *xr, const size_t *rstart, size_t nrseq)
{
    if (nseq == 0 || nrseq == 0)
        return -1;
    for (int i = 0; i < FORMULA_NQFEAT; i++)
        for (int j = 0; j < FORMULA_NPFEAT; j++) {
            formula_cand_t *c = &out[i * FORMULA_NPFEAT + j];
            c->f1 = i;
            c->f2 = FORMULA_P + j;
            double W[3], R[3];
            if (pooled_cov(W, c->f1, c->f2, x, start, nseq) ||
                pooled_cov(R, c->f1, c->f2, xr, rstart, nrseq))
                return -1;
            /* R = L L^T, L = [[l11, 0], [l21, l22]] */
            if (!(R[0] > 0))
                return -1;
            double l11 = sqrt(R[0]), l21 = R[1] / l11, l22sq = R[2] - l21 * l21;
            if (!(l22sq > 0))
                return -1;
            double l22 = sqrt(l22sq);
            /* M = L^{-1} W L^{-T}; with Y = L^{-1} W (column-wise solves): */
            double y11 = W[0] / l11, y12 = W[1] / l11;
            double y21 = (W[1] - l21 * y11) / l22, y22 = (W[2] - l21 * y12) / l22;
            /* M = Y L^{-T}: M_ij = (L^{-1} (Y row i)^T)_j */
            double m11 = y11 / l11;
            double m12 = (y12 - l21 * m11) / l22;
            double m22 = (y22 - l21 * (y21 / l11)) / l22;
            /* excerpt: search */
            /* eigenvector of the smaller eigenvalue of the symmetric [[m11,m12],[m12,m22]] */
            double half = 0.5 * (m11 - m22);
            double lmax = 0.5 * (m11 + m22) + sqrt(half * half + m12 * m12);
            double lmin = lmax > 0 ? (m11 * m22 - m12 * m12) / lmax : 0.0;
            double u1 = m12, u2 = lmin - m11;        /* (M - lmin) u = 0, first row */
            double v1 = lmin - m22, v2 = m12;        /* second row */
            if (u1 * u1 + u2 * u2 < v1 * v1 + v2 * v2) {
                u1 = v1;
                u2 = v2;
            }
            if (u1 == 0 && u2 == 0) {               /* M is a multiple of I */
                u1 = 1;
                u2 = 0;
            }
            /* w = L^{-T} u */
            double w2 = u2 / l22, w1 = (u1 - l21 * w2) / l11;
            if (w2 != 0) {
                c->a = w1 / w2;
                c->b = 1.0;
            } else {
                c->a = 1.0;
                c->b = 0.0;
            }
            c->var_true = pooled_var(c, x, start, nseq);
            c->var_rand = pooled_var(c, xr, rstart, nrseq);
            c->ratio = c->var_rand / c->var_true;
            /* end excerpt */
        }
    return 0;
}

/* ------------------------------------------------ least squares */

int formula_lstsq(double *c, double *rss, double *cov, const double *A, const double *y,
                  int n, int k, double *work)
{
    if (k < 1 || n < k)
        return -1;
    double *Q = work;             /* [n, k], overwritten by R above the diagonal */
    double *z = work + (size_t)n * k;
    memcpy(Q, A, sizeof(double) * (size_t)n * k);
    memcpy(z, y, sizeof(double) * (size_t)n);
    double rdiag[5];
    if (k > 5)
        return -1;
    for (int j = 0; j < k; j++) {
        double norm = 0;
        for (int i = j; i < n; i++)
            norm += Q[(size_t)i * k + j] * Q[(size_t)i * k + j];
        norm = sqrt(norm);
        if (norm == 0)
            return -1;
        double alpha = Q[(size_t)j * k + j] > 0 ? -norm : norm;
        /* v = x - alpha e1, stored in place; H = I - 2 v v^T / v^T v */
        Q[(size_t)j * k + j] -= alpha;
        double vtv = 0;
        for (int i = j; i < n; i++)
            vtv += Q[(size_t)i * k + j] * Q[(size_t)i * k + j];
        for (int jj = j + 1; jj < k; jj++) {
            double s = 0;
            for (int i = j; i < n; i++)
                s += Q[(size_t)i * k + j] * Q[(size_t)i * k + jj];
            s = 2 * s / vtv;
            for (int i = j; i < n; i++)
                Q[(size_t)i * k + jj] -= s * Q[(size_t)i * k + j];
        }
        double s = 0;
        for (int i = j; i < n; i++)
            s += Q[(size_t)i * k + j] * z[i];
        s = 2 * s / vtv;
        for (int i = j; i < n; i++)
            z[i] -= s * Q[(size_t)i * k + j];
        rdiag[j] = alpha;
    }
    /* back substitution R c = z[0..k) */
    for (int j = k - 1; j >= 0; j--) {
        double s = z[j];
        for (int jj = j + 1; jj < k; jj++)
            s -= Q[(size_t)j * k + jj] * c[jj];
        c[j] = s / rdiag[j];
    }
    if (rss) {
        double r = 0;
        for (int i = k; i < n; i++)
            r += z[i] * z[i];
        *rss = r;
    }
    if (cov) {
        /* Rinv (upper triangular), then cov = Rinv Rinv^T */
        double Ri[25];
        for (int j = 0; j < k; j++)
            for (int i = 0; i < k; i++)
                Ri[i * k + j] = 0;
        for (int col = 0; col < k; col++) {
            for (int i = col; i >= 0; i--) {
                double s = i == col ? 1.0 : 0.0;
                for (int m = i + 1; m <= col; m++)
                    s -= Q[(size_t)i * k + m] * Ri[m * k + col];
                Ri[i * k + col] = s / rdiag[i];
            }
        }
        for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++) {
                double s = 0;
                for (int m = (i > j ? i : j); m < k; m++)
                    s += Ri[i * k + m] * Ri[j * k + m];
                cov[i * k + j] = s;
            }
    }
    return 0;
}

/* ------------------------------------------------ track families */

const char *formula_family_name(int fam)
{
    static const char *names[FORMULA_NFAM] = {"constant force", "harmonic force",
                                              "damped harmonic force"};
    return fam >= 0 && fam < FORMULA_NFAM ? names[fam] : "?";
}

/* Basis row of the linear part at time t. */
static void basis(double phi[3], int fam, double t, double omega, double gamma)
{
    phi[0] = 1.0;
    if (fam == FORMULA_FAM_CONST) {
        phi[1] = t;
        phi[2] = 0.5 * t * t;
    } else {
        double e = fam == FORMULA_FAM_DAMPED ? exp(-gamma * t) : 1.0;
        phi[1] = e * cos(omega * t);
        phi[2] = e * sin(omega * t);
    }
}

/* Row of the full Jacobian d x(t) / d(c0, c1, c2, omega, gamma); returns k. */
static int jac_row(double j[5], const formula_fit_t *f, double t)
{
    basis(j, f->family, t, f->omega, f->gamma);
    if (f->family == FORMULA_FAM_CONST)
        return 3;
    double e = f->family == FORMULA_FAM_DAMPED ? exp(-f->gamma * t) : 1.0;
    double co = cos(f->omega * t), si = sin(f->omega * t);
    j[3] = e * t * (-f->c[1] * si + f->c[2] * co);
    if (f->family == FORMULA_FAM_HARMONIC)
        return 4;
    j[4] = -t * e * (f->c[1] * co + f->c[2] * si);
    return 5;
}

/* Linear fit at fixed (omega, gamma); returns rss (or INFINITY if singular). */
static double linfit(double c[3], double *cov, int fam, const double *t, const double *x, int n,
                     double omega, double gamma, double *work)
{
    double *A = work + FORMULA_LSTSQ_WORK(n, 5);
    for (int i = 0; i < n; i++)
        basis(A + 3 * i, fam, t[i], omega, gamma);
    double rss;
    if (formula_lstsq(c, &rss, cov, A, x, n, 3, work))
        return INFINITY;
    return rss;
}

/* Golden-section minimisation of rss over omega (which = 0) or gamma (1). */
static void golden(double *omega, double *gamma, int which, double lo, double hi, int fam,
                   const double *t, const double *x, int n, double *work)
{
    const double r = 0.6180339887498949;
    double c[3];
    double *v = which == 0 ? omega : gamma;
    double a = lo, b = hi;
    double x1 = b - r * (b - a), x2 = a + r * (b - a);
    *v = x1;
    double f1 = linfit(c, NULL, fam, t, x, n, *omega, *gamma, work);
    *v = x2;
    double f2 = linfit(c, NULL, fam, t, x, n, *omega, *gamma, work);
    for (int it = 0; it < 80 && b - a > 1e-13 * (fabs(a) + fabs(b) + 1e-300); it++) {
        if (f1 <= f2) {
            b = x2;
            x2 = x1;
            f2 = f1;
            x1 = b - r * (b - a);
            *v = x1;
            f1 = linfit(c, NULL, fam, t, x, n, *omega, *gamma, work);
        } else {
            a = x1;
            x1 = x2;
            f1 = f2;
            x2 = a + r * (b - a);
            *v = x2;
            f2 = linfit(c, NULL, fam, t, x, n, *omega, *gamma, work);
        }
    }
    *v = f1 <= f2 ? x1 : x2;
}

int formula_fit_family(formula_fit_t *fit, int family, const double *t, const double *x,
                       int n, const formula_grid_t *grid, double *work)
{
    if (n < 6 || family < 0 || family >= FORMULA_NFAM)
        return -1;
    memset(fit, 0, sizeof *fit);
    fit->family = family;
    fit->n = n;
    double omega = 0, gamma = 0;
    if (family != FORMULA_FAM_CONST) {
        if (!grid || grid->n_omega < 3 || !(grid->omega_max > grid->omega_min) ||
            !(grid->omega_min > 0))
            return -1;
        int ng = family == FORMULA_FAM_DAMPED ? grid->n_gamma : 1;
        if (family == FORMULA_FAM_DAMPED && (ng < 3 || !(grid->gamma_max > 0)))
            return -1;
        double dw = (grid->omega_max - grid->omega_min) / (grid->n_omega - 1);
        double dg = ng > 1 ? grid->gamma_max / (ng - 1) : 0;
        double best = INFINITY, c[3];
        int bi = 0, bj = 0;
        for (int j = 0; j < ng; j++)
            for (int i = 0; i < grid->n_omega; i++) {
                double r = linfit(c, NULL, family, t, x, n, grid->omega_min + i * dw, j * dg, work);
                if (r < best) {
                    best = r;
                    bi = i;
                    bj = j;
                }
            }
        omega = grid->omega_min + bi * dw;
        gamma = bj * dg;
        int rounds = family == FORMULA_FAM_DAMPED ? 4 : 1;
        for (int r = 0; r < rounds; r++) {
            double lo = omega - dw, hi = omega + dw;
            if (lo < grid->omega_min)
                lo = grid->omega_min;
            if (hi > grid->omega_max)
                hi = grid->omega_max;
            golden(&omega, &gamma, 0, lo, hi, family, t, x, n, work);
            if (family == FORMULA_FAM_DAMPED) {
                lo = gamma - dg;
                hi = gamma + dg;
                if (lo < 0)
                    lo = 0;
                if (hi > grid->gamma_max)
                    hi = grid->gamma_max;
                golden(&omega, &gamma, 1, lo, hi, family, t, x, n, work);
            }
            dw *= 0.25;
            dg *= 0.25;
        }
    }
    fit->omega = omega;
    fit->gamma = gamma;
    fit->rss = linfit(fit->c, NULL, family, t, x, n, omega, gamma, work);
    if (!isfinite(fit->rss))
        return -1;
    /* Gauss-Newton covariance from the full Jacobian at the fit */
    double *J = work + FORMULA_LSTSQ_WORK(n, 5);
    int k = 3;
    for (int i = 0; i < n; i++) {
        double row[5];
        k = jac_row(row, fit, t[i]);
        memcpy(J + (size_t)k * i, row, sizeof(double) * k);
    }
    fit->k = k;
    double ctmp[5];
    if (formula_lstsq(ctmp, NULL, fit->cov, J, x, n, k, work))
        return -1;
    fit->bic = n * log(fit->rss / n) + k * log((double)n);
    return 0;
}

int formula_fit_select(formula_fit_t *fits, const double *t, const double *x, int n,
                       const formula_grid_t *grid, double *work)
{
    int best = -1;
    for (int f = 0; f < FORMULA_NFAM; f++) {
        if (formula_fit_family(&fits[f], f, t, x, n, grid, work))
            return -1;
        if (best < 0 || fits[f].bic < fits[best].bic)
            best = f;
    }
    return best;
}

double formula_fit_eval(const formula_fit_t *fit, double t)
{
    double phi[3];
    basis(phi, fit->family, t, fit->omega, fit->gamma);
    return fit->c[0] * phi[0] + fit->c[1] * phi[1] + fit->c[2] * phi[2];
}

double formula_fit_sd(const formula_fit_t *fit, double t, double sigma)
{
    double j[5];
    int k = jac_row(j, fit, t);
    double s = 0;
    for (int a = 0; a < k; a++)
        for (int b = 0; b < k; b++)
            s += j[a] * fit->cov[a * k + b] * j[b];
    return sigma * sqrt(s > 0 ? s : 0);
}

/* ------------------------------------------------ the predictor to tailor */

/* The predictor as the one MLP on caller memory: max_batch rows of
 * activations in ws.  theta is only read (forward and backward never write
 * the parameters), hence the cast. */
static void pred_attach(mlp_t *m, const double *theta, double *grad, int H, int max_batch,
                        double *ws)
{
    mlp_spec_t s = {.depth = 3, .dims = {2, H, H, 2}, .act = MLP_TANH, .bias = 1, .out_bias = 1,
                    .max_batch = max_batch};
    mlp_attach(m, &s, (double *)theta, grad, ws);
}

void formula_pred_init(double *theta, int H, rng_t *rng)
{
    mlp_t m;
    pred_attach(&m, theta, NULL, H, 1, NULL);
    mlp_init_uniform(&m, rng);
}

double formula_pred_mse(double *grad, const double *theta, int H, const double *X,
                        const double *Y, int B, double *ws)
{
    mlp_t m;
    pred_attach(&m, theta, grad, H, B, ws);
    return mlp_regress_batch(&m, X, Y, B, NN_LOSS_MSE, 0, grad != NULL);
}

void formula_pred_rollout(double *xs, const double *theta, int H, const double *x0, int T,
                          double dt, double *ws)
{
    mlp_t m;
    pred_attach(&m, theta, NULL, H, 1, ws);
    xs[0] = x0[0];
    xs[1] = x0[1];
    for (int t = 0; t < T; t++) {
        const double *y = mlp_forward(&m, xs + 2 * t, 1);
        xs[2 * t + 2] = xs[2 * t] + dt * y[0];
        xs[2 * t + 3] = xs[2 * t + 1] + dt * y[1];
    }
}

double formula_pred_noether(double *grad, const double *theta, int H, const double *x0, int T,
                            double dt, const formula_cand_t *g, double *ws)
{
    double *xs = ws;                                   /* [(T+1) 2] */
    mlp_t m;
    pred_attach(&m, theta, grad, H, 1, xs + 2 * (size_t)(T + 1));
    formula_pred_rollout(xs, theta, H, x0, T, dt, xs + 2 * (size_t)(T + 1));
    double g0 = formula_cand_eval(g, x0[0], x0[1]);
    double loss = 0;
    for (int t = 1; t <= T; t++) {
        double d = formula_cand_eval(g, xs[2 * t], xs[2 * t + 1]) - g0;
        loss += d * d;
    }
    loss /= T;
    mlp_zero_grad(&m);
    /* excerpt: noether */
    /* adjoint a = dL/dx_{t+1}, walked backwards; grad accumulates each step's share */
    double a[2] = {0, 0};
    for (int t = T - 1; t >= 0; t--) {
        const double *x1 = xs + 2 * (t + 1);
        double gq, gp, d = formula_cand_eval(g, x1[0], x1[1]) - g0;
        formula_cand_grad(g, x1[0], x1[1], &gq, &gp);
        a[0] += 2 * d * gq / T;
        a[1] += 2 * d * gp / T;
        double dy[2] = {dt * a[0], dt * a[1]}, dx[2];
        mlp_forward(&m, xs + 2 * t, 1);                /* the step's activations again */
        mlp_backward(&m, dy, 1, dx);
        a[0] += dx[0];
        a[1] += dx[1];
    }
    /* end excerpt */
    return loss;
}

void formula_pred_rollout_backward(double *grad, const double *theta, int H, const double *xs,
                                   int T, double dt, const double *dldx, double *ws)
{
    mlp_t m;
    pred_attach(&m, theta, grad, H, 1, ws);
    mlp_zero_grad(&m);
    double a[2] = {0, 0};                  /* a = dL/dx_{t+1}, walked backwards */
    for (int t = T - 1; t >= 0; t--) {
        a[0] += dldx[2 * (t + 1)];
        a[1] += dldx[2 * (t + 1) + 1];
        double dy[2] = {dt * a[0], dt * a[1]}, dx[2];
        mlp_forward(&m, xs + 2 * t, 1);
        mlp_backward(&m, dy, 1, dx);
        a[0] += dx[0];
        a[1] += dx[1];
    }
}
