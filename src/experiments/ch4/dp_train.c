/* dp_train.c: chapter 4, train a Lagrangian neural network (Cranmer et al.
 * 2020, eq. 6) or the black-box baseline on the double pendulum, with the
 * configuration of the brief (lnn-hnn.md sec. 6.3; deviations documented in
 * the chapter): per-sample L1 loss on qddot, 1e-6 L2 on the weights, Adam
 * with the LNN repo's "OneCycle" cosine schedule
 *     p = 0.2 + 0.8 f,  lr = lr_min + (lr_max - lr_min) (1 - cos 2 pi p) / 2,
 *     lr_min = lr_max / 1e4   (f = fraction of training done),
 * minibatches drawn from shuffled epochs of the trajectory states, non-finite
 * steps skipped and counted (as the repo's training loop does).
 *
 * Writes <out>_weights.tsv (the trained weights, read by dp_eval),
 * <out>_loss.tsv (loss curve), <out>_train.tsv (summary) and <out>_timing.tsv
 * (wall and CPU seconds, kept apart because they vary from run to run). */
#include "dp_common.h"

#include "nn/optim.h"

#include <time.h>

/* CPU seconds of this process: the cost of training, whatever else the machine runs */
static double cpu_seconds(void) { return (double)clock() / CLOCKS_PER_SEC; }

