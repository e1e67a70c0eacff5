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

static double cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

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
    
    args_t a;
    args_init(&a, argc, argv,
              "[--width 128] [--depth 3] [--batch 256] [--steps 50] [--warmup 5]\n"
              "       [--seed 1]\n"
              "One Adam step of a Lagrangian network (MLP 4 -> width x depth -> 1, softplus,\n"
              "double, 1 BLAS thread) on double-pendulum states; median seconds per step.\n");
    int width = (int)args_long(&a, "--width", 128), depth = (int)args_long(&a, "--depth", 3);
    int B = (int)args_long(&a, "--batch", 256), steps = (int)args_long(&a, "--steps", 50);
    int warm = (int)args_long(&a, "--warmup", 5);
    long seed = args_long(&a, "--seed", 1);
    args_done(&a);
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
    printf("param_hash=%016llx\n", (unsigned long long)param_hash(m.net.theta, np));
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
