/* bench_table.c: turns the raw output of repeated benchmark runs into medians,
 * data/bench/bench.tsv (one row per configuration), data/bench/summary.tsv
 * (key/value, for prose) and a table on stdout, with each benchmark's GEMM
 * rate as a fraction of the single-thread GEMM rate that bench-gemm measured
 * on the same shapes in the same `make bench`.
 *
 * Input (--runs): lines "<bench> <mode> <dtype> <seed> <line printed by the
 * benchmark>", as src/bench/module.mk writes them.  From the benchmark's own
 * lines it reads sec_per_epoch= or sec_per_step=, cpu_sec_per_epoch= (or _step=),
 * test_acc=, gemm_flop_per_epoch= (or bench-lnn's "gemm_mflop <x> per step"),
 * and param_hash=.  Runs of one configuration with the same seed must print
 * the same param_hash (determinism); the column `deterministic` says whether
 * they did.  Rates: GFLOP/s = counted GEMM FLOPs / median seconds; the
 * reference rate is bench-gemm's "mlp_step" row (f32 or f64) or "lnn_step"
 * row, by wall time and by CPU time. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/args.h"
#include "core/stats.h"
#include "core/tsv.h"
#include "core/util.h"

enum { MAXCFG = 16, MAXRUN = 64 };

typedef struct {
    char bench[16], mode[16], dtype[8];
    int n;                                   /* runs */
    double sec[MAXRUN], cpu[MAXRUN], acc[MAXRUN];
    int ncpu, nacc;
    long seed[MAXRUN];
    char hash[MAXRUN][24];
    double flop;                             /* per epoch or per step */
} cfg_t;

static cfg_t cfg[MAXCFG];
static int ncfg;

static cfg_t *find(const char *b, const char *m, const char *d)
{
    for (int i = 0; i < ncfg; i++)
        if (!strcmp(cfg[i].bench, b) && !strcmp(cfg[i].mode, m) && !strcmp(cfg[i].dtype, d))
            return &cfg[i];
    if (ncfg == MAXCFG)
        die("more than %d configurations", MAXCFG);
    cfg_t *c = &cfg[ncfg++];
    memset(c, 0, sizeof *c);
    snprintf(c->bench, sizeof c->bench, "%s", b);
    snprintf(c->mode, sizeof c->mode, "%s", m);
    snprintf(c->dtype, sizeof c->dtype, "%s", d);
    c->flop = NAN;
    return c;
}

/* value of "key=<number>" anywhere in line, or NAN */
static double keyval(const char *line, const char *key)
{
    const char *p = strstr(line, key);
    return p ? strtod(p + strlen(key), NULL) : NAN;
}

static void read_runs(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        die("%s: cannot open", path);
    char line[1024];
    long lineno = 0;
    /* a run ends with its sec_per_ line; the hash/cpu/acc lines come before it */
    double cpu = NAN;
    char hash[24] = "";
    while (fgets(line, sizeof line, f)) {
        lineno++;
        char b[16], m[16], d[8];
        long seed;
        int off = 0;
        if (sscanf(line, "%15s %15s %7s %ld %n", b, m, d, &seed, &off) != 4 || off == 0)
            die("%s:%ld: expected '<bench> <mode> <dtype> <seed> <text>'", path, lineno);
        const char *rest = line + off;
        cfg_t *c = find(b, m, d);
        if (!strncmp(rest, "gemm_mflop", 10))
            c->flop = 1e6 * strtod(rest + 10, NULL);
        else if (!strncmp(rest, "gemm_flop_per_epoch=", 20))
            c->flop = keyval(rest, "gemm_flop_per_epoch=");
        else if (!strncmp(rest, "cpu_sec_per_epoch=", 18))
            cpu = keyval(rest, "cpu_sec_per_epoch=");
        else if (!strncmp(rest, "cpu_sec_per_step=", 17))
            cpu = keyval(rest, "cpu_sec_per_step=");
        else if (!strncmp(rest, "param_hash=", 11))
            sscanf(rest + 11, "%23s", hash);
        else if (!strncmp(rest, "sec_per_", 8)) {
            if (c->n == MAXRUN)
                die("%s:%ld: more than %d runs of one configuration", path, lineno, MAXRUN);
            double s = isnan(keyval(rest, "sec_per_epoch=")) ? keyval(rest, "sec_per_step=")
                                                              : keyval(rest, "sec_per_epoch=");
            if (!(s > 0))
                die("%s:%ld: no positive sec_per_epoch= or sec_per_step=", path, lineno);
            double acc = keyval(rest, "test_acc=");
            c->sec[c->n] = s;
            c->seed[c->n] = seed;
            snprintf(c->hash[c->n], sizeof c->hash[0], "%s", hash);
            if (!isnan(cpu))
                c->cpu[c->ncpu++] = cpu;
            if (!isnan(acc))
                c->acc[c->nacc++] = acc;
            c->n++;
            cpu = NAN;
            hash[0] = 0;
        }
    }
    fclose(f);
    if (ncfg == 0)
        die("%s: no benchmark runs", path);
}

