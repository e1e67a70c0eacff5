/* depth.c: "Noether along depth" (Gadzinski 2024, "Where is Noether's
 * principle in machine learning?", and the author's follow-up code).  The
 * residual network of nn/resnet.h,
 *     x_0 = A u,   x_{t+1} = x_t + W2_t c(relu(W1_t x_t + b1_t)),   out = w . x_T,
 * is trained by full-batch gradient descent on a toy regression (mean squared
 * error).  Read as a process in depth, the backprop gradients g_t = dl/dx_t
 * are its momenta, and the block's translation symmetry gives the averaged
 * charge P_t = E g_t with its exact violation budget
 *     P_t - P_{t+1} = W1_t^T grad_{b1_t} L,
 * the rotation symmetry the antisymmetric charge K_t with its budget.
 *
 * Variants (options): c the identity (--branch plain) or the centering over
 * the batch (--branch centered, with centered inputs: no parameter can then
 * move the mean prediction, and P_T = -mean(y) w exactly); the read-out w
 * and/or the embedding A frozen (--freeze).  Measured along training, at
 * log-spaced steps: the charges and budgets, the whitened chi^2 statistics of
 * the follow-up code (is the mean of the per-sample layer differences
 * g_0^(i) - g_T^(i) zero?  is the mean of g_0^(i) zero?), and optionally the
 * sharpness (largest Hessian eigenvalue) against GD's stability bound 2/eta.
 *
 * Output (--out P): P_train.tsv (per logged step), P_layers.tsv (charges per
 * layer at three checkpoints, averaged and per sample), P_summary.tsv. */
#include "core/args.h"
#include "core/rng.h"
#include "core/stats.h"
#include "core/tsv.h"
#include "core/util.h"
#include "nn/resnet.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { FREEZE_NONE, FREEZE_READOUT, FREEZE_EMBEDDING, FREEZE_BOTH };

typedef struct {
    int n, width, hidden, depth, branch, freeze, sharpness_iters, test_n;
    double lr, noise, decay;
    long steps, seed;
    const char *out;
} opts_t;

static double norm(const double *v, int n)
{
    double s = 0;
    for (int i = 0; i < n; i++) s += v[i] * v[i];
    return sqrt(s);
}

static double dotn(const double *a, const double *b, int n)
{
    double s = 0;
    for (int i = 0; i < n; i++) s += a[i] * b[i];
    return s;
}

/* u uniform in [-1, 1]^2 (centered over the sample if asked), y = 0.5 +
 * sin(2 u1) cos(2 u2) + noise N(0,1): a nonzero mean and no output bias to
 * absorb it; the noise and fewer parameters than samples keep the residuals,
 * and so the per-sample charges, away from zero at the stationary point. */
static void make_data(double *U, double *y, int N, double noise, int center, rng_t *r)
{
    for (int i = 0; i < N; i++) {
        double u1 = 2 * rng_uniform(r) - 1, u2 = 2 * rng_uniform(r) - 1;
        U[2 * i] = u1;
        U[2 * i + 1] = u2;
        y[i] = 0.5 + sin(2 * u1) * cos(2 * u2) + noise * rng_normal(r);
    }
    if (center)
        for (int k = 0; k < 2; k++) {
            double s = 0;
            for (int i = 0; i < N; i++) s += U[2 * i + k];
            for (int i = 0; i < N; i++) U[2 * i + k] -= s / N;
        }
}

/* Whitened statistic of the per-sample vectors N (G[a] - G[b]) (b < 0: of
 * N G[a]); NaN if their covariance is singular. */
static double chi2_of(const resnet_t *m, int a, int b, double *buf, double *work)
{
    const size_t nd = (size_t)m->N * m->D;
    for (size_t i = 0; i < nd; i++) buf[i] = m->N * (m->G[a][i] - (b >= 0 ? m->G[b][i] : 0));
    double X;
    return stats_whitened_mean(buf, m->N, m->D, &X, work) == 0 ? X : NAN;
}

typedef struct {
    double spread, budget, maxdev, Pmean, gnorm, gb1, ends, ends_pred, ends_sample;
    double rot_ends, rot_pred, rot_mean, rot_maxdev;
    double chi2_diff, chi2_first, PT_dev;
} stats_t;

