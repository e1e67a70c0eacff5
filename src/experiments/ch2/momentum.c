/* momentum.c: experiment E5, the charges under heavy-ball SGD with coupled
 * weight decay (Kunin et al. 2021, NM appendix; brief sec. 1.5): a damped,
 * driven harmonic oscillator in t = eta k,
 *     x'' + 2 gamma x' + omega^2 x = f,   gamma = (1-beta)/(eta(1+beta)),
 *     translation  omega^2 = 2 lambda/(eta(1+beta)),  f = 0,
 *     scale        omega^2 = 4 lambda/(eta(1+beta)),  f = 2|theta_A'|^2 ~ 2|v_A|^2,
 * against the measured charges of the 784-128-128-10 MLP on Fashion-MNIST and
 * the exact discrete laws (symmetry.h: sym_translation_momentum_step,
 * sym_scale_momentum_step driven by the measured buffer norms |v_A|^2).
 * Translation on the plain MLP, scale on the BN MLP (eps = 0); beta = 0.9
 * (over-damped at these eta, lambda) and 0.99 (oscillating).
 *
 * Rescale (plain MLP, both hidden layers) follows the scale equations with
 * D = |theta_out|^2 - |theta_in|^2 and forcing from |v_out|^2 - |v_in|^2.
 *
 * Writes into --out-dir: momentum_translation.tsv, momentum_scale.tsv,
 * momentum_rescale.tsv (one block per beta), momentum_summary.tsv. */
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

enum { H = 128, IN = 784, C = 10, NB_MAX = 4 };

/* mean spacing of sign changes, in steps (linear interpolation); 0 if < 2 */
static double half_period(const double *s, long K, int *count)
{
    double first = -1, last = -1;
    int n = 0;
    for (long k = 1; k <= K; k++)
        if ((s[k - 1] > 0) != (s[k] > 0)) {
            double c = (k - 1) + s[k - 1] / (s[k - 1] - s[k]);
            if (first < 0)
                first = c;
            last = c;
            n++;
        }
    *count = n;
    return n >= 2 ? (last - first) / (n - 1) : 0.0;
}

/* Rescale charges of both hidden layers of m (out minus in), D[2H]; with
 * nrm, also |in|^2 + |out|^2 per unit. */
static void rescale_all(double *D, const mlp_t *m, int unused, double *nrm, double *tmp)
{
    (void)unused;
    sym_rescale_charge(D, m->W[0], m->b[0], m->W[1], H, IN, H);
    sym_rescale_charge(D + H, m->W[1], m->b[1], m->W[2], H, H, C);
    if (nrm) {
        sym_in_sqnorm(nrm, m->W[0], m->b[0], H, IN);
        sym_out_sqnorm(tmp, m->W[1], H, H);
        for (int i = 0; i < H; i++)
            nrm[i] += tmp[i];
        sym_in_sqnorm(nrm + H, m->W[1], m->b[1], H, H);
        sym_out_sqnorm(tmp, m->W[2], C, H);
        for (int i = 0; i < H; i++)
            nrm[H + i] += tmp[i];
    }
}

