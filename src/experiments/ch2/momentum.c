/* momentum.c: the charges under heavy-ball SGD with coupled weight decay
 * (Kunin et al. 2021, NM, as its authors' code evaluates it: a damped,
 * driven harmonic oscillator; derived in the chapter) in t = eta k,
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
 * Writes PREFIX_momentum_translation.tsv, _scale.tsv, _rescale.tsv (one
 * block per beta) and PREFIX_momentum_summary.tsv for --out PREFIX. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/args.h"
#include "core/rng.h"
#include "core/tsv.h"
#include "core/util.h"
#include "experiments/ch2/lib/net.h"
#include "experiments/ch2/lib/out.h"
#include "nn/mlp.h"
#include "nn/optim.h"
#include "nn/symmetry.h"

enum { H = CH2_H, IN = CH2_IN, C = CH2_C, NB_MAX = 4 };

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

typedef struct {
    const char *out;
    long seed, steps, every;
    double eta, lambda;
    arg_doubles_t betas;
    int batch, subset;
} opts_t;

/* The runs (one per beta and network) and what they share. */
typedef struct {
    opts_t o;
    ch2_data_t data;
    tsv_t *tt, *ts, *tr, *sum;
    double *strace;            /* translation s/s0 of unit 0, or mean scale charge, per step */
    sym_conv_t *conv;
    progress_t pr;
} run_t;

/* One beta: the damped oscillators of translation (oT) and scale (oS). */
typedef struct {
    int ib;
    double beta, gamma;
    sym_osc_t oT, oS;
} beta_t;

/* One of the per-step tables: the shared header line, what it holds, columns. */
static tsv_t *open_table(const run_t *R, const char *name, const char *what, const char *cols,
                         int argc, char **argv)
{
    const opts_t *o = &R->o;
    tsv_t *t = tsv_createf(argc, argv, "%s_momentum_%s.tsv", o->out, name);
    tsv_comment(t, "seed %ld, eta %g, lambda %g, batch %d, steps %ld; one block per beta (%s)",
                o->seed, o->eta, o->lambda, o->batch, o->steps, o->betas.text);
    tsv_comment(t, "%s", what);
    tsv_columns(t, cols);
    return t;
}

static void open_outputs(run_t *R, int argc, char **argv)
{
    const opts_t *o = &R->o;
    R->tt = open_table(R, "translation",
                       "s_j/s_j(0) of softmax column j; exact: u' = beta u + lambda s, s' = s - eta "
                       "u'; osc: e^{-gamma t}(cos Omega t + gamma/Omega sin Omega t)",
                       "step\tt\tu1_meas\tu1_exact\tu1_osc\tu2_meas\tu3_meas\tdev_exact", argc, argv);
    R->ts = open_table(R, "scale",
                       "Q = |theta_A|^2 / Q(0) of BN units; exact: (Q,P) law driven by |v_A|^2; "
                       "osc: Q(0) x_free(t) + sum_j G(t - t_j) 2 eta |v_A,j|^2",
                       "step\tt\tmean_meas\tmean_exact\tmean_osc\tu1_meas\tu1_exact\tu1_osc\t"
                       "u2_meas\tu2_exact\tu2_osc\tdev_exact\tdev_osc", argc, argv);
    R->tr = open_table(R, "rescale",
                       "D = |theta_out|^2 - |theta_in|^2 of ReLU units (plain MLP), both hidden "
                       "layers; exact: (D,P) law driven by R_out - R_in; osc: D(0) x_free(t) + "
                       "sum_j G(t - t_j) 2 eta (R_out - R_in)_j; dev relative to the initial "
                       "|in|^2 + |out|^2",
                       "step\tt\tu1_meas\tu1_exact\tu1_osc\tu2_meas\tu2_exact\tu2_osc\t"
                       "u3_meas\tu3_exact\tu3_osc\tdev_exact\tdev_osc", argc, argv);
    R->sum = tsv_createf(argc, argv, "%s_momentum_summary.tsv", o->out);
    tsv_columns(R->sum, "key\tvalue");
    tsv_kv(R->sum, "eta", o->eta);
    tsv_kv(R->sum, "lambda", o->lambda);
    tsv_kv(R->sum, "steps", (double)o->steps);
}

