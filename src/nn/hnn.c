/* hnn.c: Hamiltonian neural network (Greydanus et al. 2019: Hamilton's
 * equations as the predicted field, their training loss) on the engine of
 * hvp.c, and the initialisation of the black-box baselines (mlp.h) of both
 * chapter-4 comparisons.  See hnn.h. */
#include "nn/hnn.h"

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

/* ------------------------------------------------------------ the baselines */

void hnn_baseline_init(mlp_t *m, hvp_init_scheme scheme, rng_t *rng)
{
    memset(m->theta, 0, m->n_params * sizeof(double));
    for (int l = 0; l < m->depth; l++)
        hvp_random_matrix(m->W[l], m->dims[l + 1], m->dims[l], scheme, rng);
}
