/* relativistic.c: chapter 4, the relativistic particle of Cranmer et al.
 * 2020 (LNN paper, Fig. 3 and its section on special relativity; the
 * authors' notebooks SpecialRelativity.ipynb and SpecialRelativity-HNN.ipynb):
 * L = (1 - v^2)^{-1/2} + g q, c = m = 1, g = 1 here (src/physics/relativistic.h).
 * Three models learn its dynamics from states (q, v = qdot):
 *   - an LNN (src/nn/lnn1.h: softplus MLP + v^2/2, Euler-Lagrange solve),
 *     trained on vdot;
 *   - an HNN (src/nn/hnn.h) fed (q, v) in place of canonical (q, p), trained
 *     on the whole field (qdot, vdot) = (v, vdot) by the HNN loss; its flow is
 *     area-preserving in (q, v), the true one is not (dvdot/dv != 0), so it
 *     cannot fit (Cranmer et al. 2020: "a Hamiltonian approach fails");
 *   - a black-box MLP (src/nn/mlp.h) mapping (q, v) to vdot.
 * All three: width x 2 hidden layers, Adam (full batch), MSE.
 *
 * Data: train and test states q ~ U[-1, 1], v ~ U[-vmax, vmax] (stream 1),
 * exact vdot as target.  Evaluation: 16 initial conditions q0 ~ U[-1, 1],
 * v0 ~ U[-vmax/2, vmax/2] (stream 4), RK4 (dt 0.01) to t = tmax against the
 * closed form; trajectory MSE of (q, v) and MSE of the true energy
 * F(v) - g q, mean over times and initial conditions.  A model state with
 * |v| >= 1 (faster than light; its energy is undefined) enters the energy
 * with |v| clipped to 0.999, and the rollouts that ever get there are counted.
 *
 * Writes OUT_{loss,rollout,summary,timing}.tsv. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/args.h"
#include "core/rng.h"
#include "core/tsv.h"
#include "core/util.h"
#include "nn/hnn.h"
#include "nn/lnn1.h"
#include "nn/mlp.h"
#include "nn/optim.h"
#include "physics/integrators.h"
#include "physics/relativistic.h"
#include "experiments/ch4/lib/rollout.h"

#define NE 16
#define DT 0.01
#define OUT_EVERY 5
#define G 1.0

typedef struct {
    int width, n, init;
    long steps, seed;
    double lr, kappa, vmax, tmax;
    const char *out;
} opts_t;

typedef struct {
    lnn1_t lnn;
    hnn_t hnn;
    mlp_t base;
    ch4_models_t fields;   /* the RK4 fields' context: B, 2, &hnn, &base, own = this */
    double *scratch;       /* [2 max_batch] */
} models_t;

static double energy_clipped(const double *y, int *superluminal)
{
    double z[2] = {y[0], y[1]};
    if (!(fabs(z[1]) < 0.999)) {
        *superluminal = 1;
        z[1] = z[1] < 0 ? -0.999 : 0.999;
    }
    return phys_rel_energy(z, G);
}

static int lnn_rhs(double *dy, const double *y, double t, void *vm)
{
    const ch4_models_t *f = vm;
    models_t *m = f->own;
    lnn1_accel(&m->lnn, f->B, y, m->scratch);
    for (int b = 0; b < f->B; b++) {
        dy[2 * b] = y[2 * b + 1];
        dy[2 * b + 1] = m->scratch[b];
    }
    return 0;
}

/* States (q, v) with their vdot and the full field (v, vdot). */
static void make_data(int n, double vmax, rng_t *r, double *X, double *A, double *F)
{
    for (int i = 0; i < n; i++) {
        X[2 * i] = 2 * rng_uniform(r) - 1;
        X[2 * i + 1] = vmax * (2 * rng_uniform(r) - 1);
        A[i] = phys_rel_accel(X[2 * i + 1], G);
        F[2 * i] = X[2 * i + 1];
        F[2 * i + 1] = A[i];
    }
}

/* Held-out MSE of vdot for the three models: res[0..2] = lnn, hnn, base;
 * res[3] = the HNN's MSE on qdot (which should equal v). */
