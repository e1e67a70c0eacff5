/* test_tile.c: the fixed-order matrix products of src/nn/tile.h.
 *
 *  - every version the CPU can run (plain C, AVX2, AVX-512) gives exactly the
 *    bytes of the reference chain c <- fma(a_ik, b_kj, c) in increasing k, for
 *    shapes that exercise every edge (rows not a multiple of the tile height,
 *    columns not a multiple of the vector width, K across the k-blocking),
 *    with and without accumulation, for A B, A^T B and A1^T B1 + A2^T B2
 *    (one chain over both);
 *  - leading dimensions larger than the widths leave the rest of each row alone;
 *  - K = 0 zeroes C (or leaves it, when accumulating). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "nn/tile.h"

/* reference: C[i][j] (+)= sum_k A(i,k) B[k][j] as one fma chain */
static void ref(int tn, int M, int N, int K, const double *A, int lda, const double *B, int ldb,
                double *C, int ldc, int acc)
{
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            double c = acc ? C[(size_t)i * ldc + j] : 0.0;
            for (int k = 0; k < K; k++)
                c = fma(tn ? A[(size_t)k * lda + i] : A[(size_t)i * lda + k], B[(size_t)k * ldb + j], c);
            C[(size_t)i * ldc + j] = c;
        }
}

static void fill(double *x, size_t n, rng_t *r)
{
    for (size_t i = 0; i < n; i++)
        x[i] = rng_normal(r) * (1 + 3 * rng_uniform(r));
}

static void check_shapes(tile_isa isa)
{
    cr_assert_eq(tile_set_isa(isa), 0);
    static const int Ms[] = {1, 5, 6, 7, 13, 24}, Ns[] = {1, 3, 4, 8, 9, 31, 32, 33, 70};
    static const int Ks[] = {1, 2, 7, 48, 256, 300, 600};
    rng_t r;
    rng_seed(&r, 31, (uint64_t)isa);
    long checked = 0;
    for (unsigned mi = 0; mi < sizeof Ms / sizeof *Ms; mi++)
        for (unsigned ni = 0; ni < sizeof Ns / sizeof *Ns; ni++)
            for (unsigned ki = 0; ki < sizeof Ks / sizeof *Ks; ki++)
                for (int tn = 0; tn < 3; tn++)   /* A B, A^T B, two pieces */
                    for (int acc = 0; acc < 2; acc++) {
                        int M = Ms[mi], N = Ns[ni], K = Ks[ki];
                        int lda = (tn ? M : K) + 3, ldb = N + 2, ldc = N + 5;
                        size_t na = (size_t)(tn ? K : M) * lda, nb = (size_t)K * ldb,
                               nc = (size_t)M * ldc;
                        double *A = malloc(na * sizeof *A), *B = malloc(nb * sizeof *B);
                        double *C = malloc(nc * sizeof *C), *D = malloc(nc * sizeof *D);
                        fill(A, na, &r);
                        fill(B, nb, &r);
                        fill(C, nc, &r);
                        memcpy(D, C, nc * sizeof *C);
                        int K1 = K / 3;   /* the second piece starts at row K1 */
                        if (tn == 2)
                            tile_tn2(M, N, K1, A, lda, B, ldb, K - K1, A + (size_t)K1 * lda, lda,
                                     B + (size_t)K1 * ldb, ldb, C, ldc, acc);
                        else if (tn)
                            tile_tn(M, N, K, A, lda, B, ldb, C, ldc, acc);
                        else
                            tile_nn(M, N, K, A, lda, B, ldb, C, ldc, acc);
                        ref(tn != 0, M, N, K, A, lda, B, ldb, D, ldc, acc);
                        cr_assert(memcmp(C, D, nc * sizeof *C) == 0,
                                  "%s: %s M %d N %d K %d acc %d differs from the fma chain",
                                  tile_isa_name(isa), tn == 2 ? "A1^T B1 + A2^T B2" : tn ? "A^T B" : "A B",
                                  M, N, K, acc);
                        free(A);
                        free(B);
                        free(C);
                        free(D);
                        checked++;
                    }
    cr_log_info("tile %s: %ld shapes equal to the reference chain", tile_isa_name(isa), checked);
}

Test(tile, plain_c_equals_reference_chain) { check_shapes(TILE_C); }

Test(tile, avx2_equals_reference_chain)
{
    if (tile_set_isa(TILE_AVX2))
        cr_skip_test("this CPU has no AVX2 + FMA");
    check_shapes(TILE_AVX2);
}

Test(tile, avx512_equals_reference_chain)
{
    if (tile_set_isa(TILE_AVX512))
        cr_skip_test("this CPU has no AVX-512F");
    check_shapes(TILE_AVX512);
}

Test(tile, empty_inner_dimension)
{
    double C[6] = {1, 2, 3, 4, 5, 6}, A[1] = {0}, B[1] = {0};
    tile_nn(2, 3, 0, A, 1, B, 3, C, 3, 1);
    cr_assert(C[0] == 1 && C[5] == 6);
    tile_nn(2, 3, 0, A, 1, B, 3, C, 3, 0);
    for (int i = 0; i < 6; i++)
        cr_assert(C[i] == 0);
    cr_assert_eq(tile_set_isa((tile_isa)7), -1);
}
