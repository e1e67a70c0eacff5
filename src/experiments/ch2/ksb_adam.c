/* ksb_adam.c: kinetic symmetry breaking by an adaptive metric (Tanaka &
 * Kunin 2021, NLD, whose abstract names the non-Euclidean metric of learning
 * rules as a source of kinetic asymmetry), on a two-layer linear network
 * f(x) = W2 W1 x (symmetry.h: sym_lin2_t).
 *
 * The loss is invariant under (W1, W2) -> (G W1, W2 G^-1), G in GL(h), so
 * gradient flow conserves C = W1 W1^T - W2^T W2 (Du et al. 2018).  For an
 * update W <- W - eta U, exactly (derived in the chapter):
 *     C' - C = -eta (U1 W1^T + W1 U1^T - U2^T W2 - W2^T U2) + eta^2 (U1 U1^T - U2^T U2).
 * GD (U = G): the first bracket vanishes by the gradient constraint, the
 * drift over a fixed time T is eta int (G1 G1^T - G2^T G2) dt + O(eta^2)
 * along gradient flow, -> 0 linearly in eta.  Adam (U = mh/(sqrt(vh) + eps)
 * elementwise): the bracket does not vanish, the drift is O(1) per unit
 * time, and as eta -> 0 with beta1 = 1 - eta/tau1, beta2 = 1 - eta/tau2 it
 * tends to the change of C along the Adam flow (flows.h), the a-priori
 * prediction laid over the measurement; along that flow the kinetic-breaking
 * rate -(U1 W1^T + ...) integrated reproduces the change (an identity at the
 * integrator's order).
 *
 * Data: x ~ N(0, I_d), y = M x + sigma noise, M = A B a random rank-r teacher
 * (A [k, r], B [r, d] standard normal, scaled by 1/sqrt(r d)); init W ~
 * N(0, s^2); full batch.  Seed streams: 1 init, 2 data.
 *
 * Writes PREFIX_ksb_adam.tsv (by eta) and PREFIX_ksb_adam_summary.tsv. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/args.h"
#include "core/rng.h"
#include "core/tsv.h"
#include "core/util.h"
#include "experiments/ch2/lib/out.h"
#include "nn/flows.h"
#include "nn/optim.h"
#include "nn/symmetry.h"

enum { NE_MAX = 12 };

typedef struct {
    const char *out;
    long seed;
    int d, h, k, n, rank;
    double noise, init_sd, time, tau1, tau2, eps, dt;
    arg_doubles_t etas;
} opts_t;

typedef struct {
    opts_t o;
    sym_lin2_t s;
    size_t n, hh;
    double *th0, *th, *g, *C0, *C1, *rate, *quad, *U, *prev, *ws;
} run_t;

/* The kinetic-breaking rate of the flow q' = qdot, dC/dt, as forcing. */
static void ksb_rate(double *f, const double *q, const double *qdot, const double *g, void *ctx)
{
    run_t *R = ctx;
    for (size_t i = 0; i < R->n; i++)
        R->U[i] = -qdot[i];
    sym_lin2_charge_rate(f, NULL, &R->s, q, R->U);
}

/* GD's forcing: the step term G1 G1^T - G2^T G2 at q (U = G). */
static void gd_forcing(double *f, const double *q, const double *g, void *ctx)
{
    run_t *R = ctx;
    sym_lin2_charge_rate(R->rate, f, &R->s, q, g);
}

/* |C(th) - C0|_F into *drift, and the difference matrix in R->C1. */
static double charge_drift(run_t *R, const double *th)
{
    sym_lin2_charge(R->C1, &R->s, th);
    for (size_t i = 0; i < R->hh; i++)
        R->C1[i] -= R->C0[i];
    return sym_frobenius(R->C1, R->hh);
}

/* |a - b|_F over hh entries */
static double fro_diff(const double *a, const double *b, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += (a[i] - b[i]) * (a[i] - b[i]);
    return sqrt(s);
}

/* One run at eta with GD (adam = 0) or Adam: returns |Delta C|_F, leaves
 * Delta C in dC, and the worst relative residual of the one-step law fed the
 * applied update U = (theta_k - theta_{k+1}) / eta in *exact. */
