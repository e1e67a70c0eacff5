/* depth.c: "Noether along depth" (Gadzinski 2024, and the author's comments
 * on it; brief blog-and-tools.md sect. A.3).  A residual ReLU network with no
 * normalization,
 *     x_0 = A u,   x_{t+1} = x_t + W2_t relu(W1_t x_t + b1_t),   out = w . x_T,
 * is trained by full-batch gradient descent on a toy regression (mean squared
 * error).  Read as a discrete-time process with depth t as time, the backprop
 * gradients g_t = dl/dx_t are its momenta.
 *
 * Symmetry of block t (translation): x -> x + eps v, b1_t -> b1_t - eps W1_t v
 * leaves the block's output shifted by eps v.  Pairing the derivative with the
 * gradients gives, per sample, <g_t, v> = <g_{t+1}, v> + <d_i, W1_t v>, with
 * d_i the sample's gradient at the hidden pre-activation; averaged over the
 * data (the loss is the mean), the charge P_t = E g_t obeys
 *     P_t - P_{t+1} = W1_t^T grad_{b1_t} L          (the violation budget)
 * exactly.  At a stationary point of training grad_{b1} L = 0 and P_t is the
 * same at every depth, while the per-sample charges <g_t^(i), v> are not.
 * No other biases: a bias added to the residual stream (or at the input or
 * output) would have P_t itself as its gradient and would force P_t = 0.
 *
 * Output: data/ch1/depth_train.tsv (log-spaced steps: loss, gradient norm,
 * spread of P_t across layers, budget), data/ch1/depth_layers.tsv (charges
 * per layer at three checkpoints, averaged and per sample),
 * data/ch1/depth_summary.tsv. */
#include "core/args.h"
#include "core/rng.h"
#include "core/tsv.h"
#include "core/util.h"
#include "nn/layers.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int N, D, H, T;
    size_t np;
    double *theta, *grad;            /* [np] */
    double *A, **W1, **b1, **W2, *w; /* views into theta */
    double *dA, **dW1, **db1, **dW2, *dw;
    double *U, *y;                   /* data [N,2], [N] */
    double **X, **Z, **Hh, **G;      /* X[t] [N,D] t=0..T, Z/Hh [N,H], G[t] [N,D] */
    double *dH, *dX, *out, *dout;
} net_t;

static double *take(double **p, size_t n) { double *r = *p; *p += n; return r; }

