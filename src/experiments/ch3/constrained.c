/* constrained.c: the chapter's analogue of NLD Fig. 4 (Tanaka & Kunin 2021):
 * the BatchNorm MLP (eps = 0) trained by SGD with coupled weight decay, once
 * free and once with every hidden unit's incoming weights scaled back to their
 * initial norm after each step (which removes the adaptive mechanism:
 * eta_eff = eta/((1 - eta lambda)|q_0|^2) stays fixed), across learning rates,
 * for one seed (initialisation and minibatch order; free and fixed runs share
 * both).
 *
 * Writes <out>_scan.tsv (one row per rate: final test accuracy and loss, and
 * layer 1's median eta_eff over the last 100 steps against its theory) and
 * <out>_summary.tsv (where the runs part, the gaps at the smallest and the
 * largest rate, the best accuracies, per rate the same numbers as the scan),
 * for the seed aggregator.  With --curves P, also the test loss every 100
 * steps at two rates, with the explicit per-unit RMSProp on the sphere of the
 * derivation (CH3_SPHERE in lib/run.c) as the prediction for the free run:
 * P.tsv and P_summary.tsv. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/args.h"
#include "core/tsv.h"
#include "core/util.h"
#include "experiments/ch3/lib/data.h"
#include "experiments/ch3/lib/run.h"

#define MAXE 16
enum { LATE = 100 };   /* eta_eff is read over the last LATE steps */

typedef struct {
    const char *out, *curves;
    long seed, steps;
    double lambda, curve_small, curve_large, acc_tol, loss_tol;
    arg_doubles_t etas;
    int width, batch, train, test;
} opts_t;

/* The runs: free and constrained at every rate of the scan; with --curves,
 * the sphere RMSProp at the two rates of the curves. */
typedef struct {
    opts_t o;
    ch3_rec_t free_r[MAXE], con_r[MAXE], sph_r[2];
    int curve_idx[2];
} scan_t;

static ch3_cfg_t config(const opts_t *o, ch3_mode mode, double eta, int eval_every)
{
    return (ch3_cfg_t){.mode = mode, .eta = eta, .beta = 0.0, .lambda = o->lambda,
                       .steps = o->steps, .B = o->batch, .width = o->width,
                       .seed = (uint64_t)o->seed, .eval_every = eval_every,
                       .measure_from = o->steps - LATE};
}

static void run_all(scan_t *E, const dataset_t *train, const dataset_t *test)
{
    const opts_t *o = &E->o;
    const double *etas = o->etas.v;
    const int ne = o->etas.n;
    for (int j = 0; j < 2; j++) {
        E->curve_idx[j] = -1;
        for (int i = 0; i < ne; i++)
            if (etas[i] == (j == 0 ? o->curve_small : o->curve_large))
                E->curve_idx[j] = i;
    }
    if (o->curves && (E->curve_idx[0] < 0 || E->curve_idx[1] < 0))
        die("--curve-small and --curve-large must be members of --etas");
    progress_t pr;
    progress_begin(&pr, "free and fixed-norm scan");
    for (int i = 0; i < ne; i++) {
        int curve = o->curves && (i == E->curve_idx[0] || i == E->curve_idx[1]);
        ch3_cfg_t c = config(o, CH3_FREE, etas[i], curve ? 100 : 0);
        ch3_run(&c, train, test, &E->free_r[i]);
        c.mode = CH3_CONSTRAINED;
        ch3_run(&c, train, test, &E->con_r[i]);
        progress_update(&pr, i + 1, ne, NULL);
    }
    progress_end(&pr);
    if (o->curves)
        for (int j = 0; j < 2; j++) {
            ch3_cfg_t c = config(o, CH3_SPHERE, etas[E->curve_idx[j]], 100);
            ch3_run(&c, train, test, &E->sph_r[j]);
        }
}

/* Layer 1's median eta_eff (measured) and its theory, averaged over the last
 * LATE steps of a run. */
