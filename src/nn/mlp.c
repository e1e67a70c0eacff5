/* mlp.c: the one fully connected network (see mlp.h for the layout of
 * parameters and workspaces), composed from the kernels of layers.h.
 *
 *   act[0] = x;  pre[l] = act[l] W[l]^T + b[l];
 *   hidden l:  act[l+1] = s(BN(pre[l]))   (BN optional, no affine part;
 *                                         s = ReLU, tanh or softplus);
 *   last:      out = pre[L-1] (act[L] points to the same buffer).
 * Backward is the chain rule layer by layer, dpre/dact as scratch; the
 * parameter gradients are added to grad (nn_linear_backward_acc). */
#include "nn/mlp.h"
#include "nn/layers.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

size_t mlp_param_sizes(const mlp_spec_t *s, size_t sizes[2 * MLP_MAX_LAYERS])
{
    if (s->depth < 1 || s->depth > MLP_MAX_LAYERS || s->max_batch < 1 || !(s->bn_eps >= 0.0))
        return 0;
    for (int l = 0; l <= s->depth; l++)
        if (s->dims[l] < 1)
            return 0;
    size_t n = 0;
    for (int l = 0; l < s->depth; l++) {
        int has_b = l < s->depth - 1 ? s->bias : s->out_bias;
        sizes[2 * l] = (size_t)s->dims[l + 1] * s->dims[l];
        sizes[2 * l + 1] = has_b ? (size_t)s->dims[l + 1] : 0;
        n += sizes[2 * l] + sizes[2 * l + 1];
    }
    return n;
}

/* The workspace table, in carving order:
 *   act[l] [B, dims[l]], pre[l] [B, dims[l+1]]             l < L
 *   xhat[l] [B, dims[l+1]], mean[l], rstd[l] [dims[l+1]]   hidden l, with BatchNorm
 *   dout [B, dims[L]], dact, dpre [B, widest].
 * Returns the number of entries written to sizes (0 if the spec is invalid). */
enum { NWORK = 5 * MLP_MAX_LAYERS + 3 };

static int work_sizes(const mlp_spec_t *s, size_t sizes[NWORK])
{
    size_t p[2 * MLP_MAX_LAYERS];
    if (!mlp_param_sizes(s, p))
        return 0;
    size_t B = (size_t)s->max_batch, widest = 0;
    int k = 0, L = s->depth;
    for (int l = 0; l <= L; l++)
        if ((size_t)s->dims[l] > widest)
            widest = (size_t)s->dims[l];
    for (int l = 0; l < L; l++) {
        sizes[k++] = B * s->dims[l];
        sizes[k++] = B * s->dims[l + 1];
        if (s->batchnorm && l < L - 1) {
            sizes[k++] = B * s->dims[l + 1];
            sizes[k++] = (size_t)s->dims[l + 1];
            sizes[k++] = (size_t)s->dims[l + 1];
        }
    }
    sizes[k++] = B * s->dims[L];
    sizes[k++] = B * widest;
    sizes[k++] = B * widest;
    return k;
}

size_t mlp_work_size(const mlp_spec_t *s)
{
    size_t sizes[NWORK], n = 0;
    int k = work_sizes(s, sizes);
    for (int i = 0; i < k; i++)
        n += sizes[i];
    return n;
}

int mlp_attach(mlp_t *m, const mlp_spec_t *s, double *theta, double *grad, double *work)
{
    memset(m, 0, sizeof *m);
    size_t ps[2 * MLP_MAX_LAYERS], ws[NWORK];
    size_t n = mlp_param_sizes(s, ps);
    if (!n || !work_sizes(s, ws))
        return -1;
    int L = s->depth;
    m->depth = L;
    memcpy(m->dims, s->dims, (size_t)(L + 1) * sizeof *s->dims);
    m->act_fn = s->act;
    m->bias = s->bias != 0;
    m->out_bias = s->out_bias != 0;
    m->batchnorm = s->batchnorm != 0;
    m->bn_eps = s->bn_eps;
    m->max_batch = s->max_batch;
    m->n_params = n;
    m->theta = theta;
    m->grad = grad;

    /* parameters: W[0] b[0] W[1] b[1] ... from the table */
    size_t off = 0;
    for (int l = 0; l < L; l++) {
        m->W[l] = theta + off;
        m->dW[l] = grad ? grad + off : NULL;
        off += ps[2 * l];
        if (ps[2 * l + 1]) {
            m->b[l] = theta + off;
            m->db[l] = grad ? grad + off : NULL;
            off += ps[2 * l + 1];
        }
    }

    if (!work)
        return 0;   /* parameter views only */
    /* activations, in the order of work_sizes */
    double *w = work;
    int k = 0;
    for (int l = 0; l < L; l++) {
        m->act[l] = w, w += ws[k++];
        m->pre[l] = w, w += ws[k++];
        if (m->batchnorm && l < L - 1) {
            m->xhat[l] = w, w += ws[k++];
            m->bn_mean[l] = w, w += ws[k++];
            m->bn_rstd[l] = w, w += ws[k++];
        }
    }
    m->dout = w, w += ws[k++];
    m->dact = w, w += ws[k++];
    m->dpre = w;
    m->out = m->act[L] = m->pre[L - 1];
    return 0;
}

int mlp_create(mlp_t *m, const mlp_spec_t *s)
{
    memset(m, 0, sizeof *m);
    size_t ps[2 * MLP_MAX_LAYERS];
    size_t n = mlp_param_sizes(s, ps), nw = mlp_work_size(s);
    if (!n || !nw)
        return -1;
    double *mem = calloc(2 * n + nw, sizeof *mem);
    if (!mem)
        return -1;
    mlp_attach(m, s, mem, mem + n, mem + 2 * n);
    m->owned = mem;
    return 0;
}

