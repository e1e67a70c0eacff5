/* resnet.c: the residual stream network of resnet.h, its backward pass, its
 * translation and rotation charges with their budgets, and its sharpness.
 * Written from the equations in resnet.h (derived in chapter 1). */
#include "nn/resnet.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "nn/layers.h"

static double *take(double **p, size_t n)
{
    double *r = *p;
    *p += n;
    return r;
}

static double **rows(int n, size_t len)
{
    double **r = xcalloc((size_t)n, sizeof *r);
    for (int i = 0; i < n; i++)
        r[i] = xcalloc(len, sizeof(double));
    return r;
}

static void free_rows(double **r, int n)
{
    if (!r)
        return;
    for (int i = 0; i < n; i++)
        free(r[i]);
    free(r);
}

int resnet_create(resnet_t *m, int N, int in, int D, int H, int T, resnet_branch_t branch)
{
    memset(m, 0, sizeof *m);
    if (N < 1 || in < 1 || D < 1 || D > RESNET_MAX_WIDTH || H < 1 || T < 1)
        return -1;
    m->N = N; m->in = in; m->D = D; m->H = H; m->T = T;
    m->branch = branch;
    m->np = (size_t)D * in + (size_t)T * (2 * (size_t)H * D + H) + D;
    m->theta = xcalloc(m->np, sizeof(double));
    m->grad = xcalloc(m->np, sizeof(double));
    m->W1 = xcalloc(T, sizeof(double *)); m->b1 = xcalloc(T, sizeof(double *));
    m->W2 = xcalloc(T, sizeof(double *));
    m->dW1 = xcalloc(T, sizeof(double *)); m->db1 = xcalloc(T, sizeof(double *));
    m->dW2 = xcalloc(T, sizeof(double *));
    double *p = m->theta, *g = m->grad;
    m->A = take(&p, (size_t)D * in); m->dA = take(&g, (size_t)D * in);
    for (int t = 0; t < T; t++) {
        m->W1[t] = take(&p, (size_t)H * D); m->dW1[t] = take(&g, (size_t)H * D);
        m->b1[t] = take(&p, H);             m->db1[t] = take(&g, H);
        m->W2[t] = take(&p, (size_t)D * H); m->dW2[t] = take(&g, (size_t)D * H);
    }
    m->w = take(&p, D); m->dw = take(&g, D);
    m->X = rows(T + 1, (size_t)N * D);
    m->G = rows(T + 1, (size_t)N * D);
    m->Z = rows(T, (size_t)N * H);
    m->Hh = rows(T, (size_t)N * H);
    m->Hc = branch == RESNET_CENTERED ? rows(T, (size_t)N * H) : m->Hh;
    m->dH = xcalloc((size_t)N * H, sizeof(double));
    m->dX = xcalloc((size_t)N * D, sizeof(double));
    m->out = xcalloc(N, sizeof(double));
    m->dout = xcalloc(N, sizeof(double));
    return 0;
}

void resnet_free(resnet_t *m)
{
    if (m->Hc != m->Hh)
        free_rows(m->Hc, m->T);
    free_rows(m->X, m->T + 1);
    free_rows(m->G, m->T + 1);
    free_rows(m->Z, m->T);
    free_rows(m->Hh, m->T);
    void *p[] = { m->theta, m->grad, m->W1, m->b1, m->W2, m->dW1, m->db1, m->dW2,
                  m->dH, m->dX, m->out, m->dout };
    for (size_t i = 0; i < sizeof p / sizeof *p; i++)
        free(p[i]);
    memset(m, 0, sizeof *m);
}

void resnet_init_params(resnet_t *m, rng_t *r)
{
    const int D = m->D, H = m->H, T = m->T;
    for (int i = 0; i < D * m->in; i++) m->A[i] = rng_normal(r) / sqrt((double)m->in);
    for (int t = 0; t < T; t++) {
        for (int i = 0; i < H * D; i++) m->W1[t][i] = rng_normal(r) / sqrt((double)D);
        for (int i = 0; i < H; i++) m->b1[t][i] = 0.1 * rng_normal(r);
        for (int i = 0; i < D * H; i++) m->W2[t][i] = rng_normal(r) / sqrt((double)H * T);
    }
    for (int i = 0; i < D; i++) m->w[i] = rng_normal(r) / sqrt((double)D);
}

/* out[i, :] = in[i, :] - (1/N) sum_j in[j, :]: the centering of a batch and
 * its own adjoint (a symmetric projection).  Column sums in row order. */
static void center_rows(double *out, const double *in, int N, int C)
{
    for (int c = 0; c < C; c++) {
        double s = 0;
        for (int i = 0; i < N; i++) s += in[(size_t)i * C + c];
        s /= N;
        for (int i = 0; i < N; i++) out[(size_t)i * C + c] = in[(size_t)i * C + c] - s;
    }
}

