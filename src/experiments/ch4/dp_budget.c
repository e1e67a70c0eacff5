/* dp_budget.c: chapter 4, the comparison of the LNN and the black-box
 * baseline (Cranmer et al. 2020, eq. 6 and Sec. 5's double pendulum) over
 * training budgets and seeds.  It trains nothing: it gathers what dp_train and
 * dp_eval wrote for each run (one directory per seed and number of steps) into
 * one table, and per budget totals the rollouts that diverged (non-finite
 * state, |qdot| > 1000 or a singular mass matrix before t = 100) and those
 * that ran away (diverged, or a true-energy error |dE|/29.4 above 1 at
 * t = 100), and gives the median, minimum and maximum over seeds of each
 * run's counts, held-out L1 and energy-error ratios LNN/baseline (the
 * interval that the chapter's claims read).
 *
 * With --equal-compute the baseline of a pair may have had more steps (and a
 * different width) than the LNN: the comparison at equal CPU time.  Budgets
 * are then the LNN's steps.  The same gathering serves the kappa = 0 ablation
 * (the LNN without its added kinetic term against the same baselines).
 *
 * Usage: dp_budget [--equal-compute] --out PREFIX RUNDIR...
 * Each RUNDIR holds lnn_train.tsv, mlp_train.tsv and dp_summary.tsv.
 * Writes PREFIX.tsv (one row per run), PREFIX_summary.tsv (per budget) and
 * PREFIX_seeds.tsv (per budget, one row: median, min, max over seeds, for
 * the figures' bands). */
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/args.h"
#include "core/tsv.h"
#include "core/util.h"
#include "experiments/ch4/lib/dp.h"

#define MAXRUN 64
#define MAXBUDGET 16

/* The value of `key` in a key<TAB>value file; dies naming file and line on a
 * malformed line, or the file if the key is missing. */
static double kv_get(const char *dir, const char *file, const char *key)
{
    char path[1024], line[512];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    FILE *f = fopen(path, "r");
    if (!f)
        die("%s: %s", path, strerror(errno));
    long ln = 0;
    size_t klen = strlen(key);
    while (fgets(line, sizeof line, f)) {
        ln++;
        if (line[0] == '#' || strncmp(line, key, klen) || line[klen] != '\t')
            continue;
        char *end;
        double v = strtod(line + klen + 1, &end);
        if (end == line + klen + 1 || (*end != '\n' && *end != 0))
            die("%s:%ld: value of '%s' is not a number", path, ln, key);
        fclose(f);
        return v;
    }
    fclose(f);
    die("%s: no key '%s'", path, key);
}

typedef struct {
    double steps, seed, mlp_steps, mlp_seed, mlp_width, lnn_l1, mlp_l1, lnn_div, base_div, lnn_run, base_run;
    double lnn_med10, base_med10, lnn_med, base_med, etheta_max, singular, singular_train;
} run_t;

/* Per-seed quantities summarised as median, min, max over the seeds of a
 * budget: the field of run_t (ratios computed) and the key stem. */
enum { Q_LNN_DIV, Q_BASE_DIV, Q_LNN_RUN, Q_BASE_RUN, Q_LNN_L1, Q_MLP_L1, Q_RATIO10, Q_RATIO100,
       Q_LNN_MED10, Q_BASE_MED10, Q_LNN_MED100, Q_BASE_MED100, Q_SINGULAR, NQ };
static const char *const qname[NQ] = {
    "lnn_div", "base_div", "lnn_runaway", "base_runaway", "lnn_l1", "mlp_l1", "ratio_med_t10",
    "ratio_med_t100", "lnn_med_t10", "base_med_t10", "lnn_med_t100", "base_med_t100", "singular_lnn"};

static double run_q(const run_t *r, int q)
{
    switch (q) {
    case Q_LNN_DIV: return r->lnn_div;
    case Q_BASE_DIV: return r->base_div;
    case Q_LNN_RUN: return r->lnn_run;
    case Q_BASE_RUN: return r->base_run;
    case Q_LNN_L1: return r->lnn_l1;
    case Q_MLP_L1: return r->mlp_l1;
    case Q_RATIO10: return r->lnn_med10 / r->base_med10;    /* 1e300 (diverged) gives ~0 or ~1e300 */
    case Q_RATIO100: return r->lnn_med / r->base_med;
    case Q_LNN_MED10: return r->lnn_med10;
    case Q_BASE_MED10: return r->base_med10;
    case Q_LNN_MED100: return r->lnn_med;
    case Q_BASE_MED100: return r->base_med;
    default: return r->singular;
    }
}