static double run(run_t *R, double eta, int adam, double *dC, double *exact)
{
    const opts_t *o = &R->o;
    const size_t n = R->n, hh = R->hh;
    long steps = lround(o->time / eta);
    double *m = xcalloc(n, sizeof *m), *v = xcalloc(n, sizeof *v), *Ck = xmalloc(hh * sizeof *Ck);
    double *Cn = xmalloc(hh * sizeof *Cn), worst = 0.0;
    memcpy(R->th, R->th0, n * sizeof *R->th);
    for (long k = 0; k < steps; k++) {
        sym_lin2_grad(R->g, R->th, &R->s);
        memcpy(R->prev, R->th, n * sizeof *R->th);
        if (adam)
            opt_adam_step(R->th, R->g, m, v, n, k + 1, eta, 1 - eta / o->tau1, 1 - eta / o->tau2,
                          o->eps, 0.0, OPT_WD_COUPLED);
        else
            opt_sgd_step(R->th, R->g, NULL, n, eta, 0.0, 0.0, OPT_WD_COUPLED);
        for (size_t i = 0; i < n; i++)
            R->U[i] = (R->prev[i] - R->th[i]) / eta;
        sym_lin2_charge(Ck, &R->s, R->prev);
        sym_lin2_charge_rate(R->rate, R->quad, &R->s, R->prev, R->U);
        sym_lin2_charge(Cn, &R->s, R->th);
        double e = 0.0, scale = sym_frobenius(Ck, hh) + eta * sym_frobenius(R->U, n) *
                                                            sym_frobenius(R->prev, n);
        for (size_t i = 0; i < hh; i++) {
            double pred = Ck[i] + eta * R->rate[i] + eta * eta * R->quad[i];
            e += (Cn[i] - pred) * (Cn[i] - pred);
        }
        worst = fmax(worst, sqrt(e) / scale);
    }
    double drift = charge_drift(R, R->th);
    memcpy(dC, R->C1, hh * sizeof *dC);
    *exact = worst;
    free(m), free(v), free(Ck), free(Cn);
    return drift;
}

/* The Adam flow to T with step dt: Delta C in dC, the integrated
 * kinetic-breaking rate in J (hh each); returns |Delta C|_F. */
static double adam_flow(run_t *R, double dt, double *dC, double *J)
{
    const opts_t *o = &R->o;
    const size_t n = R->n, hh = R->hh;
    flow_adam_t f = {sym_lin2_grad, &R->s, n, o->tau1, o->tau2, o->eps, ksb_rate, R, (int)hh};
    double *y = xcalloc(3 * n + hh, sizeof *y), *ws = xmalloc(FLOW_ADAM_WORK(n, hh) * sizeof *ws);
    memcpy(y, R->th0, n * sizeof *y);
    flow_adam_rk4(&f, y, 0.0, dt, lround(o->time / dt), ws);
    double drift = charge_drift(R, y);
    memcpy(dC, R->C1, hh * sizeof *dC);
    memcpy(J, y + 3 * n, hh * sizeof *J);
    free(y), free(ws);
    return drift;
}

static void make_data(const opts_t *o, double *x, double *y)
{
    rng_t r;
    rng_seed(&r, (uint64_t)o->seed, 2);
    double *A = xmalloc((size_t)o->k * o->rank * sizeof *A);
    double *B = xmalloc((size_t)o->rank * o->d * sizeof *B);
    for (int i = 0; i < o->k * o->rank; i++)
        A[i] = rng_normal(&r);
    for (int i = 0; i < o->rank * o->d; i++)
        B[i] = rng_normal(&r) / sqrt((double)o->rank * o->d);
    for (int s = 0; s < o->n; s++) {
        double *xs = x + (size_t)s * o->d, *ys = y + (size_t)s * o->k;
        for (int j = 0; j < o->d; j++)
            xs[j] = rng_normal(&r);
        for (int c = 0; c < o->k; c++) {
            double v = 0.0;
            for (int a = 0; a < o->rank; a++) {
                double bx = 0.0;
                for (int j = 0; j < o->d; j++)
                    bx += B[(size_t)a * o->d + j] * xs[j];
                v += A[(size_t)c * o->rank + a] * bx;
            }
            ys[c] = v + o->noise * rng_normal(&r);
        }
    }
    free(A), free(B);
}

static const char about[] =
    "Kinetic symmetry breaking by Adam on a two-layer linear network, against GD and the Adam flow.";

static const arg_spec_t options[] = {
    ARG_STRING(opts_t, out, ARG_REQUIRED, "output prefix: writes PREFIX_NAME.tsv"),
    ARG_LONG(opts_t, seed, "0", "seed (PCG32 streams 1 init, 2 data)"),
    ARG_INT(opts_t, d, "8", "inputs"),
    ARG_INT(opts_t, h, "6", "hidden width (the symmetry group is GL(h))"),
    ARG_INT(opts_t, k, "4", "outputs"),
    ARG_INT(opts_t, n, "256", "samples (full batch)"),
    ARG_INT(opts_t, rank, "3", "rank of the teacher"),
    ARG_DOUBLE(opts_t, noise, "0.1", "label noise sd"),
    ARG_DOUBLE(opts_t, init_sd, "0.3", "init sd of every weight"),
    ARG_DOUBLE(opts_t, time, "2", "training time T = eta K"),
    ARG_DOUBLES(opts_t, etas, "0.1,0.05,0.025,0.0125,0.00625,0.003125,0.0015625",
                "step sizes, largest first, each dividing T"),
    ARG_DOUBLE(opts_t, tau1, "1", "Adam: beta1 = 1 - eta/tau1"),
    ARG_DOUBLE(opts_t, tau2, "10", "Adam: beta2 = 1 - eta/tau2"),
    ARG_DOUBLE(opts_t, eps, "1e-3", "Adam's epsilon"),
    ARG_DOUBLE(opts_t, dt, "1e-3", "RK4 step of the gradient and Adam flows"),
    ARG_END
};

