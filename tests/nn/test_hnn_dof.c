/* test_hnn_dof.c: the HNN of src/nn/hnn.h with d = 4 degrees of freedom
 * (the two-body task): the exact weight gradient of the loss against central
 * differences (nn/gradcheck), and the field is the symplectic gradient
 * (dH/dp, -dH/dq) of the network's own value. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "nn/gradcheck.h"
#include "nn/hnn.h"

enum { B = 5, D = 4, N = 2 * D };

typedef struct {
    hnn_t *m;
    const double *x, *y;
} ctx_t;

static double loss_fn(double *grad, const double *theta, void *vc)
{
    ctx_t *c = vc;
    return hnn_loss_grad(c->m, B, c->x, c->y);
}

static double value_fn(double *grad, const double *x, void *vc)
{
    ctx_t *c = vc;
    double H;
    hnn_value(c->m, 1, x, &H);
    return H;
}

static void setup(hnn_t *m, rng_t *r, double *x, double *y)
{
    cr_assert_eq(hnn_init_dof(m, D, 12, 2, B), 0);
    hvp_init_weights(&m->net, HVP_INIT_ORTHO, r);
    for (size_t i = 0; i < m->net.n_params; i++)
        m->net.theta[i] += 0.1 * rng_normal(r);
    for (int i = 0; i < N * B; i++) {
        x[i] = rng_normal(r);
        y[i] = rng_normal(r);
    }
}

Test(hnn_dof, loss_gradient)
{
    hnn_t m;
    rng_t r;
    rng_seed(&r, 9, 1);
    double x[N * B], y[N * B];
    setup(&m, &r, x, y);
    ctx_t c = {&m, x, y};
    hnn_loss_grad(&m, B, x, y);
    double *g = malloc(m.net.n_params * sizeof(double));
    memcpy(g, m.net.grad, m.net.n_params * sizeof(double));
    gradcheck_opts o = {.h = 1e-5, .floor = 1e-6, .stride = 3, .points = 4};
    double e = gradcheck(loss_fn, &c, m.net.theta, m.net.n_params, g, &o, NULL);
    cr_assert(e < 1e-7, "worst %g", e);
    free(g);
    hnn_free(&m);
}

Test(hnn_dof, field_is_symplectic_gradient)
{
    hnn_t m;
    rng_t r;
    rng_seed(&r, 10, 1);
    double x[N * B], y[N * B], f[N * B], g[N];
    setup(&m, &r, x, y);
    hnn_field(&m, B, x, f);
    ctx_t c = {&m, NULL, NULL};
    for (int b = 0; b < B; b++) {
        for (int i = 0; i < D; i++) {   /* grad H = (-pdot, qdot) */
            g[i] = -f[N * b + D + i];
            g[D + i] = f[N * b + i];
        }
        double xb[N];
        memcpy(xb, x + N * b, sizeof xb);
        gradcheck_opts o = {.h = 1e-5, .floor = 1e-6, .points = 4};
        cr_assert(gradcheck(value_fn, &c, xb, N, g, &o, NULL) < 1e-8);
    }
    hnn_free(&m);
}
