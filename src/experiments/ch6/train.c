/* train.c: one training run of chapter 6's Net A (or Net B) on Fashion-MNIST
 * (Xiao et al. 2017), with ternary or full-precision weights, logging every
 * step what the scale law and the flip-rate analysis need (chapter 6,
 * experiments E2, E3, E4, and the AdamW ablation):
 *
 *   scale law  N' = (1-eta lam)^2 N + eta^2 |g|^2 - 2 eta (1-eta lam) <W - Q(W), g>
 *   (the first two terms alone are the Neural Mechanics recursion for a
 *   scale-invariant layer, Kunin et al. 2021; the third is the quantization
 *   source of the identity straight-through estimator), the source split by
 *   bins of |W|/gamma, raw and net code flips, the angular step and the
 *   effective learning rates eta/|W|^2 (SGD) and eta/|W| (Adam).
 *
 * Weight decay is coupled (PyTorch SGD) and switches off at --wd-until
 * (BitNet b1.58's two-stage schedule, Ma et al. 2024 FAQ), where the learning
 * rate may drop by the factor --lr2 as well (BitNet's own recipe, with Adam's
 * decoupled decay: --opt adam --beta2 0.95).  Over the second half of stage 1
 * the summary sums the scale law of W1 into the window balance (the chapter's
 * appendices: eq. balance-window for SGD, eq. adamw-law for AdamW, with the
 * AdamW equilibrium sqrt(2 eta lambda (1-beta1)/(1+beta1)) of Kosson et al.
 * 2024).  Minibatches are
 * drawn without replacement from a seeded shuffle of the first --ntrain
 * training images; test accuracy is measured on the first --ntest test images.
 *
 * Outputs: --out (per step), --curve (test accuracy every --eval-every
 * steps), --summary (key/value numbers for the prose). */
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
#include "nn/optim.h"
#include "nn/qnet.h"
#include "experiments/ch6/lib/ch6.h"

#define NBIN 4
#define KNET 20     /* window of the net flip rate */

typedef struct {
    const char *out, *curve, *summary, *q1, *q2, *q3;
    int net, opt, batch, hidden, ntrain, ntest;
    double eta, eta3, lambda, sigma, lr2, beta2;
    long wd_until, steps, eval_every, seed, log_every;
} opts_t;

typedef struct {
    double *prev[QNET_MAX];        /* W before the step */
    double *w1hist;                /* KNET+1 copies of W1, ring */
    int8_t *hist[QNET_MAX];        /* KNET+1 code arrays, ring */
    double *m[QNET_MAX], *s[QNET_MAX];  /* optimizer state */
    double *ratio;                 /* |W|/gamma of one layer */
} state_t;

/* One training run: the network, its quantizers and the running sums the
 * per-step log and the summary need. */
typedef struct {
    opts_t o;
    qnet_t m;
    quant_spec q[3];
    state_t st;
    int netA, L, Lq;               /* Lq: layers whose charges are followed */
    size_t ncode;
    /* the scale law: measured N0, iterated without (nm) and with (law) the
     * quantization source; the sources summed, by bins of |W|/gamma */
    double N0, nm, law, kin, quant, src[NBIN];
    double loss_acc, law_err, Qg_max;
    long loss_n;
    double raw_sum, net_sum, dth_sum, cnet, craw;
    long flips_n, c_n;
    double eq_rg, eq_g2, eq_th2, eq_gp, eq_net, end_net, N1_stage;
    long eq_n, end_n;
    double ema_rg, ema_g2, ema_th2;
    /* the window balance of W1 over the second half of stage 1 (appendix of
     * the chapter): sum of N_k, of the sources, the boundary N_k0, N_k1; the
     * sources split (Adam: eta^2|u|^2, -2 eta c <Q,u>, -2 eta c <R,u>) */
    double bw_N, bw_S, bw_N0, bw_N1, bw_u2, bw_Qu, bw_Ru;
} run_t;