typedef struct {
    double wall, cpu;
} rate_t;

/* bench-gemm's rate for row name/prec */
static rate_t gemm_rate(const char *path, const char *name, const char *prec)
{
    FILE *f = fopen(path, "r");
    if (!f)
        die("%s: cannot open", path);
    char line[1024];
    rate_t r = {NAN, NAN};
    while (fgets(line, sizeof line, f)) {
        char nm[32], pr[8];
        double w, c;
        int M, N, K, ta, tb;
        if (line[0] == '#')
            continue;
        if (sscanf(line, "%31s %7s %d %d %d %d %d %lf %lf", nm, pr, &M, &N, &K, &ta, &tb, &w,
                   &c) == 9 &&
            !strcmp(nm, name) && !strcmp(pr, prec)) {
            r.wall = w;
            r.cpu = c;
        }
    }
    fclose(f);
    if (isnan(r.wall))
        die("%s: no row %s %s", path, name, prec);
    return r;
}

static double med(const double *v, int n)
{
    double t[MAXRUN];
    return stats_median(v, (size_t)n, t);
}

static double vmin(const double *v, int n)
{
    double m = n ? v[0] : NAN;
    for (int i = 1; i < n; i++)
        m = fmin(m, v[i]);
    return m;
}

static double vmax(const double *v, int n)
{
    double m = n ? v[0] : NAN;
    for (int i = 1; i < n; i++)
        m = fmax(m, v[i]);
    return m;
}

/* -1: no seed ran twice; 0: some seed gave two different hashes; 1: all equal */
static int deterministic(const cfg_t *c)
{
    int checked = 0;
    for (int i = 0; i < c->n; i++)
        for (int j = i + 1; j < c->n; j++)
            if (c->seed[i] == c->seed[j] && c->hash[i][0] && c->hash[j][0]) {
                if (strcmp(c->hash[i], c->hash[j]))
                    return 0;
                checked = 1;
            }
    return checked ? 1 : -1;
}

/* goal seconds for a configuration from "mlp/fp/f32=0.74,..." or NAN */
static double goal_of(const char *goals, const cfg_t *c)
{
    char key[64];
    snprintf(key, sizeof key, "%s/%s/%s=", c->bench, c->mode, c->dtype);
    const char *p = goals ? strstr(goals, key) : NULL;
    return p ? strtod(p + strlen(key), NULL) : NAN;
}

typedef struct {
    const char *runs, *gemm, *out, *summary, *goals;
} opts_t;

static const char about[] =
    "Medians of repeated benchmark runs, as a TSV file and a table.";

static const arg_spec_t options[] = {
    ARG_STRING(opts_t, runs, ARG_REQUIRED, "the runs, one output line each, prefixed by bench, mode, dtype, seed"),
    ARG_STRING(opts_t, gemm, "data/bench/gemm.tsv", "bench-gemm's rates"),
    ARG_STRING(opts_t, out, "data/bench/bench.tsv", "the medians"),
    ARG_STRING(opts_t, summary, "data/bench/summary.tsv", "key/value summary"),
    ARG_STRING(opts_t, goals, NULL, "goal seconds, e.g. mlp/fp/f32=0.74,lnn/-/f64=0.022"),
    ARG_END
};

