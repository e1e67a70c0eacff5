/* ch3_common.h: what the chapter-3 programs share (a header of static
 * functions, so that the Makefile's one-program-per-.c rule is kept):
 * Fashion-MNIST subsets, seeded minibatches, test evaluation, and the
 * per-unit view of a hidden layer of mlp.h (incoming weight rows; with
 * BatchNorm and eps = 0 each row is a scale-invariant group). */
#ifndef CH3_COMMON_H
#define CH3_COMMON_H

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/idx.h"
#include "core/rng.h"
#include "core/util.h"
#include "nn/mlp.h"
#include "nn/scale_dynamics.h"

typedef struct {
    int n, d;
    double *x;    /* [n, d] */
    int *y;       /* [n] */
} ch3_data_t;

/* The first n examples of a split (the subset keeps the chapter's compute small). */
static void ch3_load(ch3_data_t *out, const char *split, int n)
{
    dataset_t ds;
    char err[512];
    if (fmnist_load(&ds, NULL, split, err, sizeof err))
        die("%s", err);
    if (n > ds.n)
        n = ds.n;
    out->n = n;
    out->d = ds.d;
    out->x = xmalloc((size_t)n * ds.d * sizeof *out->x);
    out->y = xmalloc((size_t)n * sizeof *out->y);
    memcpy(out->x, ds.x, (size_t)n * ds.d * sizeof *out->x);
    memcpy(out->y, ds.y, (size_t)n * sizeof *out->y);
    dataset_free(&ds);
}

static void ch3_data_free(ch3_data_t *d)
{
    free(d->x);
    free(d->y);
}

/* Minibatches drawn by reshuffling the training set every epoch (own stream). */
typedef struct {
    const ch3_data_t *data;
    size_t *perm;
    int pos, B;
    rng_t rng;
    double *xb;
    int *yb;
} ch3_batcher_t;

static void ch3_batcher_init(ch3_batcher_t *b, const ch3_data_t *data, int B, uint64_t seed)
{
    b->data = data;
    b->B = B;
    b->perm = xmalloc((size_t)data->n * sizeof *b->perm);
    for (int i = 0; i < data->n; i++)
        b->perm[i] = (size_t)i;
    rng_seed(&b->rng, seed, 7);
    rng_shuffle(&b->rng, b->perm, (size_t)data->n);
    b->pos = 0;
    b->xb = xmalloc((size_t)B * data->d * sizeof *b->xb);
    b->yb = xmalloc((size_t)B * sizeof *b->yb);
}

static void ch3_batcher_next(ch3_batcher_t *b)
{
    if (b->pos + b->B > b->data->n) {
        rng_shuffle(&b->rng, b->perm, (size_t)b->data->n);
        b->pos = 0;
    }
    int d = b->data->d;
    for (int i = 0; i < b->B; i++) {
        size_t j = b->perm[b->pos + i];
        memcpy(b->xb + (size_t)i * d, b->data->x + j * d, (size_t)d * sizeof *b->xb);
        b->yb[i] = b->data->y[j];
    }
    b->pos += b->B;
}

static void ch3_batcher_free(ch3_batcher_t *b)
{
    free(b->perm);
    free(b->xb);
    free(b->yb);
}

/* Mean loss and accuracy over a data set, in batches of eb (BatchNorm uses
 * each batch's own statistics, as mlp_eval_batch documents). */
static void ch3_evaluate(mlp_t *m, const ch3_data_t *d, int eb, double *loss, double *acc)
{
    double s = 0.0;
    long correct = 0, n = 0;
    for (int i = 0; i + eb <= d->n; i += eb) {
        int c = 0;
        s += mlp_eval_batch(m, d->x + (size_t)i * d->d, d->y + i, eb, &c);
        correct += c;
        n += eb;
    }
    *loss = s / n;
    *acc = (double)correct / n;
    if (!isfinite(*loss))
        *loss = NAN;
}

/* The hidden units: unit u of layer l is row i of W[l]; units are numbered
 * layer by layer.  ch3_row(m, u, &len) points at its incoming weights. */
static int ch3_n_units(const mlp_t *m)
{
    int n = 0;
    for (int l = 0; l < m->depth - 1; l++)
        n += m->dims[l + 1];
    return n;
}

static double *ch3_row(double *const *W, const mlp_t *m, int u, int *len)
{
    *len = 0;
    for (int l = 0; l < m->depth - 1; l++) {
        if (u < m->dims[l + 1]) {
            *len = m->dims[l];
            return W[l] + (size_t)u * m->dims[l];
        }
        u -= m->dims[l + 1];
    }
    return NULL;
}

static double ch3_row_sqnorm(double *const *W, const mlp_t *m, int u)
{
    int len;
    const double *p = ch3_row(W, m, u, &len);
    return scale_sqnorm(p, (size_t)len);
}

/* Pointer into a copy `base` of theta, at the same offset as unit u's row. */
static double *ch3_row_in(double *base, const mlp_t *m, int u, int *len)
{
    double *p = ch3_row(m->W, m, u, len);
    return base + (p - m->theta);
}

static int ch3_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Quantile q in [0,1] of v[n] (sorts a copy in tmp). */
static double ch3_quantile(const double *v, int n, double q, double *tmp)
{
    memcpy(tmp, v, (size_t)n * sizeof *v);
    qsort(tmp, (size_t)n, sizeof *tmp, ch3_cmp);
    double pos = q * (n - 1);
    int i = (int)pos;
    if (i >= n - 1)
        return tmp[n - 1];
    return tmp[i] + (pos - i) * (tmp[i + 1] - tmp[i]);
}

#endif
