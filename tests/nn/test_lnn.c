/* test_lnn.c: the Lagrangian network (src/nn/lnn.h; its engine, src/nn/hvp.h,
 * has its own suite).
 *
 *  - the gradient of the LNN loss with respect to every weight against
 *    central differences (relative error <= 1e-7);
 *  - the guarded Euler-Lagrange solve (Cranmer et al. 2020, eq. 6) fed with the
 *    double pendulum's own Lagrangian reproduces its closed-form dynamics;
 *  - E_theta = qdot . grad_qdot L - L is conserved by RK4 rollouts of a
 *    learned Lagrangian to O(dt^4): error ratio ~16 per halving of dt;
 *  - trig inputs make E_theta periodic in q, wrapped ones make it jump at
 *    q = pi; E_theta / |qdot|^2 -> kappa / 2 (why LNN rollouts stay bounded);
 *  - a singular mass matrix skips the sample and is counted;
 *  - same inputs, same bytes;
 *  - HNN (Greydanus et al. 2019) field loss and the baseline MLP: gradients
 *    against central differences. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "nn/gradcheck.h"
#include "nn/hnn.h"
#include "nn/lnn.h"
#include "physics/integrators.h"
#include "physics/systems.h"

#define TWO_PI 6.283185307179586

static void random_states(double *x, int B, rng_t *r, double vmax)
{
    for (int b = 0; b < B; b++) {
        x[4 * b + 0] = TWO_PI * rng_uniform(r);
        x[4 * b + 1] = TWO_PI * rng_uniform(r);
        x[4 * b + 2] = vmax * (2 * rng_uniform(r) - 1);
        x[4 * b + 3] = vmax * (2 * rng_uniform(r) - 1);
    }
}

/* An LNN with random weights (scheme), all multiplied by scale: a strongly
 * non-trivial learned Lagrangian for the tests below. */
static void random_lnn(lnn_t *m, lnn_feat feat, double kappa, int width, int depth, int B,
                       hvp_init_scheme scheme, double scale, rng_t *r)
{
    cr_assert_eq(lnn_init(m, feat, 10.0, kappa, width, depth, B), 0);
    hvp_init_weights(&m->net, scheme, r);
    for (size_t i = 0; i < m->net.n_params; i++)
        m->net.theta[i] *= scale;
}

/* ------------------------------------------------------- loss gradient */

typedef struct {
    lnn_t *m;
    int B;
    lnn_loss kind;
    const double *x, *y;
} lossctx_lnn;

/* The mean LNN loss as a function of the weights (perturbed in place). */
static double lnn_loss_value(double *grad, const double *theta, void *v)
{
    (void)grad;
    (void)theta;
    lossctx_lnn *c = v;
    return lnn_loss_sum(c->m, c->B, c->x, c->y, c->kind, NULL) / c->B;
}

static void check_loss_grad(lnn_feat feat, lnn_loss kind, double kappa)
{
    int B = 6;
    lnn_t m;
    cr_assert_eq(lnn_init(&m, feat, 10.0, kappa, 9, 3, B), 0);
    rng_t r;
    rng_seed(&r, 5, 2);
    hvp_init_weights(&m.net, HVP_INIT_GLOROT, &r);
    for (size_t i = 0; i < m.net.n_params; i++)
        m.net.theta[i] += 0.2 * rng_normal(&r);
    double x[24], y[12];
    random_states(x, B, &r, 3.0);
    for (int i = 0; i < 12; i++)
        y[i] = 5.0 * rng_normal(&r);
    int nskip;
    lnn_loss_grad(&m, B, x, y, kind, &nskip);
    cr_assert_eq(nskip, 0);
    size_t np = m.net.n_params;
    double *g = malloc(np * sizeof(double));
    memcpy(g, m.net.grad, np * sizeof(double));
    double gmax = 0;
    for (size_t i = 0; i < np; i++)
        gmax = fmax(gmax, fabs(g[i]));
    cr_assert(gmax > 0);
    /* fourth-order central differences of the loss's own values (nn/gradcheck.h),
     * relative error with an absolute floor of 1e-3 of the largest component */
    lossctx_lnn c = {.m = &m, .B = B, .x = x, .y = y, .kind = kind};
    gradcheck_opts go = {.h = 1e-4, .points = 4, .floor = 1e-3 * gmax};
    double worst = gradcheck(lnn_loss_value, &c, m.net.theta, np, g, &go, NULL);
    cr_log_info("loss-gradient check (feat %d, loss %d): worst relative error %.3g over %zu weights",
                (int)feat, (int)kind, worst, np);
    cr_assert(worst <= 1e-7, "worst relative error %.3g", worst);
    free(g);
    lnn_free(&m);
}

