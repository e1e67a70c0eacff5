/* noether.c: a Noether-network miniature (Alet et al. 2021, workshop
 * appendix C) on HNN's ideal pendulum H = 3(1 - cos q) + p^2 and ideal spring
 * H = q^2 + p^2 (Greydanus et al. 2019, the code's conventions).
 *
 *   1. Search the library g = a f1 + b f2, f1 in {q, q^2, cos q, sin q, cos 2q,
 *      q p, q^2 p^2}, f2 in {p, p^2, p^4, |p|} (nn/formula.h), for quantities
 *      conserved along the training trajectories: ratio = variance along
 *      random sequences / variance along true ones, kept when >= 100.  Once on
 *      the clean trajectories, once on the noisy states the predictor trains
 *      on; the noisy search's best pair is the one tailoring uses.
 *   2. How observation noise caps that ratio: for small noise sigma the
 *      within-trajectory variance of the true H is sigma^2 E|grad H|^2 (n-1)/n,
 *      so ratio ~ (V + sigma^2 G) / (sigma^2 G (n-1)/n)   (dashed in the figure).
 *   3. Train a black-box step predictor x_{t+1} = x_t + dt f_theta(x_t) (tanh
 *      MLP, Adam) on noisy states, then tailor it per test initial condition
 *      with one gradient step on the conservation loss of the g found on noisy data,
 *      and of the true H (the oracle); lambda swept over 10^-6 ... 10 (the
 *      paper's sweep, 10^-3 ... 10, and below, where our loss scale needs it), chosen
 *      on validation initial conditions, gains measured on test ones.
 *
 * Writes <out>/<tag>_{search,noise,lambda,error,phase,ic,formulas,summary}.tsv
 * (the Makefile: data/ch5/noether/s<k>_..., one run per seed). */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/args.h"
#include "core/rng.h"
#include "core/stats.h"
#include "core/tsv.h"
#include "core/util.h"
#include "nn/formula.h"
#include "nn/noether_meta.h"
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

#define NG 3       /* conserved quantities tailored with: found formula, true H, g_phi */
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

typedef struct {
    long seed, steps;
    int hidden, ntrain, nval, ntest, horizon, batch;
    int ghidden, meta_steps, meta_batch;
    double lr, noise, meta_lr, meta_lambda;
    const char *out, *tag;
} opts_t;

static const double dt = 0.1;    /* sample interval; training tracks span t in [0, 3] */
enum { NPTS = 31 };
static const double lambdas_k0 = -6.0, lambdas_dk = 0.5;
static const double sigmas[] = {1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1, 3e-1};
#define NSIG ((int)(sizeof sigmas / sizeof sigmas[0]))

/* Everything the experiments share: the options, the output files, the
 * work arrays (sized once for both systems) and the noise table. */
typedef struct {
    opts_t o;
    tsv_t *ts, *tn, *tl, *te, *tp, *tic, *tform, *tsum;
    size_t nstates, np, *start;
    int nic;
    double *x, *xo, *xr, *xn, *ws, *theta, *grad, *m1, *m2, *th2, *gN, *truth, *roll, *errs;
    double *phi, *gphi, *pm1, *pm2;   /* g_phi and its Adam moments */
    nmeta_t Mtest;                    /* g_phi's tailoring gradient at test time */
    tsv_t *tmeta, *tlev;
    double *r_lam, *r_base, *X, *Y;
    double noise_ratio[NSYS][NSIG], noise_theory[NSYS][NSIG], noise_a[NSYS][NSIG];
    progress_t prog;
} run_t;

/* "<system>_<suffix>  value" in the summary. */
static void kv(const run_t *R, int sys, const char *suffix, double v)
{
    char key[96];
    snprintf(key, sizeof key, "%s_%s", sys_name[sys], suffix);
    tsv_kv(R->tsum, key, v);
}

/* RMSE of the rollouts tailored with g_w at lambda index l, test IC i. */
static double r_at(const run_t *R, int w, int l, int ic)
{
    return R->r_lam[((size_t)w * NLAMBDA + l) * R->nic + ic];
}

static tsv_t *open_file(const run_t *R, const char *name, int argc, char **argv)
{
    const opts_t *o = &R->o;
    tsv_t *t = tsv_createf(argc, argv, "%s/%s_%s.tsv", o->out, o->tag, name);
    tsv_comment(t, "seed %ld, hidden %d, steps %ld, lr %g, ntrain %d, nval %d, ntest %d, "
                "horizon %d, noise %g, dt %g", o->seed, o->hidden, o->steps, o->lr, o->ntrain,
                o->nval, o->ntest, o->horizon, o->noise, dt);
    return t;
}

/* The output files: which tsv_t of run_t, the name (OUT/TAG_NAME.tsv), up
 * to two comments and the columns. */
