/* test_vec.c: pairwise reductions: exact where the sums are exact, more
 * accurate than left-to-right summation on a long sum, order fixed. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

#include "core/vec.h"

Test(vec, exact_small_integers)
{
    enum { n = 1001 };
    static double a[n], b[n];
    for (int i = 0; i < n; i++) {
        a[i] = i + 1;
        b[i] = 2.0;
    }
    cr_assert_eq(vec_sum(a, n), n * (n + 1) / 2.0);
    cr_assert_eq(vec_dot(a, b, n), (double)n * (n + 1));
    cr_assert_eq(vec_sumsq(a, n), (double)n * (n + 1) * (2 * n + 1) / 6.0);
    cr_assert_eq(vec_sum(a, 0), 0.0);
    cr_assert_eq(vec_sum(a, 1), 1.0);
}

/* 10^6 copies of 0.1: left-to-right summation errs by ~1e-6 relative... far
 * more than pairwise summation's ~log2(n) eps. */
Test(vec, pairwise_beats_naive)
{
    size_t n = 1000000;
    double *a = malloc(n * sizeof *a);
    for (size_t i = 0; i < n; i++)
        a[i] = 0.1;
    double naive = 0.0;
    for (size_t i = 0; i < n; i++)
        naive += a[i];
    double exact = 100000.00000000000555;   /* n * 0.1000000000000000055511 */
    double ep = fabs(vec_sum(a, n) - exact) / exact, en = fabs(naive - exact) / exact;
    cr_assert_lt(ep, 1e-15, "pairwise relative error %g", ep);
    cr_assert_gt(en, 100 * ep, "naive %g vs pairwise %g", en, ep);
    free(a);
}
