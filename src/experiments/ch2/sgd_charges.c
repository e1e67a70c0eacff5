/* sgd_charges.c: the charges of Neural Mechanics (Kunin et al. 2021, NM) on
 * a trained network: the gradient and Hessian constraints, the charges under
 * SGD with coupled weight decay against the one-step laws and NM's
 * continuous laws, and the gradient noise along the generators.
 *
 * A 784-128-128-10 ReLU MLP (mlp.h) is trained on a Fashion-MNIST subset by
 * SGD with coupled weight decay, once per lambda, same initialisation and
 * same batches (one seed: init, batches, checks).  Per unit it measures a
 * charge and predicts it twice:
 *   exact:  the one-step law driven by the measured minibatch gradient norms
 *           (symmetry.h: sym_*_step; an identity, so round-off is expected);
 *   flow:   NM's continuous laws in t = eta k, with the same measured norms
 *           held constant over each step (off by O(eta lambda)).
 *
 *   --net plain   biases, no BN: translation of the softmax layer's columns
 *                 (and bias), rescale of both hidden layers' ReLU units;
 *   --net bn      Linear -> BatchNorm(eps = 0, no affine) -> ReLU: scale of
 *                 both hidden layers' incoming weights (+ bias).
 *
 * In the run --noise-run it measures the gradient noise along every
 * generator (ch2/lib/noise.h): at the end (plain: per-sample gradients; BN:
 * minibatch gradients), and for BN also at --share-points steps k = 0 and
 * K/2^j (j = share-points - 2, ..., 0), the share of the scale law's drive
 * eta^2 |g_A|^2 that is minibatch noise: per unit tr Sigma_AA / E|g_A|^2, and
 * over the run the trapezoid integrals in k of both, summed over units.
 *
 * Writes PREFIX_NAME.tsv for --out PREFIX:
 *   plain: translation, rescale (one block per lambda: step, t, eta lambda k,
 *          mean over units of c/c0 (measured, exact, flow), three units, and
 *          the largest deviation over units, exact and flow);
 *   bn:    scale (one row per logged step, five columns per lambda: mean
 *          c/c0 measured, exact, flow; largest deviation exact, flow),
 *          units (raw weights of one unit and its charge), noise_share;
 *   both:  constraints (per step, relative residuals and controls),
 *          hessian_KIND (central-difference H xi against -(d xi)^T g, by h),
 *          noise (per group at the end of --noise-run), summary. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/args.h"
#include "core/rng.h"
#include "core/stats.h"
#include "core/tsv.h"
#include "core/util.h"
#include "experiments/ch2/lib/net.h"
#include "experiments/ch2/lib/noise.h"
#include "experiments/ch2/lib/out.h"
#include "nn/mlp.h"
#include "nn/optim.h"
#include "nn/symmetry.h"

enum { NL_MAX = 8, NSHOW = 3, H = CH2_H, IN = CH2_IN, C = CH2_C, NCOL = 5 };
#define EPS_MACH 2.220446049250313e-16

static const char *kind_name[3] = {"translation", "scale", "rescale"};

/* Charge per group (and its natural magnitude, for relative deviations),
 * read from vec laid out as theta: the weights, or the gradient. */
static int n_groups(sym_kind_t k)
{
    return k == SYM_TRANSLATION ? H + 1 : 2 * H;
}

static void measure(sym_kind_t k, const mlp_t *m, const double *vec, double *c, double *mag,
                    double *tmp)
{
    switch (k) {
    case SYM_TRANSLATION:
        sym_col_sum(c, ch2_W(m, vec, 2), ch2_b(m, vec, 2), C, H);
        if (mag)
            sym_col_abs(mag, ch2_W(m, vec, 2), ch2_b(m, vec, 2), C, H);
        break;
    case SYM_RESCALE:
        ch2_rescale_charges(c, mag, m, vec, tmp);
        break;
    case SYM_SCALE:
        ch2_scale_charges(c, m, vec);
        if (mag)
            memcpy(mag, c, 2 * H * sizeof *c);
        break;
    }
}

/* ------------------------------------------------ Hessian constraints */

static double norm(const double *v, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += v[i] * v[i];
    return sqrt(s);
}

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

