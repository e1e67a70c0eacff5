/* ksb_drift.c: kinetic symmetry breaking at finite step size (Tanaka & Kunin
 * 2021, NLD): how far full-batch gradient descent moves the charges that
 * gradient flow conserves, as a function of the learning rate eta, and how
 * much of it the charge's equation of motion explains, with and without its
 * inertial term.
 *
 * In the Lagrangian reading of GD (kinetic energy (m/2)|q'|^2, m = eta/2,
 * friction m/tau = 1, loss as potential; flows.h) the scale charge
 * N = sum_A |q_A|^2 obeys, at lambda = 0 and exactly along the modified flow
 * (eta/2) q'' + q' = -grad V (derived in the chapter),
 *     (eta/4) N'' + (1/2) N' = (eta/2) |q'_A|^2.
 * Predictions of the GD drift Delta N over a fixed time T, all a priori
 * (none uses the GD runs):
 *   P1   first order: drop N'', take q' = -g on gradient flow:
 *        eta I, I = int_0^T |g_A|^2 dt along gradient flow (RK4);
 *   P1b  the charge equation with its inertial term, forced by eta F(t),
 *        F = |g_A|^2 on the gradient flow path:  (eta/2) u' + u = eta F for
 *        u = N', solved exactly for F piecewise linear on the RK4 grid,
 *        u(0) = eta F(0); Delta N = eta I - (eta/2)(u(T) - u(0));
 *   P1r  GD's exact one-step law (Delta N = eta^2 sum_k |g_A(q_k)|^2) summed
 *        on the gradient-flow path, F interpolated linearly: the part of the
 *        drift that the finite step makes without leaving the flow;
 *   P2   the full modified flow, integrated in parameter space (RK4, dt =
 *        eta / --mf-substeps, slow-manifold start): Delta N = N(q(T)) - N(q0);
 *        along it the charge equation is checked (eom_vs_direct);
 *   P3   GD's one-step law summed on the modified-flow path (which follows
 *        the GD iterates to O(eta^2)): second order, where P1, P1b, P1r and P2
 *        are first order (derived in the chapter).
 * Rescale likewise at first order, with |g_out|^2 - |g_in|^2.  Translation has
 * no kinetic breaking (its generator does not depend on q): conserved at
 * every eta.  The sharpness (largest Hessian eigenvalue in magnitude, power
 * iteration) at the start, at the end of the flow and at each GD endpoint
 * says where eta lambda_max passes 2, GD's stability bound on a quadratic.
 *
 * Model: sym_smooth_t (symmetry.h), x -> Linear -> BN(eps = 0) -> tanh ->
 * Linear -> identity -> Linear -> softmax, on a fixed batch of Fashion-MNIST,
 * full-batch GD.  Smooth (no ReLU kinks), so the expansion in eta holds.
 *
 * Writes PREFIX_ksb_drift.tsv and PREFIX_nld_inertia.tsv (by eta) and
 * PREFIX_ksb_summary.tsv, PREFIX_nld_inertia_summary.tsv for --out PREFIX. */
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
#include "experiments/ch2/lib/out.h"
#include "nn/flows.h"
#include "nn/optim.h"
#include "nn/symmetry.h"

enum { NE_MAX = 10 };

typedef struct {
    const char *out;
    long seed;
    int batch, h1, h2, mf_count, mf_substeps, power_iters;
    double time, dt;
    arg_doubles_t etas;
} opts_t;

/* Everything the runs share: the model at theta0 and scratch. */
typedef struct {
    opts_t o;
    sym_smooth_t s;
    size_t n;
    double *th0, *th, *g, *q, *ta, *tb, *tl, *ws;
    double *F;                 /* F = |g_A|^2 at the gradient-flow nodes, [nflow + 1] */
    long nflow;
    double Q0, D0, I[2];       /* charges at theta0, int F dt (scale, rescale) */
    double flow_drift[3], loss[2];  /* the flow's own charge drifts; loss at 0 and T */
} ksb_t;

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

static void flow_forcing(double *f, const double *th, const double *g, void *ctx)
{
    ksb_t *K = ctx;
    charges(&K->s, g, &f[0], &f[1], K->q);
}

/* along the modified flow: |q'_A|^2 summed over the scale groups */
static void mf_forcing(double *f, const double *q, const double *qdot, const double *g, void *ctx)
{
    ksb_t *K = ctx;
    double D;
    charges(&K->s, qdot, &f[0], &D, K->q);
}

