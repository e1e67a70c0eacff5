/* train.c: one training run of chapter 6's Net A (or Net B) on Fashion-MNIST
 * (Xiao et al. 2017), with ternary or full-precision weights, logging every
 * step what the scale law and the flip-rate analysis need (brief ternary.md,
 * experiments E2, E3, E4):
 *
 *   scale law  N' = (1-eta lam)^2 N + eta^2 |g|^2 - 2 eta (1-eta lam) <W - Q(W), g>
 *   (the first two terms alone are the Neural Mechanics recursion for a
 *   scale-invariant layer, Kunin et al. 2021; the third is the quantization
 *   source of the identity straight-through estimator), the source split by
 *   bins of |W|/gamma, raw and net code flips, the angular step and the
 *   effective learning rates eta/|W|^2 (SGD) and eta/|W| (Adam).
 *
 * Weight decay is coupled (PyTorch SGD) and switches off at --wd-until
 * (BitNet b1.58's two-stage schedule, Ma et al. 2024 FAQ).  Minibatches are
 * drawn without replacement from a seeded shuffle of the first --ntrain
 * training images; test accuracy is measured on the first --ntest test images.
 *
 * Outputs: --out (per step), --curve (test accuracy every --eval-every
 * steps), --summary (key/value numbers for the prose). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/idx.h"
#include "core/rng.h"
#include "core/tsv.h"
#include "core/util.h"
#include "nn/optim.h"
#include "nn/qnet.h"

#define NBIN 4
#define KNET 20     /* window of the net flip rate */

static const char *usage =
    "--out F [--curve F] [--summary F] [--net A|B] [--q1 K] [--q2 K] [--q3 K]\n"
    "             [--opt sgd|adam] [--eta X] [--eta3 X] [--lambda X] [--wd-until K]\n"
    "             [--steps K] [--sigma X] [--batch B] [--hidden H] [--ntrain N] [--ntest N]\n"
    "             [--eval-every K] [--seed S]\n"
    "  K (quantizer) is one of fp, tensor, row, col, twn, ttq.";

typedef struct {
    double *prev[QNET_MAX];        /* W before the step */
    double *w1hist;                /* KNET+1 copies of W1, ring */
    int8_t *hist[QNET_MAX];        /* KNET+1 code arrays, ring */
    double *m[QNET_MAX], *s[QNET_MAX];  /* optimizer state */
} state_t;

