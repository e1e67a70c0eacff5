/* hnn.c: Hamiltonian neural network (Greydanus et al. 2019: Hamilton's
 * equations as the predicted field, their training loss) on the engine of
 * hvp.c, and the plain field MLP used as the black-box baseline of both
 * chapter-4 comparisons.  See hnn.h. */
#include "nn/hnn.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

int hnn_init(hnn_t *m, int width, int depth, int max_batch)
{
    memset(m, 0, sizeof *m);
    int dims[HVP_MAX_DEPTH + 1] = {2};
    if (depth < 1 || depth > HVP_MAX_DEPTH)
        return -1;
    for (int l = 1; l <= depth; l++)
        dims[l] = width;
    return hvp_init(&m->net, dims, depth, HVP_TANH, 0, max_batch);
}

void hnn_free(hnn_t *m) { hvp_free(&m->net); }

void hnn_field(hnn_t *m, int B, const double *x, double *f)
{
    memcpy(m->net.in, x, 2 * (size_t)B * sizeof(double));
    hvp_forward(&m->net, B, 0);
    const double *ga = m->net.out;
    for (int b = 0; b < B; b++) {
        f[2 * b] = ga[2 * b + 1];
        f[2 * b + 1] = -ga[2 * b];
    }
}

void hnn_value(hnn_t *m, int B, const double *x, double *H)
{
    memcpy(m->net.in, x, 2 * (size_t)B * sizeof(double));
    hvp_forward(&m->net, B, 1);
    memcpy(H, m->net.value, (size_t)B * sizeof(double));
}

/* excerpt: hnn_loss */
double hnn_loss_grad(hnn_t *m, int B, const double *x, const double *target)
{
    memcpy(m->net.in, x, 2 * (size_t)B * sizeof(double));
    hvp_forward(&m->net, B, 0);
    const double *ga = m->net.out;
    double *ga_bar = m->net.out_bar;
    double sum = 0, scale = 2.0 / (2.0 * B);
    for (int b = 0; b < B; b++) {
        double eq = ga[2 * b + 1] - target[2 * b];        /* dH/dp - qdot */
        double ep = -ga[2 * b] - target[2 * b + 1];       /* -dH/dq - pdot */
        sum += eq * eq + ep * ep;
        ga_bar[2 * b] = -scale * ep;
        ga_bar[2 * b + 1] = scale * eq;
    }
    hvp_backward(&m->net, B);
    return sum / (2.0 * B);
}
/* end excerpt */

/* ------------------------------------------------------------ field MLP */

int fmlp_init(fmlp_t *m, const int *dims, int nlayers, fmlp_act act, int out_bias, int max_batch)
{
    memset(m, 0, sizeof *m);
    if (nlayers < 1 || nlayers > FMLP_MAX_LAYERS || max_batch < 1)
        return -1;
    int maxd = 0;
    for (int l = 0; l <= nlayers; l++) {
        if (dims[l] < 1)
            return -1;
        m->dims[l] = dims[l];
        if (dims[l] > maxd)
            maxd = dims[l];
    }
    m->nlayers = nlayers;
    m->act = act;
    m->out_bias = out_bias;
    m->max_batch = max_batch;
    size_t np = 0;
    for (int l = 0; l < nlayers; l++)
        np += (size_t)dims[l + 1] * dims[l] + ((l < nlayers - 1 || out_bias) ? dims[l + 1] : 0);
    m->n_params = np;
    m->theta = xcalloc(np, sizeof(double));
    m->grad = xcalloc(np, sizeof(double));
    size_t off = 0;
    for (int l = 0; l < nlayers; l++) {
        m->W[l] = m->theta + off;
        m->dW[l] = m->grad + off;
        off += (size_t)dims[l + 1] * dims[l];
        if (l < nlayers - 1 || out_bias) {
            m->b[l] = m->theta + off;
            m->db[l] = m->grad + off;
            off += dims[l + 1];
        }
    }
    for (int l = 0; l <= nlayers; l++)
        m->h[l] = xcalloc((size_t)max_batch * dims[l], sizeof(double));
    m->g = xcalloc((size_t)max_batch * maxd, sizeof(double));
    m->g2 = xcalloc((size_t)max_batch * maxd, sizeof(double));
    m->out = m->h[nlayers];
    return 0;
}

void fmlp_free(fmlp_t *m)
{
    free(m->theta);
    free(m->grad);
    for (int l = 0; l <= m->nlayers; l++)
        free(m->h[l]);
    free(m->g);
    free(m->g2);
}

void fmlp_init_weights(fmlp_t *m, hvp_init_scheme scheme, rng_t *rng)
{
    memset(m->theta, 0, m->n_params * sizeof(double));
    for (int l = 0; l < m->nlayers; l++)
        hvp_random_matrix(m->W[l], m->dims[l + 1], m->dims[l], scheme, rng);
}

void fmlp_forward(fmlp_t *m, int B, const double *x)
{
    memcpy(m->h[0], x, (size_t)B * m->dims[0] * sizeof(double));
    for (int l = 0; l < m->nlayers; l++) {
        int di = m->dims[l], dout = m->dims[l + 1];
        double *y = m->h[l + 1];
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, dout, di, 1.0, m->h[l], di,
                    m->W[l], di, 0.0, y, dout);
        size_t n = (size_t)B * dout;
        if (m->b[l])
            for (int r = 0; r < B; r++)
                for (int j = 0; j < dout; j++)
                    y[(size_t)r * dout + j] += m->b[l][j];
        if (l < m->nlayers - 1) {
            if (m->act == FMLP_TANH)
                for (size_t i = 0; i < n; i++)
                    y[i] = tanh(y[i]);
            else
                for (size_t i = 0; i < n; i++)
                    y[i] = y[i] > 0 ? y[i] : 0.0;
        }
    }
}

double fmlp_loss_grad(fmlp_t *m, int B, const double *y, lnn_loss kind, int per_sample)
{
    int L = m->nlayers, dout = m->dims[L];
    size_t n = (size_t)B * dout;
    double norm = per_sample ? (double)B : (double)n, sum = 0;
    double *g = m->g;   /* dloss/d(pre-activation of the current layer) */
    for (size_t i = 0; i < n; i++) {
        double e = m->out[i] - y[i];
        sum += kind == LNN_LOSS_L1 ? fabs(e) : e * e;
        g[i] = (kind == LNN_LOSS_L1 ? (double)((e > 0) - (e < 0)) : 2.0 * e) / norm;
    }
    for (int l = L - 1; l >= 0; l--) {
        int di = m->dims[l], dl = m->dims[l + 1];
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, dl, di, B, 1.0, g, dl, m->h[l], di,
                    0.0, m->dW[l], di);
        if (m->db[l]) {
            memset(m->db[l], 0, dl * sizeof(double));
            for (int r = 0; r < B; r++)
                for (int j = 0; j < dl; j++)
                    m->db[l][j] += g[(size_t)r * dl + j];
        }
        if (l == 0)
            break;
        double *gi = m->g2;
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, di, dl, 1.0, g, dl, m->W[l], di,
                    0.0, gi, di);
        const double *h = m->h[l];
        size_t ni = (size_t)B * di;
        if (m->act == FMLP_TANH)
            for (size_t i = 0; i < ni; i++)
                gi[i] *= 1.0 - h[i] * h[i];
        else
            for (size_t i = 0; i < ni; i++)
                gi[i] = h[i] > 0 ? gi[i] : 0.0;
        m->g2 = g;
        m->g = gi;
        g = gi;
    }
    return sum / norm;
}
