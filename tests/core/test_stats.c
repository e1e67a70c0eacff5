/* test_stats.c: core/stats against values worked out by hand (type-7
 * quantiles as numpy.quantile defines them), on high-entropy samples. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

#include "core/stats.h"

/* |got - want| <= rtol max(|want|, 1): relative, or absolute near zero (an
 * interpolated quantile near 0 carries the rounding of its neighbours). */
static void assert_close(double got, double want, double rtol, const char *what)
{
    cr_assert(fabs(got - want) <= rtol * fmax(fabs(want), 1.0), "%s: got %.17g, want %.17g", what,
              got, want);
}

/* sorted: -1.207 0.4471 2.385 3.116 7.93 */
static const double five[5] = {2.385, -1.207, 7.93, 0.4471, 3.116};

Test(stats, comparator_total_order)
{
    double x[9] = {NAN, 2.385, -INFINITY, 0.0, -0.0, INFINITY, -NAN, -7.5e-310, 1e308};
    size_t m = stats_sort(x, 9);
    cr_assert_eq(m, 7);
    cr_assert(x[0] == -INFINITY);
    cr_assert(x[1] == -7.5e-310);
    cr_assert(x[2] == 0 && signbit(x[2]), "-0 first");
    cr_assert(x[3] == 0 && !signbit(x[3]), "then +0");
    cr_assert(x[4] == 2.385 && x[5] == 1e308 && x[6] == INFINITY);
    cr_assert(isnan(x[7]) && isnan(x[8]), "NaNs last");
    double a = 2.385, b = NAN;
    cr_assert_eq(stats_cmp_double(&a, &a), 0);
    cr_assert_eq(stats_cmp_double(&b, &b), 0);
    cr_assert_gt(stats_cmp_double(&b, &a), 0);
    cr_assert_lt(stats_cmp_double(&a, &b), 0);
}

Test(stats, quantile_type7)
{
    double w[5];
    /* h = 4p: p = 0.1 -> x(0) + 0.4 (x(1) - x(0)) = -1.207 + 0.4 * 1.6541 */
    assert_close(stats_quantile(five, 5, 0.1, w), -0.54536, 1e-15, "q10");
    /* p = 0.9 -> x(3) + 0.6 (x(4) - x(3)) = 3.116 + 0.6 * 4.814 */
    assert_close(stats_quantile(five, 5, 0.9, w), 6.0044, 1e-15, "q90");
    cr_assert_eq(stats_quantile(five, 5, 0.25, w), 0.4471, "h = 1: an order statistic, exactly");
    cr_assert_eq(stats_quantile(five, 5, 0.0, w), -1.207);
    cr_assert_eq(stats_quantile(five, 5, 1.0, w), 7.93);
    cr_assert_eq(stats_median(five, 5, w), 2.385);
    cr_assert(isnan(stats_quantile(five, 5, 1.5, w)), "p outside [0, 1]");
    cr_assert(isnan(stats_quantile(five, 5, NAN, w)));
    cr_assert(isnan(stats_quantile(five, 0, 0.5, w)), "empty sample");
    /* x untouched */
    cr_assert(five[0] == 2.385 && five[2] == 7.93);
}

Test(stats, median_even_and_single)
{
    double four[4] = {2.385, -1.207, 7.93, 0.4471}, w[4];
    /* (0.4471 + 2.385) / 2 */
    assert_close(stats_median(four, 4, w), 1.41605, 1e-15, "even n");
    double one = -3.0917;
    cr_assert_eq(stats_median(&one, 1, w), -3.0917);
    double inf2[2] = {INFINITY, 2.385};
    cr_assert_eq(stats_quantile(inf2, 2, 1.0, w), INFINITY, "an infinite order statistic stays exact");
}

Test(stats, nan_propagates)
{
    double x[4] = {2.385, NAN, -1.207, 7.93}, w[4], m, sd;
    cr_assert(isnan(stats_median(x, 4, w)));
    cr_assert(isnan(stats_quantile(x, 4, 0.0, w)));
    stats_interval_t r = stats_interval(x, 4, w);
    cr_assert(isnan(r.lo) && isnan(r.median) && isnan(r.hi));
    stats_mean_sd(x, 4, &m, &sd);
    cr_assert(isnan(m) && isnan(sd));
}

Test(stats, interval_minmax_below_ten)
{
    double w[5];
    stats_interval_t r = stats_interval(five, 5, w);
    cr_assert_eq(r.lo, -1.207);
    cr_assert_eq(r.hi, 7.93);
    cr_assert_eq(r.median, 2.385);
    cr_assert_eq(r.p_lo, 0.0);
    cr_assert_eq(r.p_hi, 1.0);
    cr_assert_eq(r.n, 5);
}