int main(int argc, char **argv)
{
    opts_t o;
    args_parse(options, &o, argc, argv, about);
    const char *gemm = o.gemm, *out = o.out, *goals = o.goals;
    read_runs(o.runs);

    tsv_t *t = tsv_create(out, argc, argv);
    tsv_comment(t, "medians over runs; gflops = counted GEMM FLOPs / median time; frac = gflops / "
                   "bench-gemm's rate for the same GEMM sequence (mlp_step, lnn_step)");
    tsv_comment(t, "wall: elapsed time; cpu: process CPU time (the machine is shared: wall times "
                   "include waiting for a core)");
    tsv_comment(t, "goal_sec: PyTorch 1.13 time quoted in issue 10 (another machine of this kind), "
                   "not measured here");
    tsv_columns(t, "bench\tmode\tdtype\truns\tsec_median\tsec_min\tsec_max\tcpu_sec_median\t"
                   "gflop\tgflops_wall\tgemm_rate_wall\tfrac_wall\tgflops_cpu\tgemm_rate_cpu\t"
                   "frac_cpu\tacc_median\tacc_min\tacc_max\tdeterministic\tgoal_sec");
    tsv_t *s = tsv_create(o.summary, argc, argv);
    tsv_comment(s, "key/value summary of %s", out);
    tsv_columns(s, "key\tvalue");

    printf("\n%-4s %-8s %-4s %4s %9s %9s %8s %8s %6s %8s %6s %7s %5s %7s\n", "", "mode", "type",
           "runs", "wall s", "cpu s", "GFLOP", "GFLOP/s", "frac", "GFLOP/s", "frac", "acc",
           "det", "goal s");
    printf("%-4s %-8s %-4s %4s %9s %9s %8s %8s %6s %8s %6s %7s %5s %7s\n", "", "", "", "",
           "(median)", "(median)", "", "(wall)", "(wall)", "(cpu)", "(cpu)", "(median)", "", "");
    for (int i = 0; i < ncfg; i++) {
        cfg_t *c = &cfg[i];
        int is_lnn = !strcmp(c->bench, "lnn");
        rate_t g = gemm_rate(gemm, is_lnn ? "lnn_step" : "mlp_step", c->dtype);
        double sm = med(c->sec, c->n), cm = med(c->cpu, c->ncpu);
        double gw = c->flop / sm / 1e9, gc = c->flop / cm / 1e9;
        double fw = gw / g.wall, fc = gc / g.cpu;
        double am = med(c->acc, c->nacc);
        int det = deterministic(c);
        double goal = goal_of(goals, c);
        tsv_line(t,
                 "%s\t%s\t%s\t%d\t%.17g\t%.17g\t%.17g\t%.17g\t%.17g\t%.17g\t%.17g\t%.17g\t%.17g\t"
                 "%.17g\t%.17g\t%.17g\t%.17g\t%.17g\t%s\t%.17g",
                 c->bench, c->mode, c->dtype, c->n, sm, vmin(c->sec, c->n), vmax(c->sec, c->n), cm,
                 c->flop / 1e9, gw, g.wall, fw, gc, g.cpu, fc, am, vmin(c->acc, c->nacc),
                 vmax(c->acc, c->nacc), det == 1 ? "yes" : det == 0 ? "NO" : "untested", goal);
        char key[96];
        if (strcmp(c->mode, "-"))
            snprintf(key, sizeof key, "%s_%s_%s_", c->bench, c->mode, c->dtype);
        else
            snprintf(key, sizeof key, "%s_%s_", c->bench, c->dtype);
        size_t kl = strlen(key);
        struct { const char *k; double v; } kv[] = {
            {"sec", sm}, {"cpu_sec", cm}, {"gflops_wall", gw}, {"gflops_cpu", gc},
            {"frac_wall", fw}, {"frac_cpu", fc}, {"acc", am}, {"gflop", c->flop / 1e9},
        };
        for (size_t k = 0; k < sizeof kv / sizeof *kv; k++) {
            snprintf(key + kl, sizeof key - kl, "%s", kv[k].k);
            tsv_kv(s, key, kv[k].v);
        }
        char gs[16] = "-";
        if (!isnan(goal))
            snprintf(gs, sizeof gs, "%.3f", goal);
        printf("%-4s %-8s %-4s %4d %9.4f %9.4f %8.2f %8.2f %6.2f %8.2f %6.2f %7.4f %5s %7s\n",
               c->bench, c->mode, c->dtype, c->n, sm, cm, c->flop / 1e9, gw, fw, gc, fc, am,
               det == 1 ? "yes" : det == 0 ? "NO" : "-", gs);
    }
    rate_t r;
    r = gemm_rate(gemm, "mlp_step", "f32");
    tsv_kv(s, "sgemm_mlp_step_gflops_wall", r.wall);
    tsv_kv(s, "sgemm_mlp_step_gflops_cpu", r.cpu);
    printf("\nGEMM rate (bench-gemm, 1 thread), GFLOP/s wall / cpu:  SGEMM mlp step %.1f / %.1f",
           r.wall, r.cpu);
    r = gemm_rate(gemm, "mlp_step", "f64");
    tsv_kv(s, "dgemm_mlp_step_gflops_wall", r.wall);
    tsv_kv(s, "dgemm_mlp_step_gflops_cpu", r.cpu);
    printf(",  DGEMM mlp step %.1f / %.1f", r.wall, r.cpu);
    r = gemm_rate(gemm, "lnn_step", "f64");
    tsv_kv(s, "dgemm_lnn_step_gflops_wall", r.wall);
    tsv_kv(s, "dgemm_lnn_step_gflops_cpu", r.cpu);
    printf(",  DGEMM lnn step %.1f / %.1f\n", r.wall, r.cpu);
    printf("frac = achieved GEMM GFLOP/s / that rate.  goal s: PyTorch 1.13 in issue 10 (not "
           "measured here).\nThe machine is shared: wall times include waiting for a core; cpu "
           "times do not.\n");
    tsv_finish(t);
    tsv_finish(s);
    return 0;
}
