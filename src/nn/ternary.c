/* ternary.c: BitNet b1.58 absmean per-tensor quantizer (Ma et al. 2024,
 * Eqs. 1-3; see ternary.h for the method and the special cases).  Written
 * from the equations and the released training notes; no code copied. */
#include "nn/ternary.h"

#include <math.h>

/* Sum of |W_i| in a fixed order: eight interleaved partial sums (i mod 8),
 * then the tail, then the partials combined pairwise.  The order depends only
 * on n, and the eight independent chains run in parallel. */
static double abs_sum(const double *W, size_t n)
{
    double p0 = 0, p1 = 0, p2 = 0, p3 = 0, p4 = 0, p5 = 0, p6 = 0, p7 = 0;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        p0 += fabs(W[i]);
        p1 += fabs(W[i + 1]);
        p2 += fabs(W[i + 2]);
        p3 += fabs(W[i + 3]);
        p4 += fabs(W[i + 4]);
        p5 += fabs(W[i + 5]);
        p6 += fabs(W[i + 6]);
        p7 += fabs(W[i + 7]);
    }
    double t[8] = {p0, p1, p2, p3, p4, p5, p6, p7};
    for (int k = 0; i < n; i++, k++)
        t[k] += fabs(W[i]);
    return ((t[0] + t[1]) + (t[2] + t[3])) + ((t[4] + t[5]) + (t[6] + t[7]));
}

double tern_absmean(const double *W, size_t n)
{
    double s = abs_sum(W, n);
    if (isinf(s)) {   /* overflow of the plain sum: divide first */
        double t = 0.0;
        for (size_t i = 0; i < n; i++)
            t += fabs(W[i]) / (double)n;
        return t;
    }
    return s / (double)n;
}

static double scale_of(double gamma, double eps, tern_eps_mode mode)
{
    if (mode == TERN_ADD || isnan(gamma))
        return gamma + eps;
    return gamma > eps ? gamma : eps;
}

/* RoundClip(W/d, -1, 1) without a division per weight.
 *
 * Under round-to-nearest-even, clip(nearbyint(x), -1, 1) is +1 exactly when
 * x > 1/2 (x = 1/2 is a tie that rounds to 0), -1 when x < -1/2, else 0.
 * With x = fl(W/d): correctly rounded division is monotone in W and odd, so
 * fl(W/d) > 1/2 exactly when W >= a, where a is the smallest double with
 * fl(a/d) > 1/2, and fl(W/d) < -1/2 exactly when W <= -a.  So the code is
 * sign(W) [|W| >= a]: the same bits as dividing, one comparison per weight,
 * and a loop the compiler vectorizes.  a is found by stepping one ulp at a
 * time from d/2 (at most a few steps).  NaN weights compare false: code 0.
 * test_ternary checks the codes against clip(nearbyint(W/d)) directly. */
static double threshold(double d)
{
    double a = 0.5 * d;
    while (a / d > 0.5)
        a = nextafter(a, 0.0);
    while (!(a / d > 0.5))
        a = nextafter(a, INFINITY);
    return a;
}

double tern_quantize(int8_t *T, double *Q, const double *W, size_t n, double eps,
                     tern_eps_mode mode)
{
    double d = scale_of(tern_absmean(W, n), eps, mode);
    if (!(d > 0.0) || !isfinite(d)) {   /* all zeros with eps = 0, NaN, or inf */
        for (size_t i = 0; i < n; i++) {
            if (T)
                T[i] = 0;
            if (Q)
                Q[i] = 0.0;
        }
        return d;
    }
    double a = threshold(d);
    if (T)
        for (size_t i = 0; i < n; i++)
            T[i] = (int8_t)(fabs(W[i]) >= a ? (W[i] > 0.0 ? 1 : -1) : 0);
    if (Q)
        for (size_t i = 0; i < n; i++)
            Q[i] = fabs(W[i]) >= a ? copysign(d, W[i]) : 0.0;
    return d;
}

size_t tern_flips(const int8_t *T0, const int8_t *T1, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += T0[i] != T1[i];
    return k;
}

void tern_histogram(size_t count[3], const int8_t *T, size_t n)
{
    count[0] = count[1] = count[2] = 0;
    for (size_t i = 0; i < n; i++)
        count[T[i] + 1]++;
}
