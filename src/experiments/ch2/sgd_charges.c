/* sgd_charges.c: experiments E2-E4 of the chapter (Kunin et al. 2021, NM
 * Fig. 5 and eqs. 18-20), plus the gradient and Hessian constraints of NM
 * sec. 3 measured on the same trained networks.
 *
 * A 784-128-128-10 ReLU MLP (mlp.h) is trained on a Fashion-MNIST subset by
 * SGD with coupled weight decay, once per lambda, same initialisation and
 * same batches.  Per unit it measures a charge and predicts it twice:
 *   exact:  the one-step law driven by the measured minibatch gradient norms
 *           (symmetry.h: sym_*_step; an identity, so round-off is expected);
 *   flow:   NM eqs. (18)-(20) in continuous time t = eta k, with the same
 *           measured norms held constant over each step (off by O(eta lambda)).
 *
 *   --net plain   biases, no BN: translation of the softmax layer's columns
 *                 (and bias), rescale of both hidden layers' ReLU units;
 *   --net bn      Linear -> BatchNorm(eps = 0, no affine) -> ReLU: scale of
 *                 both hidden layers' incoming weights (+ bias).
 *
 * Writes into --out-dir (default data/ch2), for net N in {plain, bn}:
 *   translation.tsv, rescale.tsv (plain) or scale.tsv (bn): one block per
 *       lambda: step, t, eta*lambda*step, mean over units of c/c0 (measured,
 *       exact, flow), three units (measured, exact, flow), and the largest
 *       deviation over units at that step (exact, flow);
 *   constraints_N.tsv   per step, relative constraint residuals and controls;
 *   hessian_N.tsv       central-difference H xi against -(d xi)^T g, by h;
 *   units_bn.tsv        (bn) raw weights of one unit and its charge, per step;
 *   sgd_N_summary.tsv   numbers quoted in the chapter. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/args.h"
#include "core/batch.h"
#include "core/idx.h"
#include "core/rng.h"
#include "core/tsv.h"
#include "core/util.h"
#include "nn/mlp.h"
#include "nn/optim.h"
#include "nn/symmetry.h"

enum { NL_MAX = 8, NSHOW = 3, H = 128, IN = 784, C = 10 };
#define EPS_MACH 2.220446049250313e-16

typedef enum { K_TRANSLATION, K_RESCALE, K_SCALE } kind_t;
static const char *kind_name[3] = {"translation", "rescale", "scale"};

/* Charge per group and its natural magnitude (for relative deviations). */
static int n_groups(kind_t k)
{
    return k == K_TRANSLATION ? H + 1 : 2 * H;
}

static void measure(kind_t k, const mlp_t *m, int on_grad, double *c, double *mag, double *tmp)
{
    double *const *W = on_grad ? m->dW : m->W;
    double *const *b = on_grad ? m->db : m->b;
    switch (k) {
    case K_TRANSLATION:
        sym_col_sum(c, W[2], b[2], C, H);
        if (mag)
            sym_col_abs(mag, W[2], b[2], C, H);
        break;
    case K_RESCALE:
        /* hidden layer 1 (W0 rows in, W1 columns out), hidden layer 2 (W1, W2) */
        sym_rescale_charge(c, W[0], b[0], W[1], H, IN, H);
        sym_rescale_charge(c + H, W[1], b[1], W[2], H, H, C);
        if (mag) {
            sym_in_sqnorm(mag, W[0], b[0], H, IN);
            sym_out_sqnorm(tmp, W[1], H, H);
            for (int i = 0; i < H; i++)
                mag[i] += tmp[i];
            sym_in_sqnorm(mag + H, W[1], b[1], H, H);
            sym_out_sqnorm(tmp, W[2], C, H);
            for (int i = 0; i < H; i++)
                mag[H + i] += tmp[i];
        }
        break;
    case K_SCALE:
        sym_in_sqnorm(c, W[0], b[0], H, IN);
        sym_in_sqnorm(c + H, W[1], b[1], H, H);
        if (mag)
            memcpy(mag, c, 2 * H * sizeof *c);
        break;
    }
}

