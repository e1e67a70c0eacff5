/* test_ternary_laws.c: the exact laws of chapter 6 for identity-STE
 * training of ternary networks (brief ternary.md, section 3), each step, in
 * double, on small nets with synthetic data:
 *   - Q-space Euler identity <Q(W), g> = 0 for a scale-invariant layer;
 *   - scale law  |W'|^2 = (1-eta lam)^2 |W|^2 + eta^2 |g|^2 - 2 eta (1-eta lam) <W-Q, g>
 *     (Kunin et al. 2021's scale recursion plus the quantization source);
 *   - balancedness recursion per hidden unit (section 3.5);
 *   - bit-exact class (W0, eta) ~ (2 W0, 4 eta): identical codes for 200 steps;
 *   - softmax translation charge (column sums of the logit layer) conserved
 *     at round-off by identity-STE SGD (with momentum, with weight decay),
 *     broken by a masked STE and by Adam;
 *   - the Q-space gradient against central differences. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "nn/gradcheck.h"
#include "nn/layers.h"
#include "nn/optim.h"
#include "nn/qnet.h"

#define BATCH 32

static void synth(double *x, int *y, int B, int d, int C, uint64_t seed)
{
    rng_t r;
    rng_seed(&r, seed, 7);
    for (int i = 0; i < B * d; i++) x[i] = rng_uniform(&r) < 0.3 ? 0.0 : rng_uniform(&r);
    for (int i = 0; i < B; i++) y[i] = (int)rng_below(&r, (uint32_t)C);
}

static void make_net(qnet_t *m, const int *dims, int L, int rms, quant_kind k1, quant_kind k2,
                     quant_kind k3, double sigma, uint64_t seed)
{
    quant_spec q[3] = {{k1, 0.05, 0.3, 0.3}, {k2, 0.05, 0.3, 0.3}, {k3, 0.05, 0.3, 0.3}};
    cr_assert_eq(qnet_init(m, dims, L, rms, q, BATCH), 0);
    rng_t r;
    rng_seed(&r, seed, 1);
    qnet_init_weights(m, &r, sigma);
}

/* ---------------------------------------------------------------- scale law */

static void check_scale_law(quant_kind kind, double eta, double lam)
{
    int dims[4] = {40, 24, 16, 5};
    qnet_t m;
    make_net(&m, dims, 3, 1, kind, kind, QUANT_FP, 1.0, 11);
    double x[BATCH * 40];
    int y[BATCH];
    double worst = 0.0, worst_euler = 0.0, worst_nm = 0.0;
    for (int k = 0; k < 300; k++) {
        synth(x, y, BATCH, 40, 5, 100 + k);
        qnet_quantize(&m);
        qnet_grad(&m, x, y, BATCH, NULL);
        for (int l = 0; l < 2; l++) {
            size_t n = m.n[l];
            double N = qnet_dot(m.W[l], m.W[l], n), g2 = qnet_dot(m.g[l], m.g[l], n);
            double Rg = qnet_dot_resid(m.W[l], m.Q[l], m.g[l], n);
            double Qg = qnet_dot(m.Q[l], m.g[l], n);
            double e = fabs(Qg) / (sqrt(qnet_dot(m.Q[l], m.Q[l], n)) * sqrt(g2));
            if (e > worst_euler) worst_euler = e;
            double pred = (1 - eta * lam) * (1 - eta * lam) * N + eta * eta * g2
                        - 2 * eta * (1 - eta * lam) * Rg;
            double nm = (1 - eta * lam) * (1 - eta * lam) * N + eta * eta * g2;
            opt_sgd_step(m.W[l], m.g[l], NULL, n, eta, 0.0, lam, OPT_WD_COUPLED);
            double Nn = qnet_dot(m.W[l], m.W[l], n);
            double rel = fabs(Nn - pred) / Nn;
            if (rel > worst) worst = rel;
            if (fabs(Nn - nm) / Nn > worst_nm) worst_nm = fabs(Nn - nm) / Nn;
        }
        opt_sgd_step(m.W[2], m.g[2], NULL, m.n[2], eta, 0.0, lam, OPT_WD_COUPLED);
    }
    cr_expect(worst <= 1e-12, "%s: scale law relative error %.3g", quant_name(kind), worst);
    cr_expect(worst_euler <= 1e-13, "%s: <Q,g>/(|Q||g|) = %.3g", quant_name(kind), worst_euler);
    /* The quantization source is what makes the law hold: without it (the
     * full-precision recursion of Neural Mechanics) a ternary layer misses by
     * far more than round-off. */
    if (kind == QUANT_FP)
        cr_expect(worst_nm <= 1e-12, "fp: Neural Mechanics recursion error %.3g", worst_nm);
    else
        cr_expect(worst_nm > 1e-8, "%s: recursion without the source misses by only %.3g",
                  quant_name(kind), worst_nm);
    qnet_free(&m);
}