static const struct {
    size_t at;
    const char *name, *comment[2], *columns;
} out_files[] = {
    {offsetof(run_t, ts), "search",
     {"Alet et al. 2021 app. C: g = a f1(q) + f2(p); ratio = var(random seq) / var(true traj); block 0 pendulum, block 1 spring",
      "clean: on the noise-free training trajectories; noisy: on the noisy states the predictor trains on"},
     "system\tk\ta_clean\tratio_clean\ta_noisy\tratio_noisy\tis_true\tlabel"},
    {offsetof(run_t, tn), "noise",
     {"ratio of the true H's feature pair vs observation noise; theory (V + s^2 G)/(s^2 G (n-1)/n)"},
     "sigma\tpend_ratio\tpend_theory\tspring_ratio\tspring_theory\tpend_a\tspring_a"},
    {offsetof(run_t, tl), "lambda",
     {"mean RMSE over the rollout, tailored with one step of size lambda; base = untailored; "
      "energy = mean |H(t_end)/H(0) - 1| over test ICs"},
     "system\tlog10_lambda\tval_disc\tval_oracle\ttest_disc\ttest_oracle\tval_base\ttest_base\t"
     "test_energy_disc\ttest_energy_base\tval_meta\ttest_meta"},
    {offsetof(run_t, te), "error",
     {"test initial conditions: |x_hat(t) - x(t)|, mean and quartiles over ICs, at the chosen lambdas"},
     "system\tt\tbase_mean\tbase_q25\tbase_q75\tdisc_mean\tdisc_q25\tdisc_q75\t"
     "oracle_mean\toracle_q25\toracle_q75\tmeta_mean\tmeta_q25\tmeta_q75"},
    {offsetof(run_t, tp), "phase",
     {"first test initial condition: truth, baseline, tailored with the discovered g"},
     "system\tt\tq_true\tp_true\tq_base\tp_base\tq_disc\tp_disc\tH_true\tH_base\tH_disc"},
    {offsetof(run_t, tic), "ic",
     {"per test initial condition, at the chosen lambdas: initial energy H(x0), RMSEs, |grad L_N|"},
     "system\tic\tH0\trmse_base\trmse_disc\trmse_oracle\tgrad_norm\tL_N\tgain_disc"},
    {offsetof(run_t, tmeta), "meta",
     {"meta-training of g_phi (Alet et al. 2021, Alg. 1): mean outer loss (prediction MSE after one "
      "tailoring step) over each step's training tracks; base = the same without tailoring"},
     "system\tstep\touter\tbase"},
    {offsetof(run_t, tlev), "levels",
     {"g_phi on a grid, standardised by its mean and sd over the clean training states (g_std), and H"},
     "system\tq\tp\tg_std\tH"},
    {offsetof(run_t, tform), "formulas",
     {"the best and second-best pairs of each search, as text (they differ by seed)"},
     "key\tvalue"},
    {offsetof(run_t, tsum), "summary", {NULL}, "key\tvalue"},
};

static void open_files(run_t *R, int argc, char **argv)
{
    for (size_t i = 0; i < sizeof out_files / sizeof out_files[0]; i++) {
        tsv_t *t = open_file(R, out_files[i].name, argc, argv);
        for (int c = 0; c < 2 && out_files[i].comment[c]; c++)
            tsv_comment(t, "%s", out_files[i].comment[c]);
        tsv_columns(t, out_files[i].columns);
        *(tsv_t **)((char *)R + out_files[i].at) = t;
    }
}

static void alloc_work(run_t *R)
{
    const int H = R->o.hidden, T = R->o.horizon, ntest = R->o.ntest;
    size_t n2 = 2 * R->nstates;
    R->nic = R->o.nval + ntest;
    R->x = xmalloc(n2 * sizeof *R->x);
    R->xr = xmalloc(n2 * sizeof *R->x);
    R->xo = xmalloc(n2 * sizeof *R->x);
    R->xn = xmalloc(n2 * sizeof *R->x);
    R->start = xmalloc((R->o.ntrain + 1) * sizeof *R->start);
    for (int s = 0; s <= R->o.ntrain; s++)
        R->start[s] = (size_t)s * NPTS;
    R->np = FORMULA_PRED_NPARAMS(H);
    int nwork = T + 1 > (int)R->nstates ? T + 1 : (int)R->nstates;
    R->ws = xmalloc(FORMULA_PRED_WORK(H, nwork) * sizeof *R->ws);
    R->theta = xmalloc(R->np * sizeof *R->theta);
    R->grad = xmalloc(R->np * sizeof *R->grad);
    R->m1 = xmalloc(R->np * sizeof *R->m1);
    R->m2 = xmalloc(R->np * sizeof *R->m2);
    R->th2 = xmalloc(R->np * sizeof *R->th2);
    R->gN = xmalloc(NG * R->np * sizeof *R->gN);
    R->truth = xmalloc((size_t)R->nic * 2 * (T + 1) * sizeof *R->truth);
    R->roll = xmalloc(2 * (size_t)(T + 1) * sizeof *R->roll);
    /* errs[which][ic][t]: which 0 base, 1 disc (chosen lambda), 2 oracle */
    R->errs = xmalloc((NG + 1) * (size_t)ntest * (T + 1) * sizeof *R->errs);
    R->r_lam = xmalloc(NG * NLAMBDA * (size_t)R->nic * sizeof *R->r_lam);
    R->r_base = xmalloc((size_t)R->nic * sizeof *R->r_base);
    R->X = xmalloc(n2 * sizeof *R->X);
    size_t ng = NMETA_G_NPARAMS(R->o.ghidden);
    R->phi = xmalloc(ng * sizeof *R->phi);
    R->gphi = xmalloc(ng * sizeof *R->gphi);
    R->pm1 = xmalloc(ng * sizeof *R->pm1);
    R->pm2 = xmalloc(ng * sizeof *R->pm2);
    nmeta_cfg_t mc = {.H = H, .G = R->o.ghidden, .T = T, .To = 1, .dt = dt};
    if (nmeta_create(&R->Mtest, &mc))
        die("nmeta_create failed");
    R->Y = xmalloc(n2 * sizeof *R->Y);
}

static void free_work(run_t *R)
{
    double *p[] = {R->x, R->xo, R->xr, R->xn, R->ws, R->theta, R->grad, R->m1, R->m2, R->th2, R->gN,
                   R->truth, R->roll, R->errs, R->r_lam, R->r_base, R->X, R->Y,
                   R->phi, R->gphi, R->pm1, R->pm2};
    nmeta_free(&R->Mtest);
    for (size_t i = 0; i < sizeof p / sizeof *p; i++)
        free(p[i]);
    free(R->start);
}

