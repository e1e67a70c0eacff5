/* drift.c: how the scale charge's drift depends on the step size at a fixed
 * training time t = eta K (chapter 6, E2 panel c, eq. scalelaw).
 *
 * For Net A's scale-invariant layers, N = |W1|^2 + |W2|^2 obeys
 *   N_K - N_0 = sum_k eta^2 |g_k|^2  -  2 eta sum_k <W_k - Q(W_k), g_k>
 * (SGD, no weight decay).  The first sum is the full-precision drift of
 * Kunin et al. 2021 (kinetic; O(eta) at fixed t); the second exists only for
 * a quantized layer under the identity STE and is O(1) at fixed t.  So the
 * relative drift N_K/N_0 - 1 falls like eta for full precision and levels
 * off for ternary weights as eta -> 0.
 *
 * Writes one row per (eta): the drifts and both sources; the summary has the
 * log-log slopes fitted over the three smallest step sizes and between the
 * two smallest. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/args.h"
#include "core/batch.h"
#include "core/idx.h"
#include "core/stats.h"
#include "core/tsv.h"
#include "core/util.h"
#include "nn/optim.h"
#include "nn/qnet.h"
#include "experiments/ch6/lib/ch6.h"

#define NETA 5

/* Log-log slope through n points (core/stats.h); NaN if there is none. */
static double slope(const double *x, const double *y, int n)
{
    double b;
    return stats_loglog_slope(x, y, (size_t)n, &b, NULL) ? NAN : b;
}

typedef struct {
    const char *out, *summary;
    double time;
    int batch, ntrain;
    long seed;
} opts_t;

static const char about[] =
    "Drift of the scale charge against the step size at fixed training time (chapter 6, E2).";

static const arg_spec_t options[] = {
    ARG_STRING(opts_t, out, ARG_REQUIRED, "drifts per step size"),
    ARG_STRING(opts_t, summary, ARG_REQUIRED, "key/value summary"),
    ARG_DOUBLE(opts_t, time, "4", "training time t = eta K"),
    ARG_INT(opts_t, batch, "128", "minibatch size"),
    ARG_INT(opts_t, ntrain, "20000", "training images drawn from"),
    ARG_LONG(opts_t, seed, "1", CH6_SEED_HELP),
    ARG_END
};

int main(int argc, char **argv)
{
    opts_t o;
    args_parse(options, &o, argc, argv, about);
    const char *out = o.out, *sum = o.summary;
    const double T = o.time;
    const int B = o.batch, ntrain = o.ntrain;
    const long seed = o.seed;
    if (T <= 0 || B < 1) die("--time must be positive and --batch at least 1");
    double etas[NETA] = {0.16, 0.04, 0.01, 0.0025, 0.000625};

    dataset_t tr;
    ch6_load(&tr, "train");
    if (ntrain > tr.n || ntrain < B) die("--ntrain must be in [batch, %d]", tr.n);
    int D = tr.d, H = 128, C = 10;
    double *xb = xmalloc((size_t)B * D * sizeof(double));
    int *yb = xmalloc((size_t)B * sizeof(int));

    tsv_t *t = tsv_create(out, argc, argv);
    tsv_comment(t, "seed %ld; Net A 784-128-128-10, SGD, no weight decay, batch %d, time t = eta K = %g", seed, B, T);
    tsv_comment(t, "N = |W1|^2 + |W2|^2; drift = N_K/N_0 - 1; kin = sum eta^2|g|^2 / N_0; "
                "quant = -2 eta sum <W-Q,g> / N_0");
    tsv_columns(t, "eta\tsteps\tdrift_fp\tdrift_tern\tkin_tern\tquant_tern\tkin_fp");
    double dfp[NETA], dtn[NETA], qtn[NETA], ktn[NETA];
    progress_t pr;
    progress_begin(&pr, "drift");
    for (int ie = 0; ie < NETA; ie++) {
        double eta = etas[ie];
        long K = lround(T / eta);
        double drift[2], kin[2], quant[2];
        for (int iq = 0; iq < 2; iq++) {
            quant_kind kd = iq ? QUANT_TENSOR : QUANT_FP;
            quant_spec q[3] = {{kd, 0, 0, 0}, {kd, 0, 0, 0}, {QUANT_FP, 0, 0, 0}};
            int dims[4] = {D, H, H, C};
            qnet_t m;
            minibatch_t bt;
            ch6_build(&m, dims, 3, 1, q, B, 1.0, seed, &bt, &tr, ntrain);
            double N0 = qnet_dot(m.W[0], m.W[0], m.n[0]) + qnet_dot(m.W[1], m.W[1], m.n[1]);
            double ks = 0, qs = 0;
            for (long k = 0; k < K; k++) {
                minibatch_next(&bt, xb, yb, B);
                qnet_quantize(&m);
                qnet_grad(&m, xb, yb, B, NULL);
                for (int l = 0; l < 2; l++) {
                    ks += eta * eta * qnet_dot(m.g[l], m.g[l], m.n[l]);
                    qs += -2 * eta * qnet_dot_resid(m.W[l], m.Q[l], m.g[l], m.n[l]);
                }
                for (int l = 0; l < 3; l++)
                    opt_sgd_step(m.W[l], m.g[l], NULL, m.n[l], eta, 0, 0, OPT_WD_COUPLED);
                progress_update(&pr, ie * 2 + iq + (double)k / K, 2 * NETA, NULL);
            }
            double N = qnet_dot(m.W[0], m.W[0], m.n[0]) + qnet_dot(m.W[1], m.W[1], m.n[1]);
            drift[iq] = N / N0 - 1;
            kin[iq] = ks / N0;
            quant[iq] = qs / N0;
            minibatch_free(&bt);
            qnet_free(&m);
        }
        tsv_rowv(t, 7, eta, (double)K, drift[0], drift[1], kin[1], quant[1], kin[0]);
        dfp[ie] = drift[0]; dtn[ie] = drift[1]; qtn[ie] = quant[1]; ktn[ie] = kin[1];
    }
    progress_end(&pr);
    tsv_finish(t);

    tsv_t *s = tsv_create(sum, argc, argv);
    tsv_comment(s, "log-log slopes of the drift against eta over the three smallest eta");
    tsv_columns(s, "key\tvalue");
    tsv_kv(s, "time", T);
    tsv_kv(s, "slope_fp", slope(etas + NETA - 3, dfp + NETA - 3, 3));
    tsv_kv(s, "slope_tern", slope(etas + NETA - 3, dtn + NETA - 3, 3));
    tsv_kv(s, "slope_tern_last", slope(etas + NETA - 2, dtn + NETA - 2, 2));
    tsv_kv(s, "slope_fp_last", slope(etas + NETA - 2, dfp + NETA - 2, 2));
    tsv_kv(s, "eta_min", etas[NETA - 1]);
    tsv_kv(s, "eta_max", etas[0]);
    tsv_kv(s, "drift_fp_min", dfp[NETA - 1]);
    tsv_kv(s, "drift_tern_min", dtn[NETA - 1]);
    tsv_kv(s, "quant_tern_min", qtn[NETA - 1]);
    tsv_kv(s, "kin_tern_min", ktn[NETA - 1]);
    tsv_kv(s, "drift_fp_max", dfp[0]);
    tsv_kv(s, "drift_tern_max", dtn[0]);
    tsv_kv(s, "ratio_tern_fp_min", dtn[NETA - 1] / dfp[NETA - 1]);
    tsv_finish(s);
    dataset_free(&tr);
    free(xb); free(yb);
    return 0;
}