static void late_eff(const ch3_rec_t *r, double *eff, double *pred)
{
    long k0 = r->steps > LATE ? r->steps - LATE : 0;
    *eff = ch3_mean(r->eff_med[0] + k0, r->steps - k0);
    *pred = ch3_mean(r->eff_pred_med[0] + k0, r->steps - k0);
}

static void write_scan(const scan_t *E, int argc, char **argv)
{
    const opts_t *o = &E->o;
    tsv_t *t = tsv_createf(argc, argv, "%s_scan.tsv", o->out);
    tsv_comment(t, "seed %ld; MLP 784-%d-%d-10, BatchNorm eps = 0, no biases; SGD, coupled weight "
                "decay lambda = %g, batch %d, %ld steps, %d training / %d test images",
                o->seed, o->width, o->width, o->lambda, o->batch, o->steps, o->train, o->test);
    tsv_comment(t, "con: each hidden unit's incoming weights rescaled to their initial norm after "
                "every step (NLD Fig. 4 analogue); same initialisation and minibatches as free");
    tsv_comment(t, "eff: layer 1's median over units of angle/(|q||g|), mean over the last %d "
                "steps; effpred: con eta/((1 - eta lambda)|q_0|^2) (exact for a fixed norm), free "
                "sqrt(2 eta lambda / nu) with nu the EMA of the measured |gt|^2", LATE);
    tsv_columns(t, "eta\tacc_free\tacc_con\tloss_free\tloss_con\teff_free\teff_con\t"
                "effpred_free\teffpred_con\tq2_free\tq2_con\tdiv_free\tdiv_con");
    for (int i = 0; i < o->etas.n; i++) {
        const ch3_rec_t *f = &E->free_r[i], *c = &E->con_r[i];
        double ef, pf, ec, pc;
        late_eff(f, &ef, &pf);
        late_eff(c, &ec, &pc);
        tsv_rowv(t, 13, o->etas.v[i], f->final_acc, c->final_acc, f->final_loss, c->final_loss,
                 ef, ec, pf, pc, f->final_q2_med, c->final_q2_med, (double)f->diverged,
                 (double)c->diverged);
    }
    tsv_finish(t);
}

/* Where the runs part, the gaps at the ends of the scan, the best accuracies,
 * and per rate what the scan table has (<out>_summary.tsv). */