int main(int argc, char **argv)
{
    util_set_progname("train");
    args_t a;
    args_init(&a, argc, argv, usage);
    const char *out = args_string(&a, "--out", NULL);
    const char *curve_path = args_string(&a, "--curve", NULL);
    const char *summary_path = args_string(&a, "--summary", NULL);
    const char *net = args_string(&a, "--net", "A");
    const char *qn[3] = {args_string(&a, "--q1", "tensor"), args_string(&a, "--q2", "tensor"),
                         args_string(&a, "--q3", "fp")};
    const char *opt = args_string(&a, "--opt", "sgd");
    double eta = args_double(&a, "--eta", 0.1);
    double eta3 = args_double(&a, "--eta3", eta);
    double lam = args_double(&a, "--lambda", 0.0);
    long wd_until = args_long(&a, "--wd-until", -1);
    long steps = args_long(&a, "--steps", 2000);
    double sigma = args_double(&a, "--sigma", 1.0);
    int B = (int)args_long(&a, "--batch", 128);
    int H = (int)args_long(&a, "--hidden", 128);
    int ntrain = (int)args_long(&a, "--ntrain", 20000);
    int ntest = (int)args_long(&a, "--ntest", 2000);
    long eval_every = args_long(&a, "--eval-every", 100);
    long seed = args_long(&a, "--seed", 1);
    args_done(&a);
    if (!out) die("--out is required");
    int netA = strcmp(net, "A") == 0;
    if (!netA && strcmp(net, "B") != 0) die("--net must be A or B, not '%s'", net);
    int adam = strcmp(opt, "adam") == 0;
    if (!adam && strcmp(opt, "sgd") != 0) die("--opt must be sgd or adam, not '%s'", opt);
    if (steps < 1 || B < 1 || H < 1 || eta <= 0 || ntrain < B || ntest < 1 || eval_every < 1)
        die("bad sizes or rates (steps %ld, batch %d, hidden %d, eta %g, ntrain %d)", steps, B, H,
            eta, ntrain);
    int L = netA ? 3 : 2;
    quant_spec q[3];
    for (int l = 0; l < 3; l++) {
        int k = quant_parse(qn[l]);
        if (k < 0) die("unknown quantizer '%s'", qn[l]);
        q[l] = (quant_spec){(quant_kind)k, 0.05, 1.0, 1.0};
    }
    if (wd_until < 0) wd_until = steps;

    char err[512];
    dataset_t tr, te;
    if (fmnist_load(&tr, NULL, "train", err, sizeof err)) die("%s", err);
    if (fmnist_load(&te, NULL, "test", err, sizeof err)) die("%s", err);
    if (ntrain > tr.n) ntrain = tr.n;
    if (ntest > te.n) ntest = te.n;
    int D = tr.d, C = 10;

    int dims[4] = {D, H, netA ? H : C, C};
    qnet_t m;
    if (qnet_init(&m, dims, L, netA, q, B))
        die("cannot build the network");
    rng_t rw, rs;
    rng_seed(&rw, (uint64_t)seed, 1);    /* weights */
    rng_seed(&rs, (uint64_t)seed, 2);    /* minibatch shuffle */
    qnet_init_weights(&m, &rw, sigma);

    /* layers whose charges we follow: the scale-invariant ones (Net A) or all (Net B) */
    int Lq = netA ? 2 : L;
    state_t st;
    for (int l = 0; l < L; l++) {
        st.prev[l] = xmalloc(m.n[l] * sizeof(double));
        st.hist[l] = xcalloc((size_t)(KNET + 1) * m.n[l], 1);
        st.m[l] = xcalloc(m.n[l], sizeof(double));
        st.s[l] = xcalloc(m.n[l], sizeof(double));
    }
    st.w1hist = xmalloc((size_t)(KNET + 1) * m.n[0] * sizeof(double));
    double *ratio = xmalloc(m.n[0] * sizeof(double) > m.n[1] * sizeof(double)
                            ? m.n[0] * sizeof(double) : m.n[1] * sizeof(double));
    size_t *perm = xmalloc((size_t)ntrain * sizeof *perm);
    for (int i = 0; i < ntrain; i++) perm[i] = (size_t)i;
    rng_shuffle(&rs, perm, (size_t)ntrain);
    double *xb = xmalloc((size_t)B * D * sizeof(double));
    int *yb = xmalloc((size_t)B * sizeof(int));
    int pos = 0;

    tsv_t *t = tsv_create(out, argc, argv);
    tsv_comment(t, "seed %ld; net %s; quantizers %s %s %s; opt %s; eta %g; eta3 %g; lambda %g until step %ld; "
                "batch %d; hidden %d; sigma %g; ntrain %d", seed, net, qn[0], qn[1], netA ? qn[2] : "-",
                opt, eta, eta3, lam, wd_until, B, H, sigma, ntrain);
    tsv_comment(t, "scale law: N' = (1-eta lam)^2 N + eta^2|g|^2 - 2 eta (1-eta lam) <W-Q,g>; "
                "nm = prediction without the last term; law = full recursion iterated from N0");
    tsv_comment(t, "sums over the followed layers (%s); bins of |W|/gamma: [0,.5) [.5,1) [1,1.5) [1.5,inf)",
                netA ? "W1, W2" : "W1, W2");
    tsv_columns(t, "k\tt\tloss\tN1\tN2\tN\tnm\tlaw\tkin\tquant\tsrc0\tsrc1\tsrc2\tsrc3\t"
                   "raw\tnet\tdtheta1\tdtheta2\teff1\teff2\trho1\tgperp1\tQg\traw1\tnet1\tdtheta20\tkappa1\t"
                   "dth_rms\trho_ema\tpred_eq");
    tsv_comment(t, "dth_rms, rho_ema: running means over ~100 steps of dtheta1^2 and of the two sources of W1; "
                "pred_eq = sqrt(2 eta lambda / (1 + rho_ema)), the equilibrium angular step (Wan et al. 2021 for rho = 0)");
    tsv_t *cv = curve_path ? tsv_create(curve_path, argc, argv) : NULL;
    if (cv) {
        tsv_comment(cv, "test accuracy on the first %d test images, train loss averaged since the last row", ntest);
        tsv_columns(cv, "k\tt\ttrain_loss\ttest_acc\ttest_loss");
    }

    double N0 = 0;
    for (int l = 0; l < Lq; l++) N0 += qnet_dot(m.W[l], m.W[l], m.n[l]);
    double nm = N0, law = N0, kin = 0, quant = 0, src[NBIN] = {0};
    double loss_acc = 0, law_err = 0, Qg_max = 0;
    long loss_n = 0;
    double raw_sum = 0, net_sum = 0, dth_sum = 0;
    long flips_n = 0, c_n = 0;
    double cnet = 0, craw = 0;
    double eq_rg = 0, eq_g2 = 0, eq_th2 = 0, eq_gp = 0, eq_net = 0, end_net = 0, N1_stage = NAN;
    long eq_n = 0, end_n = 0;
    double ema_rg = 0, ema_g2 = 0, ema_th2 = 0;
    size_t ncode = 0;
    for (int l = 0; l < Lq; l++) ncode += m.n[l];
    progress_t pr;
    progress_begin(&pr, "train");
    double t0 = now_seconds(), t_eval = 0;

    for (long k = 0; k <= steps; k++) {
        qnet_quantize(&m);
        /* codes: raw flips since the last step and net flips over KNET steps */
        double raw = NAN, netf = NAN, raw1 = NAN, net1 = NAN, th20 = NAN;
        if (k >= 1) {
            size_t nr = 0, nn = 0;
            for (int l = 0; l < Lq; l++) {
                const int8_t *c = m.T[l];
                const int8_t *p1 = st.hist[l] + (size_t)((k - 1) % (KNET + 1)) * m.n[l];
                size_t r0 = nr, n0 = nn;
                for (size_t i = 0; i < m.n[l]; i++) nr += c[i] != p1[i];
                if (k >= KNET) {
                    const int8_t *pK = st.hist[l] + (size_t)((k - KNET) % (KNET + 1)) * m.n[l];
                    for (size_t i = 0; i < m.n[l]; i++) nn += c[i] != pK[i];
                }
                if (l == 0) {
                    raw1 = (double)(nr - r0) / m.n[0];
                    if (k >= KNET) net1 = (double)(nn - n0) / ((double)m.n[0] * KNET);
                }
            }
            raw = (double)nr / ncode;
            if (k >= KNET) netf = (double)nn / ((double)ncode * KNET);
        }
        if (k >= KNET) {   /* angle between W1 now and KNET steps ago, per step */
            const double *p = st.w1hist + (size_t)((k - KNET) % (KNET + 1)) * m.n[0];
            double np = sqrt(qnet_dot(p, p, m.n[0])), nw = sqrt(qnet_dot(m.W[0], m.W[0], m.n[0])), c2 = 0;
            for (size_t i = 0; i < m.n[0]; i++) {
                double d = m.W[0][i] / nw - p[i] / np;
                c2 += d * d;
            }
            th20 = 2 * asin(sqrt(c2) / 2) / KNET;
        }
        for (int l = 0; l < Lq; l++)
            memcpy(st.hist[l] + (size_t)(k % (KNET + 1)) * m.n[l], m.T[l], m.n[l]);
        memcpy(st.w1hist + (size_t)(k % (KNET + 1)) * m.n[0], m.W[0], m.n[0] * sizeof(double));
        /* flip susceptibility of W1: kappa = f(1/2) sqrt(2/pi) rms(W1)/gamma, f the
         * density of |W|/gamma at the threshold 1/2 (codes change only there) */
        double kappa = NAN;
        if (q[0].kind == QUANT_TENSOR) {
            size_t n = m.n[0], near = 0;
            double gam = m.scale[0][0];
            for (size_t i = 0; i < n; i++) near += fabs(fabs(m.W[0][i]) / gam - 0.5) < 0.05;
            kappa = ((double)near / n / 0.1) * sqrt(2 / PI) * sqrt(qnet_dot(m.W[0], m.W[0], n) / n) / gam;
        }

        if (cv && k % eval_every == 0) {
            double te_loss, t1 = now_seconds();
            double acc = qnet_evaluate(&m, te.x, te.y, ntest, &te_loss);
            t_eval += now_seconds() - t1;
            tsv_rowv(cv, 5, (double)k, eta * k, loss_n ? loss_acc / loss_n : NAN, acc, te_loss);
            loss_acc = 0; loss_n = 0;
        }
        if (k == steps) break;

        /* minibatch */
        for (int b = 0; b < B; b++) {
            if (pos == ntrain) { rng_shuffle(&rs, perm, (size_t)ntrain); pos = 0; }
            size_t i = perm[pos++];
            memcpy(xb + (size_t)b * D, tr.x + i * D, (size_t)D * sizeof(double));
            yb[b] = tr.y[i];
        }
        double loss = qnet_grad(&m, xb, yb, B, NULL);
        if (!isfinite(loss)) die("loss is %g at step %ld", loss, k);
        loss_acc += loss; loss_n++;

        double l_now = k < wd_until ? lam : 0.0;
        double c1 = 1 - eta * l_now;
        double N = 0, g2s = 0, Rg = 0, bins[NBIN] = {0}, rho1 = NAN, gperp1 = NAN, Qg = 0;
        for (int l = 0; l < Lq; l++) {
            size_t n = m.n[l];
            double g2 = qnet_dot(m.g[l], m.g[l], n);
            double rg = qnet_dot_resid(m.W[l], m.Q[l], m.g[l], n);
            double Nl = qnet_dot(m.W[l], m.W[l], n);
            double qg = fabs(qnet_dot(m.Q[l], m.g[l], n)) / (sqrt(qnet_dot(m.Q[l], m.Q[l], n) * g2) + 1e-300);
            if (qg > Qg) Qg = qg;
            N += Nl; g2s += g2; Rg += rg;
            if (q[l].kind != QUANT_FP) {
                quant_ratio(&q[l], ratio, m.W[l], m.scale[l], m.dims[l + 1], m.dims[l]);
                for (size_t i = 0; i < n; i++) {
                    int bi = ratio[i] < 0.5 ? 0 : ratio[i] < 1.0 ? 1 : ratio[i] < 1.5 ? 2 : 3;
                    bins[bi] += (m.W[l][i] - m.Q[l][i]) * m.g[l][i];
                }
            }
            if (l == 0) {
                rho1 = -2 * rg / (eta * g2);
                if (lam > 0 && k >= wd_until / 2 && k < wd_until) { eq_rg += rg; eq_g2 += g2; }
                double al = k == 0 ? 1.0 : 0.01;
                ema_rg += al * (rg - ema_rg);
                ema_g2 += al * (g2 - ema_g2);
                double wg = qnet_dot(m.W[0], m.g[0], n);
                gperp1 = 1 - wg * wg / (Nl * g2);
            }
            memcpy(st.prev[l], m.W[l], n * sizeof(double));
        }
        if (netA && Qg > Qg_max) Qg_max = Qg;
        /* the step (layer 3 of Net A: its own rate, no charge followed) */
        for (int l = 0; l < L; l++) {
            double lr = (netA && l == 2) ? eta3 : eta;
            quant_latent_grad(&q[l], m.g[l], m.g[l], m.T[l], m.n[l]);
            if (adam)
                opt_adam_step(m.W[l], m.g[l], st.m[l], st.s[l], m.n[l], k + 1, lr, 0.9, 0.999, 1e-8,
                              l_now, OPT_WD_DECOUPLED);
            else
                opt_sgd_step(m.W[l], m.g[l], NULL, m.n[l], lr, 0.0, l_now, OPT_WD_COUPLED);
        }
        /* the recursions (exact for SGD; for Adam only the measured N is meaningful) */
        nm = c1 * c1 * nm + eta * eta * g2s;
        law = c1 * c1 * law + eta * eta * g2s - 2 * eta * c1 * Rg;
        kin += eta * eta * g2s;
        quant += -2 * eta * c1 * Rg;
        for (int i = 0; i < NBIN; i++) src[i] += -2 * eta * c1 * bins[i];
        double Nn = 0, Nl[2] = {0, 0}, dth[2] = {0, 0};
        for (int l = 0; l < Lq; l++) {
            double nl = qnet_dot(m.W[l], m.W[l], m.n[l]);
            Nn += nl;
            if (l < 2) {
                Nl[l] = nl;
                /* angle between W before and after: 2 asin(|What' - What|/2) */
                double np = sqrt(qnet_dot(st.prev[l], st.prev[l], m.n[l])), nw = sqrt(nl), c2 = 0;
                for (size_t i = 0; i < m.n[l]; i++) {
                    double d = m.W[l][i] / nw - st.prev[l][i] / np;
                    c2 += d * d;
                }
                dth[l] = 2 * asin(sqrt(c2) / 2);
            }
        }
        if (!adam && fabs(Nn - law) / Nn > law_err) law_err = fabs(Nn - law) / Nn;
        double eff1 = adam ? eta / sqrt(Nl[0]) : eta / Nl[0];
        double eff2 = adam ? eta / sqrt(Nl[1]) : eta / Nl[1];
        ema_th2 += (k == 0 ? 1.0 : 0.01) * (dth[0] * dth[0] - ema_th2);
        double rho_ema = -2 * ema_rg / (eta * ema_g2);
        double pred_eq = l_now > 0 ? sqrt(2 * eta * l_now / (1 + rho_ema)) : NAN;
        tsv_rowv(t, 30, (double)(k + 1), eta * (k + 1), loss, Nl[0], Nl[1], Nn, nm, law, kin, quant,
                 src[0], src[1], src[2], src[3], raw, netf, dth[0], dth[1], eff1, eff2, rho1, gperp1, Qg,
                 raw1, net1, th20, kappa, sqrt(ema_th2), rho_ema, pred_eq);
        if (lam > 0 && k >= wd_until / 2 && k < wd_until) {
            eq_th2 += dth[0] * dth[0]; eq_gp += gperp1; eq_net += net1; eq_n++;
        }
        if (k >= steps - steps / 6) { end_net += net1; end_n++; }
        if (k == wd_until - 1) N1_stage = Nl[0];
        if (k >= KNET && isfinite(kappa) && th20 > 0 && dth[0] > 0) {
            cnet += net1 / (kappa * th20); craw += raw1 / (kappa * dth[0]); c_n++;
        }
        if (k >= 1) { raw_sum += raw; flips_n++; }
        if (k >= KNET) net_sum += netf;
        dth_sum += dth[0];
        if (k % 50 == 0) {
            char note[64];
            snprintf(note, sizeof note, "loss %.3f", loss);
            progress_update(&pr, (double)k, (double)steps, note);
        }
    }
    progress_end(&pr);
    /* speed goes to stderr, not into the data: the data must not depend on the machine */
    double secs = now_seconds() - t0 - t_eval;
    const char *quiet = getenv("NOETHER_QUIET");
    if (!quiet || !*quiet) fprintf(stderr, "train: %.1f steps/s (%ld steps, evaluation excluded)\n", steps / secs, steps);
    tsv_finish(t);

    if (summary_path) {
        double te_loss;
        double acc = qnet_evaluate(&m, te.x, te.y, te.n, &te_loss);
        double N = 0;
        for (int l = 0; l < Lq; l++) N += qnet_dot(m.W[l], m.W[l], m.n[l]);
        tsv_t *s = tsv_create(summary_path, argc, argv);
        tsv_comment(s, "seed %ld; final test accuracy on all %d test images", seed, te.n);
        tsv_columns(s, "key\tvalue");
        tsv_kv(s, "test_acc", acc);
        tsv_kv(s, "test_loss", te_loss);
        tsv_kv(s, "steps", (double)steps);
        tsv_kv(s, "N0", N0);
        tsv_kv(s, "NK", N);
        tsv_kv(s, "drift", N / N0 - 1);
        tsv_kv(s, "growth", N / N0);
        tsv_kv(s, "nm_growth", nm / N0);
        tsv_kv(s, "nm_drift", nm / N0 - 1);
        tsv_kv(s, "kin", kin);
        tsv_kv(s, "quant", quant);
        for (int i = 0; i < NBIN; i++) {
            char key[16];
            snprintf(key, sizeof key, "src%d_share", i);
            tsv_kv(s, key, quant != 0 ? src[i] / quant : 0);
        }
        tsv_kv(s, "law_max_rel_err", law_err);
        tsv_kv(s, "Qg_max", Qg_max);
        tsv_kv(s, "raw_mean", raw_sum / flips_n);
        tsv_kv(s, "net_mean", net_sum / (steps - KNET + 1));
        tsv_kv(s, "raw_over_net", (raw_sum / flips_n) / (net_sum / (steps - KNET + 1)));
        tsv_kv(s, "dtheta_mean", dth_sum / steps);
        tsv_kv(s, "collapse_net", c_n ? cnet / c_n : NAN);
        tsv_kv(s, "end_net_flips", end_n ? end_net / end_n : NAN);
        tsv_kv(s, "N1_end", qnet_dot(m.W[0], m.W[0], m.n[0]));
        if (lam > 0 && eq_n > 0) {
            /* stage-1 plateau (second half of stage 1): delta theta^2 (1 + rho) vs 2 eta lambda */
            double rho = -2 * eq_rg / (eta * eq_g2), th2 = eq_th2 / eq_n;
            tsv_kv(s, "eq_dtheta", sqrt(th2));
            tsv_kv(s, "eq_rho", rho);
            tsv_kv(s, "eq_pred_fp", sqrt(2 * eta * lam));
            tsv_kv(s, "eq_pred", sqrt(2 * eta * lam / (1 + rho)));
            tsv_kv(s, "eq_ratio", th2 * (1 + rho) / (2 * eta * lam));
            tsv_kv(s, "eq_gperp", eq_gp / eq_n);
            tsv_kv(s, "eq_net_flips", eq_net / eq_n);
            tsv_kv(s, "flips_stage2_over_stage1", (end_net / end_n) / (eq_net / eq_n));
            tsv_kv(s, "N1_stage1_end", N1_stage);
        }
        tsv_kv(s, "collapse_raw", c_n ? craw / c_n : NAN);
        tsv_finish(s);
    }
    if (cv) tsv_finish(cv);
    qnet_free(&m);
    dataset_free(&tr);
    dataset_free(&te);
    return 0;
}