static void net_init(net_t *m, int N, int D, int H, int T, double noise, rng_t *rdata, rng_t *rinit)
{
    m->N = N; m->D = D; m->H = H; m->T = T;
    m->np = (size_t)D * 2 + (size_t)T * ((size_t)H * D + H + (size_t)D * H) + D;
    m->theta = xcalloc(m->np, sizeof(double));
    m->grad = xcalloc(m->np, sizeof(double));
    m->W1 = xcalloc(T, sizeof(double *)); m->b1 = xcalloc(T, sizeof(double *));
    m->W2 = xcalloc(T, sizeof(double *));
    m->dW1 = xcalloc(T, sizeof(double *)); m->db1 = xcalloc(T, sizeof(double *));
    m->dW2 = xcalloc(T, sizeof(double *));
    double *p = m->theta, *g = m->grad;
    m->A = take(&p, (size_t)D * 2); m->dA = take(&g, (size_t)D * 2);
    for (int t = 0; t < T; t++) {
        m->W1[t] = take(&p, (size_t)H * D); m->dW1[t] = take(&g, (size_t)H * D);
        m->b1[t] = take(&p, H);             m->db1[t] = take(&g, H);
        m->W2[t] = take(&p, (size_t)D * H); m->dW2[t] = take(&g, (size_t)D * H);
    }
    m->w = take(&p, D); m->dw = take(&g, D);
    /* Gaussian init, variance 1/fan_in; the residual branch scaled by
     * 1/sqrt(T) so the stream's size does not grow with depth. */
    for (int i = 0; i < D * 2; i++) m->A[i] = rng_normal(rinit) / sqrt(2.0);
    for (int t = 0; t < T; t++) {
        for (int i = 0; i < H * D; i++) m->W1[t][i] = rng_normal(rinit) / sqrt((double)D);
        for (int i = 0; i < H; i++) m->b1[t][i] = 0.1 * rng_normal(rinit);
        for (int i = 0; i < D * H; i++) m->W2[t][i] = rng_normal(rinit) / sqrt((double)H * T);
    }
    for (int i = 0; i < D; i++) m->w[i] = rng_normal(rinit) / sqrt((double)D);

    /* Data: u uniform in [-1, 1]^2, y = 0.5 + sin(2 u1) cos(2 u2) + noise
     * (nonzero mean, no output bias to absorb it; the noise and a network with
     * fewer parameters than samples keep the residuals, and so the charges,
     * away from zero at the stationary point). */
    m->U = xcalloc((size_t)N * 2, sizeof(double));
    m->y = xcalloc(N, sizeof(double));
    for (int i = 0; i < N; i++) {
        double u1 = 2 * rng_uniform(rdata) - 1, u2 = 2 * rng_uniform(rdata) - 1;
        m->U[2 * i] = u1;
        m->U[2 * i + 1] = u2;
        m->y[i] = 0.5 + sin(2 * u1) * cos(2 * u2) + noise * rng_normal(rdata);
    }
    m->X = xcalloc(T + 1, sizeof(double *)); m->G = xcalloc(T + 1, sizeof(double *));
    m->Z = xcalloc(T, sizeof(double *)); m->Hh = xcalloc(T, sizeof(double *));
    for (int t = 0; t <= T; t++) {
        m->X[t] = xcalloc((size_t)N * D, sizeof(double));
        m->G[t] = xcalloc((size_t)N * D, sizeof(double));
    }
    for (int t = 0; t < T; t++) {
        m->Z[t] = xcalloc((size_t)N * H, sizeof(double));
        m->Hh[t] = xcalloc((size_t)N * H, sizeof(double));
    }
    m->dH = xcalloc((size_t)N * H, sizeof(double));
    m->dX = xcalloc((size_t)N * D, sizeof(double));
    m->out = xcalloc(N, sizeof(double));
    m->dout = xcalloc(N, sizeof(double));
}

static void net_free(net_t *m)
{
    for (int t = 0; t <= m->T; t++) {
        free(m->X[t]);
        free(m->G[t]);
    }
    for (int t = 0; t < m->T; t++) {
        free(m->Z[t]);
        free(m->Hh[t]);
    }
    void *p[] = { m->theta, m->grad, m->W1, m->b1, m->W2, m->dW1, m->db1, m->dW2, m->U, m->y,
                  m->X, m->G, m->Z, m->Hh, m->dH, m->dX, m->out, m->dout };
    for (size_t i = 0; i < sizeof p / sizeof *p; i++) free(p[i]);
}

/* Forward and backward of L = (1/2N) sum_i (out_i - y_i)^2; fills grad and
 * G[t] = dL/dX[t] (rows: (1/N) times the per-sample gradients g_t^(i)). */
static double net_step(net_t *m)
{
    const int N = m->N, D = m->D, H = m->H, T = m->T;
    nn_linear_forward(m->X[0], m->U, m->A, NULL, N, 2, D);
    for (int t = 0; t < T; t++) {
        nn_linear_forward(m->Z[t], m->X[t], m->W1[t], m->b1[t], N, D, H);
        nn_relu_forward(m->Hh[t], m->Z[t], (size_t)N * H);
        nn_linear_forward(m->X[t + 1], m->Hh[t], m->W2[t], NULL, N, H, D);
        nn_add(m->X[t + 1], m->X[t + 1], m->X[t], (size_t)N * D);
    }
    nn_linear_forward(m->out, m->X[T], m->w, NULL, N, D, 1);
    double loss = 0;
    for (int i = 0; i < N; i++) {
        double r = m->out[i] - m->y[i];
        loss += r * r;
        m->dout[i] = r / N;
    }
    loss /= 2.0 * N;
    /* excerpt: depth-backward */
    nn_linear_backward(m->G[T], m->dw, NULL, m->dout, m->X[T], m->w,
                       N, D, 1);
    for (int t = T - 1; t >= 0; t--) {
        /* branch: x_{t+1} = x_t + W2 relu(W1 x_t + b1) */
        nn_linear_backward(m->dH, m->dW2[t], NULL, m->G[t + 1],
                           m->Hh[t], m->W2[t], N, H, D);
        /* rows of dH: d_i / N; their sum is grad_b1 */
        nn_relu_backward(m->dH, m->dH, m->Z[t], (size_t)N * H);
        nn_linear_backward(m->dX, m->dW1[t], m->db1[t], m->dH,
                           m->X[t], m->W1[t], N, D, H);
        /* g_t = g_{t+1} + W1^T d */
        nn_add(m->G[t], m->G[t + 1], m->dX, (size_t)N * D);
    }
    /* end excerpt */
    nn_linear_backward(NULL, m->dA, NULL, m->G[0], m->U, m->A, N, 2, D);
    return loss;
}

