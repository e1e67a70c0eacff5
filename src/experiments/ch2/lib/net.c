/* net.c: data, network and per-unit charges shared by the chapter-2
 * programs (see net.h). */
#include "experiments/ch2/lib/net.h"

#include <stdlib.h>

#include "core/util.h"

void ch2_data_open(ch2_data_t *d, int subset, int batch, uint64_t seed)
{
    char err[512];
    if (fmnist_load(&d->ds, NULL, "train", err, sizeof err))
        die("%s", err);
    if (minibatch_init(&d->mb, &d->ds, subset, MINIBATCH_STREAM, seed, 2))
        die("--subset %d: must be in 1..%d", subset, d->ds.n);
    d->batch = batch;
    d->seed = seed;
    d->x = xmalloc((size_t)batch * CH2_IN * sizeof *d->x);
    d->y = xmalloc((size_t)batch * sizeof *d->y);
}

void ch2_data_close(ch2_data_t *d)
{
    free(d->x), free(d->y);
    minibatch_free(&d->mb);
    dataset_free(&d->ds);
}

void ch2_data_next(ch2_data_t *d)
{
    minibatch_next(&d->mb, d->x, d->y, d->batch);
}

void ch2_net_init(mlp_t *m, ch2_data_t *d, int bn)
{
    const int dims[4] = {CH2_IN, CH2_H, CH2_H, CH2_C};
    rng_t ri;
    rng_seed(&ri, d->seed, 1);
    if (mlp_init(m, dims, 3, 1, bn, 0.0, d->batch, &ri))
        die("mlp_init failed");
    minibatch_rewind(&d->mb, d->seed, 2);
}

sym_layer_t ch2_layer(const mlp_t *m, int l)
{
    sym_layer_t L = {(size_t)(m->W[l] - m->theta),
                     m->b[l] ? (size_t)(m->b[l] - m->theta) : SYM_NO_BIAS, m->dims[l + 1],
                     m->dims[l]};
    return L;
}

const double *ch2_W(const mlp_t *m, const double *vec, int l)
{
    return vec + (m->W[l] - m->theta);
}

const double *ch2_b(const mlp_t *m, const double *vec, int l)
{
    return m->b[l] ? vec + (m->b[l] - m->theta) : NULL;
}

void ch2_scale_charges(double *Q, const mlp_t *m, const double *vec)
{
    for (int l = 0; l < 2; l++)
        sym_in_sqnorm(Q + l * CH2_H, ch2_W(m, vec, l), ch2_b(m, vec, l), CH2_H, m->dims[l]);
}

void ch2_rescale_charges(double *D, double *nrm, const mlp_t *m, const double *vec, double *tmp)
{
    for (int l = 0; l < 2; l++) {
        const double *W1 = ch2_W(m, vec, l), *b1 = ch2_b(m, vec, l), *W2 = ch2_W(m, vec, l + 1);
        sym_rescale_charge(D + l * CH2_H, W1, b1, W2, CH2_H, m->dims[l], m->dims[l + 2]);
        if (nrm) {
            sym_in_sqnorm(nrm + l * CH2_H, W1, b1, CH2_H, m->dims[l]);
            sym_out_sqnorm(tmp, W2, m->dims[l + 2], CH2_H);
            for (int i = 0; i < CH2_H; i++)
                nrm[l * CH2_H + i] += tmp[i];
        }
    }
}
