/* dp_eval.c: chapter 4, roll out the trained LNN (Cranmer et al. 2020) and the
 * baseline from held-out initial conditions of the paper's test distribution
 * (q0 ~ U[0, 2pi)^2, qdot0 ~ U[0, 0.1)^2), fixed-step RK4 (dt = 0.01) to
 * t = 100, next to the same RK4 on the closed-form dynamics (the control: its
 * energy error is the integrator's share).
 *
 * Measured: the true-energy error |E(x(t)) - E(x0)| / 29.4 (the paper's
 * normalisation, max|V|), its median and quartiles over initial conditions
 * against time; the learned energy E_theta = qdot . grad_qdot L - L along the
 * LNN's own rollouts, which the theory says is conserved exactly by the flow
 * (so only RK4's O(dt^4) error remains: measured over a dt sweep); divergence
 * (non-finite state, |qdot| > 1000 or a singular mass matrix) counted per
 * model; theta_1, theta_2 of three initial conditions against the truth;
 * per initial condition, how often the LNN's rollout crossed the seam
 * q = pi (mod 2 pi) where wrapped angles jump, next to its E_theta drift
 * (with --features wrap the network's input jumps there and @eq:etheta no
 * longer holds across the seam; with trig inputs nothing happens).
 *
 * Writes data/ch4/dp_{energy,traj,order,ic,summary,timing}.tsv. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/args.h"
#include "core/tsv.h"
#include "core/util.h"
#include "experiments/ch4/lib/dp.h"
#include "experiments/ch4/lib/rollout.h"
#include "physics/integrators.h"
#include "physics/systems.h"

#define MAXIC 200

typedef struct {
    lnn_t *lnn;
    mlp_t *mlp;
    double *u;
    int B;
} ctx_t;

/* A singular mass matrix makes that row's acceleration NaN (lnn_accel): the
 * batch goes on and check_div counts the row as diverged, so the status is
 * 0 whatever the rows do. */
static int lnn_rhs(double *dydt, const double *y, double t, void *vc)
{
    ctx_t *c = vc;
    double *qdd = c->lnn->qdd;
    lnn_accel(c->lnn, c->B, y, qdd);
    for (int b = 0; b < c->B; b++) {
        dydt[4 * b] = y[4 * b + 2];
        dydt[4 * b + 1] = y[4 * b + 3];
        dydt[4 * b + 2] = qdd[2 * b];
        dydt[4 * b + 3] = qdd[2 * b + 1];
    }
    return 0;
}

static int mlp_rhs(double *dydt, const double *y, double t, void *vc)
{
    ctx_t *c = vc;
    dp_features(c->u, y, c->B);
    mlp_forward(c->mlp, c->u, c->B);
    for (int b = 0; b < c->B; b++) {
        dydt[4 * b] = y[4 * b + 2];
        dydt[4 * b + 1] = y[4 * b + 3];
        dydt[4 * b + 2] = c->mlp->out[2 * b];
        dydt[4 * b + 3] = c->mlp->out[2 * b + 1];
    }
    return 0;
}

static int true_rhs(double *dydt, const double *y, double t, void *vc)
{
    ctx_t *c = vc;
    for (int b = 0; b < c->B; b++)
        phys_dp_field(dydt + 4 * b, y + 4 * b, t, NULL);
    return 0;
}

/* marks diverged rows: non-finite or |qdot| > 1000; parks them at rest */
static void check_div(double *y, int B, double t, double *div_t)
{
    for (int b = 0; b < B; b++) {
        double *s = y + 4 * b;
        if (div_t[b] >= 0)
            continue;
        int bad = 0;
        for (int i = 0; i < 4; i++)
            bad |= !isfinite(s[i]);
        bad |= fabs(s[2]) > 1000 || fabs(s[3]) > 1000;
        if (bad) {
            div_t[b] = t;
            s[0] = s[1] = s[2] = s[3] = 0;
        }
    }
}

/* index of the 2 pi interval [(2n - 1) pi, (2n + 1) pi) holding q: it changes
 * exactly when q crosses the seam of wrapped angles at q = pi (mod 2 pi) */
static long seam_sheet(double q) { return lround(floor((q + PI) / (2 * PI))); }

/* adds to crossings[k] the seam crossings of rollout k since the last call */
static void count_seams(const double *y, int B, const double *div_t, long *sheet, long *crossings)
{
    for (int b = 0; b < B; b++) {
        if (div_t[b] >= 0)
            continue;
        for (int i = 0; i < 2; i++) {
            long n = seam_sheet(y[4 * b + i]);
            crossings[b] += labs(n - sheet[2 * b + i]);
            sheet[2 * b + i] = n;
        }
    }
}

