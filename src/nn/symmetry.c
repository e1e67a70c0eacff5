/* symmetry.c: charges, gradient-constraint residuals and exact one-step laws
 * of the translation, scale and rescale symmetries (Kunin et al. 2021, NM;
 * Tanaka & Kunin 2021, NLD), the gradient noise along their generators, and
 * the two-layer linear network's balancedness charge.  See symmetry.h for
 * the definitions; every sum runs in index order. */
#include "nn/symmetry.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "nn/layers.h"
#include "physics/integrators.h"

/* ---------------------------------------------------------------- charges */

static double row_sqnorm(const double *w, int cols)
{
    double s = 0.0;
    for (int j = 0; j < cols; j++)
        s += w[j] * w[j];
    return s;
}

void sym_in_sqnorm(double *q, const double *W, const double *b, int rows, int cols)
{
    for (int i = 0; i < rows; i++)
        q[i] = row_sqnorm(W + (size_t)i * cols, cols) + (b ? b[i] * b[i] : 0.0);
}

void sym_out_sqnorm(double *q, const double *W, int rows, int cols)
{
    for (int j = 0; j < cols; j++)
        q[j] = 0.0;
    for (int i = 0; i < rows; i++) {
        const double *w = W + (size_t)i * cols;
        for (int j = 0; j < cols; j++)
            q[j] += w[j] * w[j];
    }
}

/* s[j] = sum_i f(W[i,j]) (and s[cols] = sum_i f(b[i])), f the identity or |.| */
static void col_reduce(double *s, const double *W, const double *b, int rows, int cols, int absval)
{
    for (int j = 0; j < cols; j++)
        s[j] = 0.0;
    for (int i = 0; i < rows; i++) {
        const double *w = W + (size_t)i * cols;
        for (int j = 0; j < cols; j++)
            s[j] += absval ? fabs(w[j]) : w[j];
    }
    if (b) {
        double t = 0.0;
        for (int i = 0; i < rows; i++)
            t += absval ? fabs(b[i]) : b[i];
        s[cols] = t;
    }
}

void sym_col_sum(double *s, const double *W, const double *b, int rows, int cols)
{
    col_reduce(s, W, b, rows, cols, 0);
}

void sym_col_abs(double *l, const double *W, const double *b, int rows, int cols)
{
    col_reduce(l, W, b, rows, cols, 1);
}

void sym_rescale_charge(double *D, const double *W1, const double *b1, const double *W2,
                        int H, int in, int out)
{
    /* outgoing column norms of W2 (out x H), minus incoming row norms of W1 */
    sym_out_sqnorm(D, W2, out, H);
    for (int i = 0; i < H; i++)
        D[i] -= row_sqnorm(W1 + (size_t)i * in, in) + (b1 ? b1[i] * b1[i] : 0.0);
}

/* ---------------------------------------------------- gradient constraints */

double sym_translation_residual(const double *gW, const double *gb, int rows, int cols)
{
    double worst = 0.0;
    for (int j = 0; j < cols; j++) {
        double s = 0.0, l = 0.0;
        for (int i = 0; i < rows; i++) {
            double g = gW[(size_t)i * cols + j];
            s += g;
            l += fabs(g);
        }
        if (l > 0.0 && fabs(s) / l > worst)
            worst = fabs(s) / l;
    }
    if (gb) {
        double s = 0.0, l = 0.0;
        for (int i = 0; i < rows; i++) {
            s += gb[i];
            l += fabs(gb[i]);
        }
        if (l > 0.0 && fabs(s) / l > worst)
            worst = fabs(s) / l;
    }
    return worst;
}