/* The group of kind k checked (hidden layer 1 for scale, layer 2 for
 * rescale, the softmax columns for translation): the first unit from 3 on
 * whose group has a non-zero gradient (a dead ReLU unit has none, and its
 * Hessian vanishes too), as dense vectors: the generator xi and the
 * prediction p = -(d xi/d theta)^T g, which is -xi(g) for the linear
 * generators of scale and rescale and 0 for translation.  Returns the unit. */
static int unit_group(const mlp_t *m, sym_kind_t k, const double *g0, double *xi, double *p)
{
    const int l = k == SYM_TRANSLATION ? 2 : (k == SYM_SCALE ? 0 : 1);
    sym_layer_t L = ch2_layer(m, l), next = ch2_layer(m, l < 2 ? l + 1 : l);
    size_t cap = m->n_params, *idx = xmalloc(cap * sizeof *idx), nz = 0;
    double *v = xmalloc(cap * sizeof *v);
    int unit = 3;
    for (;; unit++) {
        nz = sym_generator(idx, v, k, g0, &L, &next, unit);
        if (!nz)
            die("hessian check: no unit with a gradient in layer %d", l);
        double gg = 0.0;
        for (size_t j = 0; j < nz; j++)
            gg += g0[idx[j]] * g0[idx[j]];
        if (gg > 0.0)
            break;
    }
    if (k != SYM_TRANSLATION)                  /* v = xi(g), as the loop left it */
        for (size_t j = 0; j < nz; j++)
            p[idx[j]] = -v[j];
    sym_generator(idx, v, k, m->theta, &L, &next, unit);
    for (size_t j = 0; j < nz; j++)
        xi[idx[j]] = v[j];
    free(idx), free(v);
    return unit;
}

/* The residual |H xi - p| at nine steps h against a random control r with
 * the same support and norm, and its theory: scale moves exactly along its
 * orbit, so the residual is h^2/(1-h^2) |g_A|; rescale's straight line
 * leaves the orbit at O(h^2), so only the order is predicted (h^2 through
 * h = 1e-2); translation is round-off, eps |g| / h. */
static void hessian_check(mlp_t *m, sym_kind_t k, const double *x, const int *y, int B, rng_t *r,
                          tsv_t *t, tsv_t *sum)
{
    size_t n = m->n_params;
    double *th0 = xmalloc(n * sizeof *th0), *g0 = xmalloc(n * sizeof *g0);
    double *xi = xcalloc(n, sizeof *xi), *p = xcalloc(n, sizeof *p), *rc = xcalloc(n, sizeof *rc);
    double *hv = xmalloc(n * sizeof *hv), *gp = xmalloc(n * sizeof *gp);
    memcpy(th0, m->theta, n * sizeof *th0);
    mlp_train_batch(m, x, y, B, NULL);
    memcpy(g0, m->grad, n * sizeof *g0);
    int unit = unit_group(m, k, g0, xi, p);
    tsv_kvf(sum, unit, "hess_%s_unit", kind_name[k]);
    double gA = norm(p, n), nx = norm(xi, n);
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
        double theory = k == SYM_TRANSLATION ? EPS_MACH * norm(g0, n) / h
                        : k == SYM_SCALE     ? h * h / (1.0 - h * h) * gA
                                             : res[2] * (h / hs[2]) * (h / hs[2]);
        tsv_rowv(t, 5, h, res[q] / ctrl[q], ctrl[q], theory / ctrl[q], res[q]);
        if (q > 0 && k != SYM_TRANSLATION && q <= 3) {
            double ratio = res[q - 1] / res[q] / (hs[q - 1] * hs[q - 1] / (h * h));
            worst_ratio = fmax(worst_ratio, fabs(ratio - 1.0));
        }
        if (q == 4) {
            tsv_kvf(sum, res[q] / ctrl[q], "hess_%s_rel_h1e-3", kind_name[k]);
            tsv_kvf(sum, theory / ctrl[q], "hess_%s_theory_rel_h1e-3", kind_name[k]);
            if (k == SYM_SCALE)      /* the exact orbit: residual = theory */
                tsv_kvf(sum, fabs(res[q] - theory) / theory, "hess_%s_theory_dev", kind_name[k]);
        }
    }
    if (k != SYM_TRANSLATION)
        tsv_kvf(sum, worst_ratio, "hess_%s_h2_slope_dev", kind_name[k]);
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

/* ----------------------------------------------------------- the runs */