/* Code flips before step k: raw since the last step and net over KNET
 * steps (all followed layers, and W1 alone), W1's angle per step over KNET
 * steps, and W1's flip susceptibility. */
typedef struct {
    double raw, netf, raw1, net1, th20, kappa;
} flips_t;

static void state_init(run_t *R)
{
    state_t *st = &R->st;
    const qnet_t *m = &R->m;
    for (int l = 0; l < R->L; l++) {
        st->prev[l] = xmalloc(m->n[l] * sizeof(double));
        st->hist[l] = xcalloc((size_t)(KNET + 1) * m->n[l], 1);
        st->m[l] = xcalloc(m->n[l], sizeof(double));
        st->s[l] = xcalloc(m->n[l], sizeof(double));
    }
    st->w1hist = xmalloc((size_t)(KNET + 1) * m->n[0] * sizeof(double));
    st->ratio = xmalloc(m->n[0] * sizeof(double) > m->n[1] * sizeof(double)
                        ? m->n[0] * sizeof(double) : m->n[1] * sizeof(double));
}

static void state_free(run_t *R)
{
    for (int l = 0; l < R->L; l++) {
        free(R->st.prev[l]);
        free(R->st.hist[l]);
        free(R->st.m[l]);
        free(R->st.s[l]);
    }
    free(R->st.w1hist);
    free(R->st.ratio);
}

static flips_t code_history(run_t *R, long k)
{
    qnet_t *m = &R->m;
    state_t *st = &R->st;
    flips_t f = {NAN, NAN, NAN, NAN, NAN, NAN};
    if (k >= 1) {
        size_t nr = 0, nn = 0;
        for (int l = 0; l < R->Lq; l++) {
            const int8_t *c = m->T[l];
            const int8_t *p1 = st->hist[l] + (size_t)((k - 1) % (KNET + 1)) * m->n[l];
            size_t r0 = nr, n0 = nn;
            for (size_t i = 0; i < m->n[l]; i++) nr += c[i] != p1[i];
            if (k >= KNET) {
                const int8_t *pK = st->hist[l] + (size_t)((k - KNET) % (KNET + 1)) * m->n[l];
                for (size_t i = 0; i < m->n[l]; i++) nn += c[i] != pK[i];
            }
            if (l == 0) {
                f.raw1 = (double)(nr - r0) / m->n[0];
                if (k >= KNET) f.net1 = (double)(nn - n0) / ((double)m->n[0] * KNET);
            }
        }
        f.raw = (double)nr / R->ncode;
        if (k >= KNET) f.netf = (double)nn / ((double)R->ncode * KNET);
    }
    if (k >= KNET) {   /* angle between W1 now and KNET steps ago, per step */
        const double *p = st->w1hist + (size_t)((k - KNET) % (KNET + 1)) * m->n[0];
        double np = sqrt(qnet_dot(p, p, m->n[0])), nw = sqrt(qnet_dot(m->W[0], m->W[0], m->n[0])), c2 = 0;
        for (size_t i = 0; i < m->n[0]; i++) {
            double d = m->W[0][i] / nw - p[i] / np;
            c2 += d * d;
        }
        f.th20 = 2 * asin(sqrt(c2) / 2) / KNET;
    }
    for (int l = 0; l < R->Lq; l++)
        memcpy(st->hist[l] + (size_t)(k % (KNET + 1)) * m->n[l], m->T[l], m->n[l]);
    memcpy(st->w1hist + (size_t)(k % (KNET + 1)) * m->n[0], m->W[0], m->n[0] * sizeof(double));
    /* flip susceptibility of W1: kappa = f(1/2) sqrt(2/pi) rms(W1)/gamma, f the
     * density of |W|/gamma at the threshold 1/2 (codes change only there) */
    if (R->q[0].kind == QUANT_TENSOR) {
        size_t n = m->n[0], near = 0;
        double gam = m->scale[0][0];
        for (size_t i = 0; i < n; i++) near += fabs(fabs(m->W[0][i]) / gam - 0.5) < 0.05;
        f.kappa = ((double)near / n / 0.1) * sqrt(2 / PI) * sqrt(qnet_dot(m->W[0], m->W[0], n) / n) / gam;
    }
    return f;
}