Test(lnn, loss_gradient_trig_l1) { check_loss_grad(LNN_FEAT_TRIG, LNN_LOSS_L1, 1.0); }
Test(lnn, loss_gradient_trig_mse) { check_loss_grad(LNN_FEAT_TRIG, LNN_LOSS_MSE, 1.0); }
Test(lnn, loss_gradient_raw_mse_nokappa) { check_loss_grad(LNN_FEAT_RAW, LNN_LOSS_MSE, 0.0); }

/* L_theta at one state x = (q1, q2, qdot1, qdot2), from the network's own
 * values (gradcheck_fn). */
static double lnn_L_value(double *grad, const double *x, void *ctx)
{
    (void)grad;
    double L;
    lnn_energy(ctx, 1, x, &L, NULL);
    return L;
}

/* The pieces of eq. 6 that lnn_accel computes by forward-over-reverse
 * passes (grad_q L, M = d2L/dqdot dqdot, C = d2L/dqdot dq) against
 * differences of the network's own L (nn/gradcheck.h: 4-point gradient,
 * mixed second differences), and the acceleration is their 2x2 solve. */
Test(lnn, accel_matches_finite_difference_euler_lagrange)
{
    int B = 4;
    lnn_t m;
    cr_assert_eq(lnn_init(&m, LNN_FEAT_TRIG, 10.0, 1.0, 12, 2, B), 0);
    rng_t r;
    rng_seed(&r, 9, 3);
    hvp_init_weights(&m.net, HVP_INIT_GLOROT, &r);
    double x[16], qdd[8];
    random_states(x, B, &r, 4.0);
    cr_assert_eq(lnn_accel(&m, B, x, qdd), 0);
    for (int b = 0; b < B; b++) {
        double gq[2], M[4], C[4], xs[4];
        memcpy(gq, m.gq + 2 * b, sizeof gq);
        memcpy(M, m.M + 4 * b, sizeof M);
        memcpy(C, m.C + 4 * b, sizeof C);
        memcpy(xs, x + 4 * b, sizeof xs);
        /* grad_q L: the qdot components are not compared (NaN) */
        const double g[4] = {gq[0], gq[1], NAN, NAN};
        gradcheck_opts go = {.h = 1e-4, .points = 4, .floor = 1e-3 * (fabs(gq[0]) + fabs(gq[1]))};
        double eg = gradcheck(lnn_L_value, &m, xs, 4, g, &go, NULL);
        /* H[i][j] = d2L/dx_i dx_j: rows qdot (2, 3), columns qdot (M) and q (C) */
        double H[16], hmax = 0;
        for (int k = 0; k < 16; k++)
            H[k] = NAN;
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 2; j++) {
                H[4 * (2 + i) + 2 + j] = M[2 * i + j];
                H[4 * (2 + i) + j] = C[2 * i + j];
                hmax = fmax(hmax, fmax(fabs(M[2 * i + j]), fabs(C[2 * i + j])));
            }
        /* mixed differences at h = 1e-4 carry about eps |L| / h^2 ~ 1e-8 of
         * round-off: the floor puts that at the 1e-6 level */
        gradcheck_opts ho = {.h = 1e-4, .floor = 1e-2 * hmax};
        gradcheck_result hr;
        double eh = gradcheck_hessian(lnn_L_value, &m, xs, 4, H, &ho, &hr);
        cr_log_info("sample %d: grad_q L worst relative error %.3g, M and C %.3g", b, eg, eh);
        cr_assert(eg <= 1e-8, "sample %d: grad_q L relative error %.3g", b, eg);
        cr_assert(eh <= 1e-5, "sample %d: Hessian entry (%zu, %zu) %.10g vs differences %.10g", b, hr.i,
                  hr.j, hr.analytic, hr.numeric);
        double sol[2];
        cr_assert_eq(lnn_solve2(sol, x + 4 * b + 2, gq, M, C, 1e-12), 0);
        for (int i = 0; i < 2; i++)
            cr_assert_eq(sol[i], qdd[2 * b + i], "sample %d: qdd is not the solve of its own M, C, grad_q L", b);
    }
    lnn_free(&m);
}

/* ------------------------------------------- analytic double pendulum */

