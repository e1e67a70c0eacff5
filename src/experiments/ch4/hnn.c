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
 * Writes data/ch4/hnn_<task>_{loss,rollout,summary,timing}.tsv. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/rng.h"
#include "core/tsv.h"
#include "core/util.h"
#include "nn/hnn.h"
#include "nn/optim.h"
#include "physics/integrators.h"
#include "physics/systems.h"

#define NTRAJ 50
#define NEVAL 15
#define T_EVAL 20.0
#define DT 0.01
#define OUT_EVERY 5    /* rollout rows every 5 RK4 steps (0.05) */

typedef struct {
    int spring;
    hnn_t *hnn;
    mlp_t *base;
    int B;
} ctx_t;

static double energy(const ctx_t *c, const double *y)
{
    return c->spring ? phys_spring_energy(y) : phys_pendulum_energy(y);
}

static int true_field(double *dydt, const double *y, double t, void *vc)
{
    const ctx_t *c = vc;
    for (int b = 0; b < c->B; b++)
        (c->spring ? phys_spring_field : phys_pendulum_field)(dydt + 2 * b, y + 2 * b, t, NULL);
    return 0;
}

static int hnn_rhs(double *dydt, const double *y, double t, void *vc)
{
    ctx_t *c = vc;
    hnn_field(c->hnn, c->B, y, dydt);
    return 0;
}

