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
#include <time.h>
#include <stdlib.h>
#include <string.h>

#include "bench/lnn_products.h"
#include "core/rng.h"
#include "core/util.h"
#include "nn/lnn.h"
#include "nn/optim.h"
#include "physics/systems.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, n, sizeof(double), cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static double cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

/* seconds of one run of the product sequence (wall and CPU) */
static void time_products(const bench_shape_t *sh, int n, int own, const double *A,
                          const double *Bm, double *C, double *wall, double *cpu);

/* FNV-1a over the bytes of the parameters: equal runs print equal hashes */
static uint64_t param_hash(const double *w, size_t n)
{
    const unsigned char *p = (const unsigned char *)w;
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n * sizeof(double); i++)
        h = (h ^ p[i]) * 1099511628211ull;
    return h;
}

int main(int argc, char **argv)
{
    util_set_progname(argv[0]);
    args_t a;
    args_init(&a, argc, argv,
              "[--width 128] [--depth 3] [--batch 256] [--steps 50] [--warmup 5]\n"
              "       [--seed 1] [--isa avx512|avx2|c]\n"
              "One Adam step of a Lagrangian network (MLP 4 -> width x depth -> 1, softplus,\n"
              "double, one thread) on double-pendulum states; median seconds per step.\n");
    int width = (int)args_long(&a, "--width", 128), depth = (int)args_long(&a, "--depth", 3);
    int B = (int)args_long(&a, "--batch", 256), steps = (int)args_long(&a, "--steps", 50);
    int warm = (int)args_long(&a, "--warmup", 5);
    long seed = args_long(&a, "--seed", 1);
    const char *isa = args_string(&a, "--isa", NULL);   /* the engine's kernels (default: the best) */
    args_done(&a);
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
    printf("param_hash=%016llx\n", (unsigned long long)param_hash(m.net.theta, np));
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
