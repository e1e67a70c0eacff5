/* hvp.c: forward-over-reverse differentiation of a scalar MLP and its exact
 * reverse sweep (see hvp.h for the layout and the cost).
 *
 * Notation for one layer l (k = 1..ntan tangent streams; s1, s2, s3 the first
 * three derivatives of the activation s at z):
 *   forward   z = a_{l-1} W^T + b,  a_l = s(z);      zk = t_{l-1} W^T,  t_l = s1 zk
 *   reverse   zbar = s1 abar_l;  zbark = s2 zk abar_l + s1 abark_l;
 *             abar_{l-1} = zbar W,  abark_{l-1} = zbark W        (abar_D = w, abark_D = 0)
 * so abar_0 = grad_u L and abark_0 = (d2L/du2) t_0k.  The loss adjoint ("hat")
 * runs the reverse part forwards (l = 1..D) and the forward part backwards
 * (l = D..1); s3 appears in the hat of zbark.
 *
 * Everything but the weight gradient is row-local, so the forward (all
 * layers, then the reverse) and the hats run block by block of samples;
 * each product is followed at once by the elementwise step that consumes it.
 * The weight gradients are sums over all rows: each block adds its share,
 * in sample order, as soon as its hats are done. */
#include "nn/hvp.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nn/tile.h"

#pragma GCC diagnostic ignored "-Wpsabi"

/* ------------------------------------------------------- vectors of 8 */

/* Elementwise work runs on GNU C vectors of 8 doubles: the AVX-512 clone of
 * each function below uses one register per vector, the AVX2 clone two,
 * the baseline four.  Elementwise arithmetic is the same IEEE operation in
 * every lane and every clone (no contraction, no reassociation), so the
 * bytes do not depend on which clone runs. */
typedef double vd __attribute__((vector_size(64)));
typedef long long vl __attribute__((vector_size(64)));
typedef double vd_mem __attribute__((vector_size(64), aligned(8)));   /* any address */
enum { VL = 8 };

#define INLINE static inline __attribute__((always_inline))
#define CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#define LD(p) ((vd)(*(const vd_mem *)(p)))
#define ST(p, v) (*(vd_mem *)(p) = (v))

/* (vector helpers take vectors by address: passing them by value draws a
 * note about the ABI of 64-byte arguments that no pragma silences) */
/* x in every lane (+0 for -0, which no caller passes): gcc 12 builds
 * {x, x, ...} lane by lane, but 0 + x with a broadcast */
INLINE vd splat(double x)
{
    vd zero = {0};
    return zero + x;
}
#define SEL(m, a, b) ((vd)(((m) & (vl)(a)) | (~(m) & (vl)(b))))

/* Polynomials by Estrin's scheme: pairs c_i + c_{i+1} x, then pairs of
 * those in x^2, x^4, ...: a few more products than Horner's rule, but a
 * dependency chain of depth log2(n) instead of n, which the CPU overlaps
 * (about twice as fast here).  Horner would round differently; this is the
 * order used. */
#define PAIR(c0, c1, x) (splat(c0) + splat(c1) * (x))

/* e^x - 1 = 2^n (1 + m) - 1 for -700 <= x <= 0 (smaller x is taken as -700):
 * returns m = e^r - 1 and sets *scale = 2^n.
 * Method: x = n ln2 + r, |r| <= ln2/2 (n = round(x / ln2) by adding 1.5 2^52,
 * ln2 in two parts, the high one exact in n ln2); e^r - 1 by its Taylor
 * series to degree 13 (remainder < 5e-18), r added last; 2^n built in the
 * exponent field. */
INLINE vd expm1_parts(const vd *xp, vd *scale)
{
    const vd shift = splat(0x1.8p52), lo = splat(-700.0);
    vd x = SEL(*xp < lo, lo, *xp);
    vd kd = x * splat(1.4426950408889634) + shift;
    vd nd = kd - shift;
    vd r = x - nd * splat(0x1.62e42feep-1);
    r = r - nd * splat(0x1.a39ef35793c76p-33);
    /* e^r - 1 = r + r^2 (1/2! + r/3! + ... + r^11/13!) */
    vd r2 = r * r, r4 = r2 * r2, r8 = r4 * r4;
    vd q1 = PAIR(0.5, 0.16666666666666666, r);
    vd q2 = PAIR(0.041666666666666664, 0.008333333333333333, r);
    vd q3 = PAIR(0.001388888888888889, 0.0001984126984126984, r);
    vd q4 = PAIR(2.48015873015873e-05, 2.7557319223985893e-06, r);
    vd q5 = PAIR(2.755731922398589e-07, 2.505210838544172e-08, r);
    vd q6 = PAIR(2.08767569878681e-09, 1.6059043836821613e-10, r);
    vd tail = (q1 + q2 * r2) + (q3 + q4 * r2) * r4 + (q5 + q6 * r2) * r8;
    *scale = (vd)((((vl)kd - (vl)shift) + 1023) << 52);
    return r + r2 * tail;
}