/* <g, theta>, |g|^2, |theta|^2 over row i plus its bias entry */
static void row_stats(const double *W, const double *b, const double *gW, const double *gb,
                      int i, int cols, double *dot, double *gg, double *tt)
{
    const double *w = W + (size_t)i * cols, *g = gW + (size_t)i * cols;
    double d = 0.0, a = 0.0, c = 0.0;
    for (int j = 0; j < cols; j++) {
        d += g[j] * w[j];
        a += g[j] * g[j];
        c += w[j] * w[j];
    }
    if (b && gb) {
        d += gb[i] * b[i];
        a += gb[i] * gb[i];
        c += b[i] * b[i];
    }
    *dot = d;
    *gg = a;
    *tt = c;
}

double sym_scale_residual(const double *W, const double *b, const double *gW, const double *gb,
                          int rows, int cols)
{
    double worst = 0.0;
    for (int i = 0; i < rows; i++) {
        double d, gg, tt;
        row_stats(W, b, gW, gb, i, cols, &d, &gg, &tt);
        double scale = sqrt(gg) * sqrt(tt);
        if (scale > 0.0 && fabs(d) / scale > worst)
            worst = fabs(d) / scale;
    }
    return worst;
}

double sym_rescale_residual(const double *W1, const double *b1, const double *gW1,
                            const double *gb1, const double *W2, const double *gW2,
                            int H, int in, int out)
{
    double worst = 0.0;
    for (int i = 0; i < H; i++) {
        double d1, g1, t1;
        row_stats(W1, b1, gW1, gb1, i, in, &d1, &g1, &t1);
        double d2 = 0.0, g2 = 0.0, t2 = 0.0;
        for (int r = 0; r < out; r++) {
            double w = W2[(size_t)r * H + i], g = gW2[(size_t)r * H + i];
            d2 += g * w;
            g2 += g * g;
            t2 += w * w;
        }
        double scale = sqrt(g1) * sqrt(t1) + sqrt(g2) * sqrt(t2);
        if (scale > 0.0 && fabs(d1 - d2) / scale > worst)
            worst = fabs(d1 - d2) / scale;
    }
    return worst;
}

/* ------------------------------------------- exact discrete laws, beta = 0 */

/* excerpt: exact-sgd */
double sym_translation_step(double s, double eta, double lambda)
{
    /* sum_A g = 0: only the decay acts on s */
    return (1.0 - eta * lambda) * s;
}

double sym_scale_step(double Q, double G, double eta, double lambda)
{
    /* <g_A, theta_A> = 0 removes the cross term */
    double a = 1.0 - eta * lambda;
    return a * a * Q + eta * eta * G;
}
/* end excerpt */

double sym_translation_flow_step(double s, double eta, double lambda)
{
    return exp(-lambda * eta) * s;
}

double sym_scale_flow_step(double Q, double G, double eta, double lambda)
{
    double x = 2.0 * lambda * eta;
    /* (1 - e^{-x}) / (2 lambda) = eta * (-expm1(-x)) / x, exact as x -> 0 */
    double w = x > 0.0 ? eta * (-expm1(-x)) / x : eta;
    return exp(-x) * Q + eta * G * w;
}

/* ------------------------------------- exact discrete laws, heavy ball */

/* excerpt: exact-momentum */
void sym_translation_momentum_step(double *s, double *u, double eta,
                                   double beta, double lambda)
{
    /* sum over A of v <- beta v + g + lambda theta, with sum_A g = 0 */
    *u = beta * *u + lambda * *s;
    *s = *s - eta * *u;
}

void sym_scale_momentum_step(double *Q, double *P, double R_next,
                             double eta, double beta, double lambda)
{
    /* p = <theta_k, v_k+1>, using <g_A, theta_A> = 0 */
    double p = beta * *P + lambda * *Q;
    *Q = *Q - 2.0 * eta * p + eta * eta * R_next;
    *P = p - eta * R_next;            /* <theta_k+1, v_k+1> */
}
/* end excerpt */

/* ----------------------------------- the continuous damped oscillator */