typedef struct {
    resnet_t m;
    double *U, *y, ybar;
    double *P, *Bt, *K, *Rsum, *buf, *work;   /* scratch */
} run_t;

/* Charges, budgets and the residuals of both laws at the current step
 * (after resnet_loss_grad); writes r->P and r->Bt.  The chi^2 statistics
 * only when `logged` (NaN otherwise). */
static stats_t measure(run_t *r, int logged)
{
    const resnet_t *m = &r->m;
    const int N = m->N, D = m->D, T = m->T;
    stats_t s = { 0 };
    double tel[64] = { 0 }, e2 = 0, ps = 0;   /* tel: sum_t W1_t^T grad_b1_t (D <= 64) */
    resnet_charges(m, r->P);
    resnet_budget(m, r->Bt);
    for (int t = 0; t <= T; t++) {
        s.Pmean += norm(r->P + (size_t)t * D, D) / (T + 1);
        for (int u = t + 1; u <= T; u++) {
            double d2 = 0;
            for (int k = 0; k < D; k++) d2 += pow(r->P[(size_t)t * D + k] - r->P[(size_t)u * D + k], 2);
            if (sqrt(d2) > s.spread) s.spread = sqrt(d2);
        }
    }
    for (int t = 0; t < T; t++) {
        const double *Bv = r->Bt + (size_t)t * D;
        double r2 = 0, scale = 0;
        for (int k = 0; k < D; k++) tel[k] += Bv[k];
        s.budget += norm(Bv, D);
        s.gb1 += pow(norm(m->db1[t], m->H), 2);
        for (size_t i = 0; i < (size_t)N * D; i++) scale += fabs(m->G[t][i]) + fabs(m->G[t + 1][i]);
        for (int k = 0; k < D; k++) r2 += pow(r->P[(size_t)t * D + k] - r->P[(size_t)(t + 1) * D + k] - Bv[k], 2);
        if (scale > 0 && sqrt(r2) / scale > s.maxdev) s.maxdev = sqrt(r2) / scale;
    }
    s.gb1 = sqrt(s.gb1);
    s.gnorm = norm(m->grad, (int)m->np);
    /* first layer against last: measured |P_0 - P_T|, its exact prediction
     * |sum_t W1_t^T grad_b1_t|, and the per-sample analogue
     * sqrt(E_i |g_0^(i) - g_T^(i)|^2), which no law fixes */
    for (int k = 0; k < D; k++) e2 += pow(r->P[k] - r->P[(size_t)T * D + k], 2);
    for (size_t i = 0; i < (size_t)N * D; i++) ps += pow(N * (m->G[0][i] - m->G[T][i]), 2);
    s.ends = sqrt(e2);
    s.ends_pred = norm(tel, D);
    s.ends_sample = sqrt(ps / N);
    s.rot_maxdev = resnet_rotation(m, r->K, r->Rsum);
    double d2 = 0;
    for (int jk = 0; jk < D * D; jk++) d2 += pow(r->K[jk] - r->K[(size_t)T * D * D + jk], 2);
    s.rot_ends = sqrt(d2);
    s.rot_pred = norm(r->Rsum, D * D);
    for (int t = 0; t <= T; t++) s.rot_mean += norm(r->K + (size_t)t * D * D, D * D) / (T + 1);
    s.chi2_diff = logged ? chi2_of(m, 0, T, r->buf, r->work) : NAN;
    s.chi2_first = logged ? chi2_of(m, 0, -1, r->buf, r->work) : NAN;
    /* P_T against -mean(y) w (the centered network's a-priori value) */
    for (int k = 0; k < D; k++) s.PT_dev += pow(r->P[(size_t)T * D + k] + r->ybar * m->w[k], 2);
    s.PT_dev = sqrt(s.PT_dev) / (fabs(r->ybar) * norm(m->w, D));
    return s;
}

/* What training keeps: the charges P and budgets Bt at the checkpoints 0,
 * steps/100 and steps, the read-out w there, the per-sample charges of
 * samples 0..3 at the end, statistics at the first and last step, the worst
 * residuals, and extremes over the logged steps. */