static void check_options(const opts_t *o)
{
    ch2_check_etas(&o->etas, o->time, NE_MAX);
    if (o->d < 1 || o->h < 1 || o->k < 1 || o->n < 1 || o->rank < 1 || o->time <= 0 || o->dt <= 0 ||
        o->tau1 <= 0 || o->tau2 <= 0 || o->eps <= 0 || o->init_sd <= 0)
        die("need positive sizes, time, dt, tau1, tau2, eps, init-sd");
    if (o->etas.v[0] >= o->tau1)
        die("--etas: need eta < tau1 (beta1 = 1 - eta/tau1 > 0)");
    ch2_check_dt(o->time, o->dt);
}

/* Per eta: GD against eta P, Adam against the Adam flow; then the summary. */
static void scan(run_t *R, const double *P, const double *dCf, double gf_drift, double flow_norm,
                 tsv_t *t, tsv_t *sum)
{
    const opts_t *o = &R->o;
    const int NE = o->etas.n;
    const size_t hh = R->hh;
    double *dG = xmalloc(hh * sizeof *dG), *dA = xmalloc(hh * sizeof *dA), *eP = xmalloc(hh * sizeof *eP);
    double gd[NE_MAX], gerr[NE_MAX], ad[NE_MAX], aerr[NE_MAX], exact = 0.0, ex;
    for (int e = 0; e < NE; e++) {
        double eta = o->etas.v[e];
        gd[e] = run(R, eta, 0, dG, &ex);
        exact = fmax(exact, ex);
        ad[e] = run(R, eta, 1, dA, &ex);
        exact = fmax(exact, ex);
        for (size_t i = 0; i < hh; i++)
            eP[i] = eta * P[i];
        gerr[e] = fro_diff(dG, eP, hh);
        aerr[e] = fro_diff(dA, dCf, hh);
        tsv_rowv(t, 9, eta, gd[e], eta * sym_frobenius(P, hh), gerr[e], ad[e], flow_norm, aerr[e],
                 gf_drift, ad[e] / gd[e]);
    }
    int L = NE - 1;
    tsv_kv(sum, "exact_maxdev", exact);
    tsv_kv(sum, "gd_ratio_last", gd[L - 1] / gd[L]);
    tsv_kv(sum, "gd_prederr_ratio_last", gerr[L - 1] / gerr[L]);
    /* relative distances of the halving ratios from their orders: 2, 4, 2 */
    tsv_kv(sum, "gd_ratio_last_dev", fabs(gd[L - 1] / gd[L] / 2.0 - 1.0));
    tsv_kv(sum, "gd_prederr_ratio_last_dev", fabs(gerr[L - 1] / gerr[L] / 4.0 - 1.0));
    tsv_kv(sum, "adam_err_ratio_last_dev", fabs(aerr[L - 1] / aerr[L] / 2.0 - 1.0));
    tsv_kv(sum, "gd_prederr_rel_last", gerr[L] / gd[L]);
    tsv_kv(sum, "adam_flow_relerr_last", aerr[L] / flow_norm);
    tsv_kv(sum, "adam_err_ratio_last", aerr[L - 1] / aerr[L]);
    tsv_kv(sum, "adam_ratio_last", ad[L - 1] / ad[L]);
    tsv_kv(sum, "adam_over_gd_last", ad[L] / gd[L]);
    tsv_kv(sum, "adam_over_gd_0", ad[0] / gd[0]);
    tsv_kv(sum, "adam_drift_last", ad[L]);
    tsv_kv(sum, "gd_drift_last", gd[L]);
    tsv_kv(sum, "eta_last", o->etas.v[L]);
    free(dG), free(dA), free(eP);
}

