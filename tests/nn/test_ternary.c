/* test_ternary.c: the BitNet b1.58 absmean quantizer (Ma et al. 2024, Eqs. 1-3)
 * on its edge cases (all zeros, ties, huge values, NaN), its homogeneity, the
 * division-free codes against the nearbyint form, and the identity STE: with
 * quantized logit weights, SGD on the latent weights conserves their column
 * sums exactly, because softmax cross-entropy is translation invariant
 * (ternary.md §3.6). */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "core/rng.h"
#include "nn/layers.h"
#include "nn/optim.h"
#include "nn/ternary.h"

Test(ternary, all_zeros)
{
    double W[5] = {0}, Q[5];
    int8_t T[5];
    cr_assert_eq(tern_quantize(T, Q, W, 5, 0.0, TERN_FLOOR), 0.0);
    for (int i = 0; i < 5; i++)
        cr_assert(T[i] == 0 && Q[i] == 0.0 && !signbit(Q[i]));
    cr_assert_eq(tern_quantize(T, Q, W, 5, TERN_EPS, TERN_FLOOR), TERN_EPS);
    cr_assert_eq(tern_quantize(T, Q, W, 5, TERN_EPS, TERN_ADD), TERN_EPS);
    for (int i = 0; i < 5; i++)
        cr_assert(T[i] == 0 && Q[i] == 0.0);
}

/* mean|W| = 1 exactly, so W/d hits the ties +-0.5, +-1.5, 2.5: nearbyint
 * rounds them to even (0, 0, 2 -> 1, -2 -> -1, 2 -> 1), unlike C's round(). */
Test(ternary, ties_to_even)
{
    double W2[8] = {0.5, -0.5, 1.5, -1.5, 0.5, 0.5, 2.5, 0.5};   /* sum |W2| = 8, mean 1 */
    int8_t T[8];
    double Q[8];
    double d = tern_quantize(T, Q, W2, 8, 0.0, TERN_FLOOR);
    cr_assert_eq(d, 1.0);
    int8_t expect[8] = {0, 0, 1, -1, 0, 0, 1, 0};
    for (int i = 0; i < 8; i++)
        cr_assert_eq(T[i], expect[i], "W = %g: code %d, expected %d", W2[i], T[i], expect[i]);
    /* just above a tie rounds away from zero */
    W2[0] = nextafter(0.5, 1.0);
    W2[7] = nextafter(0.5, 0.0);   /* keeps the mean at 1 up to one ulp */
    tern_quantize(T, Q, W2, 8, 0.0, TERN_FLOOR);
    cr_assert_eq(T[0], 1);
}

Test(ternary, huge_values)
{
    double W[4] = {1e308, 1e308, -1e308, 3.0};
    int8_t T[4];
    double Q[4];
    double d = tern_quantize(T, Q, W, 4, TERN_EPS, TERN_FLOOR);
    cr_assert(isfinite(d));
    cr_assert_leq(fabs(d - 0.75e308), 1e-15 * 0.75e308);
    int8_t e[4] = {1, 1, -1, 0};
    for (int i = 0; i < 4; i++) {
        cr_assert_eq(T[i], e[i]);
        cr_assert(isfinite(Q[i]));
    }
    /* one NaN: the scale is NaN (the floor does not hide it) and every code is 0 */
    double Wn[3] = {1.0, NAN, -2.0};
    cr_assert(isnan(tern_quantize(T, NULL, Wn, 3, TERN_EPS, TERN_FLOOR)));
    cr_assert(T[0] == 0 && T[1] == 0 && T[2] == 0);
}

Test(ternary, eps_modes)
{
    double W[4] = {2.385e-6, -1.1e-6, 0.0, 4.0e-7};   /* mean|W| < 1e-5 */
    int8_t T[4];
    double d = tern_quantize(T, NULL, W, 4, TERN_EPS, TERN_FLOOR);
    cr_assert_eq(d, TERN_EPS);
    cr_assert_eq(T[0], 0);
    d = tern_quantize(T, NULL, W, 4, TERN_EPS, TERN_ADD);
    cr_assert_eq(d, tern_absmean(W, 4) + TERN_EPS);
    d = tern_quantize(T, NULL, W, 4, 0.0, TERN_ADD);
    cr_assert_eq(d, tern_absmean(W, 4));
    cr_assert_eq(T[0], 1);
    cr_assert_eq(T[1], -1);
}

/* Q(cW) = c Q(W) bit for bit for c a power of two, and T(cW) = T(W), above the floor. */
Test(ternary, homogeneous)
{
    rng_t r;
    rng_seed(&r, 5, 1);
    enum { n = 1000 };
    static double W[n], W2[n], Q[n], Q2[n];
    static int8_t T[n], T2[n];
    for (int i = 0; i < n; i++) {
        W[i] = 0.37 * rng_normal(&r) + 0.01;
        W2[i] = 4.0 * W[i];
    }
    double d = tern_quantize(T, Q, W, n, TERN_EPS, TERN_FLOOR);
    double d2 = tern_quantize(T2, Q2, W2, n, TERN_EPS, TERN_FLOOR);
    cr_assert_eq(d2, 4.0 * d);
    cr_assert_eq(memcmp(T, T2, n), 0);
    for (int i = 0; i < n; i++)
        cr_assert_eq(Q2[i], 4.0 * Q[i]);
    size_t c[3];
    tern_histogram(c, T, n);
    cr_assert_eq(c[0] + c[1] + c[2], (size_t)n);
    cr_assert(c[0] > 200 && c[1] > 200 && c[2] > 200);   /* all three codes in use */
    cr_assert_eq(tern_flips(T, T2, n), 0u);
    T2[3] = (int8_t)-T2[3];
    T2[7] = T2[7] == 0 ? 1 : 0;
    cr_assert_eq(tern_flips(T, T2, n), T[3] != 0 ? 2u : 1u);
}

