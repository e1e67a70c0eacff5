/* dp_train.c: chapter 4, train a Lagrangian neural network (Cranmer et al.
 * 2020, eq. 6; L = MLP + (kappa/2)|qdot|^2, --kappa 0 is the paper's form) or
 * the black-box baseline on the double pendulum (deviations from the paper's
 * setup documented in the chapter): per-sample L1 loss on qddot, 1e-6 L2 on the weights, Adam
 * with the LNN repo's "OneCycle" cosine schedule
 *     p = 0.2 + 0.8 f,  lr = lr_min + (lr_max - lr_min) (1 - cos 2 pi p) / 2,
 *     lr_min = lr_max / 1e4   (f = fraction of training done),
 * minibatches drawn from shuffled epochs of the trajectory states, non-finite
 * steps skipped and counted (as the repo's training loop does).
 *
 * Writes <out>_weights.tsv (the trained weights, read by dp_eval),
 * <out>_loss.tsv (loss curve), <out>_train.tsv (summary) and <out>_timing.tsv
 * (wall and CPU seconds, kept apart because they vary from run to run). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/args.h"
#include "core/batch.h"
#include "core/tsv.h"
#include "core/util.h"
#include "experiments/ch4/lib/dp.h"
#include "experiments/ch4/lib/rollout.h"
#include "nn/optim.h"

typedef struct {
    int model, features, width, depth, batch, ntraj;
    const char *out;
    long steps, seed;
    double lr, kappa;
} opts_t;

/* The model being trained, either one: its parameters and gradient, and the
 * feature buffer of the baseline. */
typedef struct {
    int is_lnn;
    lnn_t lnn;
    mlp_t mlp;
    double *theta, *grad, *u;
    size_t np;
} model_t;

enum { EB = 1000 };   /* evaluation chunk */

/* Mean per-sample L1 of qddot over n states, in chunks of EB. */
static double eval_l1(model_t *M, const double *X, const double *A, size_t n)
{
    double sum = 0;
    long ok = 0;
    for (size_t o = 0; o < n; o += EB) {
        int c = (int)(n - o < (size_t)EB ? n - o : (size_t)EB);
        if (M->is_lnn) {
            int ns;
            sum += lnn_loss_sum(&M->lnn, c, X + 4 * o, A + 2 * o, LNN_LOSS_L1, &ns);
            ok += c - ns;
        } else {
            dp_features(M->u, X + 4 * o, c);
            mlp_forward(&M->mlp, M->u, c);
            for (int i = 0; i < 2 * c; i++)
                sum += fabs(M->mlp.out[i] - A[2 * o + i]);
            ok += c;
        }
    }
    return sum / (double)ok;
}

static void model_build(model_t *M, const opts_t *o, int maxb, rng_t *rw)
{
    M->is_lnn = o->model == 0;
    if (M->is_lnn) {
        lnn_feat feat = o->features ? LNN_FEAT_WRAP : LNN_FEAT_TRIG;
        if (dp_lnn_build(&M->lnn, feat, o->kappa, o->width, o->depth, maxb))
            die("cannot build the LNN");
        hvp_init_weights(&M->lnn.net, HVP_INIT_CRANMER, rw);
        M->theta = M->lnn.net.theta;
        M->grad = M->lnn.net.grad;
        M->np = M->lnn.net.n_params;
    } else {
        if (dp_mlp_build(&M->mlp, o->width, o->depth, maxb))
            die("cannot build the MLP");
        hnn_baseline_init(&M->mlp, HVP_INIT_GLOROT, rw);
        M->theta = M->mlp.theta;
        M->grad = M->mlp.grad;
        M->np = M->mlp.n_params;
    }
    M->u = xmalloc(6 * (size_t)maxb * sizeof(double));
}

/* The loss and gradient of one minibatch; counts singular samples (LNN). */
static double model_loss_grad(model_t *M, int B, const double *xb, const double *ab, long s,
                              long *singular)
{
    if (M->is_lnn) {
        int ns;
        double loss = lnn_loss_grad(&M->lnn, B, xb, ab, LNN_LOSS_L1, &ns);
        *singular += ns;
        if (ns)
            fprintf(stderr, "%s: step %ld: %d samples with singular M skipped\n",
                    util_progname(), s, ns);
        return loss;
    }
    dp_features(M->u, xb, B);
    return mlp_regress_batch(&M->mlp, M->u, ab, B, NN_LOSS_L1, 1, 1);
}