Test(ternary_laws, scale_law_per_tensor) { check_scale_law(QUANT_TENSOR, 0.2, 0.0); }
Test(ternary_laws, scale_law_per_tensor_wd) { check_scale_law(QUANT_TENSOR, 0.1, 0.05); }
Test(ternary_laws, scale_law_per_row) { check_scale_law(QUANT_ROW, 0.2, 0.01); }
Test(ternary_laws, scale_law_twn) { check_scale_law(QUANT_TWN, 0.2, 0.0); }
Test(ternary_laws, scale_law_full_precision) { check_scale_law(QUANT_FP, 0.2, 0.01); }

/* ---------------------------------------------------------- balancedness */

static void check_balance(quant_kind k1, quant_kind k2, double eta, double lam)
{
    int dims[3] = {30, 12, 6};
    qnet_t m;
    make_net(&m, dims, 2, 0, k1, k2, QUANT_FP, 1.0, 21);
    int H = 12, D = 30, C = 6;
    double x[BATCH * 30];
    int y[BATCH];
    double worst = 0.0, worst_id = 0.0, leak = 0.0;
    for (int k = 0; k < 300; k++) {
        synth(x, y, BATCH, D, C, 500 + k);
        qnet_quantize(&m);
        qnet_grad(&m, x, y, BATCH, NULL);
        double Cb[12], scl[12], pred[12];
        for (int i = 0; i < H; i++) {
            double w1 = 0, w2 = 0, r1 = 0, r2 = 0, g1 = 0, g2 = 0, q1 = 0, q2 = 0;
            for (int j = 0; j < D; j++) {
                size_t a = (size_t)i * D + j;
                w1 += m.W[0][a] * m.W[0][a];
                r1 += (m.W[0][a] - m.Q[0][a]) * m.g[0][a];
                g1 += m.g[0][a] * m.g[0][a];
                q1 += m.Q[0][a] * m.g[0][a];
            }
            for (int c = 0; c < C; c++) {
                size_t a = (size_t)c * H + i;
                w2 += m.W[1][a] * m.W[1][a];
                r2 += (m.W[1][a] - m.Q[1][a]) * m.g[1][a];
                g2 += m.g[1][a] * m.g[1][a];
                q2 += m.Q[1][a] * m.g[1][a];
            }
            double e = fabs(q1 - q2) / (fabs(q1) + fabs(q2) + 1e-300);
            if ((fabs(q1) + fabs(q2)) > 1e-12 && e > worst_id) worst_id = e;
            Cb[i] = w1 - w2;
            scl[i] = w1 + w2;
            pred[i] = Cb[i] - (2 * eta * lam - eta * eta * lam * lam) * Cb[i]
                    - 2 * eta * (1 - eta * lam) * (r1 - r2) + eta * eta * (g1 - g2);
            leak += fabs(2 * eta * (r1 - r2));
        }
        opt_sgd_step(m.W[0], m.g[0], NULL, m.n[0], eta, 0.0, lam, OPT_WD_COUPLED);
        opt_sgd_step(m.W[1], m.g[1], NULL, m.n[1], eta, 0.0, lam, OPT_WD_COUPLED);
        for (int i = 0; i < H; i++) {
            double c = 0;
            for (int j = 0; j < D; j++) c += m.W[0][(size_t)i * D + j] * m.W[0][(size_t)i * D + j];
            for (int cc = 0; cc < C; cc++) c -= m.W[1][(size_t)cc * H + i] * m.W[1][(size_t)cc * H + i];
            double rel = fabs(c - pred[i]) / scl[i];
            if (rel > worst) worst = rel;
        }
    }
    cr_expect(worst <= 1e-12, "%s/%s: balancedness recursion error %.3g", quant_name(k1),
              quant_name(k2), worst);
    cr_expect(worst_id <= 1e-10, "%s/%s: Q-space rescale identity %.3g", quant_name(k1),
              quant_name(k2), worst_id);
    if (k1 == QUANT_FP) cr_expect(leak == 0.0);
    else cr_expect(leak > 1e-3, "%s/%s: quantization leak %.3g", quant_name(k1), quant_name(k2), leak);
    qnet_free(&m);
}