/* One heavy-ball step on the next minibatch; returns its loss. */
static double train_step(run_t *R, mlp_t *m, double *v, double beta)
{
    const opts_t *o = &R->o;
    ch2_data_next(&R->data);
    double loss = mlp_train_batch(m, R->data.x, R->data.y, o->batch, NULL);
    opt_sgd_step(m->theta, m->grad, v, m->n_params, o->eta, beta, o->lambda, OPT_WD_COUPLED);
    return loss;
}

/* Two blank lines: the end of a gnuplot block. */
static void end_block(tsv_t *t)
{
    tsv_line(t, "%s", "");
    tsv_line(t, "%s", "");
}

/* One step of the exact (X, P) law and of the driven oscillator for n units,
 * both driven by R = |v_A|^2 of the buffer after the step (for rescale the
 * difference out - in); tn is the time after the step. */
static void laws_step(const beta_t *bt, double eta, double lambda, double tn, int n,
                      const double *X0, const double *R, double *Xe, double *P, double *Xo,
                      sym_conv_t *conv)
{
    for (int i = 0; i < n; i++) {
        sym_scale_momentum_step(&Xe[i], &P[i], R[i], eta, bt->beta, lambda);
        /* forcing 2|theta'|^2 dt with theta' = -v, dt = eta */
        Xo[i] = X0[i] * sym_osc_free(&bt->oS, tn) + sym_conv_push(&conv[i], 2.0 * eta * R[i]);
    }
}

/* The plain network: translation of the softmax columns and rescale of both
 * hidden layers against their exact laws and the oscillator. */
static void run_plain(run_t *R, const beta_t *bt)
{
    const opts_t *o = &R->o;
    const double eta = o->eta, beta = bt->beta, lambda = o->lambda;
    const long K = o->steps;
    const int NT = H + 1, NS = 2 * H, ib = bt->ib;
    double D0[2 * H], Dm[2 * H], De[2 * H], PD[2 * H], Do[2 * H], RD[2 * H], tmp[2 * H];
    double nrm0[2 * H], s0[H + 1], s[H + 1], se[H + 1], su[H + 1], l1[H + 1];
    mlp_t m;
    ch2_net_init(&m, &R->data, 0);
    double *v = xcalloc(m.n_params, sizeof *v);
    sym_col_sum(s0, m.W[2], m.b[2], C, H);
    ch2_rescale_charges(D0, nrm0, &m, m.theta, tmp);
    memcpy(De, D0, sizeof D0);
    for (int i = 0; i < NS; i++) {
        PD[i] = 0.0;
        Do[i] = D0[i];
        sym_conv_init(&R->conv[i], &bt->oS, eta);
    }
    double worst_De = 0.0, worst_Do = 0.0, worst_e = 0.0;
    memcpy(se, s0, sizeof s0);
    for (int j = 0; j < NT; j++)
        su[j] = 0.0;
    for (long k = 0; k <= K; k++) {
        double t = eta * k;
        sym_col_sum(s, m.W[2], m.b[2], C, H);
        sym_col_abs(l1, m.W[2], m.b[2], C, H);
        double de = 0.0;
        for (int j = 0; j < NT; j++)
            de = fmax(de, fabs(s[j] - se[j]) / l1[j]);
        worst_e = fmax(worst_e, de);
        R->strace[k] = s[0] / s0[0];
        /* relative to the initial |in|^2 + |out|^2: with momentum a
         * dead unit's weights ring through zero, so the current norm
         * is no scale */
        ch2_rescale_charges(Dm, NULL, &m, m.theta, tmp);
        double dde = 0.0, ddo = 0.0;
        for (int i = 0; i < NS; i++) {
            dde = fmax(dde, fabs(Dm[i] - De[i]) / nrm0[i]);
            ddo = fmax(ddo, fabs(Dm[i] - Do[i]) / nrm0[i]);
        }
        worst_De = fmax(worst_De, dde);
        worst_Do = fmax(worst_Do, ddo);
        if (k % o->every == 0 || k == K)
            tsv_rowv(R->tr, 13, (double)k, t, Dm[H], De[H], Do[H], Dm[H + 1], De[H + 1],
                     Do[H + 1], Dm[H + 2], De[H + 2], Do[H + 2], dde, ddo);
        if (k % o->every == 0 || k == K)
            tsv_rowv(R->tt, 8, (double)k, t, s[0] / s0[0], se[0] / s0[0],
                     sym_osc_free(&bt->oT, t), s[1] / s0[1], s[2] / s0[2], de);
        if (k == K)
            break;
        double loss = train_step(R, &m, v, beta);
        for (int j = 0; j < NT; j++)
            sym_translation_momentum_step(&se[j], &su[j], eta, beta, lambda);
        /* R_out - R_in of the buffer after the step, same layout as theta */
        ch2_rescale_charges(RD, NULL, &m, v, tmp);
        laws_step(bt, eta, lambda, eta * (k + 1), NS, D0, RD, De, PD, Do, R->conv);
        char note[64];
        snprintf(note, sizeof note, "beta %g %s loss %.3f", beta, "plain", loss);
        progress_update(&R->pr, (double)(2 * ib) * K + k + 1, 2.0 * o->betas.n * K, note);
    }
    end_block(R->tt);
    end_block(R->tr);
    tsv_kvf(R->sum, worst_De, "rescale_dev_exact_%d", ib);
    tsv_kvf(R->sum, worst_Do, "rescale_dev_osc_%d", ib);
    tsv_kvf(R->sum, worst_e, "translation_dev_exact_%d", ib);
    int n;
    double hp = half_period(R->strace, K, &n);
    tsv_kvf(R->sum, n, "translation_zero_crossings_%d", ib);
    if (n >= 2) {
        tsv_kvf(R->sum, 2 * hp, "translation_period_meas_steps_%d", ib);
        tsv_kvf(R->sum, fabs(2 * hp * eta / sym_osc_period(&bt->oT) - 1),
                "translation_period_relerr_%d", ib);
    }
    free(v);
    mlp_free(&m);
}