/* The comparison form of both paths agrees with clip(nearbyint(W/d)) on random
 * values (exact ties are covered by ties_to_even). */
Test(ternary, f64_matches_nearbyint)
{
    rng_t r;
    rng_seed(&r, 8, 1);
    enum { n = 4096 };
    static double W[n], Q[n];
    static int8_t T[n];
    for (int i = 0; i < n; i++)
        W[i] = 0.8 * rng_normal(&r) * (i % 7 == 0 ? 1e-3 : 1.0);
    double d = tern_quantize(T, Q, W, n, TERN_EPS, TERN_FLOOR);
    int used[3] = {0};
    for (int i = 0; i < n; i++) {
        double rr = nearbyint(W[i] / d);
        int e = rr > 1.0 ? 1 : rr < -1.0 ? -1 : (int)rr;
        cr_assert_eq(T[i], e, "W %g / d %g", W[i], d);
        cr_assert_eq(Q[i], d * e);
        used[e + 1]++;
    }
    cr_assert(used[0] && used[1] && used[2]);
}

/* Identity STE on a ternary logit layer: z = x Q(W)^T + b, softmax-xent.
 * Columns of g = dl/dQ sum to zero (translation symmetry of softmax), so
 * plain SGD on the latent W keeps every column sum of W, step after step,
 * although Q(W) changes. */
Test(ternary, ste_conserves_translation_charge)
{
    enum { B = 32, I = 12, C = 5 };
    rng_t r;
    rng_seed(&r, 7, 1);
    double W[C * I], Q[C * I], g[C * I], b[C], gb[C], x[B * I], z[B * C], dz[B * C];
    int8_t T0[C * I], T[C * I];
    int y[B];
    for (int i = 0; i < C * I; i++)
        W[i] = 0.4 * rng_normal(&r);
    for (int c = 0; c < C; c++)
        b[c] = 0.1 * rng_normal(&r);
    double S0[I];
    for (int j = 0; j < I; j++) {
        S0[j] = 0.0;
        for (int c = 0; c < C; c++)
            S0[j] += W[c * I + j];
    }
    tern_quantize(T0, NULL, W, C * I, TERN_EPS, TERN_FLOOR);
    size_t flips = 0;
    for (int step = 0; step < 200; step++) {
        for (int i = 0; i < B * I; i++)
            x[i] = rng_normal(&r);
        for (int i = 0; i < B; i++)
            y[i] = (int)rng_below(&r, C);
        tern_quantize(T, Q, W, C * I, TERN_EPS, TERN_FLOOR);
        flips += tern_flips(T0, T, C * I);
        memcpy(T0, T, sizeof T);
        nn_linear_forward(z, x, Q, b, B, I, C);
        nn_softmax_xent(dz, z, y, B, C);
        nn_linear_backward(NULL, g, gb, dz, x, Q, B, I, C);   /* g = dl/dQ =: dl/dW */
        opt_sgd_step(W, g, NULL, C * I, 0.5, 0.0, 0.0, OPT_WD_COUPLED);
        opt_sgd_step(b, gb, NULL, C, 0.5, 0.0, 0.0, OPT_WD_COUPLED);
    }
    cr_assert_gt(flips, 10u, "the codes must actually change for the test to mean anything");
    for (int j = 0; j < I; j++) {
        double s = 0.0;
        for (int c = 0; c < C; c++)
            s += W[c * I + j];
        cr_assert_leq(fabs(s - S0[j]), 1e-13, "column %d: %.3g -> %.3g", j, S0[j], s);
    }
}

/* The division-free codes near the rounding thresholds: with the floor eps
 * above mean|W| the scale is d = eps exactly, so weights can be placed a few
 * ulps either side of d/2 and 3d/2 for scales across the whole range. */
Test(ternary, threshold_exact_near_ties)
{
    rng_t r;
    rng_seed(&r, 9, 1);
    enum { n = 64 };
    double W[n], Q[n];
    int8_t T[n];
    for (int trial = 0; trial < 400; trial++) {
        double eps = trial % 4 == 0 ? ldexp(1.0, (int)rng_below(&r, 1200) - 600)
                                    : exp((rng_uniform(&r) - 0.5) * 1300.0);
        memset(W, 0, sizeof W);
        int k = 0;
        for (int m = 1; m <= 3; m += 2)
            for (int s = -1; s <= 1; s += 2)
                for (int u = -2; u <= 2; u++) {
                    double w = s * m * 0.5 * eps;
                    for (int j = 0; j < (u < 0 ? -u : u); j++)
                        w = nextafter(w, u < 0 ? 0.0 : s * INFINITY);
                    W[k++] = w;
                }
        double d = tern_quantize(T, Q, W, n, eps, TERN_FLOOR);
        cr_assert_eq(d, eps);
        for (int i = 0; i < n; i++) {
            double rr = nearbyint(W[i] / d);
            int e = rr > 1.0 ? 1 : rr < -1.0 ? -1 : (int)rr;
            cr_assert_eq(T[i], e, "d %a, W %a: code %d, expected %d", d, W[i], T[i], e);
            cr_assert_eq(Q[i], d * e);
        }
    }
}
