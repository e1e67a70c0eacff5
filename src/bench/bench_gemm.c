/* bench_gemm.c: the single-thread GEMM rate that the benchmarks are measured
 * against.  For each shape that bench-mlp (batch 128, hidden 256) and
 * bench-lnn (batch 256, width 128, depth 3, two tangents: lnn_products.h)
 * compute, it times cblas_dgemm and cblas_sgemm and reports GFLOP/s = 2 M N K /
 * seconds (median over --repeat runs of >= --min-time seconds each).  The
 * rows "mlp_step" and "lnn_step" time the whole sequence of products of one
 * training step, so their rate is the best a step made only of these GEMMs
 * could reach: the denominator of the "fraction of GEMM rate" in the table
 * of `make bench`.  The LNN's products are also timed with the engine's own
 * kernels (src/nn/tile.h, precision "tile"): the rate its step could reach
 * with no elementwise work at all.  A 1024^3 product gives the machine's
 * peak for context. */
#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bench/bench_common.h"
#include "bench/lnn_products.h"
#include "core/rng.h"
#include "core/tsv.h"
#include "core/util.h"

typedef bench_shape_t shape_t;   /* transposes as in layers.c (row-major) */

/* One training step of bench-mlp at hidden = 256: forward x W^T (3 layers),
 * weight gradients dout^T in (3), input gradients dout W (layers 3 and 2). */
static const shape_t mlp_shapes[] = {
    {"mlp_fwd1", 0, 1, 128, 256, 784}, {"mlp_fwd2", 0, 1, 128, 256, 256},
    {"mlp_fwd3", 0, 1, 128, 10, 256},  {"mlp_dW3", 1, 0, 10, 256, 128},
    {"mlp_din3", 0, 0, 128, 256, 10},  {"mlp_dW2", 1, 0, 256, 256, 128},
    {"mlp_din2", 0, 0, 128, 256, 256}, {"mlp_dW1", 1, 0, 256, 784, 128},
};
/* bench-lnn's configuration (BENCH_LNN_ARGS in module.mk): the double
 * pendulum's 4 inputs, two tangents */
enum { LNN_B = 256, LNN_WIDTH = 128, LNN_DEPTH = 3, LNN_D0 = 4, LNN_NTAN = 2 };
static const shape_t big = {"square1024", 0, 0, 1024, 1024, 1024};

typedef struct {
    double *A, *B, *C;
    float *Af, *Bf, *Cf;
} bufs_t;

/* f32: 0 DGEMM, 1 SGEMM, 2 the engine's kernel (double) */
static void run(const shape_t *s, int f32, bufs_t *b)
{
    int lda = s->ta ? s->M : s->K, ldb = s->tb ? s->K : s->N;
    if (f32 == 2)
        bench_product(s, 1, b->A, b->B, b->C);
    else if (f32)
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
        double t0 = now_seconds(), c0 = bench_cpu_seconds(), t;
        do {
            for (int i = 0; i < ns; i++)
                run(&s[i], f32, b);
            calls++;
            t = now_seconds() - t0;
        } while (t < min_time);
        r[k] = flop * calls / t / 1e9;
        rc[k] = flop * calls / (bench_cpu_seconds() - c0) / 1e9;
    }
    *cpu_rate = bench_median(rc, repeat);
    return bench_median(r, repeat);
}

int main(int argc, char **argv)
{
    util_set_progname(argv[0]);
    args_t a;
    args_init(&a, argc, argv,
              "[--repeat 5] [--min-time 0.2] [--out data/bench/gemm.tsv] [--threads 1]\n"
              "Single-thread DGEMM/SGEMM GFLOP/s on the shapes of bench-mlp and bench-lnn.\n");
    int repeat = (int)args_long(&a, "--repeat", 5);
    double min_time = args_double(&a, "--min-time", 0.2);
    const char *out = args_string(&a, "--out", "data/bench/gemm.tsv");
    int threads = (int)args_long(&a, "--threads", 1);
    args_done(&a);
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

    tsv_t *t = tsv_create(out, argc, argv);
    tsv_comment(t, "single-thread GEMM rate, GFLOP/s = 2 M N K / time, median of %d runs of >= %g s",
                repeat, min_time);
    tsv_comment(t, "OpenBLAS threads: %d; mlp_step/lnn_step = the whole GEMM sequence of one step",
                threads);
    tsv_comment(t, "gflops: by wall time; gflops_cpu: by process CPU time (less sensitive to other load)");
    tsv_comment(t, "prec tile: the LNN engine's own fixed-order kernels (src/nn/tile.h, %s), in double",
                tile_isa_name(tile_get_isa()));
    tsv_columns(t, "name\tprec\tM\tN\tK\ttransA\ttransB\tgflops\tgflops_cpu");
    printf("%-12s %5s %5s %5s %5s  %8s %8s %8s   (GFLOP/s by wall time; by CPU time)\n",
           "shape", "M", "N", "K", "op", "DGEMM", "SGEMM", "tile");
    shape_t lnn_shapes[BENCH_LNN_MAX_SHAPES];
    int nlnn = bench_lnn_shapes(lnn_shapes, LNN_B, LNN_WIDTH, LNN_DEPTH, LNN_D0, LNN_NTAN);
    struct { const shape_t *s; int n; const char *agg; int own; } sets[] = {
        {mlp_shapes, (int)(sizeof mlp_shapes / sizeof *mlp_shapes), "mlp_step", 0},
        {lnn_shapes, nlnn, "lnn_step", 1},
        {&big, 1, NULL, 0},
    };
    static const char *prec[3] = {"f64", "f32", "tile"};
    for (int k = 0; k < 3; k++) {
        int np = sets[k].own ? 3 : 2;
        for (int i = 0; i < sets[k].n; i++) {
            const shape_t *s = &sets[k].s[i];
            int seen = 0;   /* the LNN's hidden layers repeat their shapes */
            for (int j = 0; j < i; j++)
                seen |= !strcmp(sets[k].s[j].name, s->name);
            if (seen)
                continue;
            double g[3] = {NAN, NAN, NAN}, c[3] = {NAN, NAN, NAN};
            for (int p = 0; p < np; p++) {
                g[p] = rate(s, 1, p, &b, repeat, min_time, &c[p]);
                tsv_line(t, "%s\t%s\t%d\t%d\t%d\t%d\t%d\t%.17g\t%.17g", s->name, prec[p], s->M,
                         s->N, s->K, s->ta, s->tb, g[p], c[p]);
            }
            printf("%-12s %5d %5d %5d  %c%c  %8.2f %8.2f %8.2f   %8.2f %8.2f %8.2f\n", s->name,
                   s->M, s->N, s->K, s->ta ? 'T' : 'N', s->tb ? 'T' : 'N', g[0], g[1], g[2], c[0],
                   c[1], c[2]);
        }
        if (sets[k].agg) {
            double g[3] = {NAN, NAN, NAN}, c[3] = {NAN, NAN, NAN};
            for (int p = 0; p < np; p++) {
                g[p] = rate(sets[k].s, sets[k].n, p, &b, repeat, min_time, &c[p]);
                tsv_line(t, "%s\t%s\t0\t0\t0\t0\t0\t%.17g\t%.17g", sets[k].agg, prec[p], g[p],
                         c[p]);
            }
            printf("%-12s %23s  %8.2f %8.2f %8.2f   %8.2f %8.2f %8.2f\n", sets[k].agg,
                   "(whole step)", g[0], g[1], g[2], c[0], c[1], c[2]);
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