typedef struct {
    int net, batch, subset, resid_run, noise_run, noise_samples, noise_rand;
    double eta;
    long seed, steps, every;
    int share_points;
    const char *out;
    arg_doubles_t lambdas;
    arg_ints_t units;
} opts_t;

/* One run per lambda from the same initialisation and the same batches. */
typedef struct {
    opts_t o;
    int bn, nk, NL;
    sym_kind_t kinds[2];
    int ushow[NSHOW * 2];
    ch2_data_t data;
    minibatch_t nmb;                       /* batches for the noise measurement */
    double *nx;
    int *ny;
    rng_t nrng;
    tsv_t *out[2], *raw, *cons, *sum, *share;
    double *c, *mag, *tmp, *gg, *c0[2], *ex[2], *fl[2];
    double *wide;                          /* bn: [rows][NCOL * NL] for the scale table */
    long nrows;
    double worst_exact_all[2], worst_res[6], min_ctrl[3];
} run_t;

static void open_blocked(run_t *R, int q, int argc, char **argv)
{
    const opts_t *o = &R->o;
    R->out[q] = tsv_createf(argc, argv, "%s_%s.tsv", o->out, kind_name[R->kinds[q]]);
    tsv_comment(R->out[q], "seed %ld, eta %g, batch %d, steps %ld, subset %d, net plain", o->seed,
                o->eta, o->batch, o->steps, o->subset);
    tsv_comment(R->out[q], "exact: %s; flow: NM's continuous law with measured |g_A|^2 per step",
                R->kinds[q] == SYM_TRANSLATION ? "s' = (1 - eta lambda) s"
                                               : "Q' = (1 - eta lambda)^2 Q + eta^2 G");
    tsv_comment(R->out[q], "one block per lambda (gnuplot index), lambdas %s", o->lambdas.text);
    tsv_columns(R->out[q], "step\tt\telk\tmean_meas\tmean_exact\tmean_flow\t"
                           "u1_meas\tu1_exact\tu1_flow\tu2_meas\tu2_exact\tu2_flow\t"
                           "u3_meas\tu3_exact\tu3_flow\tdev_exact\tdev_flow");
}

static void open_bn(run_t *R, int argc, char **argv)
{
    const opts_t *o = &R->o;
    tsv_t *t = R->out[0] = tsv_createf(argc, argv, "%s_scale.tsv", o->out);
    tsv_comment(t, "seed %ld, eta %g, batch %d, steps %ld, subset %d, net bn, lambdas %s", o->seed,
                o->eta, o->batch, o->steps, o->subset, o->lambdas.text);
    tsv_comment(t, "per lambda l: mean over the 2H BN units of Q/Q0 measured, by the exact law "
                   "Q' = (1 - eta lambda)^2 Q + eta^2 |g_A|^2, by NM's continuous law (measured "
                   "|g_A|^2); largest relative deviation over units from each");
    char cols[1024] = "step\tt";
    for (int l = 0; l < R->NL; l++) {
        size_t len = strlen(cols);
        snprintf(cols + len, sizeof cols - len,
                 "\tmeas_%d\texact_%d\tflow_%d\tdev_exact_%d\tdev_flow_%d", l, l, l, l, l);
    }
    tsv_columns(t, cols);
    R->nrows = o->steps / o->every + 1 + (o->steps % o->every != 0);
    R->wide = xcalloc((size_t)R->nrows * NCOL * R->NL, sizeof *R->wide);
    /* NM Fig. 1 in miniature: raw weights of one unit against its charge */
    R->raw = tsv_createf(argc, argv, "%s_units.tsv", o->out);
    tsv_comment(R->raw, "lambda %g; unit 0 of hidden layer 2: W1[0, j] for j = 0..5, and its "
                        "scale charge Q (measured, exact law)", o->lambdas.v[o->resid_run]);
    tsv_columns(R->raw, "step\tt\tw0\tw1\tw2\tw3\tw4\tw5\tQ_meas\tQ_exact");
    R->share = tsv_createf(argc, argv, "%s_noise_share.tsv", o->out);
    tsv_comment(R->share, "lambda %g; %d minibatches of %d at fixed theta at %d steps; per "
                          "BN unit the share tr Sigma_AA / mean |g_A|^2 of minibatch noise in the "
                          "drive of the scale law; total: sums over units",
                o->lambdas.v[o->noise_run], o->noise_samples, o->batch, o->share_points);
    tsv_columns(R->share, "step\tshare_total\tshare_median\tshare_q10\tshare_q90");
}