typedef struct {
    long mid;
    double *Q[3], *B[3], *wq[3], *S;
    stats_t first, last;
    double maxdev, rot_maxdev, PT_dev_max, loss, cons_ratio_min;
    double chi2_diff_max_late;    /* over logged steps >= steps / 10 */
    double *lam_late; int n_late; /* eta_k lambda_k over logged steps >= steps / 10 */
    double eta_lam_max, jump_from, jump_min, jump_ratio, jump_step, jump_eta_lam;
} trace_t;

static void trace_alloc(trace_t *tr, int T, int D)
{
    for (int c = 0; c < 3; c++) {
        tr->Q[c] = xcalloc((size_t)(T + 1) * D, sizeof(double));
        tr->B[c] = xcalloc((size_t)T * D, sizeof(double));
        tr->wq[c] = xcalloc(D, sizeof(double));
    }
    tr->S = xcalloc((size_t)(T + 1) * D * 4, sizeof(double));
    tr->lam_late = xcalloc(4096, sizeof(double));
    tr->cons_ratio_min = INFINITY;
    tr->jump_min = NAN;
}

static void trace_free(trace_t *tr)
{
    for (int c = 0; c < 3; c++) {
        free(tr->Q[c]);
        free(tr->B[c]);
        free(tr->wq[c]);
    }
    free(tr->S);
    free(tr->lam_late);
}

/* One logged row: the statistics, the normalised charges <P_t, w>/(ybar |w|^2)
 * per layer, and the sharpness (NaN when not measured). */
static void log_row(tsv_t *tt, const run_t *r, long k, double eta, double loss, const stats_t *s,
                    double lam, double chi2_q95)
{
    const resnet_t *m = &r->m;
    const int D = m->D, T = m->T;
    double row[64 + 24];
    int n = 0;
    double vals[] = { (double)k, eta, loss, s->gnorm, s->gb1, s->spread, s->budget, s->Pmean,
                      s->maxdev, s->ends, s->ends_pred, s->ends_sample, s->rot_ends, s->rot_pred,
                      s->rot_mean, s->rot_maxdev, s->chi2_diff, s->chi2_first, chi2_q95, s->PT_dev,
                      lam, eta * lam };
    for (size_t i = 0; i < sizeof vals / sizeof *vals; i++) row[n++] = vals[i];
    double wn2 = dotn(m->w, m->w, D);
    for (int t = 0; t <= T; t++) row[n++] = dotn(r->P + (size_t)t * D, m->w, D) / (r->ybar * wn2);
    tsv_row(tt, (size_t)n, row);
}

/* After a logged step: extremes over the logged steps. */
static void track(trace_t *tr, const opts_t *o, long k, double eta, const stats_t *s, double lam)
{
    if (s->Pmean > 0 && s->spread / s->Pmean < tr->cons_ratio_min) tr->cons_ratio_min = s->spread / s->Pmean;
    if (k >= o->steps / 10 && !(s->chi2_diff <= tr->chi2_diff_max_late)) tr->chi2_diff_max_late = s->chi2_diff;
    if (o->sharpness_iters <= 0) return;
    if (k >= o->steps / 10 && tr->n_late < 4096) tr->lam_late[tr->n_late++] = eta * lam;
    if (eta * lam > tr->eta_lam_max) tr->eta_lam_max = eta * lam;
    /* jumps of the gradient norm after the initial descent (from 0.3 % of
     * training on): the largest ratio to its running minimum, where it is,
     * and eta_k lambda_k there */
    if (k < 3 * o->steps / 1000) return;
    if (!(tr->jump_min <= s->gnorm)) tr->jump_min = s->gnorm;
    if (s->gnorm / tr->jump_min > tr->jump_ratio) {
        tr->jump_ratio = s->gnorm / tr->jump_min;
        tr->jump_step = (double)k;
        tr->jump_eta_lam = eta * lam;
    }
}

/* Full-batch gradient descent with step lr / (1 + k / decay), logging at ~25
 * log-spaced steps per decade; the identities are checked at every step. */