void sym_osc_init(sym_osc_t *o, double gamma, double omega2)
{
    o->gamma = gamma;
    o->omega2 = omega2;
    double d = omega2 - gamma * gamma;
    o->Omega = sqrt(fabs(d));
    double tol = 1e-12 * (omega2 + gamma * gamma);
    o->regime = d > tol ? 1 : (d < -tol ? -1 : 0);
}

double sym_osc_free(const sym_osc_t *o, double t)
{
    double e = exp(-o->gamma * t), W = o->Omega;
    if (o->regime > 0)
        return e * (cos(W * t) + o->gamma / W * sin(W * t));
    if (o->regime < 0)
        return e * (cosh(W * t) + o->gamma / W * sinh(W * t));
    return e * (1.0 + o->gamma * t);
}

double sym_osc_green(const sym_osc_t *o, double t)
{
    double e = exp(-o->gamma * t), W = o->Omega;
    if (o->regime > 0)
        return e * sin(W * t) / W;
    if (o->regime < 0)
        return e * sinh(W * t) / W;
    return e * t;
}

double sym_osc_period(const sym_osc_t *o)
{
    return o->regime > 0 ? 2.0 * PI / o->Omega : 0.0;
}

void sym_conv_init(sym_conv_t *c, const sym_osc_t *o, double h)
{
    memset(c, 0, sizeof *c);
    c->o = *o;
    c->h = h;
    double g = o->gamma, W = o->Omega;
    if (o->regime > 0) {
        c->ea = exp(-g * h);
        c->ca = cos(W * h);
        c->sa = sin(W * h);
    } else if (o->regime < 0) {
        c->ea = exp((-g + W) * h);   /* slow root */
        c->eb = exp((-g - W) * h);   /* fast root */
    } else {
        c->ea = exp(-g * h);
    }
}

double sym_conv_push(sym_conv_t *c, double f)
{
    const sym_osc_t *o = &c->o;
    if (o->regime > 0) {
        /* Z <- e^{(-gamma + i Omega) h} (Z + f) */
        double re = c->re + f, im = c->im;
        c->re = c->ea * (c->ca * re - c->sa * im);
        c->im = c->ea * (c->sa * re + c->ca * im);
        return c->im / o->Omega;
    }
    if (o->regime < 0) {
        c->a = c->ea * (c->a + f);
        c->b = c->eb * (c->b + f);
        return (c->a - c->b) / (2.0 * o->Omega);
    }
    /* critical: a = sum e^{-gamma dt} f, b = sum dt e^{-gamma dt} f */
    c->b = c->ea * (c->b + c->h * (c->a + f));
    c->a = c->ea * (c->a + f);
    return c->b;
}

/* --------------------------------------------------- gradient flow */

/* Gradient flow with the forcing integral as one first-order system for the
 * RK4 of physics/integrators.h: y = (theta, J), y' = (-G(theta), F(theta, G)). */
typedef struct {
    size_t n;
    sym_grad_fn G;
    void *gctx;
    sym_forcing_fn F;
    void *fctx;
} flow_ctx;

static int flow_field(double *dydt, const double *y, double t, void *vc)
{
    const flow_ctx *c = vc;
    c->G(dydt, y, c->gctx);                    /* g, for the forcing ... */
    if (c->F)
        c->F(dydt + c->n, y, dydt, c->fctx);
    for (size_t i = 0; i < c->n; i++)          /* ... then the velocity -g */
        dydt[i] = -dydt[i];
    return 0;
}

void sym_flow_rk4(double *theta, size_t n, sym_grad_fn G, void *gctx, double dt, long nsteps,
                  sym_forcing_fn F, void *fctx, int nf, double *J, double *ws)
{
    if (!F)
        nf = 0;
    size_t m = n + (size_t)nf;
    double *y = ws, *work = ws + m;
    flow_ctx c = {n, G, gctx, nf ? F : NULL, fctx};
    memcpy(y, theta, n * sizeof *y);
    if (nf)
        memcpy(y + n, J, (size_t)nf * sizeof *y);
    phys_integrate(&phys_rk4, y, m, 0.0, dt, nsteps, flow_field, &c, work);
    memcpy(theta, y, n * sizeof *y);
    if (nf)
        memcpy(J, y + n, (size_t)nf * sizeof *y);
}