typedef struct {
    int equal_compute;
    const char *out;
    arg_rest_t rundirs;
} opts_t;

static const char about[] =
    "Gathers the double-pendulum runs; diverged and runaway rollouts per training budget.";

static const arg_spec_t options[] = {
    ARG_FLAG(opts_t, equal_compute, "the baseline may have had more steps than the LNN (equal CPU time)"),
    ARG_STRING(opts_t, out, ARG_REQUIRED, "prefix: writes PREFIX.tsv and PREFIX_summary.tsv"),
    ARG_REST(opts_t, rundirs, "RUNDIR...", "run directories (lnn_train.tsv, mlp_train.tsv, dp_summary.tsv)"),
    ARG_END
};

/* Where each field of run_t comes from: a key of a file in the run
 * directory, read in this order; the first RUN_IDENTITY say which training
 * the run is, and are checked before the rest is read. */
#define LNN_TRAIN "lnn_train.tsv"
#define MLP_TRAIN "mlp_train.tsv"
#define DP_SUMMARY "dp_summary.tsv"
#define RUN_IDENTITY 5
static const struct {
    size_t at;
    const char *file, *key;
} run_source[] = {
    {offsetof(run_t, steps), LNN_TRAIN, "steps"},
    {offsetof(run_t, seed), LNN_TRAIN, "seed"},
    {offsetof(run_t, mlp_steps), MLP_TRAIN, "steps"},
    {offsetof(run_t, mlp_width), MLP_TRAIN, "width"},
    {offsetof(run_t, mlp_seed), MLP_TRAIN, "seed"},
    {offsetof(run_t, lnn_l1), LNN_TRAIN, "test_l1"},
    {offsetof(run_t, mlp_l1), MLP_TRAIN, "test_l1"},
    {offsetof(run_t, lnn_div), DP_SUMMARY, "lnn_div"},
    {offsetof(run_t, base_div), DP_SUMMARY, "base_div"},
    {offsetof(run_t, lnn_run), DP_SUMMARY, "lnn_runaway"},
    {offsetof(run_t, base_run), DP_SUMMARY, "base_runaway"},
    {offsetof(run_t, lnn_med10), DP_SUMMARY, "lnn_med_t10"},
    {offsetof(run_t, base_med10), DP_SUMMARY, "base_med_t10"},
    {offsetof(run_t, lnn_med), DP_SUMMARY, "lnn_med_t100"},
    {offsetof(run_t, base_med), DP_SUMMARY, "base_med_t100"},
    {offsetof(run_t, etheta_max), DP_SUMMARY, "etheta_max_t100"},
    {offsetof(run_t, singular), DP_SUMMARY, "singular_lnn"},
    {offsetof(run_t, singular_train), LNN_TRAIN, "singular_samples"},
};

static void read_fields(run_t *r, const char *dir, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++) {
        double *field = (double *)((char *)r + run_source[i].at);
        *field = kv_get(dir, run_source[i].file, run_source[i].key);
    }
}

/* Each run directory's training and rollout summaries. */
static void read_runs(run_t *r, const char *const *dirs, int nrun, int equal_compute)
{
    for (int k = 0; k < nrun; k++) {
        read_fields(&r[k], dirs[k], 0, RUN_IDENTITY);
        if ((!equal_compute && r[k].mlp_steps != r[k].steps) || r[k].mlp_seed != r[k].seed)
            die("%s: the LNN and the baseline were trained with different steps or seeds", dirs[k]);
        read_fields(&r[k], dirs[k], RUN_IDENTITY, sizeof run_source / sizeof run_source[0]);
    }
}