static void open_outputs(run_t *R, int argc, char **argv)
{
    const opts_t *o = &R->o;
    if (R->bn)
        open_bn(R, argc, argv);
    else
        for (int q = 0; q < R->nk; q++)
            open_blocked(R, q, argc, argv);
    R->cons = tsv_createf(argc, argv, "%s_constraints.tsv", o->out);
    tsv_comment(R->cons, "relative residuals of the gradient constraints (symmetry.h), lambda %g",
                o->lambdas.v[o->resid_run]);
    if (R->bn)
        tsv_columns(R->cons, "step\tscale_l1\tscale_l2\ttranslation\tctrl_rescale_l1\tloss");
    else
        tsv_columns(R->cons, "step\ttranslation\trescale_l1\trescale_l2\tctrl_translation_hidden\t"
                             "ctrl_scale_l1\tloss\ttranslation_vs_act");
    R->sum = tsv_createf(argc, argv, "%s_summary.tsv", o->out);
    tsv_columns(R->sum, "key\tvalue");
    tsv_kv(R->sum, "eta", o->eta);
    tsv_kv(R->sum, "batch", o->batch);
    tsv_kv(R->sum, "steps", (double)o->steps);
    tsv_kv(R->sum, "subset", o->subset);
    tsv_kv(R->sum, "n_lambdas", R->NL);
}

/* Per-run worst deviations and the final means of one kind of charge. */
typedef struct {
    double worst_exact[2], worst_flow[2], final_mean[2][3], min_mean[2], max_mean[2];
} devs_t;

/* The charges after k steps against both predictions: a row every --every
 * steps (plain: a row of the lambda's block; bn: the lambda's columns of the
 * wide table), and the worst deviations so far. */
static void record(run_t *R, const mlp_t *m, long k, double lambda, int l, devs_t *d)
{
    const opts_t *o = &R->o;
    double *c = R->c, *mag = R->mag;
    const int logged = k % o->every == 0 || k == o->steps;
    for (int q = 0; q < R->nk; q++) {
        int ng = n_groups(R->kinds[q]);
        measure(R->kinds[q], m, m->theta, c, mag, R->tmp);
        double de = 0.0, df = 0.0, mm = 0.0, me = 0.0, mf = 0.0;
        double *ex = R->ex[q], *fl = R->fl[q], *c0 = R->c0[q];
        for (int i = 0; i < ng; i++) {
            de = fmax(de, fabs(c[i] - ex[i]) / mag[i]);
            df = fmax(df, fabs(c[i] - fl[i]) / mag[i]);
            mm += c[i] / c0[i], me += ex[i] / c0[i], mf += fl[i] / c0[i];
        }
        mm /= ng, me /= ng, mf /= ng;
        d->worst_exact[q] = fmax(d->worst_exact[q], de);
        d->worst_flow[q] = fmax(d->worst_flow[q], df);
        d->final_mean[q][0] = mm, d->final_mean[q][1] = me, d->final_mean[q][2] = mf;
        d->min_mean[q] = k == 0 ? mm : fmin(d->min_mean[q], mm);
        d->max_mean[q] = k == 0 ? mm : fmax(d->max_mean[q], mm);
        if (!logged)
            continue;
        if (R->bn) {
            long r = k / o->every + (k % o->every != 0);
            double *w = R->wide + ((size_t)r * R->NL + l) * NCOL;
            w[0] = mm, w[1] = me, w[2] = mf, w[3] = de, w[4] = df;
            continue;
        }
        double row[17] = {(double)k, o->eta * k, o->eta * lambda * k, mm, me, mf};
        for (int u = 0; u < NSHOW; u++) {
            int i = R->ushow[q * NSHOW + u];
            /* translation units are shown as s/s0 (they collapse on one law) */
            double s = R->kinds[q] == SYM_TRANSLATION ? 1.0 / c0[i] : 1.0;
            row[6 + 3 * u] = c[i] * s;
            row[7 + 3 * u] = ex[i] * s;
            row[8 + 3 * u] = fl[i] * s;
        }
        row[15] = de, row[16] = df;
        tsv_row(R->out[q], 17, row);
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
            worst[j] = fmax(worst[j], r[j]);
        min_ctrl[0] = fmin(min_ctrl[0], r[3]);
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
        worst[j] = fmax(worst[j], r[j]);
    min_ctrl[0] = fmin(min_ctrl[0], r[3]);
    min_ctrl[1] = fmin(min_ctrl[1], r[4]);
    /* translation against the scale set by the activations instead of
     * by the gradient: |sum_c g_cj| / ((1/B) sum_b |h_bj|).  Since
     * sum_c g_cj = sum_b h_bj sum_c dlogit_bc, and each softmax row sums
     * to 1 up to rounding, this should sit at round-off even where the
     * gradient itself is tiny. */
    r[5] = translation_vs_act(m->dW[2], m->act[2], R->o.batch, C, H);
    worst[3] = fmax(worst[3], r[5]);
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
        if (R->kinds[q] == SYM_TRANSLATION) {
            for (int i = 0; i < ng; i++) {
                ex[i] = sym_translation_step(ex[i], eta, lambda);
                fl[i] = sym_translation_flow_step(fl[i], eta, lambda);
            }
            continue;
        }
        measure(R->kinds[q], m, m->grad, R->gg, NULL, R->tmp);
        for (int i = 0; i < ng; i++) {
            ex[i] = sym_scale_step(ex[i], R->gg[i], eta, lambda);
            fl[i] = sym_scale_flow_step(fl[i], R->gg[i], eta, lambda);
        }
    }
}

