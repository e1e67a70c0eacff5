/* quantizers.h: ternary weight quantizers beyond BitNet's per-tensor absmean
 * one (that one lives in ternary.h), for chapter 6's symmetry audit: the
 * same rounding at other granularities, TWN, and a TTQ-like quantizer.
 *
 * Every quantizer maps latent weights W[rows, cols] (row-major, PyTorch
 * layout W[out, in]) to a code T in {-1, 0, +1} and a dequantized matrix
 * Q = scale * T, the matrix the forward pass uses.  With the identity
 * straight-through estimator (Bengio et al. 2013) the latent update uses the
 * gradient g = dl/dQ evaluated at Q; no gradient flows through a scale.
 *
 *   absmean per row    gamma_i = mean_j |W_ij|,  T_ij = clip(rint(W_ij/gamma_i), -1, 1)
 *                      (Ma et al. 2024, Eq. 1-3, with the mean taken per row);
 *                      equivariant to row scaling: Q(DW) = D Q(W)
 *   absmean per column gamma_j = mean_i |W_ij|: Q(WD) = Q(W) D
 *   TWN                Delta = 0.7 mean|W|, T = [W > Delta] - [W < -Delta],
 *                      alpha = <T,W>/<T,T> (Li et al. 2016, Eq. 4-6); alpha is
 *                      L2-optimal for its code, so <W - Q, T> = 0 exactly
 *   TTQ-like           Delta = t max|W|; Q = wp where W > Delta, -wn where
 *                      W < -Delta, 0 between (Zhu et al. 2017, Eq. 6), with
 *                      the scales wp, wn held fixed here: Q(cW) = Q(W); its
 *                      latent gradient is the scaled STE wp g, g, wn g (Eq. 8)
 *
 * Rounding is nearbyint (ties to even, as torch.round) under the default
 * rounding mode.  Sums run in index order, so results are reproducible.
 * A scale is floored at QUANT_EPS (= ternary.h's TERN_EPS) as BitNet's code
 * does, so an all-zero row maps to zeros instead of NaN; above that floor
 * every absmean quantizer is positively homogeneous, bit for bit when the factor is a power of two. */
#ifndef NN_QUANTIZERS_H
#define NN_QUANTIZERS_H

#include <stddef.h>
#include <stdint.h>

#define QUANT_EPS 1e-5

typedef enum {
    QUANT_FP = 0,     /* no quantization: Q = W */
    QUANT_TENSOR,     /* BitNet b1.58 absmean, one scale per tensor (ternary.h) */
    QUANT_ROW,        /* absmean, one scale per output row */
    QUANT_COL,        /* absmean, one scale per input column */
    QUANT_TWN,        /* ternary weight networks, one scale per tensor */
    QUANT_TTQ         /* TTQ-like, fixed scales wp, wn, threshold t max|W| */
} quant_kind;

typedef struct {
    quant_kind kind;
    double ttq_t, ttq_wp, ttq_wn;   /* TTQ-like only */
} quant_spec;

/* Short name ("fp", "tensor", "row", "col", "twn", "ttq"); quant_parse
 * returns the kind for a name, or -1. */
const char *quant_name(quant_kind k);
int         quant_parse(const char *name);

/* Q[rows*cols] and T[rows*cols] (T may be NULL) from W; scale[] receives the
 * scales (rows of them for ROW, cols for COL, one otherwise; may be NULL).
 * For QUANT_FP, Q = W and T = sign(W).  Q must not alias W. */
void quant_apply(const quant_spec *s, double *Q, int8_t *T, double *scale,
                 const double *W, int rows, int cols);

void quant_absmean_row(double *Q, int8_t *T, double *gamma, const double *W, int rows, int cols);
void quant_absmean_col(double *Q, int8_t *T, double *gamma, const double *W, int rows, int cols);
/* Returns alpha. */
double quant_twn(double *Q, int8_t *T, const double *W, size_t n);
void quant_ttq(double *Q, int8_t *T, const double *W, size_t n, double t, double wp, double wn);

/* The latent update direction u[n] for the gradient g = dl/dQ: the identity
 * STE (u = g) for every kind but TTQ, whose scaled STE gives u = wp g where
 * T = +1, wn g where T = -1, g where T = 0.  u may alias g. */
void quant_latent_grad(const quant_spec *s, double *u, const double *g, const int8_t *T, size_t n);

/* The quantity each element's weight is compared with to pick its code,
 * |W_ij| / gamma (per tensor / row / column): bins of it split the
 * quantization source of the scale law (chapter 6, E2).  ratio[n]. */
void quant_ratio(const quant_spec *s, double *ratio, const double *W, const double *scale,
                 int rows, int cols);

#endif