/* P[t][k] = sum_i G[t][i,k] = E_i g_t^(i)  (fixed order). */
static void charges(const net_t *m, double *P)
{
    for (int t = 0; t <= m->T; t++)
        for (int k = 0; k < m->D; k++) {
            double s = 0;
            for (int i = 0; i < m->N; i++) s += m->G[t][(size_t)i * m->D + k];
            P[(size_t)t * m->D + k] = s;
        }
}

static double norm(const double *v, int n)
{
    double s = 0;
    for (int i = 0; i < n; i++) s += v[i] * v[i];
    return sqrt(s);
}

typedef struct {
    double spread, budget, maxdev, Pmean, gnorm, gb1, ends, ends_pred, ends_sample;
    double rot_ends, rot_pred, rot_mean, rot_maxdev;   /* rotation charge, below */
} stats_t;

/* Rotation symmetry of block t (no normalization, no stream bias):
 * x -> R x, W1 -> W1 R^T, W2 -> R W2 maps y to R y.  With R = exp(eps Omega),
 * Omega antisymmetric, the averaged charge is the antisymmetric part K_t of
 * C_t = E[g_t x_t^T], and the budget reads
 *     K_t - K_{t+1} = antisym(W1_t^T grad_W1 L - grad_W2 L W2_t^T).
 * Writes the charges K[t] (D x D each) and returns the largest residual
 * relative to the size of the terms summed (E |g| |x|). */
static double rotation(const net_t *m, double *K, double *Rsum)
{
    const int N = m->N, D = m->D, H = m->H, T = m->T;
    double worst = 0;
    for (int t = 0; t <= T; t++) {
        double *Kt = K + (size_t)t * D * D;
        for (int j = 0; j < D; j++)
            for (int k = 0; k < D; k++) {
                double c = 0, c2 = 0;
                for (int i = 0; i < N; i++) {
                    c += m->G[t][(size_t)i * D + j] * m->X[t][(size_t)i * D + k];
                    c2 += m->G[t][(size_t)i * D + k] * m->X[t][(size_t)i * D + j];
                }
                Kt[j * D + k] = 0.5 * (c - c2);
            }
    }
    for (int jk = 0; jk < D * D; jk++) Rsum[jk] = 0;
    for (int t = 0; t < T; t++) {
        double scale = 0, r2 = 0;
        for (int i = 0; i < N; i++) {
            double gn = 0, xn = 0, gn1 = 0, xn1 = 0;
            for (int k = 0; k < D; k++) {
                gn += fabs(m->G[t][(size_t)i * D + k]);
                xn += fabs(m->X[t][(size_t)i * D + k]);
                gn1 += fabs(m->G[t + 1][(size_t)i * D + k]);
                xn1 += fabs(m->X[t + 1][(size_t)i * D + k]);
            }
            scale += gn * xn + gn1 * xn1;
        }
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
                double r = K[(size_t)t * D * D + j * D + k] - K[(size_t)(t + 1) * D * D + j * D + k] - budget;
                r2 += r * r;
            }
        if (scale > 0 && sqrt(r2) / scale > worst) worst = sqrt(r2) / scale;
    }
    return worst;
}