Test(lnn, solve_with_true_lagrangian_matches_closed_form)
{
    rng_t r;
    rng_seed(&r, 2026, 4);
    double worst = 0;
    for (int s = 0; s < 10000; s++) {
        double y[4];
        random_states(y, 1, &r, 10.0);
        double gq[2], M[4], C[4], qdd[2], ref[2];
        phys_dp_lagrangian_derivs(y, gq, M, C);
        cr_assert_eq(lnn_solve2(qdd, y + 2, gq, M, C, 1e-12), 0);
        phys_dp_accel(ref, y);
        for (int i = 0; i < 2; i++)
            worst = fmax(worst, fabs(qdd[i] - ref[i]) / (1 + fabs(ref[i])));
    }
    cr_log_info("Euler-Lagrange solve vs closed form: worst %.3g over 10^4 states", worst);
    cr_assert(worst <= 1e-10, "worst %.3g", worst);
}

/* -------------------------------------------- E_theta conservation */

typedef struct {
    lnn_t *m;
    int B;
} field_ctx;

static int lnn_field(double *dydt, const double *y, double t, void *vctx)
{
    field_ctx *c = vctx;
    double qdd[2 * 8];
    lnn_accel(c->m, c->B, y, qdd);
    for (int b = 0; b < c->B; b++) {
        dydt[4 * b + 0] = y[4 * b + 2];
        dydt[4 * b + 1] = y[4 * b + 3];
        dydt[4 * b + 2] = qdd[2 * b];
        dydt[4 * b + 3] = qdd[2 * b + 1];
    }
    return 0;
}

Test(lnn, learned_energy_conserved_to_rk4_order)
{
    enum { B = 4 };
    lnn_t m;
    rng_t r;
    rng_seed(&r, 77, 5);
    random_lnn(&m, LNN_FEAT_TRIG, 1.0, 16, 2, B, HVP_INIT_GLOROT, 2.0, &r);
    double x0[4 * B];
    random_states(x0, B, &r, 1.0);
    field_ctx ctx = {&m, B};
    double T = 4.0, err[4];
    double work[PHYS_RK4_WORK(4 * B)];
    double E0[B], E1[B];
    lnn_energy(&m, B, x0, NULL, E0);
    for (int h = 0; h < 4; h++) {
        double dt = 0.02 / (1 << h), y[4 * B];
        memcpy(y, x0, sizeof y);
        long steps = lround(T / dt);
        for (long s = 0; s < steps; s++)
            phys_rk4_step(y, 4 * B, s * dt, dt, lnn_field, &ctx, work);
        lnn_energy(&m, B, y, NULL, E1);
        err[h] = 0;
        for (int b = 0; b < B; b++)
            err[h] += fabs(E1[b] - E0[b]);
    }
    double r1 = err[1] / err[2], r2 = err[2] / err[3];
    cr_log_info("E_theta error %.3g %.3g %.3g %.3g, ratios %.2f %.2f", err[0], err[1], err[2],
                err[3], r1, r2);
    cr_assert(err[0] < 1e-3, "E_theta error %.3g", err[0]);
    cr_assert(r1 > 13 && r1 < 19 && r2 > 14 && r2 < 18, "ratios %.2f %.2f (expected 16)", r1, r2);
    cr_assert_eq(m.n_singular, 0);
    lnn_free(&m);
}

/* --------------------------------------- input maps and boundedness */

/* (cos q, sin q) inputs make L_theta, hence E_theta, 2 pi-periodic in q; with
 * wrapped angles the network sees a jump of 2 pi at the seam q = pi and
 * E_theta jumps with it (chapter 4, "The seam of wrapped angles"). */