/* a value for the TSV: +inf (a diverged rollout's error) is written as 1e300,
 * which the figures clip at the top of the axis */
static double tsvnum(double x) { return isfinite(x) ? x : 1e300; }

typedef struct {
    const char *lnn, *mlp, *outdir;
    int width, depth, mlp_width, mlp_depth, nic, features;
    double tmax, dt, kappa;
    long seed;
} opts_t;

/* The rollouts from nic initial conditions: LNN (l), baseline (b) and the
 * control (c, RK4 on the closed form), what is measured along them, and the
 * numbers the summary quotes. */
typedef struct {
    opts_t o;
    int nic;
    lnn_t lnn;
    mlp_t mlp;
    ctx_t c;
    double *work;
    double y0[4 * MAXIC], yl[4 * MAXIC], yb[4 * MAXIC], yc[4 * MAXIC];
    double E0[MAXIC], Eth0[MAXIC], Eth[MAXIC];
    double div_l[MAXIC], div_b[MAXIC], div_c[MAXIC];
    long sheet[2 * MAXIC], crossings[MAXIC];   /* which 2 pi sheet each angle is on */
    /* values at t = 10 and t = 100; NaN in the summary if --tmax stops short of them */
    double at10[6], at100[6];   /* med l, med b, mean l, mean b, div l, div b */
    double ctrl100, eth100_med, eth100_max;
    double run_l, run_b;        /* runaways at t = 100: diverged, or |dE|/29.4 > 1 */
    double eth_cross, eth_plain, ctrl_cross, ctrl_plain;
    int ncross;
    double ord[5];              /* E_theta error at dt = 0.08 ... 0.005 */
    double roll_sec, roll_cpu;
} eval_t;

/* One row of dp_energy.tsv at time t (quantiles over initial conditions),
 * the values at t = 10 and t = 100, and one of dp_traj.tsv while t <= 20. */
static void record(eval_t *E, double t, tsv_t *te, tsv_t *tt)
{
    const int nic = E->nic;
    double el[MAXIC], eb[MAXIC], ec[MAXIC], ee[MAXIC], tmp[MAXIC];
    int ne = 0, ndl = 0, ndb = 0;
    double suml = 0, sumb = 0;
    lnn_energy(&E->lnn, nic, E->yl, NULL, E->Eth);
    for (int k = 0; k < nic; k++) {
        el[k] = E->div_l[k] >= 0 ? INFINITY : fabs(phys_dp_energy(E->yl + 4 * k) - E->E0[k]) / PHYS_DP_EMAX;
        eb[k] = E->div_b[k] >= 0 ? INFINITY : fabs(phys_dp_energy(E->yb + 4 * k) - E->E0[k]) / PHYS_DP_EMAX;
        ec[k] = E->div_c[k] >= 0 ? INFINITY : fabs(phys_dp_energy(E->yc + 4 * k) - E->E0[k]) / PHYS_DP_EMAX;
        if (E->div_l[k] < 0) {
            ee[ne++] = fabs(E->Eth[k] - E->Eth0[k]) / PHYS_DP_EMAX;
            suml += el[k];
        } else {
            ndl++;
        }
        if (E->div_b[k] < 0)
            sumb += eb[k];
        else
            ndb++;
    }
    double row[13];
    row[0] = t;
    memcpy(tmp, el, nic * sizeof(double));
    row[1] = dp_quantile(tmp, nic, 0.5); row[2] = dp_quantile(tmp, nic, 0.25); row[3] = dp_quantile(tmp, nic, 0.75);
    memcpy(tmp, eb, nic * sizeof(double));
    row[4] = dp_quantile(tmp, nic, 0.5); row[5] = dp_quantile(tmp, nic, 0.25); row[6] = dp_quantile(tmp, nic, 0.75);
    memcpy(tmp, ec, nic * sizeof(double));
    row[7] = dp_quantile(tmp, nic, 0.5); row[8] = tmp[nic - 1];
    row[9] = ndl; row[10] = ndb;
    row[11] = ne ? dp_quantile(ee, ne, 0.5) : NAN;
    row[12] = ne ? ee[ne - 1] : NAN;
    for (int i = 1; i < 13; i++)
        row[i] = tsvnum(row[i]);
    tsv_row(te, 13, row);
    double *dst = fabs(t - 10) < 1e-9 ? E->at10 : fabs(t - 100) < 1e-9 ? E->at100 : NULL;
    if (dst) {
        dst[0] = row[1];
        dst[1] = row[4];
        dst[2] = nic > ndl ? suml / (nic - ndl) : NAN;
        dst[3] = nic > ndb ? sumb / (nic - ndb) : NAN;
        dst[4] = ndl;
        dst[5] = ndb;
        if (dst == E->at100) {
            E->run_l = E->run_b = 0;
            for (int k = 0; k < nic; k++) {
                E->run_l += el[k] > 1;
                E->run_b += eb[k] > 1;
            }
            E->ctrl100 = row[7];
            E->eth100_med = row[11];
            E->eth100_max = row[12];
        }
    }
    if (t <= 20 + 1e-9) {
        double tr[19];
        tr[0] = t;
        for (int k = 0; k < 3; k++)
            for (int i = 0; i < 2; i++) {
                tr[1 + 6 * k + 3 * i] = E->yc[4 * k + i];
                tr[2 + 6 * k + 3 * i] = E->div_l[k] >= 0 ? NAN : E->yl[4 * k + i];
                tr[3 + 6 * k + 3 * i] = E->div_b[k] >= 0 ? NAN : E->yb[4 * k + i];
            }
        tsv_row(tt, 19, tr);
    }
}