/* PREFIX.tsv: one row per run. */
static void write_runs(int argc, char **argv, const char *prefix, const run_t *r, int nrun,
                       int equal_compute, double nic)
{
    tsv_t *t = tsv_createf(argc, argv, "%s.tsv", prefix);
    tsv_comment(t, "one row per run: LNN and baseline trained with the same seed, batch and schedule, "
                   "and %s; rollouts from %g held-out initial conditions to t = 100",
                equal_compute ? "the baseline for about the LNN's CPU time" : "the same steps", nic);
    tsv_comment(t, "div: non-finite or |qdot| > 1000; runaway: diverged or |dE|/29.4 > 1 at t = 100; "
                   "med: median |dE|/29.4 at t = 100; etheta_max: largest LNN E_theta drift / 29.4");
    tsv_columns(t, "steps\tseed\tlnn_l1\tmlp_l1\tlnn_div\tbase_div\tlnn_runaway\tbase_runaway\t"
                   "lnn_med_t100\tbase_med_t100\tetheta_max_t100\tmlp_steps\tmlp_width\t"
                   "lnn_med_t10\tbase_med_t10");
    for (int k = 0; k < nrun; k++)
        tsv_rowv(t, 15, r[k].steps, r[k].seed, r[k].lnn_l1, r[k].mlp_l1, r[k].lnn_div, r[k].base_div,
                 r[k].lnn_run, r[k].base_run, r[k].lnn_med, r[k].base_med, r[k].etheta_max,
                 r[k].mlp_steps, r[k].mlp_width, r[k].lnn_med10, r[k].base_med10);
    tsv_finish(t);
}

/* The budgets (numbers of steps), in the order they first appear. */
static int collect_budgets(const run_t *r, int nrun, double *budgets)
{
    int nb = 0;
    for (int k = 0; k < nrun; k++) {
        int seen = 0;
        for (int j = 0; j < nb; j++)
            seen |= budgets[j] == r[k].steps;
        if (!seen) {
            if (nb == MAXBUDGET)
                die("more than %d budgets", MAXBUDGET);
            budgets[nb++] = r[k].steps;
        }
    }
    return nb;
}

/* One budget's totals (key suffix _nN) into t and its seed medians/ranges as a row of st;
 * adds its totals to all[5] (runs, lnn div, base div, lnn runaway, base runaway). */
static void write_budget(tsv_t *t, tsv_t *st, const run_t *r, int nrun, double budget,
                           double nic, double all[5])
{
    double n = 0, ld = 0, bd = 0, lr = 0, br = 0, l1max = 0, l1sum = 0, m1sum = 0;
    double med[4][MAXRUN];   /* per seed: LNN, baseline median at t = 10, at t = 100 */
    for (int k = 0; k < nrun; k++) {
        if (r[k].steps != budget)
            continue;
        n++;
        ld += r[k].lnn_div;
        bd += r[k].base_div;
        lr += r[k].lnn_run;
        br += r[k].base_run;
        l1max = fmax(l1max, r[k].lnn_l1);
        l1sum += r[k].lnn_l1;
        m1sum += r[k].mlp_l1;
        int i = (int)n - 1;
        med[0][i] = r[k].lnn_med10;
        med[1][i] = r[k].base_med10;
        med[2][i] = r[k].lnn_med;
        med[3][i] = r[k].base_med;
    }
    char key[64];
#define KV(name, v)                                                         \
    do {                                                                    \
        snprintf(key, sizeof key, "%s_n%.0f", name, budget);                \
        tsv_kv(t, key, v);                                                  \
    } while (0)
    KV("runs", n);
    KV("rollouts", n * nic);
    KV("lnn_div", ld);
    KV("base_div", bd);
    KV("lnn_runaway", lr);
    KV("base_runaway", br);
    KV("lnn_l1_max", l1max);
    KV("lnn_l1_mean", l1sum / n);
    KV("mlp_l1_mean", m1sum / n);
    /* the median over seeds of each run's median |dE|/29.4 (1e300: diverged) */
    KV("lnn_med_t10", dp_quantile(med[0], (int)n, 0.5));
    KV("base_med_t10", dp_quantile(med[1], (int)n, 0.5));
    KV("lnn_med_t100", dp_quantile(med[2], (int)n, 0.5));
    KV("base_med_t100", dp_quantile(med[3], (int)n, 0.5));
    double sing = 0, mlp_steps = 0;
    for (int k = 0; k < nrun; k++)
        if (r[k].steps == budget) {
            sing += r[k].singular_train;
            mlp_steps = fmax(mlp_steps, r[k].mlp_steps);
        }
    KV("singular_train", sing);     /* training samples skipped for a singular M */
    KV("mlp_steps", mlp_steps);     /* the baseline's steps (equal compute: more) */
    /* median, min, max over the seeds of this budget */
    double row[2 + 3 * NQ];
    row[0] = budget;
    row[1] = n;
    for (int q = 0; q < NQ; q++) {
        double v[MAXRUN], lo, mid, hi;
        int m = 0;
        for (int k = 0; k < nrun; k++)
            if (r[k].steps == budget)
                v[m++] = run_q(&r[k], q);
        mid = dp_quantile(v, m, 0.5);   /* sorts v */
        lo = v[0];
        hi = v[m - 1];
        char stem[48];
        snprintf(stem, sizeof stem, "%s_median", qname[q]);
        KV(stem, mid);
        snprintf(stem, sizeof stem, "%s_min", qname[q]);
        KV(stem, lo);
        snprintf(stem, sizeof stem, "%s_max", qname[q]);
        KV(stem, hi);
        row[2 + 3 * q] = mid;
        row[3 + 3 * q] = lo;
        row[4 + 3 * q] = hi;
    }
    tsv_row(st, 2 + 3 * NQ, row);
#undef KV
    all[0] += n;
    all[1] += ld;
    all[2] += bd;
    all[3] += lr;
    all[4] += br;
}