static void test_errors(models_t *m, int n, const double *X, const double *A, double res[4])
{
    double *a = xmalloc(2 * (size_t)n * sizeof(double));
    for (int k = 0; k < 4; k++)
        res[k] = 0;
    lnn1_accel(&m->lnn, n, X, a);
    for (int i = 0; i < n; i++)
        res[0] += (a[i] - A[i]) * (a[i] - A[i]) / n;
    hnn_field(&m->hnn, n, X, a);
    for (int i = 0; i < n; i++) {
        res[1] += (a[2 * i + 1] - A[i]) * (a[2 * i + 1] - A[i]) / n;
        res[3] += (a[2 * i] - X[2 * i + 1]) * (a[2 * i] - X[2 * i + 1]) / n;
    }
    mlp_forward(&m->base, X, n);
    for (int i = 0; i < n; i++)
        res[2] += (m->base.out[i] - A[i]) * (m->base.out[i] - A[i]) / n;
    free(a);
}

typedef struct {
    double *m, *v;
} adam_t;

static void adam_new(adam_t *a, size_t n)
{
    a->m = xcalloc(n, sizeof(double));
    a->v = xcalloc(n, sizeof(double));
}

static void adam_free(adam_t *a)
{
    free(a->m);
    free(a->v);
}

static void train(models_t *m, const opts_t *o, const double *X, const double *A, const double *F,
                  const double *Xte, const double *Ate, tsv_t *tl, double *cpu)
{
    adam_t al, ah, ab;
    adam_new(&al, m->lnn.net.n_params);
    adam_new(&ah, m->hnn.net.n_params);
    adam_new(&ab, m->base.n_params);
    int n = o->n;
    double c0 = cpu_seconds();
    for (long s = 1; s <= o->steps; s++) {
        lnn1_loss_grad(&m->lnn, n, X, A);
        opt_adam_step(m->lnn.net.theta, m->lnn.net.grad, al.m, al.v, m->lnn.net.n_params, s, o->lr,
                      0.9, 0.999, 1e-8, 0, OPT_WD_COUPLED);
        hnn_loss_grad(&m->hnn, n, X, F);
        opt_adam_step(m->hnn.net.theta, m->hnn.net.grad, ah.m, ah.v, m->hnn.net.n_params, s, o->lr,
                      0.9, 0.999, 1e-8, 0, OPT_WD_COUPLED);
        mlp_regress_batch(&m->base, X, A, n, NN_LOSS_MSE, 0, 1);
        opt_adam_step(m->base.theta, m->base.grad, ab.m, ab.v, m->base.n_params, s, o->lr, 0.9, 0.999,
                      1e-8, 0, OPT_WD_COUPLED);
        if (s == 1 || s % 50 == 0) {
            double r[4];
            test_errors(m, n, Xte, Ate, r);
            tsv_rowv(tl, 5, (double)s, r[0], r[1], r[2], r[3]);
        }
    }
    *cpu = cpu_seconds() - c0;
    adam_free(&al);
    adam_free(&ah);
    adam_free(&ab);
}

/* Rollouts of the three models and the closed form from NE initial
 * conditions, measured every OUT_EVERY steps into tr and the means res. */
typedef struct {
    models_t *m;
    tsv_t *tr;
    double y0[2 * NE], yl[2 * NE], yh[2 * NE], yb[2 * NE], E0[NE];
    int sl[3][NE];     /* which rollouts have gone superluminal */
    double *res;       /* traj MSE lnn, hnn, base, then energy MSE lnn, hnn, base */
} rollout_t;

static void measure(void *arg, double t)
{
    rollout_t *R = arg;
    double yt[2 * NE];
    double *ys[3] = {R->yl, R->yh, R->yb}, tse[3] = {0, 0, 0}, ese[3] = {0, 0, 0};
    for (int k = 0; k < NE; k++)
        phys_rel_exact(yt + 2 * k, R->y0 + 2 * k, G, t);
    for (int j = 0; j < 3; j++)
        for (int k = 0; k < NE; k++) {
            double dq = ys[j][2 * k] - yt[2 * k], dv = ys[j][2 * k + 1] - yt[2 * k + 1];
            double de = energy_clipped(ys[j] + 2 * k, &R->sl[j][k]) - R->E0[k];
            tse[j] += (dq * dq + dv * dv) / (2 * NE);
            ese[j] += de * de / NE;
        }
    double Et[1];
    lnn1_energy(&R->m->lnn, 1, R->yl, Et);
    tsv_rowv(R->tr, 16, t, yt[0], yt[1], R->yl[0], R->yl[1], R->yh[0], R->yh[1], R->yb[0], R->yb[1], Et[0],
             tse[0], tse[1], tse[2], ese[0], ese[1], ese[2]);
    for (int j = 0; j < 3; j++) {
        R->res[j] += tse[j];
        R->res[3 + j] += ese[j];
    }
}

