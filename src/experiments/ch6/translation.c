/* translation.c: the softmax translation charge of Net B's logit layer
 * (chapter 6, E6, eq. lemma with A = 0).
 *
 * Softmax cross-entropy is unchanged by W2 -> W2 + 1 v^T, so every column of
 * dl/dV2 sums to zero at every V2 (Kunin et al. 2021, translation symmetry).
 * The latent column sums S_j = sum_c W2[c, j] therefore obey, exactly,
 *   S_j(k) = (1 - eta lambda)^k S_j(0)
 * under identity-STE SGD with ternary weights (with or without heavy-ball
 * momentum): the generator is constant, so the quantization residual never
 * enters.  A masked STE, Adam's elementwise preconditioner, and TTQ-like
 * scaled gradients break it; the realized charge sum_c Q(W2)[c, j] is not
 * conserved; with a surrogate derivative d(w) the mirror charge
 * sum_c M(W2[c,j]), M' = 1/d, is conserved up to O(eta) at fixed time.
 *
 * Rules: fp (SGD), ste (SGD), momentum (0.9), wd (lambda = 1e-3, compared with
 * the decay), masked (STE zeroed where |W| > gamma), adam (lr 1e-3), ttq
 * (scaled STE), surrogate (d(w) = 1/(1 + (w/w0)^2), w0 = gamma at step 0).
 * Logged: max_j |S_j(k) - (1 - eta lambda)^k S_j(0)|, normalized by the
 * initial max |W2|. */
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

enum { R_FP, R_STE, R_MOM, R_WD, R_MASK, R_ADAM, R_TTQ, R_SUR, NR };
static const char *rname[NR] = {"fp", "ste", "momentum", "wd", "masked", "adam", "ttq", "surrogate"};

static const char about[] =
    "Translation charge of the logit layer under eight update rules (chapter 6).";

static const arg_spec_t options[] = {CH6_NETB_ARGS("column-sum drifts against the step", "1000", "steps")};

