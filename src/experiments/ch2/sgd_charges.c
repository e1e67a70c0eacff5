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

#include "core/rng.h"
#include "core/tsv.h"
#include "core/util.h"
#include "nn/mlp.h"
#include "nn/optim.h"
#include "nn/symmetry.h"

#include "common.h"

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

int main(int argc, char **argv)
{
    util_set_progname("sgd_charges");
    args_t a;
    args_init(&a, argc, argv,
              "--net plain|bn [--out-dir data/ch2] [--seed S] [--eta 0.1] [--batch 64]\n"
              "    [--steps 1000] [--subset 10000] [--lambdas 0,4e-3,2e-2,4e-2] [--every 5]\n"
              "    [--resid-run 1] [--units 0,1,2]");
    const char *net = args_string(&a, "--net", NULL);
    const char *dir = args_string(&a, "--out-dir", "data/ch2");
    uint64_t seed = (uint64_t)args_long(&a, "--seed", 20210301);
    double eta = args_double(&a, "--eta", 0.1);
    int B = (int)args_long(&a, "--batch", 64);
    long K = args_long(&a, "--steps", 1000);
    int subset = (int)args_long(&a, "--subset", 10000);
    const char *lam_text = args_string(&a, "--lambdas", "0,4e-3,2e-2,4e-2");
    long every = args_long(&a, "--every", 5);
    int resid_run = (int)args_long(&a, "--resid-run", 1);
    const char *units_text = args_string(&a, "--units", NULL);
    args_done(&a);
    if (!net || (strcmp(net, "plain") && strcmp(net, "bn")))
        die("--net must be plain or bn");
    if (eta <= 0 || B < 2 || K < 1 || every < 1)
        die("need eta > 0, batch >= 2, steps >= 1, every >= 1");
    double lambdas[NL_MAX];
    int NL = parse_list("--lambdas", lam_text, lambdas, NL_MAX);
    for (int l = 0; l < NL; l++)
        if (lambdas[l] < 0 || eta * lambdas[l] >= 1)
            die("--lambdas: need 0 <= lambda < 1/eta");
    if (resid_run < 0 || resid_run >= NL)
        die("--resid-run must index --lambdas");
    int bn = !strcmp(net, "bn");

    int nk = bn ? 1 : 2;
    kind_t kinds[2] = {bn ? K_SCALE : K_TRANSLATION, K_RESCALE};
    /* units shown in the figures, one triple per kind (defaults chosen by index) */
    double ushow[NSHOW * 2] = {0, 1, 2, H + 0, H + 1, H + 2};
    if (units_text) {
        int nu = parse_list("--units", units_text, ushow, NSHOW * 2);
        if (nu != NSHOW * nk)
            die("--units: need %d indices", NSHOW * nk);
    }

    sampler_t smp;
    sampler_open(&smp, subset, seed, 2);
    const int dims[4] = {IN, H, H, C};
    double *x = xmalloc((size_t)B * IN * sizeof *x);
    int *y = xmalloc((size_t)B * sizeof *y);

    char path[600];
    tsv_t *out[2], *cons, *sum;
    for (int q = 0; q < nk; q++) {
        snprintf(path, sizeof path, "%s/%s.tsv", dir, kind_name[kinds[q]]);
        out[q] = tsv_create(path, argc, argv);
        tsv_comment(out[q], "seed %llu, eta %g, batch %d, steps %ld, subset %d, net %s",
                    (unsigned long long)seed, eta, B, K, subset, net);
        tsv_comment(out[q], "exact: %s; flow: NM eqs. 18-20 with measured |g_A|^2 per step",
                    kinds[q] == K_TRANSLATION ? "s' = (1 - eta lambda) s"
                                              : "Q' = (1 - eta lambda)^2 Q + eta^2 G");
        tsv_comment(out[q], "one block per lambda (gnuplot index), lambdas %s", lam_text);
        tsv_columns(out[q], "step\tt\telk\tmean_meas\tmean_exact\tmean_flow\t"
                            "u1_meas\tu1_exact\tu1_flow\tu2_meas\tu2_exact\tu2_flow\t"
                            "u3_meas\tu3_exact\tu3_flow\tdev_exact\tdev_flow");
    }
    /* NM Fig. 1 in miniature: a few raw weights of one unit against the unit's
     * charge, in the run with index --resid-run */
    tsv_t *raw = NULL;
    if (bn) {
        snprintf(path, sizeof path, "%s/units_bn.tsv", dir);
        raw = tsv_create(path, argc, argv);
        tsv_comment(raw, "lambda %g; unit 0 of hidden layer 2: W1[0, j] for j = 0..5, and its "
                         "scale charge Q (measured, exact law)", lambdas[resid_run]);
        tsv_columns(raw, "step\tt\tw0\tw1\tw2\tw3\tw4\tw5\tQ_meas\tQ_exact");
    }
    snprintf(path, sizeof path, "%s/constraints_%s.tsv", dir, net);
    cons = tsv_create(path, argc, argv);
    tsv_comment(cons, "relative residuals of the gradient constraints (symmetry.h), lambda %g",
                lambdas[resid_run]);
    if (bn)
        tsv_columns(cons, "step\tscale_l1\tscale_l2\ttranslation\tctrl_rescale_l1\tloss");
    else
        tsv_columns(cons, "step\ttranslation\trescale_l1\trescale_l2\tctrl_translation_hidden\t"
                          "ctrl_scale_l1\tloss\ttranslation_vs_act");
    snprintf(path, sizeof path, "%s/sgd_%s_summary.tsv", dir, net);
    sum = tsv_create(path, argc, argv);
    tsv_columns(sum, "key\tvalue");
    tsv_kv(sum, "eta", eta);
    tsv_kv(sum, "batch", B);
    tsv_kv(sum, "steps", (double)K);
    tsv_kv(sum, "subset", subset);
    tsv_kv(sum, "n_lambdas", NL);

    int G = 2 * H + 1;
    double *c = xmalloc(G * sizeof *c), *mag = xmalloc(G * sizeof *mag), *tmp = xmalloc(G * sizeof *tmp);
    double *c0[2], *ex[2], *fl[2], *gg = xmalloc(G * sizeof *gg);
    for (int q = 0; q < 2; q++) {
        c0[q] = xmalloc(G * sizeof(double));
        ex[q] = xmalloc(G * sizeof(double));
        fl[q] = xmalloc(G * sizeof(double));
    }
    double worst_exact_all[2] = {0, 0}, worst_res[6] = {0}, min_ctrl[3] = {1e300, 1e300, 1e300};

    progress_t pr;
    progress_begin(&pr, bn ? "sgd_charges bn" : "sgd_charges plain");
    for (int l = 0; l < NL; l++) {
        double lambda = lambdas[l];
        rng_t ri;
        rng_seed(&ri, seed, 1);
        mlp_t m;
        if (mlp_init(&m, dims, 3, 1, bn, 0.0, B, &ri))
            die("mlp_init failed");
        sampler_rewind(&smp, seed, 2);
        for (int q = 0; q < nk; q++) {
            measure(kinds[q], &m, 0, c0[q], NULL, tmp);
            memcpy(ex[q], c0[q], n_groups(kinds[q]) * sizeof(double));
            memcpy(fl[q], c0[q], n_groups(kinds[q]) * sizeof(double));
        }
        double worst_exact[2] = {0, 0}, worst_flow[2] = {0, 0}, loss = 0.0;
        double final_mean[2][3];
        for (long k = 0; k <= K; k++) {
            /* record the state after k steps */
            for (int q = 0; q < nk; q++) {
                int ng = n_groups(kinds[q]);
                measure(kinds[q], &m, 0, c, mag, tmp);
                double de = 0.0, df = 0.0, mm = 0.0, me = 0.0, mf = 0.0;
                for (int i = 0; i < ng; i++) {
                    double e = fabs(c[i] - ex[q][i]) / mag[i], f = fabs(c[i] - fl[q][i]) / mag[i];
                    if (e > de)
                        de = e;
                    if (f > df)
                        df = f;
                    mm += c[i] / c0[q][i], me += ex[q][i] / c0[q][i], mf += fl[q][i] / c0[q][i];
                }
                mm /= ng, me /= ng, mf /= ng;
                if (de > worst_exact[q])
                    worst_exact[q] = de;
                if (df > worst_flow[q])
                    worst_flow[q] = df;
                final_mean[q][0] = mm, final_mean[q][1] = me, final_mean[q][2] = mf;
                if (k % every == 0 || k == K) {
                    double row[17] = {(double)k, eta * k, eta * lambda * k, mm, me, mf};
                    for (int u = 0; u < NSHOW; u++) {
                        int i = (int)ushow[q * NSHOW + u];
                        /* translation units are shown as s/s0 (they collapse on one law) */
                        double s = kinds[q] == K_TRANSLATION ? 1.0 / c0[q][i] : 1.0;
                        row[6 + 3 * u] = c[i] * s;
                        row[7 + 3 * u] = ex[q][i] * s;
                        row[8 + 3 * u] = fl[q][i] * s;
                    }
                    row[15] = de, row[16] = df;
                    tsv_row(out[q], 17, row);
                }
            }
            if (raw && l == resid_run) {
                const double *w = m.W[1];     /* row 0 of layer 1: unit H + 0 */
                double Qm = 0.0;
                for (int j = 0; j < H; j++)
                    Qm += w[j] * w[j];
                Qm += m.b[1][0] * m.b[1][0];
                tsv_rowv(raw, 10, (double)k, eta * k, w[0], w[1], w[2], w[3], w[4], w[5], Qm,
                         ex[0][H]);
            }
            if (k == K)
                break;

            sampler_next(&smp, x, y, B);
            loss = mlp_train_batch(&m, x, y, B, NULL);

            /* gradient constraints (on this minibatch gradient) */
            double r[6];
            if (bn) {
                r[0] = sym_scale_residual(m.W[0], m.b[0], m.dW[0], m.db[0], H, IN);
                r[1] = sym_scale_residual(m.W[1], m.b[1], m.dW[1], m.db[1], H, H);
                r[2] = sym_translation_residual(m.dW[2], m.db[2], C, H);
                r[3] = sym_rescale_residual(m.W[0], m.b[0], m.dW[0], m.db[0], m.W[1], m.dW[1], H,
                                            IN, H);
                for (int j = 0; j < 3; j++)
                    if (r[j] > worst_res[j])
                        worst_res[j] = r[j];
                if (r[3] < min_ctrl[0])
                    min_ctrl[0] = r[3];
                if (l == resid_run)
                    tsv_rowv(cons, 6, (double)k, r[0], r[1], r[2], r[3], loss);
            } else {
                r[0] = sym_translation_residual(m.dW[2], m.db[2], C, H);
                r[1] = sym_rescale_residual(m.W[0], m.b[0], m.dW[0], m.db[0], m.W[1], m.dW[1], H,
                                            IN, H);
                r[2] = sym_rescale_residual(m.W[1], m.b[1], m.dW[1], m.db[1], m.W[2], m.dW[2], H,
                                            H, C);
                r[3] = sym_translation_residual(m.dW[1], m.db[1], H, H);
                r[4] = sym_scale_residual(m.W[0], m.b[0], m.dW[0], m.db[0], H, IN);
                for (int j = 0; j < 3; j++)
                    if (r[j] > worst_res[j])
                        worst_res[j] = r[j];
                if (r[3] < min_ctrl[0])
                    min_ctrl[0] = r[3];
                if (r[4] < min_ctrl[1])
                    min_ctrl[1] = r[4];
                /* translation against the scale set by the activations instead of
                 * by the gradient: |sum_c g_cj| / ((1/B) sum_b |h_bj|).  Since
                 * sum_c g_cj = sum_b h_bj sum_c dlogit_bc, and each softmax row sums
                 * to 1 up to rounding, this should sit at round-off even where the
                 * gradient itself is tiny. */
                r[5] = translation_vs_act(m.dW[2], m.act[2], B, C, H);
                if (r[5] > worst_res[3])
                    worst_res[3] = r[5];
                if (l == resid_run)
                    tsv_rowv(cons, 8, (double)k, r[0], r[1], r[2], r[3], r[4], loss, r[5]);
            }

            /* predictions: driven by this step's measured gradient norms */
            for (int q = 0; q < nk; q++) {
                int ng = n_groups(kinds[q]);
                if (kinds[q] == K_TRANSLATION) {
                    for (int i = 0; i < ng; i++) {
                        ex[q][i] = sym_translation_step(ex[q][i], eta, lambda);
                        fl[q][i] = sym_translation_flow_step(fl[q][i], eta, lambda);
                    }
                } else {
                    measure(kinds[q], &m, 1, gg, NULL, tmp);
                    for (int i = 0; i < ng; i++) {
                        ex[q][i] = sym_scale_step(ex[q][i], gg[i], eta, lambda);
                        fl[q][i] = sym_scale_flow_step(fl[q][i], gg[i], eta, lambda);
                    }
                }
            }
            opt_sgd_step(m.theta, m.grad, NULL, m.n_params, eta, 0.0, lambda, OPT_WD_COUPLED);

            char note[64];
            snprintf(note, sizeof note, "lambda %g loss %.3f", lambda, loss);
            progress_update(&pr, (double)l * K + k + 1, (double)NL * K, note);
        }
        for (int q = 0; q < nk; q++) {
            tsv_line(out[q], "%s", "");
            tsv_line(out[q], "%s", "");
            char key[80];
            const char *kn = kind_name[kinds[q]];
            snprintf(key, sizeof key, "%s_dev_exact_%d", kn, l);
            tsv_kv(sum, key, worst_exact[q]);
            snprintf(key, sizeof key, "%s_dev_flow_%d", kn, l);
            tsv_kv(sum, key, worst_flow[q]);
            snprintf(key, sizeof key, "%s_final_mean_meas_%d", kn, l);
            tsv_kv(sum, key, final_mean[q][0]);
            snprintf(key, sizeof key, "%s_final_mean_flow_%d", kn, l);
            tsv_kv(sum, key, final_mean[q][2]);
            if (worst_exact[q] > worst_exact_all[q])
                worst_exact_all[q] = worst_exact[q];
        }
        char key[64];
        snprintf(key, sizeof key, "lambda_%d", l);
        tsv_kv(sum, key, lambda);
        snprintf(key, sizeof key, "elk_%d", l);
        tsv_kv(sum, key, eta * lambda * K);
        snprintf(key, sizeof key, "final_loss_%d", l);
        tsv_kv(sum, key, loss);

        if (l == resid_run) {
            /* Hessian constraints on the trained network, last batch */
            rng_t rh;
            rng_seed(&rh, seed, 3);
            for (int q = 0; q < nk; q++) {
                snprintf(path, sizeof path, "%s/hessian_%s_%s.tsv", dir, net, kind_name[kinds[q]]);
                tsv_t *t = tsv_create(path, argc, argv);
                tsv_comment(t, "H xi + (d xi)^T g by central differences of step h, unit 3, "
                               "relative to |H r| for a random r on the same group");
                tsv_columns(t, "h\tresidual_rel\tctrl\ttheory_rel\tresidual");
                hessian_check(&m, kinds[q], x, y, B, &rh, t, sum);
                tsv_finish(t);
            }
        }
        mlp_free(&m);
    }
    progress_end(&pr);
    for (int q = 0; q < nk; q++) {
        char key[64];
        snprintf(key, sizeof key, "%s_dev_exact_max", kind_name[kinds[q]]);
        tsv_kv(sum, key, worst_exact_all[q]);
    }
    if (bn) {
        tsv_kv(sum, "resid_scale_max", fmax(worst_res[0], worst_res[1]));
        tsv_kv(sum, "resid_translation_max", worst_res[2]);
        tsv_kv(sum, "ctrl_rescale_min", min_ctrl[0]);
    } else {
        tsv_kv(sum, "resid_translation_max", worst_res[0]);
        tsv_kv(sum, "resid_translation_vs_act_max", worst_res[3]);
        tsv_kv(sum, "resid_rescale_max", fmax(worst_res[1], worst_res[2]));
        tsv_kv(sum, "ctrl_translation_min", min_ctrl[0]);
        tsv_kv(sum, "ctrl_scale_min", min_ctrl[1]);
    }
    for (int q = 0; q < nk; q++)
        tsv_finish(out[q]);
    tsv_finish(cons);
    if (raw)
        tsv_finish(raw);
    tsv_finish(sum);
    free(x), free(y), free(c), free(mag), free(tmp), free(gg);
    for (int q = 0; q < 2; q++)
        free(c0[q]), free(ex[q]), free(fl[q]);
    sampler_close(&smp);
    return 0;
}
