/* balance.c: the rescale charge (balancedness) of Net B under identity-STE
 * SGD, for full-precision and ternary weights at three granularities
 * (chapter 6, E5, eq. balance).
 *
 * Net B (x -> W1 -> ReLU -> W2, no biases, no normalization) is invariant to
 * W1 row i times a, W2 column i over a.  For C_i = |W1[i,:]|^2 - |W2[:,i]|^2
 * one SGD step gives exactly (weight decay 0 here)
 *   dC_i = eta^2 (|g1_i|^2 - |g2_i|^2) - 2 eta (<R1_i, g1_i> - <R2_i, g2_i>),
 * R = W - Q(W).  Full precision keeps only the first (kinetic) term, which is
 * the discrete correction of Du et al. 2018 / Kunin et al. 2021; ternary
 * weights add the second, first-order term.  The program logs the layerwise
 * sum of C_i (and units 0-2) with the prediction lacking the R term, and the
 * recursion's error with it.  A fifth run adds BitNet's 8-bit per-token
 * activation quantization before W2 (identity STE); it breaks the Q-space
 * identity by sum_b (Q2^T dz2)_{b,i} (h - Qa(h))_{b,i}, a further source that the
 * recursion includes and the layer_noact prediction leaves out. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/args.h"
#include "core/batch.h"
#include "core/idx.h"
#include "core/tsv.h"
#include "core/util.h"
#include "nn/optim.h"
#include "nn/qnet.h"
#include "experiments/ch6/lib/ch6.h"

#define NCFG 5
#define NU 3

static const char about[] =
    "Rescale charge of Net B under identity-STE SGD: full precision, ternary (chapter 6, E5).";

static const arg_spec_t options[] = {CH6_NETB_ARGS("charges against the step", "2000", "SGD steps")};

int main(int argc, char **argv)
{
    ch6_netb_t E;
    ch6_netb_begin(&E, options, argc, argv, about);
    const double eta = E.o.eta;
    const long steps = E.o.steps, seed = E.o.seed;
    const int B = E.o.batch, D = E.D, H = E.H, C = E.C, ntrain = E.ntrain;
    const char *cname[NCFG] = {"fp", "tensor", "row", "matched", "a8"};
    quant_kind k1[NCFG] = {QUANT_FP, QUANT_TENSOR, QUANT_ROW, QUANT_ROW, QUANT_TENSOR};
    quant_kind k2[NCFG] = {QUANT_FP, QUANT_TENSOR, QUANT_ROW, QUANT_COL, QUANT_TENSOR};
    int abits[NCFG] = {0, 0, 0, 0, 8};   /* a8: BitNet's 8-bit activations before W2 */

    /* per config: layer sum measured, predicted with the kinetic term only, predicted
     * without the activation term; unit 0..2 measured, kinetic only */
    int per = 3 + 2 * NU, ncol = 2 + NCFG * per;
    double *rows = xcalloc((size_t)(steps + 1) * ncol, sizeof(double));
    double rec_err[NCFG], final_rel[NCFG], nor_rel[NCFG], noact_rel[NCFG];
    double *c1 = xmalloc(H * sizeof(double)), *pred = xmalloc(H * sizeof(double));
    progress_t pr;
    progress_begin(&pr, "balance");
    for (int ic = 0; ic < NCFG; ic++) {
        quant_spec q[3] = {{k1[ic], 0, 0, 0}, {k2[ic], 0, 0, 0}, {QUANT_FP, 0, 0, 0}};
        int dims[3] = {D, H, C};
        qnet_t m;
        minibatch_t bt;
        ch6_build(&m, dims, 2, 0, q, B, 1.0, seed, &bt, &E.tr, ntrain);
        if (qnet_set_act_bits(&m, abits[ic]))
            die("out of memory");
        double nor[NU + 1] = {0}, noact = 0, C0[NU + 1] = {0}, scale0 = 0, err_max = 0;
        for (long k = 0; k <= steps; k++) {
            /* the charges now */
            double Cl = 0;
            for (int i = 0; i < H; i++) {
                double w1 = qnet_dot(m.W[0] + (size_t)i * D, m.W[0] + (size_t)i * D, D), w2 = 0;
                for (int c = 0; c < C; c++) w2 += m.W[1][(size_t)c * H + i] * m.W[1][(size_t)c * H + i];
                c1[i] = w1 - w2;
                Cl += c1[i];
                if (k == 0) scale0 += w1 + w2;
                if (k > 0) {
                    double e = fabs(c1[i] - pred[i]) / (w1 + w2);
                    if (e > err_max) err_max = e;
                }
            }
            if (k == 0) {
                C0[0] = Cl;
                for (int u = 0; u < NU; u++) C0[u + 1] = c1[u];
            }
            double *row = rows + (size_t)k * ncol;
            row[0] = (double)k; row[1] = eta * k;
            double *cc = row + 2 + ic * per;
            cc[0] = Cl - C0[0]; cc[1] = nor[0]; cc[2] = noact;
            for (int u = 0; u < NU; u++) { cc[3 + 2 * u] = c1[u] - C0[u + 1]; cc[4 + 2 * u] = nor[u + 1]; }
            if (k == steps) {
                final_rel[ic] = (Cl - C0[0]) / scale0;
                nor_rel[ic] = nor[0] / scale0;
                noact_rel[ic] = noact / scale0;
                break;
            }

            minibatch_next(&bt, E.xb, E.yb, B);
            qnet_quantize(&m);
            qnet_grad(&m, E.xb, E.yb, B, NULL);
            for (int i = 0; i < H; i++) {
                const double *w1 = m.W[0] + (size_t)i * D, *q1 = m.Q[0] + (size_t)i * D,
                             *g1 = m.g[0] + (size_t)i * D;
                double kin = qnet_dot(g1, g1, D), rg = qnet_dot_resid(w1, q1, g1, D);
                for (int c = 0; c < C; c++) {
                    size_t j = (size_t)c * H + i;
                    kin -= m.g[1][j] * m.g[1][j];
                    rg -= (m.W[1][j] - m.Q[1][j]) * m.g[1][j];
                }
                /* activation term: <Q1_i, g1_i> - <Q2_i, g2_i>
                 *   = sum_b (Q2^T dz2)_{b,i} (h_{b,i} - Qa(h)_{b,i}); d2 holds Q2^T dz2 */
                double act = 0;
                if (abits[ic] > 0)
                    for (int b = 0; b < B; b++) {
                        size_t j = (size_t)b * H + i;
                        act += m.d2[j] * (m.h[1][j] - m.a[1][j]);
                    }
                pred[i] = c1[i] + eta * eta * kin - 2 * eta * (rg + act);
                nor[0] += eta * eta * kin;
                noact += eta * eta * kin - 2 * eta * rg;
                if (i < NU) nor[i + 1] += eta * eta * kin;
            }
            for (int l = 0; l < 2; l++)
                opt_sgd_step(m.W[l], m.g[l], NULL, m.n[l], eta, 0, 0, OPT_WD_COUPLED);
            progress_update(&pr, ic + (double)k / steps, NCFG, NULL);
        }
        rec_err[ic] = err_max;
        minibatch_free(&bt);
        qnet_free(&m);
    }
    progress_end(&pr);

    tsv_t *t = tsv_create(E.o.out, argc, argv);
    tsv_comment(t, "seed %ld; Net B 784-128-10, SGD eta %g, batch %d, no weight decay", seed, eta, B);
    tsv_comment(t, "C = sum_i (|W1[i,:]|^2 - |W2[:,i]|^2) - C(0) (layer) and units 0-2; "
                "*_nor = the prediction with the kinetic term only, sum eta^2 (|g1_i|^2 - |g2_i|^2); "
                "*_noact = kinetic and weight-quantization terms, without the activation term");
    char names[2048], *p = names;
    p += sprintf(p, "k\tt");
    for (int ic = 0; ic < NCFG; ic++) {
        p += sprintf(p, "\t%s_layer\t%s_layer_nor\t%s_layer_noact", cname[ic], cname[ic], cname[ic]);
        for (int u = 0; u < NU; u++) p += sprintf(p, "\t%s_u%d\t%s_u%d_nor", cname[ic], u, cname[ic], u);
    }
    tsv_columns(t, names);
    for (long k = 0; k <= steps; k++) tsv_row(t, (size_t)ncol, rows + (size_t)k * ncol);
    tsv_finish(t);

    tsv_t *s = tsv_create(E.o.summary, argc, argv);
    tsv_comment(s, "rec_err: worst |C_i - recursion| / (|W1_i|^2 + |W2_i|^2) over units and steps; "
                "final: layer C(K)-C(0) over sum of squared norms at 0; nor: same for the prediction without R");
    tsv_columns(s, "key\tvalue");
    tsv_kv(s, "steps", (double)steps);
    tsv_kv(s, "eta", eta);
    for (int ic = 0; ic < NCFG; ic++) {
        char key[64];
        snprintf(key, sizeof key, "rec_err_%s", cname[ic]); tsv_kv(s, key, rec_err[ic]);
        snprintf(key, sizeof key, "final_%s", cname[ic]); tsv_kv(s, key, final_rel[ic]);
        snprintf(key, sizeof key, "nor_%s", cname[ic]); tsv_kv(s, key, nor_rel[ic]);
        snprintf(key, sizeof key, "noact_%s", cname[ic]); tsv_kv(s, key, noact_rel[ic]);
        snprintf(key, sizeof key, "act_term_%s", cname[ic]); tsv_kv(s, key, final_rel[ic] - noact_rel[ic]);
    }
    tsv_finish(s);
    ch6_netb_end(&E);
    free(rows); free(c1); free(pred);
    return 0;
}