/* exp(x) = 2^n (1 + m), the 1 added before the scaling (-700 <= x <= 0) */
INLINE vd exp_neg(const vd *xp)
{
    vd scale, m = expm1_parts(xp, &scale);
    return (splat(1.0) + m) * scale;
}

/* tanh(z) = sign(z) (-u) / (2 + u), u = e^{-2|z|} - 1 = 2^n m + (2^n - 1)
 * (2^n - 1 is exact; no cancellation for small |z|, where n = 0). */
INLINE vd tanh_v(const vd *zp)
{
    vd z = *zp, zero = {0};
    vl neg = z < zero;
    vd x = SEL(neg, z + z, -(z + z)), scale, m = expm1_parts(&x, &scale);
    vd u = scale * m + (scale - splat(1.0)), y = -u / (splat(2.0) + u);
    return SEL(neg, -y, y);
}

/* log1p(e) for 0 <= e <= 1.  Method: 1 + e = 2^m y with m = 0 (e <= sqrt2 - 1)
 * or 1, so |w| <= 0.1716 for w = (y - 1)/(y + 1) = e/(2 + e) or (e - 1)/(e + 3);
 * log y = 2 atanh(w) = 2 w (1 + w^2/3 + ... + w^18/19) (remainder < 3e-17
 * relative); m ln2 added in two parts. */
INLINE vd log1p_01(const vd *ep)
{
    vd e = *ep;
    vl big = e > splat(0.41421356237309503);
    vd one = splat(1.0), w = SEL(big, e - one, e) / (e + SEL(big, splat(3.0), splat(2.0)));
    /* 2 atanh(w) = 2w + 2w t (1/3 + t/5 + ... + t^8/19), t = w^2, the 2w added last */
    vd t = w * w, t2 = t * t, t4 = t2 * t2;
    vd q1 = PAIR(0.3333333333333333, 0.2, t), q2 = PAIR(0.14285714285714285, 0.1111111111111111, t);
    vd q3 = PAIR(0.09090909090909091, 0.07692307692307693, t);
    vd q4 = PAIR(0.06666666666666667, 0.058823529411764705, t);
    vd tail = (q1 + q2 * t2) + (q3 + q4 * t2) * t4 + splat(0.05263157894736842) * (t4 * t4);
    vd w2 = w + w, p = w2 + w2 * (t * tail);
    vd zero = {0};
    vd hi = SEL(big, splat(0x1.62e42feep-1), zero), lo = SEL(big, splat(0x1.a39ef35793c76p-33), zero);
    return hi + (lo + p);
}

/* a = s(z) (if need_a) and s1, s2, s3.  Softplus: s1 = logistic(z), s2 =
 * s1 (1 - s1), s3 = s2 (1 - 2 s1), with 1 - s1 formed without cancellation. */
INLINE vd activate(hvp_act act, const vd *zp, vd *d1, vd *d2, vd *d3, int need_a)
{
    const vd zero = splat(0.0), one = splat(1.0), z = *zp;
    if (act == HVP_TANH) {
        vd y = tanh_v(zp), d = one - y * y;
        *d1 = d;
        *d2 = splat(-2.0) * y * d;
        *d3 = splat(-2.0) * d * (one - splat(3.0) * y * y);
        return y;
    }
    vl pos = z >= zero;
    vd mabs = SEL(pos, -z, z), e = exp_neg(&mabs), inv = one / (one + e);
    vd s = SEL(pos, inv, e * inv), sm = SEL(pos, e * inv, inv);
    *d1 = s;
    *d2 = s * sm;
    *d3 = s * sm * (sm - s);
    return need_a ? SEL(z > zero, z, zero) + log1p_01(&e) : zero;
}

/* ------------------------------------------------- elementwise steps */