/* Spread max_{t,s} |P_t - P_s|, budget sum_t |W1_t^T grad_b1_t|, and the
 * largest residual of P_t - P_{t+1} = W1_t^T grad_b1_t relative to the size
 * of the per-sample terms that the averages sum (E_i |g_t^(i)|_1).  Writes
 * P[t] and Bt[t] = W1_t^T grad_b1_t. */
static stats_t measure(const net_t *m, double *P, double *Bt)
{
    const int D = m->D, H = m->H, T = m->T;
    stats_t s = { 0 };
    double *tel = xcalloc(D, sizeof(double));   /* sum_t W1_t^T grad_b1_t */
    charges(m, P);
    for (int t = 0; t <= T; t++) {
        s.Pmean += norm(P + (size_t)t * D, D) / (T + 1);
        for (int u = t + 1; u <= T; u++) {
            double d2 = 0;
            for (int k = 0; k < D; k++) {
                double d = P[(size_t)t * D + k] - P[(size_t)u * D + k];
                d2 += d * d;
            }
            if (sqrt(d2) > s.spread) s.spread = sqrt(d2);
        }
    }
    for (int t = 0; t < T; t++) {
        double *Bv = Bt + (size_t)t * D;
        for (int k = 0; k < D; k++) {         /* Bv = W1^T grad_b1 */
            double b = 0;
            for (int j = 0; j < H; j++) b += m->W1[t][(size_t)j * D + k] * m->db1[t][j];
            Bv[k] = b;
            tel[k] += b;
        }
        s.budget += norm(Bv, D);
        s.gb1 += norm(m->db1[t], H) * norm(m->db1[t], H);
        double r2 = 0, scale = 0;
        for (size_t i = 0; i < (size_t)m->N * D; i++)
            scale += fabs(m->G[t][i]) + fabs(m->G[t + 1][i]);
        for (int k = 0; k < D; k++) {
            double r = P[(size_t)t * D + k] - P[(size_t)(t + 1) * D + k] - Bv[k];
            r2 += r * r;
        }
        if (scale > 0 && sqrt(r2) / scale > s.maxdev) s.maxdev = sqrt(r2) / scale;
    }
    s.gb1 = sqrt(s.gb1);
    s.gnorm = norm(m->grad, (int)m->np);
    /* first layer against last: measured |P_0 - P_T|, the exact prediction
     * |sum_t W1_t^T grad_b1_t|, and the per-sample analogue
     * sqrt(E_i |g_0^(i) - g_T^(i)|^2) (g^(i) = N G rows), which no law fixes. */
    double e2 = 0, ps = 0;
    for (int k = 0; k < D; k++) {
        double d = P[k] - P[(size_t)T * D + k];
        e2 += d * d;
    }
    for (int i = 0; i < m->N; i++)
        for (int k = 0; k < D; k++) {
            double d = m->N * (m->G[0][(size_t)i * D + k] - m->G[T][(size_t)i * D + k]);
            ps += d * d;
        }
    s.ends = sqrt(e2);
    s.ends_pred = norm(tel, D);
    s.ends_sample = sqrt(ps / m->N);
    free(tel);

    double *K = xcalloc((size_t)(T + 1) * D * D, sizeof(double));
    double *Rsum = xcalloc((size_t)D * D, sizeof(double));
    s.rot_maxdev = rotation(m, K, Rsum);
    double d2 = 0;
    for (int jk = 0; jk < D * D; jk++) {
        double d = K[jk] - K[(size_t)T * D * D + jk];
        d2 += d * d;
    }
    s.rot_ends = sqrt(d2);
    s.rot_pred = norm(Rsum, D * D);
    for (int t = 0; t <= T; t++) s.rot_mean += norm(K + (size_t)t * D * D, D * D) / (T + 1);
    free(K);
    free(Rsum);
    return s;
}

typedef struct {
    int n, width, hidden, depth;
    double lr, noise, decay;
    long steps, seed;
    const char *out_dir;
} opts_t;

/* What training keeps: the charges P and budgets Bt at the checkpoints 0,
 * steps/100 and steps, the per-sample charges of samples 0..3 at the end,
 * the statistics at the first and last step, and the worst residuals. */
