/* bench_lnn.c: time one Adam training step of a Lagrangian neural network
 * (Cranmer et al. 2020, eq. 6) on the double pendulum: MLP 4 -> width x depth
 * -> 1 with softplus, double precision, L1 loss on qddot, exact gradient
 * through the second-order path of src/nn/lnn.c, one BLAS thread.
 *
 * Prints the median over --steps timed steps (after --warmup untimed ones),
 * the GEMM FLOPs of a step (counted from the shapes), the rate reached, and a
 * single-thread DGEMM rate measured on the step's own largest shape, then a
 * last line `sec_per_step=<seconds>`. */
#include <cblas.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

#include "core/args.h"
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

/* single-thread DGEMM rate (GFLOP/s) on C[m,n] = A[m,k] B[n,k]^T, median of reps */
static double dgemm_rate(int m, int n, int k, int reps)
{
    double *A = xcalloc((size_t)m * k, sizeof(double)), *B = xcalloc((size_t)n * k, sizeof(double));
    double *C = xcalloc((size_t)m * n, sizeof(double));
    for (size_t i = 0; i < (size_t)m * k; i++)
        A[i] = 1e-3 * (double)(i % 97);
    for (size_t i = 0; i < (size_t)n * k; i++)
        B[i] = 1e-3 * (double)(i % 89);
    double *t = xcalloc(reps, sizeof(double));
    for (int r = 0; r < reps; r++) {
        double t0 = now_seconds();
        for (int j = 0; j < 10; j++)
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, k, 1.0, A, k, B, k, 0.0, C, n);
        t[r] = (now_seconds() - t0) / 10;
    }
    double s = median(t, reps);
    free(A);
    free(B);
    free(C);
    free(t);
    return 2.0 * m * n * k / s / 1e9;
}

typedef struct {
    int width, depth, batch, steps, warmup;
    long seed;
} opts_t;

static const char about[] =
    "One Adam step of a Lagrangian network (MLP 4 -> width x depth -> 1, softplus,\n"
    "double, 1 BLAS thread) on double-pendulum states; median seconds per step.";

static const arg_spec_t options[] = {
    ARG_INT(opts_t, width, "128", "hidden units per layer"),
    ARG_INT(opts_t, depth, "3", "hidden layers"),
    ARG_INT(opts_t, batch, "256", "states per step"),
    ARG_INT(opts_t, steps, "50", "timed steps (the median is reported)"),
    ARG_INT(opts_t, warmup, "5", "untimed steps first"),
    ARG_LONG(opts_t, seed, "1", "seed"),
    ARG_END
};

int main(int argc, char **argv)
{
    opts_t o;
    args_parse(options, &o, argc, argv, about);
    const int width = o.width, depth = o.depth, B = o.batch, steps = o.steps, warm = o.warmup;
    const long seed = o.seed;
    if (width < 1 || depth < 1 || depth > LNN_MAX_DEPTH || B < 1 || steps < 1 || warm < 0)
        die("bad sizes (width %d depth %d batch %d steps %d)", width, depth, B, steps);
    openblas_set_num_threads(1);

    lnn_t m;
    if (lnn_init(&m, LNN_FEAT_WRAP, 10.0, 1.0, width, depth, B))
        die("cannot build the network");
    rng_t r;
    rng_seed(&r, (uint64_t)seed, 1);
    lnn_net_init_weights(&m.net, LNN_INIT_CRANMER, &r);
    size_t np = m.net.n_params;
    double *am = xcalloc(np, sizeof(double)), *as = xcalloc(np, sizeof(double));
    double *x = xcalloc(4 * (size_t)B, sizeof(double)), *y = xcalloc(2 * (size_t)B, sizeof(double));
    double *t = xcalloc(steps, sizeof(double)), *tc = xcalloc(steps, sizeof(double)), loss = 0;
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
        double dt = now_seconds() - t0, dc = cpu_seconds() - c0;
        if (s >= warm) {
            t[s - warm] = dt;
            tc[s - warm] = dc;
        }
    }
    double sec = median(t, steps), csec = median(tc, steps);
    double flops = lnn_net_gemm_flops(&m.net, B);
    double rate = dgemm_rate(3 * B, width, width, 9);
    printf("config       width=%d depth=%d batch=%d params=%zu steps=%d (median)\n", width, depth, B,
           np, steps);
    printf("last_loss    %.6g  singular_samples=%ld\n", loss, m.n_singular);
    printf("gemm_mflop   %.1f per step\n", flops / 1e6);
    printf("rate         %.2f GFLOP/s (GEMM FLOPs / step time)\n", flops / sec / 1e9);
    printf("dgemm_rate   %.2f GFLOP/s (1 thread, %dx%dx%d)\n", rate, 3 * B, width, width);
    printf("fraction     %.2f of the DGEMM rate\n", flops / sec / 1e9 / rate);
    printf("cpu_rate     %.2f GFLOP/s (GEMM FLOPs / CPU time of a step)\n", flops / csec / 1e9);
    printf("param_hash=%016llx\n", (unsigned long long)fnv1a(FNV1A_INIT, m.net.theta, np * sizeof(double)));
    printf("cpu_sec_per_step=%.6g\n", csec);
    printf("sec_per_step=%.6g\n", sec);
    lnn_free(&m);
    free(am);
    free(as);
    free(x);
    free(y);
    free(t);
    free(tc);
    return 0;
}
