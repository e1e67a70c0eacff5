/* two_body.c: chapter 4, the two-body task of Greydanus, Dzamba & Yosinski
 * 2019 (HNN paper, task 4, Table 1 and Fig. 3; their experiment-2body code):
 * an HNN with four degrees of freedom (src/nn/hnn.h, hnn_init_dof) against a
 * baseline MLP 8 -> 8, both tanh with two hidden layers, orthogonal init,
 * Adam 1e-3, minibatches of 200, MSE on the time derivatives (their loss).
 *
 * Data (their data.py, scaled down): `orbits` orbits from random_config
 * (orbit noise 0.05; src/physics/two_body.h), 50 states each on t in [0, 20]
 * (RK4, dt 0.01, as ground truth), exact time derivatives as targets, no
 * noise; the first 80 % of the orbits train, the last 20 % test (they split
 * the states 80/20).  Evaluation: 15 fresh initial conditions, RK4 (dt 0.01)
 * to t = 20 for the truth and both models; energy MSE = mean over times and
 * initial conditions of (H(x_model) - H(x_true))^2, trajectory MSE = mean
 * squared coordinate error.
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
#include "nn/mlp.h"
#include "nn/optim.h"
#include "physics/integrators.h"
#include "physics/two_body.h"
#include "experiments/ch4/lib/rollout.h"

#define NE 15
#define NPTS 50
#define T_SPAN 20.0
#define DT 0.01
#define OUT_EVERY 10

typedef struct {
    int width, orbits, batch;
    long steps, seed;
    double lr;
    const char *out;
} opts_t;

typedef struct {
    hnn_t hnn;
    mlp_t base;
    ch4_models_t fields;   /* the RK4 fields' context: B, 8, &hnn, &base */
} models_t;

static int true_rhs(double *dy, const double *y, double t, void *vm)
{
    const ch4_models_t *m = vm;
    for (int b = 0; b < m->B; b++)
        phys_2body_field(dy + 8 * b, y + 8 * b, t, NULL);
    return 0;
}

/* NPTS states of each orbit on [0, T_SPAN] and their derivatives. */
static void make_data(int orbits, rng_t *r, double *X, double *Y)
{
    double work[PHYS_RK4_WORK(8)];
    long sub = lround(T_SPAN / (NPTS - 1) / DT);   /* RK4 steps between two samples (41) */
    double dt = T_SPAN / (NPTS - 1) / (double)sub;
    for (int k = 0; k < orbits; k++) {
        double y[8];
        phys_2body_random_config(y, 0.05, r);
        for (int i = 0; i < NPTS; i++) {
            double *x = X + 8 * ((size_t)k * NPTS + i);
            memcpy(x, y, sizeof y);
            phys_2body_field(Y + 8 * ((size_t)k * NPTS + i), y, 0, NULL);
            for (long s = 0; i < NPTS - 1 && s < sub; s++)
                phys_rk4_step(y, 8, 0, dt, phys_2body_field, NULL, work);
        }
    }
}

static double base_loss(models_t *m, int n, const double *X, const double *Y, int grad)
{
    return mlp_regress_batch(&m->base, X, Y, n, NN_LOSS_MSE, 0, grad);
}