/* ------------------------------------------------ Hessian constraints */

/* Central-difference Hessian-vector product: hv = (g(th + h xi) - g(th - h xi)) / 2h. */
static void hvp(mlp_t *m, const double *x, const int *y, int B, const double *th0,
                const double *xi, double h, double *hv, double *gp)
{
    size_t n = m->n_params;
    for (size_t i = 0; i < n; i++)
        m->theta[i] = th0[i] + h * xi[i];
    mlp_train_batch(m, x, y, B, NULL);
    memcpy(gp, m->grad, n * sizeof *gp);
    for (size_t i = 0; i < n; i++)
        m->theta[i] = th0[i] - h * xi[i];
    mlp_train_batch(m, x, y, B, NULL);
    for (size_t i = 0; i < n; i++)
        hv[i] = (gp[i] - m->grad[i]) / (2.0 * h);
    memcpy(m->theta, th0, n * sizeof *th0);
}

static double norm(const double *v, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += v[i] * v[i];
    return sqrt(s);
}

/* For one group: generator xi and prediction p = -(d xi/d theta)^T g, and a
 * random control direction r with the same support and norm. */
static void hessian_check(mlp_t *m, kind_t k, const double *x, const int *y, int B, rng_t *r,
                          tsv_t *t, tsv_t *sum)
{
    size_t n = m->n_params;
    double *th0 = xmalloc(n * sizeof *th0), *g0 = xmalloc(n * sizeof *g0);
    double *xi = xcalloc(n, sizeof *xi), *p = xcalloc(n, sizeof *p), *rc = xcalloc(n, sizeof *rc);
    double *hv = xmalloc(n * sizeof *hv), *gp = xmalloc(n * sizeof *gp);
    memcpy(th0, m->theta, n * sizeof *th0);
    mlp_train_batch(m, x, y, B, NULL);
    memcpy(g0, m->grad, n * sizeof *g0);
    const int unit = 3;
    size_t off;
    double gA = 0.0;             /* |g| on the part of the group the theory's O(h^2) term uses */
    switch (k) {
    case K_TRANSLATION:          /* column `unit` of W2 (all classes) */
        off = (size_t)(m->W[2] - m->theta);
        for (int c = 0; c < C; c++)
            xi[off + (size_t)c * H + unit] = 1.0;
        break;
    case K_SCALE:                /* row `unit` of W0 and b0[unit] */
        off = (size_t)(m->W[0] - m->theta) + (size_t)unit * IN;
        for (int j = 0; j < IN; j++)
            xi[off + j] = th0[off + j], p[off + j] = -g0[off + j];
        off = (size_t)(m->b[0] - m->theta) + unit;
        xi[off] = th0[off], p[off] = -g0[off];
        for (size_t i = 0; i < n; i++)
            gA += p[i] * p[i];
        gA = sqrt(gA);
        break;
    case K_RESCALE:              /* unit `unit` of hidden layer 2: in = W1 row + b1, out = W2 column */
        off = (size_t)(m->W[1] - m->theta) + (size_t)unit * H;
        for (int j = 0; j < H; j++)
            xi[off + j] = th0[off + j], p[off + j] = -g0[off + j], gA += g0[off + j] * g0[off + j];
        off = (size_t)(m->b[1] - m->theta) + unit;
        xi[off] = th0[off], p[off] = -g0[off], gA += g0[off] * g0[off];
        gA = sqrt(gA);
        off = (size_t)(m->W[2] - m->theta);
        for (int c = 0; c < C; c++) {
            size_t i = off + (size_t)c * H + unit;
            xi[i] = -th0[i], p[i] = g0[i];
        }
        break;
    }
    double nx = norm(xi, n);
    for (size_t i = 0; i < n; i++)
        if (xi[i] != 0.0)
            rc[i] = rng_normal(r);
    double nr = norm(rc, n);
    for (size_t i = 0; i < n; i++)
        rc[i] *= nx / nr;

    double worst_ratio = 0.0;
    double hs[9] = {1e-1, 3e-2, 1e-2, 3e-3, 1e-3, 3e-4, 1e-4, 3e-5, 1e-5}, res[9], ctrl[9];
    for (int q = 0; q < 9; q++) {
        hvp(m, x, y, B, th0, xi, hs[q], hv, gp);
        for (size_t i = 0; i < n; i++)
            hv[i] -= p[i];
        res[q] = norm(hv, n);
        hvp(m, x, y, B, th0, rc, hs[q], hv, gp);
        ctrl[q] = norm(hv, n);
    }
    for (int q = 0; q < 9; q++) {
        double h = hs[q];
        /* theory: scale moves exactly along its orbit, so the residual is
         * h^2/(1-h^2) |g_A|; rescale's straight line leaves the orbit at
         * O(h^2), so only the order is predicted (h^2 through h = 1e-2);
         * translation is round-off, eps |g| / h. */
        double theory = k == K_TRANSLATION ? EPS_MACH * norm(g0, n) / h
                        : k == K_SCALE     ? h * h / (1.0 - h * h) * gA
                                           : res[2] * (h / hs[2]) * (h / hs[2]);
        tsv_rowv(t, 5, h, res[q] / ctrl[q], ctrl[q], theory / ctrl[q], res[q]);
        if (q > 0 && k != K_TRANSLATION && q <= 3) {
            double ratio = res[q - 1] / res[q] / (hs[q - 1] * hs[q - 1] / (h * h));
            if (fabs(ratio - 1.0) > worst_ratio)
                worst_ratio = fabs(ratio - 1.0);
        }
        if (q == 4) {
            char key[64];
            snprintf(key, sizeof key, "hess_%s_rel_h1e-3", kind_name[k]);
            tsv_kv(sum, key, res[q] / ctrl[q]);
            snprintf(key, sizeof key, "hess_%s_theory_rel_h1e-3", kind_name[k]);
            tsv_kv(sum, key, theory / ctrl[q]);
        }
    }
    if (k != K_TRANSLATION) {
        char key[64];
        snprintf(key, sizeof key, "hess_%s_h2_slope_dev", kind_name[k]);
        tsv_kv(sum, key, worst_ratio);
    }
    memcpy(m->theta, th0, n * sizeof *th0);
    free(th0), free(g0), free(xi), free(p), free(rc), free(hv), free(gp);
}

