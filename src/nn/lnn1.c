/* lnn1.c: the one-degree-of-freedom Lagrangian network on the engine of
 * hvp.c; see lnn1.h. */
#include "nn/lnn1.h"

#include <stdlib.h>
#include <string.h>

int lnn1_init(lnn1_t *m, int width, int depth, double kappa, int max_batch)
{
    memset(m, 0, sizeof *m);
    int dims[HVP_MAX_DEPTH + 1] = {2};
    if (depth < 1 || depth > HVP_MAX_DEPTH)
        return -1;
    for (int l = 1; l <= depth; l++)
        dims[l] = width;
    if (hvp_init(&m->net, dims, depth, HVP_SOFTPLUS, 1, max_batch))
        return -1;
    m->kappa = kappa;
    m->acc = calloc((size_t)max_batch, sizeof(double));
    if (!m->acc) {
        hvp_free(&m->net);
        return -1;
    }
    return 0;
}

void lnn1_free(lnn1_t *m)
{
    hvp_free(&m->net);
    free(m->acc);
}

/* rows b S + 0 = (q, v), b S + 1 = (0, 1); then the forward */
static void load(lnn1_t *m, int B, const double *x, int want_value)
{
    double *in = m->net.in;
    for (int b = 0; b < B; b++) {
        in[4 * b] = x[2 * b];
        in[4 * b + 1] = x[2 * b + 1];
        in[4 * b + 2] = 0;
        in[4 * b + 3] = 1;
    }
    hvp_forward(&m->net, B, want_value);
}

/* out rows: b S + 0 = (L_q, L_v), b S + 1 = (L_vq, L_vv) of the MLP alone */
static double accel_one(const lnn1_t *m, const double *o, double v, double *M)
{
    *M = o[3] + m->kappa;
    return (o[0] - o[2] * v) / *M;
}

void lnn1_accel(lnn1_t *m, int B, const double *x, double *a)
{
    load(m, B, x, 0);
    for (int b = 0; b < B; b++) {
        double M;
        a[b] = accel_one(m, m->net.out + 4 * b, x[2 * b + 1], &M);
    }
}

double lnn1_loss_grad(lnn1_t *m, int B, const double *x, const double *target)
{
    load(m, B, x, 0);
    double sum = 0, *ob = m->net.out_bar;
    for (int b = 0; b < B; b++) {
        double M, v = x[2 * b + 1];
        double a = accel_one(m, m->net.out + 4 * b, v, &M), e = a - target[b];
        double da = 2 * e / B / M;   /* d loss / d a, over M */
        sum += e * e;
        ob[4 * b] = da;              /* d a / d L_q  = 1/M */
        ob[4 * b + 1] = 0;
        ob[4 * b + 2] = -da * v;     /* d a / d L_vq = -v/M */
        ob[4 * b + 3] = -da * a;     /* d a / d L_vv = -a/M */
    }
    hvp_backward(&m->net, B);
    return sum / B;
}

void lnn1_energy(lnn1_t *m, int B, const double *x, double *E)
{
    load(m, B, x, 1);
    for (int b = 0; b < B; b++) {
        double v = x[2 * b + 1], Lv = m->net.out[4 * b + 1] + m->kappa * v;
        double L = m->net.value[b] + 0.5 * m->kappa * v * v;
        E[b] = v * Lv - L;
    }
}
