/* stats.h: summaries of small samples, such as one number per seed: a total
 * order for doubles, quantiles, the median, the interval quoted over seeds,
 * mean and standard deviation, and the slope of a power law.
 *
 * Definitions (x_(0) <= ... <= x_(n-1) are the sorted values):
 *   quantile   q(p) = x_(j) + g (x_(j+1) - x_(j)),  h = (n-1) p,  j = floor(h),
 *              g = h - j: Hyndman & Fan's type 7, linear interpolation between
 *              order statistics, the default of numpy.quantile and R.  q(0) is
 *              the minimum, q(1) the maximum, q(1/2) the median (the mean of
 *              the two middle values when n is even).
 *   interval   over n < 10 values, [min, max]; over n >= 10, [q(0.1), q(0.9)]
 *              (a band that is not decided by one outlying seed).
 *   mean       (1/n) sum x_i, summed left to right in index order;
 *   sd         sample standard deviation, sqrt(sum (x_i - mean)^2 / (n-1)),
 *              two passes, left to right: the same array gives the same bits.
 *   slope      of log y = a + b log x by least squares (natural logarithms),
 *              b = sum (u-u_bar)(v-v_bar) / sum (u-u_bar)^2 with u = log x,
 *              v = log y; the intercept a = v_bar - b u_bar.
 *
 * Special cases: NaN propagates, as in numpy: a quantile, median, interval,
 * mean or sd of values of which any is NaN is NaN (a seed that failed is
 * not silently dropped).  An empty sample gives NaN.  The comparator puts
 * -0 before +0 and every NaN after +inf, so qsort is well defined on any
 * input.  Accuracy: quantiles are exact order statistics or one
 * interpolation (one rounding each); mean and sd carry the rounding of a
 * left-to-right sum, about n eps relative, ample for seed counts.
 *
 * Workspaces are the caller's (no allocation here): functions that sort take
 * `work`, an array of n doubles, and leave x untouched.
 *
 * Is a mean of vectors zero?  The whitened test of Gadzinski's follow-up code
 * (cgadski/noether_thing, check_grads.py: whitening, test_zero): n vectors
 * x_i in R^d with sample mean m and covariance S = (1/n) sum (x_i - m)(x_i - m)^T
 * are whitened by S^{-1/2}; the statistic is n |S^{-1/2} m|^2 = n m^T S^{-1} m
 * (Hotelling's T^2 with the 1/n covariance), which is asymptotically chi^2 with
 * d degrees of freedom when the x_i are i.i.d. with mean zero.  (The follow-up
 * first projects onto the top k eigenvectors of S; here all d directions are
 * kept.)  Computed by a Cholesky factorisation of S, in index order.
 * chi^2 tail: Q(x; k) = P(chi^2_k > x) = Gamma(k/2, x/2) / Gamma(k/2) by its
 * finite sums for integer k (Abramowitz & Stegun 26.4.4, 26.4.5):
 *   k even:  e^{-x/2} sum_{j < k/2} (x/2)^j / j!
 *   k odd:   erfc(sqrt(x/2)) + e^{-x/2} sum_{j < (k-1)/2} (x/2)^{j+1/2} / Gamma(j+3/2),
 * each term from the previous by one multiplication and one division: about
 * k eps relative, where e^{-x/2} does not underflow.  The quantile inverts Q
 * by bisection to the last bit. */
#ifndef CORE_STATS_H
#define CORE_STATS_H

#include <stddef.h>

/* qsort comparator on doubles: -inf < ... < -0 < +0 < ... < +inf < NaN. */
int    stats_cmp_double(const void *a, const void *b);
/* Sorts x[0..n) in place by stats_cmp_double; returns how many are not NaN
 * (they come first). */
size_t stats_sort(double *x, size_t n);

/* Type-7 quantile of sorted x[0..n) (NaN last, as stats_sort leaves them);
 * NaN if n == 0, p is not in [0, 1], or any value is NaN. */
double stats_quantile_sorted(const double *x, size_t n, double p);
/* The same of unsorted x, sorted in work[0..n). */
double stats_quantile(const double *x, size_t n, double p, double *work);
double stats_median(const double *x, size_t n, double *work);

/* The interval over a sample, and its median. */
typedef struct {
    double lo, median, hi;     /* the band and its centre */
    double p_lo, p_hi;         /* the quantile levels of lo and hi: 0 and 1, or 0.1 and 0.9 */
    size_t n;                  /* sample size */
} stats_interval_t;
stats_interval_t stats_interval(const double *x, size_t n, double *work);

double stats_mean(const double *x, size_t n);
/* Mean and sample standard deviation (sd is NaN when n < 2). */
void   stats_mean_sd(const double *x, size_t n, double *mean, double *sd);

/* Slope b (and intercept a, if not NULL) of log y = a + b log x by least
 * squares over n points.  Returns 0, or -1 (b, a untouched) if n < 2, a
 * value is not finite and positive, or all x are equal. */
int    stats_loglog_slope(const double *x, const double *y, size_t n, double *b, double *a);

/* Whitened mean statistic X = n m^T S^{-1} m of the rows of x[n, d]
 * (row-major); work: d (d + 1) doubles.  Returns 0, or -1 (X untouched) if
 * n < 2, d < 1, or S is not positive definite (a pivot <= 0 or not finite). */
int    stats_whitened_mean(const double *x, size_t n, size_t d, double *X, double *work);
/* P(chi^2_k > x) for k >= 1 (1 for x <= 0; NaN for NaN x or k < 1). */
double stats_chi2_sf(double x, int k);
/* The x with P(chi^2_k <= x) = p, p in (0, 1) (NaN otherwise). */
double stats_chi2_quantile(double p, int k);

#endif
