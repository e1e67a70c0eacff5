/* test_f32.c: the benchmark's float path (src/bench/kernels_f32.h,
 * mlp_f32.h) against its double twins in the library: the kernels agree to
 * float accuracy, the SGD and ternary rules give the bits of the rule
 * written out in float, and the float MLP computes what the double MLP
 * computes, to float accuracy, from the same parameters and data. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "bench/kernels_f32.h"
#include "bench/mlp_f32.h"
#include "core/rng.h"
#include "nn/layers.h"
#include "nn/mlp.h"

static void fill(double *p, size_t n, rng_t *r, double a, double c)
{
    for (size_t i = 0; i < n; i++)
        p[i] = a * rng_normal(r) + c;
}

/* ------------------------------------------------------------ kernels */

Test(f32, kernels_match_f64)
{
    rng_t r;
    rng_seed(&r, 91, 1);
    enum { b = 9, n = 33, m = 10 };
    double x[b * n], W[m * n], bias[m], y[b * m], dy[b * m], dx[b * n], dW[m * n], db[m];
    float xf[b * n], Wf[m * n], bf[m], yf[b * m], dyf[b * m], dxf[b * n], dWf[m * n], dbf[m];
    int lab[b];
    fill(x, b * n, &r, 1.0, 0.2);
    fill(W, m * n, &r, 0.3, 0.0);
    fill(bias, m, &r, 0.3, 0.0);
    for (int i = 0; i < b * n; i++)
        x[i] = xf[i] = (float)x[i];   /* same inputs exactly */
    for (int i = 0; i < m * n; i++)
        W[i] = Wf[i] = (float)W[i];
    for (int i = 0; i < m; i++)
        bias[i] = bf[i] = (float)bias[i];
    for (int i = 0; i < b; i++)
        lab[i] = (int)rng_below(&r, m);
    nn_linear_forward(y, x, W, bias, b, n, m);
    f32_linear_forward(yf, xf, Wf, bf, b, n, m);
    for (int i = 0; i < b * m; i++)
        cr_assert_leq(fabs(y[i] - yf[i]), 1e-5 * (1 + fabs(y[i])));
    double L = nn_softmax_xent(dy, y, lab, b, m);
    double Lf = f32_softmax_xent(dyf, yf, lab, b, m);
    cr_assert_leq(fabs(L - Lf), 1e-5 * L);
    cr_assert_eq(nn_count_correct(y, lab, b, m), f32_count_correct(yf, lab, b, m));
    for (int i = 0; i < b * m; i++) {
        cr_assert_leq(fabs(dy[i] - dyf[i]), 1e-6);
        dy[i] = dyf[i];
    }
    nn_linear_backward(dx, dW, db, dy, x, W, b, n, m);
    memset(dWf, 0, sizeof dWf);
    memset(dbf, 0, sizeof dbf);
    f32_linear_backward_acc(dxf, dWf, dbf, dyf, xf, Wf, b, n, m);
    for (int i = 0; i < b * n; i++)
        cr_assert_leq(fabs(dx[i] - dxf[i]), 1e-6);
    for (int i = 0; i < m * n; i++)
        cr_assert_leq(fabs(dW[i] - dWf[i]), 1e-6);
    for (int i = 0; i < m; i++)
        cr_assert_leq(fabs(db[i] - dbf[i]), 1e-6);
    /* backward adds: a second pass doubles dW and db */
    f32_linear_backward_acc(NULL, dWf, dbf, dyf, xf, Wf, b, n, m);
    for (int i = 0; i < m; i++)
        cr_assert_leq(fabs(2 * db[i] - dbf[i]), 2e-6);
    f32_relu_forward(yf, yf, b * m);
    f32_relu_backward(dyf, dyf, yf, b * m);
    for (int i = 0; i < b * m; i++) {
        cr_assert(yf[i] >= 0.0f);
        if (yf[i] == 0.0f)
            cr_assert_eq(dyf[i], 0.0f);
    }
}

static const double w0[4] = {2.385, -0.731, 0.0, 1.25e-3};
static const double g1[4] = {0.417, 1.9, -0.33, -2.75e-2};