double resnet_loss_grad(resnet_t *m, const double *U, const double *y)
{
    const int N = m->N, D = m->D, H = m->H, T = m->T;
    const int centered = m->branch == RESNET_CENTERED;
    nn_linear_forward(m->X[0], U, m->A, NULL, N, m->in, D);
    for (int t = 0; t < T; t++) {
        nn_linear_forward(m->Z[t], m->X[t], m->W1[t], m->b1[t], N, D, H);
        nn_relu_forward(m->Hh[t], m->Z[t], (size_t)N * H);
        if (centered) center_rows(m->Hc[t], m->Hh[t], N, H);
        nn_linear_forward(m->X[t + 1], m->Hc[t], m->W2[t], NULL, N, H, D);
        nn_add(m->X[t + 1], m->X[t + 1], m->X[t], (size_t)N * D);
    }
    nn_linear_forward(m->out, m->X[T], m->w, NULL, N, D, 1);
    double loss = 0;
    for (int i = 0; i < N; i++) {
        double r = m->out[i] - y[i];
        loss += r * r;
        m->dout[i] = r / N;
    }
    loss /= 2.0 * N;
    /* The _acc kernels on a zeroed gradient give the bytes of the plain
     * ones, and skip OpenBLAS's separate zeroing pass (beta = 1). */
    memset(m->grad, 0, m->np * sizeof *m->grad);
    /* excerpt: depth-backward */
    nn_linear_backward_acc(m->G[T], m->dw, NULL, m->dout, m->X[T], m->w, N, D, 1);
    for (int t = T - 1; t >= 0; t--) {
        /* branch: x_{t+1} = x_t + W2 c(relu(W1 x_t + b1)) */
        nn_linear_backward_acc(m->dH, m->dW2[t], NULL, m->G[t + 1], m->Hc[t], m->W2[t], N, H, D);
        if (centered) center_rows(m->dH, m->dH, N, H);
        /* rows of dH: d_i / N; their sum is grad_b1 */
        nn_relu_backward(m->dH, m->dH, m->Z[t], (size_t)N * H);
        nn_linear_backward_acc(m->dX, m->dW1[t], m->db1[t], m->dH, m->X[t], m->W1[t], N, D, H);
        /* g_t = g_{t+1} + W1^T d */
        nn_add(m->G[t], m->G[t + 1], m->dX, (size_t)N * D);
    }
    /* end excerpt */
    nn_linear_backward_acc(NULL, m->dA, NULL, m->G[0], U, m->A, N, m->in, D);
    return loss;
}

void resnet_charges(const resnet_t *m, double *P)
{
    for (int t = 0; t <= m->T; t++)
        for (int k = 0; k < m->D; k++) {
            double s = 0;
            for (int i = 0; i < m->N; i++) s += m->G[t][(size_t)i * m->D + k];
            P[(size_t)t * m->D + k] = s;
        }
}

void resnet_budget(const resnet_t *m, double *B)
{
    for (int t = 0; t < m->T; t++)
        for (int k = 0; k < m->D; k++) {
            double b = 0;
            for (int j = 0; j < m->H; j++) b += m->W1[t][(size_t)j * m->D + k] * m->db1[t][j];
            B[(size_t)t * m->D + k] = b;
        }
}

/* K[t] = antisym (sum_i G[t][i] X[t][i]^T) (one GEMM, C = G^T X) and the L1
 * scale sum_i |G[t][i]|_1 |X[t][i]|_1 (rows in index order). */
static double rotation_charge(const resnet_t *m, int t, double *Kt)
{
    const int N = m->N, D = m->D;
    double C[RESNET_MAX_WIDTH * RESNET_MAX_WIDTH], scale = 0;
    for (int jk = 0; jk < D * D; jk++) C[jk] = 0;
    nn_linear_backward_acc(NULL, C, NULL, m->G[t], m->X[t], NULL, N, D, D);
    for (int i = 0; i < N; i++) {
        const double *g = m->G[t] + (size_t)i * D, *x = m->X[t] + (size_t)i * D;
        double ng = 0, nx = 0;
        for (int j = 0; j < D; j++) {
            ng += fabs(g[j]);
            nx += fabs(x[j]);
        }
        scale += ng * nx;
    }
    for (int j = 0; j < D; j++)
        for (int k = 0; k < D; k++) Kt[j * D + k] = 0.5 * (C[j * D + k] - C[k * D + j]);
    return scale;
}

