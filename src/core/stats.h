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
 * `work`, an array of n doubles, and leave x untouched. */
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

#endif
