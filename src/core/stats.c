/* stats.c: order statistics, interval over seeds, mean and sd, log-log slope
 * (definitions in stats.h). */
#include "core/stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int stats_cmp_double(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    int na = isnan(a), nb = isnan(b);
    if (na || nb)
        return na - nb;                 /* NaN after everything, NaNs equal */
    if (a < b)
        return -1;
    if (a > b)
        return 1;
    return (signbit(b) != 0) - (signbit(a) != 0);   /* -0 before +0 */
}

size_t stats_sort(double *x, size_t n)
{
    if (n > 1)
        qsort(x, n, sizeof *x, stats_cmp_double);
    size_t m = n;
    while (m > 0 && isnan(x[m - 1]))
        m--;
    return m;
}

double stats_quantile_sorted(const double *x, size_t n, double p)
{
    if (n == 0 || !(p >= 0 && p <= 1) || isnan(x[n - 1]))
        return NAN;
    double h = (double)(n - 1) * p;
    size_t j = (size_t)floor(h);
    if (j >= n - 1)
        return x[n - 1];
    double g = h - (double)j;
    if (g == 0)
        return x[j];                    /* exact order statistic, also for infinities */
    return x[j] + g * (x[j + 1] - x[j]);
}

double stats_quantile(const double *x, size_t n, double p, double *work)
{
    if (n == 0)
        return NAN;
    memcpy(work, x, n * sizeof *x);
    stats_sort(work, n);
    return stats_quantile_sorted(work, n, p);
}

double stats_median(const double *x, size_t n, double *work)
{
    return stats_quantile(x, n, 0.5, work);
}

stats_interval_t stats_interval(const double *x, size_t n, double *work)
{
    stats_interval_t r = {NAN, NAN, NAN, 0, 1, n};
    if (n >= 10) {
        r.p_lo = 0.1;
        r.p_hi = 0.9;
    }
    if (n == 0)
        return r;
    memcpy(work, x, n * sizeof *x);
    stats_sort(work, n);
    r.lo = stats_quantile_sorted(work, n, r.p_lo);
    r.median = stats_quantile_sorted(work, n, 0.5);
    r.hi = stats_quantile_sorted(work, n, r.p_hi);
    return r;
}

double stats_mean(const double *x, size_t n)
{
    if (n == 0)
        return NAN;
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += x[i];
    return s / (double)n;
}

void stats_mean_sd(const double *x, size_t n, double *mean, double *sd)
{
    double m = stats_mean(x, n);
    double ss = 0;
    for (size_t i = 0; i < n; i++)
        ss += (x[i] - m) * (x[i] - m);
    *mean = m;
    *sd = n < 2 ? NAN : sqrt(ss / (double)(n - 1));
}

int stats_loglog_slope(const double *x, const double *y, size_t n, double *b, double *a)
{
    if (n < 2)
        return -1;
    double ubar = 0, vbar = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(x[i] > 0 && isfinite(x[i]) && y[i] > 0 && isfinite(y[i])))
            return -1;
        ubar += log(x[i]);
        vbar += log(y[i]);
    }
    ubar /= (double)n;
    vbar /= (double)n;
    double suu = 0, suv = 0;
    for (size_t i = 0; i < n; i++) {
        double du = log(x[i]) - ubar;
        suu += du * du;
        suv += du * (log(y[i]) - vbar);
    }
    if (suu == 0)
        return -1;
    *b = suv / suu;
    if (a)
        *a = vbar - *b * ubar;
    return 0;
}