typedef struct {
    long mid;
    double *Q[3], *B[3], *S;
    stats_t first, last;
    double maxdev, rot_maxdev, loss;
} trace_t;

/* Full-batch gradient descent, logging at ~25 log-spaced steps per decade. */
static void train(net_t *m, const opts_t *o, tsv_t *tt, trace_t *tr)
{
    const int N = m->N, D = m->D, T = m->T;
    const long steps = o->steps;
    double *P = xcalloc((size_t)(T + 1) * D, sizeof(double)), *Bt = xcalloc((size_t)T * D, sizeof(double));
    tr->mid = steps / 100;
    for (int c = 0; c < 3; c++) {
        tr->Q[c] = xcalloc((size_t)(T + 1) * D, sizeof(double));
        tr->B[c] = xcalloc((size_t)T * D, sizeof(double));
    }
    tr->S = xcalloc((size_t)(T + 1) * D * 4, sizeof(double));
    tr->maxdev = tr->rot_maxdev = tr->loss = 0;
    double next_log = 1;
    progress_t pr;
    progress_begin(&pr, "gradient descent");
    for (long k = 0; k <= steps; k++) {
        tr->loss = net_step(m);
        stats_t s = measure(m, P, Bt);
        if (s.maxdev > tr->maxdev) tr->maxdev = s.maxdev;
        if (s.rot_maxdev > tr->rot_maxdev) tr->rot_maxdev = s.rot_maxdev;
        if (k == 0) tr->first = s;
        tr->last = s;
        if (k == 0 || k >= next_log || k == steps) {
            tsv_rowv(tt, 15, (double)k, tr->loss, s.gnorm, s.gb1, s.spread, s.budget, s.Pmean, s.maxdev,
                     s.ends, s.ends_pred, s.ends_sample, s.rot_ends, s.rot_pred, s.rot_mean, s.rot_maxdev);
            while (next_log <= k) next_log *= pow(10.0, 1.0 / 25);
        }
        int c = k == 0 ? 0 : k == tr->mid ? 1 : k == steps ? 2 : -1;
        if (c >= 0) {
            memcpy(tr->Q[c], P, sizeof(double) * (T + 1) * D);
            memcpy(tr->B[c], Bt, sizeof(double) * T * D);
        }
        if (k == steps)
            for (int t = 0; t <= T; t++)
                for (int i = 0; i < 4; i++)
                    for (int j = 0; j < D; j++)
                        tr->S[((size_t)t * 4 + i) * D + j] = N * m->G[t][(size_t)i * D + j];
        if (k == steps) break;
        /* step size lr / (1 + k / decay): large steps first, then small enough
         * that GD settles into the valley instead of bouncing at the edge of
         * stability, so the gradient can go to zero. */
        double eta = o->lr / (1.0 + (double)k / o->decay);
        for (size_t i = 0; i < m->np; i++) m->theta[i] -= eta * m->grad[i];
        if ((k & 1023) == 0) progress_update(&pr, k, steps, NULL);
    }
    progress_end(&pr);
    free(P);
    free(Bt);
}

/* Charges along v per layer at the three checkpoints, measured and
 * telescoped from the last layer, and per sample at the end. */
static void write_layers(tsv_t *tl, const trace_t *tr, const double *v, int T, int D)
{
    for (int t = 0; t <= T; t++) {
        double row[11];
        row[0] = t;
        for (int c = 0; c < 3; c++) {
            double q = 0;
            for (int j = 0; j < D; j++) q += tr->Q[c][(size_t)T * D + j] * v[j];
            for (int u = T - 1; u >= t; u--)
                for (int j = 0; j < D; j++) q += tr->B[c][(size_t)u * D + j] * v[j];
            row[8 + c] = q;
        }
        for (int c = 0; c < 3; c++) {
            double q = 0;
            for (int j = 0; j < D; j++) q += tr->Q[c][(size_t)t * D + j] * v[j];
            row[1 + c] = q;
        }
        for (int i = 0; i < 4; i++) {
            double q = 0;
            for (int j = 0; j < D; j++) q += tr->S[((size_t)t * 4 + i) * D + j] * v[j];
            row[4 + i] = q;
        }
        tsv_row(tl, 11, row);
    }
}

