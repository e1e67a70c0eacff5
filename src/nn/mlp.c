/* mlp.c: a fully connected ReLU classifier built from the kernels of
 * layers.h (see mlp.h for the layout of parameters and workspaces).
 *
 *   act[0] = x;  pre[l] = act[l] W[l]^T + b[l];
 *   hidden l:  act[l+1] = ReLU(BN(pre[l]))   (BN optional, no affine part);
 *   last:      logits = pre[depth-1] (act[depth] points to the same buffer);
 *   loss = mean softmax cross-entropy.
 * Backward is the chain rule layer by layer with dpre/dact as scratch. */
#include "nn/mlp.h"
#include "nn/layers.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static double *alloc0(size_t n)
{
    return calloc(n ? n : 1, sizeof(double));
}

int mlp_init(mlp_t *m, const int *dims, int depth, int bias, int batchnorm,
             double bn_eps, int max_batch, rng_t *rng)
{
    memset(m, 0, sizeof *m);
    if (depth < 1 || depth > MLP_MAX_LAYERS || max_batch < 1 || bn_eps < 0.0)
        return -1;
    for (int l = 0; l <= depth; l++)
        if (dims[l] < 1)
            return -1;
    m->depth = depth;
    memcpy(m->dims, dims, (size_t)(depth + 1) * sizeof *dims);
    m->bias = bias != 0;
    m->batchnorm = batchnorm != 0;
    m->bn_eps = bn_eps;
    m->max_batch = max_batch;

    size_t n = 0, widest = 0;
    for (int l = 0; l < depth; l++) {
        n += (size_t)dims[l + 1] * dims[l] + (m->bias ? (size_t)dims[l + 1] : 0);
        if ((size_t)dims[l + 1] > widest)
            widest = (size_t)dims[l + 1];
        if ((size_t)dims[l] > widest)
            widest = (size_t)dims[l];
    }
    m->n_params = n;
    m->theta = alloc0(n);
    m->grad = alloc0(n);
    m->dact = alloc0((size_t)max_batch * widest);
    m->dpre = alloc0((size_t)max_batch * widest);
    int ok = m->theta && m->grad && m->dact && m->dpre;

    size_t off = 0;
    for (int l = 0; l < depth; l++) {
        size_t nw = (size_t)dims[l + 1] * dims[l];
        m->W[l] = m->theta + off;
        m->dW[l] = m->grad + off;
        off += nw;
        if (m->bias) {
            m->b[l] = m->theta + off;
            m->db[l] = m->grad + off;
            off += (size_t)dims[l + 1];
        }
        m->act[l] = alloc0((size_t)max_batch * dims[l]);
        m->pre[l] = alloc0((size_t)max_batch * dims[l + 1]);
        ok = ok && m->act[l] && m->pre[l];
        if (m->batchnorm && l < depth - 1) {
            m->xhat[l] = alloc0((size_t)max_batch * dims[l + 1]);
            m->bn_mean[l] = alloc0((size_t)dims[l + 1]);
            m->bn_rstd[l] = alloc0((size_t)dims[l + 1]);
            ok = ok && m->xhat[l] && m->bn_mean[l] && m->bn_rstd[l];
        }
    }
    m->act[depth] = m->pre[depth - 1];   /* logits; an alias, not a buffer */
    if (!ok) {
        mlp_free(m);
        return -1;
    }

    /* PyTorch nn.Linear default: U(-k, k), k = 1/sqrt(fan_in), W then b. */
    for (int l = 0; l < depth; l++) {
        double k = 1.0 / sqrt((double)dims[l]);
        size_t nw = (size_t)dims[l + 1] * dims[l];
        for (size_t i = 0; i < nw; i++)
            m->W[l][i] = k * (2.0 * rng_uniform(rng) - 1.0);
        if (m->bias)
            for (int i = 0; i < dims[l + 1]; i++)
                m->b[l][i] = k * (2.0 * rng_uniform(rng) - 1.0);
    }
    return 0;
}

void mlp_free(mlp_t *m)
{
    if (m->depth >= 1 && m->depth <= MLP_MAX_LAYERS)
        m->act[m->depth] = NULL;   /* the logits alias, freed as pre[depth-1] */
    free(m->theta);
    free(m->grad);
    free(m->dact);
    free(m->dpre);
    for (int l = 0; l < MLP_MAX_LAYERS; l++) {
        free(m->act[l]);
        free(m->pre[l]);
        free(m->xhat[l]);
        free(m->bn_mean[l]);
        free(m->bn_rstd[l]);
    }
    memset(m, 0, sizeof *m);
}

/* Forward pass; returns the logits (pre[depth-1]). */
static const double *forward(mlp_t *m, const double *x, int B)
{
    if (x != m->act[0])   /* callers may gather a batch straight into act[0] */
        memcpy(m->act[0], x, (size_t)B * m->dims[0] * sizeof *x);
    for (int l = 0; l < m->depth; l++) {
        int din = m->dims[l], dout = m->dims[l + 1];
        nn_linear_forward(m->pre[l], m->act[l], m->W[l], m->b[l], B, din, dout);
        if (l == m->depth - 1)
            break;
        size_t n = (size_t)B * dout;
        if (m->batchnorm) {
            nn_batchnorm_forward(m->xhat[l], m->xhat[l], m->bn_mean[l], m->bn_rstd[l], m->pre[l],
                                 NULL, NULL, B, dout, m->bn_eps);
            nn_relu_forward(m->act[l + 1], m->xhat[l], n);
        } else {
            nn_relu_forward(m->act[l + 1], m->pre[l], n);
        }
    }
    return m->pre[m->depth - 1];
}

double mlp_train_batch(mlp_t *m, const double *x, const int *y, int B, int *correct)
{
    int L = m->depth, C = m->dims[L];
    const double *logits = forward(m, x, B);
    double loss = nn_softmax_xent(m->dpre, logits, y, B, C);
    if (correct)
        *correct = nn_count_correct(logits, y, B, C);
    /* invariant at the top of the loop: dpre = dL/dpre[l] */
    for (int l = L - 1; l >= 0; l--) {
        int din = m->dims[l], dout = m->dims[l + 1];
        nn_linear_backward(l > 0 ? m->dact : NULL, m->dW[l], m->db[l], m->dpre, m->act[l],
                           m->W[l], B, din, dout);
        if (l == 0)
            break;
        size_t n = (size_t)B * din;
        if (m->batchnorm) {
            nn_relu_backward(m->dact, m->dact, m->xhat[l - 1], n);
            nn_batchnorm_backward(m->dpre, NULL, NULL, m->dact, m->xhat[l - 1],
                                  m->bn_rstd[l - 1], NULL, B, din);
        } else {
            nn_relu_backward(m->dpre, m->dact, m->pre[l - 1], n);
        }
    }
    return loss;
}

double mlp_eval_batch(mlp_t *m, const double *x, const int *y, int B, int *correct)
{
    int C = m->dims[m->depth];
    const double *logits = forward(m, x, B);
    if (correct)
        *correct = nn_count_correct(logits, y, B, C);
    return nn_softmax_xent(NULL, logits, y, B, C) * B;
}