/* N' = 2 sum_A <q_A, q'_A> over the scale groups (rows of W1 and b1) */
static double scale_rate(const sym_smooth_t *s, const double *q, const double *p)
{
    double r = 0.0;
    for (size_t i = s->oW1; i < s->oW2; i++)       /* W1 then b1: contiguous */
        r += q[i] * p[i];
    return 2.0 * r;
}

/* largest |s_j(theta) - s_j(theta0)| / l1_j over the softmax columns and bias */
static double translation_drift(ksb_t *K, const double *th)
{
    const sym_smooth_t *s = &K->s;
    sym_col_sum(K->ta, th + s->oW3, th + s->ob3, s->C, s->H2);
    sym_col_sum(K->tb, K->th0 + s->oW3, K->th0 + s->ob3, s->C, s->H2);
    sym_col_abs(K->tl, th + s->oW3, th + s->ob3, s->C, s->H2);
    double w = 0.0;
    for (int j = 0; j <= s->H2; j++)
        w = fmax(w, fabs(K->ta[j] - K->tb[j]) / K->tl[j]);
    return w;
}

/* eta lambda_max of the Hessian at th (power iteration, fixed start per seed) */
static double sharpness(ksb_t *K, const double *th, double *resid)
{
    rng_t r;
    rng_seed(&r, (uint64_t)K->o.seed, 3);
    return flow_sharpness(sym_smooth_grad, &K->s, th, K->n, K->o.power_iters, 1e-4, &r, resid,
                          K->ws);
}

/* Gradient flow to T with I = int F dt, F at every node; leaves theta_GF(T) in th. */
static void gradient_flow(ksb_t *K, progress_t *pr)
{
    const double dt = K->o.dt;
    double D;
    memcpy(K->th, K->th0, K->n * sizeof *K->th);
    for (long k = 0; k < K->nflow; k++) {
        sym_smooth_grad(K->g, K->th, &K->s);
        charges(&K->s, K->g, &K->F[k], &D, K->q);
        sym_flow_rk4(K->th, K->n, sym_smooth_grad, &K->s, dt, 1, flow_forcing, K, 2, K->I, K->ws);
        progress_update(pr, (double)k + 1, (double)K->nflow, "gradient flow");
    }
    sym_smooth_grad(K->g, K->th, &K->s);
    charges(&K->s, K->g, &K->F[K->nflow], &D, K->q);
}

/* P1b and P1r at eta, from F on the flow nodes. */
static void filtered(const ksb_t *K, double eta, double *p1b, double *p1r)
{
    const double dt = K->o.dt, T = K->o.time;
    double u0 = eta * K->F[0], u = u0;
    for (long k = 0; k < K->nflow; k++)
        u = flow_relax_step(u, eta * K->F[k], eta * K->F[k + 1], dt, eta / 2);
    *p1b = eta * K->I[0] - eta / 2 * (u - u0);
    long steps = lround(T / eta);
    double sum = 0.0;
    for (long j = 0; j < steps; j++) {            /* F at t = j eta, linear between nodes */
        double x = j * eta / dt;
        long i = (long)floor(x);
        double w = x - i, f = i >= K->nflow ? K->F[K->nflow] : (1 - w) * K->F[i] + w * K->F[i + 1];
        sum += f;
    }
    *p1r = eta * eta * sum;
}

/* The modified flow at eta with `sub` RK4 steps per eta, from its slow
 * manifold: P2 = N(q(T)) - N(q0); eom, the same change by the charge
 * equation, eta int |q'_A|^2 dt - (eta/2)(N'(T) - N'(0)); P3, GD's one-step
 * law summed on this path, eta^2 sum_k |g_A(q(k eta))|^2. */
typedef struct {
    double P2, eom, P3;
} mf_t;

static mf_t modified_flow(ksb_t *K, double eta, int sub, double *p, double *ws)
{
    flow_inertial_t f = {sym_smooth_grad, &K->s, K->n, eta / 2, 1.0, mf_forcing, K, 1};
    memcpy(K->th, K->th0, K->n * sizeof *K->th);
    flow_slow_start(&f, K->th, p, 1e-4, K->ws);
    double J = 0.0, Q1, D1, F, sum = 0.0, r0 = scale_rate(&K->s, K->th, p);
    long steps = lround(K->o.time / eta);
    for (long k = 0; k < steps; k++) {
        sym_smooth_grad(K->g, K->th, &K->s);
        charges(&K->s, K->g, &F, &D1, K->q);
        sum += F;
        flow_inertial_rk4(&f, K->th, p, &J, eta / sub, sub, ws);
    }
    charges(&K->s, K->th, &Q1, &D1, K->q);
    mf_t r = {Q1 - K->Q0, eta * J - eta / 2 * (scale_rate(&K->s, K->th, p) - r0),
              eta * eta * sum};
    return r;
}