static void train(models_t *m, const opts_t *o, int ntr, int nte, const double *X, const double *Y,
                  rng_t *rb, tsv_t *tl, double res[4], double *cpu)
{
    size_t nh = m->hnn.net.n_params, nb = m->base.n_params;
    double *hm = xcalloc(nh, sizeof(double)), *hs = xcalloc(nh, sizeof(double));
    double *bm = xcalloc(nb, sizeof(double)), *bs = xcalloc(nb, sizeof(double));
    int bsz = o->batch;
    double *bx = xmalloc(8 * (size_t)bsz * sizeof(double)), *by = xmalloc(8 * (size_t)bsz * sizeof(double));
    const double *Xte = X + 8 * (size_t)ntr, *Yte = Y + 8 * (size_t)ntr;
    double c0 = cpu_seconds();
    for (long s = 1; s <= o->steps; s++) {
        for (int i = 0; i < bsz; i++) {
            size_t j = (size_t)rng_below(rb, (uint32_t)ntr);
            memcpy(bx + 8 * (size_t)i, X + 8 * j, 8 * sizeof(double));
            memcpy(by + 8 * (size_t)i, Y + 8 * j, 8 * sizeof(double));
        }
        hnn_loss_grad(&m->hnn, bsz, bx, by);
        opt_adam_step(m->hnn.net.theta, m->hnn.net.grad, hm, hs, nh, s, o->lr, 0.9, 0.999, 1e-8, 0,
                      OPT_WD_COUPLED);
        base_loss(m, bsz, bx, by, 1);
        opt_adam_step(m->base.theta, m->base.grad, bm, bs, nb, s, o->lr, 0.9, 0.999, 1e-8, 0,
                      OPT_WD_COUPLED);
        if (s == 1 || s % 100 == 0)
            tsv_rowv(tl, 3, (double)s, base_loss(m, nte, Xte, Yte, 0), hnn_loss_grad(&m->hnn, nte, Xte, Yte));
    }
    *cpu = cpu_seconds() - c0;
    res[0] = base_loss(m, ntr, X, Y, 0);
    res[1] = base_loss(m, nte, Xte, Yte, 0);
    res[2] = hnn_loss_grad(&m->hnn, ntr, X, Y);
    res[3] = hnn_loss_grad(&m->hnn, nte, Xte, Yte);
    free(hm);
    free(hs);
    free(bm);
    free(bs);
    free(bx);
    free(by);
}

typedef struct {
    double yt[8 * NE], yh[8 * NE], yb[8 * NE];
    tsv_t *tr;
    double *res;   /* energy MSE base, hnn; trajectory MSE base, hnn */
} rollout_t;

static void measure(void *arg, double t)
{
    rollout_t *R = arg;
    const double *yt = R->yt, *yh = R->yh, *yb = R->yb;
    double eb = 0, eh = 0, cb = 0, ch = 0;
    for (int k = 0; k < NE; k++) {
        double Et = phys_2body_energy(yt + 8 * k);
        double db = phys_2body_energy(yb + 8 * k) - Et, dh = phys_2body_energy(yh + 8 * k) - Et;
        eb += db * db / NE;
        eh += dh * dh / NE;
        for (int i = 0; i < 8; i++) {
            double ub = yb[8 * k + i] - yt[8 * k + i], uh = yh[8 * k + i] - yt[8 * k + i];
            cb += ub * ub / (8 * NE);
            ch += uh * uh / (8 * NE);
        }
    }
    tsv_rowv(R->tr, 17, t, yt[0], yt[2], yt[1], yt[3], yb[0], yb[2], yb[1], yb[3], yh[0], yh[2],
             yh[1], yh[3], eb, eh, cb, ch);
    R->res[0] += eb;
    R->res[1] += eh;
    R->res[2] += cb;
    R->res[3] += ch;
}

/* res: energy MSE base, hnn; trajectory MSE base, hnn */
static void rollout(models_t *m, rng_t *re, tsv_t *tr, double res[4])
{
    rollout_t R = {.tr = tr, .res = res};
    for (int k = 0; k < NE; k++)
        phys_2body_random_config(R.yt + 8 * k, 0.05, re);
    memcpy(R.yh, R.yt, sizeof R.yt);
    memcpy(R.yb, R.yt, sizeof R.yt);
    m->fields.B = NE;
    const ch4_flow_t flows[] = {{true_rhs, R.yt}, {ch4_hnn_rhs, R.yh}, {ch4_mlp_rhs, R.yb}};
    ch4_rollout(&(ch4_rollout_t){.flows = flows, .nflows = 3, .n = 8 * NE, .ctx = &m->fields, .dt = DT,
                                 .nsteps = lround(T_SPAN / DT), .every = OUT_EVERY, .measure = measure,
                                 .arg = &R, .means = res, .nmeans = 4});
}

static const char about[] = "Two-body problem: HNN vs baseline MLP (Greydanus et al. 2019, task 4).";

static const arg_spec_t options[] = {
    ARG_INT(opts_t, width, "64", "hidden units of both tanh layers"),
    ARG_INT(opts_t, orbits, "200", "orbits of 50 states (80 % train, 20 % test)"),
    ARG_INT(opts_t, batch, "200", "minibatch size"),
    ARG_LONG(opts_t, steps, "2000", "Adam steps"),
    ARG_DOUBLE(opts_t, lr, "1e-3", "Adam step size"),
    ARG_LONG(opts_t, seed, "0", "seed (PCG32 streams 1 data, 2 minibatches, 3 weights, 4 evaluation)"),
    ARG_STRING(opts_t, out, "data/ch4/two_body", "output prefix"),
    ARG_END
};

