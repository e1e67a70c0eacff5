/* bench_gemm.c: the single-thread GEMM rate that the benchmarks are measured
 * against.  For each shape that bench-mlp (batch 128, hidden 256) and
 * bench-lnn (batch 256, width 128, two tangents: 3B-row stacks) actually
 * call, it times cblas_dgemm and cblas_sgemm and reports GFLOP/s = 2 M N K /
 * seconds (median over --repeat runs of >= --min-time seconds each).  The
 * rows "mlp_step" and "lnn_step" time the whole sequence of GEMMs of one
 * training step, so their rate is the best a step made only of these GEMMs
 * could reach: the denominator of the "fraction of GEMM rate" in the table
 * of `make bench`.  A 1024^3 product gives the machine's peak for context. */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/args.h"
#include "core/rng.h"
#include "core/stats.h"
#include "core/tsv.h"
#include "core/util.h"

typedef struct {
    const char *name;
    int ta, tb;       /* transpose A / B (row-major, as in layers.c) */
    int M, N, K;
} shape_t;

/* One training step of bench-mlp at hidden = 256: forward x W^T (3 layers),
 * weight gradients dout^T in (3), input gradients dout W (layers 3 and 2). */
static const shape_t mlp_shapes[] = {
    {"mlp_fwd1", 0, 1, 128, 256, 784}, {"mlp_fwd2", 0, 1, 128, 256, 256},
    {"mlp_fwd3", 0, 1, 128, 10, 256},  {"mlp_dW3", 1, 0, 10, 256, 128},
    {"mlp_din3", 0, 0, 128, 256, 10},  {"mlp_dW2", 1, 0, 256, 256, 128},
    {"mlp_din2", 0, 0, 128, 256, 256}, {"mlp_dW1", 1, 0, 256, 784, 128},
};
/* The LNN's hidden-layer products at batch 256, width 128, ntan = 2 (see
 * src/nn/lnn.h): value and tangent streams stacked as 3B rows; the weight
 * gradient runs over 2 x 3B rows. */
static const shape_t lnn_shapes[] = {
    {"lnn_fwd", 0, 1, 768, 128, 128},
    {"lnn_rev", 0, 0, 768, 128, 128},
    {"lnn_dW", 1, 0, 128, 128, 1536},
};
static const shape_t big = {"square1024", 0, 0, 1024, 1024, 1024};

typedef struct {
    double *A, *B, *C;
    float *Af, *Bf, *Cf;
} bufs_t;

static void run(const shape_t *s, int f32, bufs_t *b)
{
    int lda = s->ta ? s->M : s->K, ldb = s->tb ? s->K : s->N;
    if (f32)
        cblas_sgemm(CblasRowMajor, s->ta ? CblasTrans : CblasNoTrans,
                    s->tb ? CblasTrans : CblasNoTrans, s->M, s->N, s->K, 1.0f, b->Af, lda, b->Bf,
                    ldb, 0.0f, b->Cf, s->N);
    else
        cblas_dgemm(CblasRowMajor, s->ta ? CblasTrans : CblasNoTrans,
                    s->tb ? CblasTrans : CblasNoTrans, s->M, s->N, s->K, 1.0, b->A, lda, b->B,
                    ldb, 0.0, b->C, s->N);
}

/* Median GFLOP/s of a sequence of shapes run back to back, by wall time
 * (returned) and by CPU time (*cpu_rate). */
static double rate(const shape_t *s, int ns, int f32, bufs_t *b, int repeat, double min_time,
                   double *cpu_rate)
{
    double flop = 0.0;
    for (int i = 0; i < ns; i++)
        flop += 2.0 * s[i].M * s[i].N * s[i].K;
    for (int i = 0; i < ns; i++)   /* warm up */
        run(&s[i], f32, b);
    double r[64], rc[64];
    if (repeat > 64)
        repeat = 64;
    for (int k = 0; k < repeat; k++) {
        long calls = 0;
        double t0 = now_seconds(), c0 = cpu_seconds(), t;
        do {
            for (int i = 0; i < ns; i++)
                run(&s[i], f32, b);
            calls++;
            t = now_seconds() - t0;
        } while (t < min_time);
        r[k] = flop * calls / t / 1e9;
        rc[k] = flop * calls / (cpu_seconds() - c0) / 1e9;
    }
    double work[64];
    *cpu_rate = stats_median(rc, (size_t)repeat, work);
    return stats_median(r, (size_t)repeat, work);
}

typedef struct {
    int repeat, threads;
    double min_time;
    const char *out;
} opts_t;

static const char about[] =
    "Single-thread DGEMM/SGEMM GFLOP/s on the shapes of bench-mlp and bench-lnn.";

