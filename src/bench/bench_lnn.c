/* bench_lnn.c: time one Adam training step of a Lagrangian neural network
 * (Cranmer et al. 2020, eq. 6) on the double pendulum: MLP 4 -> width x depth
 * -> 1 with softplus, double precision, L1 loss on qddot, exact gradient
 * through the second-order engine (src/nn/hvp.h), one thread.
 *
 * Prints the median over --steps timed steps (after --warmup untimed ones),
 * the FLOPs of the step's matrix products (counted from the shapes), the rate
 * reached, and the rates of the same sequence of products (lnn_products.h)
 * run alone by OpenBLAS's DGEMM (one thread) and by the engine's own kernels:
 * each timed step is followed by one run of each, so the three medians feel
 * the same load.  Then `param_hash=`, `cpu_sec_per_step=` and, last,
 * `sec_per_step=<seconds>`. */
#include <cblas.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/lnn_products.h"
#include "core/args.h"
#include "core/rng.h"
#include "core/stats.h"
#include "core/util.h"
#include "nn/lnn.h"
#include "nn/optim.h"
#include "physics/systems.h"

/* seconds of one run of the product sequence (wall and CPU) */
static void time_products(const bench_shape_t *sh, int n, int own, const double *A,
                          const double *Bm, double *C, double *wall, double *cpu);

/* Median of v[0..n) (sorts a copy). */
static double median(const double *v, int n)
{
    double *work = xmalloc((size_t)n * sizeof *work);
    double m = stats_median(v, (size_t)n, work);
    free(work);
    return m;
}

typedef struct {
    int width, depth, batch, steps, warmup;
    long seed;
    const char *isa;
} opts_t;

static const char about[] =
    "One Adam step of a Lagrangian network on double-pendulum states; median seconds per step.";

static const arg_spec_t options[] = {
    ARG_INT(opts_t, width, "128", "hidden units per layer"),
    ARG_INT(opts_t, depth, "3", "hidden layers"),
    ARG_INT(opts_t, batch, "256", "states per step"),
    ARG_INT(opts_t, steps, "50", "timed steps (the median is reported)"),
    ARG_INT(opts_t, warmup, "5", "untimed steps first"),
    ARG_LONG(opts_t, seed, "1", "seed"),
    ARG_STRING(opts_t, isa, NULL, "the engine's kernels: avx512, avx2 or c (default: the best)"),
    ARG_END
};