double resnet_rotation(const resnet_t *m, double *K, double *Rsum)
{
    const int D = m->D, H = m->H, T = m->T;
    double worst = 0, scale_next = rotation_charge(m, T, K + (size_t)T * D * D);
    for (int jk = 0; jk < D * D; jk++) Rsum[jk] = 0;
    for (int t = T - 1; t >= 0; t--) {
        double st = rotation_charge(m, t, K + (size_t)t * D * D), scale = st + scale_next, r2 = 0;
        for (int j = 0; j < D; j++)
            for (int k = 0; k < D; k++) {
                double b = 0, bt = 0;     /* M[j][k] and M[k][j], M = W1^T dW1 - dW2 W2^T */
                for (int a = 0; a < H; a++) {
                    b += m->W1[t][(size_t)a * D + j] * m->dW1[t][(size_t)a * D + k]
                       - m->dW2[t][(size_t)j * H + a] * m->W2[t][(size_t)k * H + a];
                    bt += m->W1[t][(size_t)a * D + k] * m->dW1[t][(size_t)a * D + j]
                        - m->dW2[t][(size_t)k * H + a] * m->W2[t][(size_t)j * H + a];
                }
                double budget = 0.5 * (b - bt);
                Rsum[j * D + k] += budget;
                double r = K[((size_t)t * D + j) * D + k] - K[((size_t)(t + 1) * D + j) * D + k] - budget;
                r2 += r * r;
            }
        scale_next = st;
        if (scale > 0 && sqrt(r2) / scale > worst) worst = sqrt(r2) / scale;
    }
    return worst;
}

double resnet_always_on(const resnet_t *m, int t, const double *P, int *count)
{
    const int N = m->N, D = m->D, H = m->H;
    const double *Pn = P + (size_t)(t + 1) * D;
    double worst = 0;
    *count = 0;
    for (int a = 0; a < H; a++) {
        int on = 1;
        for (int i = 0; i < N && on; i++) on = m->Z[t][(size_t)i * H + a] > 0;
        if (!on) continue;
        ++*count;
        double pred = 0, scale = 0;
        for (int k = 0; k < D; k++) pred += m->W2[t][(size_t)k * H + a] * Pn[k];
        for (int i = 0; i < N; i++) {
            double s = 0;
            for (int k = 0; k < D; k++) s += m->W2[t][(size_t)k * H + a] * m->G[t + 1][(size_t)i * D + k];
            scale += fabs(s);
        }
        double dev = fabs(m->db1[t][a] - pred);
        if (scale > 0 && dev / scale > worst) worst = dev / scale;
    }
    return worst;
}

static double dot(const double *a, const double *b, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++) s += a[i] * b[i];
    return s;
}

/* Signs of every pre-activation into pat (1: active), or whether they
 * still are those of pat. */
static void save_pattern(const resnet_t *m, double *pat)
{
    const size_t nh = (size_t)m->N * m->H;
    for (int t = 0; t < m->T; t++)
        for (size_t i = 0; i < nh; i++) pat[t * nh + i] = m->Z[t][i] > 0;
}

static int same_pattern(const resnet_t *m, const double *pat)
{
    const size_t nh = (size_t)m->N * m->H;
    for (int t = 0; t < m->T; t++)
        for (size_t i = 0; i < nh; i++)
            if (pat[t * nh + i] != (m->Z[t][i] > 0)) return 0;
    return 1;
}

/* Hv by central differences of the gradient within theta's activation
 * pattern pat; theta is restored bit for bit (saved in keep). */
static void hvp(resnet_t *m, const double *U, const double *y, const double *v, double h,
                double *Hv, double *keep, const double *pat)
{
    const size_t n = m->np;
    memcpy(keep, m->theta, n * sizeof *keep);
    for (int tries = 0; tries <= 6; tries++, h /= 16) {
        for (size_t i = 0; i < n; i++) m->theta[i] = keep[i] + h * v[i];
        resnet_loss_grad(m, U, y);
        int same = same_pattern(m, pat);
        memcpy(Hv, m->grad, n * sizeof *Hv);
        for (size_t i = 0; i < n; i++) m->theta[i] = keep[i] - h * v[i];
        resnet_loss_grad(m, U, y);
        same = same && same_pattern(m, pat);
        for (size_t i = 0; i < n; i++) Hv[i] = (Hv[i] - m->grad[i]) / (2 * h);
        if (same) break;
    }
    memcpy(m->theta, keep, n * sizeof *keep);
}

size_t resnet_sharpness_work(const resnet_t *m)
{
    return 2 * m->np + (size_t)m->T * m->N * m->H;
}

double resnet_sharpness(resnet_t *m, const double *U, const double *y, double *v, int iters,
                        double h, double *work, double *res)
{
    const size_t n = m->np;
    double *Hv = work, *keep = work + n, *pat = work + 2 * n;
    double nv = sqrt(dot(v, v, n)), lambda = 0;
    resnet_loss_grad(m, U, y);
    save_pattern(m, pat);
    for (size_t i = 0; i < n; i++) v[i] /= nv;
    for (int it = 0; it < iters; it++) {
        hvp(m, U, y, v, h, Hv, keep, pat);
        lambda = dot(v, Hv, n);
        double nh = sqrt(dot(Hv, Hv, n));
        if (it == iters - 1 && res) {
            double r2 = 0;
            for (size_t i = 0; i < n; i++) r2 += (Hv[i] - lambda * v[i]) * (Hv[i] - lambda * v[i]);
            *res = lambda != 0 ? sqrt(r2) / fabs(lambda) : INFINITY;
        }
        if (nh > 0)
            for (size_t i = 0; i < n; i++) v[i] = Hv[i] / nh;
    }
    resnet_loss_grad(m, U, y);
    return lambda;
}