/* ------------------------------------------ a smooth network with all three */

int sym_smooth_init(sym_smooth_t *s, int d, int H1, int H2, int C, int B, const double *x,
                    const int *y)
{
    memset(s, 0, sizeof *s);
    if (d < 1 || H1 < 1 || H2 < 1 || C < 2 || B < 2)
        return -1;
    s->d = d, s->H1 = H1, s->H2 = H2, s->C = C, s->B = B, s->x = x, s->y = y;
    size_t o = 0;
    s->oW1 = o, o += (size_t)H1 * d;
    s->ob1 = o, o += (size_t)H1;
    s->oW2 = o, o += (size_t)H2 * H1;
    s->ob2 = o, o += (size_t)H2;
    s->oW3 = o, o += (size_t)C * H2;
    s->ob3 = o, o += (size_t)C;
    s->n_params = o;
    size_t b = (size_t)B;
    s->z1 = calloc(b * H1, sizeof(double));
    s->xh = calloc(b * H1, sizeof(double));
    s->a1 = calloc(b * H1, sizeof(double));
    s->d1 = calloc(b * H1, sizeof(double));
    s->mean = calloc((size_t)H1, sizeof(double));
    s->rstd = calloc((size_t)H1, sizeof(double));
    s->z2 = calloc(b * H2, sizeof(double));
    s->d2 = calloc(b * H2, sizeof(double));
    s->z3 = calloc(b * C, sizeof(double));
    s->d3 = calloc(b * C, sizeof(double));
    if (!(s->z1 && s->xh && s->a1 && s->d1 && s->mean && s->rstd && s->z2 && s->d2 && s->z3 &&
          s->d3)) {
        sym_smooth_free(s);
        return -1;
    }
    return 0;
}

void sym_smooth_free(sym_smooth_t *s)
{
    free(s->z1), free(s->xh), free(s->a1), free(s->d1), free(s->mean), free(s->rstd);
    free(s->z2), free(s->d2), free(s->z3), free(s->d3);
    memset(s, 0, sizeof *s);
}

void sym_smooth_init_params(const sym_smooth_t *s, double *theta, rng_t *r)
{
    const int fan[3] = {s->d, s->H1, s->H2};
    const size_t lo[3] = {s->oW1, s->oW2, s->oW3}, hi[3] = {s->oW2, s->oW3, s->n_params};
    for (int l = 0; l < 3; l++) {
        double k = 1.0 / sqrt((double)fan[l]);
        for (size_t i = lo[l]; i < hi[l]; i++)
            theta[i] = k * (2.0 * rng_uniform(r) - 1.0);
    }
}

double sym_smooth_grad(double *grad, const double *theta, void *ctx)
{
    sym_smooth_t *s = ctx;
    int B = s->B, d = s->d, H1 = s->H1, H2 = s->H2, C = s->C;
    size_t n1 = (size_t)B * H1;
    nn_linear_forward(s->z1, s->x, theta + s->oW1, theta + s->ob1, B, d, H1);
    nn_batchnorm_forward(s->xh, s->xh, s->mean, s->rstd, s->z1, NULL, NULL, B, H1, 0.0);
    nn_tanh_forward(s->a1, s->xh, n1);
    nn_linear_forward(s->z2, s->a1, theta + s->oW2, theta + s->ob2, B, H1, H2);
    nn_linear_forward(s->z3, s->z2, theta + s->oW3, theta + s->ob3, B, H2, C);
    double loss = nn_softmax_xent(s->d3, s->z3, s->y, B, C);
    nn_linear_backward(s->d2, grad + s->oW3, grad + s->ob3, s->d3, s->z2, theta + s->oW3, B, H2, C);
    nn_linear_backward(s->d1, grad + s->oW2, grad + s->ob2, s->d2, s->a1, theta + s->oW2, B, H1,
                       H2);
    nn_tanh_backward(s->d1, s->d1, s->a1, n1);
    nn_batchnorm_backward(s->z1, NULL, NULL, s->d1, s->xh, s->rstd, NULL, B, H1); /* z1 <- dz1 */
    nn_linear_backward(NULL, grad + s->oW1, grad + s->ob1, s->z1, s->x, theta + s->oW1, B, d, H1);
    return loss;
}

