/* hnn.c: chapter 4, the Hamiltonian-network comparison of Greydanus, Dzamba &
 * Yosinski 2019 (their tasks 1 and 2, as in their code): an HNN (scalar
 * H_theta, field = symplectic gradient, Hamilton's equations) against a baseline MLP that
 * outputs (qdot, pdot) directly, both tanh 2 -> 200 -> 200, orthogonal init,
 * Adam 1e-3 with weight decay 1e-4, 2000 full-batch steps, MSE on the time
 * derivatives (their training loss).
 *
 * Data (HNN code): 50 trajectories on t in [0, 3] (30 points for the spring,
 * 45 for the pendulum), phase-space radius U[0.1, 1] (spring) or U[1.3, 2.3]
 * (pendulum), Gaussian noise of std 0.1 added to (q, p), exact derivatives
 * as targets; the first 25 trajectories train, the last 25 test.
 * Evaluation: 15 fresh initial conditions, RK4 (dt = 0.01) to t = 20 for the
 * truth and both models; energy MSE = mean over time and initial conditions
 * of (E(x_model(t)) - E(x_true(t)))^2 with the true energy function
 * (HNN paper, Table 1; we do not apply their notebook's 1.09 time stretch).
 *
 * The paper's own evaluation (the authors' analyze-pend.ipynb, which gives the
 * pendulum numbers of Table 1), run on the same trained models: 15 initial
 * conditions with each coordinate uniform in +-[0.2, 1], 100 times evenly
 * spaced on [0, 20], and the metric "energy MSE" = mean of
 * (|x_true|^2 - |x_model|^2)^2, i.e. the spring's energy q^2 + p^2 on both
 * tasks; the true energy's MSE on the same initial conditions is written
 * beside it, so that the two differences (initial conditions, metric) can be
 * told apart.
 *
 * Writes OUT_{loss,rollout,summary,timing}.tsv (OUT = --out). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/args.h"
#include "core/rng.h"
#include "core/tsv.h"
#include "core/util.h"
#include "nn/hnn.h"
#include "nn/optim.h"
#include "physics/integrators.h"
#include "physics/systems.h"
#include "experiments/ch4/lib/rollout.h"

#define NTRAJ 50
#define NEVAL 15
#define T_EVAL 20.0
#define DT 0.01
#define OUT_EVERY 5    /* rollout rows every 5 RK4 steps (0.05) */

typedef struct {
    int spring;
    ch4_models_t f;   /* the RK4 fields' context: B, 2, &hnn, &base, own = this */
} ctx_t;

static double energy(const ctx_t *c, const double *y)
{
    return c->spring ? phys_spring_energy(y) : phys_pendulum_energy(y);
}

static int true_field(double *dydt, const double *y, double t, void *vf)
{
    const ch4_models_t *f = vf;
    const ctx_t *c = f->own;
    for (int b = 0; b < f->B; b++)
        (c->spring ? phys_spring_field : phys_pendulum_field)(dydt + 2 * b, y + 2 * b, t, NULL);
    return 0;
}

/* state at time t from y0: exact for the spring, RK4 (dt 1e-3) for the pendulum */
static void advance(const ctx_t *c, double *y, double t0, double t1)
{
    if (c->spring) {   /* rotation by angle 2 (t1 - t0) */
        double a = 2 * (t1 - t0), q = y[0], p = y[1];
        y[0] = q * cos(a) + p * sin(a);
        y[1] = -q * sin(a) + p * cos(a);
        return;
    }
    double work[PHYS_RK4_WORK(2)];
    long n = lround(ceil((t1 - t0) / 1e-3));
    if (n < 1)
        return;
    phys_integrate(&phys_rk4, y, 2, t0, (t1 - t0) / n, n, phys_pendulum_field, NULL, work);
}

typedef struct {
    int task, width;
    long steps, seed;
    double lr, wd;
    const char *out;
} opts_t;

/* The data set (first half trains, second half tests) and both models. */
typedef struct {
    opts_t o;
    const char *task;
    ctx_t c;
    int N, Ntr;
    double *X, *Y;
    hnn_t hnn;
    mlp_t base;
    double h_tr, h_te, b_tr, b_te, train_sec, train_cpu;
} run_t;