Test(ternary_laws, balance_full_precision) { check_balance(QUANT_FP, QUANT_FP, 0.1, 0.01); }
Test(ternary_laws, balance_per_tensor) { check_balance(QUANT_TENSOR, QUANT_TENSOR, 0.1, 0.0); }
Test(ternary_laws, balance_per_row) { check_balance(QUANT_ROW, QUANT_ROW, 0.1, 0.02); }
Test(ternary_laws, balance_matched) { check_balance(QUANT_ROW, QUANT_COL, 0.1, 0.0); }

/* ---------------------------------------------------------- bit-exact class */

/* excerpt: bitexact */
Test(ternary_laws, bit_exact_scaling_class)
{
    /* Net A at full width; W1, W2 ternary per tensor (scale-invariant), W3
     * full precision with its learning rate unchanged.  Run b starts from
     * 2 W0 with 4 eta on W1, W2: every code array must agree for 200 steps. */
    int dims[4] = {784, 128, 128, 10};
    qnet_t a, b;
    make_net(&a, dims, 3, 1, QUANT_TENSOR, QUANT_TENSOR, QUANT_FP, 1.0, 31);
    make_net(&b, dims, 3, 1, QUANT_TENSOR, QUANT_TENSOR, QUANT_FP, 1.0, 31);
    for (int l = 0; l < 2; l++)
        for (size_t k = 0; k < b.n[l]; k++) b.W[l][k] *= 2.0;
    double *x = xmalloc(sizeof(double) * BATCH * 784);
    int y[BATCH];
    double eta = 0.05, eta3 = 0.05;
    int differing = 0;
    for (int k = 0; k < 200; k++) {
        synth(x, y, BATCH, 784, 10, 900 + k);
        qnet_quantize(&a);
        qnet_quantize(&b);
        for (int l = 0; l < 3; l++)
            if (memcmp(a.T[l], b.T[l], a.n[l]) != 0) differing++;
        qnet_grad(&a, x, y, BATCH, NULL);
        qnet_grad(&b, x, y, BATCH, NULL);
        for (int l = 0; l < 2; l++) {
            opt_sgd_step(a.W[l], a.g[l], NULL, a.n[l], eta, 0.0, 0.0, OPT_WD_COUPLED);
            opt_sgd_step(b.W[l], b.g[l], NULL, b.n[l], 4 * eta, 0.0, 0.0, OPT_WD_COUPLED);
        }
        opt_sgd_step(a.W[2], a.g[2], NULL, a.n[2], eta3, 0.0, 0.0, OPT_WD_COUPLED);
        opt_sgd_step(b.W[2], b.g[2], NULL, b.n[2], eta3, 0.0, 0.0, OPT_WD_COUPLED);
    }
    cr_assert_eq(differing, 0, "%d code arrays differ", differing);
    /* and the latent weights are exactly twice as large */
    int latent_bad = 0;
    for (int l = 0; l < 2; l++)
        for (size_t k = 0; k < a.n[l]; k++)
            if (b.W[l][k] != 2.0 * a.W[l][k]) latent_bad++;
    cr_assert_eq(latent_bad, 0);
    cr_assert_eq(memcmp(a.W[2], b.W[2], a.n[2] * sizeof(double)), 0);
    free(x);
    qnet_free(&a);
    qnet_free(&b);
}
/* end excerpt */

/* ------------------------------------------------------ translation charge */

typedef enum { RULE_SGD, RULE_MOMENTUM, RULE_WD, RULE_MASKED, RULE_ADAM } rule_t;

