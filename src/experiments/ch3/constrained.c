/* constrained.c: experiment E7 of the chapter, the analogue of NLD Fig. 4
 * (Tanaka & Kunin 2021): the BatchNorm MLP (eps = 0) trained by SGD with
 * coupled weight decay, once free and once with every hidden unit's incoming
 * weights scaled back to their initial norm after each step (which removes the
 * adaptive mechanism: eta_eff = eta/|q_0|^2 stays fixed), across learning
 * rates.  At two learning rates the explicit per-unit RMSProp of the
 * derivation (CH3_SPHERE in lib/run.c) is run as the prediction for the free run.
 * Writes data/ch3/constrained_{scan,curves,summary}.tsv. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/args.h"
#include "core/tsv.h"
#include "core/util.h"
#include "experiments/ch3/lib/data.h"
#include "experiments/ch3/lib/run.h"

#define MAXE 16

typedef struct {
    const char *out_dir;
    long seed, steps;
    double lambda, curve_small, curve_large, acc_tol, loss_tol;
    arg_doubles_t etas;
    int width, batch, train, test;
} opts_t;

/* The runs: free and constrained at every rate of the scan, the sphere
 * RMSProp at the two rates of the curves. */
typedef struct {
    opts_t o;
    ch3_rec_t free_r[MAXE], con_r[MAXE], sph_r[2];
    int curve_idx[2];
    double eta_part;           /* first rate where the runs part */
    int part_i;
} scan_t;

static void run_all(scan_t *E, const dataset_t *train, const dataset_t *test)
{
    const opts_t *o = &E->o;
    const double *etas = o->etas.v;
    const int ne = o->etas.n;
    E->curve_idx[0] = E->curve_idx[1] = -1;
    progress_t pr;
    progress_begin(&pr, "E7 scan");
    for (int i = 0; i < ne; i++) {
        ch3_cfg_t c = {.mode = CH3_FREE, .eta = etas[i], .beta = 0.0, .lambda = o->lambda,
                       .steps = o->steps, .B = o->batch, .width = o->width,
                       .seed = (uint64_t)o->seed, .eval_every = 100, .n_sample = 0};
        ch3_run(&c, train, test, &E->free_r[i]);
        c.mode = CH3_CONSTRAINED;
        ch3_run(&c, train, test, &E->con_r[i]);
        for (int j = 0; j < 2; j++)
            if (etas[i] == (j == 0 ? o->curve_small : o->curve_large))
                E->curve_idx[j] = i;
        progress_update(&pr, i + 1, ne, NULL);
    }
    progress_end(&pr);
    if (E->curve_idx[0] < 0 || E->curve_idx[1] < 0)
        die("--curve-small and --curve-large must be members of --etas");
    for (int j = 0; j < 2; j++) {
        ch3_cfg_t c = {.mode = CH3_SPHERE, .eta = etas[E->curve_idx[j]], .beta = 0.0,
                       .lambda = o->lambda, .steps = o->steps, .B = o->batch, .width = o->width,
                       .seed = (uint64_t)o->seed, .eval_every = 100, .n_sample = 0};
        ch3_run(&c, train, test, &E->sph_r[j]);
    }
}