int main(int argc, char **argv)
{
    opts_t o;
    args_parse(options, &o, argc, argv, about);
    if (o.width < 1 || o.orbits < 5 || o.batch < 1 || o.steps < 1)
        die("bad --width, --orbits, --batch or --steps");
    rng_t rd, rb, ri, re;
    rng_seed(&rd, (uint64_t)o.seed, 1);
    rng_seed(&rb, (uint64_t)o.seed, 2);
    rng_seed(&ri, (uint64_t)o.seed, 3);
    rng_seed(&re, (uint64_t)o.seed, 4);
    int N = o.orbits * NPTS, ntr = (o.orbits - o.orbits / 5) * NPTS, nte = N - ntr;
    double *X = xmalloc(8 * (size_t)N * sizeof(double)), *Y = xmalloc(8 * (size_t)N * sizeof(double));
    make_data(o.orbits, &rd, X, Y);
    int maxb = N > o.batch ? N : o.batch;

    models_t m;
    memset(&m, 0, sizeof m);
    mlp_spec_t bs = {.depth = 3, .dims = {8, o.width, o.width, 8}, .act = MLP_TANH, .bias = 1,
                     .out_bias = 0, .max_batch = maxb};
    if (hnn_init_dof(&m.hnn, 4, o.width, 2, maxb) || mlp_create(&m.base, &bs))
        die("cannot build the models");
    hvp_init_weights(&m.hnn.net, HVP_INIT_ORTHO, &ri);
    hnn_baseline_init(&m.base, HVP_INIT_ORTHO, &ri);
    m.fields = (ch4_models_t){.dim = 8, .hnn = &m.hnn, .mlp = &m.base};

    tsv_t *tl = tsv_createf(argc, argv, "%s_loss.tsv", o.out);
    tsv_comment(tl, "seed %ld; %d train / %d test states; tanh 8-%d-%d; Adam lr %g, batch %d, %ld steps",
                o.seed, ntr, nte, o.width, o.width, o.lr, o.batch, o.steps);
    tsv_columns(tl, "step\tbase_test\thnn_test");
    double loss[4], cpu, r[4];
    train(&m, &o, ntr, nte, X, Y, &rb, tl, loss, &cpu);
    tsv_finish(tl);

    tsv_t *tr = tsv_createf(argc, argv, "%s_rollout.tsv", o.out);
    tsv_comment(tr, "seed %ld; %d initial conditions (random_config, orbit noise 0.05); RK4 dt %g to t = %g; "
                    "body positions of the first; *_se: means over the initial conditions", o.seed, NE, DT,
                T_SPAN);
    tsv_columns(tr, "t\tx1_true\ty1_true\tx2_true\ty2_true\tx1_base\ty1_base\tx2_base\ty2_base\t"
                    "x1_hnn\ty1_hnn\tx2_hnn\ty2_hnn\tenergy_se_base\tenergy_se_hnn\ttraj_se_base\ttraj_se_hnn");
    rollout(&m, &re, tr, r);
    tsv_finish(tr);

    tsv_t *ts = tsv_createf(argc, argv, "%s_summary.tsv", o.out);
    tsv_comment(ts, "seed %ld; width %d; %ld steps of batch %d; %d orbits", o.seed, o.width, o.steps, o.batch,
                o.orbits);
    tsv_columns(ts, "key\tvalue");
    tsv_kv(ts, "train_points", ntr);
    ch4_kv_hnn_vs_base(ts, loss, r[0], r[1]);
    tsv_kv(ts, "base_traj_mse", r[2]);
    tsv_kv(ts, "hnn_traj_mse", r[3]);
    tsv_finish(ts);
    ch4_write_timing(tsv_createf(argc, argv, "%s_timing.tsv", o.out), 1,
                     (const char *const[]){"train_cpu_seconds"}, &cpu);
    fprintf(stderr, "%s: test loss base %.3g hnn %.3g; energy MSE base %.3g hnn %.3g; traj MSE base %.3g "
            "hnn %.3g; %.1f cpu-s\n", util_progname(), loss[1], loss[3], r[0], r[1], r[2], r[3], cpu);
    hnn_free(&m.hnn);
    mlp_free(&m.base);
    free(X);
    free(Y);
    return 0;
}