/* HNN's data: NTRAJ noisy trajectories with their exact time derivatives. */
static void make_data(run_t *R, rng_t *rd, rng_t *rn)
{
    ctx_t *c = &R->c;
    int npts = c->spring ? 30 : 45;
    double rmin = c->spring ? 0.1 : 1.3, rmax = c->spring ? 1.0 : 2.3;
    R->N = NTRAJ * npts;
    R->Ntr = R->N / 2;
    R->X = xmalloc(2 * (size_t)R->N * sizeof(double));
    R->Y = xmalloc(2 * (size_t)R->N * sizeof(double));
    for (int k = 0; k < NTRAJ; k++) {
        double y[2] = {2 * rng_uniform(rd) - 1, 2 * rng_uniform(rd) - 1};
        double rad = rmin + (rmax - rmin) * rng_uniform(rd), nrm = hypot(y[0], y[1]);
        y[0] *= rad / nrm;
        y[1] *= rad / nrm;
        double tprev = 0;
        for (int i = 0; i < npts; i++) {
            double t = 3.0 * i / (npts - 1);
            advance(c, y, tprev, t);
            tprev = t;
            double *x = R->X + 2 * ((size_t)k * npts + i), *dy = R->Y + 2 * ((size_t)k * npts + i);
            (c->spring ? phys_spring_field : phys_pendulum_field)(dy, y, t, NULL);
            x[0] = y[0] + 0.1 * rng_normal(rn);
            x[1] = y[1] + 0.1 * rng_normal(rn);
        }
    }
}

/* The baseline's MSE on n points (and its gradient, if grad). */
static double base_loss(run_t *R, int n, const double *X, const double *Y, int grad)
{
    return mlp_regress_batch(&R->base, X, Y, n, NN_LOSS_MSE, 0, grad);
}

/* Both models side by side, full batch; the loss curves (hnn_<task>_loss.tsv). */
static void train(run_t *R, tsv_t *tl)
{
    const opts_t *o = &R->o;
    const int N = R->N, Ntr = R->Ntr;
    hnn_t *hnn = &R->hnn;
    mlp_t *base = &R->base;
    size_t nh = hnn->net.n_params, nb = base->n_params;
    double *hm = xcalloc(nh, sizeof(double)), *hs = xcalloc(nh, sizeof(double));
    double *bm = xcalloc(nb, sizeof(double)), *bs = xcalloc(nb, sizeof(double));
    double *X = R->X, *Y = R->Y, *Xte = X + 2 * (size_t)Ntr, *Yte = Y + 2 * (size_t)Ntr;
    progress_t pr;
    progress_begin(&pr, R->task);
    double t0 = now_seconds(), c0 = cpu_seconds();
    for (long s = 1; s <= o->steps; s++) {
        hnn_loss_grad(hnn, Ntr, X, Y);
        opt_adam_step(hnn->net.theta, hnn->net.grad, hm, hs, nh, s, o->lr, 0.9, 0.999, 1e-8, o->wd,
                      OPT_WD_COUPLED);
        base_loss(R, Ntr, X, Y, 1);
        opt_adam_step(base->theta, base->grad, bm, bs, nb, s, o->lr, 0.9, 0.999, 1e-8, o->wd,
                      OPT_WD_COUPLED);
        if (s % 20 == 0 || s == 1 || s == o->steps) {
            /* losses of the updated weights, train and test */
            double htr = hnn_loss_grad(hnn, Ntr, X, Y), hte = hnn_loss_grad(hnn, N - Ntr, Xte, Yte);
            double btr = base_loss(R, Ntr, X, Y, 0);
            double bte = base_loss(R, N - Ntr, Xte, Yte, 0);
            tsv_rowv(tl, 5, (double)s, btr, bte, htr, hte);
            char note[96];
            snprintf(note, sizeof note, "hnn %.3g base %.3g", htr, btr);
            progress_update(&pr, (double)s, (double)o->steps, note);
        }
    }
    progress_end(&pr);
    R->train_sec = now_seconds() - t0;
    R->train_cpu = cpu_seconds() - c0;
    R->h_tr = hnn_loss_grad(hnn, Ntr, X, Y);
    R->h_te = hnn_loss_grad(hnn, N - Ntr, Xte, Yte);
    R->b_tr = base_loss(R, Ntr, X, Y, 0);
    R->b_te = base_loss(R, N - Ntr, Xte, Yte, 0);
    free(hm);
    free(hs);
    free(bm);
    free(bs);
}

