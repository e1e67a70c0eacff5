/* layers_f32.c: single-precision linear (cblas_sgemm), ReLU and softmax
 * cross-entropy for the float benchmark path; the double versions in
 * layers.c are the reference (see layers_f32.h). */
#include "nn/layers_f32.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

void nn_linear_forward_f32(float *out, const float *in, const float *W, const float *b,
                           int B, int in_dim, int out_dim)
{
    float beta = 0.0f;
    if (b) {
        for (int r = 0; r < B; r++)
            memcpy(out + (size_t)r * out_dim, b, (size_t)out_dim * sizeof *b);
        beta = 1.0f;
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, out_dim, in_dim, 1.0f, in, in_dim,
                W, in_dim, beta, out, out_dim);
}

void nn_linear_backward_f32(float *din, float *dW, float *db, const float *dout,
                            const float *in, const float *W, int B, int in_dim, int out_dim)
{
    if (din)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, in_dim, out_dim, 1.0f, dout,
                    out_dim, W, in_dim, 0.0f, din, in_dim);
    if (dW)
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, out_dim, in_dim, B, 1.0f, dout,
                    out_dim, in, in_dim, 0.0f, dW, in_dim);
    if (db) {
        memset(db, 0, (size_t)out_dim * sizeof *db);
        for (int r = 0; r < B; r++) {
            const float *d = dout + (size_t)r * out_dim;
            for (int j = 0; j < out_dim; j++)
                db[j] += d[j];
        }
    }
}

void nn_relu_forward_f32(float *out, const float *in, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = in[i] > 0.0f ? in[i] : 0.0f;
}

void nn_relu_backward_f32(float *din, const float *dout, const float *in, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        float d = dout[i];   /* unconditional load: lets the loop vectorize */
        din[i] = in[i] > 0.0f ? d : 0.0f;
    }
}

double nn_softmax_xent_f32(float *dlogits, const float *logits, const int *labels, int B, int C)
{
    double total = 0.0;
    for (int r = 0; r < B; r++) {
        const float *z = logits + (size_t)r * C;
        double zmax = z[0];
        for (int c = 1; c < C; c++)
            if (z[c] > zmax)
                zmax = z[c];
        double sum = 0.0;
        for (int c = 0; c < C; c++)
            sum += exp(z[c] - zmax);
        double lse = log(sum);
        total += lse - (z[labels[r]] - zmax);
        if (dlogits) {
            float *d = dlogits + (size_t)r * C;
            for (int c = 0; c < C; c++)
                d[c] = (float)(exp(z[c] - zmax - lse) / B);
            d[labels[r]] -= (float)(1.0 / B);
        }
    }
    return total / B;
}

int nn_count_correct_f32(const float *logits, const int *labels, int B, int C)
{
    int n = 0;
    for (int r = 0; r < B; r++) {
        const float *z = logits + (size_t)r * C;
        int best = 0;
        for (int c = 1; c < C; c++)
            if (z[c] > z[best])
                best = c;
        n += best == labels[r];
    }
    return n;
}
