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

int stats_whitened_mean(const double *x, size_t n, size_t d, double *X, double *work)
{
    if (n < 2 || d < 1)
        return -1;
    double *S = work, *m = work + d * d;
    for (size_t k = 0; k < d; k++) {
        double s = 0;
        for (size_t i = 0; i < n; i++)
            s += x[i * d + k];
        m[k] = s / (double)n;
    }
    for (size_t j = 0; j < d; j++)
        for (size_t k = 0; k <= j; k++) {
            double s = 0;
            for (size_t i = 0; i < n; i++)
                s += (x[i * d + j] - m[j]) * (x[i * d + k] - m[k]);
            S[j * d + k] = s / (double)n;
        }
    /* S = L L^T in the lower triangle, then L z = m; X = n |z|^2 */
    for (size_t j = 0; j < d; j++) {
        for (size_t k = 0; k <= j; k++) {
            double s = S[j * d + k];
            for (size_t l = 0; l < k; l++)
                s -= S[j * d + l] * S[k * d + l];
            if (k < j) {
                S[j * d + k] = s / S[k * d + k];
            } else {
                if (!(s > 0) || !isfinite(s))
                    return -1;
                S[j * d + j] = sqrt(s);
            }
        }
    }
    double q = 0;
    for (size_t j = 0; j < d; j++) {
        double s = m[j];
        for (size_t l = 0; l < j; l++)
            s -= S[j * d + l] * m[l];
        m[j] = s / S[j * d + j];
        q += m[j] * m[j];
    }
    *X = (double)n * q;
    return 0;
}

double stats_chi2_sf(double x, int k)
{
    if (isnan(x) || k < 1)
        return NAN;
    if (x <= 0)
        return 1;
    const double s = 0.5 * x;
    double term, sum;
    int j0;
    if (k % 2 == 0) {
        term = exp(-s);                   /* s^0 / 0! e^{-s} */
        sum = term;
        for (int j = 1; j < k / 2; j++) {
            term *= s / j;
            sum += term;
        }
        return sum;
    }
    sum = erfc(sqrt(s));
    if (k == 1)
        return sum;
    term = exp(-s) * sqrt(s) * 2 / sqrt(3.14159265358979323846);   /* s^{1/2} e^{-s} / Gamma(3/2) */
    sum += term;
    for (j0 = 1; j0 < (k - 1) / 2; j0++) {
        term *= s / (j0 + 0.5);
        sum += term;
    }
    return sum;
}

double stats_chi2_quantile(double p, int k)
{
    if (!(p > 0 && p < 1) || k < 1)
        return NAN;
    double lo = 0, hi = k + 10.0;
    while (1 - stats_chi2_sf(hi, k) < p)
        hi *= 2;
    for (int it = 0; it < 200; it++) {
        double mid = 0.5 * (lo + hi);
        if (mid <= lo || mid >= hi)
            break;
        if (1 - stats_chi2_sf(mid, k) < p)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}