/* One row per rate (constrained_scan.tsv); finds where the runs part. */
static void write_scan(scan_t *E, int argc, char **argv)
{
    const opts_t *o = &E->o;
    const uint64_t seed = (uint64_t)o->seed;
    const double lambda = o->lambda, *etas = o->etas.v;
    const int ne = o->etas.n;
    const ch3_rec_t *free_r = E->free_r, *con_r = E->con_r;
    const long K = o->steps;
    const int width = o->width, B = o->batch, ntrain = o->train, ntest = o->test;
    const double acc_tol = o->acc_tol, loss_tol = o->loss_tol;
    tsv_t *t = tsv_createf(argc, argv, "%s/constrained_scan.tsv", o->out_dir);
    tsv_comment(t, "seed %llu; MLP 784-%d-%d-10, BatchNorm eps = 0, no biases; SGD, coupled weight "
                "decay lambda = %g, batch %d, %ld steps, %d training / %d test images",
                (unsigned long long)seed, width, width, lambda, B, K, ntrain, ntest);
    tsv_comment(t, "constrained: each hidden unit's incoming weights rescaled to their initial norm "
                "after every step (NLD Fig. 4 analogue); same initialisation and minibatches");
    tsv_comment(t, "eff: median over hidden units of angle/(|q||g|) over the last 100 steps' "
                "median trace; theory: constrained eta/((1 - eta lambda)|q_0|^2) (median), free "
                "sqrt(2 eta lambda / nu) with nu the EMA of |gt|^2 (Tanaka & Kunin 2021)");
    tsv_columns(t, "eta\tacc_free\tacc_con\tloss_free\tloss_con\teff_free\teff_con\t"
                "effpred_free\teffpred_con\tq2_free\tq2_con\tdiv_free\tdiv_con");
    double eta_part = NAN;
    int part_i = -1;
    for (int i = 0; i < ne; i++) {
        const ch3_rec_t *f = &free_r[i], *c = &con_r[i];
        /* median eta_eff of layer 1 at the end (mean of the last 100 steps) */
        double ef = 0, ec = 0, pf = 0, pc = 0;
        int nf = 0, nc = 0;
        for (long k = f->steps > 100 ? f->steps - 100 : 0; k < f->steps; k++, nf++) {
            ef += f->eff_med[0][k];
            pf += f->eff_pred_med[0][k];
        }
        for (long k = c->steps > 100 ? c->steps - 100 : 0; k < c->steps; k++, nc++) {
            ec += c->eff_med[0][k];
            pc += c->eff_pred_med[0][k];
        }
        double row[13] = {etas[i], f->final_acc, c->final_acc, f->final_loss, c->final_loss,
                          nf ? ef / nf : NAN, nc ? ec / nc : NAN, nf ? pf / nf : NAN,
                          nc ? pc / nc : NAN, f->final_q2_med, c->final_q2_med, f->diverged,
                          c->diverged};
        tsv_row(t, 13, row);
        double dacc = fabs(f->final_acc - c->final_acc);
        double dloss = fabs(f->final_loss - c->final_loss) / fmin(f->final_loss, c->final_loss);
        if (part_i < 0 && (dacc > acc_tol || !(dloss <= loss_tol) || f->diverged != c->diverged)) {
            part_i = i;
            eta_part = etas[i];
        }
    }
    tsv_finish(t);

    E->eta_part = eta_part;
    E->part_i = part_i;
}

/* Test loss and accuracy during training at the two rates (constrained_curves.tsv). */
static void write_curves(const scan_t *E, int argc, char **argv)
{
    const opts_t *o = &E->o;
    const uint64_t seed = (uint64_t)o->seed;
    const double lambda = o->lambda;
    const ch3_rec_t *free_r = E->free_r, *con_r = E->con_r, *sph_r = E->sph_r;
    const int *curve_idx = E->curve_idx;
    const double eta_small = o->curve_small, eta_large = o->curve_large;
    tsv_t *t = tsv_createf(argc, argv, "%s/constrained_curves.tsv", o->out_dir);
    tsv_comment(t, "seed %llu; test loss and accuracy during training at eta = %g and %g, "
                "lambda = %g: free, constrained, and the explicit per-unit RMSProp on the sphere "
                "(lr = sqrt(2 eta lambda), rho = 1 - 4 eta lambda) that the derivation says the "
                "free run is", (unsigned long long)seed, eta_small, eta_large, lambda);
    tsv_columns(t, "step\tloss_free_s\tloss_con_s\tloss_sph_s\tacc_free_s\tacc_con_s\tacc_sph_s\t"
                "loss_free_l\tloss_con_l\tloss_sph_l\tacc_free_l\tacc_con_l\tacc_sph_l");
    {
        const ch3_rec_t *fs = &free_r[curve_idx[0]], *cs = &con_r[curve_idx[0]], *ss = &sph_r[0];
        const ch3_rec_t *fl = &free_r[curve_idx[1]], *cl = &con_r[curve_idx[1]], *sl = &sph_r[1];
        int n = fs->n_eval;
        const ch3_rec_t *all[6] = {fs, cs, ss, fl, cl, sl};
        for (int j = 0; j < 6; j++)
            if (all[j]->n_eval < n)
                n = all[j]->n_eval;
        for (int e = 0; e < n; e++)
            tsv_rowv(t, 13, fs->eval_step[e], fs->test_loss[e], cs->test_loss[e],
                     ss->test_loss[e], fs->test_acc[e], cs->test_acc[e], ss->test_acc[e],
                     fl->test_loss[e], cl->test_loss[e], sl->test_loss[e], fl->test_acc[e],
                     cl->test_acc[e], sl->test_acc[e]);
    }
    tsv_finish(t);

}