void mlp_free(mlp_t *m)
{
    free(m->owned);
    memset(m, 0, sizeof *m);
}

void mlp_init_uniform(mlp_t *m, rng_t *rng)
{
    for (int l = 0; l < m->depth; l++) {
        double k = 1.0 / sqrt((double)m->dims[l]);
        size_t nw = (size_t)m->dims[l + 1] * m->dims[l];
        for (size_t i = 0; i < nw; i++)
            m->W[l][i] = k * (2.0 * rng_uniform(rng) - 1.0);
        if (m->b[l])
            for (int i = 0; i < m->dims[l + 1]; i++)
                m->b[l][i] = k * (2.0 * rng_uniform(rng) - 1.0);
    }
}

/* ------------------------------------------------------------ forward, backward */

const double *mlp_forward(mlp_t *m, const double *x, int B)
{
    if (x != m->act[0])
        memcpy(m->act[0], x, (size_t)B * m->dims[0] * sizeof *x);
    for (int l = 0; l < m->depth; l++) {
        int din = m->dims[l], dout = m->dims[l + 1];
        nn_linear_forward(m->pre[l], m->act[l], m->W[l], m->b[l], B, din, dout);
        if (l == m->depth - 1)
            break;
        size_t n = (size_t)B * dout;
        const double *in = m->pre[l];
        if (m->batchnorm) {
            nn_batchnorm_forward(m->xhat[l], m->xhat[l], m->bn_mean[l], m->bn_rstd[l], m->pre[l],
                                 NULL, NULL, B, dout, m->bn_eps);
            in = m->xhat[l];
        }
        switch (m->act_fn) {
        case MLP_TANH:     nn_tanh_forward(m->act[l + 1], in, n); break;
        case MLP_SOFTPLUS: nn_softplus_forward(m->act[l + 1], in, n); break;
        default:           nn_relu_forward(m->act[l + 1], in, n); break;
        }
    }
    return m->out;
}

void mlp_zero_grad(mlp_t *m)
{
    if (m->grad)
        memset(m->grad, 0, m->n_params * sizeof *m->grad);
}

/* dst = src * s'(input of the activation of hidden layer l), n entries. */
static void act_backward(const mlp_t *m, int l, double *dst, const double *src, size_t n)
{
    const double *in = m->batchnorm ? m->xhat[l] : m->pre[l];
    switch (m->act_fn) {
    case MLP_TANH:     nn_tanh_backward(dst, src, m->act[l + 1], n); break;
    case MLP_SOFTPLUS: nn_softplus_backward(dst, src, in, n); break;
    default:           nn_relu_backward(dst, src, in, n); break;
    }
}

void mlp_backward(mlp_t *m, const double *dout, int B, double *dx)
{
    /* invariant at the top of the loop: d = d loss/d pre[l] */
    const double *d = dout;
    for (int l = m->depth - 1; l >= 0; l--) {
        int din = m->dims[l], dl = m->dims[l + 1];
        nn_linear_backward_acc(l > 0 ? m->dact : dx, m->dW[l], m->db[l], d, m->act[l], m->W[l],
                               B, din, dl);
        if (l == 0)
            break;
        size_t n = (size_t)B * din;
        if (m->batchnorm) {
            act_backward(m, l - 1, m->dact, m->dact, n);
            nn_batchnorm_backward(m->dpre, NULL, NULL, m->dact, m->xhat[l - 1],
                                  m->bn_rstd[l - 1], NULL, B, din);
        } else {
            act_backward(m, l - 1, m->dpre, m->dact, n);
        }
        d = m->dpre;
    }
}

/* ------------------------------------------------------------ the classifier */

int mlp_init(mlp_t *m, const int *dims, int depth, int bias, int batchnorm, double bn_eps,
             int max_batch, rng_t *rng)
{
    mlp_spec_t s = {.depth = depth, .act = MLP_RELU, .bias = bias, .out_bias = bias,
                    .batchnorm = batchnorm, .bn_eps = bn_eps, .max_batch = max_batch};
    memset(m, 0, sizeof *m);
    if (depth < 1 || depth > MLP_MAX_LAYERS)
        return -1;
    memcpy(s.dims, dims, (size_t)(depth + 1) * sizeof *dims);
    if (mlp_create(m, &s))
        return -1;
    mlp_init_uniform(m, rng);
    return 0;
}

double mlp_train_batch(mlp_t *m, const double *x, const int *y, int B, int *correct)
{
    int C = m->dims[m->depth];
    const double *logits = mlp_forward(m, x, B);
    double loss = nn_softmax_xent(m->dout, logits, y, B, C);
    if (correct)
        *correct = nn_count_correct(logits, y, B, C);
    mlp_zero_grad(m);
    mlp_backward(m, m->dout, B, NULL);
    return loss;
}

double mlp_eval_batch(mlp_t *m, const double *x, const int *y, int B, int *correct)
{
    int C = m->dims[m->depth];
    const double *logits = mlp_forward(m, x, B);
    if (correct)
        *correct = nn_count_correct(logits, y, B, C);
    return nn_softmax_xent(NULL, logits, y, B, C) * B;
}

double mlp_regress_batch(mlp_t *m, const double *x, const double *y, int B, nn_loss_kind kind,
                         int per_sample, int want_grad)
{
    const double *out = mlp_forward(m, x, B);
    double loss = nn_regression_loss(want_grad ? m->dout : NULL, out, y, B, m->dims[m->depth],
                                     kind, per_sample);
    if (want_grad) {
        mlp_zero_grad(m);
        mlp_backward(m, m->dout, B, NULL);
    }
    return loss;
}
