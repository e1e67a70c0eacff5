/* adaptive.c: experiment E6 of the chapter: a BatchNorm MLP (eps = 0) on a
 * Fashion-MNIST subset, trained by SGD with coupled weight decay, read as
 * RMSProp (Tanaka & Kunin 2021, "implicit adaptive optimization"):
 *   - per unit, nu = (2 lambda/eta)|q|^4 against the EMA
 *     nu_{k+1} = (1 - 4 eta lambda) nu_k + 4 eta lambda |gt_k|^2 driven by the
 *     measured gradient (A1 in scale_dynamics.h);
 *   - eta_eff = eta/|q|^2 against sqrt(2 eta lambda / nu) (A2);
 *   - the angle between successive q relaxing to sqrt(2 eta lambda/(1+beta))
 *     within (1-beta)/(4 eta lambda) steps, for beta = 0 and 0.9;
 *   - side by side: the RMSProp of the derivation written out on the same BN
 *     network (one accumulator per unit, on the sphere), and optim.h's
 *     per-parameter RMSProp on the network without normalization, both with
 *     lr = sqrt(2 eta lambda) and decay 1 - 4 eta lambda.
 * free_b0 and free_b9 run on to --steps-long, for layer 2's arrival at the
 * equilibrium angle.  Writes data/ch3/adaptive_{units,steps,eval,summary}.tsv. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/args.h"
#include "core/tsv.h"
#include "core/util.h"
#include "experiments/ch3/lib/data.h"
#include "experiments/ch3/lib/run.h"
#include "nn/scale_dynamics.h"

typedef struct {
    const char *out_dir;
    long seed, steps, steps_long;
    double eta, lambda;
    int width, batch, train, test;
} opts_t;

/* The momentum run keeps the same effective rate eta/(1-beta) and the same
 * relaxation time (1-beta)/(4 eta lambda) as the plain run. */
static const double beta9 = 0.9;
static const double bn_eps = 1e-5;   /* PyTorch's default */
enum { FREE0, FREE9, SPHERE, RMSP, RMSPM, EPS, NOWD, NRUN };
static const char *name[NRUN] = {"free_b0", "free_b9", "sphere", "rmsprop", "rmsprop_m", "eps",
                                 "nowd"};

typedef struct {
    opts_t o;
    double eta9, tau, eq0, eq9;
    long Kmin;                 /* steps of the shortest run (a diverged one stops early) */
    long Klong;                /* steps of the shorter of the two long runs */
    ch3_rec_t rec[NRUN];
} adaptive_t;

/* free_b0 and free_b9 run --steps-long steps; the others --steps.  The first
 * --steps steps of a long run are the short run's (same seed, same batches),
 * so everything read at k <= --steps is the same as in a short run. */
static int is_long(int i) { return i == FREE0 || i == FREE9; }

/* The seven runs, same initialisation and batches. */
static void run_all(adaptive_t *A, const dataset_t *train, const dataset_t *test)
{
    const opts_t *o = &A->o;
    ch3_cfg_t cfg[NRUN];
    for (int i = 0; i < NRUN; i++) {
        cfg[i] = (ch3_cfg_t){.mode = CH3_FREE, .eta = o->eta, .beta = 0.0, .lambda = o->lambda,
                             .steps = is_long(i) ? o->steps_long : o->steps,
                             .B = o->batch, .width = o->width,
                             .seed = (uint64_t)o->seed, .eval_every = 100, .n_sample = 4};
    }
    cfg[FREE9].beta = beta9;
    cfg[FREE9].eta = A->eta9;
    cfg[SPHERE].mode = CH3_SPHERE;
    cfg[RMSP].mode = CH3_RMSPROP;
    cfg[RMSPM].mode = CH3_RMSPROP;
    cfg[RMSPM].rms_match = 1;
    cfg[EPS].bn_eps = bn_eps;
    cfg[NOWD].lambda = 0.0;
    progress_t pr;
    progress_begin(&pr, "E6 runs");
    for (int i = 0; i < NRUN; i++) {
        ch3_run(&cfg[i], train, test, &A->rec[i]);
        progress_update(&pr, i + 1, NRUN, name[i]);
        if (A->rec[i].diverged)
            fprintf(stderr, "adaptive: run %s diverged at step %ld\n", name[i], A->rec[i].steps);
    }
    progress_end(&pr);
}

