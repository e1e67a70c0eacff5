/* test_stats.c: core/stats against values worked out by hand (type-7
 * quantiles as numpy.quantile defines them), on high-entropy samples. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

#include "core/rng.h"
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

Test(stats, chi2_tail_closed_forms)
{
    /* k = 2: e^{-x/2}; k = 1: erfc(sqrt(x/2)); k = 4: e^{-x/2}(1 + x/2) */
    assert_close(stats_chi2_sf(2.385, 2), exp(-2.385 / 2), 1e-15, "k=2");
    assert_close(stats_chi2_sf(2.385, 1), erfc(sqrt(2.385 / 2)), 1e-15, "k=1");
    assert_close(stats_chi2_sf(7.13, 4), exp(-7.13 / 2) * (1 + 7.13 / 2), 1e-15, "k=4");
    /* k = 3 against 1 - P(3/2, x/2) by the series of the lower incomplete gamma */
    double x = 4.71, s = x / 2, term = 1 / 1.5, sum = term;
    for (int j = 1; j < 60; j++) {
        term *= s / (1.5 + j);
        sum += term;
    }
    double lower = sum * pow(s, 1.5) * exp(-s) / (0.5 * sqrt(3.14159265358979323846));
    assert_close(stats_chi2_sf(x, 3), 1 - lower, 1e-14, "k=3");
    cr_assert_eq(stats_chi2_sf(0.0, 4), 1.0);
    cr_assert_eq(stats_chi2_sf(-1.0, 3), 1.0);
    cr_assert(isnan(stats_chi2_sf(NAN, 4)));
    cr_assert(isnan(stats_chi2_sf(1.0, 0)));
}

Test(stats, chi2_quantiles)
{
    /* tabulated 95 % points (R: qchisq(0.95, k)) */
    assert_close(stats_chi2_quantile(0.95, 1), 3.841458820694124, 1e-12, "k=1");
    assert_close(stats_chi2_quantile(0.95, 3), 7.814727903251178, 1e-12, "k=3");
    assert_close(stats_chi2_quantile(0.95, 4), 9.487729036781154, 1e-12, "k=4");
    assert_close(stats_chi2_quantile(0.05, 4), 0.7107230213973239, 1e-11, "k=4, 5 %");
    double q = stats_chi2_quantile(0.2385, 7);
    assert_close(1 - stats_chi2_sf(q, 7), 0.2385, 1e-14, "inverse");
    cr_assert(isnan(stats_chi2_quantile(1.0, 4)));
    cr_assert(isnan(stats_chi2_quantile(0.5, 0)));
}

/* n rows of d standard normals plus mu along the first axis. */
static void normal_rows(double *x, size_t n, size_t d, double mu, rng_t *r)
{
    for (size_t i = 0; i < n * d; i++)
        x[i] = rng_normal(r) + (i % d == 0 ? mu : 0);
}

Test(stats, whitened_mean_closed_form_and_invariance)
{
    enum { n = 37, d = 3 };
    double x[n * d], y[n * d], work[d * (d + 1)], X, Y;
    rng_t r;
    rng_seed(&r, 2385, 7);
    normal_rows(x, n, d, 0.3, &r);
    /* d = 1 (first column alone): n m^2 / s^2 with the 1/n variance */
    double c[n], m = 0, v = 0;
    for (int i = 0; i < n; i++) m += (c[i] = x[i * d]) / n;
    for (int i = 0; i < n; i++) v += (c[i] - m) * (c[i] - m) / n;
    cr_assert_eq(stats_whitened_mean(c, n, 1, &X, work), 0);
    assert_close(X, n * m * m / v, 1e-13, "d = 1");
    /* invariant under an invertible linear map of the vectors */
    const double M[d][d] = {{2.385, -0.7, 0.13}, {0.4471, 1.9, -1.1}, {0.0, 0.31, 0.83}};
    for (int i = 0; i < n; i++)
        for (int j = 0; j < d; j++) {
            y[i * d + j] = 0;
            for (int k = 0; k < d; k++) y[i * d + j] += M[j][k] * x[i * d + k];
        }
    cr_assert_eq(stats_whitened_mean(x, n, d, &X, work), 0);
    cr_assert_eq(stats_whitened_mean(y, n, d, &Y, work), 0);
    assert_close(Y, X, 1e-12, "invariance");
    /* a singular covariance (a repeated column) is refused, X untouched */
    for (int i = 0; i < n; i++) y[i * d + 2] = y[i * d + 1];
    Y = 2.385;
    cr_assert_eq(stats_whitened_mean(y, n, d, &Y, work), -1);
    cr_assert_eq(Y, 2.385);
    cr_assert_eq(stats_whitened_mean(x, 1, d, &Y, work), -1);
}

Test(stats, whitened_mean_null_and_planted)
{
    /* 2000 samples of n = 256 i.i.d. standard normal vectors in d = 4: the
     * statistic's mean is n d / (n - d - 2) (Hotelling's T^2 with the 1/n
     * covariance), close to chi^2_4's 4, and it exceeds the chi^2_4 95 %
     * point about 5 % of the time; a planted mean mu adds n mu^2. */
    enum { n = 256, d = 4, draws = 2000 };
    static double x[n * d];
    double work[d * (d + 1)], X, sum = 0, q95 = stats_chi2_quantile(0.95, d);
    int above = 0;
    rng_t r;
    rng_seed(&r, 2385, 11);
    for (int k = 0; k < draws; k++) {
        normal_rows(x, n, d, 0.0, &r);
        cr_assert_eq(stats_whitened_mean(x, n, d, &X, work), 0);
        sum += X;
        above += X > q95;
    }
    double mean = sum / draws, want = (double)n * d / (n - d - 2);
    cr_assert(fabs(mean - want) < 4 * sqrt(2.0 * d / draws), "null mean %g, want %g", mean, want);
    cr_assert(above > 0.035 * draws && above < 0.065 * draws, "rejections %d of %d", above, draws);
    sum = 0;
    for (int k = 0; k < 200; k++) {
        normal_rows(x, n, d, 0.2, &r);
        cr_assert_eq(stats_whitened_mean(x, n, d, &X, work), 0);
        sum += X;
    }
    want = n * 0.04 + d;
    cr_assert(fabs(sum / 200 - want) < 1.5, "planted mean %g, want %g", sum / 200, want);
}
