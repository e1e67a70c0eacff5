/* tile.c: register-tiled C = A B and C = A^T B with one fixed fma chain per
 * entry, in three versions (AVX-512F, AVX2 + FMA, plain C) that give the same
 * bytes.  See tile.h.
 *
 * A is read through two strides, A(i, k) = A[i*sai + k*sak]: (lda, 1) for A B,
 * (1, lda) for A^T B.  A product is a list of pieces (A, B, K) whose sums
 * continue one another (tile_tn2).  The pieces are cut into passes of at most
 * KC values of k (a short pass may hold two pieces); each pass walks columns
 * in blocks of one tile width and rows in tiles of up to 6, loading the tile
 * of C (after the first pass, or when accumulating), running its k, storing
 * it.  Tile shapes are compile-time constants (a switch picks the one that
 * fits at the edges), so the accumulators live in registers. */
#include "nn/tile.h"

#include <immintrin.h>
#include <math.h>
#include <string.h>

enum { KC = 256, TR = 6 };

/* one pass: up to two pieces, each A(i, k) = a[i*sai + k*sak], B[k*ldb + j], k < K */
typedef struct {
    int np;
    struct {
        const double *a, *b;
        long sai, sak;
        int ldb, K;
    } p[2];
} pass_t;

typedef void kern_fn(int M, int N, const pass_t *ps, double *C, int ldc, int acc);

#define UNROLL _Pragma("GCC unroll 8")

static int imin(int a, int b) { return a < b ? a : b; }

/* ------------------------------------------------------------- plain C */

/* Row i of C accumulates in place: for each k, c[j] = fma(A(i,k), B[k][j], c[j]),
 * the same chain as the vector versions. */
static void kern_c(int M, int N, const pass_t *ps, double *C, int ldc, int acc)
{
    for (int i = 0; i < M; i++) {
        double *c = C + (size_t)i * ldc;
        if (!acc)
            memset(c, 0, (size_t)N * sizeof *c);
        for (int q = 0; q < ps->np; q++)
            for (int k = 0; k < ps->p[q].K; k++) {
                double a = ps->p[q].a[i * ps->p[q].sai + k * ps->p[q].sak];
                const double *b = ps->p[q].b + (size_t)k * ps->p[q].ldb;
                for (int j = 0; j < N; j++)
                    c[j] = fma(a, b[j], c[j]);
            }
    }
}

/* ------------------------------------------------------- vector tiles */

/* The register tile, written once for both instruction sets: an R x CV block
 * of vectors V of W lanes at (i0, j0) of C.  LOAD(p, q) and STORE(p, q, v)
 * read and write the q-th vector of a row (the last one masked at the edge),
 * SPLAT broadcasts, FMA(a, b, c) = a b + c rounded once. */
#define TILE_BODY(V, W, ZERO, LOAD, STORE, SPLAT, FMA)                                    \
    V x[TR][4], y[4];                                                                   \
    UNROLL for (int r = 0; r < R; r++)                                                  \
        UNROLL for (int q = 0; q < CV; q++)                                             \
            x[r][q] = acc ? LOAD(c + (size_t)r * ldc + W * q, q) : ZERO;                 \
    for (int pi = 0; pi < ps->np; pi++) {                                               \
        const long sai = ps->p[pi].sai, sak = ps->p[pi].sak;                            \
        const double *a = ps->p[pi].a + i0 * sai, *b = ps->p[pi].b + j0;               \
        const int ldb = ps->p[pi].ldb, K = ps->p[pi].K;                                 \
        for (int k = 0; k < K; k++) {                                                   \
            const double *bk = b + (size_t)k * ldb;                                     \
            UNROLL for (int q = 0; q < CV; q++)                                         \
                y[q] = LOAD(bk + W * q, q);                                             \
            UNROLL for (int r = 0; r < R; r++) {                                        \
                V s = SPLAT(a[r * sai + k * sak]);                                      \
                UNROLL for (int q = 0; q < CV; q++)                                     \
                    x[r][q] = FMA(s, y[q], x[r][q]);                                    \
            }                                                                           \
        }                                                                               \
    }                                                                                   \
    UNROLL for (int r = 0; r < R; r++)                                                  \
        UNROLL for (int q = 0; q < CV; q++)                                             \
            STORE(c + (size_t)r * ldc + W * q, q, x[r][q]);