static void train(run_t *r, const opts_t *o, tsv_t *tt, trace_t *tr)
{
    resnet_t *m = &r->m;
    const int N = m->N, D = m->D, T = m->T;
    const long steps = o->steps;
    const double chi2_q95 = stats_chi2_quantile(0.95, D);
    double *v = NULL, *swork = NULL, lam = NAN;
    if (o->sharpness_iters > 0) {
        rng_t rv;
        rng_seed(&rv, (uint64_t)o->seed, 4);
        v = xcalloc(m->np, sizeof(double));
        for (size_t i = 0; i < m->np; i++) v[i] = rng_normal(&rv);
        swork = xcalloc(resnet_sharpness_work(m), sizeof(double));
    }
    tr->mid = steps / 100;
    double next_log = 1;
    progress_t pr;
    progress_begin(&pr, "gradient descent");
    for (long k = 0; k <= steps; k++) {
        tr->loss = resnet_loss_grad(m, r->U, r->y);
        const int logged = k == 0 || k >= next_log || k == steps;
        stats_t s = measure(r, logged);
        if (s.maxdev > tr->maxdev) tr->maxdev = s.maxdev;
        if (s.rot_maxdev > tr->rot_maxdev) tr->rot_maxdev = s.rot_maxdev;
        if (s.PT_dev > tr->PT_dev_max || k == 0) tr->PT_dev_max = s.PT_dev;
        if (k == 0) tr->first = s;
        tr->last = s;
        const double eta = o->lr / (1.0 + (double)k / o->decay);
        if (logged) {
            if (v) lam = resnet_sharpness(m, r->U, r->y, v, o->sharpness_iters, 1e-6, swork, NULL);
            log_row(tt, r, k, eta, tr->loss, &s, lam, chi2_q95);
            track(tr, o, k, eta, &s, lam);
            while (next_log <= k) next_log *= pow(10.0, 1.0 / 25);
        }
        int c = k == 0 ? 0 : k == tr->mid ? 1 : k == steps ? 2 : -1;
        if (c >= 0) {
            memcpy(tr->Q[c], r->P, sizeof(double) * (T + 1) * D);
            memcpy(tr->B[c], r->Bt, sizeof(double) * T * D);
            memcpy(tr->wq[c], m->w, sizeof(double) * D);
        }
        if (k == steps) {
            for (int t = 0; t <= T; t++)
                for (int i = 0; i < 4; i++)
                    for (int j = 0; j < D; j++)
                        tr->S[((size_t)t * 4 + i) * D + j] = N * m->G[t][(size_t)i * D + j];
            break;
        }
        if (o->freeze == FREEZE_READOUT || o->freeze == FREEZE_BOTH) memset(m->dw, 0, D * sizeof(double));
        if (o->freeze == FREEZE_EMBEDDING || o->freeze == FREEZE_BOTH)
            memset(m->dA, 0, (size_t)D * m->in * sizeof(double));
        for (size_t i = 0; i < m->np; i++) m->theta[i] -= eta * m->grad[i];
        if ((k & 1023) == 0) progress_update(&pr, k, steps, NULL);
    }
    progress_end(&pr);
    free(v);
    free(swork);
}

/* <x_t, v> telescoped from the last layer: <Q_T, v> + sum_{s >= t} <B_s, v>. */
static double telescoped(const double *Q, const double *B, const double *v, int t, int T, int D)
{
    double q = dotn(Q + (size_t)T * D, v, D);
    for (int u = T - 1; u >= t; u--) q += dotn(B + (size_t)u * D, v, D);
    return q;
}

/* Per layer: charges along v at the three checkpoints, measured and
 * telescoped; per-sample charges at the end; and the normalised charges
 * <P_t, w>/(ybar |w|^2) (w of the checkpoint), measured and telescoped. */
static void write_layers(tsv_t *tl, const trace_t *tr, const double *v, double ybar, int T, int D)
{
    for (int t = 0; t <= T; t++) {
        double row[17];
        row[0] = t;
        for (int c = 0; c < 3; c++) {
            double wn2 = dotn(tr->wq[c], tr->wq[c], D);
            row[1 + c] = dotn(tr->Q[c] + (size_t)t * D, v, D);
            row[8 + c] = telescoped(tr->Q[c], tr->B[c], v, t, T, D);
            row[11 + c] = dotn(tr->Q[c] + (size_t)t * D, tr->wq[c], D) / (ybar * wn2);
            row[14 + c] = telescoped(tr->Q[c], tr->B[c], tr->wq[c], t, T, D) / (ybar * wn2);
        }
        for (int i = 0; i < 4; i++) row[4 + i] = dotn(tr->S + ((size_t)t * 4 + i) * D, v, D);
        tsv_row(tl, 17, row);
    }
}

