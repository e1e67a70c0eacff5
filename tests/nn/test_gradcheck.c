/* test_gradcheck.c: the finite-difference checker of nn/gradcheck.h on a
 * function whose derivatives are known in closed form,
 *     f(x) = sum_i sin(a_i x_i) + x_0 x_1^2 + exp(x_2 x_3),
 * that it finds a wrong entry, skips NaN entries, restores x, and that its
 * error falls at the order of its stencil (h^2, h^4) as h shrinks. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "nn/gradcheck.h"

enum { N = 5 };
static const double A[N] = {1.3, -0.7, 2.385, 0.45, -1.9};

static double f(double *grad, const double *x, void *ctx)
{
    (void)ctx;
    double v = x[0] * x[1] * x[1] + exp(x[2] * x[3]);
    for (int i = 0; i < N; i++)
        v += sin(A[i] * x[i]);
    if (grad) {
        for (int i = 0; i < N; i++)
            grad[i] = A[i] * cos(A[i] * x[i]);
        grad[0] += x[1] * x[1];
        grad[1] += 2 * x[0] * x[1];
        grad[2] += x[3] * exp(x[2] * x[3]);
        grad[3] += x[2] * exp(x[2] * x[3]);
    }
    return v;
}

/* the gradient as a map, for Hessian-vector products */
static void gradmap(double *out, const double *x, void *ctx) { f(out, x, ctx); }

static void hessian(double *H, const double *x)
{
    memset(H, 0, N * N * sizeof *H);
    for (int i = 0; i < N; i++)
        H[i * N + i] = -A[i] * A[i] * sin(A[i] * x[i]);
    H[0 * N + 1] = H[1 * N + 0] = 2 * x[1];
    H[1 * N + 1] += 2 * x[0];
    double e = exp(x[2] * x[3]);
    H[2 * N + 2] += x[3] * x[3] * e;
    H[3 * N + 3] += x[2] * x[2] * e;
    H[2 * N + 3] = H[3 * N + 2] = e + x[2] * x[3] * e;
}

static const double X0[N] = {0.385, -1.25, 0.61, 0.73, 2.1};

Test(gradcheck, correct_gradient_passes_and_x_is_restored)
{
    double x[N], g[N];
    memcpy(x, X0, sizeof x);
    f(g, x, NULL);
    gradcheck_result r;
    double e = gradcheck(f, NULL, x, N, g, NULL, &r);
    cr_assert_eq(memcmp(x, X0, sizeof x), 0);
    cr_assert_eq(r.compared, (size_t)N);
    cr_assert_lt(e, 1e-9, "worst %g at %zu", e, r.i);
    gradcheck_opts o4 = {.h = 1e-3, .points = 4};
    cr_assert_lt(gradcheck(f, NULL, x, N, g, &o4, NULL), 1e-11);
}

Test(gradcheck, finds_a_wrong_entry)
{
    double x[N], g[N];
    memcpy(x, X0, sizeof x);
    f(g, x, NULL);
    g[3] *= 1 + 2e-5;
    gradcheck_result r;
    double e = gradcheck(f, NULL, x, N, g, NULL, &r);
    cr_assert_eq(r.i, 3);
    /* e = |a - d| / (|a| + |d|) ~ 1e-5 */
    cr_assert(e > 0.8e-5 && e < 1.2e-5, "worst %g", e);
}

Test(gradcheck, nan_entries_and_stride_are_skipped)
{
    double x[N], g[N];
    memcpy(x, X0, sizeof x);
    f(g, x, NULL);
    g[1] = NAN;
    g[4] = 1e6;   /* wrong, but not on the stride */
    gradcheck_opts o = {.stride = 2};
    gradcheck_result r;
    gradcheck(f, NULL, x, N, g, &o, &r);
    cr_assert_eq(r.compared, 3);
    cr_assert(r.worst > 0.99, "the wrong entry 4 is on the stride: %g", r.worst);
    g[4] = NAN;
    gradcheck(f, NULL, x, N, g, &o, &r);
    cr_assert_eq(r.compared, 2);
    cr_assert_lt(r.worst, 1e-9);
}

/* The truncation error of the 2-point stencil falls by 4 per halving of h,
 * that of the 4-point stencil by 16 (before round-off takes over). */
Test(gradcheck, error_falls_at_the_stencil_order)
{
    double x[N], g[N];
    memcpy(x, X0, sizeof x);
    f(g, x, NULL);
    for (int pts = 2; pts <= 4; pts += 2) {
        double e[3];
        for (int k = 0; k < 3; k++) {
            gradcheck_opts o = {.h = 0.02 / (1 << k), .points = pts};
            e[k] = gradcheck(f, NULL, x, N, g, &o, NULL);
        }
        double p1 = log2(e[0] / e[1]), p2 = log2(e[1] / e[2]);
        cr_log_info("%d points: errors %.3g %.3g %.3g, orders %.2f %.2f", pts, e[0], e[1], e[2], p1,
                    p2);
        cr_assert(fabs(p1 - pts) < 0.2 && fabs(p2 - pts) < 0.2, "%d points: orders %.2f %.2f", pts,
                  p1, p2);
    }
}

Test(gradcheck, hessian_vector_product)
{
    double x[N], H[N * N], v[N] = {0.3, -1.1, 0.7, 2.0, -0.4}, Hv[N], work[GRADCHECK_JVP_WORK(N, N)];
    memcpy(x, X0, sizeof x);
    hessian(H, x);
    for (int i = 0; i < N; i++) {
        Hv[i] = 0;
        for (int j = 0; j < N; j++)
            Hv[i] += H[i * N + j] * v[j];
    }
    gradcheck_opts o = {.h = 1e-4, .floor = 1e-8};
    double e = gradcheck_jvp(gradmap, NULL, x, N, N, v, Hv, &o, work, NULL);
    cr_assert_lt(e, 1e-7, "worst %g", e);
    Hv[2] += 1e-4;
    gradcheck_result r;
    e = gradcheck_jvp(gradmap, NULL, x, N, N, v, Hv, &o, work, &r);
    cr_assert_eq(r.j, 2);
    cr_assert_gt(e, 1e-6);
}

Test(gradcheck, hessian_from_values)
{
    double x[N], H[N * N];
    memcpy(x, X0, sizeof x);
    hessian(H, x);
    /* round-off of a second difference is eps |f| / h^2 ~ 1e-10 here: the
     * floor 1e-4 makes the zero entries count as matched at that level */
    gradcheck_opts o = {.h = 1e-3, .floor = 1e-4};
    gradcheck_result r;
    double e = gradcheck_hessian(f, NULL, x, N, H, &o, &r);
    cr_assert_eq(memcmp(x, X0, sizeof x), 0);
    cr_assert_eq(r.compared, (size_t)(N * N));
    cr_assert_lt(e, 1e-5, "worst %g at (%zu, %zu)", e, r.i, r.j);
    H[1 * N + 3] = 1e-3;   /* the true entry is 0 */
    e = gradcheck_hessian(f, NULL, x, N, H, &o, &r);
    cr_assert(r.i == 1 && r.j == 3 && e > 0.8, "worst %g at (%zu, %zu)", e, r.i, r.j);
}
