/* gradcheck.c: analytic derivatives against central differences (see
 * gradcheck.h for the formulas and the error measure). */
#include "nn/gradcheck.h"

#include <math.h>
#include <string.h>

typedef struct {
    double h, floor;
    size_t stride;
    int points;
} opts_t;

static opts_t defaults(const gradcheck_opts *o)
{
    opts_t d = {1e-5, 0.0, 1, 2};
    if (o) {
        if (o->h > 0)
            d.h = o->h;
        if (o->floor > 0)
            d.floor = o->floor;
        if (o->stride > 1)
            d.stride = o->stride;
        if (o->points == 4)
            d.points = 4;
    }
    return d;
}

/* Scores one pair into r; keeps the worst.  Equal values score 0 (also both
 * zero); a NaN on either side scores +inf, the worst there is. */
static void score(gradcheck_result *r, double a, double d, double floor, size_t i, size_t j)
{
    double e = a == d ? 0.0 : fabs(a - d) / (fabs(a) + fabs(d) + floor);
    if (isnan(e))
        e = INFINITY;
    if (r->compared == 0 || e > r->worst) {
        r->worst = e;
        r->i = i;
        r->j = j;
        r->analytic = a;
        r->numeric = d;
    }
    r->compared++;
}

/* f at x with x[i] moved by dx (x restored). */
static double shifted(gradcheck_fn f, void *ctx, double *x, size_t i, double dx)
{
    double keep = x[i];
    x[i] = keep + dx;
    double v = f(NULL, x, ctx);
    x[i] = keep;
    return v;
}

double gradcheck(gradcheck_fn f, void *ctx, double *x, size_t n, const double *g,
                 const gradcheck_opts *opts, gradcheck_result *res)
{
    opts_t o = defaults(opts);
    gradcheck_result r = {0};
    for (size_t i = 0; i < n; i += o.stride) {
        if (isnan(g[i]))
            continue;
        double h = o.h, d;
        double fp = shifted(f, ctx, x, i, h), fm = shifted(f, ctx, x, i, -h);
        if (o.points == 4) {
            double fp2 = shifted(f, ctx, x, i, 2 * h), fm2 = shifted(f, ctx, x, i, -2 * h);
            d = (8 * (fp - fm) - (fp2 - fm2)) / (12 * h);
        } else {
            d = (fp - fm) / (2 * h);
        }
        score(&r, g[i], d, o.floor, i, 0);
    }
    if (res)
        *res = r;
    return r.worst;
}

double gradcheck_jvp(gradcheck_map_fn F, void *ctx, const double *x, size_t n, size_t m,
                     const double *v, const double *Jv, const gradcheck_opts *opts,
                     double *work, gradcheck_result *res)
{
    opts_t o = defaults(opts);
    double *xs = work, *F1 = work + n, *F2 = F1 + m, *F3 = F2 + m, *F4 = F3 + m;
    const double steps[4] = {1, -1, 2, -2};
    double *out[4] = {F1, F2, F3, F4};
    for (int s = 0; s < (o.points == 4 ? 4 : 2); s++) {
        for (size_t k = 0; k < n; k++)
            xs[k] = x[k] + steps[s] * o.h * v[k];
        F(out[s], xs, ctx);
    }
    gradcheck_result r = {0};
    for (size_t c = 0; c < m; c += o.stride) {
        if (isnan(Jv[c]))
            continue;
        double d = o.points == 4 ? (8 * (F1[c] - F2[c]) - (F3[c] - F4[c])) / (12 * o.h)
                                 : (F1[c] - F2[c]) / (2 * o.h);
        score(&r, Jv[c], d, o.floor, 0, c);
    }
    if (res)
        *res = r;
    return r.worst;
}

/* f at x with x[i] += a, x[j] += b (x restored). */
static double shifted2(gradcheck_fn f, void *ctx, double *x, size_t i, double a, size_t j,
                       double b)
{
    double ki = x[i], kj = x[j];
    x[i] += a;
    x[j] += b;
    double v = f(NULL, x, ctx);
    x[i] = ki;
    x[j] = kj;
    return v;
}

double gradcheck_hessian(gradcheck_fn f, void *ctx, double *x, size_t n, const double *H,
                         const gradcheck_opts *opts, gradcheck_result *res)
{
    opts_t o = defaults(opts);
    double h = o.h;
    gradcheck_result r = {0};
    for (size_t i = 0; i < n; i += o.stride)
        for (size_t j = 0; j < n; j += o.stride) {
            if (isnan(H[i * n + j]))
                continue;
            double d = (shifted2(f, ctx, x, i, h, j, h) - shifted2(f, ctx, x, i, h, j, -h) -
                        shifted2(f, ctx, x, i, -h, j, h) + shifted2(f, ctx, x, i, -h, j, -h)) /
                       (4 * h * h);
            score(&r, H[i * n + j], d, o.floor, i, j);
        }
    if (res)
        *res = r;
    return r.worst;
}