static void write_summary(const scan_t *E, int argc, char **argv)
{
    const opts_t *o = &E->o;
    const uint64_t seed = (uint64_t)o->seed;
    const double lambda = o->lambda, *etas = o->etas.v;
    const int ne = o->etas.n;
    const ch3_rec_t *free_r = E->free_r, *con_r = E->con_r, *sph_r = E->sph_r;
    const long K = o->steps;
    const int *curve_idx = E->curve_idx, part_i = E->part_i;
    const double eta_small = o->curve_small, eta_large = o->curve_large, eta_part = E->eta_part;
    const double acc_tol = o->acc_tol, loss_tol = o->loss_tol;
    tsv_t *t = tsv_createf(argc, argv, "%s/constrained_summary.tsv", o->out_dir);
    tsv_comment(t, "seed %llu; E7 summary; the runs part at the first eta of the scan where the "
                "final test accuracies differ by more than acc_tol or the test losses by more "
                "than loss_tol (relative)", (unsigned long long)seed);
    tsv_columns(t, "key\tvalue");
    tsv_kv(t, "lambda", lambda);
    tsv_kv(t, "steps", (double)K);
    tsv_kv(t, "acc_tol", acc_tol);
    tsv_kv(t, "loss_tol", loss_tol);
    tsv_kv(t, "eta_min", etas[0]);
    tsv_kv(t, "eta_max", etas[ne - 1]);
    tsv_kv(t, "eta_part", eta_part);
    tsv_kv(t, "eta_before_part", part_i > 0 ? etas[part_i - 1] : NAN);
    tsv_kv(t, "eta_small", eta_small);
    tsv_kv(t, "eta_large", eta_large);
    for (int j = 0; j < 2; j++) {
        const char *tag = j ? "large" : "small";
        int i = curve_idx[j];
        char key[64];
        snprintf(key, sizeof key, "acc_free_%s", tag);
        tsv_kv(t, key, free_r[i].final_acc);
        snprintf(key, sizeof key, "acc_con_%s", tag);
        tsv_kv(t, key, con_r[i].final_acc);
        snprintf(key, sizeof key, "acc_sph_%s", tag);
        tsv_kv(t, key, sph_r[j].final_acc);
        snprintf(key, sizeof key, "loss_free_%s", tag);
        tsv_kv(t, key, free_r[i].final_loss);
        snprintf(key, sizeof key, "loss_con_%s", tag);
        tsv_kv(t, key, con_r[i].final_loss);
        snprintf(key, sizeof key, "loss_sph_%s", tag);
        tsv_kv(t, key, sph_r[j].final_loss);
        snprintf(key, sizeof key, "dacc_%s", tag);
        tsv_kv(t, key, fabs(free_r[i].final_acc - con_r[i].final_acc));
    }
    double best_free = 0, best_con = 0, best_free_eta = 0, best_con_eta = 0;
    for (int i = 0; i < ne; i++) {
        if (free_r[i].final_acc > best_free) {
            best_free = free_r[i].final_acc;
            best_free_eta = etas[i];
        }
        if (con_r[i].final_acc > best_con) {
            best_con = con_r[i].final_acc;
            best_con_eta = etas[i];
        }
    }
    tsv_kv(t, "best_acc_free", best_free);
    tsv_kv(t, "best_eta_free", best_free_eta);
    tsv_kv(t, "best_acc_con", best_con);
    tsv_kv(t, "best_eta_con", best_con_eta);
    double eta_collapse = NAN;   /* first eta where the constrained run is 10 points behind */
    for (int i = 0; i < ne; i++) {
        char key[64];
        snprintf(key, sizeof key, "eta_%d", i);
        tsv_kv(t, key, etas[i]);
        snprintf(key, sizeof key, "acc_free_%d", i);
        tsv_kv(t, key, free_r[i].final_acc);
        snprintf(key, sizeof key, "acc_con_%d", i);
        tsv_kv(t, key, con_r[i].final_acc);
        snprintf(key, sizeof key, "loss_free_%d", i);
        tsv_kv(t, key, free_r[i].final_loss);
        snprintf(key, sizeof key, "loss_con_%d", i);
        tsv_kv(t, key, con_r[i].final_loss);
        snprintf(key, sizeof key, "q2_free_%d", i);
        tsv_kv(t, key, free_r[i].final_q2_med);
        if (isnan(eta_collapse) && con_r[i].final_acc < free_r[i].final_acc - 0.10)
            eta_collapse = etas[i];
    }
    tsv_kv(t, "eta_collapse", eta_collapse);
    tsv_kv(t, "n_eta", ne);
    tsv_kv(t, "acc_free_max_eta", free_r[ne - 1].final_acc);
    tsv_kv(t, "acc_con_max_eta", con_r[ne - 1].final_acc);
    tsv_finish(t);

}