static double translation_drift(rule_t rule, double *scale_out)
{
    int dims[3] = {30, 16, 6};
    qnet_t m;
    make_net(&m, dims, 2, 0, QUANT_TENSOR, QUANT_TENSOR, QUANT_FP, 1.0, 41);
    int H = 16, C = 6, D = 30;
    double x[BATCH * 30];
    int y[BATCH];
    double eta = 0.1, lam = rule == RULE_WD ? 0.01 : 0.0;
    double *v = xcalloc(m.n[1], sizeof(double)), *s = xcalloc(m.n[1], sizeof(double));
    double *v1 = xcalloc(m.n[0], sizeof(double)), *s1 = xcalloc(m.n[0], sizeof(double));
    double *u = xcalloc(m.n[1], sizeof(double));
    double S0[16], drift = 0.0, wmax = 0.0;
    for (int j = 0; j < H; j++) {
        S0[j] = 0;
        for (int c = 0; c < C; c++) S0[j] += m.W[1][(size_t)c * H + j];
    }
    for (int k = 1; k <= 300; k++) {
        synth(x, y, BATCH, D, C, 1300 + k);
        qnet_quantize(&m);
        qnet_grad(&m, x, y, BATCH, NULL);
        switch (rule) {
        case RULE_SGD: case RULE_WD:
            opt_sgd_step(m.W[0], m.g[0], NULL, m.n[0], eta, 0.0, lam, OPT_WD_COUPLED);
            opt_sgd_step(m.W[1], m.g[1], NULL, m.n[1], eta, 0.0, lam, OPT_WD_COUPLED);
            break;
        case RULE_MOMENTUM:
            opt_sgd_step(m.W[0], m.g[0], v1, m.n[0], eta, 0.9, 0.0, OPT_WD_COUPLED);
            opt_sgd_step(m.W[1], m.g[1], v, m.n[1], eta, 0.9, 0.0, OPT_WD_COUPLED);
            break;
        case RULE_MASKED: /* STE masked where |W| > gamma */
            for (size_t a = 0; a < m.n[1]; a++)
                u[a] = fabs(m.W[1][a]) <= m.scale[1][0] ? m.g[1][a] : 0.0;
            opt_sgd_step(m.W[0], m.g[0], NULL, m.n[0], eta, 0.0, 0.0, OPT_WD_COUPLED);
            opt_sgd_step(m.W[1], u, NULL, m.n[1], eta, 0.0, 0.0, OPT_WD_COUPLED);
            break;
        case RULE_ADAM:
            opt_adam_step(m.W[0], m.g[0], v1, s1, m.n[0], k, 0.01, 0.9, 0.999, 1e-8, 0.0, OPT_WD_COUPLED);
            opt_adam_step(m.W[1], m.g[1], v, s, m.n[1], k, 0.01, 0.9, 0.999, 1e-8, 0.0, OPT_WD_COUPLED);
            break;
        }
        double f = pow(1 - eta * lam, k);
        for (int j = 0; j < H; j++) {
            double S = 0;
            for (int c = 0; c < C; c++) S += m.W[1][(size_t)c * H + j];
            if (fabs(S - f * S0[j]) > drift) drift = fabs(S - f * S0[j]);
        }
        for (size_t a = 0; a < m.n[1]; a++)
            if (fabs(m.W[1][a]) > wmax) wmax = fabs(m.W[1][a]);
    }
    free(v); free(s); free(v1); free(s1); free(u);
    qnet_free(&m);
    *scale_out = wmax;
    return drift;
}

Test(ternary_laws, translation_charge)
{
    double w;
    double d = translation_drift(RULE_SGD, &w);
    cr_expect(d <= 1e-13 * w * 300, "identity-STE SGD: drift %.3g (|W|max %.3g)", d, w);
    d = translation_drift(RULE_MOMENTUM, &w);
    cr_expect(d <= 1e-13 * w * 300, "identity STE + momentum: drift %.3g", d);
    d = translation_drift(RULE_WD, &w);
    cr_expect(d <= 1e-13 * w * 300, "identity STE + weight decay: drift %.3g", d);
    d = translation_drift(RULE_MASKED, &w);
    cr_expect(d >= 1e-4 * w, "masked STE should break it: drift %.3g", d);
    d = translation_drift(RULE_ADAM, &w);
    cr_expect(d >= 1e-4 * w, "Adam should break it: drift %.3g", d);
}