/* ------------------------------------------------ generators of the groups */

size_t sym_generator(size_t *idx, double *xi, sym_kind_t kind, const double *theta,
                     const sym_layer_t *L, const sym_layer_t *next, int i)
{
    const int rows = L->rows, cols = L->cols, hasb = L->ob != SYM_NO_BIAS;
    size_t n = 0;
    if (kind == SYM_TRANSLATION) {
        if (i < 0 || i > cols || (i == cols && !hasb))
            return 0;
        for (int r = 0; r < rows; r++, n++)
            if (idx) {
                idx[n] = i < cols ? L->oW + (size_t)r * cols + i : L->ob + r;
                xi[n] = 1.0;
            }
        return n;
    }
    if (i < 0 || i >= rows || (kind == SYM_RESCALE && (!next || next->cols != rows)))
        return 0;
    for (int c = 0; c <= cols; c++) {
        if (c == cols && !hasb)
            break;
        if (idx) {
            idx[n] = c < cols ? L->oW + (size_t)i * cols + c : L->ob + i;
            xi[n] = theta[idx[n]];
        }
        n++;
    }
    if (kind == SYM_RESCALE)
        for (int r = 0; r < next->rows; r++, n++)
            if (idx) {
                idx[n] = next->oW + (size_t)r * next->cols + i;
                xi[n] = -theta[idx[n]];
            }
    return n;
}

/* ----------------------------------------- gradient noise along generators */

int sym_noise_init(sym_noise_t *z, int ngroups, const size_t *sizes, int nrand)
{
    memset(z, 0, sizeof *z);
    if (ngroups < 1 || nrand < 0)
        return -1;
    z->ngroups = ngroups, z->nrand = nrand, z->ndir = 1 + nrand;
    z->start = calloc((size_t)ngroups + 1, sizeof *z->start);
    if (!z->start)
        return -1;
    for (int a = 0; a < ngroups; a++)
        z->start[a + 1] = z->start[a] + sizes[a];
    size_t nnz = z->nnz = z->start[ngroups], np = (size_t)ngroups * z->ndir;
    z->idx = calloc(nnz ? nnz : 1, sizeof *z->idx);
    z->dir = calloc(nnz ? nnz * z->ndir : 1, sizeof *z->dir);
    z->cmean = calloc(nnz ? nnz : 1, sizeof *z->cmean);
    z->cm2 = calloc(nnz ? nnz : 1, sizeof *z->cm2);
    z->pmean = calloc(np, sizeof *z->pmean);
    z->pm2 = calloc(np, sizeof *z->pm2);
    z->g2 = calloc((size_t)ngroups, sizeof *z->g2);
    if (!(z->idx && z->dir && z->cmean && z->cm2 && z->pmean && z->pm2 && z->g2)) {
        sym_noise_free(z);
        return -1;
    }
    return 0;
}

void sym_noise_free(sym_noise_t *z)
{
    free(z->start), free(z->idx), free(z->dir), free(z->cmean), free(z->cm2);
    free(z->pmean), free(z->pm2), free(z->g2);
    memset(z, 0, sizeof *z);
}

