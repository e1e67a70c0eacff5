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

#include "core/args.h"
#include "core/batch.h"
#include "core/idx.h"
#include "core/rng.h"
#include "core/tsv.h"
#include "core/util.h"
#include "nn/optim.h"
#include "nn/symmetry.h"

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

typedef struct {
    const char *out_dir;
    long seed;
    int batch, h1, h2;
    double time, dt;
    arg_doubles_t etas;
} opts_t;

static const char about[] =
    "Kinetic symmetry breaking: charge drift against eta at a fixed time, and its first order.";

static const arg_spec_t options[] = {
    ARG_STRING(opts_t, out_dir, "data/ch2", "output directory"),
    ARG_LONG(opts_t, seed, "20210505", "seed (PCG32 streams 1 init, 2 the batch)"),
    ARG_INT(opts_t, batch, "128", "the fixed batch, >= 2"),
    ARG_INT(opts_t, h1, "32", "width of the BN tanh layer"),
    ARG_INT(opts_t, h2, "16", "width of the linear layer"),
    ARG_DOUBLE(opts_t, time, "2", "training time T = eta K"),
    ARG_DOUBLES(opts_t, etas, "0.1,0.05,0.025,0.0125,0.00625,0.003125,0.0015625",
                "step sizes, each dividing T (2 to 10 of them)"),
    ARG_DOUBLE(opts_t, dt, "0.0025", "RK4 step of the gradient flow"),
    ARG_END
};

int main(int argc, char **argv)
{
    opts_t o;
    args_parse(options, &o, argc, argv, about);
    const char *dir = o.out_dir;
    const uint64_t seed = (uint64_t)o.seed;
    const int B = o.batch, H1 = o.h1, H2 = o.h2, NE = o.etas.n;
    const double T = o.time, dt = o.dt, *etas = o.etas.v;
    if (NE > NE_MAX)
        die("--etas '%s': more than %d values", o.etas.text, NE_MAX);
    if (B < 2 || H1 < 1 || H2 < 1 || T <= 0 || dt <= 0 || NE < 2)
        die("need batch >= 2, widths >= 1, time > 0, dt > 0, two or more etas");
    for (int e = 0; e < NE; e++) {
        double K = T / etas[e];
        if (etas[e] <= 0 || fabs(K - floor(K + 0.5)) > 1e-9)
            die("--etas: each eta must divide --time %g into whole steps", T);
    }

    char err[512];
    dataset_t ds;
    if (fmnist_load(&ds, NULL, "train", err, sizeof err))
        die("%s", err);
    minibatch_t mb;                              /* the fixed batch: B examples */
    if (minibatch_init(&mb, &ds, B, MINIBATCH_STREAM, seed, 2))
        die("--batch %d: must be in 1..%d", B, ds.n);
    double *x = xmalloc((size_t)B * ds.d * sizeof *x);
    int *y = xmalloc((size_t)B * sizeof *y);
    minibatch_next(&mb, x, y, B);
    sym_smooth_t s;
    if (sym_smooth_init(&s, ds.d, H1, H2, 10, B, x, y))
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

    tsv_t *t = tsv_createf(argc, argv, "%s/ksb_drift.tsv", dir);
    tsv_comment(t, "seed %llu, fixed batch %d, widths %d-%d-%d-10, time T = %g, RK4 dt %g, lambda 0",
                (unsigned long long)seed, B, s.d, H1, H2, T, dt);
    tsv_comment(t, "first-order (NLD) prediction: Delta Q = eta * int_0^T |g_A|^2 dt along "
                   "gradient flow; translation: 0");
    tsv_comment(t, "orderQ, orderD: c eta^2 through the smallest eta (the O(eta^2) law)");
    tsv_columns(t, "eta\tdQ\tpredQ\terrQ\tdD\tpredD\terrD\ttranslation\torderQ\torderD");
    tsv_t *sum = tsv_createf(argc, argv, "%s/ksb_summary.tsv", dir);
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
    minibatch_free(&mb);
    dataset_free(&ds);
    return 0;
}