/* max_j |sum_c gW[c,j]| / ((1/B) sum_b |h[b,j]|) over units j with h != 0 */
static double translation_vs_act(const double *gW, const double *h, int B, int Cc, int Hh)
{
    double worst = 0.0;
    for (int j = 0; j < Hh; j++) {
        double s = 0.0, a = 0.0;
        for (int c = 0; c < Cc; c++)
            s += gW[(size_t)c * Hh + j];
        for (int b = 0; b < B; b++)
            a += fabs(h[(size_t)b * Hh + j]) / B;
        if (a > 0.0 && fabs(s) / a > worst)
            worst = fabs(s) / a;
    }
    return worst;
}

/* ----------------------------------------------------------- main */

typedef struct {
    int net, batch, subset, resid_run;
    double eta;
    long seed, steps, every;
    const char *out_dir;
    arg_doubles_t lambdas;
    arg_ints_t units;
} opts_t;

/* One run per lambda from the same initialisation and the same batches. */
typedef struct {
    opts_t o;
    int bn, nk, NL;
    kind_t kinds[2];
    int ushow[NSHOW * 2];
    dataset_t ds;
    minibatch_t mb;
    double *x;
    int *y;
    tsv_t *out[2], *raw, *cons, *sum;
    double *c, *mag, *tmp, *gg, *c0[2], *ex[2], *fl[2];
    double worst_exact_all[2], worst_res[6], min_ctrl[3];
} run_t;

