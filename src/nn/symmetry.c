/* symmetry.c: charges, gradient-constraint residuals and exact one-step laws
 * of the translation, scale and rescale symmetries (Kunin et al. 2021, NM
 * eqs. 18-20 and their heavy-ball form; Tanaka & Kunin 2021).  See
 * symmetry.h for the definitions; every sum runs in index order. */
#include "nn/symmetry.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "nn/layers.h"
#include "physics/integrators.h"

/* ---------------------------------------------------------------- charges */

void sym_in_sqnorm(double *q, const double *W, const double *b, int rows, int cols)
{
    for (int i = 0; i < rows; i++) {
        const double *w = W + (size_t)i * cols;
        double s = 0.0;
        for (int j = 0; j < cols; j++)
            s += w[j] * w[j];
        if (b)
            s += b[i] * b[i];
        q[i] = s;
    }
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

void sym_col_sum(double *s, const double *W, const double *b, int rows, int cols)
{
    for (int j = 0; j < cols; j++)
        s[j] = 0.0;
    for (int i = 0; i < rows; i++) {
        const double *w = W + (size_t)i * cols;
        for (int j = 0; j < cols; j++)
            s[j] += w[j];
    }
    if (b) {
        double t = 0.0;
        for (int i = 0; i < rows; i++)
            t += b[i];
        s[cols] = t;
    }
}

void sym_col_abs(double *l, const double *W, const double *b, int rows, int cols)
{
    for (int j = 0; j < cols; j++)
        l[j] = 0.0;
    for (int i = 0; i < rows; i++) {
        const double *w = W + (size_t)i * cols;
        for (int j = 0; j < cols; j++)
            l[j] += fabs(w[j]);
    }
    if (b) {
        double t = 0.0;
        for (int i = 0; i < rows; i++)
            t += fabs(b[i]);
        l[cols] = t;
    }
}

void sym_rescale_charge(double *D, const double *W1, const double *b1, const double *W2,
                        int H, int in, int out)
{
    /* outgoing column norms of W2 (out x H), minus incoming row norms of W1 */
    sym_out_sqnorm(D, W2, out, H);
    for (int i = 0; i < H; i++) {
        const double *w = W1 + (size_t)i * in;
        double s = 0.0;
        for (int j = 0; j < in; j++)
            s += w[j] * w[j];
        if (b1)
            s += b1[i] * b1[i];
        D[i] -= s;
    }
}

/* ---------------------------------------------------- gradient constraints */

void sym_row_dot(double *c, const double *A, const double *a_bias, const double *Bm,
                 const double *b_bias, int rows, int cols)
{
    for (int i = 0; i < rows; i++) {
        const double *a = A + (size_t)i * cols, *b = Bm + (size_t)i * cols;
        double s = 0.0;
        for (int j = 0; j < cols; j++)
            s += a[j] * b[j];
        if (a_bias && b_bias)
            s += a_bias[i] * b_bias[i];
        c[i] = s;
    }
}

void sym_col_dot(double *c, const double *A, const double *Bm, int rows, int cols)
{
    for (int j = 0; j < cols; j++)
        c[j] = 0.0;
    for (int i = 0; i < rows; i++) {
        const double *a = A + (size_t)i * cols, *b = Bm + (size_t)i * cols;
        for (int j = 0; j < cols; j++)
            c[j] += a[j] * b[j];
    }
}

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