/* What the rollouts measure every 0.1 (record) and check after each step. */
typedef struct {
    eval_t *E;
    tsv_t *te, *tt;
    progress_t *pr;
} roll_t;

static void roll_measure(void *arg, double t)
{
    roll_t *R = arg;
    record(R->E, t, R->te, R->tt);
    progress_update(R->pr, t, R->E->o.tmax, NULL);
}

static void roll_check(void *arg, double t)
{
    eval_t *E = ((roll_t *)arg)->E;
    check_div(E->yl, E->nic, t, E->div_l);
    count_seams(E->yl, E->nic, E->div_l, E->sheet, E->crossings);
    check_div(E->yb, E->nic, t, E->div_b);
    check_div(E->yc, E->nic, t, E->div_c);
}

/* The three rollouts to tmax, recorded every 0.1: dp_energy.tsv, dp_traj.tsv. */
static void rollouts(eval_t *E, int argc, char **argv)
{
    const opts_t *o = &E->o;
    const int nic = E->nic;
    const double dt = o->dt, tmax = o->tmax;
    tsv_t *te = tsv_createf(argc, argv, "%s/dp_energy.tsv", o->outdir);
    tsv_comment(te, "seed %ld; %d held-out initial conditions q0 ~ U[0,2pi)^2, qdot0 ~ U[0,0.1)^2; "
                    "RK4 dt %g to t = %g; LNN %dx%d, MLP %dx%d", o->seed, nic, dt, tmax, o->width,
                o->depth, o->mlp_width, o->mlp_depth);
    tsv_comment(te, "dE = |E(x(t)) - E(x0)| / 29.4 (true energy); quantiles over initial conditions, "
                    "a diverged rollout counts as +inf (written 1e300)");
    tsv_comment(te, "control = RK4 on the closed-form dynamics; etheta = |E_theta(x(t)) - "
                    "E_theta(x0)| / 29.4 along the LNN's rollouts (non-diverged)");
    tsv_columns(te, "t\tlnn_med\tlnn_q25\tlnn_q75\tbase_med\tbase_q25\tbase_q75\tctrl_med\tctrl_max\t"
                    "lnn_div\tbase_div\tetheta_med\tetheta_max");
    tsv_t *tt = tsv_createf(argc, argv, "%s/dp_traj.tsv", o->outdir);
    tsv_comment(tt, "theta_1, theta_2 of held-out initial conditions 0, 1, 2 (same run as dp_energy); "
                    "true = RK4 dt %g on the closed form", dt);
    tsv_columns(tt, "t\tth1_true_0\tth1_lnn_0\tth1_base_0\tth2_true_0\tth2_lnn_0\tth2_base_0\t"
                    "th1_true_1\tth1_lnn_1\tth1_base_1\tth2_true_1\tth2_lnn_1\tth2_base_1\t"
                    "th1_true_2\tth1_lnn_2\tth1_base_2\tth2_true_2\tth2_lnn_2\tth2_base_2");
    long every = lround(0.1 / dt);
    if (every < 1)
        every = 1;
    for (int i = 0; i < 6; i++)
        E->at10[i] = E->at100[i] = NAN;
    E->ctrl100 = E->eth100_med = E->eth100_max = NAN;
    E->run_l = E->run_b = NAN;
    progress_t pr;
    progress_begin(&pr, "rollouts");
    roll_t R = {.E = E, .te = te, .tt = tt, .pr = &pr};
    const ch4_flow_t flows[] = {{lnn_rhs, E->yl}, {mlp_rhs, E->yb}, {true_rhs, E->yc}};
    double t0 = now_seconds(), c0 = cpu_seconds();
    ch4_rollout(&(ch4_rollout_t){.flows = flows, .nflows = 3, .n = 4 * (size_t)nic, .ctx = &E->c, .dt = dt,
                                 .nsteps = lround(tmax / dt), .every = every, .measure = roll_measure,
                                 .after_step = roll_check, .arg = &R});
    progress_end(&pr);
    E->roll_sec = now_seconds() - t0;
    E->roll_cpu = cpu_seconds() - c0;
    tsv_finish(te);
    tsv_finish(tt);
}