/* Checkpoint j of the noise share: 0, then K/2^(P-1-j). */
static long share_step(const opts_t *o, int j)
{
    return j == 0 ? 0 : o->steps >> (o->share_points - 1 - j);
}

/* BN: the noise share of the scale law's drive, one row of noise_share;
 * acc gets the sums over units of tr Sigma_AA and mean |g_A|^2 at step k,
 * acc[2], acc[3] their trapezoid integrals in k so far, acc[4] the last k. */
static void noise_share(run_t *R, ch2_noise_t *ns, mlp_t *m, long k, double *acc)
{
    const opts_t *o = &R->o;
    ch2_noise_measure(ns, m, &R->nmb, R->nx, R->ny, o->batch, o->noise_samples, &R->nrng);
    double tr = 0.0, g2 = 0.0, s[2 * H], w[2 * H];
    for (int a = 0; a < ns->ngroups; a++) {
        ch2_noise_row_t row;
        ch2_noise_row(ns, a, &row);
        s[a] = row.share;
        tr += row.trace, g2 += row.mean_g2;
    }
    if (k > 0) {
        acc[2] += 0.5 * (k - acc[4]) * (acc[0] + tr);
        acc[3] += 0.5 * (k - acc[4]) * (acc[1] + g2);
    }
    acc[0] = tr, acc[1] = g2, acc[4] = (double)k;
    tsv_rowv(R->share, 5, (double)k, tr / g2, stats_median(s, ns->ngroups, w),
             stats_quantile(s, ns->ngroups, 0.1, w), stats_quantile(s, ns->ngroups, 0.9, w));
}

/* The noise along every generator at the end of the run: one row per group,
 * and the worst ratios per kind for the summary. */