static const char about[] =
    "Residual ReLU net, full-batch GD on a toy regression; charges along depth.";

static const arg_spec_t options[] = {
    ARG_INT(opts_t, n, "256", "training samples, >= 8"),
    ARG_INT(opts_t, width, "4", "width of the residual stream, in [1, 32]"),
    ARG_INT(opts_t, hidden, "8", "hidden units of each block"),
    ARG_INT(opts_t, depth, "6", "blocks, in [2, 60]"),
    ARG_CHOICE(opts_t, branch, "plain|centered", "plain",
               "branch output as is, or centered over the batch (then inputs centered too)"),
    ARG_CHOICE(opts_t, freeze, "none|readout|embedding|both", "none", "parameters not trained"),
    ARG_DOUBLE(opts_t, lr, "0.05", "initial step size"),
    ARG_LONG(opts_t, steps, "100000", "gradient-descent steps, >= 100"),
    ARG_DOUBLE(opts_t, noise, "0.3", "standard deviation of the label noise"),
    ARG_DOUBLE(opts_t, decay, "2000", "step size lr / (1 + k / decay)"),
    ARG_INT(opts_t, sharpness_iters, "0", "power iterations per logged step (0: no sharpness)"),
    ARG_INT(opts_t, test_n, "0", "fresh samples for the held-out chi^2 test at the end (0: none)"),
    ARG_LONG(opts_t, seed, "1", "seed (PCG32 streams 1 data, 2 init, 3 held-out data, 4 power iteration)"),
    ARG_STRING(opts_t, out, ARG_REQUIRED, "output prefix: writes PREFIX_{train,layers,summary}.tsv"),
    ARG_END
};

/* The '#' header lines and column names of the three files. */
static void write_headers(tsv_t *tt, tsv_t *tl, const opts_t *o, const resnet_t *m)
{
    static const char *branch[] = { "identity", "centering over the batch (inputs centered)" };
    static const char *freeze[] = { "none", "read-out w", "embedding A", "read-out w and embedding A" };
    const char *arch = "x0 = A u; x_{t+1} = x_t + W2_t c(relu(W1_t x_t + b1_t)); out = w.x_T; "
                       "L = mean (out - y)^2 / 2, y = 0.5 + sin(2 u1) cos(2 u2) + noise N(0,1), u ~ U[-1,1]^2";
    for (int f = 0; f < 2; f++) {
        tsv_t *t = f ? tl : tt;
        tsv_comment(t, "%s", arch);
        tsv_comment(t, "N = %d, width %d, hidden %d, depth %d, noise %g, c = %s, frozen: %s; full-batch GD "
                    "with step lr/(1 + k/decay), lr %g, decay %g, seed %ld; %zu parameters", o->n, o->width,
                    o->hidden, o->depth, o->noise, branch[o->branch], freeze[o->freeze], o->lr, o->decay,
                    o->seed, m->np);
    }
    tsv_comment(tt, "P_t = E g_t (translation charge); spread = max_{t,s} |P_t - P_s|; budget = sum_t "
                "|W1_t^T grad_{b1_t} L|; identity P_t - P_{t+1} = W1_t^T grad_b1 (relative residual)");
    tsv_comment(tt, "ends = |P_0 - P_T|, ends_pred = |sum_t W1_t^T grad_b1_t| (equal by the identity), "
                "ends_sample = sqrt(E_i |g_0^(i) - g_T^(i)|^2) (per-sample charges)");
    tsv_comment(tt, "rotation charge K_t = antisym E[g_t x_t^T]: rot_ends = |K_0 - K_T|_F, rot_pred = "
                "|sum_t antisym(W1^T grad_W1 - grad_W2 W2^T)|_F, rot_mean = mean_t |K_t|_F, rot_dev = relative residual");
    tsv_comment(tt, "chi2_diff, chi2_first: whitened statistic N m^T S^-1 m (S: 1/N covariance) of the per-sample "
                "g_0^(i) - g_T^(i) and g_0^(i); chi2_q95: the 95 %% point of chi^2_width");
    tsv_comment(tt, "PT_dev = |P_T + mean(y) w| / (|mean(y)| |w|); sharpness = largest Hessian eigenvalue "
                "(power iteration; NaN: not measured); qw_t = <P_t, w> / (mean(y) |w|^2)");
    char cols[1024];
    int n = snprintf(cols, sizeof cols, "step\teta\tloss\tgrad_norm\tgrad_b1_norm\tspread\tbudget"
                     "\tP_mean_norm\tidentity_rel_dev\tends\tends_pred\tends_sample\trot_ends\trot_pred"
                     "\trot_mean\trot_dev\tchi2_diff\tchi2_first\tchi2_q95\tPT_dev\tsharpness\teta_sharpness");
    for (int t = 0; t <= o->depth && n < (int)sizeof cols - 16; t++)
        n += snprintf(cols + n, sizeof cols - n, "\tqw_%d", t);
    tsv_columns(tt, cols);
    tsv_comment(tl, "charges along a fixed unit direction v (that of P_0 at initialisation): "
                "Q_t = <P_t, v> and per-sample <g_t^(i), v> for samples 0..3, at three checkpoints");
    tsv_comment(tl, "Q_*_pred: Q_T + sum_{s >= t} <W1_s^T grad_{b1_s} L, v> (the budget telescoped from the "
                "last layer); qw_*: <P_t, w> / (mean(y) |w|^2) and qw_*_pred the same telescoped");
    tsv_columns(tl, "layer\tQ_init\tQ_mid\tQ_end\tsample0\tsample1\tsample2\tsample3"
                    "\tQ_init_pred\tQ_mid_pred\tQ_end_pred\tqw_init\tqw_mid\tqw_end"
                    "\tqw_init_pred\tqw_mid_pred\tqw_end_pred");
}