/* Each step handles samples b0..b1 of layer l >= 1, whole padded rows (ld is
 * a multiple of 8; the padding columns compute harmless values that no
 * product reads).  Arrays above layer 0 hold sample b at row (b - base) S:
 * base = 0 when they hold the whole batch (hvp_forward, hvp_backward), base =
 * b0 when they hold one block (hvp_forward_backward).  NT (the number of
 * tangents) is a literal in each instance, so the stream loops unroll. */

/* After z = x W^T: bias, activation, derivatives; the next layer's inputs
 * (a, t_k = s1 zk), or at the top layer the start of the reverse sweep
 * (zbar = s1 w, zbark = s2 zk w) and, if asked, the value w . a + c. */
INLINE void fwd_step(const int NT, hvp_net_t *n, int l, int b0, int b1, int base, int want_value)
{
    const int S = NT + 1, ld = n->ld[l], top = l == n->depth, need_a = !top || want_value;
    const double *bias = n->bp[l];
    for (int b = b0; b < b1; b++) {
        size_t row = (size_t)(b - base) * S * ld;
        double *z = n->Z[l] + row, *dv = n->dv[l] + (size_t)(b - base) * 3 * ld;
        double *x = top ? n->Zr[l] + row : n->A[l] + row;   /* what this step writes */
        for (int j = 0; j < ld; j += VL) {
            vd zv = LD(z + j) + LD(bias + j), d1, d2, d3;
            ST(z + j, zv);
            vd a = activate(n->act, &zv, &d1, &d2, &d3, need_a);
            ST(dv + j, d1);
            ST(dv + ld + j, d2);
            ST(dv + 2 * ld + j, d3);
            if (!top) {
                ST(x + j, a);
                for (int k = 1; k <= NT; k++)
                    ST(x + k * ld + j, d1 * LD(z + k * ld + j));
            } else {
                vd w = LD(n->wp + j);
                ST(x + j, d1 * w);
                for (int k = 1; k <= NT; k++)
                    ST(x + k * ld + j, d2 * LD(z + k * ld + j) * w);
                if (want_value)
                    ST(n->arow + j, a);
            }
        }
        if (top && want_value) {
            double v = *n->c;
            for (int j = 0; j < n->dims[l]; j++)
                v += n->arow[j] * n->w[j];
            n->value[b] = v;
        }
    }
}

/* After (abar, abark) = (zbar, zbark)_{l+1} W_{l+1}: zbar, zbark of layer l. */
INLINE void rev_step(const int NT, hvp_net_t *n, int l, int b0, int b1, int base)
{
    const int S = NT + 1, ld = n->ld[l];
    for (int b = b0; b < b1; b++) {
        size_t row = (size_t)(b - base) * S * ld;
        const double *ab = n->R[l] + row, *z = n->Z[l] + row;
        const double *dv = n->dv[l] + (size_t)(b - base) * 3 * ld;
        double *zr = n->Zr[l] + row;
        for (int j = 0; j < ld; j += VL) {
            vd d1 = LD(dv + j), a = LD(ab + j);
            ST(zr + j, d1 * a);
            if (NT) {
                vd d2 = LD(dv + ld + j);
                for (int k = 1; k <= NT; k++)
                    ST(zr + k * ld + j, d2 * LD(z + k * ld + j) * a + d1 * LD(ab + k * ld + j));
            }
        }
    }
}

/* Hat of the reverse part at layer l, after (zbar^, zbark^) = (abar^, abark^)_{l-1} W_l^T
 * (in T, rows from b0):
 *   abar^ = s1 zbar^ + sum_k s2 zk zbark^,   abark^ = s1 zbark^,
 *   z^ = s2 abar zbar^ + sum_k (s3 zk abar + s2 abark) zbark^,   zk^ = s2 abar zbark^;
 * at the top layer abar = w, abark = 0 and abar^ is w's gradient (summed
 * over samples in order). */
