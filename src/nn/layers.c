/* layers.c: forward/backward kernels of layers.h in double precision.
 *
 * Linear layers are two or three GEMMs through CBLAS (OpenBLAS); everything
 * else is an explicit loop in a fixed order, so a call is deterministic.
 * Normalizations: BatchNorm (Ioffe & Szegedy 2015, Alg. 1 and its backward
 * pass), LayerNorm (Ba, Kiros & Hinton 2016, Eq. 4), RMSNorm (Zhang &
 * Sennrich 2019, Eq. 4).  Softmax cross-entropy uses log-sum-exp with the
 * row maximum subtracted.  Written from the equations; no code copied. */
#include "nn/layers.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

/* ------------------------------------------------------------ linear, ReLU */

#define LT       double
#define LT_GEMM  cblas_dgemm
#define LT_FN(f) nn_##f
#include "nn/linear_tmpl.h"

void nn_linear_backward(double *din, double *dW, double *db, const double *dout,
                        const double *in, const double *W, int B, int in_dim, int out_dim)
{
    if (db)
        memset(db, 0, (size_t)out_dim * sizeof *db);
    nn_linear_backward_(din, dW, db, dout, in, W, B, in_dim, out_dim, 0.0);
}

/* ------------------------------------------------------------ regression loss
 * (softmax cross-entropy and the count of correct labels: linear_tmpl.h) */

double nn_regression_loss(double *dout, const double *out, const double *y, int B, int C,
                          nn_loss_kind kind, int per_sample)
{
    size_t n = (size_t)B * C;
    double norm = per_sample ? (double)B : (double)n, sum = 0.0;
    for (size_t i = 0; i < n; i++) {
        double e = out[i] - y[i];
        sum += kind == NN_LOSS_L1 ? fabs(e) : e * e;
        if (dout)
            dout[i] = (kind == NN_LOSS_L1 ? (double)((e > 0) - (e < 0)) : 2.0 * e) / norm;
    }
    return sum / norm;
}

/* ------------------------------------------------------------ BatchNorm
 * Reductions over the batch run row by row (cache-friendly) on blocks of
 * NB features whose partial sums live on the stack: no allocation, and the
 * order of every sum is fixed (b = 0, 1, ..., B-1). */

enum { NB = 64 };

void nn_batchnorm_forward(double *out, double *xhat, double *mean, double *rstd,
                          const double *in, const double *gamma, const double *beta,
                          int B, int C, double eps)
{
    for (int c0 = 0; c0 < C; c0 += NB) {
        int nc = C - c0 < NB ? C - c0 : NB;
        double s[NB] = {0}, v[NB] = {0};
        for (int r = 0; r < B; r++) {
            const double *x = in + (size_t)r * C + c0;
            for (int k = 0; k < nc; k++)
                s[k] += x[k];
        }
        for (int k = 0; k < nc; k++)
            s[k] /= B;
        for (int r = 0; r < B; r++) {
            const double *x = in + (size_t)r * C + c0;
            for (int k = 0; k < nc; k++) {
                double d = x[k] - s[k];
                v[k] += d * d;
            }
        }
        for (int k = 0; k < nc; k++) {
            mean[c0 + k] = s[k];
            v[k] = 1.0 / sqrt(v[k] / B + eps);
            rstd[c0 + k] = v[k];
        }
        for (int r = 0; r < B; r++) {
            size_t o = (size_t)r * C + c0;
            for (int k = 0; k < nc; k++) {
                double h = (in[o + k] - s[k]) * v[k];
                xhat[o + k] = h;
                double g = gamma ? gamma[c0 + k] : 1.0;
                double bb = beta ? beta[c0 + k] : 0.0;
                out[o + k] = g * h + bb;
            }
        }
    }
}

void nn_batchnorm_backward(double *din, double *dgamma, double *dbeta, const double *dout,
                           const double *xhat, const double *rstd, const double *gamma,
                           int B, int C)
{
    for (int c0 = 0; c0 < C; c0 += NB) {
        int nc = C - c0 < NB ? C - c0 : NB;
        double sd[NB] = {0}, sdx[NB] = {0};   /* sum dout, sum dout*xhat */
        for (int r = 0; r < B; r++) {
            size_t o = (size_t)r * C + c0;
            for (int k = 0; k < nc; k++) {
                sd[k] += dout[o + k];
                sdx[k] += dout[o + k] * xhat[o + k];
            }
        }
        if (dgamma)
            for (int k = 0; k < nc; k++)
                dgamma[c0 + k] = sdx[k];
        if (dbeta)
            for (int k = 0; k < nc; k++)
                dbeta[c0 + k] = sd[k];
        if (!din)
            continue;
        /* dxhat = gamma dout, so its sums are gamma times those of dout. */
        double a[NB], m1[NB], m2[NB];
        for (int k = 0; k < nc; k++) {
            double g = gamma ? gamma[c0 + k] : 1.0;
            a[k] = g * rstd[c0 + k];
            m1[k] = sd[k] / B;
            m2[k] = sdx[k] / B;
        }
        for (int r = 0; r < B; r++) {
            size_t o = (size_t)r * C + c0;
            for (int k = 0; k < nc; k++)
                din[o + k] = a[k] * (dout[o + k] - m1[k] - xhat[o + k] * m2[k]);
        }
    }
}

void nn_batchnorm_eval(double *out, const double *in, const double *rmean, const double *rvar,
                       const double *gamma, const double *beta, int B, int C, double eps)
{
    for (int r = 0; r < B; r++)
        for (int c = 0; c < C; c++) {
            size_t o = (size_t)r * C + c;
            double h = (in[o] - rmean[c]) / sqrt(rvar[c] + eps);
            out[o] = (gamma ? gamma[c] : 1.0) * h + (beta ? beta[c] : 0.0);
        }
}

