/* test_lnn1.c: the one-degree-of-freedom LNN (src/nn/lnn1.h).
 *  - the exact weight gradient of the acceleration loss against central
 *    differences (nn/gradcheck), every 7th weight;
 *  - E_theta is conserved along the learned flow (RK4, small dt). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "nn/gradcheck.h"
#include "nn/lnn1.h"
#include "physics/integrators.h"

typedef struct {
    lnn1_t *m;
    int B;
    const double *x, *y;
} lctx_t;

static double loss_value(double *grad, const double *theta, void *vc)
{
    lctx_t *c = vc;
    return lnn1_loss_grad(c->m, c->B, c->x, c->y);
}

static lnn1_t make(rng_t *r)
{
    lnn1_t m;
    cr_assert(lnn1_init(&m, 8, 2, 1.0, 16) == 0);
    hvp_init_weights(&m.net, HVP_INIT_GLOROT, r);
    for (size_t i = 0; i < m.net.n_params; i++)
        m.net.theta[i] += 0.1 * (rng_uniform(r) - 0.5);   /* nonzero biases too */
    return m;
}

Test(lnn1, loss_gradient_matches_differences)
{
    rng_t r;
    rng_seed(&r, 11, 1);
    lnn1_t m = make(&r);
    double x[16], y[8];
    for (int i = 0; i < 16; i++)
        x[i] = 1.6 * rng_uniform(&r) - 0.8;
    for (int i = 0; i < 8; i++)
        y[i] = rng_uniform(&r) - 0.5;
    lctx_t c = {&m, 8, x, y};
    lnn1_loss_grad(&m, 8, x, y);
    double *g = malloc(m.net.n_params * sizeof(double));
    memcpy(g, m.net.grad, m.net.n_params * sizeof(double));
    gradcheck_opts o = {.h = 1e-5, .floor = 1e-8, .stride = 7, .points = 4};
    gradcheck_result res;
    double e = gradcheck(loss_value, &c, m.net.theta, m.net.n_params, g, &o, &res);
    cr_log_info("lnn1 gradcheck worst %.3g over %zu", e, res.compared);
    cr_assert(e < 1e-6, "worst %g at %zu: %g vs %g", e, res.i, res.analytic, res.numeric);
    free(g);
    lnn1_free(&m);
}

static int field(double *dydt, const double *y, double t, void *vm)
{
    double a;
    lnn1_accel(vm, 1, y, &a);
    dydt[0] = y[1];
    dydt[1] = a;
    return 0;
}

Test(lnn1, energy_conserved_by_learned_flow)
{
    rng_t r;
    rng_seed(&r, 12, 1);
    lnn1_t m = make(&r);
    double y[2] = {0.3, -0.2}, E0, E1, work[PHYS_RK4_WORK(2)];
    lnn1_energy(&m, 1, y, &E0);
    for (int s = 0; s < 1000; s++)
        phys_rk4_step(y, 2, s * 1e-3, 1e-3, field, &m, work);
    lnn1_energy(&m, 1, y, &E1);
    cr_assert(fabs(E1 - E0) < 1e-10 * (1 + fabs(E0)), "E0 %.15g E1 %.15g", E0, E1);
    lnn1_free(&m);
}
