/* audit.c: chapter 6's symmetry audit (E1).  For each
 * quantizer granularity and each latent transformation of the weights it
 * measures, on a batch of Fashion-MNIST test images:
 *
 *   dz     max over samples of the spread over classes of the change of the
 *          logits (what softmax sees): is the latent orbit a symmetry of the
 *          quantized network?
 *   codes  fraction of ternary codes the transformation changes;
 *   qres   |<xi(V), dl/dV>| / (|xi| |dl/dV|) at V = Q(W): the Noether
 *          identity in Q-space (Kunin et al. 2021 for the generators);
 *   leak   |<xi(W), u>| / (|xi(W)| |u|) with u the latent update direction
 *          (identity STE, or TTQ's scaled STE): does the latent charge move
 *          at first order?  (The chapter's Noether lemma, eq. lemma: d C/dt = -<xi(W), u>.)
 *
 * Transformations: scale W1 -> c W1 (Net A, c = 1.7); layerwise rescale
 * W1 -> a W1, W2 -> W2 / a and per-neuron rescale with a_i = 1.7^{u_i},
 * u_i ~ U(-1, 1) (Net B); translation of the logit layer W2 -> W2 + 1 v^T
 * (Net B).  Generators xi: W1; (W1 rows, -W2 columns) per unit or summed;
 * the constant 1 v^T.
 *
 * It also runs the bit-exact class test on Net A: (W0, eta) against
 * (2 W0, 4 eta) for 200 steps, and (1.7 W0, 1.7^2 eta), counting code arrays
 * that differ. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/args.h"
#include "core/idx.h"
#include "core/rng.h"
#include "core/tsv.h"
#include "core/util.h"
#include "nn/optim.h"
#include "nn/qnet.h"
#include "experiments/ch6/lib/ch6.h"

#define NQ 6
#define NT 4
#define B 64

static const char *qlabel[NQ] = {"fp", "tensor", "row", "matched", "twn", "ttq"};
static const char *tlabel[NT] = {"scale", "layer", "neuron", "translate"};

static void specs(int iq, quant_spec *q)
{
    quant_kind k1[NQ] = {QUANT_FP, QUANT_TENSOR, QUANT_ROW, QUANT_ROW, QUANT_TWN, QUANT_TTQ};
    quant_kind k2[NQ] = {QUANT_FP, QUANT_TENSOR, QUANT_ROW, QUANT_COL, QUANT_TWN, QUANT_TTQ};
    /* TTQ-like: threshold 0.05 max|W| (Zhu et al. 2017's t), fixed scales
     * chosen near the mean |W| of the layers at initialisation */
    q[0] = (quant_spec){k1[iq], 0.05, 0.02, 0.03};
    q[1] = (quant_spec){k2[iq], 0.05, 0.04, 0.05};
    q[2] = (quant_spec){QUANT_FP, 0, 0, 0};
}

static void copy_w(qnet_t *dst, const qnet_t *src)
{
    for (int l = 0; l < src->L; l++) memcpy(dst->W[l], src->W[l], src->n[l] * sizeof(double));
}

/* Largest change of the logits that softmax can see: per sample, the spread
 * max_c dz - min_c dz of the change (a shift common to all classes drops out). */
static double logit_change(const double *a, const double *b, int n, int C)
{
    double m = 0;
    for (int r = 0; r < n; r++) {
        double lo = INFINITY, hi = -INFINITY;
        for (int c = 0; c < C; c++) {
            double d = b[(size_t)r * C + c] - a[(size_t)r * C + c];
            if (d < lo) lo = d;
            if (d > hi) hi = d;
        }
        if (hi - lo > m) m = hi - lo;
    }
    return m;
}

typedef struct {
    const char *out;
    long seed;
} opts_t;

typedef struct {
    double dz, codes, qres, leak;
} audit_t;