/* res: traj MSE lnn, hnn, base, then energy MSE lnn, hnn, base; fast: the
 * rollouts of each model that went superluminal. */
static void rollout(models_t *m, const opts_t *o, rng_t *re, tsv_t *tr, double res[6], int fast[3])
{
    rollout_t R = {.m = m, .tr = tr, .res = res};
    for (int k = 0; k < NE; k++) {
        R.y0[2 * k] = 2 * rng_uniform(re) - 1;
        R.y0[2 * k + 1] = 0.5 * o->vmax * (2 * rng_uniform(re) - 1);
        R.E0[k] = phys_rel_energy(R.y0 + 2 * k, G);
    }
    memcpy(R.yl, R.y0, sizeof R.y0);
    memcpy(R.yh, R.y0, sizeof R.y0);
    memcpy(R.yb, R.y0, sizeof R.y0);
    m->fields.B = NE;
    const ch4_flow_t flows[] = {{lnn_rhs, R.yl}, {ch4_hnn_rhs, R.yh}, {ch4_mlp_accel_rhs, R.yb}};
    ch4_rollout(&(ch4_rollout_t){.flows = flows, .nflows = 3, .n = 2 * NE, .ctx = &m->fields, .dt = DT,
                                 .nsteps = lround(o->tmax / DT), .every = OUT_EVERY, .measure = measure,
                                 .arg = &R, .means = res, .nmeans = 6});
    for (int j = 0; j < 3; j++) {
        fast[j] = 0;
        for (int k = 0; k < NE; k++)
            fast[j] += R.sl[j][k];
    }
}

static const char about[] = "Relativistic particle: LNN, HNN on (q, qdot), black box (Cranmer et al. 2020).";

static const arg_spec_t options[] = {
    ARG_INT(opts_t, width, "32", "hidden units of the two layers of every model"),
    ARG_INT(opts_t, n, "512", "training states (as many held out)"),
    ARG_LONG(opts_t, steps, "1500", "full-batch Adam steps"),
    ARG_DOUBLE(opts_t, lr, "1e-3", "Adam step size"),
    ARG_CHOICE(opts_t, init, "cranmer|ortho|glorot", "ortho", "the LNN's initialisation (hvp.h)"),
    ARG_DOUBLE(opts_t, kappa, "1", "the LNN's added (kappa/2) qdot^2"),
    ARG_DOUBLE(opts_t, vmax, "0.7", "training states |v| <= vmax; evaluation |v0| <= vmax/2"),
    ARG_DOUBLE(opts_t, tmax, "1", "rollout length"),
    ARG_LONG(opts_t, seed, "0", "seed (PCG32 streams 1 data, 3 weights, 4 evaluation)"),
    ARG_STRING(opts_t, out, "data/ch4/rel", "output prefix"),
    ARG_END
};