static void open_outputs(run_t *R, int argc, char **argv)
{
    const opts_t *o = &R->o;
    const char *net = R->bn ? "bn" : "plain";
    for (int q = 0; q < R->nk; q++) {
        R->out[q] = tsv_createf(argc, argv, "%s/%s.tsv", o->out_dir, kind_name[R->kinds[q]]);
        tsv_comment(R->out[q], "seed %llu, eta %g, batch %d, steps %ld, subset %d, net %s",
                    (unsigned long long)o->seed, o->eta, o->batch, o->steps, o->subset, net);
        tsv_comment(R->out[q], "exact: %s; flow: NM eqs. 18-20 with measured |g_A|^2 per step",
                    R->kinds[q] == K_TRANSLATION ? "s' = (1 - eta lambda) s"
                                                 : "Q' = (1 - eta lambda)^2 Q + eta^2 G");
        tsv_comment(R->out[q], "one block per lambda (gnuplot index), lambdas %s", o->lambdas.text);
        tsv_columns(R->out[q], "step\tt\telk\tmean_meas\tmean_exact\tmean_flow\t"
                               "u1_meas\tu1_exact\tu1_flow\tu2_meas\tu2_exact\tu2_flow\t"
                               "u3_meas\tu3_exact\tu3_flow\tdev_exact\tdev_flow");
    }
    /* NM Fig. 1 in miniature: a few raw weights of one unit against the unit's
     * charge, in the run with index --resid-run */
    R->raw = NULL;
    if (R->bn) {
        R->raw = tsv_createf(argc, argv, "%s/units_bn.tsv", o->out_dir);
        tsv_comment(R->raw, "lambda %g; unit 0 of hidden layer 2: W1[0, j] for j = 0..5, and its "
                            "scale charge Q (measured, exact law)", o->lambdas.v[o->resid_run]);
        tsv_columns(R->raw, "step\tt\tw0\tw1\tw2\tw3\tw4\tw5\tQ_meas\tQ_exact");
    }
    R->cons = tsv_createf(argc, argv, "%s/constraints_%s.tsv", o->out_dir, net);
    tsv_comment(R->cons, "relative residuals of the gradient constraints (symmetry.h), lambda %g",
                o->lambdas.v[o->resid_run]);
    if (R->bn)
        tsv_columns(R->cons, "step\tscale_l1\tscale_l2\ttranslation\tctrl_rescale_l1\tloss");
    else
        tsv_columns(R->cons, "step\ttranslation\trescale_l1\trescale_l2\tctrl_translation_hidden\t"
                             "ctrl_scale_l1\tloss\ttranslation_vs_act");
    R->sum = tsv_createf(argc, argv, "%s/sgd_%s_summary.tsv", o->out_dir, net);
    tsv_columns(R->sum, "key\tvalue");
    tsv_kv(R->sum, "eta", o->eta);
    tsv_kv(R->sum, "batch", o->batch);
    tsv_kv(R->sum, "steps", (double)o->steps);
    tsv_kv(R->sum, "subset", o->subset);
    tsv_kv(R->sum, "n_lambdas", R->NL);
}

/* Per-run worst deviations and the final means of one kind of charge. */
typedef struct {
    double worst_exact[2], worst_flow[2], final_mean[2][3];
} devs_t;

/* The charges after k steps against both predictions: a row every --every
 * steps, and the worst deviations so far. */
