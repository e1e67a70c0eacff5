/* noether.c: a Noether-network miniature (Alet et al. 2021, workshop
 * appendix C) on HNN's ideal pendulum H = 3(1 - cos q) + p^2 and ideal spring
 * H = q^2 + p^2 (Greydanus et al. 2019, the code's conventions).
 *
 *   1. Search the library g = a f1(q) + b f2(p), f1 in {q, q^2, cos q, sin q},
 *      f2 in {p, p^2}, for quantities conserved along the true training
 *      trajectories: ratio = variance along random sequences / variance along
 *      true ones, kept when >= 100 (nn/formula.h).
 *   2. How observation noise caps that ratio: for small noise sigma the
 *      within-trajectory variance of the true H is sigma^2 E|grad H|^2 (n-1)/n,
 *      so ratio ~ (V + sigma^2 G) / (sigma^2 G (n-1)/n)   (dashed in the figure).
 *   3. Train a black-box step predictor x_{t+1} = x_t + dt f_theta(x_t) (tanh
 *      MLP, Adam) on noisy states, then tailor it per test initial condition
 *      with one gradient step on the conservation loss of the discovered g,
 *      and of the true H (the oracle); lambda swept over 10^-6 ... 10 (the
 *      paper's sweep, 10^-3 ... 10, and below, where our loss scale needs it), chosen
 *      on validation initial conditions, gains measured on test ones.
 *
 * Writes data/ch5/<tag>_{search,noise,lambda,error,phase,ic,summary}.tsv, tag "noether"
 * by default (other seeds: "noether_s1", ... for the seed check). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "core/tsv.h"
#include "core/util.h"
#include "nn/formula.h"
#include "nn/optim.h"
#include "physics/integrators.h"
#include "physics/systems.h"

enum { PEND = 0, SPRING = 1, NSYS = 2 };
static const char *sys_name[NSYS] = {"pend", "spring"};
/* initial-state radius in phase space, HNN's data generators */
static const double r_lo[NSYS] = {1.3, 0.1}, r_hi[NSYS] = {2.3, 1.0};
static const phys_field_fn field[NSYS] = {phys_pendulum_field, phys_spring_field};
static double (*const energy[NSYS])(const double *) = {phys_pendulum_energy, phys_spring_energy};
/* the true conserved quantity, scaled like the search output (b = 1) */
static const formula_cand_t oracle[NSYS] = {
    {.f1 = FORMULA_COSQ, .f2 = FORMULA_P2, .a = -3.0, .b = 1.0},
    {.f1 = FORMULA_Q2, .f2 = FORMULA_P2, .a = 1.0, .b = 1.0},
};

#define NLAMBDA 15  /* lambda = 10^k, k = -6, -5.5, ..., 1 */
#define SUBSTEPS 20 /* RK4 steps per sample interval for the ground truth */

/* True trajectory: npts states x[npts][2] sampled every dt from x0. */
static void true_traj(double *x, const double *x0, int npts, double dt, int sys)
{
    double y[2] = {x0[0], x0[1]}, work[PHYS_RK4_WORK(2)];
    double h = dt / SUBSTEPS;
    x[0] = y[0];
    x[1] = y[1];
    for (int i = 1; i < npts; i++) {
        phys_integrate(&phys_rk4, y, 2, 0.0, h, SUBSTEPS, field[sys], NULL, work);   /* autonomous */
        x[2 * i] = y[0];
        x[2 * i + 1] = y[1];
    }
}

/* HNN's initial states: a uniform direction in [-1,1]^2, normalised, times a
 * radius drawn uniformly in [r_lo, r_hi]. */
static void draw_x0(double *x0, int sys, rng_t *r)
{
    double u, v, n;
    do {
        u = 2 * rng_uniform(r) - 1;
        v = 2 * rng_uniform(r) - 1;
        n = sqrt(u * u + v * v);
    } while (n < 1e-3);
    double rad = r_lo[sys] + (r_hi[sys] - r_lo[sys]) * rng_uniform(r);
    x0[0] = rad * u / n;
    x0[1] = rad * v / n;
}

