/* bench_mlp.c: one training epoch of a fully connected ReLU classifier on
 * Fashion-MNIST (Xiao et al. 2017), the configuration of issue 10's speed
 * goal: MLP 784 -> hidden -> hidden -> 10 with biases, softmax
 * cross-entropy, SGD lr 0.05 with heavy-ball momentum 0.9 (PyTorch
 * convention), shuffled batches, one BLAS thread, in float or double, with
 * full-precision or ternary weights.
 *
 * Ternary mode: the two hidden weight matrices are BitNet b1.58 absmean
 * ternary (Ma et al. 2024, Eqs. 1-3; nn/ternary.h), re-quantized from their
 * full-precision latent copies before every batch; the backward pass sees
 * the quantized matrices and the identity straight-through estimator hands
 * their gradient to the latent weights.  Biases and the logit layer stay in
 * full precision (BitNet keeps its output head in full precision too).
 *
 * The double network is the library's one MLP (nn/mlp.h); the float one is
 * its twin in src/bench (mlp_f32.h: same spec, parameter table and verbs, on
 * the float kernels of kernels_f32.h), started from the same initial values
 * rounded, on a float copy of the data made here.
 *
 * Timing covers the training loop only (shuffle, batch gathering, forward,
 * backward, quantization, SGD); data loading and the test evaluation are
 * outside it; CPU time is reported beside wall time.  Output: configuration lines, `gemm_flop_per_epoch=` (GEMM
 * FLOPs counted from the shapes, 2 M N K per product), `param_hash=` (FNV-1a
 * of the final parameter bytes: equal across runs when the run is
 * deterministic), and last `sec_per_epoch=<s> test_acc=<fraction>`. */
#include <cblas.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench_common.h"
#include "bench/kernels_f32.h"
#include "bench/mlp_f32.h"
#include "core/idx.h"
#include "core/rng.h"
#include "core/util.h"
#include "nn/mlp.h"
#include "nn/optim.h"
#include "nn/ternary.h"

enum { DEPTH = 3 };

static uint64_t fnv1a(uint64_t h, const void *p, size_t n)
{
    const unsigned char *c = p;
    for (size_t i = 0; i < n; i++) {
        h ^= c[i];
        h *= 1099511628211ull;
    }
    return h;
}

/* A float copy of n doubles (the float path's inputs; the dataset loads doubles). */
static float *float_copy(const double *x, size_t n)
{
    float *f = xmalloc(n * sizeof *f);
    for (size_t i = 0; i < n; i++)
        f[i] = (float)x[i];
    return f;
}

/* ------------------------------------------------------------ main */