int main(int argc, char **argv)
{
    opts_t o;
    args_parse(options, &o, argc, argv, about);
    const char *prefix = o.out;
    const char *const *dirs = (const char *const *)o.rundirs.v;
    const int nrun = o.rundirs.n, equal_compute = o.equal_compute;
    if (nrun > MAXRUN)
        die("more than %d run directories", MAXRUN);

    run_t r[MAXRUN];
    read_runs(r, dirs, nrun, equal_compute);
    double nic = kv_get(dirs[0], DP_SUMMARY, "nic");
    for (int k = 1; k < nrun; k++)
        if (kv_get(dirs[k], DP_SUMMARY, "nic") != nic)
            die("%s: a different number of held-out initial conditions than %s", dirs[k], dirs[0]);
    write_runs(argc, argv, prefix, r, nrun, equal_compute, nic);

    double budgets[MAXBUDGET];
    const int nb = collect_budgets(r, nrun, budgets);
    tsv_t *st = tsv_createf(argc, argv, "%s_seeds.tsv", prefix);
    tsv_comment(st, "per number of training steps: median, min and max over the seeds; ratio: "
                    "LNN/baseline median |dE|/29.4; singular_lnn: rollouts stopped by a singular M");
    {
        char cols[2048] = "steps\tn_seeds";
        for (int q = 0; q < NQ; q++) {
            size_t len = strlen(cols);
            snprintf(cols + len, sizeof cols - len, "\t%s_median\t%s_min\t%s_max", qname[q], qname[q],
                     qname[q]);
        }
        tsv_columns(st, cols);
    }
    tsv_t *t = tsv_createf(argc, argv, "%s_summary.tsv", prefix);
    tsv_comment(t, "totals per number of training steps N over the seeds run at N (key suffix _nN); "
                   "all: over every run");
    tsv_columns(t, "key\tvalue");
    {   /* the seed count (runs at the first budget), which the pages show beside each claim */
        double n0 = 0;
        for (int k = 0; k < nrun; k++)
            n0 += r[k].steps == budgets[0];
        tsv_kv(t, "n_seeds", n0);
    }
    double all[5] = {0};   /* runs, lnn div, base div, lnn runaway, base runaway */
    double etheta_max_all = 0;
    for (int j = 0; j < nb; j++)
        write_budget(t, st, r, nrun, budgets[j], nic, all);
    for (int k = 0; k < nrun; k++)
        etheta_max_all = fmax(etheta_max_all, r[k].etheta_max);
    tsv_kv(t, "nic", nic);
    tsv_kv(t, "runs_all", all[0]);
    tsv_kv(t, "rollouts_all", all[0] * nic);
    tsv_kv(t, "lnn_div_all", all[1]);
    tsv_kv(t, "base_div_all", all[2]);
    tsv_kv(t, "lnn_runaway_all", all[3]);
    tsv_kv(t, "base_runaway_all", all[4]);
    tsv_kv(t, "etheta_max_all", etheta_max_all);
    tsv_finish(t);
    tsv_finish(st);
    fprintf(stderr, "dp_budget: %d runs; diverged LNN %g, baseline %g of %g rollouts; runaway %g / %g\n",
            nrun, all[1], all[2], all[0] * nic, all[3], all[4]);
    return 0;
}
