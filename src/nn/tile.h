/* tile.h: the matrix products of the second-order engine (hvp.h),
 *     C = A B    and    C = A^T B,
 * on row-major double matrices, with one fixed order of summation, so that
 * the result is the same bytes on every CPU.
 *
 * Method.  Register tiles: a tile of C (6 rows x 32 columns with AVX-512, 6 x 8
 * with AVX2) stays in registers while k runs over up to 256 values; B's rows
 * are read as vectors, A's entries broadcast.  No packing: the engine keeps
 * its operands in the layout the kernel reads (weights transposed once per
 * step where it needs W^T).  The instruction set is chosen once, at the first
 * call, from what the CPU supports (AVX-512F, else AVX2 with FMA, else plain
 * C).
 *
 * Accuracy and determinism.  Every entry is one fused multiply-add chain in
 * increasing k,
 *     c <- 0 (or C[i][j] when accumulating);  c <- fma(A[i][k], B[k][j], c),  k = 0..K-1,
 * which is exactly what all three versions compute, whatever the tile shape
 * or the blocking over k (a partial sum stored between blocks is a double,
 * as in the register).  fma rounds once (IEEE 754), in hardware or in libm,
 * so the bytes do not depend on the machine.  This is an explicit fma, not a
 * contraction the compiler chose: -ffp-contract=off still holds for every
 * other line.  (OpenBLAS, by contrast, picks its kernels by CPU, and their
 * summation orders differ.)  The plain-C version calls libm's fma, which
 * is slow on CPUs without FMA hardware (before 2013), but gives the same
 * bytes.
 *
 * Special cases: M, N or K = 0 return at once (with K = 0 and !accumulate,
 * C is set to zero).  Operands may not overlap C. */
#ifndef NN_TILE_H
#define NN_TILE_H

/* C[M,N] = A[M,K] B[K,N]  (accumulate: C += A B); leading dimensions lda, ldb, ldc. */
void tile_nn(int M, int N, int K, const double *A, int lda, const double *B, int ldb, double *C,
             int ldc, int accumulate);
/* C[M,N] = A[K,M]^T B[K,N]  (accumulate: C += A^T B). */
void tile_tn(int M, int N, int K, const double *A, int lda, const double *B, int ldb, double *C,
             int ldc, int accumulate);

/* C[M,N] = A1[K1,M]^T B1[K1,N] + A2[K2,M]^T B2[K2,N] (accumulate: C += ...), as
 * one chain: k runs over A1's rows, then on over A2's.  The weight gradient
 * of a layer that is used twice. */
void tile_tn2(int M, int N, int K1, const double *A1, int lda1, const double *B1, int ldb1,
              int K2, const double *A2, int lda2, const double *B2, int ldb2, double *C, int ldc,
              int accumulate);

typedef enum { TILE_C = 0, TILE_AVX2 = 1, TILE_AVX512 = 2 } tile_isa;

/* The version in use (the best the CPU supports, unless tile_set_isa chose). */
tile_isa    tile_get_isa(void);
/* Use another version (tests, benchmarks).  Returns 0, or -1 if the CPU
 * cannot run it. */
int         tile_set_isa(tile_isa isa);
const char *tile_isa_name(tile_isa isa);

#endif