int main(int argc, char **argv)
{
    ch6_netb_t E;
    ch6_netb_begin(&E, options, argc, argv, about);
    const double eta = E.o.eta;
    const long steps = E.o.steps, seed = E.o.seed;
    const int B = E.o.batch, D = E.D, H = E.H, C = E.C, ntrain = E.ntrain;
    int ncol = 1 + NR + 2;   /* k, one drift per rule, realized (ste), mirror (surrogate) */
    double *rows = xcalloc((size_t)(steps + 1) * ncol, sizeof(double));
    double final[NR], realized_final = 0, mirror_final = 0;
    progress_t pr;
    progress_begin(&pr, "translation");
    /* the surrogate rule once more at eta/4 over the same time (ir == NR):
     * the mirror charge's drift is O(eta), the latent column sums' is not */
    double sur4_latent = 0, sur4_mirror = 0;
    for (int irr = 0; irr <= NR; irr++) {
        int ir = irr == NR ? R_SUR : irr, quarter = irr == NR;
        double eta_r = quarter ? eta / 4 : eta;
        long steps_r = quarter ? 4 * steps : steps;
        quant_kind kd = ir == R_FP ? QUANT_FP : ir == R_TTQ ? QUANT_TTQ : QUANT_TENSOR;
        quant_spec q[3] = {{kd, 0.05, 0.02, 0.02}, {kd, 0.05, 0.05, 0.05}, {QUANT_FP, 0, 0, 0}};
        int dims[3] = {D, H, C};
        qnet_t m;
        minibatch_t bt;
        ch6_build(&m, dims, 2, 0, q, B, 1.0, seed, &bt, &E.tr, ntrain);
        double lam = ir == R_WD ? 1e-3 : 0.0;
        double *st1[2], *st2[2];
        for (int l = 0; l < 2; l++) {
            st1[l] = xcalloc(m.n[l], sizeof(double));
            st2[l] = xcalloc(m.n[l], sizeof(double));
        }
        double S0[128], R0[128], M0[128], wmax = 0;
        qnet_quantize(&m);
        double w0 = m.scale[1][0];
        for (size_t k = 0; k < m.n[1]; k++)
            if (fabs(m.W[1][k]) > wmax) wmax = fabs(m.W[1][k]);
        for (long k = 0; k <= steps_r; k++) {
            qnet_quantize(&m);
            double dmax = 0, rmax = 0, mmax = 0, f = pow(1 - eta_r * lam, (double)k);
            for (int j = 0; j < H; j++) {
                double S = 0, Rz = 0, M = 0;
                for (int c = 0; c < C; c++) {
                    double w = m.W[1][(size_t)c * H + j];
                    S += w;
                    Rz += m.Q[1][(size_t)c * H + j];
                    M += w + w * w * w / (3 * w0 * w0);
                }
                if (k == 0) { S0[j] = S; R0[j] = Rz; M0[j] = M; }
                if (fabs(S - f * S0[j]) > dmax) dmax = fabs(S - f * S0[j]);
                if (fabs(Rz - R0[j]) > rmax) rmax = fabs(Rz - R0[j]);
                if (fabs(M - M0[j]) > mmax) mmax = fabs(M - M0[j]);
            }
            if (quarter) {
                if (k == steps_r) { sur4_latent = dmax / wmax; sur4_mirror = mmax / wmax; break; }
            } else {
                double *row = rows + (size_t)k * ncol;
                row[0] = (double)k;
                row[1 + ir] = dmax / wmax;
                if (ir == R_STE) row[1 + NR] = rmax / wmax;
                if (ir == R_SUR) row[2 + NR] = mmax / wmax;
            }
            if (!quarter && k == steps) {
                final[ir] = dmax / wmax;
                if (ir == R_STE) realized_final = rmax / wmax;
                if (ir == R_SUR) mirror_final = mmax / wmax;
                break;
            }
            minibatch_next(&bt, E.xb, E.yb, B);
            qnet_grad(&m, E.xb, E.yb, B, NULL);
            for (int l = 0; l < 2; l++) {
                double *W = m.W[l], *g = m.g[l];
                size_t n = m.n[l];
                switch (ir) {
                case R_FP: case R_STE: case R_WD:
                    opt_sgd_step(W, g, NULL, n, eta_r, 0, lam, OPT_WD_COUPLED); break;
                case R_MOM:
                    opt_sgd_step(W, g, st1[l], n, eta_r, 0.9, 0, OPT_WD_COUPLED); break;
                case R_MASK:
                    for (size_t i = 0; i < n; i++)
                        if (fabs(W[i]) > m.scale[l][0]) g[i] = 0;
                    opt_sgd_step(W, g, NULL, n, eta_r, 0, 0, OPT_WD_COUPLED); break;
                case R_ADAM:
                    opt_adam_step(W, g, st1[l], st2[l], n, k + 1, 1e-3, 0.9, 0.999, 1e-8, 0,
                                  OPT_WD_COUPLED); break;
                case R_TTQ:
                    quant_latent_grad(&m.q[l], g, g, m.T[l], n);
                    opt_sgd_step(W, g, NULL, n, eta_r, 0, 0, OPT_WD_COUPLED); break;
                case R_SUR:   /* latent update -eta d(w) g; only W2's charge is followed */
                    for (size_t i = 0; i < n; i++) {
                        double s = l == 1 ? W[i] / w0 : 0.0;
                        g[i] /= 1 + s * s;
                    }
                    opt_sgd_step(W, g, NULL, n, eta_r, 0, 0, OPT_WD_COUPLED); break;
                }
            }
            progress_update(&pr, irr + (double)k / steps_r, NR + 1, NULL);
        }
        for (int l = 0; l < 2; l++) { free(st1[l]); free(st2[l]); }
        minibatch_free(&bt);
        qnet_free(&m);
    }
    progress_end(&pr);

    tsv_t *t = tsv_create(E.o.out, argc, argv);
    tsv_comment(t, "seed %ld; Net B 784-128-10, W1 and W2 ternary per tensor (fp: full precision; ttq: "
                "TTQ-like), eta %g, batch %d", seed, eta, B);
    tsv_comment(t, "columns: max_j |S_j(k) - (1-eta lambda)^k S_j(0)| / max|W2(0)| per rule; realized = "
                "same for sum_c Q(W2) (ste); mirror = same for sum_c M(W2), M(w) = w + w^3/(3 w0^2) (surrogate)");
    tsv_columns(t, "k\tfp\tste\tmomentum\twd\tmasked\tadam\tttq\tsurrogate\trealized\tmirror");
    for (long k = 0; k <= steps; k++) tsv_row(t, (size_t)ncol, rows + (size_t)k * ncol);
    tsv_finish(t);

    tsv_t *s = tsv_create(E.o.summary, argc, argv);
    tsv_comment(s, "final relative drifts of the column sums after the last step");
    tsv_columns(s, "key\tvalue");
    tsv_kv(s, "steps", (double)steps);
    for (int ir = 0; ir < NR; ir++) {
        char key[64];
        snprintf(key, sizeof key, "final_%s", rname[ir]);
        tsv_kv(s, key, final[ir]);
    }
    tsv_kv(s, "final_realized", realized_final);
    tsv_kv(s, "final_mirror", mirror_final);
    tsv_kv(s, "final_surrogate_quarter", sur4_latent);
    tsv_kv(s, "final_mirror_quarter", sur4_mirror);
    tsv_kv(s, "eps_sqrtk", 2.220446049250313e-16 * sqrt((double)steps));
    tsv_finish(s);
    ch6_netb_end(&E);
    free(rows);
    return 0;
}