static void write_summary(tsv_t *ts, const opts_t *o, const net_t *m, const trace_t *tr,
                          const double *v, double nv)
{
    const int T = m->T, D = m->D;
    const stats_t first = tr->first, last = tr->last;
    tsv_comment(ts, "numbers quoted in chapter 1 (depth.c)");
    tsv_columns(ts, "key\tvalue");
    tsv_kv(ts, "N", o->n);
    tsv_kv(ts, "width", o->width);
    tsv_kv(ts, "hidden", o->hidden);
    tsv_kv(ts, "depth", o->depth);
    tsv_kv(ts, "lr", o->lr);
    tsv_kv(ts, "decay", o->decay);
    tsv_kv(ts, "noise", o->noise);
    tsv_kv(ts, "params", (double)m->np);
    tsv_kv(ts, "steps", (double)o->steps);
    tsv_kv(ts, "loss_end", tr->loss);
    tsv_kv(ts, "identity_maxdev", tr->maxdev);
    tsv_kv(ts, "mid_step", (double)tr->mid);
    tsv_kv(ts, "rot_identity_maxdev", tr->rot_maxdev);
    tsv_kv(ts, "rot_ends_init", first.rot_ends);
    tsv_kv(ts, "rot_ends_end", last.rot_ends);
    tsv_kv(ts, "rot_mean_init", first.rot_mean);
    tsv_kv(ts, "rot_mean_end", last.rot_mean);
    tsv_kv(ts, "spread_init", first.spread);
    tsv_kv(ts, "spread_end", last.spread);
    tsv_kv(ts, "budget_end", last.budget);
    tsv_kv(ts, "grad_norm_init", first.gnorm);
    tsv_kv(ts, "grad_norm_end", last.gnorm);
    tsv_kv(ts, "gb1_end", last.gb1);
    tsv_kv(ts, "P_norm_init", nv);
    tsv_kv(ts, "P_norm_end", norm(tr->Q[2], D));
    tsv_kv(ts, "ends_init", first.ends);
    tsv_kv(ts, "ends_end", last.ends);
    tsv_kv(ts, "ends_sample_init", first.ends_sample);
    tsv_kv(ts, "ends_sample_end", last.ends_sample);
    tsv_kv(ts, "gb1_init", first.gb1);
    /* per-sample charges along v at the end: their spread across layers */
    double ps = 0;
    for (int i = 0; i < 4; i++) {
        double lo = INFINITY, hi = -INFINITY;
        for (int t = 0; t <= T; t++) {
            double q = 0;
            for (int j = 0; j < D; j++) q += tr->S[((size_t)t * 4 + i) * D + j] * v[j];
            if (q < lo) lo = q;
            if (q > hi) hi = q;
        }
        if (hi - lo > ps) ps = hi - lo;
    }
    tsv_kv(ts, "sample_spread_end", ps);
}

static const char about[] =
    "Residual ReLU net, full-batch GD on a toy regression; charges along depth.";

static const arg_spec_t options[] = {
    ARG_INT(opts_t, n, "256", "training samples, >= 4"),
    ARG_INT(opts_t, width, "4", "width of the residual stream"),
    ARG_INT(opts_t, hidden, "8", "hidden units of each block"),
    ARG_INT(opts_t, depth, "6", "blocks, in [2, 64]"),
    ARG_DOUBLE(opts_t, lr, "0.05", "initial step size"),
    ARG_LONG(opts_t, steps, "100000", "gradient-descent steps, >= 10"),
    ARG_DOUBLE(opts_t, noise, "0.3", "standard deviation of the label noise"),
    ARG_DOUBLE(opts_t, decay, "2000", "step size lr / (1 + k / decay)"),
    ARG_LONG(opts_t, seed, "1", "seed (PCG32 streams 1 data, 2 init)"),
    ARG_STRING(opts_t, out_dir, "data/ch1", "output directory"),
    ARG_END
};