INLINE void revhat_step(const int NT, hvp_net_t *n, int l, int b0, int b1, int base)
{
    const int S = NT + 1, ld = n->ld[l], top = l == n->depth;
    for (int b = b0; b < b1; b++) {
        size_t row = (size_t)(b - base) * S * ld;
        const double *t = n->T + (size_t)(b - b0) * S * ld, *z = n->Z[l] + row;
        const double *dv = n->dv[l] + (size_t)(b - base) * 3 * ld;
        const double *ab = top ? NULL : n->R[l] + row;
        double *p = n->P[l] + row, *ah = top ? NULL : n->Ah[l] + row;
        for (int j = 0; j < ld; j += VL) {
            vd d1 = LD(dv + j), d2 = LD(dv + ld + j), d3 = LD(dv + 2 * ld + j);
            vd zb = LD(t + j), a = top ? LD(n->wp + j) : LD(ab + j);
            vd abar_h = d1 * zb, z_h = d2 * a * zb;
            for (int k = 1; k <= NT; k++) {
                vd zk = LD(z + k * ld + j), zbk = LD(t + k * ld + j);
                abar_h = abar_h + d2 * zk * zbk;
                if (top) {
                    z_h = z_h + d3 * zk * a * zbk;
                } else {
                    z_h = z_h + (d3 * zk * a + d2 * LD(ab + k * ld + j)) * zbk;
                    ST(ah + k * ld + j, d1 * zbk);
                }
                ST(p + k * ld + j, d2 * a * zbk);
            }
            ST(p + j, z_h);
            if (top)
                ST(n->dwacc + j, LD(n->dwacc + j) + abar_h);
            else
                ST(ah + j, abar_h);
        }
    }
}

/* Hat of a = s(z), t_k = s1 zk at layer l, after (a^, t^_k) = (z^, zk^)_{l+1} W_{l+1}
 * (in T): z^ += s1 a^ + sum_k s2 zk t^_k,  zk^ += s1 t^_k. */
INLINE void fwdhat_step(const int NT, hvp_net_t *n, int l, int b0, int b1, int base)
{
    const int S = NT + 1, ld = n->ld[l];
    for (int b = b0; b < b1; b++) {
        size_t row = (size_t)(b - base) * S * ld;
        const double *t = n->T + (size_t)(b - b0) * S * ld, *z = n->Z[l] + row;
        const double *dv = n->dv[l] + (size_t)(b - base) * 3 * ld;
        double *p = n->P[l] + row;
        for (int j = 0; j < ld; j += VL) {
            vd d1 = LD(dv + j), th = LD(t + j), zh = d1 * th;
            for (int k = 1; k <= NT; k++) {
                vd tk = LD(t + k * ld + j);
                zh = zh + LD(dv + ld + j) * LD(z + k * ld + j) * tk;
                ST(p + k * ld + j, LD(p + k * ld + j) + d1 * tk);
            }
            ST(p + j, LD(p + j) + zh);
        }
    }
}

/* the bias gradient: dbacc[l] += z^ of the value rows of samples b0..b1, in order */
INLINE void bias_step(const int NT, hvp_net_t *n, int l, int b0, int b1, int base)
{
    const int S = NT + 1, ld = n->ld[l];
    double *acc = n->dbacc[l];
    for (int b = b0; b < b1; b++) {
        const double *p = n->P[l] + (size_t)(b - base) * S * ld;
        for (int j = 0; j < ld; j += VL)
            ST(acc + j, LD(acc + j) + LD(p + j));
    }
}

/* Each step in three clones (AVX-512, AVX2, baseline), each calling the
 * step's instance for the network's number of tangents. */
#define EPI(name, step, params, ...)                   \
    CLONES static void name params                     \
    {                                                  \
        switch (n->ntan) {                             \
        case 0: step(0, __VA_ARGS__); break;           \
        case 1: step(1, __VA_ARGS__); break;           \
        default: step(2, __VA_ARGS__); break;          \
        }                                              \
    }
EPI(fwd_epi, fwd_step, (hvp_net_t *n, int l, int b0, int b1, int base, int want_value), n, l, b0,
    b1, base, want_value)
EPI(rev_epi, rev_step, (hvp_net_t *n, int l, int b0, int b1, int base), n, l, b0, b1, base)
EPI(revhat_epi, revhat_step, (hvp_net_t *n, int l, int b0, int b1, int base), n, l, b0, b1, base)
EPI(fwdhat_epi, fwdhat_step, (hvp_net_t *n, int l, int b0, int b1, int base), n, l, b0, b1, base)
EPI(bias_epi, bias_step, (hvp_net_t *n, int l, int b0, int b1, int base), n, l, b0, b1, base)