/* Quantizer iq, transformation it, on a batch (x, y) of B test images. */
static audit_t audit_one(int iq, int it, const double *x, const int *y, int D, long seed)
{
    const int H = 128, C = 10;
    quant_spec q[3];
    specs(iq, q);
    int netA = it == 0;
    int dims[4] = {D, H, netA ? H : C, C};
    int L = netA ? 3 : 2;
    qnet_t m, m2;
    if (qnet_init(&m, dims, L, netA, q, B))
        die("cannot build the network");
    if (qnet_init(&m2, dims, L, netA, q, B))
        die("cannot build the network");
    rng_t r;
    rng_seed(&r, (uint64_t)seed, 1);
    qnet_init_weights(&m, &r, 1.0);
    qnet_quantize(&m);
    const double *z = qnet_forward(&m, x, B);
    double *z0 = xmalloc((size_t)B * C * sizeof(double));
    memcpy(z0, z, (size_t)B * C * sizeof(double));
    qnet_grad(&m, x, y, B, NULL);
    /* latent update directions u (identity or scaled STE) */
    double *u[2];
    for (int l = 0; l < 2; l++) {
        u[l] = xmalloc(m.n[l] * sizeof(double));
        quant_latent_grad(&m.q[l], u[l], m.g[l], m.T[l], m.n[l]);
    }
    /* the transformation */
    copy_w(&m2, &m);
    rng_t rt;
    rng_seed(&rt, (uint64_t)seed, 5);
    double *alpha = xmalloc((size_t)H * sizeof(double));
    for (int i = 0; i < H; i++)
        alpha[i] = it == 2 ? pow(1.7, 2 * rng_uniform(&rt) - 1) : 1.7;
    double *v = xmalloc((size_t)H * sizeof(double));
    for (int j = 0; j < H; j++) v[j] = 0.05 * rng_normal(&rt);
    if (it == 0) {
        for (size_t k = 0; k < m.n[0]; k++) m2.W[0][k] *= 1.7;
    } else if (it == 1 || it == 2) {
        for (int i = 0; i < H; i++)
            for (int j = 0; j < D; j++) m2.W[0][(size_t)i * D + j] *= alpha[i];
        for (int c = 0; c < C; c++)
            for (int i = 0; i < H; i++) m2.W[1][(size_t)c * H + i] /= alpha[i];
    } else {
        for (int c = 0; c < C; c++)
            for (int j = 0; j < H; j++) m2.W[1][(size_t)c * H + j] += v[j];
    }
    qnet_quantize(&m2);
    const double *z2 = qnet_forward(&m2, x, B);
    double dz = logit_change(z0, z2, B, C);
    size_t changed = 0, total = 0;
    for (int l = 0; l < (netA ? 2 : L); l++) {
        for (size_t k = 0; k < m.n[l]; k++) changed += m.T[l][k] != m2.T[l][k];
        total += m.n[l];
    }
    /* Noether identity in Q-space and the latent leak */
    double qres = 0, leak = 0;
    if (it == 0) {
        size_t n = m.n[0];
        qres = fabs(qnet_dot(m.Q[0], m.g[0], n)) / sqrt(qnet_dot(m.Q[0], m.Q[0], n) * qnet_dot(m.g[0], m.g[0], n));
        leak = fabs(qnet_dot(m.W[0], u[0], n)) / sqrt(qnet_dot(m.W[0], m.W[0], n) * qnet_dot(u[0], u[0], n));
    } else if (it == 3) {
        /* xi = 1 v^T on W2 (constant): <xi, g> = sum_j v_j sum_c g[c,j] */
        double sg = 0, su = 0, nx = 0, ng = 0, nu = 0;
        for (int c = 0; c < C; c++)
            for (int j = 0; j < H; j++) {
                size_t k = (size_t)c * H + j;
                sg += v[j] * m.g[1][k]; su += v[j] * u[1][k];
                nx += v[j] * v[j]; ng += m.g[1][k] * m.g[1][k]; nu += u[1][k] * u[1][k];
            }
        qres = fabs(sg) / sqrt(nx * ng);
        leak = fabs(su) / sqrt(nx * nu);
    } else {
        /* per unit: <V1_i, g1_i> - <V2_i, g2_i>; layerwise: summed over i */
        double sq = 0, sqn = 0, sl = 0, sln = 0;
        for (int i = 0; i < H; i++) {
            double q1 = 0, q2 = 0, w1 = 0, w2 = 0, nq1 = 0, nq2 = 0, ng1 = 0, ng2 = 0,
                   nw1 = 0, nw2 = 0, nu1 = 0, nu2 = 0;
            for (int j = 0; j < D; j++) {
                size_t k = (size_t)i * D + j;
                q1 += m.Q[0][k] * m.g[0][k]; w1 += m.W[0][k] * u[0][k];
                nq1 += m.Q[0][k] * m.Q[0][k]; ng1 += m.g[0][k] * m.g[0][k];
                nw1 += m.W[0][k] * m.W[0][k]; nu1 += u[0][k] * u[0][k];
            }
            for (int c = 0; c < C; c++) {
                size_t k = (size_t)c * H + i;
                q2 += m.Q[1][k] * m.g[1][k]; w2 += m.W[1][k] * u[1][k];
                nq2 += m.Q[1][k] * m.Q[1][k]; ng2 += m.g[1][k] * m.g[1][k];
                nw2 += m.W[1][k] * m.W[1][k]; nu2 += u[1][k] * u[1][k];
            }
            double sc = sqrt(nq1 * ng1) + sqrt(nq2 * ng2);
            double sw = sqrt(nw1 * nu1) + sqrt(nw2 * nu2);
            if (it == 2) {
                if (sc > 0 && fabs(q1 - q2) / sc > qres) qres = fabs(q1 - q2) / sc;
                if (sw > 0 && fabs(w1 - w2) / sw > leak) leak = fabs(w1 - w2) / sw;
            } else {
                sq += q1 - q2; sqn += sc; sl += w1 - w2; sln += sw;
            }
        }
        if (it == 1) { qres = fabs(sq) / sqn; leak = fabs(sl) / sln; }
    }
    audit_t A = {dz, iq == 0 ? 0.0 : (double)changed / total, qres, leak};
    free(z0); free(u[0]); free(u[1]); free(alpha); free(v);
    qnet_free(&m);
    qnet_free(&m2);
    return A;
}

