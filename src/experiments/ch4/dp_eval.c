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
#include "dp_common.h"

#include <time.h>

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

int main(int argc, char **argv)
{
    args_t a;
    args_init(&a, argc, argv,
              "--lnn WEIGHTS --mlp WEIGHTS [--width 128] [--depth 2] [--mlp-width W]\n"
              "       [--mlp-depth D] [--nic 40] [--tmax 100] [--dt 0.01] [--seed 0]\n"
              "       [--outdir data/ch4] [--features trig|wrap]\n"
              "Rollouts of the trained LNN and baseline on the double pendulum.\n");
    const char *lnn_path = args_string(&a, "--lnn", NULL), *mlp_path = args_string(&a, "--mlp", NULL);
    int width = (int)args_long(&a, "--width", 128), depth = (int)args_long(&a, "--depth", 2);
    int mwidth = (int)args_long(&a, "--mlp-width", width), mdepth = (int)args_long(&a, "--mlp-depth", depth);
    int nic = (int)args_long(&a, "--nic", 40);
    double tmax = args_double(&a, "--tmax", 100), dt = args_double(&a, "--dt", 0.01);
    long seed = args_long(&a, "--seed", 0);
    const char *outdir = args_string(&a, "--outdir", "data/ch4");
    lnn_feat feat = dp_parse_features(args_string(&a, "--features", "trig"));
    args_done(&a);
    if (!lnn_path || !mlp_path)
        die("--lnn and --mlp weight files are required");
    if (nic < 8 || nic > MAXIC || !(dt > 0) || !(tmax >= 10))
        die("need 8 <= --nic <= %d, --dt > 0, --tmax >= 10", MAXIC);

    lnn_t lnn;
    mlp_t mlp;
    if (dp_lnn_build(&lnn, feat, width, depth, nic) || dp_mlp_build(&mlp, mwidth, mdepth, nic))
        die("cannot build the models");
    dp_load_weights(lnn_path, lnn.net.theta, lnn.net.n_params);
    dp_load_weights(mlp_path, mlp.theta, mlp.n_params);
    double *u = xmalloc(6 * (size_t)nic * sizeof(double));
    ctx_t c = {&lnn, &mlp, u, nic};

    rng_t r;
    rng_seed(&r, (uint64_t)seed, 5);   /* held-out initial conditions */
    double y0[4 * MAXIC], yl[4 * MAXIC], yb[4 * MAXIC], yc[4 * MAXIC];
    double E0[MAXIC], Eth0[MAXIC], Eth[MAXIC];
    double div_l[MAXIC], div_b[MAXIC], div_c[MAXIC];
    long sheet[2 * MAXIC], crossings[MAXIC];   /* which 2 pi sheet each angle is on */
    for (int k = 0; k < nic; k++) {
        dp_draw_ic(y0 + 4 * k, &r);
        E0[k] = phys_dp_energy(y0 + 4 * k);
        div_l[k] = div_b[k] = div_c[k] = -1;
        crossings[k] = 0;
        for (int i = 0; i < 2; i++)
            sheet[2 * k + i] = seam_sheet(y0[4 * k + i]);
    }
    memcpy(yl, y0, 4 * nic * sizeof(double));
    memcpy(yb, y0, sizeof yl);
    memcpy(yc, y0, sizeof yl);
    lnn_energy(&lnn, nic, y0, NULL, Eth0);

    char path[512];
    snprintf(path, sizeof path, "%s/dp_energy.tsv", outdir);
    tsv_t *te = tsv_create(path, argc, argv);
    tsv_comment(te, "seed %ld; %d held-out initial conditions q0 ~ U[0,2pi)^2, qdot0 ~ U[0,0.1)^2; "
                    "RK4 dt %g to t = %g; LNN %dx%d, MLP %dx%d", seed, nic, dt, tmax, width, depth,
                mwidth, mdepth);
    tsv_comment(te, "dE = |E(x(t)) - E(x0)| / 29.4 (true energy); quantiles over initial conditions, "
                    "a diverged rollout counts as +inf (written 1e300)");
    tsv_comment(te, "control = RK4 on the closed-form dynamics; etheta = |E_theta(x(t)) - "
                    "E_theta(x0)| / 29.4 along the LNN's rollouts (non-diverged)");
    tsv_columns(te, "t\tlnn_med\tlnn_q25\tlnn_q75\tbase_med\tbase_q25\tbase_q75\tctrl_med\tctrl_max\t"
                    "lnn_div\tbase_div\tetheta_med\tetheta_max");
    snprintf(path, sizeof path, "%s/dp_traj.tsv", outdir);
    tsv_t *tt = tsv_create(path, argc, argv);
    tsv_comment(tt, "theta_1, theta_2 of held-out initial conditions 0, 1, 2 (same run as dp_energy); "
                    "true = RK4 dt %g on the closed form", dt);
    tsv_columns(tt, "t\tth1_true_0\tth1_lnn_0\tth1_base_0\tth2_true_0\tth2_lnn_0\tth2_base_0\t"
                    "th1_true_1\tth1_lnn_1\tth1_base_1\tth2_true_1\tth2_lnn_1\tth2_base_1\t"
                    "th1_true_2\tth1_lnn_2\tth1_base_2\tth2_true_2\tth2_lnn_2\tth2_base_2");

    double *work = xmalloc(PHYS_RK4_WORK(4 * MAXIC) * sizeof(double));
    long nsteps = lround(tmax / dt), every = lround(0.1 / dt);
    if (every < 1)
        every = 1;
    /* values at t = 10 and t = 100; NaN in the summary if --tmax stops short of them */
    double at10[6], at100[6];   /* med l, med b, mean l, mean b, div l, div b */
    for (int i = 0; i < 6; i++)
        at10[i] = at100[i] = NAN;
    double ctrl100 = NAN, eth100_med = NAN, eth100_max = NAN;
    double run_l = NAN, run_b = NAN;   /* runaways at t = 100: diverged, or |dE|/29.4 > 1 */
    double el[MAXIC], eb[MAXIC], ec[MAXIC], ee[MAXIC], tmp[MAXIC];
    progress_t pr;
    progress_begin(&pr, "rollouts");
    double t0 = now_seconds(), c0 = (double)clock() / CLOCKS_PER_SEC;
    for (long s = 0; s <= nsteps; s++) {
        double t = s * dt;
        if (s % every == 0) {
            int ne = 0, ndl = 0, ndb = 0;
            double suml = 0, sumb = 0;
            lnn_energy(&lnn, nic, yl, NULL, Eth);
            for (int k = 0; k < nic; k++) {
                el[k] = div_l[k] >= 0 ? INFINITY : fabs(phys_dp_energy(yl + 4 * k) - E0[k]) / PHYS_DP_EMAX;
                eb[k] = div_b[k] >= 0 ? INFINITY : fabs(phys_dp_energy(yb + 4 * k) - E0[k]) / PHYS_DP_EMAX;
                ec[k] = div_c[k] >= 0 ? INFINITY : fabs(phys_dp_energy(yc + 4 * k) - E0[k]) / PHYS_DP_EMAX;
                if (div_l[k] < 0) {
                    ee[ne++] = fabs(Eth[k] - Eth0[k]) / PHYS_DP_EMAX;
                    suml += el[k];
                } else {
                    ndl++;
                }
                if (div_b[k] < 0)
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
            double *dst = fabs(t - 10) < 1e-9 ? at10 : fabs(t - 100) < 1e-9 ? at100 : NULL;
            if (dst) {
                dst[0] = row[1];
                dst[1] = row[4];
                dst[2] = nic > ndl ? suml / (nic - ndl) : NAN;
                dst[3] = nic > ndb ? sumb / (nic - ndb) : NAN;
                dst[4] = ndl;
                dst[5] = ndb;
                if (dst == at100) {
                    run_l = run_b = 0;
                    for (int k = 0; k < nic; k++) {
                        run_l += el[k] > 1;
                        run_b += eb[k] > 1;
                    }
                    ctrl100 = row[7];
                    eth100_med = row[11];
                    eth100_max = row[12];
                }
            }
            if (t <= 20 + 1e-9) {
                double tr[19];
                tr[0] = t;
                for (int k = 0; k < 3; k++)
                    for (int i = 0; i < 2; i++) {
                        tr[1 + 6 * k + 3 * i] = yc[4 * k + i];
                        tr[2 + 6 * k + 3 * i] = div_l[k] >= 0 ? NAN : yl[4 * k + i];
                        tr[3 + 6 * k + 3 * i] = div_b[k] >= 0 ? NAN : yb[4 * k + i];
                    }
                tsv_row(tt, 19, tr);
            }
            progress_update(&pr, t, tmax, NULL);
        }
        if (s == nsteps)
            break;
        phys_rk4_step(yl, 4 * nic, t, dt, lnn_rhs, &c, work);
        phys_rk4_step(yb, 4 * nic, t, dt, mlp_rhs, &c, work);
        phys_rk4_step(yc, 4 * nic, t, dt, true_rhs, &c, work);
        check_div(yl, nic, t + dt, div_l);
        count_seams(yl, nic, div_l, sheet, crossings);
        check_div(yb, nic, t + dt, div_b);
        check_div(yc, nic, t + dt, div_c);
    }
    progress_end(&pr);
    double roll_sec = now_seconds() - t0, roll_cpu = (double)clock() / CLOCKS_PER_SEC - c0;
    tsv_finish(te);
    tsv_finish(tt);

    /* per initial condition at t = tmax: seam crossings and drifts */
    snprintf(path, sizeof path, "%s/dp_ic.tsv", outdir);
    tsv_t *ti = tsv_create(path, argc, argv);
    tsv_comment(ti, "seed %ld; LNN with %s inputs; per held-out initial condition at t = %g: seam "
                    "crossings of the LNN's rollout (q1 or q2 passing pi mod 2 pi), |E_theta drift| / "
                    "29.4, true-energy errors / 29.4 of LNN, baseline and control (RK4 on the closed form: "
                    "what a conserved quantity drifts by under this integrator; 1e300: diverged), and "
                    "the time of divergence (-1: none)", seed, feat == LNN_FEAT_WRAP ? "wrapped" : "trig",
                tmax);
    tsv_columns(ti, "ic\tcrossings\tetheta_drift\tlnn_err\tbase_err\tctrl_err\tlnn_div_t\tbase_div_t");
    lnn_energy(&lnn, nic, yl, NULL, Eth);
    double dc[MAXIC], dn[MAXIC], cc[MAXIC], cn[MAXIC];   /* E_theta drift, control error */
    int ncross = 0, nplain = 0;
    for (int k = 0; k < nic; k++) {
        double drift = div_l[k] >= 0 ? INFINITY : fabs(Eth[k] - Eth0[k]) / PHYS_DP_EMAX;
        double erl = div_l[k] >= 0 ? INFINITY : fabs(phys_dp_energy(yl + 4 * k) - E0[k]) / PHYS_DP_EMAX;
        double erb = div_b[k] >= 0 ? INFINITY : fabs(phys_dp_energy(yb + 4 * k) - E0[k]) / PHYS_DP_EMAX;
        double erc = div_c[k] >= 0 ? INFINITY : fabs(phys_dp_energy(yc + 4 * k) - E0[k]) / PHYS_DP_EMAX;
        tsv_rowv(ti, 8, (double)k, (double)crossings[k], tsvnum(drift), tsvnum(erl), tsvnum(erb),
                 tsvnum(erc), div_l[k], div_b[k]);
        if (crossings[k] > 0) {
            cc[ncross] = erc;
            dc[ncross++] = drift;
        } else {
            cn[nplain] = erc;
            dn[nplain++] = drift;
        }
    }
    tsv_finish(ti);
    double eth_cross = ncross ? dp_quantile(dc, ncross, 0.5) : NAN;
    double eth_plain = nplain ? dp_quantile(dn, nplain, 0.5) : NAN;
    double ctrl_cross = ncross ? dp_quantile(cc, ncross, 0.5) : NAN;
    double ctrl_plain = nplain ? dp_quantile(cn, nplain, 0.5) : NAN;

    /* E_theta against dt: first 8 initial conditions, T = 10 */
    snprintf(path, sizeof path, "%s/dp_order.tsv", outdir);
    tsv_t *to = tsv_create(path, argc, argv);
    tsv_comment(to, "seed %ld; LNN rollouts of the first 8 held-out initial conditions to T = 10 with "
                    "RK4 at several dt; mean over them of |E_theta(T) - E_theta(0)| / 29.4 and of the "
                    "true-energy error; theory: E_theta is conserved by the exact flow, so its error is "
                    "RK4's, O(dt^4)", seed);
    tsv_columns(to, "dt\tetheta_err\ttrue_err\tdt4_line");
    const int no = 8;
    double dts[5] = {0.08, 0.04, 0.02, 0.01, 0.005}, ord[5], anchor = 0;
    c.B = no;
    double Eth0o[8];
    lnn_energy(&lnn, no, y0, NULL, Eth0o);
    for (int h = 4; h >= 0; h--) {
        double y[4 * 8];
        memcpy(y, y0, sizeof y);
        phys_integrate(&phys_rk4, y, 4 * no, 0.0, dts[h], lround(10.0 / dts[h]), lnn_rhs, &c, work);
        double Ee[8], se = 0, st = 0;
        lnn_energy(&lnn, no, y, NULL, Ee);
        for (int k = 0; k < no; k++) {
            se += fabs(Ee[k] - Eth0o[k]) / PHYS_DP_EMAX / no;
            st += fabs(phys_dp_energy(y + 4 * k) - E0[k]) / PHYS_DP_EMAX / no;
        }
        ord[h] = se;
        if (h == 3)
            anchor = se / pow(dts[3], 4);
        tsv_rowv(to, 4, dts[h], se, st, anchor > 0 ? anchor * pow(dts[h], 4) : NAN);
    }
    tsv_finish(to);

    snprintf(path, sizeof path, "%s/dp_summary.tsv", outdir);
    tsv_t *ts = tsv_create(path, argc, argv);
    tsv_comment(ts, "seed %ld; %d held-out initial conditions; RK4 dt %g; energy errors |dE|/29.4",
                seed, nic, dt);
    tsv_columns(ts, "key\tvalue");
    tsv_kv(ts, "nic", nic);
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
    tsv_kv(ts, "lnn_runaway", run_l);
    tsv_kv(ts, "base_runaway", run_b);
    tsv_kv(ts, "ctrl_med_t100", ctrl100);
    tsv_kv(ts, "etheta_med_t100", eth100_med);
    tsv_kv(ts, "etheta_max_t100", eth100_max);
    tsv_kv(ts, "order_etheta", log2(ord[2] / ord[3]));
    tsv_kv(ts, "order_etheta_fine", log2(ord[3] / ord[4]));
    tsv_kv(ts, "etheta_err_dt01", ord[3]);
    tsv_kv(ts, "singular_lnn", (double)lnn.n_singular);
    tsv_kv(ts, "seam_ics", ncross);
    tsv_kv(ts, "etheta_med_seam", eth_cross);
    tsv_kv(ts, "etheta_med_noseam", eth_plain);
    tsv_kv(ts, "ctrl_med_seam", ctrl_cross);     /* the control from the same initial conditions */
    tsv_kv(ts, "ctrl_med_noseam", ctrl_plain);
    tsv_finish(ts);
    snprintf(path, sizeof path, "%s/dp_timing.tsv", outdir);
    ts = tsv_create(path, argc, argv);
    tsv_comment(ts, "timings of this run (not reproducible bit for bit, unlike the other files)");
    tsv_columns(ts, "key\tvalue");
    tsv_kv(ts, "rollout_seconds", roll_sec);
    tsv_kv(ts, "rollout_cpu_seconds", roll_cpu);
    tsv_finish(ts);
    fprintf(stderr, "%s: |dE|/29.4 median t=10 LNN %.3g base %.3g; t=100 LNN %.3g base %.3g; "
                    "diverged %g / %g; E_theta drift median %.2g; %.1f s\n",
            util_progname(), at10[0], at10[1], at100[0], at100[1], at100[4], at100[5], eth100_med,
            roll_sec);
    free(work);
    free(u);
    return 0;
}