/* 1. Library search on states x (clean, or the noisy states the predictor
 * trains on): scores every pair into cand, returns the best; keys
 * <sys>_<pre>{a,ratio,second_ratio,n_accepted,found_true_pair,true_ratio} in
 * the summary and the formulas as text in the formulas file. */
static int search_library(run_t *R, int sys, const double *x, rng_t *rs, const char *pre,
                          formula_cand_t cand[FORMULA_NCAND])
{
    const char *nm = sys_name[sys];
    const int ntrain = R->o.ntrain;
    shuffled(R->xr, x, R->nstates, rs);
    if (formula_search(cand, x, R->start, ntrain, R->xr, R->start, ntrain))
        die("%s: formula_search failed (degenerate data)", nm);
    int best = 0, naccept = 0, second = -1, k_true = -1;
    for (int k = 0; k < FORMULA_NCAND; k++) {
        naccept += cand[k].ratio >= 100;
        if (cand[k].ratio > cand[best].ratio)
            best = k;
        if (cand[k].f1 == oracle[sys].f1 && cand[k].f2 == oracle[sys].f2)
            k_true = k;
    }
    for (int k = 0; k < FORMULA_NCAND; k++)
        if (k != best && (second < 0 || cand[k].ratio > cand[second].ratio))
            second = k;
    char text[128], key[96], suf[64];
    formula_cand_format(text, sizeof text, &cand[best], 4);
    snprintf(key, sizeof key, "%s_%sformula", nm, pre);
    tsv_kv_text(R->tform, key, text);
    formula_cand_format(text, sizeof text, &cand[second], 3);
    snprintf(key, sizeof key, "%s_%ssecond_formula", nm, pre);
    tsv_kv_text(R->tform, key, text);
#define KVP(name, v) (snprintf(suf, sizeof suf, "%s%s", pre, name), kv(R, sys, suf, (v)))
    KVP("a", cand[best].a);
    KVP("ratio", cand[best].ratio);
    KVP("second_ratio", cand[second].ratio);
    KVP("n_accepted", naccept);
    KVP("found_true_pair", best == k_true);
    KVP("true_ratio", cand[k_true].ratio);
    KVP("true_a", cand[k_true].a);
    int rank = 1;
    for (int k = 0; k < FORMULA_NCAND; k++)
        rank += cand[k].ratio > cand[k_true].ratio;
    KVP("true_rank", rank);
#undef KVP
    return best;
}

/* The search table: one row per pair, clean and noisy side by side; one
 * gnuplot data block per system. */
static void write_search(run_t *R, int sys, const formula_cand_t *clean,
                         const formula_cand_t *noisy)
{
    for (int k = 0; k < FORMULA_NCAND; k++) {
        char label[64];
        snprintf(label, sizeof label, "%s, %s", formula_feature_name(clean[k].f1),
                 formula_feature_name(clean[k].f2));
        int is_true = clean[k].f1 == oracle[sys].f1 && clean[k].f2 == oracle[sys].f2;
        tsv_line(R->ts, "%d\t%d\t%.17g\t%.17g\t%.17g\t%.17g\t%d\t%s", sys, k, clean[k].a,
                 clean[k].ratio, noisy[k].a, noisy[k].ratio, is_true, label);
    }
    if (sys + 1 < NSYS) {
        tsv_line(R->ts, "%s", "");
        tsv_line(R->ts, "%s", "");
    }
}

/* 2. The noise ceiling: the search's ratio for the true pair on noisy
 * copies of the data, against (V + s^2 G) / (s^2 G (n-1)/n). */
static void noise_ceiling(run_t *R, int sys, int k_true, rng_t *rn, rng_t *rs)
{
    const size_t nstates = R->nstates;
    const double *x = R->x;
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
    for (int j = 0; j < NSIG; j++) {
        double s = sigmas[j];
        for (size_t i = 0; i < 2 * nstates; i++)
            R->xn[i] = x[i] + s * rng_normal(rn);
        shuffled(R->xr, R->xn, nstates, rs);
        formula_cand_t c2[FORMULA_NCAND];
        if (formula_search(c2, R->xn, R->start, R->o.ntrain, R->xr, R->start, R->o.ntrain))
            die("%s: formula_search failed on noisy data", sys_name[sys]);
        R->noise_ratio[sys][j] = c2[k_true].ratio;
        R->noise_a[sys][j] = c2[k_true].a;
        R->noise_theory[sys][j] = (V + s * s * G) / (s * s * G * (NPTS - 1) / (double)NPTS);
        if (s == 0.1) {
            kv(R, sys, "ratio_noise01", c2[k_true].ratio);
            kv(R, sys, "a_noise01", c2[k_true].a);
        }
    }
    /* sigma at which the theory ratio falls to 100 */
    kv(R, sys, "sigma_at_100", sqrt(V / (G * (100.0 * (NPTS - 1) / NPTS - 1.0))));
}

