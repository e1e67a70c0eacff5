/* test_quantizers.c: the ternary quantizer variants of quantizers.h —
 * codes in {-1, 0, +1}, ties to even, homogeneity and equivariance (the
 * properties chapter 6's symmetry audit rests on: Q(cW) = c Q(W) per tensor
 * and per row, Q(DW) = D Q(W) per row, Q(WD) = Q(W) D per column,
 * Q(cW) = Q(W) for TTQ-like), TWN's orthogonality <W - Q, T> = 0, the
 * scaled STE of TTQ, and the guard for all-zero rows. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "core/rng.h"
#include "nn/quantizers.h"

#define R 7
#define C 13
#define N (R * C)

static void fill(double *W, uint64_t seed)
{
    rng_t r;
    rng_seed(&r, seed, 3);
    for (int i = 0; i < N; i++) W[i] = 0.37 * rng_normal(&r) + (i % 5 == 0 ? 0.11 : 0.0);
}

static void check_codes(const int8_t *T, size_t n)
{
    for (size_t i = 0; i < n; i++) cr_assert(T[i] >= -1 && T[i] <= 1);
}

Test(quantizers, names_round_trip)
{
    for (int k = QUANT_FP; k <= QUANT_TTQ; k++) cr_expect_eq(quant_parse(quant_name((quant_kind)k)), k);
    cr_expect_eq(quant_parse("bogus"), -1);
    cr_expect_str_eq(quant_name((quant_kind)42), "?");
}

Test(quantizers, ties_round_to_even)
{
    /* one row, mean |W| = 1: W/gamma = 0.5 -> 0 (not 1), 1.5 -> 2 -> clipped 1,
     * -0.5 -> -0 -> 0, 2.5 -> 2 -> 1; 0.75 -> 1; -0.25 -> 0 */
    double W[8] = {0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.75, -0.25};
    /* mean |W| = (0.5+0.5+1.5+1.5+2.5+2.5+0.75+0.25)/8 = 1.25: rescale to mean 1 */
    for (int i = 0; i < 8; i++) W[i] *= 1.25;
    double Q[8], g;
    int8_t T[8];
    quant_absmean_row(Q, T, &g, W, 1, 8);
    cr_assert_eq(g, 1.25 * 1.25);
    /* W/gamma = original / 1.25: 0.4, -0.4, 1.2, -1.2, 2, -2, 0.6, -0.2 */
    int8_t want[8] = {0, 0, 1, -1, 1, -1, 1, 0};
    cr_assert_eq(memcmp(T, want, 8), 0);
    /* exact half: W = {1, 3} (gamma = 2): 0.5 -> 0 (even), 1.5 -> 2 -> 1 */
    double W2[2] = {1.0, 3.0}, Q2[2], g2;
    int8_t T2[2];
    quant_absmean_row(Q2, T2, &g2, W2, 1, 2);
    cr_expect_eq(T2[0], 0, "0.5 must round to 0 (ties to even)");
    cr_expect_eq(T2[1], 1);
    cr_expect_eq(Q2[1], 2.0);
}

static void homogeneous(quant_kind k)
{
    double W[N], W2[N], Q[N], Q2[N], s[C > R ? C : R], s2[C > R ? C : R];
    int8_t T[N], T2[N];
    quant_spec q = {k, 0.05, 0.3, 0.4};
    fill(W, 5 + k);
    for (int i = 0; i < N; i++) W2[i] = 2.0 * W[i];
    quant_apply(&q, Q, T, s, W, R, C);
    quant_apply(&q, Q2, T2, s2, W2, R, C);
    check_codes(T, N);
    cr_assert_eq(memcmp(T, T2, N), 0, "%s: codes of 2W differ", quant_name(k));
    for (int i = 0; i < N; i++) {
        double want = k == QUANT_TTQ ? Q[i] : 2.0 * Q[i];
        cr_assert_eq(Q2[i], want, "%s: Q(2W) != %sQ(W) at %d", quant_name(k),
                     k == QUANT_TTQ ? "" : "2", i);
    }
    /* a factor that is not a power of two: same codes, Q equal to rounding */
    for (int i = 0; i < N; i++) W2[i] = 1.7 * W[i];
    quant_apply(&q, Q2, T2, s2, W2, R, C);
    cr_assert_eq(memcmp(T, T2, N), 0);
    for (int i = 0; i < N; i++) {
        double want = k == QUANT_TTQ ? Q[i] : 1.7 * Q[i];
        cr_assert(fabs(Q2[i] - want) <= 1e-14 * fabs(want));   /* the scale sums N terms */
    }
}

Test(quantizers, homogeneous_tensor) { homogeneous(QUANT_TENSOR); }
Test(quantizers, homogeneous_row) { homogeneous(QUANT_ROW); }
Test(quantizers, homogeneous_col) { homogeneous(QUANT_COL); }
Test(quantizers, homogeneous_twn) { homogeneous(QUANT_TWN); }
Test(quantizers, invariant_ttq) { homogeneous(QUANT_TTQ); }