/* The window balance of W1 at step k (after the update; W1 before it is in
 * st->prev[0], its code in m->Q[0]): the latent update u (SGD: the identity-STE
 * gradient; Adam: mhat/(sqrt(vhat)+eps) from the optimizer's buffers), so that
 * N_k+1 = c^2 N_k + eta^2|u|^2 - 2 eta c <X,u> with X = W - Q(W) for SGD (which
 * uses <Q,g> = 0) and X = W for Adam, summed over the window. */
static void window_balance(run_t *R, long k, double c1, double N1_after)
{
    const qnet_t *m = &R->m;
    const opts_t *o = &R->o;
    const double *w = R->st.prev[0], *q = m->Q[0];
    double eta = o->eta, u2 = 0, wu = 0, qu = 0;
    double bc1 = 1.0 - pow(0.9, (double)(k + 1)), bc2 = 1.0 - pow(o->beta2, (double)(k + 1));
    for (size_t i = 0; i < m->n[0]; i++) {
        double u = o->opt ? (R->st.m[0][i] / bc1) / (sqrt(R->st.s[0][i] / bc2) + 1e-8) : m->g[0][i];
        u2 += u * u;
        wu += w[i] * u;
        qu += q[i] * u;
    }
    double N = qnet_dot(w, w, m->n[0]);
    if (k == o->wd_until / 2) R->bw_N0 = N;
    R->bw_N += N;
    R->bw_S += eta * eta * u2 - 2 * eta * c1 * (o->opt ? wu : qnet_dot_resid(w, q, m->g[0], m->n[0]));
    R->bw_u2 += eta * eta * u2;
    R->bw_Qu += -2 * eta * c1 * qu;
    R->bw_Ru += -2 * eta * c1 * (wu - qu);
    R->bw_N1 = N1_after;
}

/* Step k after the gradient (loss) is in m->g: the sources of the scale law,
 * the latent update, the recursions, and the log row. */