/* excerpt: audit_bitexact */
/* Bit-exact equivalence class on Net A with ternary W1, W2 per tensor:
 * (W0, eta) ~ (c W0, c^2 eta), W3 and its rate untouched. */
static void bitexact(tsv_t *t, const dataset_t *te, long seed)
{
    const int D = te->d, H = 128, C = 10;
    double cs[2] = {2.0, 1.7};
    for (int ic = 0; ic < 2; ic++) {
        double c = cs[ic], eta = 0.05;
        quant_spec q[3] = {{QUANT_TENSOR, 0, 0, 0}, {QUANT_TENSOR, 0, 0, 0}, {QUANT_FP, 0, 0, 0}};
        int dims[4] = {D, H, H, C};
        qnet_t ma, mb;
        if (qnet_init(&ma, dims, 3, 1, q, B))
            die("cannot build the network");
        if (qnet_init(&mb, dims, 3, 1, q, B))
            die("cannot build the network");
        rng_t r;
        rng_seed(&r, (uint64_t)seed, 1);
        qnet_init_weights(&ma, &r, 1.0);
        copy_w(&mb, &ma);
        for (int l = 0; l < 2; l++)
            for (size_t k = 0; k < ma.n[l]; k++) mb.W[l][k] *= c;
        int differ = 0, first = -1, steps = 200;
        for (int k = 0; k < steps; k++) {
            qnet_quantize(&ma);
            qnet_quantize(&mb);
            for (int l = 0; l < 3; l++)
                if (memcmp(ma.T[l], mb.T[l], ma.n[l]) != 0) {
                    differ++;
                    if (first < 0) first = k;
                }
            const double *xb = te->x + (size_t)((k * B) % (te->n - B)) * D;
            const int *yb = te->y + (k * B) % (te->n - B);
            qnet_grad(&ma, xb, yb, B, NULL);
            qnet_grad(&mb, xb, yb, B, NULL);
            for (int l = 0; l < 3; l++) {
                double sa = eta, sb = l < 2 ? c * c * eta : eta;   /* W3: same rate */
                opt_sgd_step(ma.W[l], ma.g[l], NULL, ma.n[l], sa, 0, 0, OPT_WD_COUPLED);
                opt_sgd_step(mb.W[l], mb.g[l], NULL, mb.n[l], sb, 0, 0, OPT_WD_COUPLED);
            }
        }
        double werr = 0, wmax = 0;
        for (int l = 0; l < 2; l++)
            for (size_t k = 0; k < ma.n[l]; k++) {
                double e = fabs(mb.W[l][k] - c * ma.W[l][k]);
                if (e > werr) werr = e;
                if (fabs(mb.W[l][k]) > wmax) wmax = fabs(mb.W[l][k]);
            }
        werr /= wmax;
        char key[64];
        snprintf(key, sizeof key, "bitexact_c%s_arrays_differing", ic == 0 ? "2" : "17");
        tsv_kv(t, key, differ);
        snprintf(key, sizeof key, "bitexact_c%s_first_step", ic == 0 ? "2" : "17");
        tsv_kv(t, key, first);
        snprintf(key, sizeof key, "bitexact_c%s_latent_rel_err", ic == 0 ? "2" : "17");
        tsv_kv(t, key, werr);
        qnet_free(&ma);
        qnet_free(&mb);
    }
}
/* end excerpt */