Test(f32, sgd_matches_the_rule)
{
    float w[4], v[4] = {0}, g[4];
    for (int i = 0; i < 4; i++) {
        w[i] = (float)w0[i];
        g[i] = (float)g1[i];
    }
    f32_sgd_step(w, g, v, 4, 0.1f, 0.9f, 0.01f, OPT_WD_COUPLED);
    for (int i = 0; i < 4; i++) {
        float ref = (float)w0[i] - 0.1f * (g[i] + 0.01f * (float)w0[i]);
        cr_assert_eq(w[i], ref);
    }
    /* momentum without weight decay: the separate loop, same bits as the rule */
    float wf[4], vf[4] = {0.125f, -0.5f, 0.0f, 2.0f}, gf[4], wfr[4], vfr[4];
    for (int i = 0; i < 4; i++) {
        wf[i] = wfr[i] = (float)w0[i];
        gf[i] = (float)g1[i];
        vfr[i] = vf[i];
    }
    f32_sgd_step(wf, gf, vf, 4, 0.05f, 0.9f, 0.0f, OPT_WD_COUPLED);
    for (int i = 0; i < 4; i++) {
        vfr[i] = 0.9f * vfr[i] + gf[i];
        wfr[i] -= 0.05f * vfr[i];
    }
    cr_assert_eq(memcmp(wf, wfr, sizeof wf), 0);
    cr_assert_eq(memcmp(vf, vfr, sizeof vf), 0);
}

/* ------------------------------------------------------------ ternary */

Test(f32, ternary_edge_cases)
{
    int8_t T[8];
    float Wz[5] = {0}, Qz[5];
    cr_assert_eq(f32_tern_quantize(T, Qz, Wz, 5, 0.0f, TERN_FLOOR), 0.0f);
    for (int i = 0; i < 5; i++)
        cr_assert(T[i] == 0 && Qz[i] == 0.0f);
    /* mean|W| = 1: ties round to even, as nearbyint */
    float W2[8] = {0.5f, -0.5f, 1.5f, -1.5f, 0.5f, 0.5f, 2.5f, 0.5f}, Q2[8];
    int8_t expect[8] = {0, 0, 1, -1, 0, 0, 1, 0};
    cr_assert_eq(f32_tern_quantize(T, Q2, W2, 8, 0.0f, TERN_FLOOR), 1.0f);
    for (int i = 0; i < 8; i++) {
        cr_assert_eq(T[i], expect[i]);
        cr_assert_eq(Q2[i], (float)expect[i]);
    }
    /* huge values: the double accumulator does not overflow */
    float Wh[4] = {3e38f, 3e38f, -3e38f, 1.0f}, Qh[4];
    int8_t e[4] = {1, 1, -1, 0};
    cr_assert(isfinite(f32_tern_quantize(T, Qh, Wh, 4, TERN_EPS, TERN_FLOOR)));
    for (int i = 0; i < 4; i++)
        cr_assert(T[i] == e[i] && isfinite(Qh[i]));
    /* one NaN: NaN scale, every code 0 */
    float Wn[3] = {1.0f, NAN, -2.0f};
    cr_assert(isnan(f32_tern_quantize(T, NULL, Wn, 3, TERN_EPS, TERN_FLOOR)));
    cr_assert(T[0] == 0 && T[1] == 0 && T[2] == 0);
}

Test(f32, ternary_matches_nearbyint)
{
    rng_t r;
    rng_seed(&r, 6, 1);
    enum { n = 4096 };
    static float W[n], Q[n];
    static int8_t T[n];
    for (int i = 0; i < n; i++)
        W[i] = (float)(0.8 * rng_normal(&r));
    static double Wd[n];
    for (int i = 0; i < n; i++)
        Wd[i] = W[i];
    float d = f32_tern_quantize(T, Q, W, n, TERN_EPS, TERN_FLOOR);
    /* the same double sum, in the same order, as the library's absmean */
    cr_assert_eq(d, (float)tern_absmean(Wd, n));
    for (int i = 0; i < n; i++) {
        float x = W[i] / d;
        float rr = nearbyintf(x);
        int e = rr > 1.0f ? 1 : rr < -1.0f ? -1 : (int)rr;
        cr_assert_eq(T[i], e, "W %g / d %g = %g", W[i], d, x);
        cr_assert_eq(Q[i], d * (float)e);
    }
}