static void step(run_t *R, long k, double loss, const flips_t *f, tsv_t *t)
{
    qnet_t *m = &R->m;
    state_t *st = &R->st;
    const opts_t *o = &R->o;
    const double eta = o->eta, lam = o->lambda;
    const long wd_until = o->wd_until;
    double l_now = k < wd_until ? lam : 0.0;
    double c1 = 1 - eta * l_now;
    double g2s = 0, Rg = 0, bins[NBIN] = {0}, rho1 = NAN, gperp1 = NAN, Qg = 0;
    for (int l = 0; l < R->Lq; l++) {
        size_t n = m->n[l];
        double g2 = qnet_dot(m->g[l], m->g[l], n);
        double rg = qnet_dot_resid(m->W[l], m->Q[l], m->g[l], n);
        double Nl = qnet_dot(m->W[l], m->W[l], n);
        double qg = fabs(qnet_dot(m->Q[l], m->g[l], n)) / (sqrt(qnet_dot(m->Q[l], m->Q[l], n) * g2) + 1e-300);
        if (qg > Qg) Qg = qg;
        g2s += g2; Rg += rg;
        if (R->q[l].kind != QUANT_FP) {
            quant_ratio(&R->q[l], st->ratio, m->W[l], m->scale[l], m->dims[l + 1], m->dims[l]);
            for (size_t i = 0; i < n; i++) {
                double r = st->ratio[i];
                int bi = r < 0.5 ? 0 : r < 1.0 ? 1 : r < 1.5 ? 2 : 3;
                bins[bi] += (m->W[l][i] - m->Q[l][i]) * m->g[l][i];
            }
        }
        if (l == 0) {
            rho1 = -2 * rg / (eta * g2);
            if (lam > 0 && k >= wd_until / 2 && k < wd_until) { R->eq_rg += rg; R->eq_g2 += g2; }
            double al = k == 0 ? 1.0 : 0.01;
            R->ema_rg += al * (rg - R->ema_rg);
            R->ema_g2 += al * (g2 - R->ema_g2);
            double wg = qnet_dot(m->W[0], m->g[0], n);
            gperp1 = 1 - wg * wg / (Nl * g2);
        }
        memcpy(st->prev[l], m->W[l], n * sizeof(double));
    }
    if (R->netA && Qg > R->Qg_max) R->Qg_max = Qg;
    /* the step (layer 3 of Net A: its own rate, no charge followed) */
    for (int l = 0; l < R->L; l++) {
        double lr = ((R->netA && l == 2) ? o->eta3 : eta) * (k >= wd_until ? o->lr2 : 1.0);
        quant_latent_grad(&R->q[l], m->g[l], m->g[l], m->T[l], m->n[l]);
        if (o->opt)
            opt_adam_step(m->W[l], m->g[l], st->m[l], st->s[l], m->n[l], k + 1, lr, 0.9, o->beta2, 1e-8,
                          l_now, OPT_WD_DECOUPLED);
        else
            opt_sgd_step(m->W[l], m->g[l], NULL, m->n[l], lr, 0.0, l_now, OPT_WD_COUPLED);
    }
    /* the recursions (exact for SGD; for Adam only the measured N is meaningful) */
    R->nm = c1 * c1 * R->nm + eta * eta * g2s;
    R->law = c1 * c1 * R->law + eta * eta * g2s - 2 * eta * c1 * Rg;
    R->kin += eta * eta * g2s;
    R->quant += -2 * eta * c1 * Rg;
    for (int i = 0; i < NBIN; i++) R->src[i] += -2 * eta * c1 * bins[i];
    double Nn = 0, Nl[2] = {0, 0}, dth[2] = {0, 0};
    for (int l = 0; l < R->Lq; l++) {
        double nl = qnet_dot(m->W[l], m->W[l], m->n[l]);
        Nn += nl;
        if (l < 2) {
            Nl[l] = nl;
            /* angle between W before and after: 2 asin(|What' - What|/2) */
            double np = sqrt(qnet_dot(st->prev[l], st->prev[l], m->n[l])), nw = sqrt(nl), c2 = 0;
            for (size_t i = 0; i < m->n[l]; i++) {
                double d = m->W[l][i] / nw - st->prev[l][i] / np;
                c2 += d * d;
            }
            dth[l] = 2 * asin(sqrt(c2) / 2);
        }
    }
    if (lam > 0 && k >= wd_until / 2 && k < wd_until) window_balance(R, k, c1, Nl[0]);
    if (!o->opt && fabs(Nn - R->law) / Nn > R->law_err) R->law_err = fabs(Nn - R->law) / Nn;
    double eff1 = o->opt ? eta / sqrt(Nl[0]) : eta / Nl[0];
    double eff2 = o->opt ? eta / sqrt(Nl[1]) : eta / Nl[1];
    R->ema_th2 += (k == 0 ? 1.0 : 0.01) * (dth[0] * dth[0] - R->ema_th2);
    double rho_ema = -2 * R->ema_rg / (eta * R->ema_g2);
    double pred_eq = l_now > 0 ? sqrt(2 * eta * l_now / (1 + rho_ema)) : NAN;
    if ((k + 1) % o->log_every == 0)
        tsv_rowv(t, 31, (double)(k + 1), eta * (k + 1), loss, Nl[0], Nl[1], Nn, R->nm, R->law, R->kin,
             R->quant, R->src[0], R->src[1], R->src[2], R->src[3], f->raw, f->netf, dth[0], dth[1],
             eff1, eff2, rho1, gperp1, Qg, f->raw1, f->net1, f->th20, f->kappa, sqrt(R->ema_th2),
             rho_ema, pred_eq, f->kappa * f->th20);
    if (lam > 0 && k >= wd_until / 2 && k < wd_until) {
        R->eq_th2 += dth[0] * dth[0]; R->eq_gp += gperp1; R->eq_net += f->net1; R->eq_n++;
    }
    if (k >= o->steps - o->steps / 6) { R->end_net += f->net1; R->end_n++; }
    if (k == wd_until - 1) R->N1_stage = Nl[0];
    if (k >= KNET && isfinite(f->kappa) && f->th20 > 0 && dth[0] > 0) {
        R->cnet += f->net1 / (f->kappa * f->th20); R->craw += f->raw1 / (f->kappa * dth[0]); R->c_n++;
    }
    if (k >= 1) { R->raw_sum += f->raw; R->flips_n++; }
    if (k >= KNET) R->net_sum += f->netf;
    R->dth_sum += dth[0];
}

