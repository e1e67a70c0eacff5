/* data.c: data subsets, evaluation and per-unit rows for chapter 3 (see data.h). */
#include "experiments/ch3/lib/data.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/stats.h"
#include "core/util.h"
#include "nn/scale_dynamics.h"

void ch3_load(dataset_t *out, const char *split, int n)
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

void ch3_setup(long min_steps, long steps, int width, int batch, int ntrain, int ntest,
               dataset_t *train, dataset_t *test)
{
    if (steps < min_steps || width < 8 || batch < 2 || ntrain < batch || ntest < 500)
        die("bad sizes: need --steps >= %ld, --width >= 8, --batch >= 2, --train >= --batch, "
            "--test >= 500", min_steps);
    ch3_load(train, "train", ntrain);
    ch3_load(test, "test", ntest);
}

void ch3_evaluate(mlp_t *m, const dataset_t *d, int eb, double *loss, double *acc)
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

int ch3_n_units(const mlp_t *m)
{
    int n = 0;
    for (int l = 0; l < m->depth - 1; l++)
        n += m->dims[l + 1];
    return n;
}

double *ch3_row(double *const *W, const mlp_t *m, int u, int *len)
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

double ch3_row_sqnorm(double *const *W, const mlp_t *m, int u)
{
    int len;
    const double *p = ch3_row(W, m, u, &len);
    return scale_sqnorm(p, (size_t)len);
}

double *ch3_row_in(double *base, const mlp_t *m, int u, int *len)
{
    double *p = ch3_row(m->W, m, u, len);
    return base + (p - m->theta);
}

double ch3_quantile(const double *v, int n, double q, double *tmp)
{
    return stats_quantile(v, (size_t)n, q, tmp);
}

double ch3_mean(const double *x, long n)
{
    double s = 0.0;
    for (long i = 0; i < n; i++)
        s += x[i];
    return n > 0 ? s / n : NAN;
}

double ch3_rms(const double *x, long n)
{
    double s = 0.0;
    for (long i = 0; i < n; i++)
        s += x[i] * x[i];
    return n > 0 ? sqrt(s / n) : NAN;
}