Test(stats, interval_q10_q90_from_ten)
{
    /* 12 values; sorted: -1.207 -0.093 0.4471 1.873 2.001 2.385 3.116 4.0219
     * 5.5512 6.667 7.93 9.2264.  h = 11 p: p = 0.1 -> x(1) + 0.1 (x(2) - x(1));
     * p = 0.9 -> x(9) + 0.9 (x(10) - x(9)); median x(5) + 0.5 (x(6) - x(5)). */
    double x[12] = {2.385, -1.207, 7.93, 0.4471, 3.116, 5.5512, -0.093, 4.0219, 1.873, 6.667,
                    2.001, 9.2264}, w[12];
    stats_interval_t r = stats_interval(x, 12, w);
    cr_assert_eq(r.p_lo, 0.1);
    cr_assert_eq(r.p_hi, 0.9);
    assert_close(r.lo, -0.093 + 0.1 * (0.4471 + 0.093), 1e-15, "q10");
    assert_close(r.hi, 6.667 + 0.9 * (7.93 - 6.667), 1e-15, "q90");
    assert_close(r.median, (2.385 + 3.116) / 2, 1e-15, "median");
    /* Ten values: still q10/q90, h = 9 p = 0.9 */
    stats_interval_t t = stats_interval(x, 10, w);
    cr_assert_eq(t.p_lo, 0.1);
    assert_close(t.lo, -1.207 + 0.9 * (-0.093 + 1.207), 1e-15, "q10 of ten");
}

Test(stats, mean_sd)
{
    /* deviations -2.385, 0, 2.385: variance 2 * 2.385^2 / 2 */
    double x[3] = {2.385, 4.77, 7.155}, m, sd;
    stats_mean_sd(x, 3, &m, &sd);
    assert_close(m, 4.77, 1e-15, "mean");
    assert_close(sd, 2.385, 1e-15, "sd");
    cr_assert_eq(stats_mean(x, 3), m);
    double one = 2.385;
    stats_mean_sd(&one, 1, &m, &sd);
    cr_assert_eq(m, 2.385);
    cr_assert(isnan(sd), "no sd from one value");
    /* Fixed order: the same array gives the same bits. */
    double y[6] = {0.1, 1e16, -1e16, 0.2, 2.385, -0.7}, m1, m2, s1, s2;
    stats_mean_sd(y, 6, &m1, &s1);
    stats_mean_sd(y, 6, &m2, &s2);
    cr_assert(m1 == m2 && s1 == s2);
    /* left to right: ((((0.1 + 1e16) - 1e16) + 0.2) + 2.385) - 0.7 */
    double s = 0.1;
    s += 1e16;
    s -= 1e16;
    s += 0.2;
    s += 2.385;
    s -= 0.7;
    cr_assert_eq(m1, s / 6);
}

Test(stats, loglog_slope)
{
    /* y = 3.7 x^-1.53 exactly, on uneven x */
    double x[5] = {0.013, 0.2385, 1.7, 9.31, 220.4}, y[5], b, a;
    for (int i = 0; i < 5; i++)
        y[i] = 3.7 * pow(x[i], -1.53);
    cr_assert_eq(stats_loglog_slope(x, y, 5, &b, &a), 0);
    assert_close(b, -1.53, 1e-13, "slope");
    assert_close(a, log(3.7), 1e-13, "intercept");
    /* Two points: the slope through them */
    double x2[2] = {2.385, 7.1}, y2[2] = {0.5, 4.25};
    cr_assert_eq(stats_loglog_slope(x2, y2, 2, &b, NULL), 0);
    assert_close(b, log(4.25 / 0.5) / log(7.1 / 2.385), 1e-14, "two points");
    /* Bad input leaves b untouched */
    b = 2.385;
    double zero[2] = {0.0, 1.0}, same[3] = {1.5, 1.5, 1.5}, ny[3] = {1, 2, 3};
    cr_assert_eq(stats_loglog_slope(zero, y2, 2, &b, &a), -1);
    cr_assert_eq(stats_loglog_slope(same, ny, 3, &b, &a), -1);
    cr_assert_eq(stats_loglog_slope(x2, y2, 1, &b, &a), -1);
    double infy[2] = {1.0, INFINITY};
    cr_assert_eq(stats_loglog_slope(x2, infy, 2, &b, &a), -1);
    cr_assert_eq(b, 2.385);
}