static void noise_rows(run_t *R, ch2_noise_t *ns, mlp_t *m, int argc, char **argv)
{
    const opts_t *o = &R->o;
    if (!R->bn)
        ch2_noise_measure(ns, m, &R->nmb, R->nx, R->ny, o->batch, o->noise_samples, &R->nrng);
    tsv_t *t = tsv_createf(argc, argv, "%s_noise.tsv", o->out);
    tsv_comment(t, "end of the run with lambda %g: %d %s gradients at fixed theta; rho = sd of "
                   "<g_s, u> over sqrt(tr Sigma_AA / |A|), u the unit generator (gen) or %d "
                   "random unit directions on the same support (rand min, max); roundoff = eps "
                   "sqrt(mean |g_s,A|^2) / sqrt(tr Sigma_AA / |A|); share = tr Sigma_AA / mean "
                   "|g_s,A|^2; kind 0 translation, 1 scale, 2 rescale",
                o->lambdas.v[o->noise_run], o->noise_samples, R->bn ? "minibatch" : "per-sample",
                o->noise_rand);
    tsv_columns(t, "kind\tgroup\tsize\trho_gen\trho_rand_min\trho_rand_max\troundoff\tshare");
    double rho_max[3] = {0, 0, 0}, rand_min = INFINITY, round_max[3] = {0, 0, 0};
    double *rr = xmalloc(2 * (size_t)ns->ngroups * sizeof *rr);
    int nr = 0, silent = 0;             /* groups with noise; without (dead units) */
    for (int a = 0; a < ns->ngroups; a++) {
        ch2_noise_row_t r;
        ch2_noise_row(ns, a, &r);
        int k = ns->kind[a];
        tsv_rowv(t, 8, (double)k, (double)a, (double)ns->z.start[a + 1] - ns->z.start[a],
                 r.rho_gen, r.rho_rand_min, r.rho_rand_max, r.roundoff, r.share);
        if (!(r.trace > 0.0)) {         /* a dead unit: no gradient, no noise, rho = 0/0 */
            silent++;
            continue;
        }
        rho_max[k] = fmax(rho_max[k], r.rho_gen);
        round_max[k] = fmax(round_max[k], r.roundoff);
        rand_min = fmin(rand_min, r.rho_rand_min);
        rr[nr++] = r.rho_rand_min;
    }
    tsv_finish(t);
    tsv_kv(R->sum, "rho_random_median", stats_median(rr, nr, rr + ns->ngroups));
    tsv_kv(R->sum, "noise_silent_groups", silent);
    free(rr);
    for (int k = 0; k < 3; k++)
        if (rho_max[k] > 0.0) {
            tsv_kvf(R->sum, rho_max[k], "rho_%s_max", kind_name[k]);
            tsv_kvf(R->sum, round_max[k], "roundoff_%s_max", kind_name[k]);
        }
    tsv_kv(R->sum, "rho_random_min", rand_min);
}

/* The run with weight decay lambdas[l]: training, its summary keys, and the
 * checks of --resid-run and --noise-run on the trained network. */
static void run_lambda(run_t *R, int l, progress_t *pr, int argc, char **argv)
{
    const opts_t *o = &R->o;
    const long K = o->steps;
    const double lambda = o->lambdas.v[l];
    const int noise = l == o->noise_run;
    mlp_t m;
    ch2_net_init(&m, &R->data, R->bn);
    for (int q = 0; q < R->nk; q++) {
        measure(R->kinds[q], &m, m.theta, R->c0[q], NULL, R->tmp);
        memcpy(R->ex[q], R->c0[q], n_groups(R->kinds[q]) * sizeof(double));
        memcpy(R->fl[q], R->c0[q], n_groups(R->kinds[q]) * sizeof(double));
    }
    ch2_noise_t ns;
    double share[5] = {0, 0, 0, 0, 0};
    int next_share = 0;
    if (noise)
        ch2_noise_init(&ns, &m, R->bn, o->noise_rand);
    devs_t d = {{0, 0}, {0, 0}, {{0}}, {0, 0}, {0, 0}};
    double loss = 0.0;
    for (long k = 0; k <= K; k++) {
        record(R, &m, k, lambda, l, &d);       /* the state after k steps */
        if (noise && R->bn && next_share < o->share_points && k == share_step(o, next_share)) {
            noise_share(R, &ns, &m, k, share);
            next_share++;
        }
        if (k == K)
            break;
        ch2_data_next(&R->data);
        loss = mlp_train_batch(&m, R->data.x, R->data.y, o->batch, NULL);
        constraints(R, &m, k, l, loss);
        predict(R, &m, lambda);
        opt_sgd_step(m.theta, m.grad, NULL, m.n_params, o->eta, 0.0, lambda, OPT_WD_COUPLED);
        char note[64];
        snprintf(note, sizeof note, "lambda %g loss %.3f", lambda, loss);
        progress_update(pr, (double)l * K + k + 1, (double)R->NL * K, note);
    }
    for (int q = 0; q < R->nk; q++) {
        if (!R->bn) {
            tsv_line(R->out[q], "%s", "");
            tsv_line(R->out[q], "%s", "");
        }
        const char *kn = kind_name[R->kinds[q]];
        tsv_kvf(R->sum, d.worst_exact[q], "%s_dev_exact_%d", kn, l);
        tsv_kvf(R->sum, d.worst_flow[q], "%s_dev_flow_%d", kn, l);
        tsv_kvf(R->sum, d.final_mean[q][0], "%s_final_mean_meas_%d", kn, l);
        tsv_kvf(R->sum, d.final_mean[q][2], "%s_final_mean_flow_%d", kn, l);
        tsv_kvf(R->sum, d.min_mean[q], "%s_min_mean_meas_%d", kn, l);
        tsv_kvf(R->sum, d.max_mean[q], "%s_max_mean_meas_%d", kn, l);
        R->worst_exact_all[q] = fmax(R->worst_exact_all[q], d.worst_exact[q]);
    }
    tsv_kvf(R->sum, lambda, "lambda_%d", l);
    tsv_kvf(R->sum, o->eta * lambda * K, "elk_%d", l);
    tsv_kvf(R->sum, loss, "final_loss_%d", l);
    if (noise) {
        noise_rows(R, &ns, &m, argc, argv);
        if (R->bn)
            tsv_kv(R->sum, "noise_share_scale", share[2] / share[3]);
        ch2_noise_free(&ns);
    }
    if (l == o->resid_run) {
        /* Hessian constraints on the trained network, last batch */
        rng_t rh;
        rng_seed(&rh, (uint64_t)o->seed, 3);
        for (int q = 0; q < R->nk; q++) {
            tsv_t *t = tsv_createf(argc, argv, "%s_hessian_%s.tsv", o->out,
                                   kind_name[R->kinds[q]]);
            tsv_comment(t, "H xi + (d xi)^T g by central differences of step h, the first unit "
                           "from 3 on with a gradient, relative to |H r| for a random r on the "
                           "same group");
            tsv_columns(t, "h\tresidual_rel\tctrl\ttheory_rel\tresidual");
            hessian_check(&m, R->kinds[q], R->data.x, R->data.y, o->batch, &rh, t, R->sum);
            tsv_finish(t);
        }
    }
    mlp_free(&m);
}