static void record(run_t *R, const mlp_t *m, long k, double lambda, int l, devs_t *d)
{
    const opts_t *o = &R->o;
    double *c = R->c, *mag = R->mag;
    for (int q = 0; q < R->nk; q++) {
        int ng = n_groups(R->kinds[q]);
        measure(R->kinds[q], m, 0, c, mag, R->tmp);
        double de = 0.0, df = 0.0, mm = 0.0, me = 0.0, mf = 0.0;
        double *ex = R->ex[q], *fl = R->fl[q], *c0 = R->c0[q];
        for (int i = 0; i < ng; i++) {
            double e = fabs(c[i] - ex[i]) / mag[i], f = fabs(c[i] - fl[i]) / mag[i];
            if (e > de)
                de = e;
            if (f > df)
                df = f;
            mm += c[i] / c0[i], me += ex[i] / c0[i], mf += fl[i] / c0[i];
        }
        mm /= ng, me /= ng, mf /= ng;
        if (de > d->worst_exact[q])
            d->worst_exact[q] = de;
        if (df > d->worst_flow[q])
            d->worst_flow[q] = df;
        d->final_mean[q][0] = mm, d->final_mean[q][1] = me, d->final_mean[q][2] = mf;
        if (k % o->every == 0 || k == o->steps) {
            double row[17] = {(double)k, o->eta * k, o->eta * lambda * k, mm, me, mf};
            for (int u = 0; u < NSHOW; u++) {
                int i = R->ushow[q * NSHOW + u];
                /* translation units are shown as s/s0 (they collapse on one law) */
                double s = R->kinds[q] == K_TRANSLATION ? 1.0 / c0[i] : 1.0;
                row[6 + 3 * u] = c[i] * s;
                row[7 + 3 * u] = ex[i] * s;
                row[8 + 3 * u] = fl[i] * s;
            }
            row[15] = de, row[16] = df;
            tsv_row(R->out[q], 17, row);
        }
    }
    if (R->raw && l == o->resid_run) {
        const double *w = m->W[1];     /* row 0 of layer 1: unit H + 0 */
        double Qm = 0.0;
        for (int j = 0; j < H; j++)
            Qm += w[j] * w[j];
        Qm += m->b[1][0] * m->b[1][0];
        tsv_rowv(R->raw, 10, (double)k, o->eta * k, w[0], w[1], w[2], w[3], w[4], w[5], Qm,
                 R->ex[0][H]);
    }
}

/* The gradient constraints on this minibatch gradient (symmetry.h). */
static void constraints(run_t *R, const mlp_t *m, long k, int l, double loss)
{
    double r[6], *worst = R->worst_res, *min_ctrl = R->min_ctrl;
    int logged = l == R->o.resid_run;
    if (R->bn) {
        r[0] = sym_scale_residual(m->W[0], m->b[0], m->dW[0], m->db[0], H, IN);
        r[1] = sym_scale_residual(m->W[1], m->b[1], m->dW[1], m->db[1], H, H);
        r[2] = sym_translation_residual(m->dW[2], m->db[2], C, H);
        r[3] = sym_rescale_residual(m->W[0], m->b[0], m->dW[0], m->db[0], m->W[1], m->dW[1], H,
                                    IN, H);
        for (int j = 0; j < 3; j++)
            if (r[j] > worst[j])
                worst[j] = r[j];
        if (r[3] < min_ctrl[0])
            min_ctrl[0] = r[3];
        if (logged)
            tsv_rowv(R->cons, 6, (double)k, r[0], r[1], r[2], r[3], loss);
        return;
    }
    r[0] = sym_translation_residual(m->dW[2], m->db[2], C, H);
    r[1] = sym_rescale_residual(m->W[0], m->b[0], m->dW[0], m->db[0], m->W[1], m->dW[1], H,
                                IN, H);
    r[2] = sym_rescale_residual(m->W[1], m->b[1], m->dW[1], m->db[1], m->W[2], m->dW[2], H,
                                H, C);
    r[3] = sym_translation_residual(m->dW[1], m->db[1], H, H);
    r[4] = sym_scale_residual(m->W[0], m->b[0], m->dW[0], m->db[0], H, IN);
    for (int j = 0; j < 3; j++)
        if (r[j] > worst[j])
            worst[j] = r[j];
    if (r[3] < min_ctrl[0])
        min_ctrl[0] = r[3];
    if (r[4] < min_ctrl[1])
        min_ctrl[1] = r[4];
    /* translation against the scale set by the activations instead of
     * by the gradient: |sum_c g_cj| / ((1/B) sum_b |h_bj|).  Since
     * sum_c g_cj = sum_b h_bj sum_c dlogit_bc, and each softmax row sums
     * to 1 up to rounding, this should sit at round-off even where the
     * gradient itself is tiny. */
    r[5] = translation_vs_act(m->dW[2], m->act[2], R->o.batch, C, H);
    if (r[5] > worst[3])
        worst[3] = r[5];
    if (logged)
        tsv_rowv(R->cons, 8, (double)k, r[0], r[1], r[2], r[3], r[4], loss, r[5]);
}