/* Per initial condition at t = tmax: seam crossings and drifts (dp_ic.tsv). */
static void per_ic(eval_t *E, int argc, char **argv)
{
    const opts_t *o = &E->o;
    const int nic = E->nic;
    tsv_t *ti = tsv_createf(argc, argv, "%s/dp_ic.tsv", o->outdir);
    tsv_comment(ti, "seed %ld; LNN with %s inputs; per held-out initial condition at t = %g: seam "
                    "crossings of the LNN's rollout (q1 or q2 passing pi mod 2 pi), |E_theta drift| / "
                    "29.4, true-energy errors / 29.4 of LNN, baseline and control (RK4 on the closed form: "
                    "what a conserved quantity drifts by under this integrator; 1e300: diverged), and "
                    "the time of divergence (-1: none)", o->seed, o->features ? "wrapped" : "trig",
                o->tmax);
    tsv_columns(ti, "ic\tcrossings\tetheta_drift\tlnn_err\tbase_err\tctrl_err\tlnn_div_t\tbase_div_t");
    lnn_energy(&E->lnn, nic, E->yl, NULL, E->Eth);
    double dc[MAXIC], dn[MAXIC], cc[MAXIC], cn[MAXIC];   /* E_theta drift, control error */
    int ncross = 0, nplain = 0;
    for (int k = 0; k < nic; k++) {
        double drift = E->div_l[k] >= 0 ? INFINITY : fabs(E->Eth[k] - E->Eth0[k]) / PHYS_DP_EMAX;
        double erl = E->div_l[k] >= 0 ? INFINITY : fabs(phys_dp_energy(E->yl + 4 * k) - E->E0[k]) / PHYS_DP_EMAX;
        double erb = E->div_b[k] >= 0 ? INFINITY : fabs(phys_dp_energy(E->yb + 4 * k) - E->E0[k]) / PHYS_DP_EMAX;
        double erc = E->div_c[k] >= 0 ? INFINITY : fabs(phys_dp_energy(E->yc + 4 * k) - E->E0[k]) / PHYS_DP_EMAX;
        tsv_rowv(ti, 8, (double)k, (double)E->crossings[k], tsvnum(drift), tsvnum(erl), tsvnum(erb),
                 tsvnum(erc), E->div_l[k], E->div_b[k]);
        if (E->crossings[k] > 0) {
            cc[ncross] = erc;
            dc[ncross++] = drift;
        } else {
            cn[nplain] = erc;
            dn[nplain++] = drift;
        }
    }
    tsv_finish(ti);
    E->ncross = ncross;
    E->eth_cross = ncross ? dp_quantile(dc, ncross, 0.5) : NAN;
    E->eth_plain = nplain ? dp_quantile(dn, nplain, 0.5) : NAN;
    E->ctrl_cross = ncross ? dp_quantile(cc, ncross, 0.5) : NAN;
    E->ctrl_plain = nplain ? dp_quantile(cn, nplain, 0.5) : NAN;
}