/* nu of four units against its EMA, free run (adaptive_units.tsv). */
static void write_units(const adaptive_t *A, int argc, char **argv)
{
    const opts_t *o = &A->o;
    const uint64_t seed = (uint64_t)o->seed;
    const double eta = o->eta, lambda = o->lambda;
    const ch3_rec_t *rec = A->rec, *f = &rec[FREE0];
    const int width = o->width, B = o->batch, ntrain = o->train;
    tsv_t *t = tsv_createf(argc, argv, "%s/adaptive_units.tsv", o->out_dir);
    tsv_comment(t, "seed %llu; MLP 784-%d-%d-10, BatchNorm eps = 0, no biases; SGD eta = %g, "
                "lambda = %g (coupled), batch %d, %d training images",
                (unsigned long long)seed, width, width, eta, lambda, B, ntrain);
    tsv_comment(t, "nu = (2 lambda/eta)|q|^4 of four units (u0,u1 in layer 1; u2,u3 in layer 2) and "
                "ema: nu_{k+1} = (1 - 4 eta lambda) nu_k + 4 eta lambda |gt_k|^2 (Tanaka & Kunin 2021)");
    tsv_columns(t, "step\tnu_u0\tnu_u1\tnu_u2\tnu_u3\tema_u0\tema_u1\tema_u2\tema_u3");
    for (long k = 0; k <= f->steps; k++)
        tsv_rowv(t, 9, (double)k, f->nu_meas[0][k], f->nu_meas[1][k], f->nu_meas[2][k],
                 f->nu_meas[3][k], f->nu_ema[0][k], f->nu_ema[1][k], f->nu_ema[2][k],
                 f->nu_ema[3][k]);
    tsv_finish(t);

}

/* Rows every W steps: angles as the RMS over the block, losses and the
 * EMA gap as block means, effective rates at the block's last step
 * (adaptive_steps.tsv). */
