/* mlp_f32.c: the float twin of nn/mlp.c (see mlp_f32.h), on the kernels of
 * kernels_f32.h: act[0] = x;  pre[l] = act[l] W[l]^T + b[l];
 * act[l+1] = ReLU(pre[l]) for hidden l;  out = pre[L-1]. */
#include "bench/mlp_f32.h"
#include "bench/kernels_f32.h"

#include <stdlib.h>
#include <string.h>

int mlpf_create(mlpf_t *m, const mlp_spec_t *s)
{
    memset(m, 0, sizeof *m);
    size_t ps[2 * MLP_MAX_LAYERS];
    size_t n = mlp_param_sizes(s, ps);
    if (!n || s->act != MLP_RELU || s->batchnorm)
        return -1;
    int L = s->depth;
    size_t B = (size_t)s->max_batch, widest = 0, nw = 0;
    for (int l = 0; l <= L; l++)
        widest = (size_t)s->dims[l] > widest ? (size_t)s->dims[l] : widest;
    /* the workspace table: act[l], pre[l] for l < L, then dout, dact, dpre */
    for (int l = 0; l < L; l++)
        nw += B * s->dims[l] + B * s->dims[l + 1];
    nw += B * s->dims[L] + 2 * B * widest;
    float *mem = calloc(2 * n + nw, sizeof *mem);
    if (!mem)
        return -1;
    m->owned = mem;
    m->depth = L;
    memcpy(m->dims, s->dims, (size_t)(L + 1) * sizeof *s->dims);
    m->max_batch = s->max_batch;
    m->n_params = n;
    m->theta = mem;
    m->grad = mem + n;
    size_t off = 0;
    for (int l = 0; l < L; l++) {
        m->W[l] = m->theta + off;
        m->dW[l] = m->grad + off;
        off += ps[2 * l];
        if (ps[2 * l + 1]) {
            m->b[l] = m->theta + off;
            m->db[l] = m->grad + off;
            off += ps[2 * l + 1];
        }
    }
    float *w = mem + 2 * n;
    for (int l = 0; l < L; l++) {
        m->act[l] = w, w += B * s->dims[l];
        m->pre[l] = w, w += B * s->dims[l + 1];
    }
    m->dout = w, w += B * s->dims[L];
    m->dact = w, w += B * widest;
    m->dpre = w;
    m->out = m->act[L] = m->pre[L - 1];
    return 0;
}

void mlpf_free(mlpf_t *m)
{
    free(m->owned);
    memset(m, 0, sizeof *m);
}

const float *mlpf_forward(mlpf_t *m, int B)
{
    for (int l = 0; l < m->depth; l++) {
        f32_linear_forward(m->pre[l], m->act[l], m->W[l], m->b[l], B, m->dims[l], m->dims[l + 1]);
        if (l < m->depth - 1)
            f32_relu_forward(m->act[l + 1], m->pre[l], (size_t)B * m->dims[l + 1]);
    }
    return m->out;
}

void mlpf_zero_grad(mlpf_t *m)
{
    memset(m->grad, 0, m->n_params * sizeof *m->grad);
}

void mlpf_backward(mlpf_t *m, const float *dout, int B)
{
    const float *d = dout;   /* d loss/d pre[l] */
    for (int l = m->depth - 1; l >= 0; l--) {
        f32_linear_backward_acc(l > 0 ? m->dact : NULL, m->dW[l], m->db[l], d, m->act[l], m->W[l],
                                B, m->dims[l], m->dims[l + 1]);
        if (l == 0)
            break;
        f32_relu_backward(m->dpre, m->dact, m->pre[l - 1], (size_t)B * m->dims[l]);
        d = m->dpre;
    }
}

double mlpf_train_batch(mlpf_t *m, const int *y, int B)
{
    const float *z = mlpf_forward(m, B);
    double loss = f32_softmax_xent(m->dout, z, y, B, m->dims[m->depth]);
    mlpf_zero_grad(m);
    mlpf_backward(m, m->dout, B);
    return loss;
}