/* 3. The black-box step predictor, trained on noisy states. */
static void train_predictor(run_t *R, int sys, rng_t *ri)
{
    const opts_t *o = &R->o;
    const int H = o->hidden;
    const size_t np = R->np;
    size_t B = (size_t)o->ntrain * (NPTS - 1);
    /* rows in one fixed shuffled order, cut into B / batch minibatches */
    size_t *perm = xmalloc(B * sizeof *perm);
    for (size_t r = 0; r < B; r++)
        perm[r] = r;
    rng_shuffle(ri, perm, B);
    int bs = o->batch < (int)B ? o->batch : (int)B, nb = (int)(B / (size_t)bs);
    for (int s = 0; s < o->ntrain; s++)
        for (int i = 0; i + 1 < NPTS; i++) {
            size_t r = perm[(size_t)s * (NPTS - 1) + i], k = R->start[s] + i;
            for (int c = 0; c < 2; c++) {
                R->X[2 * r + c] = R->xo[2 * k + c];   /* the noisy state */
                R->Y[2 * r + c] = (R->x[2 * (k + 1) + c] - R->x[2 * k + c]) / dt;
            }
        }
    formula_pred_init(R->theta, H, ri);
    memset(R->m1, 0, np * sizeof *R->m1);
    memset(R->m2, 0, np * sizeof *R->m2);
    double loss = 0;
    for (long it = 1; it <= o->steps; it++) {
        size_t off = 2 * (size_t)bs * (size_t)((it - 1) % nb);
        loss = formula_pred_mse(R->grad, R->theta, H, R->X + off, R->Y + off, bs, R->ws);
        opt_adam_step(R->theta, R->grad, R->m1, R->m2, np, it, o->lr, 0.9, 0.999, 1e-8, 1e-4,
                      OPT_WD_COUPLED);
        if (it % 50 == 0) {
            char note[64];
            snprintf(note, sizeof note, "%s loss %.4g", sys_name[sys], loss);
            progress_update(&R->prog, sys + 0.5 * it / (double)o->steps, NSYS, note);
        }
    }
    kv(R, sys, "train_mse", formula_pred_mse(NULL, R->theta, H, R->X, R->Y, (int)B, R->ws));
    free(perm);
}

/* 3b. Meta-training of g_phi (Alet et al. 2021, Alg. 1, phi only; theta is
 * the pretrained predictor): each step takes meta_batch training tracks in
 * turn, tailors from the track's first noisy state with one step of size
 * meta_lambda on g_phi's conservation loss over the test horizon, and
 * descends the prediction MSE of the tailored rollout against the track's
 * noisy states (nn/noether_meta.h).  Adam on phi. */
static void meta_train(run_t *R, int sys, rng_t *rg)
{
    const opts_t *o = &R->o;
    const size_t ng = NMETA_G_NPARAMS(o->ghidden);
    nmeta_cfg_t mc = {.H = o->hidden, .G = o->ghidden, .T = o->horizon, .To = NPTS - 1, .dt = dt,
                      .lambda = o->meta_lambda};
    nmeta_t M;
    if (nmeta_create(&M, &mc))
        die("nmeta_create failed");
    nmeta_g_init(R->phi, o->ghidden, rg);
    memset(R->pm1, 0, ng * sizeof *R->pm1);
    memset(R->pm2, 0, ng * sizeof *R->pm2);
    double *gsum = xmalloc(ng * sizeof *gsum);
    double first = 0, last = 0, base_all = 0;
    int nlast = 0;
    for (long it = 1; it <= o->meta_steps; it++) {
        double outer = 0, base = 0;
        memset(gsum, 0, ng * sizeof *gsum);
        for (int b = 0; b < o->meta_batch; b++) {
            int s = (int)(((it - 1) * o->meta_batch + b) % o->ntrain);
            const double *y = R->xo + 2 * R->start[s];
            outer += nmeta_outer(&M, R->gphi, R->theta, R->phi, y, y) / o->meta_batch;
            for (size_t i = 0; i < ng; i++)
                gsum[i] += R->gphi[i] / o->meta_batch;
            /* the same loss without tailoring */
            formula_pred_rollout(R->roll, R->theta, o->hidden, y, NPTS - 1, dt, R->ws);
            double l0 = 0;
            for (int t = 1; t < NPTS; t++)
                for (int k = 0; k < 2; k++)
                    l0 += (R->roll[2 * t + k] - y[2 * t + k]) * (R->roll[2 * t + k] - y[2 * t + k]);
            base += l0 / (2.0 * (NPTS - 1)) / o->meta_batch;
        }
        tsv_rowv(R->tmeta, 4, (double)sys, (double)it, outer, base);
        if (it == 1)
            first = outer;
        if (it > o->meta_steps - 10) {
            last += outer;
            base_all += base;
            nlast++;
        }
        opt_adam_step(R->phi, gsum, R->pm1, R->pm2, ng, it, o->meta_lr, 0.9, 0.999, 1e-8, 0.0,
                      OPT_WD_COUPLED);
        if (it % 10 == 0)
            progress_update(&R->prog, sys + 0.5, NSYS, "meta");
    }
    kv(R, sys, "meta_outer_first", first);
    kv(R, sys, "meta_outer_last", last / nlast);
    kv(R, sys, "meta_outer_base", base_all / nlast);
    kv(R, sys, "meta_train_gain", 1.0 - last / base_all);
    free(gsum);
    nmeta_free(&M);
}

/* 3c. g_phi's level sets against H's, on a grid: g_phi standardised by its
 * mean and sd over the clean training states; and how much of g_phi is an
 * affine function of H there (R^2 of the least-squares fit, in the summary). */
static void meta_levels(run_t *R, int sys)
{
    double sg = 0, sh = 0, sgg = 0, sgh = 0, shh = 0;
    const double n = (double)R->nstates;
    for (size_t i = 0; i < R->nstates; i++) {
        double g = nmeta_g_eval(&R->Mtest, R->phi, R->x[2 * i], R->x[2 * i + 1]);
        double h = energy[sys](R->x + 2 * i);
        sg += g; sh += h; sgg += g * g; sgh += g * h; shh += h * h;
    }
    double cgg = sgg - sg * sg / n, cgh = sgh - sg * sh / n, chh = shh - sh * sh / n;
    double gm = sg / n, gsd = sqrt(cgg / n);
    kv(R, sys, "meta_energy_r2", cgh * cgh / (cgg * chh));
    const int NGRID = 41;
    const double L = r_hi[sys];
    for (int i = 0; i < NGRID; i++) {
        for (int j = 0; j < NGRID; j++) {
            double xy[2] = {-L + 2 * L * i / (NGRID - 1), -L + 2 * L * j / (NGRID - 1)};
            double g = nmeta_g_eval(&R->Mtest, R->phi, xy[0], xy[1]);
            tsv_rowv(R->tlev, 5, (double)sys, xy[0], xy[1], (g - gm) / gsd, energy[sys](xy));
        }
        tsv_line(R->tlev, "%s", "");
    }
    if (sys + 1 < NSYS)
        tsv_line(R->tlev, "%s", "");
}