static void write_steps(const adaptive_t *A, int argc, char **argv)
{
    const opts_t *o = &A->o;
    const uint64_t seed = (uint64_t)o->seed;
    const double eta = o->eta, lambda = o->lambda;
    const ch3_rec_t *rec = A->rec, *f = &rec[FREE0];
    const double eta9 = A->eta9, tau = A->tau, eq0 = A->eq0, eq9 = A->eq9;
    const int width = o->width;
    tsv_t *t = tsv_createf(argc, argv, "%s/adaptive_steps.tsv", o->out_dir);
    tsv_comment(t, "rows every 20 steps (step = end of the block): angles RMS over the block, "
                "losses and nu_gap block means, eta_eff at the block's last step");
    tsv_comment(t, "seed %llu; per step, over the %d units of each hidden layer (L1, L2): RMS angle "
                "between successive incoming weight vectors; eta_eff = angle/(|q||g|) median, 10 %%, "
                "90 %%", (unsigned long long)seed, width);
    tsv_comment(t, "runs: free_b0 (BN, SGD eta = %g, lambda = %g), free_b9 (BN, heavy ball beta = %g, "
                "eta = %g), sphere (BN, per-unit RMSProp on the sphere, lr = sqrt(2 eta lambda)), "
                "rmsprop (no BN, per-parameter RMSProp lr = %g, alpha = %g, eps = 1e-8, no WD), "
                "rmsprop_m (the same with lr_l = sqrt(2 eta lambda) rbar_l/sqrt(fan_in_l))",
                eta, lambda, beta9, eta9, sqrt(2 * eta * lambda), 1 - 4 * eta * lambda);
    tsv_comment(t, "eps: as free_b0 with BatchNorm eps = %g; nowd: as free_b0 with lambda = 0 "
                "(pred from the accumulator |q|^4 <- (1 - 4 eta lambda)|q|^4 + 2 eta^2 |gt|^2)", bn_eps);
    tsv_comment(t, "pred: free/sphere sqrt(2 eta lambda |gt|^2/nu) with nu the EMA; rmsprop "
                "atan(|P_perp lr g/sqrt(s)|/|q|); eq_b0 = sqrt(2 eta lambda), eq_b9 = "
                "sqrt(2 eta lambda/(1+beta)); tau = 1/(4 eta lambda) = %g steps", tau);
    tsv_columns(t, "step\tang_b0_L1\tang_b0_L2\tpred_b0_L1\tpred_b0_L2\teff_b0_L1\teff_b0_L2\t"
                "efflo_b0_L1\teffhi_b0_L1\teffpred_b0_L1\teffpred_b0_L2\tnu_gap\t"
                "ang_b9_L1\tang_b9_L2\tang_sph_L1\tang_sph_L2\teff_sph_L1\teff_sph_L2\t"
                "ang_rms_L1\tang_rms_L2\tpred_rms_L1\tpred_rms_L2\teff_rms_L1\teff_rms_L2\t"
                "effpred_rms_L1\teq_b0\teq_b9\tloss_b0\tloss_sph\tloss_rms\t"
                "ang_rmsm_L1\tang_rmsm_L2\tpred_rmsm_L1\tpred_rmsm_L2\teff_rmsm_L1\teff_rmsm_L2\t"
                "effpred_rmsm_L1\teffpred_rmsm_L2\tloss_rmsm\teffpred_rms_L2\t"
                "ang_eps_L1\tpred_eps_L1\tang_nowd_L1\tpred_nowd_L1\teff_nowd_L1\teffpred_nowd_L1");
    const ch3_rec_t *m9 = &rec[FREE9], *sp = &rec[SPHERE], *rp = &rec[RMSP], *rm = &rec[RMSPM];
    const ch3_rec_t *re = &rec[EPS], *rn = &rec[NOWD];
    enum { W = 20, NC = 46 };
    /* kind: S step, C constant, E value at the block's end, M block mean, R block RMS;
     * past the end of its run a column is NaN */
    typedef struct { const ch3_rec_t *r; const double *x; char kind; double c; } col_t;
#define COL(run, arr, kind) {run, (run)->arr, kind, 0}
    const col_t cols[NC] = {
        {NULL, NULL, 'S', 0}, COL(f, angle_rms[0], 'R'), COL(f, angle_rms[1], 'R'),
        COL(f, angle_pred[0], 'R'), COL(f, angle_pred[1], 'R'), COL(f, eff_med[0], 'E'),
        COL(f, eff_med[1], 'E'), COL(f, eff_lo[0], 'E'), COL(f, eff_hi[0], 'E'),
        COL(f, eff_pred_med[0], 'E'), COL(f, eff_pred_med[1], 'E'), COL(f, nu_gap, 'M'),
        COL(m9, angle_rms[0], 'R'), COL(m9, angle_rms[1], 'R'), COL(sp, angle_rms[0], 'R'),
        COL(sp, angle_rms[1], 'R'), COL(sp, eff_med[0], 'E'), COL(sp, eff_med[1], 'E'),
        COL(rp, angle_rms[0], 'R'), COL(rp, angle_rms[1], 'R'), COL(rp, angle_pred[0], 'R'),
        COL(rp, angle_pred[1], 'R'), COL(rp, eff_med[0], 'E'), COL(rp, eff_med[1], 'E'),
        COL(rp, eff_pred_med[0], 'E'), {NULL, NULL, 'C', eq0}, {NULL, NULL, 'C', eq9},
        COL(f, train_loss, 'M'), COL(sp, train_loss, 'M'), COL(rp, train_loss, 'M'),
        COL(rm, angle_rms[0], 'R'), COL(rm, angle_rms[1], 'R'), COL(rm, angle_pred[0], 'R'),
        COL(rm, angle_pred[1], 'R'), COL(rm, eff_med[0], 'E'), COL(rm, eff_med[1], 'E'),
        COL(rm, eff_pred_med[0], 'E'), COL(rm, eff_pred_med[1], 'E'), COL(rm, train_loss, 'M'),
        COL(rp, eff_pred_med[1], 'E'), COL(re, angle_rms[0], 'R'), COL(re, angle_pred[0], 'R'),
        COL(rn, angle_rms[0], 'R'), COL(rn, angle_pred[0], 'R'), COL(rn, eff_med[0], 'E'),
        COL(rn, eff_pred_med[0], 'E')};
#undef COL
    for (long k0 = 0; k0 + W <= A->Klong; k0 += W) {
        double row[NC];
        for (int j = 0; j < NC; j++) {
            const col_t *c = &cols[j];
            if (c->r && k0 + W > c->r->steps)
                row[j] = NAN;
            else if (c->kind == 'S')
                row[j] = (double)(k0 + W);
            else if (c->kind == 'C')
                row[j] = c->c;
            else if (c->kind == 'E')
                row[j] = c->x[k0 + W - 1];
            else if (c->kind == 'M')
                row[j] = ch3_mean(c->x + k0, W);
            else
                row[j] = ch3_rms(c->x + k0, W);
        }
        tsv_row(t, NC, row);
    }
    tsv_finish(t);

}