/* Why c = 1.7 is not bit-exact: 8-bit pixels times ternary codes make
 * exact zeros of the first pre-activation (an integer sum that cancels),
 * and round-off decides which side of the ReLU kink they fall on. */
static void relu_zeros(tsv_t *t, const dataset_t *te, long seed)
{
    const int D = te->d, H = 128, C = 10;
    quant_spec q[3] = {{QUANT_TENSOR, 0, 0, 0}, {QUANT_TENSOR, 0, 0, 0}, {QUANT_FP, 0, 0, 0}};
    int dims[4] = {D, H, H, C};
    qnet_t m;
    ch6_build(&m, dims, 3, 1, q, B, 1.0, seed, NULL, NULL, 0);
    qnet_quantize(&m);
    size_t ties = 0, total = 0;
    for (int s0 = 0; s0 + B <= 2048; s0 += B) {
        qnet_forward(&m, te->x + (size_t)s0 * D, B);
        for (size_t k = 0; k < (size_t)B * H; k++) {
            /* |z| below 1e-12 of the row's scale: zero up to round-off */
            ties += fabs(m.z[0][k]) < 1e-12;
            total++;
        }
    }
    tsv_kv(t, "relu_zero_fraction", (double)ties / total);
    tsv_kv(t, "relu_zero_per_image", (double)ties / 2048);
    tsv_kv(t, "images_per_relu_zero", ties ? 2048.0 / ties : NAN);
    qnet_free(&m);
}

static const char about[] =
    "Symmetry audit of the quantized networks (chapter 6, E1).";

static const arg_spec_t options[] = {
    ARG_STRING(opts_t, out, ARG_REQUIRED, "output file (key/value)"),
    ARG_LONG(opts_t, seed, "3", "seed (PCG32 streams 1 weights, 5 transformations)"),
    ARG_END
};

int main(int argc, char **argv)
{
    opts_t o;
    args_parse(options, &o, argc, argv, about);
    const long seed = o.seed;
    dataset_t te;
    ch6_load(&te, "test");

    tsv_t *t = tsv_create(o.out, argc, argv);
    tsv_comment(t, "seed %ld; batch of the first %d test images; Net A 784-128-128-10 (scale), "
                "Net B 784-128-10 (rescale, translation); c = alpha = 1.7", seed, B);
    tsv_comment(t, "keys: dz_Q_T, codes_Q_T, qres_Q_T, leak_Q_T for quantizer Q and transformation T");
    tsv_columns(t, "key\tvalue");

    double qres_max = 0, codes_inv = 0;   /* codes changed where the network is invariant */
    for (int iq = 0; iq < NQ; iq++)
        for (int it = 0; it < NT; it++) {
            audit_t A = audit_one(iq, it, te.x, te.y, te.d, seed);
            if (A.qres > qres_max) qres_max = A.qres;
            if (iq > 0 && A.dz < 1e-12 && A.codes > codes_inv) codes_inv = A.codes;
            char key[64];
            snprintf(key, sizeof key, "dz_%s_%s", qlabel[iq], tlabel[it]);
            tsv_kv(t, key, A.dz);
            snprintf(key, sizeof key, "codes_%s_%s", qlabel[iq], tlabel[it]);
            tsv_kv(t, key, A.codes);
            snprintf(key, sizeof key, "qres_%s_%s", qlabel[iq], tlabel[it]);
            tsv_kv(t, key, A.qres);
            snprintf(key, sizeof key, "leak_%s_%s", qlabel[iq], tlabel[it]);
            tsv_kv(t, key, A.leak);
        }
    tsv_kv(t, "qres_max", qres_max);
    tsv_kv(t, "codes_changed_where_invariant", codes_inv);
    bitexact(t, &te, seed);
    tsv_kv(t, "bitexact_steps", 200);
    relu_zeros(t, &te, seed);
    tsv_finish(t);
    dataset_free(&te);
    return 0;
}
