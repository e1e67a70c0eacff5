/* ternary.c: BitNet b1.58 absmean per-tensor quantizer (Ma et al. 2024,
 * Eqs. 1-3; see ternary.h for the method and the special cases).  Written
 * from the equations and the released training notes; no code copied. */
#include "nn/ternary.h"

#include <math.h>

double tern_absmean(const double *W, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += fabs(W[i]);
    if (isinf(s)) {   /* overflow of the plain sum: divide first */
        double t = 0.0;
        for (size_t i = 0; i < n; i++)
            t += fabs(W[i]) / (double)n;
        return t;
    }
    return s / (double)n;
}

float tern_absmean_f32(const float *W, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += fabs((double)W[i]);
    return (float)(s / (double)n);
}

static double scale_of(double gamma, double eps, tern_eps_mode mode)
{
    if (mode == TERN_ADD || isnan(gamma))
        return gamma + eps;
    return gamma > eps ? gamma : eps;
}

/* RoundClip(x, -1, 1) with ties to even; NaN maps to 0. */
static int8_t roundclip(double x)
{
    double r = nearbyint(x);
    if (r >= 1.0)
        return 1;
    if (r <= -1.0)
        return -1;
    return 0;
}

double tern_quantize(int8_t *T, double *Q, const double *W, size_t n, double eps,
                     tern_eps_mode mode)
{
    double d = scale_of(tern_absmean(W, n), eps, mode);
    for (size_t i = 0; i < n; i++) {
        int8_t t = d > 0.0 ? roundclip(W[i] / d) : 0;
        if (T)
            T[i] = t;
        if (Q)
            Q[i] = d * t;
    }
    return d;
}

float tern_quantize_f32(int8_t *T, float *Q, const float *W, size_t n, float eps,
                        tern_eps_mode mode)
{
    float d = (float)scale_of(tern_absmean_f32(W, n), eps, mode);
    if (!(d > 0.0f)) {   /* all zeros with eps = 0 */
        for (size_t i = 0; i < n; i++) {
            if (T)
                T[i] = 0;
            if (Q)
                Q[i] = 0.0f;
        }
        return d;
    }
    /* clip(nearbyint(x), -1, 1) equals [x > 1/2] - [x < -1/2] for every x
     * under round-to-nearest-even (x = +-1/2 is a tie that rounds to 0; NaN
     * gives 0), and the comparison form vectorizes.  test_ternary checks the
     * equivalence against the nearbyint form. */
    for (size_t i = 0; i < n; i++) {
        float x = W[i] / d;
        int t = (x > 0.5f) - (x < -0.5f);
        if (T)
            T[i] = (int8_t)t;
        if (Q)
            Q[i] = d * (float)t;
    }
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
