/* data.h: what the chapter-3 programs share about data and units: a
 * Fashion-MNIST subset, test evaluation, and the per-unit view of a hidden
 * layer of mlp.h (incoming weight rows; with BatchNorm and eps = 0 each row
 * is a scale-invariant group).  Part of the programs: the loader dies. */
#ifndef CH3_DATA_H
#define CH3_DATA_H

#include "core/args.h"
#include "core/idx.h"
#include "core/tsv.h"
#include "nn/mlp.h"

/* The first n examples of a split (the subset keeps the chapter's compute
 * small); free with dataset_free. */
void ch3_load(dataset_t *out, const char *split, int n);
/* The network programs' shared options, entries of an args.h table over a
 * struct with int fields width, batch, train and test. */
#define CH3_NET_ARGS(st)                                                      \
    ARG_INT(st, width, "128", "hidden units per layer, >= 8"),                \
    ARG_INT(st, batch, "128", "minibatch size"),                              \
    ARG_INT(st, train, "10000", "training images (the first ones)"),          \
    ARG_INT(st, test, "2000", "test images (the first ones), >= 500")

/* Checks the network programs' shared options (dies naming them), then
 * loads the first ntrain training and ntest test images. */
void ch3_setup(long min_steps, long steps, int width, int batch, int ntrain, int ntest,
               dataset_t *train, dataset_t *test);

/* Mean loss and accuracy over a data set, in batches of eb (BatchNorm uses
 * each batch's own statistics, as mlp_eval_batch documents). */
void ch3_evaluate(mlp_t *m, const dataset_t *d, int eb, double *loss, double *acc);

/* The hidden units: unit u of layer l is row i of W[l]; units are numbered
 * layer by layer.  ch3_row(W, m, u, &len) points at its incoming weights in
 * W (m->W, or m->dW for the gradient). */
int     ch3_n_units(const mlp_t *m);
double *ch3_row(double *const *W, const mlp_t *m, int u, int *len);
double  ch3_row_sqnorm(double *const *W, const mlp_t *m, int u);
/* Pointer into a copy `base` of theta, at the same offset as unit u's row. */
double *ch3_row_in(double *base, const mlp_t *m, int u, int *len);

/* Quantile q in [0,1] of v[n] (sorts a copy in tmp). */
double ch3_quantile(const double *v, int n, double q, double *tmp);
/* Mean and root mean square of x[0..n), summed in index order (NaN if n <= 0). */
double ch3_mean(const double *x, long n);
double ch3_rms(const double *x, long n);

#endif