/* u /= |u|; returns |u| */
static double normalise(double *u, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += u[i] * u[i];
    s = sqrt(s);
    if (s > 0.0)
        for (size_t i = 0; i < n; i++)
            u[i] /= s;
    return s;
}

int sym_noise_set(sym_noise_t *z, int a, const size_t *idx, const double *xi, rng_t *r)
{
    if (a < 0 || a >= z->ngroups)
        return -1;
    size_t o = z->start[a], m = z->start[a + 1] - o;
    memcpy(z->idx + o, idx, m * sizeof *idx);
    double *u = z->dir + o;
    memcpy(u, xi, m * sizeof *xi);
    if (normalise(u, m) == 0.0)
        return -1;
    for (int d = 1; d < z->ndir; d++) {
        u = z->dir + (size_t)d * z->nnz + o;
        for (size_t j = 0; j < m; j++)
            u[j] = rng_normal(r);
        normalise(u, m);
    }
    sym_noise_clear(z);
    return 0;
}

void sym_noise_clear(sym_noise_t *z)
{
    size_t np = (size_t)z->ngroups * z->ndir;
    z->count = 0;
    memset(z->pmean, 0, np * sizeof *z->pmean);
    memset(z->pm2, 0, np * sizeof *z->pm2);
    memset(z->cmean, 0, z->nnz * sizeof *z->cmean);
    memset(z->cm2, 0, z->nnz * sizeof *z->cm2);
    memset(z->g2, 0, (size_t)z->ngroups * sizeof *z->g2);
}

/* Welford: mean += (x - mean)/n, m2 += (x - mean_old)(x - mean_new) */
static void welford(double *mean, double *m2, double x, long n)
{
    double d = x - *mean;
    *mean += d / (double)n;
    *m2 += d * (x - *mean);
}

void sym_noise_add(sym_noise_t *z, const double *g)
{
    long n = ++z->count;
    for (int a = 0; a < z->ngroups; a++) {
        size_t o = z->start[a], m = z->start[a + 1] - o;
        const size_t *idx = z->idx + o;
        double gg = 0.0;
        for (size_t j = 0; j < m; j++) {
            double x = g[idx[j]];
            gg += x * x;
            welford(z->cmean + o + j, z->cm2 + o + j, x, n);
        }
        z->g2[a] += (gg - z->g2[a]) / (double)n;
        for (int d = 0; d < z->ndir; d++) {
            const double *u = z->dir + (size_t)d * z->nnz + o;
            double p = 0.0;
            for (size_t j = 0; j < m; j++)
                p += g[idx[j]] * u[j];
            size_t k = (size_t)a * z->ndir + d;
            welford(z->pmean + k, z->pm2 + k, p, n);
        }
    }
}

void sym_noise_group(const sym_noise_t *z, int a, sym_noise_group_t *out)
{
    size_t o = z->start[a], m = z->start[a + 1] - o;
    double dn = (double)(z->count - 1), tr = 0.0, gb = 0.0;
    for (size_t j = 0; j < m; j++) {
        tr += z->cm2[o + j];
        gb += z->cmean[o + j] * z->cmean[o + j];
    }
    const double *pm2 = z->pm2 + (size_t)a * z->ndir;
    out->size = m;
    out->trace = tr / dn;
    out->gbar2 = gb;
    out->mean_g2 = z->g2[a];
    out->sd_gen = sqrt(pm2[0] / dn);
    out->sd_rand_min = out->sd_rand_max = 0.0;
    for (int d = 1; d < z->ndir; d++) {
        double sd = sqrt(pm2[d] / dn);
        out->sd_rand_min = d == 1 ? sd : fmin(out->sd_rand_min, sd);
        out->sd_rand_max = fmax(out->sd_rand_max, sd);
    }
    out->rms_dir = sqrt(out->trace / (double)m);
}

/* ------------------------------ a two-layer linear network (balancedness) */