/* E_theta against dt: first 8 initial conditions, T = 10 (dp_order.tsv). */
static void order_sweep(eval_t *E, int argc, char **argv)
{
    const opts_t *o = &E->o;
    tsv_t *to = tsv_createf(argc, argv, "%s/dp_order.tsv", o->outdir);
    tsv_comment(to, "seed %ld; LNN rollouts of the first 8 held-out initial conditions to T = 10 with "
                    "RK4 at several dt; mean over them of |E_theta(T) - E_theta(0)| / 29.4 and of the "
                    "true-energy error; theory: E_theta is conserved by the exact flow, so its error is "
                    "RK4's, O(dt^4)", o->seed);
    tsv_columns(to, "dt\tetheta_err\ttrue_err\tdt4_line");
    const int no = 8;
    double dts[5] = {0.08, 0.04, 0.02, 0.01, 0.005}, anchor = 0;
    E->c.B = no;
    double Eth0o[8];
    lnn_energy(&E->lnn, no, E->y0, NULL, Eth0o);
    for (int h = 4; h >= 0; h--) {
        double y[4 * 8];
        memcpy(y, E->y0, sizeof y);
        phys_integrate(&phys_rk4, y, 4 * no, 0.0, dts[h], lround(10.0 / dts[h]), lnn_rhs, &E->c,
                       E->work);
        double Ee[8], se = 0, st = 0;
        lnn_energy(&E->lnn, no, y, NULL, Ee);
        for (int k = 0; k < no; k++) {
            se += fabs(Ee[k] - Eth0o[k]) / PHYS_DP_EMAX / no;
            st += fabs(phys_dp_energy(y + 4 * k) - E->E0[k]) / PHYS_DP_EMAX / no;
        }
        E->ord[h] = se;
        if (h == 3)
            anchor = se / pow(dts[3], 4);
        tsv_rowv(to, 4, dts[h], se, st, anchor > 0 ? anchor * pow(dts[h], 4) : NAN);
    }
    tsv_finish(to);
}

static void write_summary(const eval_t *E, int argc, char **argv)
{
    const opts_t *o = &E->o;
    const double *at10 = E->at10, *at100 = E->at100, *ord = E->ord;
    tsv_t *ts = tsv_createf(argc, argv, "%s/dp_summary.tsv", o->outdir);
    tsv_comment(ts, "seed %ld; %d held-out initial conditions; RK4 dt %g; energy errors |dE|/29.4",
                o->seed, E->nic, o->dt);
    tsv_columns(ts, "key\tvalue");
    tsv_kv(ts, "nic", E->nic);
    tsv_kv(ts, "lnn_med_t10", at10[0]);
    tsv_kv(ts, "base_med_t10", at10[1]);
    tsv_kv(ts, "lnn_mean_t10", at10[2]);
    tsv_kv(ts, "base_mean_t10", at10[3]);
    tsv_kv(ts, "lnn_med_t100", at100[0]);
    tsv_kv(ts, "base_med_t100", at100[1]);
    tsv_kv(ts, "lnn_mean_t100", at100[2]);
    tsv_kv(ts, "base_mean_t100", at100[3]);
    tsv_kv(ts, "ratio_med_t10", at10[0] / at10[1]);
    tsv_kv(ts, "ratio_med_t100", at100[0] / at100[1]);
    tsv_kv(ts, "ratio_mean_t10", at10[2] / at10[3]);
    tsv_kv(ts, "ratio_mean_t100", at100[2] / at100[3]);
    tsv_kv(ts, "lnn_div_t10", at10[4]);
    tsv_kv(ts, "base_div_t10", at10[5]);
    tsv_kv(ts, "lnn_div", at100[4]);
    tsv_kv(ts, "base_div", at100[5]);
    tsv_kv(ts, "lnn_runaway", E->run_l);
    tsv_kv(ts, "base_runaway", E->run_b);
    tsv_kv(ts, "ctrl_med_t100", E->ctrl100);
    tsv_kv(ts, "etheta_med_t100", E->eth100_med);
    tsv_kv(ts, "etheta_max_t100", E->eth100_max);
    tsv_kv(ts, "order_etheta", log2(ord[2] / ord[3]));
    tsv_kv(ts, "order_etheta_fine", log2(ord[3] / ord[4]));
    tsv_kv(ts, "etheta_err_dt01", ord[3]);
    tsv_kv(ts, "singular_lnn", (double)E->lnn.n_singular);
    tsv_kv(ts, "seam_ics", E->ncross);
    tsv_kv(ts, "etheta_med_seam", E->eth_cross);
    tsv_kv(ts, "etheta_med_noseam", E->eth_plain);
    tsv_kv(ts, "ctrl_med_seam", E->ctrl_cross);     /* the control from the same initial conditions */
    tsv_kv(ts, "ctrl_med_noseam", E->ctrl_plain);
    tsv_finish(ts);
    ch4_write_timing(tsv_createf(argc, argv, "%s/dp_timing.tsv", o->outdir), 2,
                     (const char *const[]){"rollout_seconds", "rollout_cpu_seconds"},
                     (const double[]){E->roll_sec, E->roll_cpu});
}