CLONES void hvp_activation(hvp_act act, int n, const double *z, double *a, double *d1,
                           double *d2, double *d3)
{
    for (int i = 0; i < n; i += VL) {
        int m = n - i < VL ? n - i : VL;
        double zz[VL] = {0}, out[4][VL];
        memcpy(zz, z + i, (size_t)m * sizeof *zz);
        vd v1, v2, v3, vz = LD(zz), va = activate(act, &vz, &v1, &v2, &v3, 1);
        ST(out[0], va);
        ST(out[1], v1);
        ST(out[2], v2);
        ST(out[3], v3);
        double *dst[4] = {a, d1, d2, d3};
        for (int q = 0; q < 4; q++)
            if (dst[q])
                memcpy(dst[q] + i, out[q], (size_t)m * sizeof *zz);
    }
}

/* ------------------------------------------------------------ drivers */

/* samples per block: 24 rows of products, 4 register tiles high */
static int block_of(const hvp_net_t *n) { return 24 / n->S; }

/* Row of sample b in an array of layer l: layer 0 (in, out, out_bar) holds
 * the whole batch, d0 wide; the layers above hold rows from sample base. */
static double *rows(const hvp_net_t *n, double *const *arr, int l, int b, int base)
{
    return l == 0 ? arr[0] + (size_t)b * n->S * n->dims[0]
                  : arr[l] + (size_t)(b - base) * n->S * n->ld[l];
}

/* W_l^T and the padded biases and w, for the products and steps below */
static void prepare(hvp_net_t *n)
{
    int D = n->depth;
    for (int l = 1; l <= D; l++) {
        int hi = n->dims[l - 1], ho = n->dims[l];
        for (int i = 0; i < hi; i++)
            for (int j = 0; j < ho; j++)
                n->Wt[l][(size_t)i * n->ld[l] + j] = n->W[l][(size_t)j * hi + i];
        memcpy(n->bp[l], n->b[l], (size_t)ho * sizeof(double));
    }
    memcpy(n->wp, n->w, (size_t)n->dims[D] * sizeof(double));
}

/* Forward of samples b0..b1: all layers up, then the reverse sweep down to out. */
static void fwd_block(hvp_net_t *n, int b0, int b1, int base, int want_value)
{
    int D = n->depth, m = (b1 - b0) * n->S;
    for (int l = 1; l <= D; l++) {
        tile_nn(m, n->dims[l], n->dims[l - 1], rows(n, n->A, l - 1, b0, base), n->ld[l - 1],
                n->Wt[l], n->ld[l], rows(n, n->Z, l, b0, base), n->ld[l], 0);
        fwd_epi(n, l, b0, b1, base, want_value);
    }
    for (int l = D; l >= 1; l--) {
        tile_nn(m, n->dims[l - 1], n->dims[l], rows(n, n->Zr, l, b0, base), n->ld[l], n->W[l],
                n->dims[l - 1], rows(n, n->R, l - 1, b0, base), n->ld[l - 1], 0);
        if (l > 1)
            rev_epi(n, l - 1, b0, b1, base);
    }
}

/* Backward of samples b0..b1 (after their forward and out_bar): the hats up
 * and down, then these samples' share of every gradient.  first: the first
 * block of the batch (the weight-gradient chains start from zero). */
static void bwd_block(hvp_net_t *n, int b0, int b1, int base, int first)
{
    int D = n->depth, m = (b1 - b0) * n->S;
    for (int l = 1; l <= D; l++) {
        tile_nn(m, n->dims[l], n->dims[l - 1], rows(n, n->Ah, l - 1, b0, base), n->ld[l - 1],
                n->Wt[l], n->ld[l], n->T, n->ld[l], 0);
        revhat_epi(n, l, b0, b1, base);
    }
    for (int l = D; l >= 2; l--) {
        tile_nn(m, n->dims[l - 1], n->dims[l], rows(n, n->P, l, b0, base), n->ld[l], n->W[l],
                n->dims[l - 1], n->T, n->ld[l - 1], 0);
        fwdhat_epi(n, l - 1, b0, b1, base);
    }
    /* dW_l: the forward product z = x W^T gives P^T A, the reverse one
     * abar = zbar W gives Zr^T Ah; one fma chain over both, block after block */
    for (int l = 1; l <= D; l++) {
        tile_tn2(n->dims[l], n->dims[l - 1], m, rows(n, n->P, l, b0, base), n->ld[l],
                 rows(n, n->A, l - 1, b0, base), n->ld[l - 1], m, rows(n, n->Zr, l, b0, base),
                 n->ld[l], rows(n, n->Ah, l - 1, b0, base), n->ld[l - 1], n->dW[l],
                 n->dims[l - 1], !first);
        bias_epi(n, l, b0, b1, base);
    }
}