void nn_batchnorm_update_running(double *rmean, double *rvar, const double *mean,
                                 const double *rstd, int B, int C, double eps, double momentum)
{
    double unbias = B > 1 ? (double)B / (B - 1) : 1.0;
    for (int c = 0; c < C; c++) {
        double var = 1.0 / (rstd[c] * rstd[c]) - eps;
        rmean[c] = (1.0 - momentum) * rmean[c] + momentum * mean[c];
        rvar[c] = (1.0 - momentum) * rvar[c] + momentum * var * unbias;
    }
}

/* ------------------------------------------------------------ LayerNorm, RMSNorm */

void nn_layernorm_forward(double *out, double *xhat, double *mean, double *rstd,
                          const double *in, const double *gamma, const double *beta,
                          int B, int C, double eps)
{
    for (int r = 0; r < B; r++) {
        const double *x = in + (size_t)r * C;
        double m = 0.0;
        for (int c = 0; c < C; c++)
            m += x[c];
        m /= C;
        double v = 0.0;
        for (int c = 0; c < C; c++)
            v += (x[c] - m) * (x[c] - m);
        double s = 1.0 / sqrt(v / C + eps);
        mean[r] = m;
        rstd[r] = s;
        double *h = xhat + (size_t)r * C, *y = out + (size_t)r * C;
        for (int c = 0; c < C; c++) {
            h[c] = (x[c] - m) * s;
            y[c] = (gamma ? gamma[c] : 1.0) * h[c] + (beta ? beta[c] : 0.0);
        }
    }
}

void nn_layernorm_backward(double *din, double *dgamma, double *dbeta, const double *dout,
                           const double *xhat, const double *rstd, const double *gamma,
                           int B, int C)
{
    if (dgamma)
        memset(dgamma, 0, (size_t)C * sizeof *dgamma);
    if (dbeta)
        memset(dbeta, 0, (size_t)C * sizeof *dbeta);
    for (int r = 0; r < B; r++) {
        const double *d = dout + (size_t)r * C, *h = xhat + (size_t)r * C;
        for (int c = 0; c < C; c++) {
            if (dgamma)
                dgamma[c] += d[c] * h[c];
            if (dbeta)
                dbeta[c] += d[c];
        }
        if (!din)
            continue;
        double s1 = 0.0, s2 = 0.0;   /* mean dxhat, mean dxhat*xhat */
        for (int c = 0; c < C; c++) {
            double g = (gamma ? gamma[c] : 1.0) * d[c];
            s1 += g;
            s2 += g * h[c];
        }
        s1 /= C;
        s2 /= C;
        double *dx = din + (size_t)r * C;
        for (int c = 0; c < C; c++) {
            double g = (gamma ? gamma[c] : 1.0) * d[c];
            dx[c] = rstd[r] * (g - s1 - h[c] * s2);
        }
    }
}

void nn_rmsnorm_forward(double *out, double *xhat, double *rstd, const double *in,
                        const double *gamma, int B, int C, double eps)
{
    for (int r = 0; r < B; r++) {
        const double *x = in + (size_t)r * C;
        double q = 0.0;
        for (int c = 0; c < C; c++)
            q += x[c] * x[c];
        double s = 1.0 / sqrt(q / C + eps);
        rstd[r] = s;
        double *h = xhat + (size_t)r * C, *y = out + (size_t)r * C;
        for (int c = 0; c < C; c++) {
            h[c] = x[c] * s;
            y[c] = (gamma ? gamma[c] : 1.0) * h[c];
        }
    }
}

void nn_rmsnorm_backward(double *din, double *dgamma, const double *dout, const double *xhat,
                         const double *rstd, const double *gamma, int B, int C)
{
    if (dgamma)
        memset(dgamma, 0, (size_t)C * sizeof *dgamma);
    for (int r = 0; r < B; r++) {
        const double *d = dout + (size_t)r * C, *h = xhat + (size_t)r * C;
        if (dgamma)
            for (int c = 0; c < C; c++)
                dgamma[c] += d[c] * h[c];
        if (!din)
            continue;
        double s2 = 0.0;
        for (int c = 0; c < C; c++)
            s2 += (gamma ? gamma[c] : 1.0) * d[c] * h[c];
        s2 /= C;
        double *dx = din + (size_t)r * C;
        for (int c = 0; c < C; c++)
            dx[c] = rstd[r] * ((gamma ? gamma[c] : 1.0) * d[c] - h[c] * s2);
    }
}

/* ------------------------------------------------------------ tanh, softplus */

void nn_tanh_forward(double *out, const double *in, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = tanh(in[i]);
}

void nn_tanh_backward(double *din, const double *dout, const double *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        din[i] = dout[i] * (1.0 - out[i] * out[i]);
}

/* softplus(x) = log(1 + e^x), written so that neither branch overflows. */
double nn_softplus(double x)
{
    return x > 0.0 ? x + log1p(exp(-x)) : log1p(exp(x));
}

/* sigmoid(x) = softplus'(x). */
double nn_sigmoid(double x)
{
    if (x >= 0.0)
        return 1.0 / (1.0 + exp(-x));
    double e = exp(x);
    return e / (1.0 + e);
}

void nn_softplus_forward(double *out, const double *in, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = nn_softplus(in[i]);
}

void nn_softplus_backward(double *din, const double *dout, const double *in, size_t n)
{
    for (size_t i = 0; i < n; i++)
        din[i] = dout[i] * nn_sigmoid(in[i]);
}

/* ------------------------------------------------------------ residual */

void nn_add(double *out, const double *a, const double *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = a[i] + b[i];
}