static tsv_t *open_log(const run_t *R, int argc, char **argv)
{
    const opts_t *o = &R->o;
    tsv_t *t = tsv_create(o->out, argc, argv);
    tsv_comment(t, "seed %ld; net %s; quantizers %s %s %s; opt %s; eta %g; eta3 %g; lambda %g until step %ld; "
                "batch %d; hidden %d; sigma %g; ntrain %d", o->seed, R->netA ? "A" : "B", o->q1, o->q2,
                R->netA ? o->q3 : "-", o->opt ? "adam" : "sgd", o->eta, o->eta3, o->lambda,
                o->wd_until, o->batch, o->hidden, o->sigma, o->ntrain);
    tsv_comment(t, "scale law: N' = (1-eta lam)^2 N + eta^2|g|^2 - 2 eta (1-eta lam) <W-Q,g>; "
                "nm = prediction without the last term; law = full recursion iterated from N0");
    tsv_comment(t, "sums over the followed layers (%s); bins of |W|/gamma: [0,.5) [.5,1) [1,1.5) [1.5,inf)",
                R->netA ? "W1, W2" : "W1, W2");
    tsv_columns(t, "k\tt\tloss\tN1\tN2\tN\tnm\tlaw\tkin\tquant\tsrc0\tsrc1\tsrc2\tsrc3\t"
                   "raw\tnet\tdtheta1\tdtheta2\teff1\teff2\trho1\tgperp1\tQg\traw1\tnet1\tdtheta20\tkappa1\t"
                   "dth_rms\trho_ema\tpred_eq\tflips_pred");
    tsv_comment(t, "dth_rms, rho_ema: running means over ~100 steps of dtheta1^2 and of the two sources of W1; "
                "pred_eq = sqrt(2 eta lambda / (1 + rho_ema)), the equilibrium angular step (Wan et al. 2021 for rho = 0; SGD only); "
                "flips_pred = kappa1 * dtheta20, the net flips of W1 that eq. flips predicts");
    return t;
}

/* The window balance and, for Adam, its sources and the AdamW equilibrium
 * sqrt(2 eta lambda (1-beta1)/(1+beta1)) (the chapter's appendix; Kosson et
 * al. 2024 in full precision). */