static void start_gradient(hvp_net_t *n)
{
    memset(n->dwacc, 0, (size_t)n->ld[n->depth] * sizeof(double));
    for (int l = 1; l <= n->depth; l++)
        memset(n->dbacc[l], 0, (size_t)n->ld[l] * sizeof(double));
}

static void finish_gradient(hvp_net_t *n, int B)
{
    for (int l = 1; l <= n->depth; l++) {
        if (B <= 0)
            memset(n->dW[l], 0, (size_t)n->dims[l] * n->dims[l - 1] * sizeof(double));
        memcpy(n->db[l], n->dbacc[l], (size_t)n->dims[l] * sizeof(double));
    }
    memcpy(n->dw, n->dwacc, (size_t)n->dims[n->depth] * sizeof(double));
    *n->dc = 0.0;
}

void hvp_forward(hvp_net_t *n, int B, int want_value)
{
    prepare(n);
    for (int b0 = 0, nb = block_of(n); b0 < B; b0 += nb)
        fwd_block(n, b0, b0 + nb < B ? b0 + nb : B, 0, want_value);
}

void hvp_backward(hvp_net_t *n, int B)
{
    start_gradient(n);
    for (int b0 = 0, nb = block_of(n); b0 < B; b0 += nb)
        bwd_block(n, b0, b0 + nb < B ? b0 + nb : B, 0, b0 == 0);
    finish_gradient(n, B);
}

void hvp_forward_backward(hvp_net_t *n, int B, hvp_adjoint_fn *adjoint, void *ctx)
{
    prepare(n);
    start_gradient(n);
    for (int b0 = 0, nb = block_of(n); b0 < B; b0 += nb) {
        int b1 = b0 + nb < B ? b0 + nb : B;
        fwd_block(n, b0, b1, b0, 0);
        adjoint(ctx, n, b0, b1);
        bwd_block(n, b0, b1, b0, b0 == 0);
    }
    finish_gradient(n, B);
}

double hvp_flops(const hvp_net_t *n, int B)
{
    double S = n->S, f = 0;
    for (int l = 1; l <= n->depth; l++)   /* z, abar, zbar^, (x^ above layer 1), 2 S rows of dW */
        f += 2 * S * B * (double)n->dims[l] * n->dims[l - 1] * (l > 1 ? 6 : 5);
    return f;
}

/* ---------------------------------------------------------- allocation */

static size_t up8(size_t x) { return (x + 7) & ~(size_t)7; }

/* Carves every array from one block (64-byte aligned, padded to 8 doubles);
 * with base == NULL only counts.  Returns the number of doubles. */
static size_t carve(hvp_net_t *n, double *base, size_t np)
{
    size_t off = 0, SB = (size_t)n->S * n->max_batch, B = n->max_batch;
    int D = n->depth, maxld = n->ld[0];
#define TAKE(ptr, count)                     \
    do {                                     \
        if (base)                            \
            (ptr) = base + off;              \
        off += up8(count);                   \
    } while (0)
    TAKE(n->theta, np);
    TAKE(n->grad, np);
    TAKE(n->in, SB * n->dims[0]);
    TAKE(n->out, SB * n->dims[0]);
    TAKE(n->out_bar, SB * n->dims[0]);
    TAKE(n->value, B);
    for (int l = 1; l <= D; l++) {
        size_t ld = n->ld[l];
        maxld = n->ld[l] > maxld ? n->ld[l] : maxld;
        TAKE(n->Wt[l], (size_t)n->dims[l - 1] * ld);
        TAKE(n->bp[l], ld);
        TAKE(n->dbacc[l], ld);
        TAKE(n->Z[l], SB * ld);
        TAKE(n->dv[l], 3 * B * ld);
        TAKE(n->Zr[l], SB * ld);
        TAKE(n->P[l], SB * ld);
        if (l < D) {
            TAKE(n->A[l], SB * ld);
            TAKE(n->R[l], SB * ld);
            TAKE(n->Ah[l], SB * ld);
        }
    }
    TAKE(n->wp, n->ld[D]);
    TAKE(n->dwacc, n->ld[D]);
    TAKE(n->arow, n->ld[D]);
    TAKE(n->T, 24 * (size_t)maxld);
#undef TAKE
    if (base) {
        n->A[0] = n->in;
        n->R[0] = n->out;
        n->Ah[0] = n->out_bar;
    }
    return off;
}