/* GD at eta from theta0; leaves the endpoint in th; dQ, dD, translation drift. */
static void gradient_descent(ksb_t *K, double eta, double *dQ, double *dD, double *ds)
{
    long steps = lround(K->o.time / eta);
    double Q1, D1;
    memcpy(K->th, K->th0, K->n * sizeof *K->th);
    for (long k = 0; k < steps; k++) {
        sym_smooth_grad(K->g, K->th, &K->s);
        opt_sgd_step(K->th, K->g, NULL, K->n, eta, 0.0, 0.0, OPT_WD_COUPLED);
    }
    charges(&K->s, K->th, &Q1, &D1, K->q);
    *dQ = Q1 - K->Q0, *dD = D1 - K->D0, *ds = translation_drift(K, K->th);
}

/* The first-order test: one row per eta, and its summary keys. */
static void write_ksb(ksb_t *K, const double (*r)[4], int argc, char **argv)
{
    const opts_t *o = &K->o;
    const int NE = o->etas.n;
    const double *etas = o->etas.v;
    tsv_t *t = tsv_createf(argc, argv, "%s_ksb_drift.tsv", o->out);
    tsv_comment(t, "seed %ld, fixed batch %d, widths %d-%d-%d-10, time T = %g, RK4 dt %g, lambda 0",
                o->seed, o->batch, K->s.d, o->h1, o->h2, o->time, o->dt);
    tsv_comment(t, "first-order prediction: Delta Q = eta * int_0^T |g_A|^2 dt along gradient "
                   "flow; translation: 0; orderQ, orderD: c eta^2 through the smallest eta");
    tsv_columns(t, "eta\tdQ\tpredQ\terrQ\tdD\tpredD\terrD\ttranslation\torderQ\torderD");
    tsv_t *sum = tsv_createf(argc, argv, "%s_ksb_summary.tsv", o->out);
    tsv_columns(sum, "key\tvalue");
    double errQ[NE_MAX], errD[NE_MAX], worstS = 0.0;
    for (int e = 0; e < NE; e++) {
        errQ[e] = fabs(r[e][0] - etas[e] * K->I[0]);
        errD[e] = fabs(r[e][1] - etas[e] * K->I[1]);
        worstS = fmax(worstS, r[e][2]);
    }
    double el = etas[NE - 1];
    for (int e = 0; e < NE; e++) {
        double f = (etas[e] / el) * (etas[e] / el);
        tsv_rowv(t, 10, etas[e], r[e][0], etas[e] * K->I[0], errQ[e], r[e][1], etas[e] * K->I[1],
                 errD[e], r[e][2], errQ[NE - 1] * f, errD[NE - 1] * f);
        tsv_kvf(sum, r[e][0], "dQ_%d", e);
        tsv_kvf(sum, errQ[e] / fabs(r[e][0]), "relerrQ_%d", e);
        if (e > 0) {
            tsv_kvf(sum, errQ[e - 1] / errQ[e], "ratioQ_%d", e);
            tsv_kvf(sum, errD[e - 1] / errD[e], "ratioD_%d", e);
        }
    }
    tsv_kv(sum, "time", o->time);
    tsv_kv(sum, "batch", o->batch);
    tsv_kv(sum, "flow_dt", o->dt);
    tsv_kv(sum, "I_scale", K->I[0]);
    tsv_kv(sum, "I_rescale", K->I[1]);
    tsv_kv(sum, "ratioQ_last", errQ[NE - 2] / errQ[NE - 1]);
    tsv_kv(sum, "ratioD_last", errD[NE - 2] / errD[NE - 1]);
    /* relative distance of the last halving ratios from the 4 of an eta^2 law */
    tsv_kv(sum, "ratioQ_last_dev", fabs(errQ[NE - 2] / errQ[NE - 1] / 4.0 - 1.0));
    tsv_kv(sum, "ratioD_last_dev", fabs(errD[NE - 2] / errD[NE - 1] / 4.0 - 1.0));
    tsv_kv(sum, "relerrQ_last", errQ[NE - 1] / fabs(r[NE - 1][0]));
    tsv_kv(sum, "eta_last", el);
    tsv_kv(sum, "translation_drift_max", worstS);
    tsv_kv(sum, "n_etas", NE);
    tsv_kv(sum, "flow_scale_drift", K->flow_drift[0]);
    tsv_kv(sum, "flow_rescale_drift", K->flow_drift[1]);
    tsv_kv(sum, "flow_translation_drift", K->flow_drift[2]);
    tsv_kv(sum, "loss_0", K->loss[0]);
    tsv_kv(sum, "loss_T", K->loss[1]);
    tsv_finish(t);
    tsv_finish(sum);
}