/* With the floor above mean|W| the scale is eps exactly, so weights a few
 * ulps either side of d/2 and 3d/2 test the division-free codes across the
 * float range. */
Test(f32, ternary_threshold_exact_near_ties)
{
    rng_t r;
    rng_seed(&r, 9, 2);
    enum { n = 64 };
    float Wf[n], Qf[n];
    int8_t T[n];
    for (int trial = 0; trial < 400; trial++) {
        float epsf = (float)exp((rng_uniform(&r) - 0.5) * 160.0);
        memset(Wf, 0, sizeof Wf);
        int k = 0;
        for (int m = 1; m <= 3; m += 2)
            for (int s = -1; s <= 1; s += 2)
                for (int u = -2; u <= 2; u++) {
                    float w = s * m * 0.5f * epsf;
                    for (int j = 0; j < (u < 0 ? -u : u); j++)
                        w = nextafterf(w, u < 0 ? 0.0f : s * INFINITY);
                    Wf[k++] = w;
                }
        float df = f32_tern_quantize(T, Qf, Wf, n, epsf, TERN_FLOOR);
        cr_assert_eq(df, epsf);
        for (int i = 0; i < n; i++) {
            float rr = nearbyintf(Wf[i] / df);
            int e = rr > 1.0f ? 1 : rr < -1.0f ? -1 : (int)rr;
            cr_assert_eq(T[i], e, "d %a, W %a: code %d, expected %d", df, Wf[i], T[i], e);
            cr_assert_eq(Qf[i], df * (float)e);
        }
    }
}

/* ------------------------------------------------------------ the float MLP */

/* The twin computes the double MLP's loss and gradient to float accuracy. */
Test(f32, mlp_twin_matches_double)
{
    enum { B = 7 };
    mlp_spec_t s = {.depth = 3, .dims = {20, 16, 12, 5}, .act = MLP_RELU, .bias = 1,
                    .out_bias = 1, .max_batch = B};
    mlp_t m;
    mlpf_t mf;
    cr_assert_eq(mlp_create(&m, &s), 0);
    cr_assert_eq(mlpf_create(&mf, &s), 0);
    cr_assert_eq(mf.n_params, m.n_params);
    rng_t r;
    rng_seed(&r, 12, 1);
    mlp_init_uniform(&m, &r);
    for (size_t i = 0; i < m.n_params; i++)
        m.theta[i] = mf.theta[i] = (float)m.theta[i];
    double x[B * 20];
    int y[B];
    fill(x, B * 20, &r, 1.0, 0.0);
    for (int i = 0; i < B * 20; i++)
        x[i] = mf.act[0][i] = (float)x[i];
    for (int i = 0; i < B; i++)
        y[i] = (int)rng_below(&r, 5);
    double L = mlp_train_batch(&m, x, y, B, NULL);
    double Lf = mlpf_train_batch(&mf, y, B);
    cr_assert_leq(fabs(L - Lf), 1e-5 * L, "loss %.9g vs %.9g", L, Lf);
    double gmax = 0, err = 0;
    for (size_t i = 0; i < m.n_params; i++) {
        gmax = fmax(gmax, fabs(m.grad[i]));
        err = fmax(err, fabs(m.grad[i] - mf.grad[i]));
    }
    cr_assert_leq(err, 1e-5 * gmax, "gradient error %g of %g", err, gmax);
    /* the layout is the table's: W[l], b[l] at the same offsets */
    for (int l = 0; l < 3; l++) {
        cr_assert_eq(mf.W[l] - mf.theta, m.W[l] - m.theta);
        cr_assert_eq(mf.b[l] - mf.theta, m.b[l] - m.theta);
    }
    s.act = MLP_TANH;
    mlpf_t bad;
    cr_assert_eq(mlpf_create(&bad, &s), -1);
    mlpf_free(&mf);
    mlp_free(&m);
}
