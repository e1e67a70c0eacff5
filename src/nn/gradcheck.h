/* gradcheck.h: derivatives against finite differences, the one check every
 * backward pass of the companion is held to (after kann's kad_check_grad).
 *
 * Method.  Central differences of the function's own values:
 *   2 points   d_i = (f(x + h e_i) - f(x - h e_i)) / (2h)                      error O(h^2)
 *   4 points   d_i = (8 (f(x + h e_i) - f(x - h e_i)) - (f(x + 2h e_i) - f(x - 2h e_i))) / (12h)   O(h^4)
 * and, for second derivatives from values alone, the mixed difference
 *   H_ij ~ (f(x + h e_i + h e_j) - f(x + h e_i - h e_j) - f(x - h e_i + h e_j)
 *           + f(x - h e_i - h e_j)) / (4 h^2)                                 O(h^2)
 * (on the diagonal this is the second difference with step 2h).
 *
 * Accuracy.  Each compared pair (a analytic, d numeric) scores
 *   e = |a - d| / (|a| + |d| + floor),
 * a relative error that an absolute floor keeps finite where both vanish;
 * the functions return the worst e.  Truncation (h^2 or h^4 times the next
 * derivative) and round-off (eps |f| / h) bound what a correct derivative can
 * reach: with f ~ 1, h = 1e-5 and 2 points, about 1e-10 absolute.  No
 * tolerance is decided here: the caller asserts on the returned error.
 *
 * Special cases: analytic entries that are NaN are skipped (not compared),
 * so a test can check part of a gradient or a Hessian.  x is perturbed in
 * place and restored bit for bit; the function may read x through its
 * context instead of its argument (the perturbed memory is the same). */
#ifndef NN_GRADCHECK_H
#define NN_GRADCHECK_H

#include <stddef.h>

/* A scalar function of x[n]; writes its gradient when grad is not NULL
 * (gradcheck only ever passes NULL). */
typedef double (*gradcheck_fn)(double *grad, const double *x, void *ctx);
/* A map out[m] = F(x[n]). */
typedef void (*gradcheck_map_fn)(double *out, const double *x, void *ctx);

typedef struct {
    double h;        /* step; 0 means 1e-5 */
    double floor;    /* absolute floor of the denominator (>= 0) */
    size_t stride;   /* compare coordinates 0, stride, 2 stride, ... (0 or 1: all) */
    int points;      /* 2 or 4 (0 means 2) */
} gradcheck_opts;

typedef struct {
    double worst;       /* the worst relative error e */
    size_t i, j;        /* where (j: second index of a Hessian entry, or component of a map) */
    double analytic, numeric;   /* the two values there */
    size_t compared;    /* pairs compared */
} gradcheck_result;

/* The analytic gradient g[n] of f at x against differences along each
 * coordinate.  opts may be NULL (defaults); res may be NULL.  Returns the
 * worst e (0 if nothing was compared). */
double gradcheck(gradcheck_fn f, void *ctx, double *x, size_t n, const double *g,
                 const gradcheck_opts *opts, gradcheck_result *res);

/* A Jacobian-vector product: Jv[m], the analytic derivative of F at x along
 * v[n], against (F(x + h v) - F(x - h v)) / (2h) (or the 4-point form),
 * component by component.  With F a gradient this checks a Hessian-vector
 * product; with m = 1, a directional derivative; with n = 1, a derivative in
 * time.  work: n + 4 m doubles (GRADCHECK_JVP_WORK).  Returns the worst e. */
#define GRADCHECK_JVP_WORK(n, m) ((size_t)(n) + 4 * (size_t)(m))
double gradcheck_jvp(gradcheck_map_fn F, void *ctx, const double *x, size_t n, size_t m,
                     const double *v, const double *Jv, const gradcheck_opts *opts,
                     double *work, gradcheck_result *res);

/* The analytic Hessian H[n, n] (row-major; NaN entries skipped) of f at x
 * against mixed second differences of f's values (opts->points is ignored;
 * stride applies to both indices).  Returns the worst e. */
double gradcheck_hessian(gradcheck_fn f, void *ctx, double *x, size_t n, const double *H,
                         const gradcheck_opts *opts, gradcheck_result *res);

#endif