static void write_summary(const scan_t *E, int argc, char **argv)
{
    const opts_t *o = &E->o;
    const double *etas = o->etas.v;
    const int ne = o->etas.n;
    const ch3_rec_t *fr = E->free_r, *cr = E->con_r;
    /* "not within the scan": ten times its largest rate (no NaN for the aggregator) */
    double eta_part = 10 * etas[ne - 1], eta_collapse = 10 * etas[ne - 1], part_by_loss = 0;
    double best_free = 0, best_con = 0, best_eta_free = 0, best_eta_con = 0;
    for (int i = ne - 1; i >= 0; i--) {
        double dacc = fabs(fr[i].final_acc - cr[i].final_acc);
        double dloss = fabs(fr[i].final_loss - cr[i].final_loss) /
                       fmin(fr[i].final_loss, cr[i].final_loss);
        if (dacc > o->acc_tol || !(dloss <= o->loss_tol) || fr[i].diverged != cr[i].diverged) {
            eta_part = etas[i];
            part_by_loss = dacc <= o->acc_tol;
        }
        if (cr[i].final_acc < 0.5)
            eta_collapse = etas[i];
        if (fr[i].final_acc >= best_free)
            best_free = fr[i].final_acc, best_eta_free = etas[i];
        if (cr[i].final_acc >= best_con)
            best_con = cr[i].final_acc, best_eta_con = etas[i];
    }
    tsv_t *t = tsv_createf(argc, argv, "%s_summary.tsv", o->out);
    tsv_comment(t, "seed %ld; the runs part at the first eta of the scan where the final test "
                "accuracies differ by more than acc_tol or the test losses by more than loss_tol "
                "(relative); they collapse where the fixed-norm accuracy is below 0.5 "
                "(collapse_at_largest: first at the largest eta); 10 x eta_max: not within the "
                "scan; best: the smallest eta among ties", o->seed);
    tsv_columns(t, "key\tvalue");
    tsv_kv(t, "seed", (double)o->seed);
    tsv_kv(t, "lambda", o->lambda);
    tsv_kv(t, "steps", (double)o->steps);
    tsv_kv(t, "acc_tol", o->acc_tol);
    tsv_kv(t, "loss_tol", o->loss_tol);
    tsv_kv(t, "n_eta", ne);
    tsv_kv(t, "eta_min", etas[0]);
    tsv_kv(t, "eta_max", etas[ne - 1]);
    tsv_kv(t, "eta_part", eta_part);
    tsv_kv(t, "part_by_loss", part_by_loss);
    tsv_kv(t, "eta_collapse", eta_collapse);
    tsv_kv(t, "collapse_at_largest", eta_collapse == etas[ne - 1]);
    tsv_kv(t, "dacc_small_abs", fabs(fr[0].final_acc - cr[0].final_acc));
    tsv_kv(t, "dloss_small_rel", fabs(fr[0].final_loss - cr[0].final_loss) / fr[0].final_loss);
    tsv_kv(t, "dacc_large", fr[ne - 1].final_acc - cr[ne - 1].final_acc);
    tsv_kv(t, "best_acc_free", best_free);
    tsv_kv(t, "best_eta_free", best_eta_free);
    tsv_kv(t, "best_acc_con", best_con);
    tsv_kv(t, "best_eta_con", best_eta_con);
    tsv_kv(t, "best_acc_absgap", fabs(best_free - best_con));
    for (int i = 0; i < ne; i++) {
        double ef, pf, ec, pc;
        late_eff(&fr[i], &ef, &pf);
        late_eff(&cr[i], &ec, &pc);
        tsv_kvf(t, etas[i], "eta_%d", i);
        tsv_kvf(t, fr[i].final_acc, "acc_free_%d", i);
        tsv_kvf(t, cr[i].final_acc, "acc_con_%d", i);
        tsv_kvf(t, fr[i].final_loss, "loss_free_%d", i);
        tsv_kvf(t, cr[i].final_loss, "loss_con_%d", i);
        tsv_kvf(t, fr[i].final_q2_med, "q2_free_%d", i);
        tsv_kvf(t, ef, "eff_free_L1_%d", i);
        tsv_kvf(t, ec, "eff_con_L1_%d", i);
    }
    tsv_finish(t);
}

/* Test loss and accuracy during training at the two rates, and their final
 * values (<curves>.tsv, <curves>_summary.tsv). */