Test(lnn, trig_inputs_are_periodic_wrapped_inputs_jump_at_the_seam)
{
    enum { B = 2 };
    lnn_t mt, mw;
    rng_t r;
    rng_seed(&r, 5, 1);
    random_lnn(&mt, LNN_FEAT_TRIG, 1.0, 16, 2, B, HVP_INIT_GLOROT, 1.0, &r);
    random_lnn(&mw, LNN_FEAT_WRAP, 1.0, 16, 2, B, HVP_INIT_GLOROT, 1.0, &r);
    double h = 1e-9;
    /* q1 just below and just above the seam; q2, qdot fixed */
    double x[4 * B] = {(TWO_PI / 2) - h, 0.4, 0.7, -1.2, (TWO_PI / 2) + h, 0.4, 0.7, -1.2};
    double Et[B], Ew[B];
    lnn_energy(&mt, B, x, NULL, Et);
    lnn_energy(&mw, B, x, NULL, Ew);
    cr_log_info("E_theta across the seam: trig %.3g, wrapped %.3g", fabs(Et[1] - Et[0]),
                fabs(Ew[1] - Ew[0]));
    cr_assert(fabs(Et[1] - Et[0]) < 1e-7, "trig E_theta jumps by %.3g", fabs(Et[1] - Et[0]));
    cr_assert(fabs(Ew[1] - Ew[0]) > 1e-3, "wrapped E_theta continuous (%.3g)?", fabs(Ew[1] - Ew[0]));
    /* a whole turn later: identical for trig up to round-off of cos/sin */
    double y[4 * B] = {0.3, 1.1, 0.5, 0.2, 0.3 + 2 * (TWO_PI / 2), 1.1 - 4 * (TWO_PI / 2), 0.5, 0.2};
    lnn_energy(&mt, B, y, NULL, Et);
    cr_assert(fabs(Et[1] - Et[0]) < 1e-12 * (1 + fabs(Et[0])), "not periodic: %.3g", Et[1] - Et[0]);
    lnn_free(&mt);
    lnn_free(&mw);
}

/* The boundedness argument of chapter 4 (eq. "coercive"): with periodic
 * inputs and kappa > 0, E_theta = kappa |qdot|^2 / 2 + O(|qdot|), because a
 * softplus network is Lipschitz in qdot.  So E_theta / |qdot|^2 -> kappa / 2
 * along any ray, with a gap shrinking at least like 1/|qdot| (measured: like
 * 1/|qdot|^2, since far out the network is nearly positively homogeneous of
 * degree one in qdot, for which qdot . grad N - N = 0 by Euler's theorem). */
Test(lnn, learned_energy_grows_like_kappa_qdot_squared)
{
    enum { B = 6 };
    const double kappa = 1.0;
    lnn_t m;
    rng_t r;
    rng_seed(&r, 9, 2);
    random_lnn(&m, LNN_FEAT_TRIG, kappa, 32, 2, B, HVP_INIT_CRANMER, 2.0, &r);
    double dir[4 * B];
    random_states(dir, B, &r, 1.0);
    double gap[3];
    for (int k = 0; k < 3; k++) {
        double s = 1e2 * pow(10, k), x[4 * B], E[B];
        memcpy(x, dir, sizeof x);
        for (int b = 0; b < B; b++) {
            x[4 * b + 2] *= s;
            x[4 * b + 3] *= s;
        }
        lnn_energy(&m, B, x, NULL, E);
        gap[k] = 0;
        for (int b = 0; b < B; b++) {
            double v2 = x[4 * b + 2] * x[4 * b + 2] + x[4 * b + 3] * x[4 * b + 3];
            gap[k] = fmax(gap[k], fabs(E[b] / v2 - kappa / 2));
        }
    }
    cr_log_info("max |E/|qdot|^2 - kappa/2| at |qdot| ~ 1e2, 1e3, 1e4: %.3g %.3g %.3g", gap[0],
                gap[1], gap[2]);
    cr_assert(gap[2] < 1e-3, "E_theta / |qdot|^2 does not approach kappa/2: %.3g", gap[2]);
    cr_assert(gap[1] < gap[0] && gap[2] < gap[1], "gap does not shrink: %.3g %.3g %.3g", gap[0],
              gap[1], gap[2]);
    lnn_free(&m);
}

/* ------------------------------------------------------ singular guard */

Test(lnn, singular_mass_matrix_is_skipped_and_counted)
{
    double qd[2] = {0.3, -1.1}, gq[2] = {1, 2}, C[4] = {0.1, 0.2, 0.3, 0.4}, out[2] = {7, 7};
    double Ms[4] = {1.0, 2.0, 2.0, 4.0};           /* det 0 */
    cr_assert_eq(lnn_solve2(out, qd, gq, Ms, C, 1e-12), -1);
    cr_assert(out[0] == 7 && out[1] == 7);
    double Mn[4] = {NAN, 0, 0, 1};
    cr_assert_eq(lnn_solve2(out, qd, gq, Mn, C, 1e-12), -1);

    /* all weights zero and kappa = 0: L is constant, M = 0 everywhere */
    int B = 5;
    lnn_t m;
    cr_assert_eq(lnn_init(&m, LNN_FEAT_TRIG, 1.0, 0.0, 4, 2, B), 0);
    double x[20], y[10] = {0};
    rng_t r;
    rng_seed(&r, 3, 6);
    random_states(x, B, &r, 1.0);
    int nskip = -1;
    double loss = lnn_loss_grad(&m, B, x, y, LNN_LOSS_L1, &nskip);
    cr_assert_eq(nskip, B);
    cr_assert(isnan(loss));
    cr_assert_eq(m.n_singular, B);
    for (size_t i = 0; i < m.net.n_params; i++)
        cr_assert_eq(m.net.grad[i], 0.0);
    double qdd[10];
    cr_assert_eq(lnn_accel(&m, B, x, qdd), B);
    cr_assert(isnan(qdd[0]));
    cr_assert_eq(m.n_singular, 2 * B);
    lnn_free(&m);
}