int main(int argc, char **argv)
{
    run_t *R = xcalloc(1, sizeof *R);
    args_parse(options, &R->o, argc, argv, about);
    const opts_t *o = &R->o;
    check_options(o);
    double *x = xmalloc((size_t)o->n * o->d * sizeof *x), *y = xmalloc((size_t)o->n * o->k * sizeof *y);
    make_data(o, x, y);
    if (sym_lin2_init(&R->s, o->d, o->h, o->k, o->n, x, y))
        die("sym_lin2_init failed");
    const size_t n = R->n = R->s.n_params, hh = R->hh = (size_t)o->h * o->h;
    R->th0 = xmalloc(n * sizeof *R->th0), R->th = xmalloc(n * sizeof *R->th);
    R->g = xmalloc(n * sizeof *R->g), R->U = xmalloc(n * sizeof *R->U);
    R->prev = xmalloc(n * sizeof *R->prev);
    R->C0 = xmalloc(hh * sizeof *R->C0), R->C1 = xmalloc(hh * sizeof *R->C1);
    R->rate = xmalloc(hh * sizeof *R->rate), R->quad = xmalloc(hh * sizeof *R->quad);
    R->ws = xmalloc(SYM_FLOW_WORK(n, hh) * sizeof *R->ws);
    rng_t r;
    rng_seed(&r, (uint64_t)o->seed, 1);
    for (size_t i = 0; i < n; i++)
        R->th0[i] = o->init_sd * rng_normal(&r);
    sym_lin2_charge(R->C0, &R->s, R->th0);
    const double c0 = sym_frobenius(R->C0, hh);

    /* gradient flow: its own drift, and P = int (G1 G1^T - G2^T G2) dt */
    double *P = xcalloc(hh, sizeof *P);
    memcpy(R->th, R->th0, n * sizeof *R->th);
    sym_flow_rk4(R->th, n, sym_lin2_grad, &R->s, o->dt, lround(o->time / o->dt), gd_forcing, R,
                 (int)hh, P, R->ws);
    double gf_drift = charge_drift(R, R->th);
    /* the Adam flow, at dt and dt/2, and its integrated kinetic-breaking rate */
    double *dCf = xmalloc(hh * sizeof *dCf), *dCh = xmalloc(hh * sizeof *dCh);
    double *J = xmalloc(hh * sizeof *J), *Jh = xmalloc(hh * sizeof *Jh);
    double fn = adam_flow(R, o->dt, dCf, J), fnh = adam_flow(R, o->dt / 2, dCh, Jh);

    tsv_t *t = tsv_createf(argc, argv, "%s_ksb_adam.tsv", o->out);
    tsv_comment(t, "seed %ld; two-layer linear net %d-%d-%d, N %d, teacher rank %d, noise %g, init "
                   "sd %g; T %g; Adam beta1 = 1 - eta/%g, beta2 = 1 - eta/%g, eps %g; flows RK4 dt %g",
                o->seed, o->d, o->h, o->k, o->n, o->rank, o->noise, o->init_sd, o->time, o->tau1,
                o->tau2, o->eps, o->dt);
    tsv_comment(t, "|Delta C|_F of C = W1 W1^T - W2^T W2 over [0, T]: GD and its first-order "
                   "prediction eta |P|_F, P = int (G1 G1^T - G2^T G2) dt on gradient flow, the "
                   "error |Delta C - eta P|_F; Adam, the Adam flow's |Delta C|_F, the error; "
                   "gradient flow's own drift (RK4); Adam over GD");
    tsv_columns(t, "eta\tgd\tgd_pred\tgd_err\tadam\tadam_flow\tadam_err\tgf\tadam_over_gd");
    tsv_t *sum = tsv_createf(argc, argv, "%s_ksb_adam_summary.tsv", o->out);
    tsv_columns(sum, "key\tvalue");
    tsv_kv(sum, "charge_0", c0);
    tsv_kv(sum, "flow_drift_gf", gf_drift / c0);
    tsv_kv(sum, "adam_flow_drift", fn);
    tsv_kv(sum, "adam_flow_rel_drift", fn / c0);
    tsv_kv(sum, "adam_flow_dt_relerr", fro_diff(dCf, dCh, hh) / fnh);
    tsv_kv(sum, "adam_flow_identity", fro_diff(J, dCf, hh) / fn);
    tsv_kv(sum, "adam_flow_identity_half_dt", fro_diff(Jh, dCh, hh) / fnh);
    tsv_kv(sum, "adam_flow_identity_ratio", (fro_diff(J, dCf, hh) / fn) / (fro_diff(Jh, dCh, hh) / fnh));
    scan(R, P, dCf, gf_drift, fn, t, sum);
    tsv_finish(t);
    tsv_finish(sum);
    free(x), free(y), free(P), free(dCf), free(dCh), free(J), free(Jh);
    free(R->th0), free(R->th), free(R->g), free(R->U), free(R->prev), free(R->C0), free(R->C1);
    free(R->rate), free(R->quad), free(R->ws);
    sym_lin2_free(&R->s);
    free(R);
    return 0;
}