static void write_eval(const adaptive_t *A, int argc, char **argv)
{
    const opts_t *o = &A->o;
    const uint64_t seed = (uint64_t)o->seed;
    const ch3_rec_t *rec = A->rec;
    const int ntest = o->test;
    tsv_t *t = tsv_createf(argc, argv, "%s/adaptive_eval.tsv", o->out_dir);
    tsv_comment(t, "seed %llu; test loss and accuracy on %d test images (BatchNorm with batch "
                "statistics, batches of 500)", (unsigned long long)seed, ntest);
    tsv_columns(t, "step\tloss_b0\tacc_b0\tloss_b9\tacc_b9\tloss_sph\tacc_sph\tloss_rms\tacc_rms\t"
                "loss_rmsm\tacc_rmsm");
    int ne = rec[0].n_eval;
    for (int i = 1; i < NRUN; i++)
        if (rec[i].n_eval < ne)
            ne = rec[i].n_eval;
    for (int e = 0; e < ne; e++)
        tsv_rowv(t, 11, rec[0].eval_step[e], rec[0].test_loss[e], rec[0].test_acc[e],
                 rec[1].test_loss[e], rec[1].test_acc[e], rec[2].test_loss[e], rec[2].test_acc[e],
                 rec[3].test_loss[e], rec[3].test_acc[e], rec[4].test_loss[e], rec[4].test_acc[e]);
    tsv_finish(t);

}

/* RMS over [k1 - 2 tau, k1) (at least the second half) of each layer's
 * RMS angle in run r. */
static void late_angles(const ch3_rec_t *r, long k1, double tau, double late[CH3_NL])
{
    long k0 = k1 - (long)(2 * tau);
    if (k0 < k1 / 2)
        k0 = k1 / 2;
    for (int l = 0; l < CH3_NL; l++)
        late[l] = ch3_rms(r->angle_rms[l] + k0, k1 - k0);
}

/* Summary: the late-time RMS angle (last 2 tau steps of --steps, and of
 * --steps-long for the long runs) against the law, the EMA gap after the
 * first tau. */
static void write_summary(const adaptive_t *A, int argc, char **argv)
{
    const opts_t *o = &A->o;
    const double eta = o->eta, lambda = o->lambda, tau = A->tau, eq0 = A->eq0, eq9 = A->eq9;
    const ch3_rec_t *rec = A->rec, *f = &rec[FREE0];
    const long Kmin = A->Kmin, Klong = A->Klong;
    double late[NRUN][CH3_NL], late0_long[CH3_NL], late9_long[CH3_NL];
    for (int i = 0; i < NRUN; i++)
        late_angles(&rec[i], Kmin, tau, late[i]);
    late_angles(&rec[FREE0], Klong, tau, late0_long);
    late_angles(&rec[FREE9], Klong, tau, late9_long);
    double gap_max_late = 0.0, gap_first = 0.0;
    for (long k = (long)tau; k < Kmin; k++)
        gap_max_late = fmax(gap_max_late, f->nu_gap[k]);
    for (long k = 0; k < (long)tau && k < Kmin; k++)
        gap_first = fmax(gap_first, f->nu_gap[k]);

    tsv_t *t = tsv_createf(argc, argv, "%s/adaptive_summary.tsv", o->out_dir);
    tsv_comment(t, "seed %ld; late = RMS over the last 2 tau steps of %ld (of %ld for *_long)",
                o->seed, Kmin, Klong);
    tsv_columns(t, "key\tvalue");
    tsv_kv(t, "eta", eta);
    tsv_kv(t, "lambda", lambda);
    tsv_kv(t, "eta9", A->eta9);
    tsv_kv(t, "beta9", beta9);
    tsv_kv(t, "steps", (double)o->steps);
    tsv_kv(t, "steps_long", (double)Klong);
    tsv_kv(t, "width", o->width);
    tsv_kv(t, "batch", o->batch);
    tsv_kv(t, "train", o->train);
    tsv_kv(t, "test", o->test);
    tsv_kv(t, "tau", tau);
    tsv_kv(t, "rho", 1 - 4 * eta * lambda);
    tsv_kv(t, "lr_rms", sqrt(2 * eta * lambda));
    tsv_kv(t, "eq_b0", eq0);
    tsv_kv(t, "eq_b9", eq9);
    tsv_kv(t, "exact_worst", f->exact_worst);
    tsv_kv(t, "exact_worst_eps", rec[EPS].exact_worst);
    tsv_kv(t, "exact_worst_nowd", rec[NOWD].exact_worst);
    tsv_kv(t, "bn_eps", bn_eps);
    tsv_kv(t, "nu_gap_first_tau_max", gap_first);
    tsv_kv(t, "nu_gap_after_tau_mean", ch3_mean(f->nu_gap + (long)tau, Kmin - (long)tau));
    tsv_kv(t, "nu_gap_after_tau_max", gap_max_late);
    for (int i = 0; i < NRUN; i++) {
        for (int l = 0; l < CH3_NL; l++)
            tsv_kvf(t, late[i][l], "late_angle_%s_L%d", name[i], l + 1);
        /* a long run's test numbers are read at --steps, like the others' */
        int e = rec[i].n_eval - 1;
        if (is_long(i) && Kmin / 100 < e)
            e = (int)(Kmin / 100);
        tsv_kvf(t, rec[i].test_acc[e], "final_acc_%s", name[i]);
        tsv_kvf(t, rec[i].test_loss[e], "final_loss_%s", name[i]);
        tsv_kvf(t, rec[i].diverged, "diverged_%s", name[i]);
    }
    tsv_kv(t, "late_rel_b0_L1", late[FREE0][0] / eq0 - 1);
    tsv_kv(t, "late_rel_b0_L2", late[FREE0][1] / eq0 - 1);
    tsv_kv(t, "late_rel_b9_L1", late[FREE9][0] / eq9 - 1);
    tsv_kv(t, "late_rel_b9_L2", late[FREE9][1] / eq9 - 1);
    tsv_kv(t, "late_rel_sph_L1", late[SPHERE][0] / eq0 - 1);
    tsv_kv(t, "late_rel_eps_L1", late[EPS][0] / eq0 - 1);
    tsv_kv(t, "late_rel_b0_L1_long", late0_long[0] / eq0 - 1);
    tsv_kv(t, "late_rel_b0_L2_long", late0_long[1] / eq0 - 1);
    tsv_kv(t, "late_rel_b9_L1_long", late9_long[0] / eq9 - 1);
    tsv_kv(t, "late_rel_b9_L2_long", late9_long[1] / eq9 - 1);
    tsv_kv(t, "final_acc_free_b0_long", f->final_acc);
    /* how far the sampled units started from where they are (e-folds of nu),
     * at --steps and at the end of the long run */
    for (int u = 0; u < 4; u++) {
        tsv_kvf(t, log(f->nu_meas[u][0] / f->nu_meas[u][Kmin]), "nu_efolds_u%d", u);
        tsv_kvf(t, log(f->nu_meas[u][0] / f->nu_meas[u][Klong]), "nu_efolds_u%d_long", u);
    }
    tsv_kv(t, "nowd_angle_ratio_L1", late[NOWD][0] / eq0);
    tsv_kv(t, "late_rel_sph_L2", late[SPHERE][1] / eq0 - 1);
    tsv_finish(t);
}