/* What the tailoring sweep measures on the test ICs besides the RMSEs. */
typedef struct {
    double e_lam[NLAMBDA], e_base;   /* mean |H(t_end)/H(0) - 1| on test ICs */
    double gmin, gmax;               /* range of |grad L_N| over test ICs */
    double *gnorm, *lnoe;            /* per test IC: |grad L_N|, L_N before the step */
    int lbest[NG];                   /* chosen lambda index for g = disc, oracle, meta */
    double tb;                       /* mean untailored RMSE on test ICs */
} sweep_t;

/* The tailoring gradient grad_theta L_N from x0 for quantity w (0 the
 * formula found on noisy data, 1 the true H, 2 the meta-learned g_phi);
 * returns L_N. */
static double tailor_grad(run_t *R, int w, const formula_cand_t *const gs[2], const double *x0,
                          double *out)
{
    if (w < 2)
        return formula_pred_noether(out, R->theta, R->o.hidden, x0, R->o.horizon, dt, gs[w], R->ws);
    return nmeta_noether(&R->Mtest, out, NULL, R->theta, R->phi, x0);
}

/* 4a. Rollouts of the untailored predictor and of one tailoring step of
 * each size lambda, for g = the discovered quantity and the true H. */
static void tailor_sweep(run_t *R, int sys, const formula_cand_t *const gs[2], sweep_t *S)
{
    const int H = R->o.hidden, T = R->o.horizon, nval = R->o.nval, ntest = R->o.ntest;
    const int nic = R->nic;
    const size_t np = R->np;
    S->e_base = 0;
    for (int l = 0; l < NLAMBDA; l++)
        S->e_lam[l] = 0;
    S->gmin = S->gmax = 0;
    for (int ic = 0; ic < nic; ic++) {
        const double *tr = R->truth + (size_t)ic * 2 * (T + 1);
        formula_pred_rollout(R->roll, R->theta, H, tr, T, dt, R->ws);
        R->r_base[ic] = rmse(R->roll, tr, T);
        if (ic >= nval)
            S->e_base += fabs(energy[sys](R->roll + 2 * T) / energy[sys](tr) - 1) / ntest;
        double LN0 = 0;
        for (int w = 0; w < NG; w++) {
            double L = tailor_grad(R, w, gs, tr, R->gN + w * np);
            if (w == 0)
                LN0 = L;
        }
        if (ic >= nval) {
            S->lnoe[ic - nval] = LN0;
            double gn = 0;
            for (size_t i = 0; i < np; i++)
                gn += R->gN[i] * R->gN[i];
            gn = sqrt(gn);
            S->gnorm[ic - nval] = gn;
            if (ic == nval || gn < S->gmin)
                S->gmin = gn;
            if (ic == nval || gn > S->gmax)
                S->gmax = gn;
        }
        for (int l = 0; l < NLAMBDA; l++) {
            double lam = pow(10.0, lambdas_k0 + lambdas_dk * l);
            for (int w = 0; w < NG; w++) {
                for (size_t i = 0; i < np; i++)
                    R->th2[i] = R->theta[i] - lam * R->gN[w * np + i];
                formula_pred_rollout(R->roll, R->th2, H, tr, T, dt, R->ws);
                double r = rmse(R->roll, tr, T);
                R->r_lam[((size_t)w * NLAMBDA + l) * nic + ic] = isfinite(r) ? r : INFINITY;
                if (w == 0 && ic >= nval)
                    S->e_lam[l] += fabs(energy[sys](R->roll + 2 * T) / energy[sys](tr) - 1) / ntest;
            }
        }
        progress_update(&R->prog, sys + 0.5 + 0.5 * (ic + 1) / (double)nic, NSYS, sys_name[sys]);
    }
}

/* 4b. Lambda per g, chosen on the validation ICs (mean RMSE); the lambda
 * file and the energy numbers. */
static void choose_lambdas(run_t *R, int sys, sweep_t *S)
{
    const int nval = R->o.nval, ntest = R->o.ntest, nic = R->nic;
    double mval[NG][NLAMBDA], mtest[NG][NLAMBDA], vb = 0, tb = 0;
    for (int w = 0; w < NG; w++)
        S->lbest[w] = 0;
    for (int ic = 0; ic < nval; ic++)
        vb += R->r_base[ic] / nval;
    for (int ic = nval; ic < nic; ic++)
        tb += R->r_base[ic] / ntest;
    for (int w = 0; w < NG; w++)
        for (int l = 0; l < NLAMBDA; l++) {
            mval[w][l] = mtest[w][l] = 0;
            for (int ic = 0; ic < nval; ic++)
                mval[w][l] += r_at(R, w, l, ic) / nval;
            for (int ic = nval; ic < nic; ic++)
                mtest[w][l] += r_at(R, w, l, ic) / ntest;
            if (mval[w][l] < mval[w][S->lbest[w]])
                S->lbest[w] = l;
        }
    for (int l = 0; l < NLAMBDA; l++)
        tsv_rowv(R->tl, 12, (double)sys, lambdas_k0 + lambdas_dk * l, mval[0][l], mval[1][l],
                 mtest[0][l], mtest[1][l], vb, tb, S->e_lam[l], S->e_base, mval[2][l], mtest[2][l]);
    /* the lambda that best conserves the true energy, and what it does to the RMSE */
    int le = 0;
    for (int l = 1; l < NLAMBDA; l++)
        if (S->e_lam[l] < S->e_lam[le])
            le = l;
    kv(R, sys, "grad_norm_min", S->gmin);
    kv(R, sys, "grad_norm_max", S->gmax);
    kv(R, sys, "energy_err_base", S->e_base);
    kv(R, sys, "energy_err_chosen", S->e_lam[S->lbest[0]]);
    kv(R, sys, "energy_err_best", S->e_lam[le]);
    kv(R, sys, "log10_lambda_energy", lambdas_k0 + lambdas_dk * le);
    kv(R, sys, "rmse_at_energy_lambda", mtest[0][le]);
    S->tb = tb;
}