/* Predictions one step on, driven by this step's measured gradient norms. */
static void predict(run_t *R, const mlp_t *m, double lambda)
{
    const double eta = R->o.eta;
    for (int q = 0; q < R->nk; q++) {
        int ng = n_groups(R->kinds[q]);
        double *ex = R->ex[q], *fl = R->fl[q];
        if (R->kinds[q] == K_TRANSLATION) {
            for (int i = 0; i < ng; i++) {
                ex[i] = sym_translation_step(ex[i], eta, lambda);
                fl[i] = sym_translation_flow_step(fl[i], eta, lambda);
            }
        } else {
            measure(R->kinds[q], m, 1, R->gg, NULL, R->tmp);
            for (int i = 0; i < ng; i++) {
                ex[i] = sym_scale_step(ex[i], R->gg[i], eta, lambda);
                fl[i] = sym_scale_flow_step(fl[i], R->gg[i], eta, lambda);
            }
        }
    }
}

/* The run with weight decay lambdas[l]: training, its summary keys, and
 * (for --resid-run) the Hessian constraints on the trained network. */
static void run_lambda(run_t *R, int l, progress_t *pr, int argc, char **argv)
{
    const opts_t *o = &R->o;
    const uint64_t seed = (uint64_t)o->seed;
    const int B = o->batch;
    const long K = o->steps;
    const double lambda = o->lambdas.v[l];
    const int dims[4] = {IN, H, H, C};
    rng_t ri;
    rng_seed(&ri, seed, 1);
    mlp_t m;
    if (mlp_init(&m, dims, 3, 1, R->bn, 0.0, B, &ri))
        die("mlp_init failed");
    minibatch_rewind(&R->mb, seed, 2);
    for (int q = 0; q < R->nk; q++) {
        measure(R->kinds[q], &m, 0, R->c0[q], NULL, R->tmp);
        memcpy(R->ex[q], R->c0[q], n_groups(R->kinds[q]) * sizeof(double));
        memcpy(R->fl[q], R->c0[q], n_groups(R->kinds[q]) * sizeof(double));
    }
    devs_t d = {{0, 0}, {0, 0}, {{0}}};
    double loss = 0.0;
    for (long k = 0; k <= K; k++) {
        record(R, &m, k, lambda, l, &d);       /* the state after k steps */
        if (k == K)
            break;
        minibatch_next(&R->mb, R->x, R->y, B);
        loss = mlp_train_batch(&m, R->x, R->y, B, NULL);
        constraints(R, &m, k, l, loss);
        predict(R, &m, lambda);
        opt_sgd_step(m.theta, m.grad, NULL, m.n_params, o->eta, 0.0, lambda, OPT_WD_COUPLED);
        char note[64];
        snprintf(note, sizeof note, "lambda %g loss %.3f", lambda, loss);
        progress_update(pr, (double)l * K + k + 1, (double)R->NL * K, note);
    }
    for (int q = 0; q < R->nk; q++) {
        tsv_line(R->out[q], "%s", "");
        tsv_line(R->out[q], "%s", "");
        char key[80];
        const char *kn = kind_name[R->kinds[q]];
        snprintf(key, sizeof key, "%s_dev_exact_%d", kn, l);
        tsv_kv(R->sum, key, d.worst_exact[q]);
        snprintf(key, sizeof key, "%s_dev_flow_%d", kn, l);
        tsv_kv(R->sum, key, d.worst_flow[q]);
        snprintf(key, sizeof key, "%s_final_mean_meas_%d", kn, l);
        tsv_kv(R->sum, key, d.final_mean[q][0]);
        snprintf(key, sizeof key, "%s_final_mean_flow_%d", kn, l);
        tsv_kv(R->sum, key, d.final_mean[q][2]);
        if (d.worst_exact[q] > R->worst_exact_all[q])
            R->worst_exact_all[q] = d.worst_exact[q];
    }
    char key[64];
    snprintf(key, sizeof key, "lambda_%d", l);
    tsv_kv(R->sum, key, lambda);
    snprintf(key, sizeof key, "elk_%d", l);
    tsv_kv(R->sum, key, o->eta * lambda * K);
    snprintf(key, sizeof key, "final_loss_%d", l);
    tsv_kv(R->sum, key, loss);

    if (l == o->resid_run) {
        /* Hessian constraints on the trained network, last batch */
        rng_t rh;
        rng_seed(&rh, seed, 3);
        for (int q = 0; q < R->nk; q++) {
            tsv_t *t = tsv_createf(argc, argv, "%s/hessian_%s_%s.tsv", o->out_dir,
                                   R->bn ? "bn" : "plain", kind_name[R->kinds[q]]);
            tsv_comment(t, "H xi + (d xi)^T g by central differences of step h, unit 3, "
                           "relative to |H r| for a random r on the same group");
            tsv_columns(t, "h\tresidual_rel\tctrl\ttheory_rel\tresidual");
            hessian_check(&m, R->kinds[q], R->x, R->y, B, &rh, t, R->sum);
            tsv_finish(t);
        }
    }
    mlp_free(&m);
}