static const char about[] =
    "A BatchNorm MLP under SGD with weight decay, read as RMSProp (Tanaka & Kunin 2021).";

static const arg_spec_t options[] = {
    ARG_STRING(opts_t, out_dir, "data/ch3", "output directory"),
    ARG_LONG(opts_t, seed, "3", "seed (PCG32 streams 1 init, 7 minibatches)"),
    ARG_DOUBLE(opts_t, eta, "0.1", "SGD step size"),
    ARG_DOUBLE(opts_t, lambda, "5e-3", "weight decay (coupled)"),
    ARG_LONG(opts_t, steps, "3000", "steps per run, >= 100"),
    ARG_LONG(opts_t, steps_long, "6000", "steps of the runs free_b0 and free_b9, >= --steps"),
    CH3_NET_ARGS(opts_t),
    ARG_END
};

int main(int argc, char **argv)
{
    adaptive_t *A = xcalloc(1, sizeof *A);
    opts_t *o = &A->o;
    args_parse(options, o, argc, argv, about);
    if (o->eta <= 0 || o->lambda <= 0 || o->steps_long < o->steps || o->steps % 100)
        die("need --eta > 0, --lambda > 0, --steps a multiple of 100, --steps-long >= --steps");
    dataset_t train, test;
    ch3_setup(100, o->steps, o->width, o->batch, o->train, o->test, &train, &test);
    A->eta9 = o->eta * (1.0 - beta9);
    run_all(A, &train, &test);
    A->tau = scale_relax_steps(o->eta, o->lambda, 0.0);
    A->eq0 = scale_angle_eq(o->eta, o->lambda, 0.0);
    A->eq9 = scale_angle_eq(A->eta9, o->lambda, beta9);
    A->Kmin = o->steps;
    A->Klong = o->steps_long;
    for (int i = 0; i < NRUN; i++) {
        if (A->rec[i].steps < A->Kmin)
            A->Kmin = A->rec[i].steps;
        if (is_long(i) && A->rec[i].steps < A->Klong)
            A->Klong = A->rec[i].steps;
    }
    write_units(A, argc, argv);
    write_steps(A, argc, argv);
    write_eval(A, argc, argv);
    write_summary(A, argc, argv);
    for (int i = 0; i < NRUN; i++)
        ch3_rec_free(&A->rec[i]);
    dataset_free(&train);
    dataset_free(&test);
    free(A);
    return 0;
}