/* 4c. Test results at the chosen lambdas: per-IC gains 1 - tailored / base. */
static void test_gains(run_t *R, int sys, const sweep_t *S)
{
    const int nval = R->o.nval, ntest = R->o.ntest;
    double *gain = xmalloc((size_t)ntest * sizeof *gain);
    double *rt_ = xmalloc((size_t)ntest * sizeof *rt_);
    double *gs_ = xmalloc((size_t)ntest * sizeof *gs_);
    const char *wn[NG] = {"disc", "oracle", "meta"};
    for (int w = 0; w < NG; w++) {
        double mean, sd, rm, rsd;
        for (int i = 0; i < ntest; i++) {
            rt_[i] = r_at(R, w, S->lbest[w], nval + i);
            gain[i] = 1.0 - rt_[i] / R->r_base[nval + i];
        }
        stats_mean_sd(gain, (size_t)ntest, &mean, &sd);
        memcpy(gs_, gain, (size_t)ntest * sizeof *gs_);
        stats_sort(gs_, (size_t)ntest);
        char k2[64];
        snprintf(k2, sizeof k2, "gain_%s_ic_median", wn[w]);
        kv(R, sys, k2, stats_quantile_sorted(gs_, (size_t)ntest, 0.5));
        snprintf(k2, sizeof k2, "gain_%s_ic_q25", wn[w]);
        kv(R, sys, k2, stats_quantile_sorted(gs_, (size_t)ntest, 0.25));
        snprintf(k2, sizeof k2, "gain_%s_ic_q75", wn[w]);
        kv(R, sys, k2, stats_quantile_sorted(gs_, (size_t)ntest, 0.75));
        stats_mean_sd(rt_, (size_t)ntest, &rm, &rsd);
        snprintf(k2, sizeof k2, "rmse_%s", wn[w]);
        kv(R, sys, k2, rm);
        snprintf(k2, sizeof k2, "rmse_%s_sd", wn[w]);
        kv(R, sys, k2, rsd);
        snprintf(k2, sizeof k2, "gain_%s", wn[w]);    /* 1 - mean tailored / mean base */
        kv(R, sys, k2, 1.0 - rm / S->tb);
        snprintf(k2, sizeof k2, "gain_%s_ic_mean", wn[w]);
        kv(R, sys, k2, mean);
        snprintf(k2, sizeof k2, "gain_%s_ic_sd", wn[w]);
        kv(R, sys, k2, sd);
        snprintf(k2, sizeof k2, "gain_%s_ic_sem", wn[w]);
        kv(R, sys, k2, sd / sqrt((double)ntest));
        int nbetter = 0;
        for (int i = 0; i < ntest; i++)
            nbetter += gain[i] > 0;
        snprintf(k2, sizeof k2, "n_better_%s", wn[w]);
        kv(R, sys, k2, nbetter);
        snprintf(k2, sizeof k2, "log10_lambda_%s", wn[w]);
        kv(R, sys, k2, lambdas_k0 + lambdas_dk * S->lbest[w]);
    }
    free(gain);
    free(rt_);
    free(gs_);
}

/* 4d. Per test IC rows, and the test ICs split at the median initial
 * energy: where does tailoring help? */
static void energy_split(run_t *R, int sys, const sweep_t *S)
{
    const int T = R->o.horizon, nval = R->o.nval, ntest = R->o.ntest, nic = R->nic;
    for (int i = 0; i < ntest; i++) {
        const double *tr = R->truth + (size_t)(nval + i) * 2 * (T + 1);
        double rd = r_at(R, 0, S->lbest[0], nval + i);
        tsv_rowv(R->tic, 9, (double)sys, (double)i, energy[sys](tr), R->r_base[nval + i], rd,
                 r_at(R, 1, S->lbest[1], nval + i), S->gnorm[i], S->lnoe[i],
                 1.0 - rd / R->r_base[nval + i]);
    }
    double *h0 = xmalloc((size_t)ntest * sizeof *h0), *tmp = xmalloc((size_t)ntest * sizeof *tmp);
    for (int i = 0; i < ntest; i++) {
        h0[i] = energy[sys](R->truth + (size_t)(nval + i) * 2 * (T + 1));
        tmp[i] = h0[i];
    }
    stats_sort(tmp, (size_t)ntest);
    double hmed = stats_quantile_sorted(tmp, (size_t)ntest, 0.5);
    int nlo = 0, nhi = 0, blo = 0, bhi = 0;
    double *llo = xmalloc((size_t)ntest * sizeof *llo), *lhi = xmalloc((size_t)ntest * sizeof *lhi);
    for (int i = 0; i < ntest; i++) {
        int better = r_at(R, 0, S->lbest[0], nval + i) < R->r_base[nval + i];
        if (h0[i] < hmed) {
            llo[nlo++] = S->lnoe[i];
            blo += better;
        } else {
            lhi[nhi++] = S->lnoe[i];
            bhi += better;
        }
    }
    stats_sort(llo, (size_t)nlo);
    stats_sort(lhi, (size_t)nhi);
    kv(R, sys, "H0_median", hmed);
    kv(R, sys, "n_lower", nlo);
    kv(R, sys, "n_upper", nhi);
    kv(R, sys, "n_better_lower", blo);
    kv(R, sys, "n_better_upper", bhi);
    kv(R, sys, "LN_median_lower", stats_quantile_sorted(llo, (size_t)nlo, 0.5));
    kv(R, sys, "LN_median_upper", stats_quantile_sorted(lhi, (size_t)nhi, 0.5));
    free(h0); free(tmp); free(llo); free(lhi);
    double md = 0, mo = 0;
    for (int i = nval; i < nic; i++) {
        md += r_at(R, 0, S->lbest[0], i);
        mo += r_at(R, 1, S->lbest[1], i);
    }
    kv(R, sys, "disc_oracle_reldiff", fabs(md - mo) / mo);
    double rm, rsd;
    stats_mean_sd(R->r_base + nval, (size_t)ntest, &rm, &rsd);
    kv(R, sys, "rmse_base", rm);
    kv(R, sys, "rmse_base_sd", rsd);
}