/* At the end of training: the statistic per layer (min and max over t),
 * units active on every input, and the held-out test on fresh data. */
static void write_end(tsv_t *ts, const opts_t *o, run_t *r)
{
    resnet_t *m = &r->m;
    const int D = m->D, T = m->T;
    double lo = INFINITY, hi = 0, mres = 0;
    for (int t = 0; t <= T; t++) {
        double X = chi2_of(m, t, -1, r->buf, r->work);
        lo = fmin(lo, X);
        hi = fmax(hi, X);
    }
    tsv_kv(ts, "chi2_layer_min_end", lo);
    tsv_kv(ts, "chi2_layer_max_end", hi);
    double rms = 0;
    for (int i = 0; i < m->N; i++) {
        mres += (m->out[i] - r->y[i]) / m->N;
        rms += pow(m->out[i] - r->y[i], 2) / m->N;
    }
    tsv_kv(ts, "mean_residual_end", mres);
    tsv_kv(ts, "mean_over_rms_residual_end", fabs(mres) / sqrt(rms));
    int total = 0;
    double worst = 0;
    for (int t = 0; t < T && o->branch == 0; t++) {
        int c;
        worst = fmax(worst, resnet_always_on(m, t, r->P, &c));
        total += c;
    }
    tsv_kv(ts, "always_active_end", total);
    tsv_kv(ts, "alwayson_identity_maxdev", worst);
    if (o->test_n <= 0) return;
    resnet_t h;
    rng_t rtest;
    rng_seed(&rtest, (uint64_t)o->seed, 3);
    if (resnet_create(&h, o->test_n, 2, D, m->H, T, m->branch)) die("bad held-out size");
    memcpy(h.theta, m->theta, m->np * sizeof(double));
    double *U = xcalloc((size_t)o->test_n * 2, sizeof(double)), *y = xcalloc(o->test_n, sizeof(double));
    double *buf = xcalloc((size_t)o->test_n * D, sizeof(double));
    make_data(U, y, o->test_n, o->noise, 0, &rtest);
    tsv_kv(ts, "heldout_loss", resnet_loss_grad(&h, U, y));
    double Xd = chi2_of(&h, 0, T, buf, r->work), X0 = chi2_of(&h, 0, -1, buf, r->work);
    tsv_kv(ts, "heldout_n", o->test_n);
    tsv_kv(ts, "heldout_chi2_diff", Xd);
    tsv_kv(ts, "heldout_p_diff", stats_chi2_sf(Xd, D));
    tsv_kv(ts, "heldout_chi2_first", X0);
    tsv_kv(ts, "heldout_p_first", stats_chi2_sf(X0, D));
    free(U);
    free(y);
    free(buf);
    resnet_free(&h);
}