static const char about[] =
    "Trains the LNN or the baseline MLP on double-pendulum trajectory states.";

static const arg_spec_t options[] = {
    ARG_CHOICE(opts_t, model, "lnn|mlp", ARG_REQUIRED, "the LNN or the baseline MLP"),
    ARG_STRING(opts_t, out, ARG_REQUIRED, "prefix of the output files"),
    ARG_INT(opts_t, width, "128", "hidden units per layer"),
    ARG_INT(opts_t, depth, "2", "hidden layers"),
    ARG_LONG(opts_t, steps, "20000", "Adam steps"),
    ARG_INT(opts_t, batch, "256", "minibatch size"),
    ARG_DOUBLE(opts_t, lr, "1e-3", "peak learning rate of the OneCycle schedule"),
    ARG_INT(opts_t, ntraj, "400", "training trajectories"),
    ARG_LONG(opts_t, seed, "0", "seed (PCG32 streams 1 train, 2 test, 3 weights, 4 minibatches)"),
    ARG_CHOICE(opts_t, features, DP_FEATURES, "trig", "the LNN's input map"),
    ARG_DOUBLE(opts_t, kappa, "1", "the LNN's added (kappa/2)|qdot|^2; 0: the paper's LNN"),
    ARG_END
};

int main(int argc, char **argv)
{
    opts_t o;
    args_parse(options, &o, argc, argv, about);
    const char *model = o.model ? "mlp" : "lnn", *out = o.out;
    const int width = o.width, depth = o.depth, B = o.batch, ntraj = o.ntraj;
    const long steps = o.steps, seed = o.seed;
    const double lr_max = o.lr;
    if (width < 1 || depth < 1 || steps < 1 || B < 1 || ntraj < 1 || !(lr_max > 0))
        die("bad sizes or learning rate");
    if (o.model == 1 && o.features != 0)
        die("--features applies to the LNN only (the baseline always sees cos q, sin q)");

    /* data: training trajectories from stream 1, test trajectories from stream 2 */
    size_t N = (size_t)ntraj * DP_PTS, Nte = 20 * DP_PTS;
    double *X = xmalloc(4 * N * sizeof(double)), *A = xmalloc(2 * N * sizeof(double));
    double *Xte = xmalloc(4 * Nte * sizeof(double)), *Ate = xmalloc(2 * Nte * sizeof(double));
    dp_dataset(X, A, ntraj, (uint64_t)seed, 1);
    dp_dataset(Xte, Ate, 20, (uint64_t)seed, 2);

    rng_t rw;
    rng_seed(&rw, (uint64_t)seed, 3);   /* weights */
    model_t M;
    model_build(&M, &o, B > EB ? B : EB, &rw);
    const int is_lnn = M.is_lnn;
    const size_t np = M.np;
    double *theta = M.theta, *grad = M.grad;
    double *xb = xmalloc(4 * (size_t)B * sizeof(double)), *ab = xmalloc(2 * (size_t)B * sizeof(double));
    double *am = xcalloc(np, sizeof(double)), *as = xcalloc(np, sizeof(double));
    minibatch_t mb;                     /* stream 4: minibatch order */
    if (minibatch_init(&mb, NULL, (int)N, MINIBATCH_STREAM, (uint64_t)seed, 4))
        die("no training states");
    size_t *idx = xmalloc((size_t)B * sizeof *idx);

    tsv_t *tl = tsv_createf(argc, argv, "%s_loss.tsv", out);
    tsv_comment(tl, "seed %ld; model %s; width %d depth %d; %ld steps of batch %d; OneCycle lr_max %g; "
                    "%zu training states from %d trajectories", seed, model, width, depth, steps, B,
                lr_max, N, ntraj);
    tsv_comment(tl, "train_l1: mean per-sample L1 of qddot over the last 100 steps; test_l1 on "
                    "%zu held-out trajectory states (every 1000 steps)", Nte);
    tsv_columns(tl, "step\tlr\ttrain_l1\ttest_l1");

    progress_t pr;
    progress_begin(&pr, model);
    double t0 = now_seconds(), c0 = cpu_seconds(), run = 0, test_l1 = NAN;
    long nrun = 0, skipped = 0, singular_skips = 0;
    for (long s = 1; s <= steps; s++) {
        minibatch_indices(&mb, idx, B);
        for (int b = 0; b < B; b++) {
            memcpy(xb + 4 * b, X + 4 * idx[b], 4 * sizeof(double));
            memcpy(ab + 2 * b, A + 2 * idx[b], 2 * sizeof(double));
        }
        double f = (double)(s - 1) / steps, p = 0.2 + 0.8 * f;
        double lr = lr_max / 1e4 + (lr_max - lr_max / 1e4) * (1 - cos(2 * PI * p)) / 2;
        double loss = model_loss_grad(&M, B, xb, ab, s, &singular_skips);
        int finite = isfinite(loss);
        for (size_t i = 0; i < np && finite; i++)
            finite = isfinite(grad[i]);
        if (!finite) {
            skipped++;
            continue;
        }
        opt_adam_step(theta, grad, am, as, np, s - skipped, lr, 0.9, 0.999, 1e-8, 2e-6,
                      OPT_WD_COUPLED);
        run += loss;
        nrun++;
        if (s % 100 == 0) {
            if (s % 1000 == 0 || s == steps)
                test_l1 = eval_l1(&M, Xte, Ate, Nte);
            tsv_rowv(tl, 4, (double)s, lr, run / nrun, (s % 1000 == 0 || s == steps) ? test_l1 : NAN);
            char note[80];
            snprintf(note, sizeof note, "L1 %.3g", run / nrun);
            progress_update(&pr, (double)s, (double)steps, note);
            run = 0;
            nrun = 0;
        }
    }
    progress_end(&pr);
    double train_sec = now_seconds() - t0, train_cpu = cpu_seconds() - c0;
    double train_l1 = eval_l1(&M, X, A, N < 20000 ? N : 20000);
    test_l1 = eval_l1(&M, Xte, Ate, Nte);
    tsv_finish(tl);

    char *path = xmalloc(strlen(out) + 16);
    sprintf(path, "%s_weights.tsv", out);
    dp_save_weights(path, theta, np, model, width, depth, argc, argv);
    free(path);
    tsv_t *ts = tsv_createf(argc, argv, "%s_train.tsv", out);
    tsv_comment(ts, "seed %ld; model %s (%s inputs); width %d depth %d; steps %ld batch %d", seed, model,
                is_lnn && o.features ? "wrap" : "trig", width, depth, steps, B);
    tsv_columns(ts, "key\tvalue");
    tsv_kv(ts, "seed", (double)seed);
    tsv_kv(ts, "kappa", is_lnn ? o.kappa : 0.0);
    tsv_kv(ts, "width", width);
    tsv_kv(ts, "lr_max", lr_max);
    tsv_kv(ts, "params", (double)np);
    tsv_kv(ts, "steps", (double)steps);
    tsv_kv(ts, "batch", B);
    tsv_kv(ts, "samples_seen", (double)steps * B);
    tsv_kv(ts, "train_states", (double)N);
    tsv_kv(ts, "train_l1", train_l1);
    tsv_kv(ts, "test_l1", test_l1);
    double zero_l1 = 0;   /* the L1 of predicting qddot = 0, for scale */
    for (size_t i = 0; i < 2 * Nte; i++)
        zero_l1 += fabs(Ate[i]);
    tsv_kv(ts, "zero_l1", zero_l1 / Nte);
    tsv_kv(ts, "skipped_steps", (double)skipped);
    tsv_kv(ts, "singular_samples", (double)singular_skips);
    tsv_finish(ts);
    /* timings apart from the data: they differ from run to run */
    ch4_write_timing(tsv_createf(argc, argv, "%s_timing.tsv", out), 3,
                     (const char *const[]){"train_seconds", "train_cpu_seconds", "cpu_sec_per_step"},
                     (const double[]){train_sec, train_cpu, train_cpu / steps});
    fprintf(stderr, "%s: %s test L1 %.4g train L1 %.4g, %.1f s (%.2f ms/step), %ld skipped\n",
            util_progname(), model, test_l1, train_l1, train_sec, 1e3 * train_sec / steps, skipped);
    minibatch_free(&mb);
    free(idx); free(xb); free(ab); free(am); free(as); free(M.u);
    free(X); free(A); free(Xte); free(Ate);
    if (is_lnn)
        lnn_free(&M.lnn);
    else
        mlp_free(&M.mlp);
    return 0;
}