static void window_summary(const run_t *R, tsv_t *s)
{
    const opts_t *o = &R->o;
    const double eta = o->eta, lam = o->lambda, a = 2 * eta * lam - eta * eta * lam * lam;
    double lhs = a * R->bw_N, rhs = R->bw_S - (R->bw_N1 - R->bw_N0);
    tsv_kv(s, "balance_bc_err", fabs(lhs - rhs) / fabs(lhs));
    tsv_kv(s, "balance_bc_term", (R->bw_N1 - R->bw_N0) / R->bw_N);
    /* the balance solved for the rms step phi = sqrt(sum eta^2|u|^2 / sum N),
     * with the window's rho and its boundary term: phi^2 (1 + rho) = a + dN/sum N;
     * the measured angle over it tests delta-theta ~ phi, the balance's one
     * approximation */
    double rho_w = R->bw_S / R->bw_u2 - 1;
    double phi = sqrt((a + (R->bw_N1 - R->bw_N0) / R->bw_N) / (1 + rho_w));
    tsv_kv(s, "eq_rho_window", rho_w);
    tsv_kv(s, "eq_phi_bc", phi);
    tsv_kv(s, "eq_dtheta_over_phi", sqrt(R->eq_th2 / R->eq_n) / phi);
    tsv_kv(s, "eq_dtheta_over_pred", sqrt(R->eq_th2 / R->eq_n) / sqrt(2 * eta * lam / (1 + rho_w)));
    if (!o->opt) return;
    double pred = sqrt(2 * eta * lam * (1 - 0.9) / (1 + 0.9));
    double rhoA = R->bw_S / R->bw_u2 - 1;
    tsv_kv(s, "adamw_rhoA", rhoA);
    tsv_kv(s, "adamw_rho_metric", R->bw_Qu / R->bw_u2);
    tsv_kv(s, "adamw_rho_q", R->bw_Ru / R->bw_u2);
    tsv_kv(s, "adamw_pred", pred);
    tsv_kv(s, "adamw_pred_rhoA", sqrt(2 * eta * lam / (1 + rhoA)));
    tsv_kv(s, "adamw_eq_ratio", sqrt(R->eq_th2 / R->eq_n) / pred);
    tsv_kv(s, "adamw_eq_ratio_rhoA", sqrt(R->eq_th2 / R->eq_n) / sqrt(2 * eta * lam / (1 + rhoA)));
}

static void write_summary(run_t *R, const dataset_t *te, int argc, char **argv)
{
    const opts_t *o = &R->o;
    qnet_t *m = &R->m;
    const double eta = o->eta, lam = o->lambda;
    const long steps = o->steps;
    double te_loss;
    double acc = qnet_evaluate(m, te->x, te->y, te->n, &te_loss);
    double N = 0;
    for (int l = 0; l < R->Lq; l++) N += qnet_dot(m->W[l], m->W[l], m->n[l]);
    tsv_t *s = tsv_create(o->summary, argc, argv);
    tsv_comment(s, "seed %ld; final test accuracy on all %d test images", o->seed, te->n);
    tsv_columns(s, "key\tvalue");
    tsv_kv(s, "test_acc", acc);
    tsv_kv(s, "test_loss", te_loss);
    tsv_kv(s, "steps", (double)steps);
    tsv_kv(s, "N0", R->N0);
    tsv_kv(s, "NK", N);
    tsv_kv(s, "drift", N / R->N0 - 1);
    tsv_kv(s, "growth", N / R->N0);
    tsv_kv(s, "nm_growth", R->nm / R->N0);
    tsv_kv(s, "nm_drift", R->nm / R->N0 - 1);
    tsv_kv(s, "kin", R->kin);
    tsv_kv(s, "quant", R->quant);
    tsv_kv(s, "quant_over_kin", R->quant / R->kin);
    for (int i = 0; i < NBIN; i++) {
        char key[16];
        snprintf(key, sizeof key, "src%d_share", i);
        tsv_kv(s, key, R->quant != 0 ? R->src[i] / R->quant : 0);
    }
    tsv_kv(s, "law_max_rel_err", R->law_err);
    tsv_kv(s, "Qg_max", R->Qg_max);
    tsv_kv(s, "raw_mean", R->raw_sum / R->flips_n);
    tsv_kv(s, "net_mean", R->net_sum / (steps - KNET + 1));
    tsv_kv(s, "raw_over_net", (R->raw_sum / R->flips_n) / (R->net_sum / (steps - KNET + 1)));
    tsv_kv(s, "dtheta_mean", R->dth_sum / steps);
    tsv_kv(s, "collapse_net", R->c_n ? R->cnet / R->c_n : NAN);
    tsv_kv(s, "end_net_flips", R->end_n ? R->end_net / R->end_n : NAN);
    tsv_kv(s, "N1_end", qnet_dot(m->W[0], m->W[0], m->n[0]));
    if (lam > 0 && R->eq_n > 0) {
        /* stage-1 plateau (second half of stage 1): delta theta^2 (1 + rho) vs 2 eta lambda */
        double rho = -2 * R->eq_rg / (eta * R->eq_g2), th2 = R->eq_th2 / R->eq_n;
        tsv_kv(s, "eq_dtheta", sqrt(th2));
        tsv_kv(s, "eq_rho", rho);
        tsv_kv(s, "eq_pred_fp", sqrt(2 * eta * lam));
        tsv_kv(s, "eq_pred", sqrt(2 * eta * lam / (1 + rho)));
        tsv_kv(s, "eq_ratio", th2 * (1 + rho) / (2 * eta * lam));
        tsv_kv(s, "eq_gperp", R->eq_gp / R->eq_n);
        tsv_kv(s, "eq_net_flips", R->eq_net / R->eq_n);
        tsv_kv(s, "flips_stage2_over_stage1", (R->end_net / R->end_n) / (R->eq_net / R->eq_n));
        tsv_kv(s, "N1_stage1_end", R->N1_stage);
        window_summary(R, s);
    }
    tsv_kv(s, "collapse_raw", R->c_n ? R->craw / R->c_n : NAN);
    tsv_finish(s);
}