static const char about[] =
    "The BatchNorm MLP free and with units held at their initial norm, across learning rates.";

static const arg_spec_t options[] = {
    ARG_STRING(opts_t, out_dir, "data/ch3", "output directory"),
    ARG_LONG(opts_t, seed, "3", "seed (PCG32 streams 1 init, 7 minibatches)"),
    ARG_DOUBLE(opts_t, lambda, "5e-4", "weight decay (coupled)"),
    ARG_LONG(opts_t, steps, "1200", "steps per run, >= 100"),
    ARG_DOUBLES(opts_t, etas, "0.001,0.003,0.01,0.03,0.1,0.3,1,3,10",
                "learning rates of the scan, increasing (2 to 16)"),
    ARG_DOUBLE(opts_t, curve_small, "0.001", "small rate of the curves (one of --etas)"),
    ARG_DOUBLE(opts_t, curve_large, "3", "large rate of the curves (one of --etas)"),
    ARG_INT(opts_t, width, "128", "hidden units per layer, >= 8"),
    ARG_INT(opts_t, batch, "128", "minibatch size"),
    ARG_INT(opts_t, train, "10000", "training images"),
    ARG_INT(opts_t, test, "2000", "test images, >= 500"),
    ARG_DOUBLE(opts_t, acc_tol, "0.01", "the runs part where test accuracies differ by more"),
    ARG_DOUBLE(opts_t, loss_tol, "0.05", "... or test losses by more (relative)"),
    ARG_END
};

int main(int argc, char **argv)
{
    opts_t opts;
    args_parse(options, &opts, argc, argv, about);
    const double *etas = opts.etas.v;
    const int ne = opts.etas.n;
    if (ne < 2 || ne > MAXE)
        die("--etas: need a comma-separated list of 2 to %d learning rates, got '%s'", MAXE,
            opts.etas.text);
    for (int i = 0; i < ne; i++)
        if (!(etas[i] > 0) || (i > 0 && etas[i] <= etas[i - 1]))
            die("--etas: learning rates must be positive and increasing ('%s')", opts.etas.text);
    if (opts.steps < 100 || opts.width < 8 || opts.batch < 2 || opts.train < opts.batch ||
        opts.test < 500 || opts.lambda <= 0)
        die("bad parameters (need steps >= 100, width >= 8, batch >= 2, train >= batch, "
            "test >= 500, lambda > 0)");
    scan_t *E = xcalloc(1, sizeof *E);
    E->o = opts;
    const opts_t *o = &E->o;
    dataset_t train, test;
    ch3_load(&train, "train", o->train);
    ch3_load(&test, "test", o->test);
    run_all(E, &train, &test);
    write_scan(E, argc, argv);
    write_curves(E, argc, argv);
    write_summary(E, argc, argv);
    for (int i = 0; i < ne; i++) {
        ch3_rec_free(&E->free_r[i]);
        ch3_rec_free(&E->con_r[i]);
    }
    ch3_rec_free(&E->sph_r[0]);
    ch3_rec_free(&E->sph_r[1]);
    dataset_free(&train);
    dataset_free(&test);
    free(E);
    return 0;
}
