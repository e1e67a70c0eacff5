/* net.h: what the chapter-2 programs on Fashion-MNIST share: the data subset
 * and its minibatch stream, the 784-128-128-10 ReLU classifier of mlp.h
 * (with or without BatchNorm, eps = 0), and the per-unit charges of its two
 * hidden layers read from any vector laid out as its parameters (the
 * weights, a gradient, a momentum buffer).  Part of the programs: errors die. */
#ifndef CH2_NET_H
#define CH2_NET_H

#include <stdint.h>

#include "core/batch.h"
#include "core/idx.h"
#include "nn/mlp.h"
#include "nn/symmetry.h"

enum { CH2_IN = 784, CH2_H = 128, CH2_C = 10 };

/* The first `subset` training images, batches of `batch` drawn by the PCG32
 * stream (seed, 2), and a batch buffer x[batch, 784], y[batch]. */
typedef struct {
    dataset_t ds;
    minibatch_t mb;
    int batch;
    uint64_t seed;
    double *x;
    int *y;
} ch2_data_t;
void ch2_data_open(ch2_data_t *d, int subset, int batch, uint64_t seed);
void ch2_data_close(ch2_data_t *d);
/* The next training batch into d->x, d->y. */
void ch2_data_next(ch2_data_t *d);

/* The classifier (PyTorch init from stream (seed, 1)), and the batch stream
 * rewound, so that every run of a program sees the same init and batches. */
void ch2_net_init(mlp_t *m, ch2_data_t *d, int bn);

/* Layer l of m as a sym_layer_t (offsets into theta). */
sym_layer_t ch2_layer(const mlp_t *m, int l);
/* Pointer into vec (laid out as m->theta) at layer l's W or b. */
const double *ch2_W(const mlp_t *m, const double *vec, int l);
const double *ch2_b(const mlp_t *m, const double *vec, int l);

/* Per hidden unit of both layers (2 H values, layer 1 first), from vec:
 *   scale:   |row|^2 + b^2                       (incoming, the scale charge);
 *   rescale: |out column|^2 - |row|^2 - b^2      (the rescale charge D),
 *            and in nrm (may be NULL) |row|^2 + b^2 + |out column|^2.
 * tmp: 2 H doubles. */
void ch2_scale_charges(double *Q, const mlp_t *m, const double *vec);
void ch2_rescale_charges(double *D, double *nrm, const mlp_t *m, const double *vec, double *tmp);

#endif