/* What evaluate measures along the rollouts, every OUT_EVERY steps. */
typedef struct {
    run_t *R;
    tsv_t *tr;
    const double *yt, *yh, *yb, *E0, *Hth0;
    double *mse;   /* energy MSE base, hnn; coordinate MSE base, hnn */
} eval_t;

static void measure(void *arg, double t)
{
    eval_t *E = arg;
    const ctx_t *c = &E->R->c;
    const double *yt = E->yt, *yh = E->yh, *yb = E->yb;
    double row[15], cb = 0, ch = 0, eb = 0, eh = 0, Hth[NEVAL];
    for (int k = 0; k < NEVAL; k++) {
        double Et = energy(c, yt + 2 * k);
        double db = energy(c, yb + 2 * k) - Et, dh = energy(c, yh + 2 * k) - Et;
        eb += db * db / NEVAL;
        eh += dh * dh / NEVAL;
        for (int i = 0; i < 2; i++) {
            cb += (yb[2 * k + i] - yt[2 * k + i]) * (yb[2 * k + i] - yt[2 * k + i]) / NEVAL;
            ch += (yh[2 * k + i] - yt[2 * k + i]) * (yh[2 * k + i] - yt[2 * k + i]) / NEVAL;
        }
    }
    hnn_value(&E->R->hnn, NEVAL, yh, Hth);
    row[0] = t;
    row[1] = yt[0]; row[2] = yt[1];
    row[3] = yb[0]; row[4] = yb[1];
    row[5] = yh[0]; row[6] = yh[1];
    row[7] = energy(c, yt);
    row[8] = energy(c, yb);
    row[9] = energy(c, yh);
    row[10] = Hth[0] - E->Hth0[0] + E->E0[0];
    row[11] = cb; row[12] = ch; row[13] = eb; row[14] = eh;
    tsv_row(E->tr, 15, row);
    E->mse[0] += eb;
    E->mse[1] += eh;
    E->mse[2] += cb;
    E->mse[3] += ch;
}

/* Rollouts from NEVAL fresh initial conditions in one batch
 * (hnn_<task>_rollout.tsv), then the summary. */