int sym_lin2_init(sym_lin2_t *s, int d, int h, int k, int N, const double *x, const double *y)
{
    memset(s, 0, sizeof *s);
    if (d < 1 || h < 1 || k < 1 || N < 1)
        return -1;
    s->d = d, s->h = h, s->k = k, s->N = N, s->x = x, s->y = y;
    s->n_params = (size_t)h * d + (size_t)k * h;
    s->z = calloc((size_t)N * h, sizeof *s->z);
    s->dz = calloc((size_t)N * h, sizeof *s->dz);
    s->r = calloc((size_t)N * k, sizeof *s->r);
    if (!s->z || !s->dz || !s->r) {
        sym_lin2_free(s);
        return -1;
    }
    return 0;
}

void sym_lin2_free(sym_lin2_t *s)
{
    free(s->z), free(s->dz), free(s->r);
    memset(s, 0, sizeof *s);
}

double sym_lin2_grad(double *grad, const double *theta, void *ctx)
{
    sym_lin2_t *s = ctx;
    const int d = s->d, h = s->h, k = s->k, N = s->N;
    const double *W1 = theta, *W2 = theta + (size_t)h * d;
    double *G1 = grad, *G2 = grad + (size_t)h * d, loss = 0.0;
    nn_linear_forward(s->z, s->x, W1, NULL, N, d, h);          /* z = x W1^T */
    nn_linear_forward(s->r, s->z, W2, NULL, N, h, k);          /* r = z W2^T */
    for (size_t i = 0; i < (size_t)N * k; i++) {
        s->r[i] -= s->y[i];
        loss += s->r[i] * s->r[i];
        s->r[i] /= N;                                          /* dL/d out */
    }
    /* G2 = r^T z, dz = r W2, G1 = dz^T x */
    nn_linear_backward(s->dz, G2, NULL, s->r, s->z, W2, N, h, k);
    nn_linear_backward(NULL, G1, NULL, s->dz, s->x, W1, N, d, h);
    return 0.5 * loss / N;
}

void sym_lin2_charge(double *C, const sym_lin2_t *s, const double *theta)
{
    const int d = s->d, h = s->h, k = s->k;
    const double *W1 = theta, *W2 = theta + (size_t)h * d;
    for (int a = 0; a < h; a++)
        for (int b = 0; b < h; b++) {
            double u = 0.0, v = 0.0;
            for (int j = 0; j < d; j++)
                u += W1[(size_t)a * d + j] * W1[(size_t)b * d + j];
            for (int c = 0; c < k; c++)
                v += W2[(size_t)c * h + a] * W2[(size_t)c * h + b];
            C[(size_t)a * h + b] = u - v;
        }
}

void sym_lin2_charge_rate(double *rate, double *quad, const sym_lin2_t *s, const double *theta,
                          const double *U)
{
    const int d = s->d, h = s->h, k = s->k;
    const double *W1 = theta, *W2 = theta + (size_t)h * d;
    const double *U1 = U, *U2 = U + (size_t)h * d;
    for (int a = 0; a < h; a++)
        for (int b = 0; b < h; b++) {
            double p = 0.0, q = 0.0, uu = 0.0, vv = 0.0;
            for (int j = 0; j < d; j++) {
                size_t ia = (size_t)a * d + j, ib = (size_t)b * d + j;
                p += U1[ia] * W1[ib] + W1[ia] * U1[ib];
                uu += U1[ia] * U1[ib];
            }
            for (int c = 0; c < k; c++) {
                size_t ia = (size_t)c * h + a, ib = (size_t)c * h + b;
                q += U2[ia] * W2[ib] + W2[ia] * U2[ib];
                vv += U2[ia] * U2[ib];
            }
            rate[(size_t)a * h + b] = -(p - q);
            if (quad)
                quad[(size_t)a * h + b] = uu - vv;
        }
}

double sym_frobenius(const double *A, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += A[i] * A[i];
    return sqrt(s);
}