/* The BN network: scale charges of both hidden layers against their exact
 * law and the driven oscillator. */
static void run_bn(run_t *R, const beta_t *bt)
{
    const opts_t *o = &R->o;
    const double eta = o->eta, beta = bt->beta, lambda = o->lambda;
    const long K = o->steps;
    const int NS = 2 * H, ib = bt->ib;
    double Q0[2 * H], Q[2 * H], Qe[2 * H], Pe[2 * H], Rv[2 * H], Qo[2 * H];
    mlp_t m;
    ch2_net_init(&m, &R->data, 1);
    double *v = xcalloc(m.n_params, sizeof *v);
    ch2_scale_charges(Q0, &m, m.theta);
    memcpy(Qe, Q0, sizeof Q0);
    for (int i = 0; i < NS; i++) {
        Pe[i] = 0.0;
        sym_conv_init(&R->conv[i], &bt->oS, eta);
        Qo[i] = Q0[i];
    }
    double worst_e = 0.0, worst_o = 0.0;
    for (long k = 0; k <= K; k++) {
        double t = eta * k;
        ch2_scale_charges(Q, &m, m.theta);
        double de = 0.0, dosc = 0.0, mm = 0.0, me = 0.0, mo = 0.0;
        for (int i = 0; i < NS; i++) {
            de = fmax(de, fabs(Q[i] - Qe[i]) / Q[i]);
            dosc = fmax(dosc, fabs(Q[i] - Qo[i]) / Q[i]);
            mm += Q[i] / Q0[i] / NS, me += Qe[i] / Q0[i] / NS, mo += Qo[i] / Q0[i] / NS;
        }
        worst_e = fmax(worst_e, de);
        worst_o = fmax(worst_o, dosc);
        R->strace[k] = mm;
        if (k % o->every == 0 || k == K)
            tsv_rowv(R->ts, 13, (double)k, t, mm, me, mo, Q[0] / Q0[0], Qe[0] / Q0[0],
                     Qo[0] / Q0[0], Q[H] / Q0[H], Qe[H] / Q0[H], Qo[H] / Q0[H], de, dosc);
        if (k == K)
            break;
        double loss = train_step(R, &m, v, beta);
        /* R = |v_A|^2 of the buffer after the step, same layout as theta */
        ch2_scale_charges(Rv, &m, v);
        laws_step(bt, eta, lambda, eta * (k + 1), NS, Q0, Rv, Qe, Pe, Qo, R->conv);
        char note[64];
        snprintf(note, sizeof note, "beta %g %s loss %.3f", beta, "bn", loss);
        progress_update(&R->pr, (double)(2 * ib + 1) * K + k + 1, 2.0 * o->betas.n * K, note);
    }
    end_block(R->ts);
    tsv_kvf(R->sum, worst_e, "scale_dev_exact_%d", ib);
    tsv_kvf(R->sum, worst_o, "scale_dev_osc_%d", ib);
    free(v);
    mlp_free(&m);
}

