/* drift.c: how the scale charge's drift depends on the step size at a fixed
 * training time t = eta K (chapter 6, E2 panel c; brief ternary.md 3.4).
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

#include "core/idx.h"
#include "core/tsv.h"
#include "core/util.h"
#include "experiments/ch6/lib/batcher.h"
#include "nn/optim.h"
#include "nn/qnet.h"

#define NETA 5

static double slope(const double *x, const double *y, int n)
{
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (int i = 0; i < n; i++) {
        double lx = log(x[i]), ly = log(y[i]);
        sx += lx; sy += ly; sxx += lx * lx; sxy += lx * ly;
    }
    return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}

int main(int argc, char **argv)
{
    args_t a;
    args_init(&a, argc, argv, "--out F --summary F [--time T] [--batch B] [--ntrain N] [--seed S]");
    const char *out = args_string(&a, "--out", NULL);
    const char *sum = args_string(&a, "--summary", NULL);
    double T = args_double(&a, "--time", 4.0);
    int B = (int)args_long(&a, "--batch", 128);
    int ntrain = (int)args_long(&a, "--ntrain", 20000);
    long seed = args_long(&a, "--seed", 1);
    args_done(&a);
    if (!out || !sum) die("--out and --summary are required");
    if (T <= 0 || B < 1) die("--time must be positive and --batch at least 1");
    double etas[NETA] = {0.16, 0.04, 0.01, 0.0025, 0.000625};

    char err[512];
    dataset_t tr;
    if (fmnist_load(&tr, NULL, "train", err, sizeof err)) die("%s", err);
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
            if (qnet_init(&m, dims, 3, 1, q, B))
                die("cannot build the network");
            rng_t r;
            rng_seed(&r, (uint64_t)seed, 1);
            qnet_init_weights(&m, &r, 1.0);
            qnet_batcher bt;
            batcher_init(&bt, tr.x, tr.y, ntrain, D, (uint64_t)seed, 2);
            double N0 = qnet_dot(m.W[0], m.W[0], m.n[0]) + qnet_dot(m.W[1], m.W[1], m.n[1]);
            double ks = 0, qs = 0;
            for (long k = 0; k < K; k++) {
                batcher_next(&bt, xb, yb, B);
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
            free(bt.perm);
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