Test(quantizers, row_and_column_equivariance)
{
    double W[N], W2[N], Q[N], Q2[N], s[C], s2[C];
    int8_t T[N], T2[N];
    double d[C];
    fill(W, 17);
    for (int i = 0; i < C; i++) d[i] = ldexp(1.0, (i % 5) - 2);   /* powers of two: exact */
    /* rows scaled by d[i]: per-row quantizer is equivariant, per tensor is not */
    for (int i = 0; i < R; i++)
        for (int j = 0; j < C; j++) W2[i * C + j] = d[i] * W[i * C + j];
    quant_absmean_row(Q, T, s, W, R, C);
    quant_absmean_row(Q2, T2, s2, W2, R, C);
    cr_assert_eq(memcmp(T, T2, N), 0);
    for (int i = 0; i < R; i++)
        for (int j = 0; j < C; j++) cr_assert_eq(Q2[i * C + j], d[i] * Q[i * C + j]);
    quant_spec qt = {QUANT_TENSOR, 0, 0, 0};
    quant_apply(&qt, Q, T, s, W, R, C);
    quant_apply(&qt, Q2, T2, s2, W2, R, C);
    cr_expect_neq(memcmp(T, T2, N), 0, "per tensor should not be row-equivariant");
    /* columns scaled by d[j]: per-column quantizer is equivariant */
    for (int i = 0; i < R; i++)
        for (int j = 0; j < C; j++) W2[i * C + j] = W[i * C + j] * d[j];
    quant_absmean_col(Q, T, s, W, R, C);
    quant_absmean_col(Q2, T2, s2, W2, R, C);
    cr_assert_eq(memcmp(T, T2, N), 0);
    for (int i = 0; i < R; i++)
        for (int j = 0; j < C; j++) cr_assert_eq(Q2[i * C + j], Q[i * C + j] * d[j]);
}

Test(quantizers, twn_residual_orthogonal_to_code)
{
    double W[N], Q[N];
    int8_t T[N];
    fill(W, 23);
    double alpha = quant_twn(Q, T, W, N);
    check_codes(T, N);
    double rt = 0, wt = 0;
    for (int i = 0; i < N; i++) { rt += (W[i] - Q[i]) * T[i]; wt += fabs(W[i] * T[i]); }
    cr_expect(fabs(rt) <= 1e-14 * wt, "<W-Q,T> = %g", rt);
    cr_expect(alpha > 0);
    /* BitNet's absmean scale is not L2-optimal: its residual is not orthogonal */
    quant_spec qt = {QUANT_TENSOR, 0, 0, 0};
    quant_apply(&qt, Q, T, NULL, W, R, C);
    rt = 0;
    for (int i = 0; i < N; i++) rt += (W[i] - Q[i]) * T[i];
    cr_expect(fabs(rt) > 1e-3 * wt, "absmean residual unexpectedly orthogonal");
}

Test(quantizers, ttq_values_and_scaled_ste)
{
    double W[6] = {0.9, -0.9, 0.01, -0.01, 0.5, -0.3}, Q[6], g[6] = {1, 2, 3, 4, 5, 6}, u[6];
    int8_t T[6];
    quant_spec q = {QUANT_TTQ, 0.05, 0.7, 0.4};
    quant_apply(&q, Q, T, NULL, W, 2, 3);
    double wantQ[6] = {0.7, -0.4, 0.0, 0.0, 0.7, -0.4};
    for (int i = 0; i < 6; i++) cr_expect_eq(Q[i], wantQ[i]);
    quant_latent_grad(&q, u, g, T, 6);
    double wantu[6] = {0.7, 0.8, 3, 4, 3.5, 2.4};
    for (int i = 0; i < 6; i++) cr_expect(fabs(u[i] - wantu[i]) < 1e-15);
    /* identity STE for every other kind, also in place */
    quant_spec qi = {QUANT_TENSOR, 0, 0, 0};
    quant_latent_grad(&qi, g, g, T, 6);
    cr_expect_eq(g[5], 6.0);
}

Test(quantizers, zero_rows_give_zeros)
{
    double W[N] = {0}, Q[N], s[C];
    int8_t T[N];
    for (int k = QUANT_FP; k <= QUANT_TTQ; k++) {
        quant_spec q = {(quant_kind)k, 0.05, 0.3, 0.3};
        quant_apply(&q, Q, T, s, W, R, C);
        for (int i = 0; i < N; i++) {
            cr_assert(Q[i] == 0.0 && T[i] == 0, "%s: zero input gave Q=%g T=%d", quant_name(q.kind),
                      Q[i], T[i]);
        }
    }
}

Test(quantizers, ratio_bins)
{
    double W[N], Q[N], s[R], ratio[N];
    fill(W, 29);
    quant_spec q = {QUANT_ROW, 0, 0, 0};
    quant_apply(&q, Q, NULL, s, W, R, C);
    quant_ratio(&q, ratio, W, s, R, C);
    /* code is nonzero exactly when the ratio exceeds 1/2 */
    for (int i = 0; i < N; i++) cr_assert_eq(Q[i] != 0.0, ratio[i] > 0.5);
}