int hvp_init(hvp_net_t *n, const int *dims, int depth, hvp_act act, int ntan, int max_batch)
{
    memset(n, 0, sizeof *n);
    if (depth < 1 || depth > HVP_MAX_DEPTH || ntan < 0 || ntan > HVP_MAX_TAN || max_batch < 1)
        return -1;
    for (int l = 0; l <= depth; l++) {
        if (dims[l] < 1)
            return -1;
        n->dims[l] = dims[l];
        n->ld[l] = l == 0 ? dims[0] : (int)up8((size_t)dims[l]);
    }
    n->depth = depth;
    n->act = act;
    n->ntan = ntan;
    n->S = 1 + ntan;
    n->max_batch = max_batch;
    size_t np = 0;
    for (int l = 1; l <= depth; l++)
        np += (size_t)dims[l] * dims[l - 1] + dims[l];
    np += (size_t)dims[depth] + 1;
    n->n_params = np;

    size_t total = carve(n, NULL, np);
    void *mem;
    if (posix_memalign(&mem, 64, total * sizeof(double)))
        return -1;
    memset(mem, 0, total * sizeof(double));
    n->mem = mem;
    carve(n, mem, np);

    size_t off = 0;
    for (int l = 1; l <= depth; l++) {
        n->W[l] = n->theta + off;
        n->dW[l] = n->grad + off;
        off += (size_t)dims[l] * dims[l - 1];
        n->b[l] = n->theta + off;
        n->db[l] = n->grad + off;
        off += dims[l];
    }
    n->w = n->theta + off;
    n->dw = n->grad + off;
    off += dims[depth];
    n->c = n->theta + off;
    n->dc = n->grad + off;
    return 0;
}

void hvp_free(hvp_net_t *n)
{
    free(n->mem);
    memset(n, 0, sizeof *n);
}

/* -------------------------------------------------------------- weights */

/* Orthonormal rows (rows <= cols) or columns of A[rows, cols], by modified
 * Gram-Schmidt applied twice, from a Gaussian matrix. */
static void orthogonalize(double *A, int rows, int cols)
{
    int byrow = rows <= cols;
    int nv = byrow ? rows : cols, len = byrow ? cols : rows;
    size_t si = byrow ? (size_t)cols : 1, sj = byrow ? 1 : (size_t)cols;
    for (int pass = 0; pass < 2; pass++)
        for (int v = 0; v < nv; v++) {
            double *x = A + v * si;
            for (int u = 0; u < v; u++) {
                const double *y = A + u * si;
                double d = 0;
                for (int i = 0; i < len; i++)
                    d += x[i * sj] * y[i * sj];
                for (int i = 0; i < len; i++)
                    x[i * sj] -= d * y[i * sj];
            }
            double nn = 0;
            for (int i = 0; i < len; i++)
                nn += x[i * sj] * x[i * sj];
            nn = sqrt(nn);
            for (int i = 0; i < len; i++)
                x[i * sj] /= nn;
        }
}

void hvp_random_matrix(double *W, int rows, int cols, hvp_init_scheme scheme, rng_t *rng)
{
    double sigma = sqrt(2.0 / (rows + cols));
    for (size_t i = 0; i < (size_t)rows * cols; i++)
        W[i] = sigma * rng_normal(rng);
    if (scheme == HVP_INIT_ORTHO)
        orthogonalize(W, rows, cols);
}

void hvp_init_weights(hvp_net_t *n, hvp_init_scheme scheme, rng_t *rng)
{
    memset(n->theta, 0, n->n_params * sizeof(double));
    int D = n->depth;
    for (int l = 1; l <= D + 1; l++) {
        int fi = n->dims[l - 1], fo = l <= D ? n->dims[l] : 1;
        double *W = l <= D ? n->W[l] : n->w;
        size_t cnt = (size_t)fi * fo;
        int nmax = fi > fo ? fi : fo;
        double sigma;
        if (scheme == HVP_INIT_CRANMER)
            sigma = (l == 1 ? 2.2 : l <= D ? 0.58 * (l - 1) : (double)nmax) / sqrt((double)nmax);
        else
            sigma = sqrt(2.0 / (fi + fo));
        for (size_t i = 0; i < cnt; i++)
            W[i] = sigma * rng_normal(rng);
        if (scheme == HVP_INIT_ORTHO)
            orthogonalize(W, fo, fi);
    }
}