/* 4e. Error against time on the test ICs (mean and quartiles), and the
 * phase portrait of the first. */
static void error_curves(run_t *R, int sys, const formula_cand_t *const gs[2], const sweep_t *S)
{
    const int H = R->o.hidden, T = R->o.horizon, nval = R->o.nval, ntest = R->o.ntest;
    const size_t np = R->np;
    double err_across = 0, err_total = 0;
    for (int i = 0; i < ntest; i++) {
        const double *tr = R->truth + (size_t)(nval + i) * 2 * (T + 1);
        for (int w = 0; w <= NG; w++) {
            const double *src = R->theta;
            if (w > 0) {
                tailor_grad(R, w - 1, gs, tr, R->gN);
                double lam = pow(10.0, lambdas_k0 + lambdas_dk * S->lbest[w - 1]);
                for (size_t j = 0; j < np; j++)
                    R->th2[j] = R->theta[j] - lam * R->gN[j];
                src = R->th2;
            }
            formula_pred_rollout(R->roll, src, H, tr, T, dt, R->ws);
            for (int t = 0; t <= T; t++) {
                double dq = R->roll[2 * t] - tr[2 * t], dp = R->roll[2 * t + 1] - tr[2 * t + 1];
                R->errs[((size_t)w * ntest + i) * (T + 1) + t] = sqrt(dq * dq + dp * dp);
                if (w == 0 && t > 0) {
                    /* split the untailored error into its part across the level sets
                     * of H (for the spring: the radius error) and the rest */
                    double dr = sqrt(energy[sys](R->roll + 2 * t)) - sqrt(energy[sys](tr + 2 * t));
                    err_across += dr * dr;
                    err_total += dq * dq + dp * dp;
                }
            }
            if (i == 0 && w < 2) {
                /* keep base (w = 0) and disc (w = 1) rollouts in xn for the phase file */
                memcpy(R->xn + (size_t)w * 2 * (T + 1), R->roll, 2 * (size_t)(T + 1) * sizeof *R->roll);
            }
        }
        if (i == 0)
            for (int t = 0; t <= T; t++) {
                const double *b = R->xn, *d = R->xn + 2 * (T + 1);
                tsv_rowv(R->tp, 11, (double)sys, t * dt, tr[2 * t], tr[2 * t + 1], b[2 * t],
                         b[2 * t + 1], d[2 * t], d[2 * t + 1],
                         energy[sys](tr + 2 * t), energy[sys](b + 2 * t),
                         energy[sys](d + 2 * t));
            }
    }
    if (sys == SPRING)
        kv(R, sys, "radial_fraction", err_across / err_total);
    double *col = xmalloc((size_t)ntest * sizeof *col);
    for (int t = 0; t <= T; t++) {
        double row[2 + 3 * (NG + 1)];
        row[0] = sys;
        row[1] = t * dt;
        for (int w = 0; w <= NG; w++) {
            double m = 0;
            for (int i = 0; i < ntest; i++) {
                col[i] = R->errs[((size_t)w * ntest + i) * (T + 1) + t];
                m += col[i];
            }
            stats_sort(col, (size_t)ntest);
            row[2 + 3 * w] = m / ntest;
            row[3 + 3 * w] = stats_quantile_sorted(col, (size_t)ntest, 0.25);
            row[4 + 3 * w] = stats_quantile_sorted(col, (size_t)ntest, 0.75);
        }
        tsv_row(R->te, 2 + 3 * (NG + 1), row);
    }
    free(col);
}

