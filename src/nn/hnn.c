/* hnn.c: Hamiltonian neural network (Greydanus et al. 2019: Hamilton's
 * equations as the predicted field, their training loss) on the engine of
 * hvp.c, and the initialisation of the black-box baselines (mlp.h) of both
 * chapter-4 comparisons.  See hnn.h. */
#include "nn/hnn.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

int hnn_init_dof(hnn_t *m, int dof, int width, int depth, int max_batch)
{
    memset(m, 0, sizeof *m);
    int dims[HVP_MAX_DEPTH + 1] = {2 * dof};
    if (dof < 1 || depth < 1 || depth > HVP_MAX_DEPTH)
        return -1;
    for (int l = 1; l <= depth; l++)
        dims[l] = width;
    m->dof = dof;
    return hvp_init(&m->net, dims, depth, HVP_TANH, 0, max_batch);
}

int hnn_init(hnn_t *m, int width, int depth, int max_batch)
{
    return hnn_init_dof(m, 1, width, depth, max_batch);
}

void hnn_free(hnn_t *m) { hvp_free(&m->net); }

void hnn_field(hnn_t *m, int B, const double *x, double *f)
{
    const int d = m->dof, n = 2 * d;
    memcpy(m->net.in, x, (size_t)n * B * sizeof(double));
    hvp_forward(&m->net, B, 0);
    const double *ga = m->net.out;
    for (int b = 0; b < B; b++)
        for (int i = 0; i < d; i++) {
            f[n * b + i] = ga[n * b + d + i];
            f[n * b + d + i] = -ga[n * b + i];
        }
}

void hnn_value(hnn_t *m, int B, const double *x, double *H)
{
    memcpy(m->net.in, x, 2 * (size_t)m->dof * B * sizeof(double));
    hvp_forward(&m->net, B, 1);
    memcpy(H, m->net.value, (size_t)B * sizeof(double));
}

/* excerpt: hnn_loss */
double hnn_loss_grad(hnn_t *m, int B, const double *x, const double *target)
{
    const int d = m->dof, n = 2 * d;
    memcpy(m->net.in, x, (size_t)n * B * sizeof(double));
    hvp_forward(&m->net, B, 0);
    const double *ga = m->net.out;
    double *ga_bar = m->net.out_bar;
    double sum = 0, scale = 2.0 / ((double)n * B);
    for (int b = 0; b < B; b++)
        for (int i = 0; i < d; i++) {
            double eq = ga[n * b + d + i] - target[n * b + i];      /* dH/dp - qdot */
            double ep = -ga[n * b + i] - target[n * b + d + i];     /* -dH/dq - pdot */
            sum += eq * eq + ep * ep;
            ga_bar[n * b + i] = -scale * ep;
            ga_bar[n * b + d + i] = scale * eq;
        }
    hvp_backward(&m->net, B);
    return sum / ((double)n * B);
}
/* end excerpt */

/* ------------------------------------------------------------ the baselines */

void hnn_baseline_init(mlp_t *m, hvp_init_scheme scheme, rng_t *rng)
{
    memset(m->theta, 0, m->n_params * sizeof(double));
    for (int l = 0; l < m->depth; l++)
        hvp_random_matrix(m->W[l], m->dims[l + 1], m->dims[l], scheme, rng);
}
