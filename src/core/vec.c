/* vec.c: pairwise-summed reductions (see vec.h). */
#include "core/vec.h"

enum { BLOCK = 32 };

double vec_sum(const double *a, size_t n)
{
    if (n <= BLOCK) {
        double s = 0.0;
        for (size_t i = 0; i < n; i++)
            s += a[i];
        return s;
    }
    size_t h = n / 2;
    return vec_sum(a, h) + vec_sum(a + h, n - h);
}

double vec_dot(const double *a, const double *b, size_t n)
{
    if (n <= BLOCK) {
        double s = 0.0;
        for (size_t i = 0; i < n; i++)
            s += a[i] * b[i];
        return s;
    }
    size_t h = n / 2;
    return vec_dot(a, b, h) + vec_dot(a + h, b + h, n - h);
}

double vec_sumsq(const double *a, size_t n)
{
    return vec_dot(a, a, n);
}