static void write_totals(run_t *R)
{
    tsv_t *sum = R->sum;
    for (int q = 0; q < R->nk; q++)
        tsv_kvf(sum, R->worst_exact_all[q], "%s_dev_exact_max", kind_name[R->kinds[q]]);
    if (R->bn) {
        tsv_kv(sum, "resid_scale_max", fmax(R->worst_res[0], R->worst_res[1]));
        tsv_kv(sum, "resid_translation_max", R->worst_res[2]);
        tsv_kv(sum, "ctrl_rescale_min", R->min_ctrl[0]);
        double row[2 + NCOL * NL_MAX];
        for (long r = 0; r < R->nrows; r++) {
            long k = r * R->o.every < R->o.steps ? r * R->o.every : R->o.steps;
            row[0] = (double)k, row[1] = R->o.eta * k;
            memcpy(row + 2, R->wide + (size_t)r * NCOL * R->NL, NCOL * R->NL * sizeof *row);
            tsv_row(R->out[0], 2 + NCOL * R->NL, row);
        }
    } else {
        tsv_kv(sum, "resid_translation_max", R->worst_res[0]);
        tsv_kv(sum, "resid_translation_vs_act_max", R->worst_res[3]);
        tsv_kv(sum, "resid_rescale_max", fmax(R->worst_res[1], R->worst_res[2]));
        tsv_kv(sum, "ctrl_translation_min", R->min_ctrl[0]);
        tsv_kv(sum, "ctrl_scale_min", R->min_ctrl[1]);
    }
}

static const char about[] =
    "SGD with weight decay: charges against exact laws and NM's flow; constraints, noise.";

static const arg_spec_t options[] = {
    ARG_CHOICE(opts_t, net, "plain|bn", ARG_REQUIRED, "biases and no BN (translation, rescale), or BN (scale)"),
    ARG_STRING(opts_t, out, ARG_REQUIRED, "output prefix: writes PREFIX_NAME.tsv"),
    ARG_LONG(opts_t, seed, "0", "seed (PCG32 streams 1 init, 2 minibatches, 3 Hessian control, "
                                "4 noise batches, 5 noise directions)"),
    ARG_DOUBLE(opts_t, eta, "0.1", "SGD step size"),
    ARG_INT(opts_t, batch, "64", "minibatch size, >= 2"),
    ARG_LONG(opts_t, steps, "2000", "SGD steps per lambda"),
    ARG_INT(opts_t, subset, "10000", "the first N training images"),
    ARG_DOUBLES(opts_t, lambdas, "0,2e-3,1e-2,2e-2", "weight decays, one run each (at most 8)"),
    ARG_LONG(opts_t, every, "5", "steps between rows"),
    ARG_INT(opts_t, resid_run, "1", "index into --lambdas of the run whose constraints are logged"),
    ARG_INT(opts_t, noise_run, "0", "index into --lambdas of the run whose noise is measured"),
    ARG_INT(opts_t, noise_samples, "128", "sample gradients per noise measurement (>= 2)"),
    ARG_INT(opts_t, noise_rand, "4", "random control directions per group"),
    ARG_INT(opts_t, share_points, "9", "noise-share measurements (bn): k = 0 and K/2^j, >= 2"),
    ARG_INTS(opts_t, units, NULL, "units shown, three per charge (default 0,1,2 and H+0,H+1,H+2)"),
    ARG_END
};