int main(int argc, char **argv)
{
    util_set_progname("momentum");
    args_t a;
    args_init(&a, argc, argv,
              "[--out-dir data/ch2] [--seed S] [--eta 0.1] [--lambda 1e-3] [--betas 0.9,0.99]\n"
              "    [--batch 64] [--steps 3000] [--subset 10000] [--every 5]");
    const char *dir = args_string(&a, "--out-dir", "data/ch2");
    uint64_t seed = (uint64_t)args_long(&a, "--seed", 20210301);
    double eta = args_double(&a, "--eta", 0.1);
    double lambda = args_double(&a, "--lambda", 1e-3);
    const char *beta_text = args_string(&a, "--betas", "0.9,0.99");
    int B = (int)args_long(&a, "--batch", 64);
    long K = args_long(&a, "--steps", 3000);
    int subset = (int)args_long(&a, "--subset", 10000);
    long every = args_long(&a, "--every", 5);
    args_done(&a);
    double betas[NB_MAX];
    int NB = parse_list("--betas", beta_text, betas, NB_MAX);
    if (eta <= 0 || lambda <= 0 || B < 2 || K < 10 || every < 1)
        die("need eta > 0, lambda > 0, batch >= 2, steps >= 10, every >= 1");
    for (int i = 0; i < NB; i++)
        if (betas[i] <= 0 || betas[i] >= 1)
            die("--betas: need 0 < beta < 1");

    sampler_t smp;
    sampler_open(&smp, subset, seed, 2);
    const int dims[4] = {IN, H, H, C};
    double *x = xmalloc((size_t)B * IN * sizeof *x);
    int *y = xmalloc((size_t)B * sizeof *y);

    char path[600];
    snprintf(path, sizeof path, "%s/momentum_translation.tsv", dir);
    tsv_t *tt = tsv_create(path, argc, argv);
    tsv_comment(tt, "seed %llu, eta %g, lambda %g, batch %d, steps %ld; one block per beta (%s)",
                (unsigned long long)seed, eta, lambda, B, K, beta_text);
    tsv_comment(tt, "s_j/s_j(0) of softmax column j; exact: u' = beta u + lambda s, s' = s - eta u'; "
                    "osc: e^{-gamma t}(cos Omega t + gamma/Omega sin Omega t)");
    tsv_columns(tt, "step\tt\tu1_meas\tu1_exact\tu1_osc\tu2_meas\tu3_meas\tdev_exact");
    snprintf(path, sizeof path, "%s/momentum_scale.tsv", dir);
    tsv_t *ts = tsv_create(path, argc, argv);
    tsv_comment(ts, "seed %llu, eta %g, lambda %g, batch %d, steps %ld; one block per beta (%s)",
                (unsigned long long)seed, eta, lambda, B, K, beta_text);
    tsv_comment(ts, "Q = |theta_A|^2 / Q(0) of BN units; exact: (Q,P) law driven by |v_A|^2; "
                    "osc: Q(0) x_free(t) + sum_j G(t - t_j) 2 eta |v_A,j|^2");
    tsv_columns(ts, "step\tt\tmean_meas\tmean_exact\tmean_osc\tu1_meas\tu1_exact\tu1_osc\t"
                    "u2_meas\tu2_exact\tu2_osc\tdev_exact\tdev_osc");
    snprintf(path, sizeof path, "%s/momentum_rescale.tsv", dir);
    tsv_t *tr = tsv_create(path, argc, argv);
    tsv_comment(tr, "seed %llu, eta %g, lambda %g, batch %d, steps %ld; one block per beta (%s)",
                (unsigned long long)seed, eta, lambda, B, K, beta_text);
    tsv_comment(tr, "D = |theta_out|^2 - |theta_in|^2 of ReLU units (plain MLP), both hidden "
                    "layers; exact: (D,P) law driven by R_out - R_in; osc: D(0) x_free(t) + sum_j "
                    "G(t - t_j) 2 eta (R_out - R_in)_j; dev relative to the initial |in|^2 + |out|^2");
    tsv_columns(tr, "step\tt\tu1_meas\tu1_exact\tu1_osc\tu2_meas\tu2_exact\tu2_osc\t"
                    "u3_meas\tu3_exact\tu3_osc\tdev_exact\tdev_osc");
    snprintf(path, sizeof path, "%s/momentum_summary.tsv", dir);
    tsv_t *sum = tsv_create(path, argc, argv);
    tsv_columns(sum, "key\tvalue");
    tsv_kv(sum, "eta", eta);
    tsv_kv(sum, "lambda", lambda);
    tsv_kv(sum, "steps", (double)K);

    const int NT = H + 1, NS = 2 * H;
    double D0[2 * H], Dm[2 * H], De[2 * H], PD[2 * H], Do[2 * H], RD[2 * H], tmp[2 * H];
    double nrm0[2 * H];
    double s0[H + 1], s[H + 1], se[H + 1], su[H + 1], l1[H + 1];
    double Q0[2 * H], Q[2 * H], Qe[2 * H], Pe[2 * H], R[2 * H], Qo[2 * H];
    double *strace = xmalloc((size_t)(K + 1) * sizeof *strace);
    sym_conv_t *conv = xmalloc((size_t)NS * sizeof *conv);
    sym_conv_t *convD = xmalloc((size_t)NS * sizeof *convD);
    progress_t pr;
    progress_begin(&pr, "momentum");
    for (int ib = 0; ib < NB; ib++) {
        double beta = betas[ib];
        double gamma = (1 - beta) / (eta * (1 + beta));
        sym_osc_t oT, oS;
        sym_osc_init(&oT, gamma, 2 * lambda / (eta * (1 + beta)));
        sym_osc_init(&oS, gamma, 4 * lambda / (eta * (1 + beta)));
        for (int bn = 0; bn <= 1; bn++) {
            rng_t ri;
            rng_seed(&ri, seed, 1);
            mlp_t m;
            if (mlp_init(&m, dims, 3, 1, bn, 0.0, B, &ri))
                die("mlp_init failed");
            double *v = xcalloc(m.n_params, sizeof *v);
            sampler_rewind(&smp, seed, 2);
            sym_col_sum(s0, m.W[2], m.b[2], C, H);
            rescale_all(D0, &m, 0, nrm0, tmp);
            memcpy(De, D0, sizeof D0);
            for (int i = 0; i < NS; i++) {
                PD[i] = 0.0;
                Do[i] = D0[i];
                sym_conv_init(&convD[i], &oS, eta);
            }
            double worst_De = 0.0, worst_Do = 0.0;
            memcpy(se, s0, sizeof s0);
            for (int j = 0; j < NT; j++)
                su[j] = 0.0;
            sym_in_sqnorm(Q0, m.W[0], m.b[0], H, IN);
            sym_in_sqnorm(Q0 + H, m.W[1], m.b[1], H, H);
            memcpy(Qe, Q0, sizeof Q0);
            for (int i = 0; i < NS; i++) {
                Pe[i] = 0.0;
                sym_conv_init(&conv[i], &oS, eta);
                Qo[i] = Q0[i];
            }
            double worst_e = 0.0, worst_o = 0.0;
            for (long k = 0; k <= K; k++) {
                double t = eta * k;
                if (!bn) {
                    sym_col_sum(s, m.W[2], m.b[2], C, H);
                    sym_col_abs(l1, m.W[2], m.b[2], C, H);
                    double de = 0.0;
                    for (int j = 0; j < NT; j++)
                        de = fmax(de, fabs(s[j] - se[j]) / l1[j]);
                    worst_e = fmax(worst_e, de);
                    strace[k] = s[0] / s0[0];
                    /* relative to the initial |in|^2 + |out|^2: with momentum a
                     * dead unit's weights ring through zero, so the current norm
                     * is no scale */
                    rescale_all(Dm, &m, 0, NULL, tmp);
                    double dde = 0.0, ddo = 0.0;
                    for (int i = 0; i < NS; i++) {
                        dde = fmax(dde, fabs(Dm[i] - De[i]) / nrm0[i]);
                        ddo = fmax(ddo, fabs(Dm[i] - Do[i]) / nrm0[i]);
                    }
                    worst_De = fmax(worst_De, dde);
                    worst_Do = fmax(worst_Do, ddo);
                    if (k % every == 0 || k == K)
                        tsv_rowv(tr, 13, (double)k, t, Dm[H], De[H], Do[H], Dm[H + 1], De[H + 1],
                                 Do[H + 1], Dm[H + 2], De[H + 2], Do[H + 2], dde, ddo);
                    if (k % every == 0 || k == K)
                        tsv_rowv(tt, 8, (double)k, t, s[0] / s0[0], se[0] / s0[0],
                                 sym_osc_free(&oT, t), s[1] / s0[1], s[2] / s0[2], de);
                } else {
                    sym_in_sqnorm(Q, m.W[0], m.b[0], H, IN);
                    sym_in_sqnorm(Q + H, m.W[1], m.b[1], H, H);
                    double de = 0.0, dosc = 0.0, mm = 0.0, me = 0.0, mo = 0.0;
                    for (int i = 0; i < NS; i++) {
                        de = fmax(de, fabs(Q[i] - Qe[i]) / Q[i]);
                        dosc = fmax(dosc, fabs(Q[i] - Qo[i]) / Q[i]);
                        mm += Q[i] / Q0[i] / NS, me += Qe[i] / Q0[i] / NS, mo += Qo[i] / Q0[i] / NS;
                    }
                    worst_e = fmax(worst_e, de);
                    worst_o = fmax(worst_o, dosc);
                    strace[k] = mm;
                    if (k % every == 0 || k == K)
                        tsv_rowv(ts, 13, (double)k, t, mm, me, mo, Q[0] / Q0[0], Qe[0] / Q0[0],
                                 Qo[0] / Q0[0], Q[H] / Q0[H], Qe[H] / Q0[H], Qo[H] / Q0[H], de,
                                 dosc);
                }
                if (k == K)
                    break;
                sampler_next(&smp, x, y, B);
                double loss = mlp_train_batch(&m, x, y, B, NULL);
                opt_sgd_step(m.theta, m.grad, v, m.n_params, eta, beta, lambda, OPT_WD_COUPLED);
                if (!bn) {
                    for (int j = 0; j < NT; j++)
                        sym_translation_momentum_step(&se[j], &su[j], eta, beta, lambda);
                    /* R_out - R_in of the buffer after the step, same layout as theta */
                    mlp_t mv = m;
                    for (int l = 0; l < 3; l++) {
                        mv.W[l] = v + (m.W[l] - m.theta);
                        mv.b[l] = v + (m.b[l] - m.theta);
                    }
                    rescale_all(RD, &mv, 0, NULL, tmp);
                    double tn = eta * (k + 1);
                    for (int i = 0; i < NS; i++) {
                        sym_scale_momentum_step(&De[i], &PD[i], RD[i], eta, beta, lambda);
                        Do[i] = D0[i] * sym_osc_free(&oS, tn) +
                                sym_conv_push(&convD[i], 2.0 * eta * RD[i]);
                    }
                } else {
                    /* R = |v_A|^2 of the buffer after the step, same layout as theta */
                    double *vW0 = v + (m.W[0] - m.theta), *vb0 = v + (m.b[0] - m.theta);
                    double *vW1 = v + (m.W[1] - m.theta), *vb1 = v + (m.b[1] - m.theta);
                    sym_in_sqnorm(R, vW0, vb0, H, IN);
                    sym_in_sqnorm(R + H, vW1, vb1, H, H);
                    double tn = eta * (k + 1);
                    for (int i = 0; i < NS; i++) {
                        sym_scale_momentum_step(&Qe[i], &Pe[i], R[i], eta, beta, lambda);
                        /* forcing 2|theta'|^2 dt with theta' = -v, dt = eta */
                        double forced = sym_conv_push(&conv[i], 2.0 * eta * R[i]);
                        Qo[i] = Q0[i] * sym_osc_free(&oS, tn) + forced;
                    }
                }
                char note[64];
                snprintf(note, sizeof note, "beta %g %s loss %.3f", beta, bn ? "bn" : "plain", loss);
                progress_update(&pr, (double)(2 * ib + bn) * K + k + 1, 2.0 * NB * K, note);
            }
            tsv_t *t = bn ? ts : tt;
            tsv_line(t, "%s", "");
            tsv_line(t, "%s", "");
            if (!bn) {
                tsv_line(tr, "%s", "");
                tsv_line(tr, "%s", "");
                char k2[80];
                snprintf(k2, sizeof k2, "rescale_dev_exact_%d", ib);
                tsv_kv(sum, k2, worst_De);
                snprintf(k2, sizeof k2, "rescale_dev_osc_%d", ib);
                tsv_kv(sum, k2, worst_Do);
            }
            char key[80];
            snprintf(key, sizeof key, "%s_dev_exact_%d", bn ? "scale" : "translation", ib);
            tsv_kv(sum, key, worst_e);
            if (bn) {
                snprintf(key, sizeof key, "scale_dev_osc_%d", ib);
                tsv_kv(sum, key, worst_o);
            } else {
                int n;
                double hp = half_period(strace, K, &n);
                snprintf(key, sizeof key, "translation_zero_crossings_%d", ib);
                tsv_kv(sum, key, n);
                if (n >= 2) {
                    snprintf(key, sizeof key, "translation_period_meas_steps_%d", ib);
                    tsv_kv(sum, key, 2 * hp);
                    snprintf(key, sizeof key, "translation_period_relerr_%d", ib);
                    tsv_kv(sum, key, fabs(2 * hp * eta / sym_osc_period(&oT) - 1));
                }
            }
            free(v);
            mlp_free(&m);
        }
        char key[80];
        snprintf(key, sizeof key, "beta_%d", ib);
        tsv_kv(sum, key, beta);
        snprintf(key, sizeof key, "gamma_%d", ib);
        tsv_kv(sum, key, gamma);
        snprintf(key, sizeof key, "damping_steps_%d", ib);
        tsv_kv(sum, key, 1.0 / (gamma * eta));
        snprintf(key, sizeof key, "translation_regime_%d", ib);
        tsv_kv(sum, key, oT.regime);
        snprintf(key, sizeof key, "scale_regime_%d", ib);
        tsv_kv(sum, key, oS.regime);
        if (oT.regime > 0) {
            snprintf(key, sizeof key, "translation_period_steps_%d", ib);
            tsv_kv(sum, key, sym_osc_period(&oT) / eta);
        }
        if (oS.regime > 0) {
            snprintf(key, sizeof key, "scale_period_steps_%d", ib);
            tsv_kv(sum, key, sym_osc_period(&oS) / eta);
        }
    }
    progress_end(&pr);
    tsv_finish(tt);
    tsv_finish(ts);
    tsv_finish(tr);
    tsv_finish(sum);
    free(strace), free(conv), free(convD), free(x), free(y);
    sampler_close(&smp);
    return 0;
}