static void evaluate(run_t *R, rng_t *re, const double paper[4], int argc, char **argv)
{
    const opts_t *o = &R->o;
    ctx_t *c = &R->c;
    double erad_min = c->spring ? 0.2 : 1.3, erad_max = c->spring ? 1.0 : 2.3;
    double yt[2 * NEVAL], yh[2 * NEVAL], yb[2 * NEVAL], E0[NEVAL];
    for (int k = 0; k < NEVAL; k++) {
        double y[2] = {2 * rng_uniform(re) - 1, 2 * rng_uniform(re) - 1};
        double rad = erad_min + (erad_max - erad_min) * rng_uniform(re), nrm = hypot(y[0], y[1]);
        yt[2 * k] = yh[2 * k] = yb[2 * k] = y[0] * rad / nrm;
        yt[2 * k + 1] = yh[2 * k + 1] = yb[2 * k + 1] = y[1] * rad / nrm;
        E0[k] = energy(c, yt + 2 * k);
    }
    double Hth0[NEVAL];
    hnn_value(&R->hnn, NEVAL, yh, Hth0);
    tsv_t *tr = tsv_createf(argc, argv, "%s_rollout.tsv", o->out);
    tsv_comment(tr, "seed %ld; %d evaluation initial conditions, radius U[%g, %g]; RK4 dt %g to t = %g",
                o->seed, NEVAL, erad_min, erad_max, DT, T_EVAL);
    tsv_comment(tr, "columns *_0: the first initial condition; E = true energy (%s) of each "
                    "model's state; Htheta_0 = learned H shifted to E(0); mse_*: means over the "
                    "initial conditions", c->spring ? "q^2 + p^2" : "3(1 - cos q) + p^2");
    tsv_columns(tr, "t\tq_true_0\tp_true_0\tq_base_0\tp_base_0\tq_hnn_0\tp_hnn_0\tE_true_0\t"
                    "E_base_0\tE_hnn_0\tHtheta_0\tcoord_mse_base\tcoord_mse_hnn\t"
                    "energy_se_base\tenergy_se_hnn");
    double mse[4];
    eval_t E = {.R = R, .tr = tr, .yt = yt, .yh = yh, .yb = yb, .E0 = E0, .Hth0 = Hth0, .mse = mse};
    c->f.B = NEVAL;
    const ch4_flow_t flows[] = {{true_field, yt}, {ch4_hnn_rhs, yh}, {ch4_mlp_rhs, yb}};
    long nrows = ch4_rollout(&(ch4_rollout_t){.flows = flows, .nflows = 3, .n = 2 * NEVAL, .ctx = &c->f,
                                              .dt = DT, .nsteps = lround(T_EVAL / DT), .every = OUT_EVERY,
                                              .measure = measure, .arg = &E, .means = mse, .nmeans = 4});
    tsv_finish(tr);
    tsv_t *ts = tsv_createf(argc, argv, "%s_summary.tsv", o->out);
    tsv_comment(ts, "seed %ld; task %s; width %d; steps %ld; energy MSE over %d initial conditions x "
                    "%ld times in [0, %g]", o->seed, R->task, o->width, o->steps, NEVAL, nrows, T_EVAL);
    tsv_columns(ts, "key\tvalue");
    tsv_kv(ts, "train_points", R->Ntr);
    tsv_kv(ts, "test_points", R->N - R->Ntr);
    ch4_kv_hnn_vs_base(ts, (const double[]){R->b_tr, R->b_te, R->h_tr, R->h_te}, mse[0], mse[1]);
    tsv_kv(ts, "base_coord_mse", mse[2]);
    tsv_kv(ts, "hnn_coord_mse", mse[3]);
    tsv_kv(ts, "paper_base_energy_mse", paper[0]);
    tsv_kv(ts, "paper_hnn_energy_mse", paper[1]);
    tsv_kv(ts, "paper_energy_mse_ratio", paper[0] / paper[1]);
    tsv_kv(ts, "paperic_base_true_energy_mse", paper[2]);
    tsv_kv(ts, "paperic_hnn_true_energy_mse", paper[3]);
    tsv_finish(ts);
    ch4_write_timing(tsv_createf(argc, argv, "%s_timing.tsv", o->out), 2,
                     (const char *const[]){"train_seconds", "train_cpu_seconds"},
                     (const double[]){R->train_sec, R->train_cpu});
    fprintf(stderr, "%s: %s energy MSE base %.3g hnn %.3g (ratio %.1f), test loss %.3g / %.3g, %.1f s\n",
            util_progname(), R->task, mse[0], mse[1], mse[0] / mse[1], R->b_te, R->h_te, R->train_sec);
}

/* The paper's evaluation (analyze-pend.ipynb): NEVAL initial conditions with
 * each coordinate uniform in +-[0.2, 1], states at t_j = 20 j / 99
 * (j = 0..99, 20 RK4 steps between two of them).  res[0], res[1]: the
 * notebook's "energy MSE" (|x_true|^2 - |x_model|^2)^2 of baseline and HNN,
 * mean over times and initial conditions; res[2], res[3]: the same with the
 * true energy. */
static void paper_eval(run_t *R, rng_t *rp, double res[4])
{
    ctx_t *c = &R->c;
    double yt[2 * NEVAL], yh[2 * NEVAL], yb[2 * NEVAL];
    for (int i = 0; i < 2 * NEVAL; i++) {
        double u = 1.6 * rng_uniform(rp) - 0.8;
        yt[i] = yh[i] = yb[i] = u + (u > 0 ? 0.2 : u < 0 ? -0.2 : 0);
    }
    enum { NT = 100, SUB = 20 };
    double dt = 20.0 / (NT - 1) / SUB, work[PHYS_RK4_WORK(2 * NEVAL)];
    for (int k = 0; k < 4; k++)
        res[k] = 0;
    c->f.B = NEVAL;
    for (int j = 0; j < NT; j++) {
        for (int k = 0; k < NEVAL; k++) {
            const double *a = yt + 2 * k, *h = yh + 2 * k, *b = yb + 2 * k;
            double n2t = a[0] * a[0] + a[1] * a[1];
            double db = b[0] * b[0] + b[1] * b[1] - n2t, dh = h[0] * h[0] + h[1] * h[1] - n2t;
            double eb = energy(c, b) - energy(c, a), eh = energy(c, h) - energy(c, a);
            res[0] += db * db / (NT * NEVAL);
            res[1] += dh * dh / (NT * NEVAL);
            res[2] += eb * eb / (NT * NEVAL);
            res[3] += eh * eh / (NT * NEVAL);
        }
        for (int s = 0; j < NT - 1 && s < SUB; s++) {
            double t = (j * SUB + s) * dt;
            phys_rk4_step(yt, 2 * NEVAL, t, dt, true_field, &c->f, work);
            phys_rk4_step(yh, 2 * NEVAL, t, dt, ch4_hnn_rhs, &c->f, work);
            phys_rk4_step(yb, 2 * NEVAL, t, dt, ch4_mlp_rhs, &c->f, work);
        }
    }
}