static void check_options(const opts_t *o, int NL)
{
    if (o->eta <= 0 || o->batch < 2 || o->steps < 1 || o->every < 1)
        die("need eta > 0, batch >= 2, steps >= 1, every >= 1");
    if (o->share_points < 2 || o->share_points > 30 || (o->steps >> (o->share_points - 2)) < 1)
        die("--share-points %d: need 2 or more, with steps / 2^(points - 2) >= 1",
            o->share_points);
    if (NL > NL_MAX)
        die("--lambdas '%s': more than %d values", o->lambdas.text, NL_MAX);
    for (int l = 0; l < NL; l++)
        if (o->lambdas.v[l] < 0 || o->eta * o->lambdas.v[l] >= 1)
            die("--lambdas: need 0 <= lambda < 1/eta");
    if (o->resid_run < 0 || o->resid_run >= NL || o->noise_run < 0 || o->noise_run >= NL)
        die("--resid-run and --noise-run must index --lambdas");
    if (o->noise_samples < 2 || o->noise_rand < 1)
        die("need noise-samples >= 2 and noise-rand >= 1");
}

int main(int argc, char **argv)
{
    run_t *R = xcalloc(1, sizeof *R);
    args_parse(options, &R->o, argc, argv, about);
    const opts_t *o = &R->o;
    R->NL = o->lambdas.n;
    check_options(o, R->NL);
    R->bn = o->net == 1;
    R->nk = R->bn ? 1 : 2;
    R->kinds[0] = R->bn ? SYM_SCALE : SYM_TRANSLATION;
    R->kinds[1] = SYM_RESCALE;
    /* units shown in the figures, one triple per kind (defaults chosen by index) */
    const int udef[NSHOW * 2] = {0, 1, 2, H + 0, H + 1, H + 2};
    memcpy(R->ushow, udef, sizeof udef);
    if (o->units.n) {
        if (o->units.n != NSHOW * R->nk)
            die("--units: need %d indices", NSHOW * R->nk);
        memcpy(R->ushow, o->units.v, (size_t)o->units.n * sizeof(int));
    }
    ch2_data_open(&R->data, o->subset, o->batch, (uint64_t)o->seed);
    if (minibatch_init(&R->nmb, &R->data.ds, o->subset, MINIBATCH_STREAM, (uint64_t)o->seed, 4))
        die("--subset %d out of range", o->subset);
    R->nx = xmalloc((size_t)o->batch * IN * sizeof *R->nx);
    R->ny = xmalloc((size_t)o->batch * sizeof *R->ny);
    rng_seed(&R->nrng, (uint64_t)o->seed, 5);
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
        R->min_ctrl[j] = INFINITY;

    progress_t pr;
    progress_begin(&pr, R->bn ? "sgd_charges bn" : "sgd_charges plain");
    for (int l = 0; l < R->NL; l++)
        run_lambda(R, l, &pr, argc, argv);
    progress_end(&pr);
    write_totals(R);
    for (int q = 0; q < R->nk; q++)
        tsv_finish(R->out[q]);
    tsv_finish(R->cons);
    tsv_finish(R->sum);
    if (R->bn)
        tsv_finish(R->raw), tsv_finish(R->share);
    free(R->nx), free(R->ny), free(R->c), free(R->mag), free(R->tmp), free(R->gg), free(R->wide);
    for (int q = 0; q < 2; q++)
        free(R->c0[q]), free(R->ex[q]), free(R->fl[q]);
    minibatch_free(&R->nmb);
    ch2_data_close(&R->data);
    free(R);
    return 0;
}