/* Random sequences: the pooled states, shuffled, cut into sequences of the
 * same lengths as the true ones. */
static void shuffled(double *xr, const double *x, size_t n, rng_t *r)
{
    size_t *idx = xmalloc(n * sizeof *idx);
    for (size_t i = 0; i < n; i++)
        idx[i] = i;
    rng_shuffle(r, idx, n);
    for (size_t i = 0; i < n; i++) {
        xr[2 * i] = x[2 * idx[i]];
        xr[2 * i + 1] = x[2 * idx[i] + 1];
    }
    free(idx);
}

static double rmse(const double *a, const double *b, int T)
{
    double s = 0;
    for (int t = 1; t <= T; t++) {
        double dq = a[2 * t] - b[2 * t], dp = a[2 * t + 1] - b[2 * t + 1];
        s += dq * dq + dp * dp;
    }
    return sqrt(s / (2.0 * T));
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* linear-interpolated quantile of sorted v[n] */
static double quantile(const double *v, int n, double q)
{
    double pos = q * (n - 1);
    int i = (int)pos;
    if (i >= n - 1)
        return v[n - 1];
    return v[i] + (pos - i) * (v[i + 1] - v[i]);
}

static void mean_sd(const double *v, int n, double *mean, double *sd)
{
    double m = 0, s = 0;
    for (int i = 0; i < n; i++)
        m += v[i];
    m /= n;
    for (int i = 0; i < n; i++)
        s += (v[i] - m) * (v[i] - m);
    *mean = m;
    *sd = n > 1 ? sqrt(s / (n - 1)) : 0;
}

int main(int argc, char **argv)
{
    args_t a;
    args_init(&a, argc, argv,
              "[--seed S] [--hidden H] [--steps N] [--lr LR] [--ntrain N]\n"
              "        [--nval N] [--ntest N] [--horizon T] [--noise SIGMA] [--out DIR] [--tag PREFIX]\n"
              "Noether-network miniature: library search, noise ceiling, test-time tailoring.");
    long seed = args_long(&a, "--seed", 2021);
    int H = (int)args_long(&a, "--hidden", 64);
    long steps = args_long(&a, "--steps", 2000);
    double lr = args_double(&a, "--lr", 1e-3);
    int ntrain = (int)args_long(&a, "--ntrain", 50);
    int nval = (int)args_long(&a, "--nval", 25);
    int ntest = (int)args_long(&a, "--ntest", 25);
    int T = (int)args_long(&a, "--horizon", 100);
    double noise = args_double(&a, "--noise", 0.1);
    const char *out = args_string(&a, "--out", "data/ch5");
    const char *tag = args_string(&a, "--tag", "noether");   /* file-name prefix */

    args_done(&a);
    if (H < 1 || steps < 1 || ntrain < 2 || nval < 2 || ntest < 2 || T < 1 || !(noise >= 0))
        die("bad arguments (see --help)");

    const double dt = 0.1;    /* sample interval; training tracks span t in [0, 3] */
    const int npts = 31;
    const double lambdas_k0 = -6.0, lambdas_dk = 0.5;
    static const double sigmas[] = {1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1, 3e-1};
    const int nsig = (int)(sizeof sigmas / sizeof sigmas[0]);

    char path[512];
#define OPEN(var, name)                                               \
    snprintf(path, sizeof path, "%s/%s_%s.tsv", out, tag, name);      \
    tsv_t *var = tsv_create(path, argc, argv);                        \
    tsv_comment(var, "seed %ld, hidden %d, steps %ld, lr %g, ntrain %d, nval %d, ntest %d, " \
                "horizon %d, noise %g, dt %g", seed, H, steps, lr, ntrain, nval, ntest, T, noise, dt)
    OPEN(ts, "search");
    tsv_comment(ts, "Alet et al. 2021 app. C: g = a f1(q) + f2(p); ratio = var(random seq) / var(true traj); block 0 pendulum, block 1 spring");
    tsv_columns(ts, "system\tk\ta\tvar_true\tvar_rand\tratio\tlabel");
    OPEN(tn, "noise");
    tsv_comment(tn, "ratio of the true H's feature pair vs observation noise; theory (V + s^2 G)/(s^2 G (n-1)/n)");
    tsv_columns(tn, "sigma\tpend_ratio\tpend_theory\tspring_ratio\tspring_theory\tpend_a\tspring_a");
    OPEN(tl, "lambda");
    tsv_comment(tl, "mean RMSE over the rollout, tailored with one step of size lambda; base = untailored; "
                    "energy = mean |H(t_end)/H(0) - 1| over test ICs");
    tsv_columns(tl, "system\tlog10_lambda\tval_disc\tval_oracle\ttest_disc\ttest_oracle\tval_base\ttest_base\t"
                    "test_energy_disc\ttest_energy_base");
    OPEN(te, "error");
    tsv_comment(te, "test initial conditions: |x_hat(t) - x(t)|, mean and quartiles over ICs, at the chosen lambdas");
    tsv_columns(te, "system\tt\tbase_mean\tbase_q25\tbase_q75\tdisc_mean\tdisc_q25\tdisc_q75\t"
                    "oracle_mean\toracle_q25\toracle_q75");
    OPEN(tp, "phase");
    tsv_comment(tp, "first test initial condition: truth, baseline, tailored with the discovered g");
    tsv_columns(tp, "system\tt\tq_true\tp_true\tq_base\tp_base\tq_disc\tp_disc\tH_true\tH_base\tH_disc");
    OPEN(tic, "ic");
    tsv_comment(tic, "per test initial condition, at the chosen lambdas: initial energy H(x0), RMSEs, |grad L_N|");
    tsv_columns(tic, "system\tic\tH0\trmse_base\trmse_disc\trmse_oracle\tgrad_norm\tL_N\tgain_disc");
    OPEN(tsum, "summary");
    tsv_columns(tsum, "key\tvalue");
#undef OPEN

    size_t nstates = (size_t)ntrain * npts;
    double *x = xmalloc(2 * nstates * sizeof *x), *xr = xmalloc(2 * nstates * sizeof *x);
    double *xn = xmalloc(2 * nstates * sizeof *x);
    size_t *start = xmalloc((ntrain + 1) * sizeof *start);
    for (int s = 0; s <= ntrain; s++)
        start[s] = (size_t)s * npts;
    size_t np = FORMULA_PRED_NPARAMS(H);
    int nwork = T + 1 > (int)nstates ? T + 1 : (int)nstates;
    double *ws = xmalloc(FORMULA_PRED_WORK(H, nwork) * sizeof *ws);
    double *theta = xmalloc(np * sizeof *theta), *grad = xmalloc(np * sizeof *grad);
    double *m1 = xmalloc(np * sizeof *m1), *m2 = xmalloc(np * sizeof *m2);
    double *th2 = xmalloc(np * sizeof *th2), *gN = xmalloc(2 * np * sizeof *gN);
    int nic = nval + ntest;
    double *truth = xmalloc((size_t)nic * 2 * (T + 1) * sizeof *truth);
    double *roll = xmalloc(2 * (size_t)(T + 1) * sizeof *roll);
    /* errs[which][ic][t]: which 0 base, 1 disc (chosen lambda), 2 oracle */
    double *errs = xmalloc(3 * (size_t)ntest * (T + 1) * sizeof *errs);
    double *r_lam = xmalloc(2 * NLAMBDA * (size_t)nic * sizeof *r_lam);
    double *r_base = xmalloc((size_t)nic * sizeof *r_base);
    double *X = xmalloc(2 * nstates * sizeof *X), *Y = xmalloc(2 * nstates * sizeof *Y);
    double noise_ratio[NSYS][8], noise_theory[NSYS][8], noise_a[NSYS][8];
    progress_t prog;
    progress_begin(&prog, "noether");

    for (int sys = 0; sys < NSYS; sys++) {
        rng_t rd, rs, rn, ri, rt;
        rng_seed(&rd, (uint64_t)seed, 10 + sys);   /* training initial states */
        rng_seed(&rs, (uint64_t)seed, 20 + sys);   /* random-sequence shuffles */
        rng_seed(&rn, (uint64_t)seed, 30 + sys);   /* observation noise */
        rng_seed(&ri, (uint64_t)seed, 40 + sys);   /* network init */
        rng_seed(&rt, (uint64_t)seed, 50 + sys);   /* validation and test initial states */
        const char *nm = sys_name[sys];
        char key[96];
#define KV(suffix, v) (snprintf(key, sizeof key, "%s_%s", nm, suffix), tsv_kv(tsum, key, (v)))

        /* ---------------- data: clean trajectories */
        for (int s = 0; s < ntrain; s++) {
            double x0[2];
            draw_x0(x0, sys, &rd);
            true_traj(x + 2 * start[s], x0, npts, dt, sys);
        }

        /* ---------------- 1. library search on the clean trajectories */
        shuffled(xr, x, nstates, &rs);
        formula_cand_t cand[FORMULA_NCAND];
        if (formula_search(cand, x, start, ntrain, xr, start, ntrain))
            die("%s: formula_search failed (degenerate data)", nm);
        int best = 0, naccept = 0, second = -1;
        for (int k = 0; k < FORMULA_NCAND; k++) {
            char label[64];
            snprintf(label, sizeof label, "%s, %s", formula_feature_name(cand[k].f1),
                     formula_feature_name(cand[k].f2));
            tsv_line(ts, "%d\t%d\t%.17g\t%.17g\t%.17g\t%.17g\t%s", sys, k, cand[k].a,
                     cand[k].var_true, cand[k].var_rand, cand[k].ratio, label);
            naccept += cand[k].ratio >= 100;
            if (cand[k].ratio > cand[best].ratio)
                best = k;
        }
        if (sys + 1 < NSYS) {       /* one gnuplot data block per system */
            tsv_line(ts, "%s", "");
            tsv_line(ts, "%s", "");
        }
        for (int k = 0; k < FORMULA_NCAND; k++)
            if (k != best && (second < 0 || cand[k].ratio > cand[second].ratio))
                second = k;
        if (cand[best].ratio < 100)
            die("%s: no candidate reaches the ratio 100 (best %g)", nm, cand[best].ratio);
        formula_cand_t disc = cand[best];
        char text[128];
        formula_cand_format(text, sizeof text, &disc, 4);
        snprintf(key, sizeof key, "%s_formula", nm);
        tsv_kv_text(tsum, key, text);
        formula_cand_format(text, sizeof text, &cand[second], 3);
        snprintf(key, sizeof key, "%s_second_formula", nm);
        tsv_kv_text(tsum, key, text);
        KV("a", disc.a);
        KV("ratio", disc.ratio);
        KV("second_ratio", cand[second].ratio);
        KV("n_accepted", naccept);
        int k_true = -1;
        for (int k = 0; k < FORMULA_NCAND; k++)
            if (cand[k].f1 == oracle[sys].f1 && cand[k].f2 == oracle[sys].f2)
                k_true = k;
        KV("found_true_pair", best == k_true);

        /* ---------------- 2. the noise ceiling */
        {
            double V = 0, G = 0, mean = 0;
            for (size_t i = 0; i < nstates; i++)
                mean += formula_cand_eval(&oracle[sys], x[2 * i], x[2 * i + 1]);
            mean /= (double)nstates;
            for (size_t i = 0; i < nstates; i++) {
                double d = formula_cand_eval(&oracle[sys], x[2 * i], x[2 * i + 1]) - mean, gq, gp;
                formula_cand_grad(&oracle[sys], x[2 * i], x[2 * i + 1], &gq, &gp);
                V += d * d;
                G += gq * gq + gp * gp;
            }
            V /= (double)nstates;
            G /= (double)nstates;
            for (int j = 0; j < nsig; j++) {
                double s = sigmas[j];
                for (size_t i = 0; i < 2 * nstates; i++)
                    xn[i] = x[i] + s * rng_normal(&rn);
                shuffled(xr, xn, nstates, &rs);
                formula_cand_t c2[FORMULA_NCAND];
                if (formula_search(c2, xn, start, ntrain, xr, start, ntrain))
                    die("%s: formula_search failed on noisy data", nm);
                noise_ratio[sys][j] = c2[k_true].ratio;
                noise_a[sys][j] = c2[k_true].a;
                noise_theory[sys][j] =
                    (V + s * s * G) / (s * s * G * (npts - 1) / (double)npts);
                if (s == 0.1) {
                    KV("ratio_noise01", c2[k_true].ratio);
                    KV("a_noise01", c2[k_true].a);
                }
            }
            /* sigma at which the theory ratio falls to 100 */
            KV("sigma_at_100", sqrt(V / (G * (100.0 * (npts - 1) / npts - 1.0))));
        }

        /* ---------------- 3. train the black-box step predictor */
        size_t B = (size_t)ntrain * (npts - 1);
        for (int s = 0; s < ntrain; s++)
            for (int i = 0; i + 1 < npts; i++) {
                size_t r = (size_t)s * (npts - 1) + i, k = start[s] + i;
                for (int c = 0; c < 2; c++) {
                    X[2 * r + c] = x[2 * k + c] + noise * rng_normal(&rn);
                    Y[2 * r + c] = (x[2 * (k + 1) + c] - x[2 * k + c]) / dt;
                }
            }
        formula_pred_init(theta, H, &ri);
        memset(m1, 0, np * sizeof *m1);
        memset(m2, 0, np * sizeof *m2);
        double loss = 0;
        for (long it = 1; it <= steps; it++) {
            loss = formula_pred_mse(grad, theta, H, X, Y, (int)B, ws);
            opt_adam_step(theta, grad, m1, m2, np, it, lr, 0.9, 0.999, 1e-8, 1e-4, OPT_WD_COUPLED);
            if (it % 50 == 0) {
                char note[64];
                snprintf(note, sizeof note, "%s loss %.4g", nm, loss);
                progress_update(&prog, sys + 0.5 * it / (double)steps, NSYS, note);
            }
        }
        KV("train_mse", formula_pred_mse(NULL, theta, H, X, Y, (int)B, ws));

        /* ---------------- 4. tailoring on validation and test initial conditions */
        for (int ic = 0; ic < nic; ic++) {
            double x0[2];
            draw_x0(x0, sys, &rt);
            true_traj(truth + (size_t)ic * 2 * (T + 1), x0, T + 1, dt, sys);
        }
        const formula_cand_t *gs[2] = {&disc, &oracle[sys]};
        double e_lam[NLAMBDA] = {0}, e_base = 0;   /* mean |H(t_end)/H(0) - 1| on test ICs */
        double gmin = 0, gmax = 0;                 /* range of |grad L_N| over test ICs */
        double *gnorm = xmalloc((size_t)ntest * sizeof *gnorm);
        double *lnoe = xmalloc((size_t)ntest * sizeof *lnoe);   /* L_N before the step */
        for (int ic = 0; ic < nic; ic++) {
            const double *tr = truth + (size_t)ic * 2 * (T + 1);
            formula_pred_rollout(roll, theta, H, tr, T, dt, ws);
            r_base[ic] = rmse(roll, tr, T);
            if (ic >= nval)
                e_base += fabs(energy[sys](roll + 2 * T) / energy[sys](tr) - 1) / ntest;
            double LN0 = 0;
            for (int w = 0; w < 2; w++) {
                double L = formula_pred_noether(gN + w * np, theta, H, tr, T, dt, gs[w], ws);
                if (w == 0)
                    LN0 = L;
            }
            if (ic >= nval) {
                lnoe[ic - nval] = LN0;
                double gn = 0;
                for (size_t i = 0; i < np; i++)
                    gn += gN[i] * gN[i];
                gn = sqrt(gn);
                gnorm[ic - nval] = gn;
                if (ic == nval || gn < gmin)
                    gmin = gn;
                if (ic == nval || gn > gmax)
                    gmax = gn;
            }
            for (int l = 0; l < NLAMBDA; l++) {
                double lam = pow(10.0, lambdas_k0 + lambdas_dk * l);
                for (int w = 0; w < 2; w++) {
                    for (size_t i = 0; i < np; i++)
                        th2[i] = theta[i] - lam * gN[w * np + i];
                    formula_pred_rollout(roll, th2, H, tr, T, dt, ws);
                    double r = rmse(roll, tr, T);
                    r_lam[((size_t)w * NLAMBDA + l) * nic + ic] = isfinite(r) ? r : INFINITY;
                    if (w == 0 && ic >= nval)
                        e_lam[l] += fabs(energy[sys](roll + 2 * T) / energy[sys](tr) - 1) / ntest;
                }
            }
            progress_update(&prog, sys + 0.5 + 0.5 * (ic + 1) / (double)nic, NSYS, nm);
        }
        /* choose lambda per g on validation ICs (mean RMSE) */
        int lbest[2] = {0, 0};
        double mval[2][NLAMBDA], mtest[2][NLAMBDA], vb = 0, tb = 0;
        for (int ic = 0; ic < nval; ic++)
            vb += r_base[ic] / nval;
        for (int ic = nval; ic < nic; ic++)
            tb += r_base[ic] / ntest;
        for (int w = 0; w < 2; w++)
            for (int l = 0; l < NLAMBDA; l++) {
                mval[w][l] = mtest[w][l] = 0;
                for (int ic = 0; ic < nval; ic++)
                    mval[w][l] += r_lam[((size_t)w * NLAMBDA + l) * nic + ic] / nval;
                for (int ic = nval; ic < nic; ic++)
                    mtest[w][l] += r_lam[((size_t)w * NLAMBDA + l) * nic + ic] / ntest;
                if (mval[w][l] < mval[w][lbest[w]])
                    lbest[w] = l;
            }
        for (int l = 0; l < NLAMBDA; l++)
            tsv_rowv(tl, 10, (double)sys, lambdas_k0 + lambdas_dk * l, mval[0][l], mval[1][l],
                     mtest[0][l], mtest[1][l], vb, tb, e_lam[l], e_base);
        {
            /* the lambda that best conserves the true energy, and what it does to the RMSE */
            int le = 0;
            for (int l = 1; l < NLAMBDA; l++)
                if (e_lam[l] < e_lam[le])
                    le = l;
            KV("grad_norm_min", gmin);
            KV("grad_norm_max", gmax);
            KV("energy_err_base", e_base);
            KV("energy_err_chosen", e_lam[lbest[0]]);
            KV("energy_err_best", e_lam[le]);
            KV("log10_lambda_energy", lambdas_k0 + lambdas_dk * le);
            KV("rmse_at_energy_lambda", mtest[0][le]);
        }
        /* test results at the chosen lambdas: per-IC gains */
        double *gain = xmalloc((size_t)ntest * sizeof *gain);
        const char *wn[2] = {"disc", "oracle"};
        for (int w = 0; w < 2; w++) {
            double mean, sd, rm, rsd;
            double *rt_ = xmalloc((size_t)ntest * sizeof *rt_);
            for (int i = 0; i < ntest; i++) {
                rt_[i] = r_lam[((size_t)w * NLAMBDA + lbest[w]) * nic + nval + i];
                gain[i] = 1.0 - rt_[i] / r_base[nval + i];
            }
            mean_sd(gain, ntest, &mean, &sd);
            {
                double *gs_ = xmalloc((size_t)ntest * sizeof *gs_);
                memcpy(gs_, gain, (size_t)ntest * sizeof *gs_);
                qsort(gs_, ntest, sizeof *gs_, cmp_double);
                char k3[64];
                snprintf(k3, sizeof k3, "gain_%s_ic_median", wn[w]);
                KV(k3, quantile(gs_, ntest, 0.5));
                snprintf(k3, sizeof k3, "gain_%s_ic_q25", wn[w]);
                KV(k3, quantile(gs_, ntest, 0.25));
                snprintf(k3, sizeof k3, "gain_%s_ic_q75", wn[w]);
                KV(k3, quantile(gs_, ntest, 0.75));
                free(gs_);
            }
            mean_sd(rt_, ntest, &rm, &rsd);
            char k2[64];
            snprintf(k2, sizeof k2, "rmse_%s", wn[w]);
            KV(k2, rm);
            snprintf(k2, sizeof k2, "rmse_%s_sd", wn[w]);
            KV(k2, rsd);
            snprintf(k2, sizeof k2, "gain_%s", wn[w]);    /* 1 - mean tailored / mean base */
            KV(k2, 1.0 - rm / tb);
            snprintf(k2, sizeof k2, "gain_%s_ic_mean", wn[w]);
            KV(k2, mean);
            snprintf(k2, sizeof k2, "gain_%s_ic_sd", wn[w]);
            KV(k2, sd);
            snprintf(k2, sizeof k2, "gain_%s_ic_sem", wn[w]);
            KV(k2, sd / sqrt((double)ntest));
            int nbetter = 0;
            for (int i = 0; i < ntest; i++)
                nbetter += gain[i] > 0;
            snprintf(k2, sizeof k2, "n_better_%s", wn[w]);
            KV(k2, nbetter);
            snprintf(k2, sizeof k2, "log10_lambda_%s", wn[w]);
            KV(k2, lambdas_k0 + lambdas_dk * lbest[w]);
            free(rt_);
        }
        free(gain);
        for (int i = 0; i < ntest; i++) {
            const double *tr = truth + (size_t)(nval + i) * 2 * (T + 1);
            double rd = r_lam[((size_t)0 * NLAMBDA + lbest[0]) * nic + nval + i];
            tsv_rowv(tic, 9, (double)sys, (double)i, energy[sys](tr), r_base[nval + i], rd,
                     r_lam[((size_t)1 * NLAMBDA + lbest[1]) * nic + nval + i], gnorm[i], lnoe[i],
                     1.0 - rd / r_base[nval + i]);
        }
        {
            /* split the test ICs at the median initial energy: where does tailoring help? */
            double *h0 = xmalloc((size_t)ntest * sizeof *h0), *tmp = xmalloc((size_t)ntest * sizeof *tmp);
            for (int i = 0; i < ntest; i++) {
                h0[i] = energy[sys](truth + (size_t)(nval + i) * 2 * (T + 1));
                tmp[i] = h0[i];
            }
            qsort(tmp, ntest, sizeof *tmp, cmp_double);
            double hmed = quantile(tmp, ntest, 0.5);
            int nlo = 0, nhi = 0, blo = 0, bhi = 0;
            double *llo = xmalloc((size_t)ntest * sizeof *llo), *lhi = xmalloc((size_t)ntest * sizeof *lhi);
            for (int i = 0; i < ntest; i++) {
                int better = r_lam[((size_t)0 * NLAMBDA + lbest[0]) * nic + nval + i] < r_base[nval + i];
                if (h0[i] < hmed) {
                    llo[nlo++] = lnoe[i];
                    blo += better;
                } else {
                    lhi[nhi++] = lnoe[i];
                    bhi += better;
                }
            }
            qsort(llo, nlo, sizeof *llo, cmp_double);
            qsort(lhi, nhi, sizeof *lhi, cmp_double);
            KV("H0_median", hmed);
            KV("n_lower", nlo);
            KV("n_upper", nhi);
            KV("n_better_lower", blo);
            KV("n_better_upper", bhi);
            KV("LN_median_lower", quantile(llo, nlo, 0.5));
            KV("LN_median_upper", quantile(lhi, nhi, 0.5));
            free(h0); free(tmp); free(llo); free(lhi);
        }
        free(gnorm);
        free(lnoe);
        {
            double md = 0, mo = 0;
            for (int i = nval; i < nic; i++) {
                md += r_lam[((size_t)0 * NLAMBDA + lbest[0]) * nic + i];
                mo += r_lam[((size_t)1 * NLAMBDA + lbest[1]) * nic + i];
            }
            KV("disc_oracle_reldiff", fabs(md - mo) / mo);
        }
        {
            double rm, rsd;
            mean_sd(r_base + nval, ntest, &rm, &rsd);
            KV("rmse_base", rm);
            KV("rmse_base_sd", rsd);
        }
        /* error against time on test ICs, and the phase portrait of the first */
        double err_across = 0, err_total = 0;
        for (int i = 0; i < ntest; i++) {
            const double *tr = truth + (size_t)(nval + i) * 2 * (T + 1);
            for (int w = 0; w < 3; w++) {
                const double *src = theta;
                if (w > 0) {
                    formula_pred_noether(gN, theta, H, tr, T, dt, gs[w - 1], ws);
                    double lam = pow(10.0, lambdas_k0 + lambdas_dk * lbest[w - 1]);
                    for (size_t j = 0; j < np; j++)
                        th2[j] = theta[j] - lam * gN[j];
                    src = th2;
                }
                formula_pred_rollout(roll, src, H, tr, T, dt, ws);
                for (int t = 0; t <= T; t++) {
                    double dq = roll[2 * t] - tr[2 * t], dp = roll[2 * t + 1] - tr[2 * t + 1];
                    errs[((size_t)w * ntest + i) * (T + 1) + t] = sqrt(dq * dq + dp * dp);
                    if (w == 0 && t > 0) {
                        /* split the untailored error into its part across the level sets
                         * of H (for the spring: the radius error) and the rest */
                        double dr = sqrt(energy[sys](roll + 2 * t)) - sqrt(energy[sys](tr + 2 * t));
                        err_across += dr * dr;
                        err_total += dq * dq + dp * dp;
                    }
                }
                if (i == 0 && w != 2) {
                    /* keep base (w = 0) and disc (w = 1) rollouts in xn for the phase file */
                    memcpy(xn + (size_t)w * 2 * (T + 1), roll, 2 * (size_t)(T + 1) * sizeof *roll);
                }
            }
            if (i == 0)
                for (int t = 0; t <= T; t++) {
                    const double *b = xn, *d = xn + 2 * (T + 1);
                    tsv_rowv(tp, 11, (double)sys, t * dt, tr[2 * t], tr[2 * t + 1], b[2 * t],
                             b[2 * t + 1], d[2 * t], d[2 * t + 1],
                             energy[sys](tr + 2 * t), energy[sys](b + 2 * t),
                             energy[sys](d + 2 * t));
                }
        }
        if (sys == SPRING)
            KV("radial_fraction", err_across / err_total);
        {
            double *col = xmalloc((size_t)ntest * sizeof *col);
            for (int t = 0; t <= T; t++) {
                double row[11];
                row[0] = sys;
                row[1] = t * dt;
                for (int w = 0; w < 3; w++) {
                    double m = 0;
                    for (int i = 0; i < ntest; i++) {
                        col[i] = errs[((size_t)w * ntest + i) * (T + 1) + t];
                        m += col[i];
                    }
                    qsort(col, ntest, sizeof *col, cmp_double);
                    row[2 + 3 * w] = m / ntest;
                    row[3 + 3 * w] = quantile(col, ntest, 0.25);
                    row[4 + 3 * w] = quantile(col, ntest, 0.75);
                }
                tsv_row(te, 11, row);
            }
            free(col);
        }
#undef KV
    }
    for (int j = 0; j < nsig; j++)
        tsv_rowv(tn, 7, sigmas[j], noise_ratio[PEND][j], noise_theory[PEND][j],
                 noise_ratio[SPRING][j], noise_theory[SPRING][j], noise_a[PEND][j],
                 noise_a[SPRING][j]);
    progress_end(&prog);
    tsv_kv(tsum, "n_val", nval);
    tsv_kv(tsum, "n_test", ntest);
    tsv_kv(tsum, "n_train", ntrain);
    tsv_kv(tsum, "horizon", T);
    tsv_kv(tsum, "horizon_time", T * dt);
    tsv_kv(tsum, "noise", noise);
    tsv_kv(tsum, "hidden", H);
    tsv_kv(tsum, "steps", (double)steps);
    tsv_kv(tsum, "n_candidates", FORMULA_NCAND);
    tsv_finish(ts);
    tsv_finish(tn);
    tsv_finish(tl);
    tsv_finish(te);
    tsv_finish(tp);
    tsv_finish(tic);
    tsv_finish(tsum);
    free(x); free(xr); free(xn); free(start); free(ws); free(theta); free(grad); free(m1);
    free(m2); free(th2); free(gN); free(truth); free(roll); free(errs); free(r_lam);
    free(r_base); free(X); free(Y);
    return 0;
}