int main(int argc, char **argv)
{
    args_t a;
    args_init(&a, argc, argv,
              "--model lnn|mlp --out PREFIX [--width 128] [--depth 2] [--steps 20000]\n"
              "       [--batch 256] [--lr 1e-3] [--ntraj 400] [--seed 0] [--features trig|wrap]\n"
              "Trains the LNN or the baseline MLP on double-pendulum trajectory states.\n");
    const char *model = args_string(&a, "--model", NULL), *out = args_string(&a, "--out", NULL);
    int width = (int)args_long(&a, "--width", 128), depth = (int)args_long(&a, "--depth", 2);
    long steps = args_long(&a, "--steps", 20000);
    int B = (int)args_long(&a, "--batch", 256), ntraj = (int)args_long(&a, "--ntraj", 400);
    double lr_max = args_double(&a, "--lr", 1e-3);
    long seed = args_long(&a, "--seed", 0);
    const char *features = args_string(&a, "--features", "trig");
    args_done(&a);
    lnn_feat feat = dp_parse_features(features);
    if (!model || (strcmp(model, "lnn") && strcmp(model, "mlp")))
        die("--model must be lnn or mlp");
    if (!out)
        die("--out PREFIX is required");
    if (width < 1 || depth < 1 || steps < 1 || B < 1 || ntraj < 1 || !(lr_max > 0))
        die("bad sizes or learning rate");
    int is_lnn = strcmp(model, "lnn") == 0;
    if (!is_lnn && feat != LNN_FEAT_TRIG)
        die("--features applies to the LNN only (the baseline always sees cos q, sin q)");

    /* data: training trajectories from stream 1, test trajectories from stream 2 */
    size_t N = (size_t)ntraj * DP_PTS, Nte = 20 * DP_PTS;
    double *X = xmalloc(4 * N * sizeof(double)), *A = xmalloc(2 * N * sizeof(double));
    double *Xte = xmalloc(4 * Nte * sizeof(double)), *Ate = xmalloc(2 * Nte * sizeof(double));
    dp_dataset(X, A, ntraj, (uint64_t)seed, 1);
    dp_dataset(Xte, Ate, 20, (uint64_t)seed, 2);

    rng_t rw, rb;
    rng_seed(&rw, (uint64_t)seed, 3);   /* weights */
    rng_seed(&rb, (uint64_t)seed, 4);   /* minibatch order */
    int EB = 1000;                      /* evaluation chunk */
    int maxb = B > EB ? B : EB;
    lnn_t lnn;
    mlp_t mlp;
    double *theta, *grad;
    size_t np;
    if (is_lnn) {
        if (dp_lnn_build(&lnn, feat, width, depth, maxb))
            die("cannot build the LNN");
        hvp_init_weights(&lnn.net, HVP_INIT_CRANMER, &rw);
        theta = lnn.net.theta;
        grad = lnn.net.grad;
        np = lnn.net.n_params;
    } else {
        if (dp_mlp_build(&mlp, width, depth, maxb))
            die("cannot build the MLP");
        hnn_baseline_init(&mlp, HVP_INIT_GLOROT, &rw);
        theta = mlp.theta;
        grad = mlp.grad;
        np = mlp.n_params;
    }
    double *u = xmalloc(6 * (size_t)maxb * sizeof(double));
    double *xb = xmalloc(4 * (size_t)B * sizeof(double)), *ab = xmalloc(2 * (size_t)B * sizeof(double));
    double *am = xcalloc(np, sizeof(double)), *as = xcalloc(np, sizeof(double));
    double *keep = xmalloc(np * sizeof(double));
    size_t *perm = xmalloc(N * sizeof(size_t));
    for (size_t i = 0; i < N; i++)
        perm[i] = i;
    rng_shuffle(&rb, perm, N);
    size_t cursor = 0;

    char path[512];
    snprintf(path, sizeof path, "%s_loss.tsv", out);
    tsv_t *tl = tsv_create(path, argc, argv);
    tsv_comment(tl, "seed %ld; model %s; width %d depth %d; %ld steps of batch %d; OneCycle lr_max %g; "
                    "%zu training states from %d trajectories", seed, model, width, depth, steps, B,
                lr_max, N, ntraj);
    tsv_comment(tl, "train_l1: mean per-sample L1 of qddot over the last 100 steps; test_l1 on "
                    "%zu held-out trajectory states (every 1000 steps)", Nte);
    tsv_columns(tl, "step\tlr\ttrain_l1\ttest_l1");

    /* per-sample L1 over a set of states, in chunks of EB */
    #define EVAL_L1(Xs, As, n, res)                                                    \
        do {                                                                           \
            double sum_ = 0;                                                           \
            long ok_ = 0;                                                              \
            for (size_t o_ = 0; o_ < (n); o_ += EB) {                                  \
                int c_ = (int)((n) - o_ < (size_t)EB ? (n) - o_ : (size_t)EB);          \
                if (is_lnn) {                                                          \
                    int ns_;                                                           \
                    sum_ += lnn_loss_sum(&lnn, c_, (Xs) + 4 * o_, (As) + 2 * o_,        \
                                         LNN_LOSS_L1, &ns_);                           \
                    ok_ += c_ - ns_;                                                   \
                } else {                                                               \
                    dp_features(u, (Xs) + 4 * o_, c_);                                 \
                    mlp_forward(&mlp, u, c_);                                          \
                    for (int i_ = 0; i_ < 2 * c_; i_++)                                \
                        sum_ += fabs(mlp.out[i_] - (As)[2 * o_ + i_]);                 \
                    ok_ += c_;                                                         \
                }                                                                      \
            }                                                                          \
            (res) = sum_ / (double)ok_;                                                \
        } while (0)

    progress_t pr;
    progress_begin(&pr, model);
    double t0 = now_seconds(), c0 = cpu_seconds(), run = 0, test_l1 = NAN;
    long nrun = 0, skipped = 0, singular_skips = 0;
    for (long s = 1; s <= steps; s++) {
        for (int b = 0; b < B; b++) {
            if (cursor == N) {
                rng_shuffle(&rb, perm, N);
                cursor = 0;
            }
            size_t i = perm[cursor++];
            memcpy(xb + 4 * b, X + 4 * i, 4 * sizeof(double));
            memcpy(ab + 2 * b, A + 2 * i, 2 * sizeof(double));
        }
        double f = (double)(s - 1) / steps, p = 0.2 + 0.8 * f;
        double lr = lr_max / 1e4 + (lr_max - lr_max / 1e4) * (1 - cos(2 * PI * p)) / 2;
        double loss;
        if (is_lnn) {
            int ns;
            loss = lnn_loss_grad(&lnn, B, xb, ab, LNN_LOSS_L1, &ns);
            singular_skips += ns;
            if (ns)
                fprintf(stderr, "%s: step %ld: %d samples with singular M skipped\n",
                        util_progname(), s, ns);
        } else {
            dp_features(u, xb, B);
            loss = mlp_regress_batch(&mlp, u, ab, B, NN_LOSS_L1, 1, 1);
        }
        int finite = isfinite(loss);
        for (size_t i = 0; i < np && finite; i++)
            finite = isfinite(grad[i]);
        if (!finite) {
            skipped++;
            continue;
        }
        memcpy(keep, theta, np * sizeof(double));
        opt_adam_step(theta, grad, am, as, np, s - skipped, lr, 0.9, 0.999, 1e-8, 2e-6,
                      OPT_WD_COUPLED);
        run += loss;
        nrun++;
        if (s % 100 == 0) {
            if (s % 1000 == 0 || s == steps)
                EVAL_L1(Xte, Ate, Nte, test_l1);
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
    double train_l1;
    EVAL_L1(X, A, N < 20000 ? N : 20000, train_l1);
    EVAL_L1(Xte, Ate, Nte, test_l1);
    tsv_finish(tl);

    snprintf(path, sizeof path, "%s_weights.tsv", out);
    dp_save_weights(path, theta, np, model, width, depth, argc, argv);
    snprintf(path, sizeof path, "%s_train.tsv", out);
    tsv_t *ts = tsv_create(path, argc, argv);
    tsv_comment(ts, "seed %ld; model %s (%s inputs); width %d depth %d; steps %ld batch %d", seed, model,
                is_lnn ? features : "trig", width, depth, steps, B);
    tsv_columns(ts, "key\tvalue");
    tsv_kv(ts, "seed", (double)seed);
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
    snprintf(path, sizeof path, "%s_timing.tsv", out);
    ts = tsv_create(path, argc, argv);
    tsv_comment(ts, "timings of this run (not reproducible bit for bit, unlike the other files)");
    tsv_columns(ts, "key\tvalue");
    tsv_kv(ts, "train_seconds", train_sec);
    tsv_kv(ts, "train_cpu_seconds", train_cpu);
    tsv_kv(ts, "cpu_sec_per_step", train_cpu / steps);
    tsv_finish(ts);
    fprintf(stderr, "%s: %s test L1 %.4g train L1 %.4g, %.1f s (%.2f ms/step), %ld skipped\n",
            util_progname(), model, test_l1, train_l1, train_sec, 1e3 * train_sec / steps, skipped);
    (void)keep;
    return 0;
}
