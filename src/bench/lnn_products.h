/* lnn_products.h: the matrix products of one training step of the Lagrangian
 * network (its engine, src/nn/hvp.h), for bench-gemm and bench-lnn, and a way
 * to run them with OpenBLAS's DGEMM or with the engine's own kernels
 * (src/nn/tile.h).
 *
 * The sequence, as whole-batch products of S B rows (S = 1 + ntan streams):
 * for each layer l (hi -> ho), the forward z = x W^T [S B, ho, hi], the
 * reverse abar = zbar W [S B, hi, ho], the adjoint of the reverse
 * [S B, ho, hi], the adjoint of the forward [S B, hi, ho] (not at layer 1),
 * and the weight gradient [ho, hi, 2 S B].  Its FLOPs equal hvp_flops(). */
#ifndef BENCH_LNN_PRODUCTS_H
#define BENCH_LNN_PRODUCTS_H

#include <cblas.h>

#include "nn/tile.h"

typedef struct {
    const char *name;
    int ta, tb;       /* transpose A / B (row-major) */
    int M, N, K;
} bench_shape_t;

enum { BENCH_LNN_MAX_SHAPES = 40 };

/* Fills s[] (at most BENCH_LNN_MAX_SHAPES) and returns the count. */
static inline int bench_lnn_shapes(bench_shape_t *s, int B, int width, int depth, int d0,
                                   int ntan)
{
    int n = 0, SB = (1 + ntan) * B;
    for (int l = 1; l <= depth && n + 5 <= BENCH_LNN_MAX_SHAPES; l++) {
        int hi = l == 1 ? d0 : width, ho = width, in = l == 1;
        s[n++] = (bench_shape_t){in ? "lnn_fwd_in" : "lnn_fwd", 0, 1, SB, ho, hi};
        s[n++] = (bench_shape_t){in ? "lnn_rev_in" : "lnn_rev", 0, 0, SB, hi, ho};
        s[n++] = (bench_shape_t){in ? "lnn_rhat_in" : "lnn_rhat", 0, 1, SB, ho, hi};
        if (!in)
            s[n++] = (bench_shape_t){"lnn_fhat", 0, 0, SB, hi, ho};
        s[n++] = (bench_shape_t){in ? "lnn_dW_in" : "lnn_dW", 1, 0, ho, hi, 2 * SB};
    }
    return n;
}

static inline double bench_shape_flop(const bench_shape_t *s)
{
    return 2.0 * s->M * s->N * s->K;
}

/* One product on the buffers A, B, C (each large enough for any shape):
 * OpenBLAS's DGEMM with the shape's transposes, or the engine's kernel on
 * the layout the engine keeps (x W^T reads W^T stored as [K, N]; the weight
 * gradient is A^T B). */
static inline void bench_product(const bench_shape_t *s, int own, const double *A,
                                 const double *B, double *C)
{
    int lda = s->ta ? s->M : s->K, ldb = s->tb ? s->K : s->N;
    if (!own)
        cblas_dgemm(CblasRowMajor, s->ta ? CblasTrans : CblasNoTrans,
                    s->tb ? CblasTrans : CblasNoTrans, s->M, s->N, s->K, 1.0, A, lda, B, ldb,
                    0.0, C, s->N);
    else if (s->ta)
        tile_tn(s->M, s->N, s->K, A, s->M, B, s->N, C, s->N, 0);
    else
        tile_nn(s->M, s->N, s->K, A, s->K, B, s->N, C, s->N, 0);
}

#endif
