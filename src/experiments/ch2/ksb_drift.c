/* ksb_drift.c: kinetic symmetry breaking at finite step size (Tanaka & Kunin
 * 2021, NLD; brief sec. 2.3): how far gradient descent moves the charges that
 * gradient flow conserves, as a function of the learning rate eta.
 *
 * In the Lagrangian reading of GD (kinetic energy (m/2)|q'|^2 with m ~ eta/2,
 * loss as potential) the scale charge obeys, at lambda = 0 and to first order,
 *     d|q_A|^2/dt = eta |q_A'|^2 = eta |g_A|^2            (the KSB term),
 * so over a fixed time T the drift is eta * I with I = int_0^T |g_A|^2 dt along
 * gradient flow, and the error of this prediction is O(eta^2).  Rescale
 * likewise with |g_out|^2 - |g_in|^2.  Translation has no kinetic breaking
 * (its generator does not depend on q): conserved at every eta.
 *
 * Model: sym_smooth_t (symmetry.h), x -> Linear -> BN(eps = 0) -> tanh ->
 * Linear -> identity -> Linear -> softmax, on a fixed batch of Fashion-MNIST,
 * full-batch GD.  Smooth (no ReLU kinks), so the expansion in eta holds; the
 * reference I comes from RK4 gradient flow with the same quadrature.
 *
 * Writes into --out-dir: ksb_drift.tsv (by eta) and ksb_summary.tsv. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "core/tsv.h"
#include "core/util.h"
#include "nn/optim.h"
#include "nn/symmetry.h"

#include "common.h"

enum { NE_MAX = 10 };

typedef struct {
    const sym_smooth_t *s;
    double *q;
} chg_ctx;

/* summed scale charge of the BN rows and rescale charge of the linear units,
 * evaluated on theta (charges) or on the gradient (forcing) */
static void charges(const sym_smooth_t *s, const double *th, double *Q, double *D, double *q)
{
    *Q = 0.0, *D = 0.0;
    sym_in_sqnorm(q, th + s->oW1, th + s->ob1, s->H1, s->d);
    for (int i = 0; i < s->H1; i++)
        *Q += q[i];
    sym_rescale_charge(q, th + s->oW2, th + s->ob2, th + s->oW3, s->H2, s->H1, s->C);
    for (int i = 0; i < s->H2; i++)
        *D += q[i];
}

static void forcing(double *f, const double *th, const double *g, void *ctx)
{
    chg_ctx *c = ctx;
    (void)th;
    charges(c->s, g, &f[0], &f[1], c->q);
}

/* largest |s_j(theta) - s_j(theta0)| / l1_j over the softmax columns and bias */
static double translation_drift(const sym_smooth_t *s, const double *th, const double *th0,
                                double *a, double *b, double *l)
{
    sym_col_sum(a, th + s->oW3, th + s->ob3, s->C, s->H2);
    sym_col_sum(b, th0 + s->oW3, th0 + s->ob3, s->C, s->H2);
    sym_col_abs(l, th + s->oW3, th + s->ob3, s->C, s->H2);
    double w = 0.0;
    for (int j = 0; j <= s->H2; j++)
        w = fmax(w, fabs(a[j] - b[j]) / l[j]);
    return w;
}