static void write_totals(run_t *R)
{
    tsv_t *sum = R->sum;
    for (int q = 0; q < R->nk; q++) {
        char key[64];
        snprintf(key, sizeof key, "%s_dev_exact_max", kind_name[R->kinds[q]]);
        tsv_kv(sum, key, R->worst_exact_all[q]);
    }
    if (R->bn) {
        tsv_kv(sum, "resid_scale_max", fmax(R->worst_res[0], R->worst_res[1]));
        tsv_kv(sum, "resid_translation_max", R->worst_res[2]);
        tsv_kv(sum, "ctrl_rescale_min", R->min_ctrl[0]);
    } else {
        tsv_kv(sum, "resid_translation_max", R->worst_res[0]);
        tsv_kv(sum, "resid_translation_vs_act_max", R->worst_res[3]);
        tsv_kv(sum, "resid_rescale_max", fmax(R->worst_res[1], R->worst_res[2]));
        tsv_kv(sum, "ctrl_translation_min", R->min_ctrl[0]);
        tsv_kv(sum, "ctrl_scale_min", R->min_ctrl[1]);
    }
}

static const char about[] =
    "SGD with weight decay: charges against exact laws and NM's flow; gradient, Hessian checks.";

static const arg_spec_t options[] = {
    ARG_CHOICE(opts_t, net, "plain|bn", ARG_REQUIRED, "biases and no BN (translation, rescale), or BN (scale)"),
    ARG_STRING(opts_t, out_dir, "data/ch2", "output directory"),
    ARG_LONG(opts_t, seed, "20210301", "seed (PCG32 streams 1 init, 2 minibatches, 3 Hessian control)"),
    ARG_DOUBLE(opts_t, eta, "0.1", "SGD step size"),
    ARG_INT(opts_t, batch, "64", "minibatch size, >= 2"),
    ARG_LONG(opts_t, steps, "1000", "SGD steps per lambda"),
    ARG_INT(opts_t, subset, "10000", "the first N training images"),
    ARG_DOUBLES(opts_t, lambdas, "0,4e-3,2e-2,4e-2", "weight decays, one run each (at most 8)"),
    ARG_LONG(opts_t, every, "5", "steps between rows"),
    ARG_INT(opts_t, resid_run, "1", "index into --lambdas of the run whose constraints are logged"),
    ARG_INTS(opts_t, units, NULL, "units shown, three per charge (default 0,1,2 and H+0,H+1,H+2)"),
    ARG_END
};