static const arg_spec_t options[] = {
    ARG_INT(opts_t, repeat, "5", "timed runs per shape (the median is reported)"),
    ARG_DOUBLE(opts_t, min_time, "0.2", "seconds each run lasts at least"),
    ARG_STRING(opts_t, out, "data/bench/gemm.tsv", "output file"),
    ARG_INT(opts_t, threads, "1", "OpenBLAS threads"),
    ARG_END
};

int main(int argc, char **argv)
{
    opts_t o;
    args_parse(options, &o, argc, argv, about);
    const int repeat = o.repeat, threads = o.threads;
    const double min_time = o.min_time;
    if (repeat < 1 || min_time <= 0 || threads < 1)
        die("--repeat and --threads must be >= 1, --min-time > 0");
    openblas_set_num_threads(threads);

    size_t n = 1024 * 1536;   /* larger than every operand above */
    bufs_t b;
    b.A = xmalloc(n * sizeof *b.A);
    b.B = xmalloc(n * sizeof *b.B);
    b.C = xmalloc(n * sizeof *b.C);
    b.Af = xmalloc(n * sizeof *b.Af);
    b.Bf = xmalloc(n * sizeof *b.Bf);
    b.Cf = xmalloc(n * sizeof *b.Cf);
    rng_t r;
    rng_seed(&r, 1, 1);
    for (size_t i = 0; i < n; i++) {
        b.A[i] = b.Af[i] = (float)(rng_uniform(&r) - 0.5);
        b.B[i] = b.Bf[i] = (float)(rng_uniform(&r) - 0.5);
    }

    tsv_t *t = tsv_create(o.out, argc, argv);
    tsv_comment(t, "single-thread GEMM rate, GFLOP/s = 2 M N K / time, median of %d runs of >= %g s",
                repeat, min_time);
    tsv_comment(t, "OpenBLAS threads: %d; mlp_step/lnn_step = the whole GEMM sequence of one step",
                threads);
    tsv_comment(t, "gflops: by wall time; gflops_cpu: by process CPU time (less sensitive to other load)");
    tsv_columns(t, "name\tprec\tM\tN\tK\ttransA\ttransB\tgflops\tgflops_cpu");
    printf("%-12s %5s %5s %5s %5s  %8s %8s   (GFLOP/s by wall time; by CPU time)\n", "shape", "M",
           "N", "K", "op", "DGEMM", "SGEMM");
    struct { const shape_t *s; int n; const char *agg; } sets[] = {
        {mlp_shapes, (int)(sizeof mlp_shapes / sizeof *mlp_shapes), "mlp_step"},
        {lnn_shapes, (int)(sizeof lnn_shapes / sizeof *lnn_shapes), "lnn_step"},
        {&big, 1, NULL},
    };
    for (int k = 0; k < 3; k++) {
        for (int i = 0; i < sets[k].n; i++) {
            const shape_t *s = &sets[k].s[i];
            double cd, cs;
            double gd = rate(s, 1, 0, &b, repeat, min_time, &cd);
            double gs = rate(s, 1, 1, &b, repeat, min_time, &cs);
            tsv_line(t, "%s\tf64\t%d\t%d\t%d\t%d\t%d\t%.17g\t%.17g", s->name, s->M, s->N, s->K,
                     s->ta, s->tb, gd, cd);
            tsv_line(t, "%s\tf32\t%d\t%d\t%d\t%d\t%d\t%.17g\t%.17g", s->name, s->M, s->N, s->K,
                     s->ta, s->tb, gs, cs);
            printf("%-12s %5d %5d %5d  %c%c  %8.2f %8.2f   %8.2f %8.2f\n", s->name, s->M, s->N,
                   s->K, s->ta ? 'T' : 'N', s->tb ? 'T' : 'N', gd, gs, cd, cs);
        }
        if (sets[k].agg) {
            double cd, cs;
            double gd = rate(sets[k].s, sets[k].n, 0, &b, repeat, min_time, &cd);
            double gs = rate(sets[k].s, sets[k].n, 1, &b, repeat, min_time, &cs);
            tsv_line(t, "%s\tf64\t0\t0\t0\t0\t0\t%.17g\t%.17g", sets[k].agg, gd, cd);
            tsv_line(t, "%s\tf32\t0\t0\t0\t0\t0\t%.17g\t%.17g", sets[k].agg, gs, cs);
            printf("%-12s %23s  %8.2f %8.2f   %8.2f %8.2f\n", sets[k].agg, "(whole step)", gd, gs,
                   cd, cs);
        }
    }
    tsv_finish(t);
    free(b.A);
    free(b.B);
    free(b.C);
    free(b.Af);
    free(b.Bf);
    free(b.Cf);
    return 0;
}