int main(int argc, char **argv)
{
    util_set_progname(argv[0]);
    args_t a;
    args_init(&a, argc, argv,
              "[--mode fp|ternary] [--dtype f32|f64] [--hidden 256] [--epochs 1]\n"
              "       [--batch 128] [--lr 0.05] [--momentum 0.9] [--seed 1] [--threads 1]\n"
              "       [--data " FMNIST_DIR "]\n"
              "Trains MLP 784 -> hidden -> hidden -> 10 (biases, ReLU) on Fashion-MNIST with\n"
              "SGD + momentum and times it.  Last line: sec_per_epoch=<s> test_acc=<fraction>.\n");
    const char *mode = args_string(&a, "--mode", "fp");
    const char *dtype = args_string(&a, "--dtype", "f32");
    int H = (int)args_long(&a, "--hidden", 256);
    int epochs = (int)args_long(&a, "--epochs", 1);
    int Bmax = (int)args_long(&a, "--batch", 128);
    double lr = args_double(&a, "--lr", 0.05), mom = args_double(&a, "--momentum", 0.9);
    long seed = args_long(&a, "--seed", 1);
    int threads = (int)args_long(&a, "--threads", 1);
    const char *dir = args_string(&a, "--data", FMNIST_DIR);
    args_done(&a);
    int ternary = strcmp(mode, "ternary") == 0, f32 = strcmp(dtype, "f32") == 0;
    if (!ternary && strcmp(mode, "fp") != 0)
        die("--mode must be fp or ternary, not '%s'", mode);
    if (!f32 && strcmp(dtype, "f64") != 0)
        die("--dtype must be f32 or f64, not '%s'", dtype);
    if (H < 1 || epochs < 1 || Bmax < 1 || threads < 1)
        die("--hidden, --epochs, --batch and --threads must be >= 1");
    openblas_set_num_threads(threads);

    dataset_t tr, te;
    char err[512];
    if (fmnist_load(&tr, dir, "train", err, sizeof err) || fmnist_load(&te, dir, "test", err, sizeof err))
        die("%s", err);
    int D = tr.d, C = 10;
    int dims[DEPTH + 1] = {D, H, H, C};

    /* Initialise in double (PyTorch nn.Linear default, stream 1); the float
     * network starts from the same values rounded. */
    rng_t rinit, rshuf;
    rng_seed(&rinit, (uint64_t)seed, 1);
    rng_seed(&rshuf, (uint64_t)seed, 2);
    mlp_t m;
    if (mlp_init(&m, dims, DEPTH, 1, 0, 0.0, Bmax, &rinit))
        die("cannot build the network");
    size_t np = m.n_params;
    mlpf_t mf = {0};
    float *xtr = NULL, *xte = NULL;
    if (f32) {
        mlp_spec_t fs = {.depth = DEPTH, .act = MLP_RELU, .bias = 1, .out_bias = 1,
                         .max_batch = Bmax};
        memcpy(fs.dims, dims, sizeof dims);
        if (mlpf_create(&mf, &fs))
            die("cannot build the float network");
        for (size_t i = 0; i < np; i++)
            mf.theta[i] = (float)m.theta[i];
        xtr = float_copy(tr.x, (size_t)tr.n * D);
        xte = float_copy(te.x, (size_t)te.n * D);
    }

    /* latent copies (ternary), momentum buffers */
    double *lat = NULL, *v = NULL;
    float *latf = NULL, *vf = NULL;
    if (f32) {
        vf = xcalloc(np, sizeof(float));
        if (ternary) {
            latf = xmalloc(np * sizeof(float));
            memcpy(latf, mf.theta, np * sizeof(float));
        }
    } else {
        v = xcalloc(np, sizeof(double));
        if (ternary) {
            lat = xmalloc(np * sizeof(double));
            memcpy(lat, m.theta, np * sizeof(double));
        }
    }
    /* offsets of the quantized matrices W[0], W[1] inside the flat arrays;
     * the rest (b[0]; b[1], W[2], b[2]) is copied from the latent weights */
    size_t offW[2] = {0, (size_t)H * D + H}, nW[2] = {(size_t)H * D, (size_t)H * H};
    size_t offR[2] = {(size_t)H * D, offW[1] + nW[1]}, nR[2] = {(size_t)H, np - offW[1] - nW[1]};

    size_t *idx = xmalloc((size_t)tr.n * sizeof *idx);
    for (int i = 0; i < tr.n; i++)
        idx[i] = (size_t)i;
    int *yb = xmalloc((size_t)Bmax * sizeof *yb);
    double flop = 0.0, loss_sum = 0.0;
    long nbatch = 0;
    progress_t pr;
    progress_begin(&pr, "bench-mlp");
    double t0 = now_seconds(), c0 = bench_cpu_seconds();
    for (int ep = 0; ep < epochs; ep++) {
        rng_shuffle(&rshuf, idx, (size_t)tr.n);
        for (int s = 0; s < tr.n; s += Bmax) {
            int B = tr.n - s < Bmax ? tr.n - s : Bmax;
            for (int i = 0; i < B; i++)
                yb[i] = tr.y[idx[s + i]];
            if (f32) {
                for (int i = 0; i < B; i++)
                    memcpy(mf.act[0] + (size_t)i * D, xtr + idx[s + i] * D, D * sizeof(float));
                if (ternary) {
                    for (int k = 0; k < 2; k++) {
                        f32_tern_quantize(NULL, mf.theta + offW[k], latf + offW[k], nW[k],
                                          (float)TERN_EPS, TERN_FLOOR);
                        memcpy(mf.theta + offR[k], latf + offR[k], nR[k] * sizeof(float));
                    }
                }
                loss_sum += mlpf_train_batch(&mf, yb, B);
                f32_sgd_step(ternary ? latf : mf.theta, mf.grad, vf, np, (float)lr, (float)mom, 0.0f,
                             OPT_WD_COUPLED);
            } else {
                for (int i = 0; i < B; i++)
                    memcpy(m.act[0] + (size_t)i * D, tr.x + idx[s + i] * D, D * sizeof(double));
                if (ternary) {
                    for (int k = 0; k < 2; k++) {
                        tern_quantize(NULL, m.theta + offW[k], lat + offW[k], nW[k], TERN_EPS,
                                      TERN_FLOOR);
                        memcpy(m.theta + offR[k], lat + offR[k], nR[k] * sizeof(double));
                    }
                }
                loss_sum += mlp_train_batch(&m, m.act[0], yb, B, NULL);
                opt_sgd_step(ternary ? lat : m.theta, m.grad, v, np, lr, mom, 0.0,
                             OPT_WD_COUPLED);
            }
            /* forward 3 products, weight gradients 3, input gradients of layers 3 and 2 */
            flop += 2.0 * B * (2.0 * ((double)D * H + (double)H * H + (double)H * C) +
                               (double)H * H + (double)H * C);
            nbatch++;
            char note[64];
            snprintf(note, sizeof note, "loss %.4f", loss_sum / nbatch);
            progress_update(&pr, ep + (double)(s + B) / tr.n, epochs, note);
        }
    }
    double sec = (now_seconds() - t0) / epochs, cpu = (bench_cpu_seconds() - c0) / epochs;
    progress_end(&pr);

    /* test accuracy with the weights the forward pass uses */
    if (ternary) {
        if (f32) {
            memcpy(mf.theta, latf, np * sizeof(float));
            for (int k = 0; k < 2; k++)
                f32_tern_quantize(NULL, mf.theta + offW[k], latf + offW[k], nW[k],
                                  (float)TERN_EPS, TERN_FLOOR);
        } else {
            memcpy(m.theta, lat, np * sizeof(double));
            for (int k = 0; k < 2; k++)
                tern_quantize(NULL, m.theta + offW[k], lat + offW[k], nW[k], TERN_EPS,
                              TERN_FLOOR);
        }
    }
    long correct = 0;
    for (int s = 0; s < te.n; s += Bmax) {
        int B = te.n - s < Bmax ? te.n - s : Bmax;
        if (f32) {
            memcpy(mf.act[0], xte + (size_t)s * D, (size_t)B * D * sizeof(float));
            correct += f32_count_correct(mlpf_forward(&mf, B), te.y + s, B, C);
        } else {
            int c;
            mlp_eval_batch(&m, te.x + (size_t)s * D, te.y + s, B, &c);
            correct += c;
        }
    }
    uint64_t h = 14695981039346656037ull;
    if (f32)
        h = fnv1a(h, ternary ? latf : mf.theta, np * sizeof(float));
    else
        h = fnv1a(h, ternary ? lat : m.theta, np * sizeof(double));

    printf("config mode=%s dtype=%s hidden=%d epochs=%d batch=%d lr=%g momentum=%g seed=%ld "
           "threads=%d params=%zu\n",
           mode, dtype, H, epochs, Bmax, lr, mom, seed, threads, np);
    printf("train_loss=%.6f\n", loss_sum / nbatch);
    printf("gemm_flop_per_epoch=%.17g\n", flop / epochs);
    printf("cpu_sec_per_epoch=%.4f\n", cpu);
    printf("gflops=%.3f\n", flop / epochs / sec / 1e9);
    printf("param_hash=%016llx\n", (unsigned long long)h);
    printf("sec_per_epoch=%.4f test_acc=%.4f\n", sec, (double)correct / te.n);

    free(idx);
    free(yb);
    free(lat);
    free(v);
    free(latf);
    free(vf);
    free(xtr);
    free(xte);
    mlpf_free(&mf);
    mlp_free(&m);
    dataset_free(&tr);
    dataset_free(&te);
    return 0;
}