/* ------------------------------------------------------- gradient check */

typedef struct {
    qnet_t *m;
    const double *x;
    const int *y;
} loss_ctx;

/* The loss as a function of the dequantized weights Q (gradcheck_fn; the
 * checked Q[l] is perturbed in place). */
static double loss_at(double *grad, const double *Q, void *v)
{
    loss_ctx *c = v;
    const double *z = qnet_forward(c->m, c->x, BATCH);
    return nn_softmax_xent(NULL, z, c->y, BATCH, c->m->dims[c->m->L]);
}

static void check_fd(int rms)
{
    int dims[4] = {12, 9, 7, 4};
    int L = rms ? 3 : 2;
    if (!rms) { dims[2] = 4; }
    qnet_t m;
    make_net(&m, dims, L, rms, QUANT_FP, QUANT_FP, QUANT_FP, 1.0, 51);
    double x[BATCH * 12];
    int y[BATCH];
    synth(x, y, BATCH, 12, dims[L], 77);
    qnet_quantize(&m);
    qnet_grad(&m, x, y, BATCH, NULL);
    loss_ctx c = {&m, x, y};
    gradcheck_opts o = {.h = 1e-5, .floor = 1e-8, .stride = 5};
    double worst = 0;
    for (int l = 0; l < L; l++)
        worst = fmax(worst, gradcheck(loss_at, &c, m.Q[l], m.n[l], m.g[l], &o, NULL));
    cr_expect(worst < 1e-6, "net %s: finite-difference mismatch %.3g", rms ? "A" : "B", worst);
    qnet_free(&m);
}

Test(ternary_laws, gradient_net_a) { check_fd(1); }
Test(ternary_laws, gradient_net_b) { check_fd(0); }

/* ------------------------------------------- activation quantization leak */

Test(ternary_laws, activation_quantization_breaks_rescale_identity)
{
    /* With 8-bit per-token activations before W2 (identity STE), the Q-space
     * rescale identity of unit i picks up exactly
     *   <Q1_i, g1_i> - <Q2_i, g2_i> = sum_b (Q2^T dz2)_{b,i} (h - Qa(h))_{b,i}. */
    int dims[3] = {30, 12, 6};
    qnet_t m;
    make_net(&m, dims, 2, 0, QUANT_TENSOR, QUANT_TENSOR, QUANT_FP, 1.0, 61);
    qnet_set_act_bits(&m, 8);
    double x[BATCH * 30];
    int y[BATCH];
    int H = 12, D = 30, C = 6;
    double worst = 0, largest = 0;
    for (int k = 0; k < 50; k++) {
        synth(x, y, BATCH, D, C, 2000 + k);
        qnet_quantize(&m);
        qnet_grad(&m, x, y, BATCH, NULL);
        for (int i = 0; i < H; i++) {
            double q1 = qnet_dot(m.Q[0] + (size_t)i * D, m.g[0] + (size_t)i * D, D), q2 = 0, act = 0;
            for (int c = 0; c < C; c++) q2 += m.Q[1][(size_t)c * H + i] * m.g[1][(size_t)c * H + i];
            for (int b = 0; b < BATCH; b++) {
                size_t j = (size_t)b * H + i;
                act += m.d2[j] * (m.h[1][j] - m.a[1][j]);
            }
            double sc = fabs(q1) + fabs(q2) + 1e-300;
            double e = fabs((q1 - q2) - act) / sc;
            if (e > worst) worst = e;
            if (fabs(act) / sc > largest) largest = fabs(act) / sc;
        }
        opt_sgd_step(m.W[0], m.g[0], NULL, m.n[0], 0.1, 0, 0, OPT_WD_COUPLED);
        opt_sgd_step(m.W[1], m.g[1], NULL, m.n[1], 0.1, 0, 0, OPT_WD_COUPLED);
    }
    cr_expect(worst <= 1e-12, "activation term mismatch %.3g", worst);
    cr_expect(largest > 1e-6, "activation term too small to test (%.3g)", largest);
    qnet_free(&m);
}