static const char about[] =
    "HNN vs baseline MLP (Greydanus et al. 2019, tasks 1-2).";

static const arg_spec_t options[] = {
    ARG_CHOICE(opts_t, task, "spring|pendulum", ARG_REQUIRED, "HNN's task 1 or 2"),
    ARG_INT(opts_t, width, "200", "hidden units of both tanh layers"),
    ARG_LONG(opts_t, steps, "2000", "full-batch Adam steps"),
    ARG_DOUBLE(opts_t, lr, "1e-3", "Adam step size"),
    ARG_DOUBLE(opts_t, wd, "1e-4", "weight decay (coupled)"),
    ARG_LONG(opts_t, seed, "0", "seed (PCG32 streams 1 data, 2 noise, 3 weights, 4 evaluation, "
             "5 the paper's evaluation)"),
    ARG_STRING(opts_t, out, "data/ch4/hnn_spring", "output prefix: OUT_{loss,rollout,summary,timing}.tsv"),
    ARG_END
};

int main(int argc, char **argv)
{
    opts_t opts;
    args_parse(options, &opts, argc, argv, about);
    if (opts.width < 1 || opts.steps < 1)
        die("bad --width or --steps");
    run_t *R = xcalloc(1, sizeof *R);
    R->o = opts;
    const opts_t *o = &R->o;
    R->task = o->task == 0 ? "spring" : "pendulum";
    R->c.spring = o->task == 0;
    const int width = o->width;

    rng_t rd, rn, ri, re, rp;
    rng_seed(&rd, (uint64_t)o->seed, 1);   /* initial conditions of the data */
    rng_seed(&rn, (uint64_t)o->seed, 2);   /* observation noise */
    rng_seed(&ri, (uint64_t)o->seed, 3);   /* weights */
    rng_seed(&re, (uint64_t)o->seed, 4);   /* evaluation initial conditions */
    rng_seed(&rp, (uint64_t)o->seed, 5);   /* the paper's evaluation */
    make_data(R, &rd, &rn);

    mlp_spec_t bspec = {.depth = 3, .dims = {2, width, width, 2}, .act = MLP_TANH, .bias = 1,
                        .out_bias = 0, .max_batch = R->N};
    if (hnn_init(&R->hnn, width, 2, R->N) || mlp_create(&R->base, &bspec))
        die("cannot build the models");
    hvp_init_weights(&R->hnn.net, HVP_INIT_ORTHO, &ri);
    hnn_baseline_init(&R->base, HVP_INIT_ORTHO, &ri);
    R->c.f = (ch4_models_t){.dim = 2, .hnn = &R->hnn, .mlp = &R->base, .own = &R->c};

    tsv_t *tl = tsv_createf(argc, argv, "%s_loss.tsv", o->out);
    tsv_comment(tl, "seed %ld; task %s; %d train / %d test points; tanh 2-%d-%d; Adam lr %g wd %g "
                    "(coupled), full batch, %ld steps", o->seed, R->task, R->Ntr, R->N - R->Ntr, width,
                width, o->lr, o->wd, o->steps);
    tsv_comment(tl, "loss = mean squared error of the predicted (qdot, pdot) (the loss of Greydanus et al. 2019)");
    tsv_columns(tl, "step\tbase_train\tbase_test\thnn_train\thnn_test");
    train(R, tl);
    tsv_finish(tl);
    double paper[4];
    paper_eval(R, &rp, paper);
    evaluate(R, &re, paper, argc, argv);
    hnn_free(&R->hnn);
    mlp_free(&R->base);
    free(R->X);
    free(R->Y);
    free(R);
    return 0;
}