static void beta_summary(run_t *R, const beta_t *bt)
{
    const double eta = R->o.eta;
    const int ib = bt->ib;
    tsv_kvf(R->sum, bt->beta, "beta_%d", ib);
    tsv_kvf(R->sum, bt->gamma, "gamma_%d", ib);
    tsv_kvf(R->sum, 1.0 / (bt->gamma * eta), "damping_steps_%d", ib);
    tsv_kvf(R->sum, bt->oT.regime, "translation_regime_%d", ib);
    tsv_kvf(R->sum, bt->oS.regime, "scale_regime_%d", ib);
    if (bt->oT.regime > 0)
        tsv_kvf(R->sum, sym_osc_period(&bt->oT) / eta, "translation_period_steps_%d", ib);
    if (bt->oS.regime > 0)
        tsv_kvf(R->sum, sym_osc_period(&bt->oS) / eta, "scale_period_steps_%d", ib);
}

static const char about[] =
    "Heavy-ball SGD with weight decay: the charges as damped, driven oscillators (NM).";

static const arg_spec_t options[] = {
    ARG_STRING(opts_t, out, ARG_REQUIRED, "output prefix: writes PREFIX_NAME.tsv"),
    ARG_LONG(opts_t, seed, "0", "seed (PCG32 streams 1 init, 2 minibatches)"),
    ARG_DOUBLE(opts_t, eta, "0.1", "SGD step size"),
    ARG_DOUBLE(opts_t, lambda, "1e-3", "weight decay (coupled)"),
    ARG_DOUBLES(opts_t, betas, "0.9,0.99", "momenta, one block each (at most 4)"),
    ARG_INT(opts_t, batch, "64", "minibatch size, >= 2"),
    ARG_LONG(opts_t, steps, "3000", "SGD steps per run, >= 10"),
    ARG_INT(opts_t, subset, "10000", "the first N training images"),
    ARG_LONG(opts_t, every, "5", "steps between rows"),
    ARG_END
};

int main(int argc, char **argv)
{
    opts_t opts;
    args_parse(options, &opts, argc, argv, about);
    const int NB = opts.betas.n;
    if (NB > NB_MAX)
        die("--betas '%s': more than %d values", opts.betas.text, NB_MAX);
    if (opts.eta <= 0 || opts.lambda <= 0 || opts.batch < 2 || opts.steps < 10 || opts.every < 1)
        die("need eta > 0, lambda > 0, batch >= 2, steps >= 10, every >= 1");
    for (int i = 0; i < NB; i++)
        if (opts.betas.v[i] <= 0 || opts.betas.v[i] >= 1)
            die("--betas: need 0 < beta < 1");
    run_t *R = xcalloc(1, sizeof *R);
    R->o = opts;
    const opts_t *o = &R->o;
    ch2_data_open(&R->data, o->subset, o->batch, (uint64_t)o->seed);
    open_outputs(R, argc, argv);
    R->strace = xmalloc((size_t)(o->steps + 1) * sizeof *R->strace);
    R->conv = xmalloc((size_t)2 * H * sizeof *R->conv);
    progress_begin(&R->pr, "momentum");
    for (int ib = 0; ib < NB; ib++) {
        beta_t bt = {.ib = ib, .beta = o->betas.v[ib]};
        bt.gamma = (1 - bt.beta) / (o->eta * (1 + bt.beta));
        sym_osc_init(&bt.oT, bt.gamma, 2 * o->lambda / (o->eta * (1 + bt.beta)));
        sym_osc_init(&bt.oS, bt.gamma, 4 * o->lambda / (o->eta * (1 + bt.beta)));
        run_plain(R, &bt);
        run_bn(R, &bt);
        beta_summary(R, &bt);
    }
    progress_end(&R->pr);
    tsv_finish(R->tt);
    tsv_finish(R->ts);
    tsv_finish(R->tr);
    tsv_finish(R->sum);
    free(R->strace), free(R->conv);
    ch2_data_close(&R->data);
    free(R);
    return 0;
}