static const char about[] =
    "One training run of chapter 6's Net A or B: scale law, its sources, code flips per step.";

static const arg_spec_t options[] = {
    ARG_STRING(opts_t, out, ARG_REQUIRED, "per-step log"),
    ARG_STRING(opts_t, curve, NULL, "test accuracy every --eval-every steps"),
    ARG_STRING(opts_t, summary, NULL, "key/value numbers for the prose"),
    ARG_CHOICE(opts_t, net, "A|B", "A", "Net A (RMSNorm, 3 layers) or Net B (2 layers)"),
    ARG_STRING(opts_t, q1, "tensor", "quantizer of W1: fp, tensor, row, col, twn or ttq"),
    ARG_STRING(opts_t, q2, "tensor", "quantizer of W2 (as --q1)"),
    ARG_STRING(opts_t, q3, "fp", "quantizer of W3, Net A only (as --q1)"),
    ARG_CHOICE(opts_t, opt, "sgd|adam", "sgd", "optimizer"),
    ARG_DOUBLE(opts_t, eta, "0.1", "step size"),
    ARG_DOUBLE(opts_t, eta3, "--eta", "step size of Net A's last layer"),
    ARG_DOUBLE(opts_t, lambda, "0", "weight decay"),
    ARG_LONG(opts_t, wd_until, "-1", "weight decay stops at this step (-1: never)"),
    ARG_LONG(opts_t, steps, "2000", "training steps"),
    ARG_DOUBLE(opts_t, sigma, "1", "initial weights U(-sigma, sigma) / sqrt(fan_in)"),
    ARG_INT(opts_t, batch, "128", "minibatch size"),
    ARG_INT(opts_t, hidden, "128", "hidden units"),
    ARG_INT(opts_t, ntrain, "20000", "training images drawn from"),
    ARG_INT(opts_t, ntest, "2000", "test images of the curve"),
    ARG_LONG(opts_t, eval_every, "100", "steps between rows of the curve"),
    ARG_LONG(opts_t, seed, "1", CH6_SEED_HELP),
    ARG_DOUBLE(opts_t, lr2, "1", "learning-rate factor from --wd-until on (BitNet's drop)"),
    ARG_DOUBLE(opts_t, beta2, "0.999", "Adam's beta2 (beta1 is 0.9)"),
    ARG_LONG(opts_t, log_every, "1", "steps between rows of the per-step log"),
    ARG_END
};