static const char about[] =
    "Rollouts of the trained LNN and baseline on the double pendulum.";

static const arg_spec_t options[] = {
    ARG_STRING(opts_t, lnn, ARG_REQUIRED, "the LNN's weights (dp_train)"),
    ARG_STRING(opts_t, mlp, ARG_REQUIRED, "the baseline's weights (dp_train)"),
    ARG_INT(opts_t, width, "128", "the LNN's hidden units per layer"),
    ARG_INT(opts_t, depth, "2", "the LNN's hidden layers"),
    ARG_INT(opts_t, mlp_width, "--width", "the baseline's hidden units per layer"),
    ARG_INT(opts_t, mlp_depth, "--depth", "the baseline's hidden layers"),
    ARG_INT(opts_t, nic, "40", "held-out initial conditions, in [8, 200]"),
    ARG_DOUBLE(opts_t, tmax, "100", "end of the rollouts, >= 10"),
    ARG_DOUBLE(opts_t, dt, "0.01", "RK4 step"),
    ARG_LONG(opts_t, seed, "0", "seed (PCG32 stream 5: initial conditions)"),
    ARG_STRING(opts_t, outdir, "data/ch4", "output directory"),
    ARG_CHOICE(opts_t, features, DP_FEATURES, "trig", "the LNN's input map"),
    ARG_DOUBLE(opts_t, kappa, "1", "the LNN's added (kappa/2)|qdot|^2, as trained"),
    ARG_END
};

int main(int argc, char **argv)
{
    opts_t opts;
    args_parse(options, &opts, argc, argv, about);
    const int nic = opts.nic;
    if (nic < 8 || nic > MAXIC || !(opts.dt > 0) || !(opts.tmax >= 10))
        die("need 8 <= --nic <= %d, --dt > 0, --tmax >= 10", MAXIC);
    eval_t *E = xcalloc(1, sizeof *E);
    E->o = opts;
    E->nic = nic;
    const opts_t *o = &E->o;

    lnn_feat feat = o->features ? LNN_FEAT_WRAP : LNN_FEAT_TRIG;
    if (dp_lnn_build(&E->lnn, feat, o->kappa, o->width, o->depth, nic) ||
        dp_mlp_build(&E->mlp, o->mlp_width, o->mlp_depth, nic))
        die("cannot build the models");
    dp_load_weights(o->lnn, E->lnn.net.theta, E->lnn.net.n_params);
    dp_load_weights(o->mlp, E->mlp.theta, E->mlp.n_params);
    double *u = xmalloc(6 * (size_t)nic * sizeof(double));
    E->c = (ctx_t){&E->lnn, &E->mlp, u, nic};

    rng_t r;
    rng_seed(&r, (uint64_t)o->seed, 5);   /* held-out initial conditions */
    for (int k = 0; k < nic; k++) {
        dp_draw_ic(E->y0 + 4 * k, &r);
        E->E0[k] = phys_dp_energy(E->y0 + 4 * k);
        E->div_l[k] = E->div_b[k] = E->div_c[k] = -1;
        E->crossings[k] = 0;
        for (int i = 0; i < 2; i++)
            E->sheet[2 * k + i] = seam_sheet(E->y0[4 * k + i]);
    }
    memcpy(E->yl, E->y0, 4 * nic * sizeof(double));
    memcpy(E->yb, E->y0, sizeof E->yl);
    memcpy(E->yc, E->y0, sizeof E->yl);
    lnn_energy(&E->lnn, nic, E->y0, NULL, E->Eth0);
    E->work = xmalloc(PHYS_RK4_WORK(4 * MAXIC) * sizeof(double));

    rollouts(E, argc, argv);
    per_ic(E, argc, argv);
    order_sweep(E, argc, argv);
    write_summary(E, argc, argv);
    fprintf(stderr, "%s: |dE|/29.4 median t=10 LNN %.3g base %.3g; t=100 LNN %.3g base %.3g; "
                    "diverged %g / %g; E_theta drift median %.2g; %.1f s\n",
            util_progname(), E->at10[0], E->at10[1], E->at100[0], E->at100[1], E->at100[4],
            E->at100[5], E->eth100_med, E->roll_sec);
    lnn_free(&E->lnn);
    mlp_free(&E->mlp);
    free(E->work);
    free(u);
    free(E);
    return 0;
}