Test(lnn, deterministic_bytes)
{
    int B = 32;
    double *g[2];
    for (int rep = 0; rep < 2; rep++) {
        lnn_t m;
        cr_assert_eq(lnn_init(&m, LNN_FEAT_TRIG, 10.0, 1.0, 64, 3, B), 0);
        rng_t r;
        rng_seed(&r, 1234, 7);
        hvp_init_weights(&m.net, HVP_INIT_CRANMER, &r);
        double x[4 * 32], y[2 * 32];
        random_states(x, B, &r, 5.0);
        for (int i = 0; i < 2 * B; i++)
            y[i] = rng_normal(&r);
        lnn_loss_grad(&m, B, x, y, LNN_LOSS_L1, NULL);
        g[rep] = malloc(m.net.n_params * sizeof(double));
        memcpy(g[rep], m.net.grad, m.net.n_params * sizeof(double));
        if (rep == 1)
            cr_assert(memcmp(g[0], g[1], m.net.n_params * sizeof(double)) == 0);
        lnn_free(&m);
    }
    free(g[0]);
    free(g[1]);
}

/* ------------------------------------------------------ HNN, baseline */

typedef struct {
    hnn_t *m;
    int B, kind, per_sample;
    const double *x, *y;
} lossctx;

static double hnn_loss_only(double *grad, const double *theta, void *v)
{
    (void)grad;
    (void)theta;
    lossctx *c = v;
    return hnn_loss_grad(c->m, c->B, c->x, c->y);
}

Test(hnn, loss_gradient)
{
    enum { B = 7 };
    hnn_t m;
    cr_assert_eq(hnn_init(&m, 10, 2, B), 0);
    rng_t r;
    rng_seed(&r, 8, 8);
    hvp_init_weights(&m.net, HVP_INIT_ORTHO, &r);
    for (size_t i = 0; i < m.net.n_params; i++)
        m.net.theta[i] += 0.1 * rng_normal(&r);
    double x[2 * B], y[2 * B];
    for (int i = 0; i < 2 * B; i++) {
        x[i] = rng_normal(&r);
        y[i] = rng_normal(&r);
    }
    lossctx c = {.m = &m, .B = B, .x = x, .y = y};
    hnn_loss_grad(&m, B, x, y);
    size_t np = m.net.n_params;
    double *g = malloc(np * sizeof(double)), gmax = 0, worst = 0;
    memcpy(g, m.net.grad, np * sizeof(double));
    for (size_t i = 0; i < np; i++)
        gmax = fmax(gmax, fabs(g[i]));
    gradcheck_opts go = {.h = 1e-4, .points = 4, .floor = 1e-3 * gmax};
    worst = gradcheck(hnn_loss_only, &c, m.net.theta, np, g, &go, NULL);
    cr_log_info("HNN loss gradient: worst relative error %.3g", worst);
    cr_assert(worst <= 1e-7, "worst %.3g", worst);
    /* the field is the symplectic gradient: f = (dH/dp, -dH/dq) */
    double f[2 * B], H[B], xp[2 * B];
    hnn_field(&m, B, x, f);
    for (int d = 0; d < 2; d++) {
        double Hp[B], Hm[B];
        memcpy(xp, x, sizeof xp);
        for (int b = 0; b < B; b++)
            xp[2 * b + d] += 1e-6;
        hnn_value(&m, B, xp, Hp);
        for (int b = 0; b < B; b++)
            xp[2 * b + d] -= 2e-6;
        hnn_value(&m, B, xp, Hm);
        for (int b = 0; b < B; b++) {
            double dH = (Hp[b] - Hm[b]) / 2e-6, want = d == 1 ? f[2 * b] : -f[2 * b + 1];
            cr_assert(fabs(dH - want) <= 1e-7 * (1 + fabs(want)));
        }
    }
    hnn_value(&m, B, x, H);
    free(g);
    hnn_free(&m);
}

/* The black-box baselines' gradients are checked in test_mlp.c (the one MLP). */