/* Where eta lambda_max at the GD endpoint falls through 2 (interpolated in
 * log eta between the two etas around it, largest first); NaN if it does
 * not cross. */
static double edge_eta(const double *etas, const double *lgd, int NE)
{
    for (int e = 0; e + 1 < NE; e++)
        if (lgd[e] > 2.0 && lgd[e + 1] <= 2.0) {
            double w = (2.0 - lgd[e + 1]) / (lgd[e] - lgd[e + 1]);
            return exp(log(etas[e + 1]) + w * (log(etas[e]) - log(etas[e + 1])));
        }
    return NAN;
}

/* The inertial-term test: P1, P1b, P1r, P2, P3 against GD by eta. */
static void nld_inertia(ksb_t *K, const double (*r)[4], const double *lgd, progress_t *pr,
                        tsv_t *t, tsv_t *sum)
{
    const opts_t *o = &K->o;
    const int NE = o->etas.n, NM = o->mf_count < NE ? o->mf_count : NE;
    double *p = xmalloc(K->n * sizeof *p), err1[NE_MAX], err2[NE_MAX], err3[NE_MAX];
    double *ws = xmalloc(FLOW_INERTIAL_WORK(K->n, 1) * sizeof *ws), eom_dev = 0.0;
    const double edge = edge_eta(o->etas.v, lgd, NE);
    for (int e = 0; e < NE; e++) {
        double eta = o->etas.v[e], dQ = r[e][0], P1 = eta * K->I[0], P1b, P1r;
        mf_t m = {NAN, NAN, NAN};
        filtered(K, eta, &P1b, &P1r);
        if (e < NM) {
            m = modified_flow(K, eta, o->mf_substeps, p, ws);
            double dev = fabs(m.eom - m.P2) / fabs(m.P2);
            eom_dev = fmax(eom_dev, dev);
            if (e == 0) {                      /* the integrator at half the step */
                mf_t h = modified_flow(K, eta, 2 * o->mf_substeps, p, ws);
                double devh = fabs(h.eom - h.P2) / fabs(h.P2);
                tsv_kv(sum, "mf_dt_relerr", fabs(m.P2 - h.P2) / fabs(h.P2));
                tsv_kv(sum, "eom_dev_0", dev);
                tsv_kv(sum, "eom_dev_0_half_dt", devh);
                tsv_kv(sum, "eom_dev_ratio", dev / devh);
                tsv_kv(sum, "eom_dev_ratio_dev", fabs(dev / devh / 16.0 - 1.0));
            }
            progress_update(pr, e + 1.0, NM, "modified flow");
        }
        err1[e] = fabs(dQ - P1), err2[e] = fabs(dQ - m.P2), err3[e] = fabs(dQ - m.P3);
        double miss = dQ - P1;
        tsv_rowv(t, 18, eta, dQ, P1, P1b, P1r, m.P2, m.P3, err1[e], fabs(dQ - P1b),
                 fabs(dQ - P1r), err2[e], err3[e], (P1b - P1) / miss, (P1r - P1) / miss,
                 (m.P2 - P1) / miss, (m.P3 - P1) / miss, lgd[e], edge);
        if (e == 0) {
            tsv_kv(sum, "relerr1_0", err1[0] / fabs(dQ));
            tsv_kv(sum, "frac1b_0", (P1b - P1) / miss);
            tsv_kv(sum, "frac1r_0", (P1r - P1) / miss);
            tsv_kv(sum, "frac2_0", (m.P2 - P1) / miss);
            tsv_kv(sum, "frac3_0", (m.P3 - P1) / miss);
        }
        if (e == NM - 1) {
            tsv_kv(sum, "frac1b_last", (P1b - P1) / miss);
            tsv_kv(sum, "frac2_last", (m.P2 - P1) / miss);
            tsv_kv(sum, "err2_over_err1_last", err2[e] / err1[e]);
            tsv_kv(sum, "err3_over_err1_last", err3[e] / err1[e]);
            tsv_kv(sum, "ratio1_mf_last", err1[e - 1] / err1[e]);
            tsv_kv(sum, "ratio2_last", err2[e - 1] / err2[e]);
            tsv_kv(sum, "ratio3_last", err3[e - 1] / err3[e]);
            tsv_kv(sum, "ratio2_last_dev", fabs(err2[e - 1] / err2[e] / 4.0 - 1.0));
            tsv_kv(sum, "ratio3_last_dev", fabs(err3[e - 1] / err3[e] / 8.0 - 1.0));
            /* derived: P2 - dQ = -(eta^2/2)(F(T) - F(0)) + O(eta^3), the inertial
             * term's own contribution P1b - P1 to leading order */
            tsv_kv(sum, "p2_excess_last", (m.P2 - dQ) / (P1b - P1));
            tsv_kv(sum, "eta_mf_last", eta);
        }
    }
    tsv_kv(sum, "eom_vs_direct_maxdev", eom_dev);
    tsv_kv(sum, "eta_edge", edge);
    free(p), free(ws);
}