/* AVX-512: vectors of 8, the last one masked by ml (0xff when full). */
__attribute__((target("avx512f"), always_inline)) static inline void
tile512(const int R, const int CV, const pass_t *ps, int i0, int j0, double *c, int ldc,
        __mmask8 ml, int acc)
{
#define MASK(q) ((q) == CV - 1 ? ml : 0xff)
#define LOAD(p, q) _mm512_maskz_loadu_pd(MASK(q), (p))
#define STORE(p, q, v) _mm512_mask_storeu_pd((p), MASK(q), (v))
    TILE_BODY(__m512d, 8, _mm512_setzero_pd(), LOAD, STORE, _mm512_set1_pd, _mm512_fmadd_pd)
#undef MASK
#undef LOAD
#undef STORE
}

#define C512(R, CV) \
    case R * 8 + CV: tile512(R, CV, ps, i0, j0, c, ldc, ml, acc); break;
#define C512_ROW(R) C512(R, 1) C512(R, 2) C512(R, 3) C512(R, 4)

__attribute__((target("avx512f")))
static void kern_512(int M, int N, const pass_t *ps, double *C, int ldc, int acc)
{
    for (int j0 = 0; j0 < N; j0 += 32) {
        int nj = imin(32, N - j0), cv = (nj + 7) / 8;
        __mmask8 ml = (__mmask8)((1u << (nj - 8 * (cv - 1))) - 1);
        for (int i0 = 0; i0 < M; i0 += TR) {
            double *c = C + (size_t)i0 * ldc + j0;
            switch (imin(TR, M - i0) * 8 + cv) {
                C512_ROW(1) C512_ROW(2) C512_ROW(3) C512_ROW(4) C512_ROW(5) C512_ROW(6)
            }
        }
    }
}

/* AVX2 + FMA: vectors of 4; if PART, the last one holds only the lanes of ml. */
__attribute__((target("avx2,fma"), always_inline)) static inline void
tile256(const int R, const int CV, const int PART, const pass_t *ps, int i0, int j0, double *c,
        int ldc, __m256i ml, int acc)
{
#define LAST(q) (PART && (q) == CV - 1)
#define LOAD(p, q) (LAST(q) ? _mm256_maskload_pd((p), ml) : _mm256_loadu_pd(p))
#define STORE(p, q, v)                          \
    do {                                        \
        if (LAST(q))                            \
            _mm256_maskstore_pd((p), ml, (v));  \
        else                                    \
            _mm256_storeu_pd((p), (v));         \
    } while (0)
    TILE_BODY(__m256d, 4, _mm256_setzero_pd(), LOAD, STORE, _mm256_set1_pd, _mm256_fmadd_pd)
#undef LAST
#undef LOAD
#undef STORE
}

#define C256(R, CV, P) \
    case (R * 4 + CV) * 2 + P: tile256(R, CV, P, ps, i0, j0, c, ldc, ml, acc); break;
#define C256_ROW(R) C256(R, 1, 0) C256(R, 1, 1) C256(R, 2, 0) C256(R, 2, 1)