int main(int argc, char **argv)
{
    opts_t o;
    args_parse(options, &o, argc, argv, about);
    const int width = o.width, depth = o.depth, B = o.batch, steps = o.steps, warm = o.warmup;
    const long seed = o.seed;
    const char *isa = o.isa;
    if (isa) {
        int ok = -1;
        for (int i = TILE_C; i <= TILE_AVX512; i++)
            if (!strcmp(isa, tile_isa_name((tile_isa)i)))
                ok = tile_set_isa((tile_isa)i);
        if (ok)
            die("--isa %s: not one of avx512, avx2, c that this CPU runs", isa);
    }
    if (width < 1 || depth < 1 || depth > HVP_MAX_DEPTH || B < 1 || steps < 1 || warm < 0)
        die("bad sizes (width %d depth %d batch %d steps %d)", width, depth, B, steps);
    openblas_set_num_threads(1);

    lnn_t m;
    if (lnn_init(&m, LNN_FEAT_WRAP, 10.0, 1.0, width, depth, B))
        die("cannot build the network");
    rng_t r;
    rng_seed(&r, (uint64_t)seed, 1);
    hvp_init_weights(&m.net, HVP_INIT_CRANMER, &r);
    size_t np = m.net.n_params;
    double flops = hvp_flops(&m.net, B);

    /* the same products alone, on buffers as large as their largest operand */
    bench_shape_t sh[BENCH_LNN_MAX_SHAPES];
    int nsh = bench_lnn_shapes(sh, B, width, depth, m.net.dims[0], m.net.ntan);
    double pflop = 0;
    size_t big = 0;
    for (int i = 0; i < nsh; i++) {
        pflop += bench_shape_flop(&sh[i]);
        size_t e[3] = {(size_t)sh[i].M * sh[i].K, (size_t)sh[i].K * sh[i].N, (size_t)sh[i].M * sh[i].N};
        for (int k = 0; k < 3; k++)
            big = e[k] > big ? e[k] : big;
    }
    if (pflop != flops)
        die("the product sequence (%.0f FLOP) is not the engine's (%.0f)", pflop, flops);
    double *PA = xcalloc(big, sizeof(double)), *PB = xcalloc(big, sizeof(double));
    double *PC = xcalloc(big, sizeof(double));
    rng_t rp;
    rng_seed(&rp, (uint64_t)seed, 2);
    for (size_t i = 0; i < big; i++) {
        PA[i] = rng_uniform(&rp) - 0.5;
        PB[i] = rng_uniform(&rp) - 0.5;
    }

    double *am = xcalloc(np, sizeof(double)), *as = xcalloc(np, sizeof(double));
    double *x = xcalloc(4 * (size_t)B, sizeof(double)), *y = xcalloc(2 * (size_t)B, sizeof(double));
    double *tw[3], *tc[3], loss = 0;   /* step, DGEMM sequence, tile sequence */
    for (int k = 0; k < 3; k++) {
        tw[k] = xcalloc(steps, sizeof(double));
        tc[k] = xcalloc(steps, sizeof(double));
    }
    for (int s = 0; s < warm + steps; s++) {
        for (int b = 0; b < B; b++) {
            double *st = x + 4 * b;
            st[0] = 2 * PI * rng_uniform(&r);
            st[1] = 2 * PI * rng_uniform(&r);
            st[2] = 20 * rng_uniform(&r) - 10;
            st[3] = 20 * rng_uniform(&r) - 10;
            phys_dp_accel(y + 2 * b, st);
        }
        double t0 = now_seconds(), c0 = cpu_seconds();
        loss = lnn_loss_grad(&m, B, x, y, LNN_LOSS_L1, NULL);
        opt_adam_step(m.net.theta, m.net.grad, am, as, np, s + 1, 1e-4, 0.9, 0.999, 1e-8, 0.0,
                      OPT_WD_COUPLED);
        double dt = now_seconds() - t0, dc = cpu_seconds() - c0, pw[2], pc[2];
        for (int own = 0; own < 2; own++)
            time_products(sh, nsh, own, PA, PB, PC, &pw[own], &pc[own]);
        if (s >= warm) {
            tw[0][s - warm] = dt;
            tc[0][s - warm] = dc;
            for (int k = 1; k < 3; k++) {
                tw[k][s - warm] = pw[k - 1];
                tc[k][s - warm] = pc[k - 1];
            }
        }
    }
    double sec = median(tw[0], steps), csec = median(tc[0], steps), rate[3], crate[3];
    for (int k = 0; k < 3; k++) {
        rate[k] = flops / median(tw[k], steps) / 1e9;
        crate[k] = flops / median(tc[k], steps) / 1e9;
    }
    printf("config       width=%d depth=%d batch=%d params=%zu steps=%d (median)\n", width, depth, B,
           np, steps);
    printf("last_loss    %.6g  singular_samples=%ld\n", loss, m.n_singular);
    printf("gemm_mflop   %.1f per step\n", flops / 1e6);
    printf("rate         %.2f GFLOP/s wall, %.2f cpu (product FLOPs / time of a step)\n", rate[0],
           crate[0]);
    printf("dgemm_rate   %.2f GFLOP/s wall, %.2f cpu (the same products by OpenBLAS DGEMM, 1 thread)\n",
           rate[1], crate[1]);
    printf("tile_rate    %.2f GFLOP/s wall, %.2f cpu (the same products by the engine's kernels, %s)\n",
           rate[2], crate[2], tile_isa_name(tile_get_isa()));
    printf("fraction     %.2f of the DGEMM rate, %.2f of the tile rate (cpu: %.2f, %.2f)\n",
           rate[0] / rate[1], rate[0] / rate[2], crate[0] / crate[1], crate[0] / crate[2]);
    printf("param_hash=%016llx\n", (unsigned long long)fnv1a(FNV1A_INIT, m.net.theta, np * sizeof(double)));
    printf("cpu_sec_per_step=%.6g\n", csec);
    printf("sec_per_step=%.6g\n", sec);
    lnn_free(&m);
    free(am);
    free(as);
    free(x);
    free(y);
    free(PA);
    free(PB);
    free(PC);
    for (int k = 0; k < 3; k++) {
        free(tw[k]);
        free(tc[k]);
    }
    return 0;
}

static void time_products(const bench_shape_t *sh, int n, int own, const double *A,
                          const double *Bm, double *C, double *wall, double *cpu)
{
    double t0 = now_seconds(), c0 = cpu_seconds();
    for (int i = 0; i < n; i++)
        bench_product(&sh[i], own, A, Bm, C);
    *wall = now_seconds() - t0;
    *cpu = cpu_seconds() - c0;
}