/* The four experiments on one system. */
static void run_system(run_t *R, int sys)
{
    const uint64_t seed = (uint64_t)R->o.seed;
    const int T = R->o.horizon;
    rng_t rd, rs, rn, ri, rt, ro, rg;
    rng_seed(&rg, seed, 70 + sys);   /* g_phi's init */
    rng_seed(&ro, seed, 60 + sys);   /* the predictor's observation noise */
    rng_seed(&rd, seed, 10 + sys);   /* training initial states */
    rng_seed(&rs, seed, 20 + sys);   /* random-sequence shuffles */
    rng_seed(&rn, seed, 30 + sys);   /* observation noise */
    rng_seed(&ri, seed, 40 + sys);   /* network init */
    rng_seed(&rt, seed, 50 + sys);   /* validation and test initial states */

    for (int s = 0; s < R->o.ntrain; s++) {    /* clean training trajectories */
        double x0[2];
        draw_x0(x0, sys, &rd);
        true_traj(R->x + 2 * R->start[s], x0, NPTS, dt, sys);
    }
    for (size_t i = 0; i < 2 * R->nstates; i++)    /* the states the predictor sees */
        R->xo[i] = R->x[i] + R->o.noise * rng_normal(&ro);
    formula_cand_t cclean[FORMULA_NCAND], cnoisy[FORMULA_NCAND];
    search_library(R, sys, R->x, &rs, "", cclean);
    /* the formula used for tailoring: the best pair on the noisy states */
    formula_cand_t disc = cnoisy[search_library(R, sys, R->xo, &rs, "noisy_", cnoisy)];
    write_search(R, sys, cclean, cnoisy);
    int k_true = -1;
    for (int k = 0; k < FORMULA_NCAND; k++)
        if (cclean[k].f1 == oracle[sys].f1 && cclean[k].f2 == oracle[sys].f2)
            k_true = k;
    noise_ceiling(R, sys, k_true, &rn, &rs);
    train_predictor(R, sys, &ri);
    meta_train(R, sys, &rg);
    meta_levels(R, sys);

    /* 4. tailoring on validation and test initial conditions */
    for (int ic = 0; ic < R->nic; ic++) {
        double x0[2];
        draw_x0(x0, sys, &rt);
        true_traj(R->truth + (size_t)ic * 2 * (T + 1), x0, T + 1, dt, sys);
    }
    const formula_cand_t *const gs[2] = {&disc, &oracle[sys]};
    sweep_t S;
    S.gnorm = xmalloc((size_t)R->o.ntest * sizeof *S.gnorm);
    S.lnoe = xmalloc((size_t)R->o.ntest * sizeof *S.lnoe);
    tailor_sweep(R, sys, gs, &S);
    choose_lambdas(R, sys, &S);
    test_gains(R, sys, &S);
    energy_split(R, sys, &S);
    error_curves(R, sys, gs, &S);
    free(S.gnorm);
    free(S.lnoe);
}

static const char about[] =
    "Noether-network miniature: library search, noise ceiling, test-time tailoring.";

static const arg_spec_t options[] = {
    ARG_LONG(opts_t, seed, "2021", "seed (PCG32 streams 10..54, per purpose and system)"),
    ARG_INT(opts_t, hidden, "64", "hidden units of the step predictor"),
    ARG_LONG(opts_t, steps, "2000", "Adam steps of the step predictor"),
    ARG_DOUBLE(opts_t, lr, "1e-3", "Adam step size"),
    ARG_INT(opts_t, batch, "300", "minibatch rows of the predictor's training"),
    ARG_INT(opts_t, ghidden, "16", "hidden units of the meta-learned g_phi"),
    ARG_INT(opts_t, meta_steps, "200", "Adam steps of the meta-training of g_phi"),
    ARG_INT(opts_t, meta_batch, "10", "training tracks per meta step"),
    ARG_DOUBLE(opts_t, meta_lr, "1e-2", "Adam step size of the meta-training"),
    ARG_DOUBLE(opts_t, meta_lambda, "1e-3", "inner tailoring step during meta-training"),
    ARG_INT(opts_t, ntrain, "50", "training trajectories"),
    ARG_INT(opts_t, nval, "25", "validation initial conditions (choose lambda)"),
    ARG_INT(opts_t, ntest, "25", "test initial conditions"),
    ARG_INT(opts_t, horizon, "100", "rollout steps"),
    ARG_DOUBLE(opts_t, noise, "0.1", "observation noise of the training states"),
    ARG_STRING(opts_t, out, "data/ch5", "output directory"),
    ARG_STRING(opts_t, tag, "noether", "file-name prefix"),
    ARG_END
};

int main(int argc, char **argv)
{
    opts_t opts;
    args_parse(options, &opts, argc, argv, about);
    run_t R = {.o = opts};
    const opts_t *o = &R.o;
    if (o->hidden < 1 || o->steps < 1 || o->ntrain < 2 || o->nval < 2 || o->ntest < 2 ||
        o->horizon < 1 || !(o->noise >= 0) || o->batch < 1 || o->ghidden < 1 || o->meta_steps < 1 ||
        o->meta_batch < 1)
        die("bad arguments (see --help)");
    open_files(&R, argc, argv);
    R.nstates = (size_t)o->ntrain * NPTS;
    alloc_work(&R);
    progress_begin(&R.prog, "noether");
    for (int sys = 0; sys < NSYS; sys++)
        run_system(&R, sys);
    for (int j = 0; j < NSIG; j++)
        tsv_rowv(R.tn, 7, sigmas[j], R.noise_ratio[PEND][j], R.noise_theory[PEND][j],
                 R.noise_ratio[SPRING][j], R.noise_theory[SPRING][j], R.noise_a[PEND][j],
                 R.noise_a[SPRING][j]);
    progress_end(&R.prog);
    tsv_kv(R.tsum, "n_val", o->nval);
    tsv_kv(R.tsum, "n_test", o->ntest);
    tsv_kv(R.tsum, "n_train", o->ntrain);
    tsv_kv(R.tsum, "horizon", o->horizon);
    tsv_kv(R.tsum, "horizon_time", o->horizon * dt);
    tsv_kv(R.tsum, "noise", o->noise);
    tsv_kv(R.tsum, "hidden", o->hidden);
    tsv_kv(R.tsum, "steps", (double)o->steps);
    tsv_kv(R.tsum, "n_candidates", FORMULA_NCAND);
    tsv_finish(R.ts);
    tsv_finish(R.tn);
    tsv_finish(R.tl);
    tsv_finish(R.te);
    tsv_finish(R.tp);
    tsv_finish(R.tic);
    tsv_finish(R.tmeta);
    tsv_finish(R.tlev);
    tsv_finish(R.tform);
    tsv_finish(R.tsum);
    free_work(&R);
    return 0;
}