__attribute__((target("avx2,fma")))
static void kern_256(int M, int N, const pass_t *ps, double *C, int ldc, int acc)
{
    const __m256i lane = _mm256_setr_epi64x(0, 1, 2, 3);
    for (int j0 = 0; j0 < N; j0 += 8) {
        int nj = imin(8, N - j0), cv = (nj + 3) / 4, nl = nj - 4 * (cv - 1);
        __m256i ml = _mm256_cmpgt_epi64(_mm256_set1_epi64x(nl), lane);
        int part = nl < 4;
        for (int i0 = 0; i0 < M; i0 += TR) {
            double *c = C + (size_t)i0 * ldc + j0;
            switch ((imin(TR, M - i0) * 4 + cv) * 2 + part) {
                C256_ROW(1) C256_ROW(2) C256_ROW(3) C256_ROW(4) C256_ROW(5) C256_ROW(6)
            }
        }
    }
}

/* ------------------------------------------------------------ dispatch */

static kern_fn *const kernels[] = {kern_c, kern_256, kern_512};
static int isa = -1;

static tile_isa best_isa(void)
{
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f"))
        return TILE_AVX512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        return TILE_AVX2;
    return TILE_C;
}

tile_isa tile_get_isa(void)
{
    if (isa < 0)
        isa = best_isa();
    return (tile_isa)isa;
}

int tile_set_isa(tile_isa want)
{
    if ((int)want < TILE_C || want > best_isa())
        return -1;
    isa = want;
    return 0;
}

const char *tile_isa_name(tile_isa i)
{
    return i == TILE_AVX512 ? "avx512" : i == TILE_AVX2 ? "avx2" : "c";
}

typedef struct {
    const double *a, *b;
    long sai, sak;
    int ldb, K;
} piece_t;

/* Cuts the pieces into passes of at most KC (two short pieces may share one)
 * and runs them in order; every pass after the first accumulates. */
static void run(int M, int N, const piece_t *pc, int npc, double *C, int ldc, int acc)
{
    if (M <= 0 || N <= 0)
        return;
    kern_fn *kern = kernels[tile_get_isa()];
    pass_t ps = {0};
    int kin = 0, ran = 0;
    for (int q = 0; q < npc; q++)
        for (int k0 = 0; k0 < pc[q].K; k0 += KC) {
            int kc = imin(KC, pc[q].K - k0);
            if (ps.np == 2 || (ps.np && kin + kc > KC)) {
                kern(M, N, &ps, C, ldc, acc || ran++);
                ps.np = kin = 0;
            }
            ps.p[ps.np].a = pc[q].a + k0 * pc[q].sak;
            ps.p[ps.np].b = pc[q].b + (size_t)k0 * pc[q].ldb;
            ps.p[ps.np].sai = pc[q].sai;
            ps.p[ps.np].sak = pc[q].sak;
            ps.p[ps.np].ldb = pc[q].ldb;
            ps.p[ps.np].K = kc;
            ps.np++;
            kin += kc;
        }
    if (ps.np)
        kern(M, N, &ps, C, ldc, acc || ran++);
    else if (!acc && !ran)   /* K = 0 */
        for (int i = 0; i < M; i++)
            memset(C + (size_t)i * ldc, 0, (size_t)N * sizeof *C);
}

void tile_nn(int M, int N, int K, const double *A, int lda, const double *B, int ldb, double *C,
             int ldc, int accumulate)
{
    piece_t p = {A, B, lda, 1, ldb, K};
    run(M, N, &p, 1, C, ldc, accumulate);
}

void tile_tn(int M, int N, int K, const double *A, int lda, const double *B, int ldb, double *C,
             int ldc, int accumulate)
{
    piece_t p = {A, B, 1, lda, ldb, K};
    run(M, N, &p, 1, C, ldc, accumulate);
}

void tile_tn2(int M, int N, int K1, const double *A1, int lda1, const double *B1, int ldb1,
              int K2, const double *A2, int lda2, const double *B2, int ldb2, double *C, int ldc,
              int accumulate)
{
    piece_t p[2] = {{A1, B1, 1, lda1, ldb1, K1}, {A2, B2, 1, lda2, ldb2, K2}};
    run(M, N, p, 2, C, ldc, accumulate);
}