int main(int argc, char **argv)
{
    opts_t opts;
    args_parse(options, &opts, argc, argv, about);
    if (opts.eta <= 0 || opts.batch < 2 || opts.steps < 1 || opts.every < 1)
        die("need eta > 0, batch >= 2, steps >= 1, every >= 1");
    run_t *R = xcalloc(1, sizeof *R);
    R->o = opts;
    const opts_t *o = &R->o;
    R->NL = o->lambdas.n;
    if (R->NL > NL_MAX)
        die("--lambdas '%s': more than %d values", o->lambdas.text, NL_MAX);
    for (int l = 0; l < R->NL; l++)
        if (o->lambdas.v[l] < 0 || o->eta * o->lambdas.v[l] >= 1)
            die("--lambdas: need 0 <= lambda < 1/eta");
    if (o->resid_run < 0 || o->resid_run >= R->NL)
        die("--resid-run must index --lambdas");
    R->bn = o->net == 1;
    R->nk = R->bn ? 1 : 2;
    R->kinds[0] = R->bn ? K_SCALE : K_TRANSLATION;
    R->kinds[1] = K_RESCALE;
    /* units shown in the figures, one triple per kind (defaults chosen by index) */
    const int udef[NSHOW * 2] = {0, 1, 2, H + 0, H + 1, H + 2};
    memcpy(R->ushow, udef, sizeof udef);
    if (o->units.n) {
        if (o->units.n != NSHOW * R->nk)
            die("--units: need %d indices", NSHOW * R->nk);
        memcpy(R->ushow, o->units.v, (size_t)o->units.n * sizeof(int));
    }

    char err[512];
    if (fmnist_load(&R->ds, NULL, "train", err, sizeof err))
        die("%s", err);
    if (minibatch_init(&R->mb, &R->ds, o->subset, MINIBATCH_STREAM, (uint64_t)o->seed, 2))
        die("--subset %d: must be in 1..%d", o->subset, R->ds.n);
    R->x = xmalloc((size_t)o->batch * IN * sizeof *R->x);
    R->y = xmalloc((size_t)o->batch * sizeof *R->y);
    open_outputs(R, argc, argv);

    int G = 2 * H + 1;
    R->c = xmalloc(G * sizeof *R->c);
    R->mag = xmalloc(G * sizeof *R->mag);
    R->tmp = xmalloc(G * sizeof *R->tmp);
    R->gg = xmalloc(G * sizeof *R->gg);
    for (int q = 0; q < 2; q++) {
        R->c0[q] = xmalloc(G * sizeof(double));
        R->ex[q] = xmalloc(G * sizeof(double));
        R->fl[q] = xmalloc(G * sizeof(double));
    }
    for (int j = 0; j < 3; j++)
        R->min_ctrl[j] = 1e300;

    progress_t pr;
    progress_begin(&pr, R->bn ? "sgd_charges bn" : "sgd_charges plain");
    for (int l = 0; l < R->NL; l++)
        run_lambda(R, l, &pr, argc, argv);
    progress_end(&pr);
    write_totals(R);
    for (int q = 0; q < R->nk; q++)
        tsv_finish(R->out[q]);
    tsv_finish(R->cons);
    if (R->raw)
        tsv_finish(R->raw);
    tsv_finish(R->sum);
    free(R->x), free(R->y), free(R->c), free(R->mag), free(R->tmp), free(R->gg);
    for (int q = 0; q < 2; q++)
        free(R->c0[q]), free(R->ex[q]), free(R->fl[q]);
    minibatch_free(&R->mb);
    dataset_free(&R->ds);
    free(R);
    return 0;
}