int main(int argc, char **argv)
{
    opts_t o;
    args_parse(options, &o, argc, argv, about);
    if (o.width < 1 || o.n < 1 || o.steps < 1)
        die("bad --width, --n or --steps");
    int n = o.n;
    rng_t rd, ri, re;
    rng_seed(&rd, (uint64_t)o.seed, 1);
    rng_seed(&ri, (uint64_t)o.seed, 3);
    rng_seed(&re, (uint64_t)o.seed, 4);
    double *X = xmalloc(4 * (size_t)n * sizeof(double)), *A = xmalloc(2 * (size_t)n * sizeof(double));
    double *F = xmalloc(4 * (size_t)n * sizeof(double));
    make_data(2 * n, o.vmax, &rd, X, A, F);
    const double *Xte = X + 2 * (size_t)n, *Ate = A + n;

    models_t m;
    memset(&m, 0, sizeof m);
    mlp_spec_t bs = {.depth = 3, .dims = {2, o.width, o.width, 1}, .act = MLP_TANH, .bias = 1,
                     .out_bias = 1, .max_batch = n};
    if (lnn1_init(&m.lnn, o.width, 2, o.kappa, n) || hnn_init(&m.hnn, o.width, 2, n) ||
        mlp_create(&m.base, &bs))
        die("cannot build the models");
    m.scratch = xmalloc(2 * (size_t)n * sizeof(double));
    hvp_init_weights(&m.lnn.net, (hvp_init_scheme)o.init, &ri);
    hvp_init_weights(&m.hnn.net, HVP_INIT_ORTHO, &ri);
    hnn_baseline_init(&m.base, HVP_INIT_ORTHO, &ri);
    m.fields = (ch4_models_t){.dim = 2, .hnn = &m.hnn, .mlp = &m.base, .own = &m};

    tsv_t *tl = tsv_createf(argc, argv, "%s_loss.tsv", o.out);
    tsv_comment(tl, "seed %ld; %d train / %d test states; width %d x 2; Adam lr %g, full batch, %ld steps",
                o.seed, n, n, o.width, o.lr, o.steps);
    tsv_comment(tl, "held-out MSE of qddot (hnn_qdot: the HNN's error on qdot = v)");
    tsv_columns(tl, "step\tlnn\thnn\tbase\thnn_qdot");
    double cpu;
    train(&m, &o, X, A, F, Xte, Ate, tl, &cpu);
    tsv_finish(tl);

    tsv_t *tr = tsv_createf(argc, argv, "%s_rollout.tsv", o.out);
    tsv_comment(tr, "seed %ld; %d initial conditions q0 ~ U[-1, 1], v0 ~ U[-vmax/2, vmax/2]; RK4 dt %g; "
                    "truth: closed form; *_0: the first initial condition; Etheta_0: the LNN's own "
                    "energy; *_se_*: squared errors, means over the initial conditions", o.seed, NE, DT);
    tsv_columns(tr, "t\tq_true_0\tv_true_0\tq_lnn_0\tv_lnn_0\tq_hnn_0\tv_hnn_0\tq_base_0\tv_base_0\t"
                    "Etheta_0\ttraj_se_lnn\ttraj_se_hnn\ttraj_se_base\tenergy_se_lnn\tenergy_se_hnn\t"
                    "energy_se_base");
    double r[6], te[4];
    int fast[3];
    rollout(&m, &o, &re, tr, r, fast);
    tsv_finish(tr);
    test_errors(&m, n, Xte, Ate, te);

    tsv_t *ts = tsv_createf(argc, argv, "%s_summary.tsv", o.out);
    tsv_comment(ts, "seed %ld; width %d; steps %ld; rollouts to t = %g", o.seed, o.width, o.steps, o.tmax);
    tsv_columns(ts, "key\tvalue");
    tsv_kv(ts, "lnn_test_mse", te[0]);
    tsv_kv(ts, "hnn_test_mse", te[1]);
    tsv_kv(ts, "base_test_mse", te[2]);
    tsv_kv(ts, "hnn_test_mse_qdot", te[3]);
    tsv_kv(ts, "lnn_traj_mse", r[0]);
    tsv_kv(ts, "hnn_traj_mse", r[1]);
    tsv_kv(ts, "base_traj_mse", r[2]);
    tsv_kv(ts, "lnn_energy_mse", r[3]);
    tsv_kv(ts, "hnn_energy_mse", r[4]);
    tsv_kv(ts, "base_energy_mse", r[5]);
    tsv_kv(ts, "lnn_superluminal", fast[0]);
    tsv_kv(ts, "hnn_superluminal", fast[1]);
    tsv_kv(ts, "base_superluminal", fast[2]);
    tsv_kv(ts, "hnn_over_lnn_traj", r[1] / r[0]);
    tsv_kv(ts, "base_over_lnn_traj", r[2] / r[0]);
    tsv_finish(ts);
    ch4_write_timing(tsv_createf(argc, argv, "%s_timing.tsv", o.out), 1,
                     (const char *const[]){"train_cpu_seconds"}, &cpu);
    fprintf(stderr, "%s: test mse lnn %.3g hnn %.3g base %.3g; traj lnn %.3g hnn %.3g base %.3g; "
            "energy lnn %.3g hnn %.3g base %.3g; %.1f cpu-s\n", util_progname(), te[0], te[1], te[2],
            r[0], r[1], r[2], r[3], r[4], r[5], cpu);
    lnn1_free(&m.lnn);
    hnn_free(&m.hnn);
    mlp_free(&m.base);
    free(m.scratch);
    free(X);
    free(A);
    free(F);
    return 0;
}