static void write_summary(tsv_t *ts, const opts_t *o, run_t *r, const trace_t *tr, const double *v, double nv)
{
    static const char *branch[] = { "plain", "centered" };
    static const char *freeze[] = { "none", "readout", "embedding", "both" };
    const resnet_t *m = &r->m;
    const int T = m->T, D = m->D;
    const stats_t first = tr->first, last = tr->last;
    tsv_comment(ts, "numbers quoted in chapter 1 (depth.c)");
    tsv_columns(ts, "key\tvalue");
    tsv_kv_text(ts, "branch", branch[o->branch]);
    tsv_kv_text(ts, "freeze", freeze[o->freeze]);
    const double par[] = { o->n, o->width, o->hidden, o->depth, o->lr, o->decay, o->noise, (double)m->np,
                           (double)o->steps, (double)tr->mid };
    const char *pk[] = { "N", "width", "hidden", "depth", "lr", "decay", "noise", "params", "steps", "mid_step" };
    for (size_t i = 0; i < sizeof par / sizeof *par; i++) tsv_kv(ts, pk[i], par[i]);
    tsv_kv(ts, "loss_end", tr->loss);
    tsv_kv(ts, "identity_maxdev", tr->maxdev);
    tsv_kv(ts, "rot_identity_maxdev", tr->rot_maxdev);
    const double se[][2] = { { first.rot_ends, last.rot_ends }, { first.rot_mean, last.rot_mean },
                             { first.spread, last.spread }, { first.budget, last.budget },
                             { first.gnorm, last.gnorm }, { first.gb1, last.gb1 },
                             { first.ends, last.ends }, { first.ends_sample, last.ends_sample },
                             { first.chi2_diff, last.chi2_diff }, { first.chi2_first, last.chi2_first } };
    const char *sk[] = { "rot_ends", "rot_mean", "spread", "budget", "grad_norm", "gb1", "ends", "ends_sample",
                         "chi2_diff", "chi2_first" };
    char key[64];
    for (size_t i = 0; i < sizeof se / sizeof *se; i++)
        for (int j = 0; j < 2; j++) {
            snprintf(key, sizeof key, "%s_%s", sk[i], j ? "end" : "init");
            tsv_kv(ts, key, se[i][j]);
        }
    tsv_kv(ts, "P_norm_init", nv);
    tsv_kv(ts, "P_norm_end", norm(tr->Q[2], D));
    tsv_kv(ts, "ends_over_sample_end", last.ends / last.ends_sample);
    tsv_kv(ts, "ends_sample_ratio", last.ends_sample / first.ends_sample);
    tsv_kv(ts, "conservation_ratio_min", tr->cons_ratio_min);
    /* the averaged charge along the read-out: <P_t, w> / (mean(y) |w|^2) */
    const double wn2 = dotn(tr->wq[2], tr->wq[2], D);
    tsv_kv(ts, "ybar", r->ybar);
    tsv_kv(ts, "w_norm_end", sqrt(wn2));
    tsv_kv(ts, "qw_first_end", dotn(tr->Q[2], tr->wq[2], D) / (r->ybar * wn2));
    tsv_kv(ts, "qw_last_end", dotn(tr->Q[2] + (size_t)T * D, tr->wq[2], D) / (r->ybar * wn2));
    double qmax = 0;
    for (int t = 0; t <= T; t++)
        qmax = fmax(qmax, fabs(dotn(tr->Q[2] + (size_t)t * D, tr->wq[2], D) / (r->ybar * wn2)));
    tsv_kv(ts, "qw_absmax_end", qmax);
    tsv_kv(ts, "spread_over_PT_end", last.spread / norm(tr->Q[2] + (size_t)T * D, D));
    tsv_kv(ts, "PT_dev_max", tr->PT_dev_max);
    const double q95 = stats_chi2_quantile(0.95, D);
    tsv_kv(ts, "chi2_q95", q95);
    tsv_kv(ts, "chi2_q05", stats_chi2_quantile(0.05, D));
    tsv_kv(ts, "chi2_diff_max_late", tr->chi2_diff_max_late);
    tsv_kv(ts, "p_diff_end", stats_chi2_sf(last.chi2_diff, D));
    tsv_kv(ts, "p_first_end", stats_chi2_sf(last.chi2_first, D));
    write_end(ts, o, r);
    if (o->sharpness_iters > 0) {
        double w4[4096];
        tsv_kv(ts, "eta_sharp_median_late", stats_median(tr->lam_late, tr->n_late, w4));
        tsv_kv(ts, "eta_sharp_min_late", stats_quantile(tr->lam_late, tr->n_late, 0, w4));
        tsv_kv(ts, "eta_sharp_max", tr->eta_lam_max);
        tsv_kv(ts, "jump_ratio", tr->jump_ratio);
        tsv_kv(ts, "jump_step", tr->jump_step);
        tsv_kv(ts, "jump_eta_sharp", tr->jump_eta_lam);
    }
    /* per-sample charges along v at the end: their spread across layers */
    double ps = 0;
    for (int i = 0; i < 4; i++) {
        double lo = INFINITY, hi = -INFINITY;
        for (int t = 0; t <= T; t++) {
            double q = dotn(tr->S + ((size_t)t * 4 + i) * D, v, D);
            lo = fmin(lo, q);
            hi = fmax(hi, q);
        }
        ps = fmax(ps, hi - lo);
    }
    tsv_kv(ts, "sample_spread_end", ps);
}

