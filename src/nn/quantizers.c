/* quantizers.c: ternary quantizers at several granularities (see
 * quantizers.h): absmean per row / per column (Ma et al. 2024, Eq. 1-3, at
 * another granularity), TWN (Li et al. 2016, Eq. 4-6), TTQ-like with fixed
 * scales (Zhu et al. 2017, Eq. 6 and 8).  Per-tensor absmean is ternary.h's. */
#include "nn/quantizers.h"

#include <math.h>
#include <string.h>

#include "nn/ternary.h"


static const char *names[] = {"fp", "tensor", "row", "col", "twn", "ttq"};

const char *quant_name(quant_kind k)
{
    return (k >= QUANT_FP && k <= QUANT_TTQ) ? names[k] : "?";
}

int quant_parse(const char *name)
{
    for (int k = 0; k <= QUANT_TTQ; k++)
        if (strcmp(name, names[k]) == 0) return k;
    return -1;
}

/* RoundClip(w / gamma, -1, 1), ties to even. */
static int8_t code(double w, double gamma)
{
    double r = nearbyint(w / gamma);
    return (int8_t)(r > 1.0 ? 1 : r < -1.0 ? -1 : r);
}

/* excerpt: absmean_row */
void quant_absmean_row(double *Q, int8_t *T, double *gamma, const double *W, int rows, int cols)
{
    for (int i = 0; i < rows; i++) {
        const double *w = W + (size_t)i * cols;
        double s = 0.0;
        for (int j = 0; j < cols; j++) s += fabs(w[j]);
        double g = s / cols;
        if (g < QUANT_EPS) g = QUANT_EPS;
        if (gamma) gamma[i] = g;
        for (int j = 0; j < cols; j++) {
            int8_t t = code(w[j], g);
            if (T) T[(size_t)i * cols + j] = t;
            Q[(size_t)i * cols + j] = g * t;
        }
    }
}
/* end excerpt */

void quant_absmean_col(double *Q, int8_t *T, double *gamma, const double *W, int rows, int cols)
{
    for (int j = 0; j < cols; j++) {
        double s = 0.0;
        for (int i = 0; i < rows; i++) s += fabs(W[(size_t)i * cols + j]);
        double g = s / rows;
        if (g < QUANT_EPS) g = QUANT_EPS;
        if (gamma) gamma[j] = g;
        for (int i = 0; i < rows; i++) {
            size_t k = (size_t)i * cols + j;
            int8_t t = code(W[k], g);
            if (T) T[k] = t;
            Q[k] = g * t;
        }
    }
}

double quant_twn(double *Q, int8_t *T, const double *W, size_t n)
{
    double s = 0.0;
    for (size_t k = 0; k < n; k++) s += fabs(W[k]);
    double delta = 0.7 * (s / (double)n);
    double num = 0.0, cnt = 0.0;
    for (size_t k = 0; k < n; k++)
        if (fabs(W[k]) > delta) { num += fabs(W[k]); cnt += 1.0; }
    double alpha = cnt > 0.0 ? num / cnt : 0.0;
    for (size_t k = 0; k < n; k++) {
        int8_t t = (int8_t)((W[k] > delta) - (W[k] < -delta));
        if (T) T[k] = t;
        Q[k] = alpha * t;
    }
    return alpha;
}

void quant_ttq(double *Q, int8_t *T, const double *W, size_t n, double t, double wp, double wn)
{
    double m = 0.0;
    for (size_t k = 0; k < n; k++)
        if (fabs(W[k]) > m) m = fabs(W[k]);
    double delta = t * m;
    for (size_t k = 0; k < n; k++) {
        int8_t c = (int8_t)((W[k] > delta) - (W[k] < -delta));
        if (T) T[k] = c;
        Q[k] = c > 0 ? wp : c < 0 ? -wn : 0.0;
    }
}

void quant_apply(const quant_spec *s, double *Q, int8_t *T, double *scale,
                 const double *W, int rows, int cols)
{
    size_t n = (size_t)rows * cols;
    switch (s->kind) {
    case QUANT_FP:
        memcpy(Q, W, n * sizeof *Q);
        if (T)
            for (size_t k = 0; k < n; k++) T[k] = (int8_t)((W[k] > 0) - (W[k] < 0));
        if (scale) scale[0] = 1.0;
        break;
    case QUANT_TENSOR: {   /* the core's BitNet b1.58 quantizer, BitNet's floor */
        double g = tern_quantize(T, Q, W, n, TERN_EPS, TERN_FLOOR);
        if (scale) scale[0] = g;
        break;
    }
    case QUANT_ROW: quant_absmean_row(Q, T, scale, W, rows, cols); break;
    case QUANT_COL: quant_absmean_col(Q, T, scale, W, rows, cols); break;
    case QUANT_TWN: {
        double a = quant_twn(Q, T, W, n);
        if (scale) scale[0] = a;
        break;
    }
    case QUANT_TTQ:
        quant_ttq(Q, T, W, n, s->ttq_t, s->ttq_wp, s->ttq_wn);
        if (scale) scale[0] = s->ttq_wp;
        break;
    }
}

void quant_latent_grad(const quant_spec *s, double *u, const double *g, const int8_t *T, size_t n)
{
    if (s->kind != QUANT_TTQ) {
        if (u != g) memmove(u, g, n * sizeof *u);
        return;
    }
    for (size_t k = 0; k < n; k++)
        u[k] = T[k] > 0 ? s->ttq_wp * g[k] : T[k] < 0 ? s->ttq_wn * g[k] : g[k];
}

void quant_ratio(const quant_spec *s, double *ratio, const double *W, const double *scale,
                 int rows, int cols)
{
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++) {
            size_t k = (size_t)i * cols + j;
            double g = s->kind == QUANT_ROW ? scale[i] : s->kind == QUANT_COL ? scale[j] : scale[0];
            ratio[k] = fabs(W[k]) / g;
        }
}