static const char about[] =
    "Kinetic symmetry breaking: charge drift against eta, first order and with inertia.";

static const arg_spec_t options[] = {
    ARG_STRING(opts_t, out, ARG_REQUIRED, "output prefix: writes PREFIX_NAME.tsv"),
    ARG_LONG(opts_t, seed, "0", "seed (PCG32 streams 1 init, 2 the batch, 3 power iteration)"),
    ARG_INT(opts_t, batch, "128", "the fixed batch, >= 2"),
    ARG_INT(opts_t, h1, "32", "width of the BN tanh layer"),
    ARG_INT(opts_t, h2, "16", "width of the linear layer"),
    ARG_DOUBLE(opts_t, time, "2", "training time T = eta K"),
    ARG_DOUBLES(opts_t, etas, "0.1,0.05,0.025,0.0125,0.00625,0.003125,0.0015625",
                "step sizes, largest first, each dividing T (2 to 10 of them)"),
    ARG_DOUBLE(opts_t, dt, "0.005", "RK4 step of the gradient flow"),
    ARG_INT(opts_t, mf_count, "5", "modified flow for the first N etas (>= 2)"),
    ARG_INT(opts_t, mf_substeps, "4", "RK4 steps of the modified flow per eta"),
    ARG_INT(opts_t, power_iters, "40", "power iterations of the sharpness"),
    ARG_END
};

static void check_options(const opts_t *o)
{
    ch2_check_etas(&o->etas, o->time, NE_MAX);
    if (o->batch < 2 || o->h1 < 1 || o->h2 < 1 || o->time <= 0 || o->dt <= 0)
        die("need batch >= 2, widths >= 1, time > 0, dt > 0");
    if (o->mf_count < 2 || o->mf_substeps < 1 || o->power_iters < 1)
        die("need mf-count >= 2, mf-substeps >= 1, power-iters >= 1");
    ch2_check_dt(o->time, o->dt);
}

