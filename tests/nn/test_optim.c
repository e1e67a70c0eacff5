/* test_optim.c: each optimizer's step against values computed by hand and
 * by an independent scalar transcription of the update rules of optim.h
 * (Python floats, the same order of operations; the reference script is in
 * the comment below), two steps each so the state recursions are exercised.
 *
 *   reference: for each i: g' = g + wd w (coupled) or w *= 1 - lr wd
 *   (decoupled); SGD v = beta v + g', w -= lr v; RMSProp s = a s + (1-a) g'^2,
 *   w -= lr g'/(sqrt s + eps); Adam m, s as in Kingma & Ba Alg. 1,
 *   w -= lr (m/(1-b1^t)) / (sqrt(s/(1-b2^t)) + eps). */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "nn/optim.h"

static const double w0[4] = {2.385, -0.731, 0.0, 1.25e-3};
static const double g1[4] = {0.417, 1.9, -0.33, -2.75e-2};
static const double g2[4] = {-0.281, 0.64, 0.12, 0.5};

static const double sgd_plain[4] = {2.3432999999999997, -0.92100000000000004, 0.033000000000000002, 0.0040000000000000001};
static const double sgd_mom_coupled[4] = {2.326997585, -1.153690831, 0.050667000000000004, -0.043531373750000005};
static const double sgd_mom_decoupled[4] = {2.3291440849999998, -1.154348731, 0.050667000000000004, -0.043530248750000007};
static const double rmsprop_coupled[4] = {2.335720466734025, -0.86280194725582526, 0.065421775914235758, 0.0013983212793035188};
static const double adamw[4] = {2.3833835248491075, -0.73272632565990303, 0.0013751635159968423, 0.001543413926437172};
static const double adam_coupled[4] = {2.3833796363374251, -0.73286053947779206, 0.0013750149591864771, 0.0015435696648512405};

static void expect(const double *w, const double *ref, const char *what)
{
    for (int i = 0; i < 4; i++)
        cr_assert_leq(fabs(w[i] - ref[i]), 4e-16 * fabs(ref[i]) + 1e-300,
                      "%s[%d]: %.17g, expected %.17g", what, i, w[i], ref[i]);
}

Test(optim, sgd_plain_by_hand)
{
    double w[4];
    memcpy(w, w0, sizeof w);
    opt_sgd_step(w, g1, NULL, 4, 0.1, 0.0, 0.0, OPT_WD_COUPLED);
    /* 2.385 - 0.1*0.417 = 2.3433;  -0.731 - 0.19 = -0.921;  0 + 0.033;  0.00125 + 0.00275 */
    double hand[4] = {2.3433, -0.921, 0.033, 0.004};
    for (int i = 0; i < 4; i++)
        cr_assert_leq(fabs(w[i] - hand[i]), 1e-15);
    expect(w, sgd_plain, "sgd");
    /* lr = 0 is the identity */
    double u[4];
    memcpy(u, w0, sizeof u);
    opt_sgd_step(u, g1, NULL, 4, 0.0, 0.0, 0.0, OPT_WD_COUPLED);
    cr_assert_eq(memcmp(u, w0, sizeof u), 0);
}

Test(optim, sgd_momentum_weight_decay)
{
    double w[4], v[4] = {0};
    memcpy(w, w0, sizeof w);
    opt_sgd_step(w, g1, v, 4, 0.1, 0.9, 0.01, OPT_WD_COUPLED);
    /* first step by hand: v = g + wd w = 0.417 + 0.02385 = 0.44085 */
    cr_assert_leq(fabs(v[0] - 0.44085), 1e-15);
    opt_sgd_step(w, g2, v, 4, 0.1, 0.9, 0.01, OPT_WD_COUPLED);
    expect(w, sgd_mom_coupled, "sgd coupled");

    memcpy(w, w0, sizeof w);
    memset(v, 0, sizeof v);
    opt_sgd_step(w, g1, v, 4, 0.1, 0.9, 0.01, OPT_WD_DECOUPLED);
    /* by hand: w = 2.385 (1 - 0.001) - 0.1 * 0.417 = 2.340915 */
    cr_assert_leq(fabs(w[0] - 2.340915), 1e-15);
    opt_sgd_step(w, g2, v, 4, 0.1, 0.9, 0.01, OPT_WD_DECOUPLED);
    expect(w, sgd_mom_decoupled, "sgd decoupled");
}