int main(int argc, char **argv)
{
    opts_t o;
    args_parse(options, &o, argc, argv, about);
    const int N = o.n, D = o.width, H = o.hidden, T = o.depth;
    if (N < 8 || D < 1 || D > 32 || H < 1 || T < 2 || T > 60 || !(o.lr > 0) || !(o.decay > 0)
        || o.steps < 100 || o.sharpness_iters < 0 || o.test_n < 0 || (o.test_n > 0 && o.test_n < 8))
        die("need --n >= 8, 1 <= --width <= 32, --hidden >= 1, 2 <= --depth <= 60, --lr, --decay > 0, "
            "--steps >= 100, --sharpness-iters >= 0, --test-n 0 or >= 8");
    run_t r = { 0 };
    if (resnet_create(&r.m, N, 2, D, H, T, o.branch ? RESNET_CENTERED : RESNET_PLAIN))
        die("bad network sizes");
    rng_t rdata, rinit;
    rng_seed(&rdata, (uint64_t)o.seed, 1);
    rng_seed(&rinit, (uint64_t)o.seed, 2);
    resnet_init_params(&r.m, &rinit);
    r.U = xcalloc((size_t)N * 2, sizeof(double));
    r.y = xcalloc(N, sizeof(double));
    make_data(r.U, r.y, N, o.noise, o.branch, &rdata);
    for (int i = 0; i < N; i++) r.ybar += r.y[i] / N;
    r.P = xcalloc((size_t)(T + 1) * D, sizeof(double));
    r.Bt = xcalloc((size_t)T * D, sizeof(double));
    r.K = xcalloc((size_t)(T + 1) * D * D, sizeof(double));
    r.Rsum = xcalloc((size_t)D * D, sizeof(double));
    r.buf = xcalloc((size_t)N * D, sizeof(double));
    r.work = xcalloc((size_t)D * (D + 1), sizeof(double));

    tsv_t *tt = tsv_createf(argc, argv, "%s_train.tsv", o.out);
    tsv_t *tl = tsv_createf(argc, argv, "%s_layers.tsv", o.out);
    tsv_t *ts = tsv_createf(argc, argv, "%s_summary.tsv", o.out);
    write_headers(tt, tl, &o, &r.m);
    trace_t tr = { 0 };
    trace_alloc(&tr, T, D);
    train(&r, &o, tt, &tr);

    /* direction v: that of P_0 at initialisation */
    double v[32], nv = norm(tr.Q[0], D);
    for (int j = 0; j < D; j++) v[j] = nv > 0 ? tr.Q[0][j] / nv : (j == 0);
    write_layers(tl, &tr, v, r.ybar, T, D);
    write_summary(ts, &o, &r, &tr, v, nv);
    tsv_finish(tt);
    tsv_finish(tl);
    tsv_finish(ts);
    trace_free(&tr);
    void *p[] = { r.U, r.y, r.P, r.Bt, r.K, r.Rsum, r.buf, r.work };
    for (size_t i = 0; i < sizeof p / sizeof *p; i++) free(p[i]);
    resnet_free(&r.m);
    return 0;
}
