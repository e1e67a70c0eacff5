/* hnn.c: Hamiltonian neural network (Greydanus et al. 2019: Hamilton's
 * equations as the predicted field, their training loss) on the engine of
 * lnn.c, and the initialisation of the black-box baselines (mlp.h) of both
 * chapter-4 comparisons.  See hnn.h. */
#include "nn/hnn.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

int hnn_init(hnn_t *m, int width, int depth, int max_batch)
{
    memset(m, 0, sizeof *m);
    int dims[LNN_MAX_DEPTH + 1] = {2};
    if (depth < 1 || depth > LNN_MAX_DEPTH)
        return -1;
    for (int l = 1; l <= depth; l++)
        dims[l] = width;
    if (lnn_net_init(&m->net, dims, depth, LNN_TANH, 0, max_batch))
        return -1;
    m->ga_bar = xcalloc(2 * (size_t)max_batch, sizeof(double));
    return 0;
}

void hnn_free(hnn_t *m)
{
    lnn_net_free(&m->net);
    free(m->ga_bar);
}

void hnn_field(hnn_t *m, int B, const double *x, double *f)
{
    lnn_net_forward(&m->net, B, x, NULL, 0);
    const double *ga = m->net.R[0];
    for (int b = 0; b < B; b++) {
        f[2 * b] = ga[2 * b + 1];
        f[2 * b + 1] = -ga[2 * b];
    }
}

void hnn_value(hnn_t *m, int B, const double *x, double *H)
{
    lnn_net_forward(&m->net, B, x, NULL, 1);
    memcpy(H, m->net.value, (size_t)B * sizeof(double));
}

/* excerpt: hnn_loss */
double hnn_loss_grad(hnn_t *m, int B, const double *x, const double *target)
{
    lnn_net_forward(&m->net, B, x, NULL, 0);
    const double *ga = m->net.R[0];
    double sum = 0, scale = 2.0 / (2.0 * B);
    for (int b = 0; b < B; b++) {
        double eq = ga[2 * b + 1] - target[2 * b];        /* dH/dp - qdot */
        double ep = -ga[2 * b] - target[2 * b + 1];       /* -dH/dq - pdot */
        sum += eq * eq + ep * ep;
        m->ga_bar[2 * b] = -scale * ep;
        m->ga_bar[2 * b + 1] = scale * eq;
    }
    lnn_net_backward(&m->net, B, m->ga_bar, NULL);
    return sum / (2.0 * B);
}
/* end excerpt */

/* ------------------------------------------------------------ the baselines */

void hnn_baseline_init(mlp_t *m, lnn_init_scheme scheme, rng_t *rng)
{
    memset(m->theta, 0, m->n_params * sizeof(double));
    for (int l = 0; l < m->depth; l++)
        lnn_random_matrix(m->W[l], m->dims[l + 1], m->dims[l], scheme, rng);
}
