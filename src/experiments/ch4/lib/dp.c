/* dp.c: what the double-pendulum programs of chapter 4 share (see dp.h). */
#include "experiments/ch4/lib/dp.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/stats.h"
#include "core/tsv.h"
#include "core/util.h"
#include "physics/integrators.h"
#include "physics/systems.h"

/* Initial condition of the paper's test distribution. */
void dp_draw_ic(double *y, rng_t *r)
{
    y[0] = 2 * PI * rng_uniform(r);
    y[1] = 2 * PI * rng_uniform(r);
    y[2] = 0.1 * rng_uniform(r);
    y[3] = 0.1 * rng_uniform(r);
}

/* ntraj trajectories from stream (seed, stream): X[n, 4] states, A[n, 2] targets. */
void dp_dataset(double *X, double *A, int ntraj, uint64_t seed, uint64_t stream)
{
    rng_t r;
    rng_seed(&r, seed, stream);
    double work[PHYS_RK4_WORK(4)];
    for (int k = 0; k < ntraj; k++) {
        double y[4];
        dp_draw_ic(y, &r);
        for (int i = 0; i < DP_PTS; i++) {
            double *x = X + 4 * ((size_t)k * DP_PTS + i);
            memcpy(x, y, sizeof y);
            phys_dp_accel(A + 2 * ((size_t)k * DP_PTS + i), y);
            for (int s = 0; s < 10; s++)
                phys_rk4_step(y, 4, 0.0, 0.01, phys_dp_field, NULL, work);
        }
    }
}

/* Baseline input features, the same map as the LNN's (cos q, sin q, qdot/10). */
void dp_features(double *u, const double *x, int B)
{
    for (int b = 0; b < B; b++) {
        const double *s = x + 4 * (size_t)b;
        double *f = u + 6 * (size_t)b;
        f[0] = cos(s[0]); f[1] = sin(s[0]);
        f[2] = cos(s[1]); f[3] = sin(s[1]);
        f[4] = s[2] / DP_VSCALE; f[5] = s[3] / DP_VSCALE;
    }
}

int dp_lnn_build(lnn_t *m, lnn_feat feat, double kappa, int width, int depth, int max_batch)
{
    return lnn_init(m, feat, DP_VSCALE, kappa, width, depth, max_batch);
}

int dp_mlp_build(mlp_t *f, int width, int depth, int max_batch)
{
    mlp_spec_t s = {.depth = depth + 1, .act = MLP_RELU, .bias = 1, .out_bias = 1,
                    .max_batch = max_batch};
    if (depth < 1 || depth + 1 > MLP_MAX_LAYERS)
        return -1;
    s.dims[0] = 6;
    for (int l = 1; l <= depth; l++)
        s.dims[l] = width;
    s.dims[depth + 1] = 2;
    return mlp_create(f, &s);
}

void dp_save_weights(const char *path, const double *theta, size_t n, const char *model,
                     int width, int depth, int argc, char **argv)
{
    tsv_t *t = tsv_create(path, argc, argv);
    tsv_comment(t, "model %s width %d depth %d params %zu", model, width, depth, n);
    tsv_columns(t, "i\ttheta");
    for (size_t i = 0; i < n; i++)
        tsv_rowv(t, 2, (double)i, theta[i]);
    tsv_finish(t);
}

/* Reads exactly n weights; dies naming file and line on any mismatch. */
void dp_load_weights(const char *path, double *theta, size_t n)
{
    FILE *f = fopen(path, "r");
    if (!f)
        die("%s: %s", path, strerror(errno));
    char line[256];
    size_t got = 0;
    long ln = 0;
    int header = 0;
    while (fgets(line, sizeof line, f)) {
        ln++;
        if (line[0] == '#')
            continue;
        if (!header) {
            header = 1;
            continue;
        }
        char *end;
        double i = strtod(line, &end), v;
        if (end == line || *end != '\t')
            die("%s:%ld: expected 'index<TAB>value'", path, ln);
        char *p = end + 1;
        v = strtod(p, &end);
        if (end == p || (*end != '\n' && *end != 0) || !isfinite(v))
            die("%s:%ld: bad weight value", path, ln);
        if ((size_t)i != got || got >= n)
            die("%s:%ld: weight %zu out of order or more than the %zu the model has", path, ln, got,
                n);
        theta[got++] = v;
    }
    fclose(f);
    if (got != n)
        die("%s: %zu weights, the model has %zu (wrong --width/--depth?)", path, got, n);
}

/* quantile (linear interpolation) of v[0..n), sorted in place; inf sorts last */
double dp_quantile(double *v, int n, double q)
{
    stats_sort(v, (size_t)n);
    /* between two equal infinities (two diverged rollouts) the quantile is
     * that infinity; type 7's interpolation would give inf - inf = NaN */
    size_t j = (size_t)floor(q * (n - 1));
    if (j + 1 < (size_t)n && isinf(v[j]) && v[j] == v[j + 1])
        return v[j];
    return stats_quantile_sorted(v, (size_t)n, q);
}