static void write_curves(const scan_t *E, int argc, char **argv)
{
    const opts_t *o = &E->o;
    const char *tag[2] = {"small", "large"};
    const ch3_rec_t *run[6];   /* free, con, sphere at the small rate, then at the large one */
    for (int j = 0; j < 2; j++) {
        run[3 * j] = &E->free_r[E->curve_idx[j]];
        run[3 * j + 1] = &E->con_r[E->curve_idx[j]];
        run[3 * j + 2] = &E->sph_r[j];
    }
    tsv_t *t = tsv_createf(argc, argv, "%s.tsv", o->curves);
    tsv_comment(t, "seed %ld; test loss and accuracy during training at eta = %g and %g, "
                "lambda = %g: free, constrained, and the explicit per-unit RMSProp on the sphere "
                "(lr = sqrt(2 eta lambda), rho = 1 - 4 eta lambda) that the derivation says the "
                "free run is", o->seed, o->curve_small, o->curve_large, o->lambda);
    tsv_columns(t, "step\tloss_free_s\tloss_con_s\tloss_sph_s\tacc_free_s\tacc_con_s\tacc_sph_s\t"
                "loss_free_l\tloss_con_l\tloss_sph_l\tacc_free_l\tacc_con_l\tacc_sph_l");
    int n = run[0]->n_eval;
    for (int j = 1; j < 6; j++)
        if (run[j]->n_eval < n)
            n = run[j]->n_eval;
    for (int e = 0; e < n; e++) {
        double row[13] = {run[0]->eval_step[e]};
        for (int j = 0; j < 6; j++) {
            row[1 + 6 * (j / 3) + j % 3] = run[j]->test_loss[e];
            row[4 + 6 * (j / 3) + j % 3] = run[j]->test_acc[e];
        }
        tsv_row(t, 13, row);
    }
    tsv_finish(t);

    t = tsv_createf(argc, argv, "%s_summary.tsv", o->curves);
    tsv_comment(t, "seed %ld; final test accuracy and loss of the runs of %s.tsv", o->seed,
                o->curves);
    tsv_columns(t, "key\tvalue");
    tsv_kv(t, "seed", (double)o->seed);
    tsv_kv(t, "steps", (double)o->steps);
    tsv_kv(t, "eta_small", o->curve_small);
    tsv_kv(t, "eta_large", o->curve_large);
    const char *kind[3] = {"free", "con", "sph"};
    for (int j = 0; j < 6; j++) {
        tsv_kvf(t, run[j]->final_acc, "acc_%s_%s", kind[j % 3], tag[j / 3]);
        tsv_kvf(t, run[j]->final_loss, "loss_%s_%s", kind[j % 3], tag[j / 3]);
    }
    tsv_finish(t);
}

static const char about[] =
    "The BatchNorm MLP free and with units held at their initial norm, across learning rates.";

static const arg_spec_t options[] = {
    ARG_STRING(opts_t, out, "data/ch3/scan/s0", "writes OUT_scan.tsv and OUT_summary.tsv"),
    ARG_STRING(opts_t, curves, NULL, "also writes CURVES.tsv and CURVES_summary.tsv"),
    ARG_LONG(opts_t, seed, "3", "seed (PCG32 streams 1 init, 7 minibatches)"),
    ARG_DOUBLE(opts_t, lambda, "5e-4", "weight decay (coupled)"),
    ARG_LONG(opts_t, steps, "1200", "steps per run, > 100"),
    ARG_DOUBLES(opts_t, etas, "0.001,0.01,0.1,0.3,1,3",
                "learning rates of the scan, increasing (2 to 16)"),
    ARG_DOUBLE(opts_t, curve_small, "0.001", "small rate of the curves (one of --etas)"),
    ARG_DOUBLE(opts_t, curve_large, "3", "large rate of the curves (one of --etas)"),
    CH3_NET_ARGS(opts_t),
    ARG_DOUBLE(opts_t, acc_tol, "0.01", "the runs part where test accuracies differ by more"),
    ARG_DOUBLE(opts_t, loss_tol, "0.05", "... or test losses by more (relative)"),
    ARG_END
};

int main(int argc, char **argv)
{
    scan_t *E = xcalloc(1, sizeof *E);
    opts_t *o = &E->o;
    args_parse(options, o, argc, argv, about);
    const int ne = o->etas.n;
    if (ne < 2 || ne > MAXE)
        die("--etas: need a comma-separated list of 2 to %d learning rates, got '%s'", MAXE,
            o->etas.text);
    for (int i = 0; i < ne; i++)
        if (!(o->etas.v[i] > 0) || (i > 0 && o->etas.v[i] <= o->etas.v[i - 1]))
            die("--etas: learning rates must be positive and increasing ('%s')", o->etas.text);
    if (o->lambda <= 0)
        die("--lambda must be positive");
    dataset_t train, test;
    ch3_setup(LATE + 1, o->steps, o->width, o->batch, o->train, o->test, &train, &test);
    run_all(E, &train, &test);
    write_scan(E, argc, argv);
    write_summary(E, argc, argv);
    if (o->curves)
        write_curves(E, argc, argv);
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
