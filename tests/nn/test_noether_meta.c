/* test_noether_meta.c: the gradients of meta-tailoring with a neural
 * conserved quantity (nn/noether_meta.h, Noether Networks Alg. 1) against
 * central differences (nn/gradcheck.h): grad_theta L_N (backpropagation
 * through the rollout and through g_phi's input gradient), grad_phi L_N, and
 * the meta-gradient d L_out / d phi through the inner tailoring step. */
#include <criterion/criterion.h>
#include <math.h>

#include "core/rng.h"
#include "nn/formula.h"
#include "nn/gradcheck.h"
#include "nn/noether_meta.h"

enum { H = 5, G = 4, T = 9, TO = 6 };

typedef struct {
    nmeta_t M;
    double theta[FORMULA_PRED_NPARAMS(H)], phi[NMETA_G_NPARAMS(G)];
    double x0[2], y[2 * (TO + 1)];
} fix_t;

static void setup(fix_t *F, double lambda)
{
    nmeta_cfg_t c = {.H = H, .G = G, .T = T, .To = TO, .dt = 0.1, .lambda = lambda, .eps = 1e-5};
    cr_assert_eq(nmeta_create(&F->M, &c), 0);
    rng_t r;
    rng_seed(&r, 77, 1);
    formula_pred_init(F->theta, H, &r);
    nmeta_g_init(F->phi, G, &r);
    F->x0[0] = 0.83;
    F->x0[1] = -0.41;
    for (int i = 0; i < 2 * (TO + 1); i++)
        F->y[i] = 0.5 * rng_normal(&r);
}

static double ln_theta(double *grad, const double *theta, void *v)
{
    fix_t *F = v;
    return nmeta_noether(&F->M, NULL, NULL, theta, F->phi, F->x0);
}

static double ln_phi(double *grad, const double *phi, void *v)
{
    fix_t *F = v;
    return nmeta_noether(&F->M, NULL, NULL, F->theta, phi, F->x0);
}

static double outer_phi(double *grad, const double *phi, void *v)
{
    fix_t *F = v;
    return nmeta_outer(&F->M, NULL, F->theta, phi, F->x0, F->y);
}

/* grad L_N with respect to theta (wrt_phi = 0) or phi (1) against 4-point
 * differences of L_N's own values. */
static void check_conservation_grad(int wrt_phi)
{
    static fix_t F;
    setup(&F, 0.1);
    size_t n = wrt_phi ? NMETA_G_NPARAMS(G) : FORMULA_PRED_NPARAMS(H);
    double g[FORMULA_PRED_NPARAMS(H) + NMETA_G_NPARAMS(G)];
    nmeta_noether(&F.M, wrt_phi ? NULL : g, wrt_phi ? g : NULL, F.theta, F.phi, F.x0);
    gradcheck_opts o = {.h = 1e-5, .floor = 1e-10, .points = 4};
    double e = gradcheck(wrt_phi ? ln_phi : ln_theta, &F, wrt_phi ? F.phi : F.theta, n, g, &o, NULL);
    cr_assert_lt(e, 1e-6, "worst relative error %g", e);
    nmeta_free(&F.M);
}

Test(noether_meta, grad_theta_of_conservation_loss) { check_conservation_grad(0); }
Test(noether_meta, grad_phi_of_conservation_loss) { check_conservation_grad(1); }

Test(noether_meta, meta_gradient_through_the_inner_step)
{
    /* lambda large enough that the inner step moves the outer loss */
    static fix_t F;
    setup(&F, 3.0);
    double g[NMETA_G_NPARAMS(G)];
    double L0 = nmeta_outer(&F.M, g, F.theta, F.phi, F.x0, F.y);
    cr_assert(isfinite(L0));
    double gn = 0;
    for (size_t i = 0; i < NMETA_G_NPARAMS(G); i++)
        gn += g[i] * g[i];
    cr_assert_gt(gn, 0.0, "the meta-gradient must not vanish");
    /* the output bias has no gradient (g + const conserves the same): floor */
    gradcheck_opts o = {.h = 1e-5, .floor = 1e-6, .points = 4};
    gradcheck_result res;
    double e = gradcheck(outer_phi, &F, F.phi, NMETA_G_NPARAMS(G), g, &o, &res);
    cr_assert_lt(e, 1e-5, "worst relative error %g at %zu: %g vs %g", e, res.i, res.analytic,
                 res.numeric);
    nmeta_free(&F.M);
}