Test(optim, rmsprop)
{
    double w[4], s[4] = {0};
    memcpy(w, w0, sizeof w);
    opt_rmsprop_step(w, g1, s, 4, 0.01, 0.99, 1e-8, 0.0, OPT_WD_COUPLED);
    /* first step by hand: s = 0.01 g^2, so w moves by lr g/(0.1|g| + eps) ~ 10 lr sign(g) */
    cr_assert_leq(fabs(w[0] - (2.385 - 0.01 * 0.417 / (0.0417 + 1e-8))), 1e-14);
    memcpy(w, w0, sizeof w);
    memset(s, 0, sizeof s);
    opt_rmsprop_step(w, g1, s, 4, 0.01, 0.99, 1e-8, 0.01, OPT_WD_COUPLED);
    opt_rmsprop_step(w, g2, s, 4, 0.01, 0.99, 1e-8, 0.01, OPT_WD_COUPLED);
    expect(w, rmsprop_coupled, "rmsprop");
}

Test(optim, adam)
{
    double w[4], m[4] = {0}, s[4] = {0};
    memcpy(w, w0, sizeof w);
    opt_adam_step(w, g1, m, s, 4, 1, 0.001, 0.9, 0.999, 0.0, 0.0, OPT_WD_COUPLED);
    /* t = 1, eps = 0: the bias-corrected step is exactly lr sign(g) */
    for (int i = 0; i < 4; i++)
        cr_assert_leq(fabs(w[i] - (w0[i] - 0.001 * (g1[i] > 0 ? 1 : -1))), 1e-15);

    memcpy(w, w0, sizeof w);
    memset(m, 0, sizeof m);
    memset(s, 0, sizeof s);
    opt_adam_step(w, g1, m, s, 4, 1, 0.001, 0.9, 0.999, 1e-8, 0.1, OPT_WD_DECOUPLED);
    opt_adam_step(w, g2, m, s, 4, 2, 0.001, 0.9, 0.999, 1e-8, 0.1, OPT_WD_DECOUPLED);
    expect(w, adamw, "adamw");

    memcpy(w, w0, sizeof w);
    memset(m, 0, sizeof m);
    memset(s, 0, sizeof s);
    opt_adam_step(w, g1, m, s, 4, 1, 0.001, 0.9, 0.999, 1e-8, 0.1, OPT_WD_COUPLED);
    opt_adam_step(w, g2, m, s, 4, 2, 0.001, 0.9, 0.999, 1e-8, 0.1, OPT_WD_COUPLED);
    expect(w, adam_coupled, "adam coupled");
}

/* Momentum without weight decay takes a separate (vectorizable) loop; it
 * must give the same bits as the rule written out. */
Test(optim, sgd_momentum_fast_path)
{
    double w[4], v[4] = {0.125, -0.5, 0.0, 2.0}, wr[4], vr[4];
    memcpy(w, w0, sizeof w);
    memcpy(wr, w0, sizeof wr);
    memcpy(vr, v, sizeof vr);
    opt_sgd_step(w, g1, v, 4, 0.05, 0.9, 0.0, OPT_WD_DECOUPLED);
    for (int i = 0; i < 4; i++) {
        vr[i] = 0.9 * vr[i] + g1[i];
        wr[i] -= 0.05 * vr[i];
    }
    cr_assert_eq(memcmp(w, wr, sizeof w), 0);
    cr_assert_eq(memcmp(v, vr, sizeof v), 0);
}