int main(int argc, char **argv)
{
    ksb_t *K = xcalloc(1, sizeof *K);
    args_parse(options, &K->o, argc, argv, about);
    const opts_t *o = &K->o;
    check_options(o);
    const int NE = o->etas.n;
    char err[512];
    dataset_t ds;
    if (fmnist_load(&ds, NULL, "train", err, sizeof err))
        die("%s", err);
    minibatch_t mb;                              /* the fixed batch: B examples */
    if (minibatch_init(&mb, &ds, o->batch, MINIBATCH_STREAM, (uint64_t)o->seed, 2))
        die("--batch %d: must be in 1..%d", o->batch, ds.n);
    double *x = xmalloc((size_t)o->batch * ds.d * sizeof *x);
    int *y = xmalloc((size_t)o->batch * sizeof *y);
    minibatch_next(&mb, x, y, o->batch);
    if (sym_smooth_init(&K->s, ds.d, o->h1, o->h2, 10, o->batch, x, y))
        die("sym_smooth_init failed");
    size_t n = K->n = K->s.n_params;
    K->th0 = xmalloc(n * sizeof *K->th0), K->th = xmalloc(n * sizeof *K->th);
    K->g = xmalloc(n * sizeof *K->g), K->ws = xmalloc(SYM_FLOW_WORK(n, 2) * sizeof *K->ws);
    K->q = xmalloc((size_t)(ds.d + o->h1 + o->h2 + 1) * sizeof *K->q);
    K->ta = xmalloc((size_t)(o->h2 + 1) * sizeof *K->ta);
    K->tb = xmalloc((size_t)(o->h2 + 1) * sizeof *K->tb);
    K->tl = xmalloc((size_t)(o->h2 + 1) * sizeof *K->tl);
    K->nflow = lround(o->time / o->dt);
    K->F = xmalloc((size_t)(K->nflow + 1) * sizeof *K->F);
    rng_t r;
    rng_seed(&r, (uint64_t)o->seed, 1);
    sym_smooth_init_params(&K->s, K->th0, &r);
    charges(&K->s, K->th0, &K->Q0, &K->D0, K->q);

    progress_t pr;
    progress_begin(&pr, "ksb_drift");
    double res0, resT, lam0 = sharpness(K, K->th0, &res0), Q1, D1;
    gradient_flow(K, &pr);
    double lamT = sharpness(K, K->th, &resT);
    K->loss[1] = sym_smooth_grad(K->g, K->th, &K->s);
    charges(&K->s, K->th, &Q1, &D1, K->q);
    K->flow_drift[0] = fabs(Q1 - K->Q0) / K->Q0;
    K->flow_drift[1] = fabs(D1 - K->D0) / K->Q0;
    K->flow_drift[2] = translation_drift(K, K->th);
    K->loss[0] = sym_smooth_grad(K->g, K->th0, &K->s);
    double res[NE_MAX][4], lgd[NE_MAX], rg[NE_MAX];
    for (int e = 0; e < NE; e++) {
        gradient_descent(K, o->etas.v[e], &res[e][0], &res[e][1], &res[e][2]);
        lgd[e] = o->etas.v[e] * sharpness(K, K->th, &rg[e]);
        progress_update(&pr, e + 1.0, NE, "gradient descent");
    }
    write_ksb(K, (const double (*)[4])res, argc, argv);
    tsv_t *t = tsv_createf(argc, argv, "%s_nld_inertia.tsv", o->out);
    tsv_comment(t, "GD drift of the scale charge N over T = %g against P1 (first order), P1b "
                   "(charge equation with inertia, flow forcing), P1r (one-step law summed on the "
                   "flow), P2 (modified flow, RK4 dt = eta/%d, first %d etas; NaN beyond), P3 "
                   "(one-step law summed on the modified flow); "
                   "frac = (P - P1)/(dQ - P1); eta_lmax: eta lambda_max at the GD endpoint; "
                   "eta_edge: where eta_lmax falls through 2 (the same in every row)",
                o->time, o->mf_substeps, o->mf_count);
    tsv_columns(t, "eta\tdQ\tP1\tP1b\tP1r\tP2\tP3\terr1\terr1b\terr1r\terr2\terr3\tfrac1b\t"
                   "frac1r\tfrac2\tfrac3\teta_lmax\teta_edge");
    tsv_t *sum = tsv_createf(argc, argv, "%s_nld_inertia_summary.tsv", o->out);
    tsv_columns(sum, "key\tvalue");
    nld_inertia(K, (const double (*)[4])res, lgd, &pr, t, sum);
    progress_end(&pr);
    tsv_kv(sum, "eta_sharpness_0", o->etas.v[0] * lam0);
    tsv_kv(sum, "eta_sharpness_flow_end", o->etas.v[0] * lamT);
    tsv_kv(sum, "eta_sharpness_gd_0", lgd[0]);
    tsv_kv(sum, "sharpness_resid_0", res0);
    tsv_kv(sum, "sharpness_resid_flow_end", resT);
    tsv_kv(sum, "sharpness_resid_gd_0", rg[0]);
    tsv_finish(t);
    tsv_finish(sum);
    free(K->th0), free(K->th), free(K->g), free(K->ws), free(K->q), free(K->ta), free(K->tb);
    free(K->tl), free(K->F), free(x), free(y);
    sym_smooth_free(&K->s);
    minibatch_free(&mb);
    dataset_free(&ds);
    free(K);
    return 0;
}