int main(int argc, char **argv)
{
    opts_t o;
    args_parse(options, &o, argc, argv, about);
    const int N = o.n, D = o.width, H = o.hidden, T = o.depth;
    if (N < 4 || D < 1 || H < 1 || T < 2 || T > 64 || !(o.lr > 0) || !(o.decay > 0) || o.steps < 10)
        die("need --n >= 4, --width, --hidden >= 1, 2 <= --depth <= 64, --lr, --decay > 0, --steps >= 10");

    rng_t rdata, rinit;
    rng_seed(&rdata, (uint64_t)o.seed, 1);
    rng_seed(&rinit, (uint64_t)o.seed, 2);
    net_t m;
    net_init(&m, N, D, H, T, o.noise, &rdata, &rinit);

    tsv_t *tt = tsv_createf(argc, argv, "%s/depth_train.tsv", o.out_dir);
    tsv_t *tl = tsv_createf(argc, argv, "%s/depth_layers.tsv", o.out_dir);
    tsv_t *ts = tsv_createf(argc, argv, "%s/depth_summary.tsv", o.out_dir);
    const char *arch = "x0 = A u; x_{t+1} = x_t + W2_t relu(W1_t x_t + b1_t); out = w.x_T; "
                       "L = mean (out - y)^2 / 2, y = 0.5 + sin(2 u1) cos(2 u2) + noise N(0,1), u ~ U[-1,1]^2";
    tsv_comment(tt, "%s", arch);
    tsv_comment(tt, "N = %d, width %d, hidden %d, depth %d, noise %g, full-batch GD with step lr/(1 + k/decay), "
                "lr %g, decay %g, seed %ld (PCG32 streams 1 data, 2 init); %zu parameters",
                N, D, H, T, o.noise, o.lr, o.decay, o.seed, m.np);
    tsv_comment(tt, "P_t = E g_t (translation charge); spread = max_{t,s} |P_t - P_s|; "
                "budget = sum_t |W1_t^T grad_{b1_t} L| (bounds the spread); identity P_t - P_{t+1} = W1_t^T grad_b1");
    tsv_comment(tt, "ends = |P_0 - P_T|, ends_pred = |sum_t W1_t^T grad_b1_t| (equal by the identity), "
                "ends_sample = sqrt(E_i |g_0^(i) - g_T^(i)|^2) (per-sample charges)");
    tsv_comment(tt, "rotation charge K_t = antisym E[g_t x_t^T]: rot_ends = |K_0 - K_T|_F, rot_pred = "
                "|sum_t antisym(W1^T grad_W1 - grad_W2 W2^T)|_F, rot_mean = mean_t |K_t|_F, rot_dev = relative residual");
    tsv_columns(tt, "step\tloss\tgrad_norm\tgrad_b1_norm\tspread\tbudget\tP_mean_norm\tidentity_rel_dev"
                    "\tends\tends_pred\tends_sample\trot_ends\trot_pred\trot_mean\trot_dev");
    tsv_comment(tl, "%s", arch);
    tsv_comment(tl, "charges along a fixed unit direction v (that of P_0 at initialisation): "
                "Q_t = <P_t, v> and per-sample <g_t^(i), v> for samples 0..3, at three checkpoints");
    tsv_comment(tl, "Q_*_pred: Q_T + sum_{s >= t} <W1_s^T grad_{b1_s} L, v> (the budget telescoped from the last layer)");
    tsv_columns(tl, "layer\tQ_init\tQ_mid\tQ_end\tsample0\tsample1\tsample2\tsample3"
                    "\tQ_init_pred\tQ_mid_pred\tQ_end_pred");

    trace_t tr = { 0 };
    train(&m, &o, tt, &tr);

    /* direction v: that of P_0 at initialisation */
    double *v = xcalloc(D, sizeof(double));
    double nv = norm(tr.Q[0], D);
    for (int j = 0; j < D; j++) v[j] = nv > 0 ? tr.Q[0][j] / nv : (j == 0);
    write_layers(tl, &tr, v, T, D);
    write_summary(ts, &o, &m, &tr, v, nv);
    tsv_finish(tt);
    tsv_finish(tl);
    tsv_finish(ts);
    for (int c = 0; c < 3; c++) {
        free(tr.Q[c]);
        free(tr.B[c]);
    }
    free(tr.S);
    free(v);
    net_free(&m);
    return 0;
}