int main(int argc, char **argv)
{
    opts_t opts;
    args_parse(options, &opts, argc, argv, about);
    run_t R = {.o = opts};
    opts_t *o = &R.o;
    R.netA = o->net == 0;
    if (o->steps < 1 || o->batch < 1 || o->hidden < 1 || o->eta <= 0 || o->ntrain < o->batch ||
        o->ntest < 1 || o->eval_every < 1 || o->log_every < 1 || o->lr2 <= 0)
        die("bad sizes or rates (steps %ld, batch %d, hidden %d, eta %g, ntrain %d)", o->steps,
            o->batch, o->hidden, o->eta, o->ntrain);
    R.L = R.netA ? 3 : 2;
    const char *qn[3] = {o->q1, o->q2, o->q3};
    for (int l = 0; l < 3; l++) {
        int k = quant_parse(qn[l]);
        if (k < 0) die("unknown quantizer '%s'", qn[l]);
        R.q[l] = (quant_spec){(quant_kind)k, 0.05, 1.0, 1.0};
    }
    if (o->wd_until < 0) o->wd_until = o->steps;

    dataset_t tr, te;
    ch6_load(&tr, "train");
    ch6_load(&te, "test");
    if (o->ntrain > tr.n) o->ntrain = tr.n;
    if (o->ntest > te.n) o->ntest = te.n;
    const int D = tr.d, C = 10, B = o->batch, H = o->hidden;

    int dims[4] = {D, H, R.netA ? H : C, C};
    qnet_t *m = &R.m;
    minibatch_t bt;
    ch6_build(m, dims, R.L, R.netA, R.q, B, o->sigma, o->seed, &bt, &tr, o->ntrain);

    /* layers whose charges we follow: the scale-invariant ones (Net A) or all (Net B) */
    R.Lq = R.netA ? 2 : R.L;
    state_init(&R);
    double *xb = xmalloc((size_t)B * D * sizeof(double));
    int *yb = xmalloc((size_t)B * sizeof(int));

    tsv_t *t = open_log(&R, argc, argv);
    tsv_t *cv = o->curve ? tsv_create(o->curve, argc, argv) : NULL;
    if (cv) {
        tsv_comment(cv, "test accuracy on the first %d test images, train loss averaged since the last row", o->ntest);
        tsv_columns(cv, "k\tt\ttrain_loss\ttest_acc\ttest_loss");
    }

    for (int l = 0; l < R.Lq; l++) R.N0 += qnet_dot(m->W[l], m->W[l], m->n[l]);
    R.nm = R.law = R.N0;
    R.N1_stage = NAN;
    for (int l = 0; l < R.Lq; l++) R.ncode += m->n[l];
    progress_t pr;
    progress_begin(&pr, "train");
    double t0 = now_seconds(), t_eval = 0;
    for (long k = 0; k <= o->steps; k++) {
        qnet_quantize(m);
        flips_t f = code_history(&R, k);
        if (cv && k % o->eval_every == 0) {
            double te_loss, t1 = now_seconds();
            double acc = qnet_evaluate(m, te.x, te.y, o->ntest, &te_loss);
            t_eval += now_seconds() - t1;
            tsv_rowv(cv, 5, (double)k, o->eta * k, R.loss_n ? R.loss_acc / R.loss_n : NAN, acc, te_loss);
            R.loss_acc = 0; R.loss_n = 0;
        }
        if (k == o->steps) break;
        minibatch_next(&bt, xb, yb, B);
        double loss = qnet_grad(m, xb, yb, B, NULL);
        if (!isfinite(loss)) die("loss is %g at step %ld", loss, k);
        R.loss_acc += loss; R.loss_n++;
        step(&R, k, loss, &f, t);
        if (k % 50 == 0) {
            char note[64];
            snprintf(note, sizeof note, "loss %.3f", loss);
            progress_update(&pr, (double)k, (double)o->steps, note);
        }
    }
    progress_end(&pr);
    /* speed goes to stderr, not into the data: the data must not depend on the machine */
    double secs = now_seconds() - t0 - t_eval;
    const char *quiet = getenv("NOETHER_QUIET");
    if (!quiet || !*quiet) fprintf(stderr, "train: %.1f steps/s (%ld steps, evaluation excluded)\n", o->steps / secs, o->steps);
    tsv_finish(t);
    if (o->summary)
        write_summary(&R, &te, argc, argv);
    if (cv) tsv_finish(cv);
    minibatch_free(&bt);
    state_free(&R);
    free(xb);
    free(yb);
    qnet_free(m);
    dataset_free(&tr);
    dataset_free(&te);
    return 0;
}
