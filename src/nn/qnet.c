/* qnet.c: chapter 6's quantized networks (see qnet.h): BitLinear layers
 * (Ma et al. 2024) with the identity straight-through estimator, on the
 * kernels of layers.h. */
#include "nn/qnet.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nn/layers.h"

int qnet_init(qnet_t *m, const int *dims, int L, int rmsnorm, const quant_spec *q, int maxB)
{
    memset(m, 0, sizeof *m);
    if (L < 1 || L > QNET_MAX || maxB < 1)
        return -1;
    int widest = 0;
    for (int l = 0; l <= L; l++) {
        if (dims[l] < 1)
            return -1;
        m->dims[l] = dims[l];
        if (dims[l] > widest)
            widest = dims[l];
    }
    m->L = L;
    m->rmsnorm = rmsnorm;
    m->maxB = maxB;
    int ok = 1;
    for (int l = 0; l < L; l++) {
        int in = dims[l], out = dims[l + 1];
        m->q[l] = q[l];
        m->n[l] = (size_t)in * out;
        m->W[l] = calloc(m->n[l], sizeof(double));
        m->Q[l] = calloc(m->n[l], sizeof(double));
        m->g[l] = calloc(m->n[l], sizeof(double));
        m->T[l] = calloc(m->n[l], 1);
        m->scale[l] = calloc((size_t)(in > out ? in : out), sizeof(double));
        m->h[l] = calloc((size_t)maxB * in, sizeof(double));
        m->a[l] = rmsnorm ? calloc((size_t)maxB * in, sizeof(double)) : m->h[l];
        m->rstd[l] = calloc((size_t)maxB, sizeof(double));
        m->z[l] = calloc((size_t)maxB * out, sizeof(double));
        ok = ok && m->W[l] && m->Q[l] && m->g[l] && m->T[l] && m->scale[l] && m->h[l] &&
             m->a[l] && m->rstd[l] && m->z[l];
    }
    m->d1 = calloc((size_t)maxB * widest, sizeof(double));
    m->d2 = calloc((size_t)maxB * widest, sizeof(double));
    if (!ok || !m->d1 || !m->d2) {
        qnet_free(m);
        return -1;
    }
    return 0;
}

void qnet_free(qnet_t *m)
{
    for (int l = 0; l < m->L; l++) {
        free(m->W[l]);
        free(m->Q[l]);
        free(m->g[l]);
        free(m->T[l]);
        free(m->scale[l]);
        if (m->a[l] != m->h[l])
            free(m->a[l]);
        free(m->h[l]);
        free(m->rstd[l]);
        free(m->z[l]);
    }
    free(m->d1);
    free(m->d2);
    memset(m, 0, sizeof *m);
}

int qnet_set_act_bits(qnet_t *m, int bits)
{
    m->act_bits = bits;
    for (int l = 1; l < m->L; l++)
        if (bits > 0 && m->a[l] == m->h[l]) {
            double *a = calloc((size_t)m->maxB * m->dims[l], sizeof(double));
            if (!a)
                return -1;
            m->a[l] = a;
        }
    return 0;
}

/* a = rint(h s) / s per row, s = (2^(bits-1) - 1) / max(max |h|, 1e-5). */
static void act_quant(double *a, const double *h, int B, int C, int bits)
{
    double qb = (double)((1 << (bits - 1)) - 1);
    for (int r = 0; r < B; r++) {
        const double *x = h + (size_t)r * C;
        double mx = 0.0;
        for (int c = 0; c < C; c++)
            if (fabs(x[c]) > mx)
                mx = fabs(x[c]);
        double s = qb / (mx > 1e-5 ? mx : 1e-5);
        for (int c = 0; c < C; c++)
            a[(size_t)r * C + c] = nearbyint(x[c] * s) / s;
    }
}

void qnet_init_weights(qnet_t *m, rng_t *r, double sigma)
{
    for (int l = 0; l < m->L; l++) {
        double b = sigma / sqrt((double)m->dims[l]);
        for (size_t k = 0; k < m->n[l]; k++)
            m->W[l][k] = b * (2.0 * rng_uniform(r) - 1.0);
    }
}