int main(int argc, char **argv)
{
    util_set_progname("ksb_drift");
    args_t a;
    args_init(&a, argc, argv,
              "[--out-dir data/ch2] [--seed S] [--batch 128] [--h1 32] [--h2 16] [--time 2]\n"
              "    [--etas 0.1,0.05,0.025,0.0125,0.00625,0.003125,0.0015625] [--dt 0.0025]");
    const char *dir = args_string(&a, "--out-dir", "data/ch2");
    uint64_t seed = (uint64_t)args_long(&a, "--seed", 20210505);
    int B = (int)args_long(&a, "--batch", 128);
    int H1 = (int)args_long(&a, "--h1", 32), H2 = (int)args_long(&a, "--h2", 16);
    double T = args_double(&a, "--time", 2.0);
    const char *eta_text = args_string(&a, "--etas", "0.1,0.05,0.025,0.0125,0.00625,0.003125,0.0015625");
    double dt = args_double(&a, "--dt", 0.0025);
    args_done(&a);
    double etas[NE_MAX];
    int NE = parse_list("--etas", eta_text, etas, NE_MAX);
    if (B < 2 || H1 < 1 || H2 < 1 || T <= 0 || dt <= 0 || NE < 2)
        die("need batch >= 2, widths >= 1, time > 0, dt > 0, two or more etas");
    for (int e = 0; e < NE; e++) {
        double K = T / etas[e];
        if (etas[e] <= 0 || fabs(K - floor(K + 0.5)) > 1e-9)
            die("--etas: each eta must divide --time %g into whole steps", T);
    }

    sampler_t smp;
    sampler_open(&smp, B, seed, 2);              /* the fixed batch: B examples */
    double *x = xmalloc((size_t)B * smp.ds.d * sizeof *x);
    int *y = xmalloc((size_t)B * sizeof *y);
    sampler_next(&smp, x, y, B);
    sym_smooth_t s;
    if (sym_smooth_init(&s, smp.ds.d, H1, H2, 10, B, x, y))
        die("sym_smooth_init failed");
    size_t n = s.n_params;
    double *th0 = xmalloc(n * sizeof *th0), *th = xmalloc(n * sizeof *th);
    double *g = xmalloc(n * sizeof *g), *ws = xmalloc(SYM_FLOW_WORK(n, 2) * sizeof *ws);
    int qn = s.d > H1 ? s.d : H1;
    double *q = xmalloc((size_t)(qn + H2 + 1) * sizeof *q);
    double *ta = xmalloc((size_t)(H2 + 1) * sizeof *ta), *tb = xmalloc((size_t)(H2 + 1) * sizeof *tb);
    double *tl = xmalloc((size_t)(H2 + 1) * sizeof *tl);
    rng_t r;
    rng_seed(&r, seed, 1);
    sym_smooth_init_params(&s, th0, &r);

    /* gradient flow and I = int F dt */
    progress_t pr;
    progress_begin(&pr, "ksb_drift");
    chg_ctx cc = {&s, q};
    double Q0, D0, Q1, D1, I[2] = {0, 0};
    charges(&s, th0, &Q0, &D0, q);
    memcpy(th, th0, n * sizeof *th);
    long nflow = lround(T / dt);
    for (long k = 0; k < nflow; k++) {
        sym_flow_rk4(th, n, sym_smooth_grad, &s, dt, 1, forcing, &cc, 2, I, ws);
        progress_update(&pr, (double)k + 1, (double)nflow, "gradient flow");
    }
    charges(&s, th, &Q1, &D1, q);
    double flowQ = fabs(Q1 - Q0) / Q0, flowD = fabs(D1 - D0) / Q0;
    double flowS = translation_drift(&s, th, th0, ta, tb, tl);
    double lossT = sym_smooth_grad(g, th, &s), loss0 = sym_smooth_grad(g, th0, &s);

    char path[600];
    snprintf(path, sizeof path, "%s/ksb_drift.tsv", dir);
    tsv_t *t = tsv_create(path, argc, argv);
    tsv_comment(t, "seed %llu, fixed batch %d, widths %d-%d-%d-10, time T = %g, RK4 dt %g, lambda 0",
                (unsigned long long)seed, B, s.d, H1, H2, T, dt);
    tsv_comment(t, "first-order (NLD) prediction: Delta Q = eta * int_0^T |g_A|^2 dt along "
                   "gradient flow; translation: 0");
    tsv_comment(t, "orderQ, orderD: c eta^2 through the smallest eta (the O(eta^2) law)");
    tsv_columns(t, "eta\tdQ\tpredQ\terrQ\tdD\tpredD\terrD\ttranslation\torderQ\torderD");
    snprintf(path, sizeof path, "%s/ksb_summary.tsv", dir);
    tsv_t *sum = tsv_create(path, argc, argv);
    tsv_columns(sum, "key\tvalue");
    tsv_kv(sum, "time", T);
    tsv_kv(sum, "batch", B);
    tsv_kv(sum, "flow_dt", dt);
    tsv_kv(sum, "flow_scale_drift", flowQ);
    tsv_kv(sum, "flow_rescale_drift", flowD);
    tsv_kv(sum, "flow_translation_drift", flowS);
    tsv_kv(sum, "loss_0", loss0);
    tsv_kv(sum, "loss_T", lossT);
    tsv_kv(sum, "I_scale", I[0]);
    tsv_kv(sum, "I_rescale", I[1]);

    double errQ[NE_MAX], errD[NE_MAX], rows[NE_MAX][10], worstS = 0.0;
    for (int e = 0; e < NE; e++) {
        double eta = etas[e];
        long K = lround(T / eta);
        memcpy(th, th0, n * sizeof *th);
        for (long k = 0; k < K; k++) {
            sym_smooth_grad(g, th, &s);
            opt_sgd_step(th, g, NULL, n, eta, 0.0, 0.0, OPT_WD_COUPLED);
        }
        charges(&s, th, &Q1, &D1, q);
        double dQ = Q1 - Q0, dD = D1 - D0, ds = translation_drift(&s, th, th0, ta, tb, tl);
        errQ[e] = fabs(dQ - eta * I[0]);
        errD[e] = fabs(dD - eta * I[1]);
        worstS = fmax(worstS, ds);
        double row[10] = {eta, dQ, eta * I[0], errQ[e], dD, eta * I[1], errD[e], ds};
        memcpy(rows[e], row, sizeof row);
        char key[64];
        snprintf(key, sizeof key, "dQ_%d", e);
        tsv_kv(sum, key, dQ);
        snprintf(key, sizeof key, "relerrQ_%d", e);
        tsv_kv(sum, key, errQ[e] / fabs(dQ));
        if (e > 0) {
            snprintf(key, sizeof key, "ratioQ_%d", e);
            tsv_kv(sum, key, errQ[e - 1] / errQ[e]);
            snprintf(key, sizeof key, "ratioD_%d", e);
            tsv_kv(sum, key, errD[e - 1] / errD[e]);
        }
        progress_update(&pr, (double)nflow, (double)nflow, "gradient descent");
    }
    progress_end(&pr);
    double el = etas[NE - 1];
    for (int e = 0; e < NE; e++) {
        double f = (etas[e] / el) * (etas[e] / el);
        rows[e][8] = errQ[NE - 1] * f;
        rows[e][9] = errD[NE - 1] * f;
        tsv_row(t, 10, rows[e]);
    }
    tsv_kv(sum, "ratioQ_last", errQ[NE - 2] / errQ[NE - 1]);
    tsv_kv(sum, "ratioD_last", errD[NE - 2] / errD[NE - 1]);
    tsv_kv(sum, "relerrQ_last", errQ[NE - 1] / fabs(rows[NE - 1][1]));
    tsv_kv(sum, "eta_last", el);
    tsv_kv(sum, "translation_drift_max", worstS);
    tsv_kv(sum, "n_etas", NE);
    tsv_finish(t);
    tsv_finish(sum);
    free(th0), free(th), free(g), free(ws), free(q), free(ta), free(tb), free(tl), free(x), free(y);
    sym_smooth_free(&s);
    sampler_close(&smp);
    return 0;
}