static int base_rhs(double *dydt, const double *y, double t, void *vc)
{
    ctx_t *c = vc;
    mlp_forward(c->base, y, c->B);
    memcpy(dydt, c->base->out, 2 * (size_t)c->B * sizeof(double));
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

int main(int argc, char **argv)
{
    args_t a;
    args_init(&a, argc, argv,
              "--task spring|pendulum [--width 200] [--steps 2000] [--lr 1e-3] [--wd 1e-4]\n"
              "       [--seed 0] [--outdir data/ch4]\n"
              "HNN vs baseline MLP (Greydanus et al. 2019, tasks 1-2).\n");
    const char *task = args_string(&a, "--task", NULL);
    int width = (int)args_long(&a, "--width", 200);
    long steps = args_long(&a, "--steps", 2000);
    double lr = args_double(&a, "--lr", 1e-3), wd = args_double(&a, "--wd", 1e-4);
    long seed = args_long(&a, "--seed", 0);
    const char *outdir = args_string(&a, "--outdir", "data/ch4");
    args_done(&a);
    if (!task || (strcmp(task, "spring") && strcmp(task, "pendulum")))
        die("--task must be spring or pendulum");
    if (width < 1 || steps < 1)
        die("bad --width or --steps");
    ctx_t c = {.spring = strcmp(task, "spring") == 0};
    int npts = c.spring ? 30 : 45;
    double rmin = c.spring ? 0.1 : 1.3, rmax = c.spring ? 1.0 : 2.3;

    /* ---- data */
    rng_t rd, rn, ri, re;
    rng_seed(&rd, (uint64_t)seed, 1);   /* initial conditions of the data */
    rng_seed(&rn, (uint64_t)seed, 2);   /* observation noise */
    rng_seed(&ri, (uint64_t)seed, 3);   /* weights */
    rng_seed(&re, (uint64_t)seed, 4);   /* evaluation initial conditions */
    int N = NTRAJ * npts, Ntr = N / 2;
    double *X = xmalloc(2 * (size_t)N * sizeof(double)), *Y = xmalloc(2 * (size_t)N * sizeof(double));
    for (int k = 0; k < NTRAJ; k++) {
        double y[2] = {2 * rng_uniform(&rd) - 1, 2 * rng_uniform(&rd) - 1};
        double rad = rmin + (rmax - rmin) * rng_uniform(&rd), nrm = hypot(y[0], y[1]);
        y[0] *= rad / nrm;
        y[1] *= rad / nrm;
        double tprev = 0;
        for (int i = 0; i < npts; i++) {
            double t = 3.0 * i / (npts - 1);
            advance(&c, y, tprev, t);
            tprev = t;
            double *x = X + 2 * ((size_t)k * npts + i), *dy = Y + 2 * ((size_t)k * npts + i);
            (c.spring ? phys_spring_field : phys_pendulum_field)(dy, y, t, NULL);
            x[0] = y[0] + 0.1 * rng_normal(&rn);
            x[1] = y[1] + 0.1 * rng_normal(&rn);
        }
    }

    /* ---- models */
    hnn_t hnn;
    mlp_t base;
    mlp_spec_t bspec = {.depth = 3, .dims = {2, width, width, 2}, .act = MLP_TANH, .bias = 1,
                        .out_bias = 0, .max_batch = N};
    if (hnn_init(&hnn, width, 2, N) || mlp_create(&base, &bspec))
        die("cannot build the models");
    hvp_init_weights(&hnn.net, HVP_INIT_ORTHO, &ri);
    hnn_baseline_init(&base, HVP_INIT_ORTHO, &ri);
    c.hnn = &hnn;
    c.base = &base;

    char path[512];
    snprintf(path, sizeof path, "%s/hnn_%s_loss.tsv", outdir, task);
    tsv_t *tl = tsv_create(path, argc, argv);
    tsv_comment(tl, "seed %ld; task %s; %d train / %d test points; tanh 2-%d-%d; Adam lr %g wd %g "
                    "(coupled), full batch, %ld steps", seed, task, Ntr, N - Ntr, width, width, lr, wd, steps);
    tsv_comment(tl, "loss = mean squared error of the predicted (qdot, pdot) (the loss of Greydanus et al. 2019)");
    tsv_columns(tl, "step\tbase_train\tbase_test\thnn_train\thnn_test");
    size_t nh = hnn.net.n_params, nb = base.n_params;
    double *hm = xcalloc(nh, sizeof(double)), *hs = xcalloc(nh, sizeof(double));
    double *bm = xcalloc(nb, sizeof(double)), *bs = xcalloc(nb, sizeof(double));
    double *Xte = X + 2 * (size_t)Ntr, *Yte = Y + 2 * (size_t)Ntr;
    progress_t pr;
    progress_begin(&pr, task);
    double t0 = now_seconds(), c0 = (double)clock() / CLOCKS_PER_SEC, lh = 0, lb = 0;
    for (long s = 1; s <= steps; s++) {
        lh = hnn_loss_grad(&hnn, Ntr, X, Y);
        opt_adam_step(hnn.net.theta, hnn.net.grad, hm, hs, nh, s, lr, 0.9, 0.999, 1e-8, wd,
                      OPT_WD_COUPLED);
        lb = mlp_regress_batch(&base, X, Y, Ntr, NN_LOSS_MSE, 0, 1);
        opt_adam_step(base.theta, base.grad, bm, bs, nb, s, lr, 0.9, 0.999, 1e-8, wd,
                      OPT_WD_COUPLED);
        if (s % 20 == 0 || s == 1 || s == steps) {
            /* losses of the updated weights, train and test */
            double htr = hnn_loss_grad(&hnn, Ntr, X, Y), hte = hnn_loss_grad(&hnn, N - Ntr, Xte, Yte);
            double btr = mlp_regress_batch(&base, X, Y, Ntr, NN_LOSS_MSE, 0, 0);
            double bte = mlp_regress_batch(&base, Xte, Yte, N - Ntr, NN_LOSS_MSE, 0, 0);
            tsv_rowv(tl, 5, (double)s, btr, bte, htr, hte);
            char note[96];
            snprintf(note, sizeof note, "hnn %.3g base %.3g", htr, btr);
            progress_update(&pr, (double)s, (double)steps, note);
        }
    }
    progress_end(&pr);
    double train_sec = now_seconds() - t0, train_cpu = (double)clock() / CLOCKS_PER_SEC - c0;
    double h_tr = hnn_loss_grad(&hnn, Ntr, X, Y), h_te = hnn_loss_grad(&hnn, N - Ntr, Xte, Yte);
    double b_tr = mlp_regress_batch(&base, X, Y, Ntr, NN_LOSS_MSE, 0, 0);
    double b_te = mlp_regress_batch(&base, Xte, Yte, N - Ntr, NN_LOSS_MSE, 0, 0);
    (void)lh;
    (void)lb;

    /* ---- evaluation rollouts, all NEVAL initial conditions in one batch */
    double erad_min = c.spring ? 0.2 : rmin, erad_max = c.spring ? 1.0 : rmax;
    double yt[2 * NEVAL], yh[2 * NEVAL], yb[2 * NEVAL], E0[NEVAL];
    for (int k = 0; k < NEVAL; k++) {
        double y[2] = {2 * rng_uniform(&re) - 1, 2 * rng_uniform(&re) - 1};
        double rad = erad_min + (erad_max - erad_min) * rng_uniform(&re), nrm = hypot(y[0], y[1]);
        yt[2 * k] = yh[2 * k] = yb[2 * k] = y[0] * rad / nrm;
        yt[2 * k + 1] = yh[2 * k + 1] = yb[2 * k + 1] = y[1] * rad / nrm;
        E0[k] = energy(&c, yt + 2 * k);
    }
    double Hth0[NEVAL], Hth[NEVAL];
    hnn_value(&hnn, NEVAL, yh, Hth0);
    snprintf(path, sizeof path, "%s/hnn_%s_rollout.tsv", outdir, task);
    tsv_t *tr = tsv_create(path, argc, argv);
    tsv_comment(tr, "seed %ld; %d evaluation initial conditions, radius U[%g, %g]; RK4 dt %g to t = %g",
                seed, NEVAL, erad_min, erad_max, DT, T_EVAL);
    tsv_comment(tr, "columns *_0: the first initial condition; E = true energy (%s) of each "
                    "model's state; Htheta_0 = learned H shifted to E(0); mse_*: means over the "
                    "initial conditions", c.spring ? "q^2 + p^2" : "3(1 - cos q) + p^2");
    tsv_columns(tr, "t\tq_true_0\tp_true_0\tq_base_0\tp_base_0\tq_hnn_0\tp_hnn_0\tE_true_0\t"
                    "E_base_0\tE_hnn_0\tHtheta_0\tcoord_mse_base\tcoord_mse_hnn\t"
                    "energy_se_base\tenergy_se_hnn");
    double work[PHYS_RK4_WORK(2 * NEVAL)];
    long nsteps = lround(T_EVAL / DT);
    double se_b = 0, se_h = 0, cm_b = 0, cm_h = 0;
    long nrows = 0;
    c.B = NEVAL;
    for (long s = 0; s <= nsteps; s++) {
        double t = s * DT;
        if (s % OUT_EVERY == 0) {
            double row[15], cb = 0, ch = 0, eb = 0, eh = 0;
            for (int k = 0; k < NEVAL; k++) {
                double Et = energy(&c, yt + 2 * k);
                double db = energy(&c, yb + 2 * k) - Et, dh = energy(&c, yh + 2 * k) - Et;
                eb += db * db / NEVAL;
                eh += dh * dh / NEVAL;
                for (int i = 0; i < 2; i++) {
                    cb += (yb[2 * k + i] - yt[2 * k + i]) * (yb[2 * k + i] - yt[2 * k + i]) / NEVAL;
                    ch += (yh[2 * k + i] - yt[2 * k + i]) * (yh[2 * k + i] - yt[2 * k + i]) / NEVAL;
                }
            }
            hnn_value(&hnn, NEVAL, yh, Hth);
            row[0] = t;
            row[1] = yt[0]; row[2] = yt[1];
            row[3] = yb[0]; row[4] = yb[1];
            row[5] = yh[0]; row[6] = yh[1];
            row[7] = energy(&c, yt);
            row[8] = energy(&c, yb);
            row[9] = energy(&c, yh);
            row[10] = Hth[0] - Hth0[0] + E0[0];
            row[11] = cb; row[12] = ch; row[13] = eb; row[14] = eh;
            tsv_row(tr, 15, row);
            se_b += eb;
            se_h += eh;
            cm_b += cb;
            cm_h += ch;
            nrows++;
        }
        if (s == nsteps)
            break;
        phys_rk4_step(yt, 2 * NEVAL, t, DT, true_field, &c, work);
        phys_rk4_step(yh, 2 * NEVAL, t, DT, hnn_rhs, &c, work);
        phys_rk4_step(yb, 2 * NEVAL, t, DT, base_rhs, &c, work);
    }
    tsv_finish(tr);
    tsv_finish(tl);

    snprintf(path, sizeof path, "%s/hnn_%s_summary.tsv", outdir, task);
    tsv_t *ts = tsv_create(path, argc, argv);
    tsv_comment(ts, "seed %ld; task %s; width %d; steps %ld; energy MSE over %d initial conditions x "
                    "%ld times in [0, %g]", seed, task, width, steps, NEVAL, nrows, T_EVAL);
    tsv_columns(ts, "key\tvalue");
    tsv_kv(ts, "train_points", Ntr);
    tsv_kv(ts, "test_points", N - Ntr);
    tsv_kv(ts, "base_train_loss", b_tr);
    tsv_kv(ts, "base_test_loss", b_te);
    tsv_kv(ts, "hnn_train_loss", h_tr);
    tsv_kv(ts, "hnn_test_loss", h_te);
    tsv_kv(ts, "base_energy_mse", se_b / nrows);
    tsv_kv(ts, "hnn_energy_mse", se_h / nrows);
    tsv_kv(ts, "energy_mse_ratio", (se_b / nrows) / (se_h / nrows));
    tsv_kv(ts, "base_coord_mse", cm_b / nrows);
    tsv_kv(ts, "hnn_coord_mse", cm_h / nrows);
    tsv_finish(ts);
    snprintf(path, sizeof path, "%s/hnn_%s_timing.tsv", outdir, task);
    ts = tsv_create(path, argc, argv);
    tsv_comment(ts, "timings of this run (not reproducible bit for bit, unlike the other files)");
    tsv_columns(ts, "key\tvalue");
    tsv_kv(ts, "train_seconds", train_sec);
    tsv_kv(ts, "train_cpu_seconds", train_cpu);
    tsv_finish(ts);
    fprintf(stderr, "%s: %s energy MSE base %.3g hnn %.3g (ratio %.1f), test loss %.3g / %.3g, %.1f s\n",
            util_progname(), task, se_b / nrows, se_h / nrows, se_b / se_h, b_te, h_te, train_sec);
    hnn_free(&hnn);
    mlp_free(&base);
    free(X);
    free(Y);
    free(hm);
    free(hs);
    free(bm);
    free(bs);
    return 0;
}