void qnet_quantize(qnet_t *m)
{
    for (int l = 0; l < m->L; l++)
        quant_apply(&m->q[l], m->Q[l], m->T[l], m->scale[l], m->W[l], m->dims[l + 1], m->dims[l]);
}

/* RMSNorm with eps = 0; an all-zero row gives rstd = inf: map it to zero. */
static void rms_guarded(double *a, double *rstd, const double *h, int B, int C)
{
    nn_rmsnorm_forward(a, a, rstd, h, NULL, B, C, 0.0);
    for (int r = 0; r < B; r++)
        if (!isfinite(rstd[r])) {
            rstd[r] = 0.0;
            memset(a + (size_t)r * C, 0, (size_t)C * sizeof(double));
        }
}

/* excerpt: qnet_forward */
/* Forward with the dequantized weights Q; returns the logits, z[L-1]. */
const double *qnet_forward(qnet_t *m, const double *x, int B)
{
    for (int l = 0; l < m->L; l++) {
        int in = m->dims[l], out = m->dims[l + 1];
        const double *h = l == 0 ? x : m->h[l];
        if (l == 0 && !m->rmsnorm) memcpy(m->h[0], x, (size_t)B * in * sizeof(double));
        if (m->rmsnorm) rms_guarded(m->a[l], m->rstd[l], h, B, in);
        else if (m->act_bits > 0 && l > 0) act_quant(m->a[l], h, B, in, m->act_bits);
        nn_linear_forward(m->z[l], m->a[l], m->Q[l], NULL, B, in, out);
        if (l + 1 < m->L) nn_relu_forward(m->h[l + 1], m->z[l], (size_t)B * out);
    }
    return m->z[m->L - 1];
}

/* Forward and backward: g[l] = dl/dQ[l] at Q, the gradient the identity
 * STE hands to the latent weights; returns the mean loss. */
double qnet_grad(qnet_t *m, const double *x, const int *y, int B, int *correct)
{
    int L = m->L, C = m->dims[L];
    const double *logits = qnet_forward(m, x, B);
    if (correct) *correct = nn_count_correct(logits, y, B, C);
    double loss = nn_softmax_xent(m->d1, logits, y, B, C);
    for (int l = L - 1; l >= 0; l--) {
        int in = m->dims[l], out = m->dims[l + 1];
        double *dz = m->d1, *da = m->d2;
        nn_linear_backward(l > 0 ? da : NULL, m->g[l], NULL, dz, m->a[l], m->Q[l], B, in, out);
        if (l == 0) break;
        if (m->rmsnorm) {   /* da -> dh, in place in d1 */
            nn_rmsnorm_backward(m->d1, NULL, da, m->a[l], m->rstd[l], NULL, B, in);
            nn_relu_backward(m->d1, m->d1, m->z[l - 1], (size_t)B * in);
        } else {
            nn_relu_backward(m->d1, da, m->z[l - 1], (size_t)B * in);
        }
    }
    return loss;
}
/* end excerpt */

double qnet_evaluate(qnet_t *m, const double *x, const int *y, int n, double *loss_out)
{
    int C = m->dims[m->L], correct = 0;
    double loss = 0.0;
    for (int s = 0; s < n; s += m->maxB) {
        int B = n - s < m->maxB ? n - s : m->maxB;
        const double *z = qnet_forward(m, x + (size_t)s * m->dims[0], B);
        correct += nn_count_correct(z, y + s, B, C);
        loss += B * nn_softmax_xent(NULL, z, y + s, B, C);
    }
    if (loss_out)
        *loss_out = loss / n;
    return (double)correct / n;
}

double qnet_dot(const double *a, const double *b, size_t n)
{
    double s = 0.0;
    for (size_t k = 0; k < n; k++)
        s += a[k] * b[k];
    return s;
}

double qnet_dot_resid(const double *W, const double *Q, const double *g, size_t n)
{
    double s = 0.0;
    for (size_t k = 0; k < n; k++)
        s += (W[k] - Q[k]) * g[k];
    return s;
}
