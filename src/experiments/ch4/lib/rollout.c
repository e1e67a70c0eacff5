/* rollout.c: chapter 4's rollouts of learned models beside the truth (see rollout.h). */
#include "experiments/ch4/lib/rollout.h"

#include <stdlib.h>
#include <string.h>

#include "core/tsv.h"
#include "core/util.h"

int ch4_hnn_rhs(double *dydt, const double *y, double t, void *ctx)
{
    (void)t;
    const ch4_models_t *m = ctx;
    hnn_field(m->hnn, m->B, y, dydt);
    return 0;
}

int ch4_mlp_rhs(double *dydt, const double *y, double t, void *ctx)
{
    (void)t;
    const ch4_models_t *m = ctx;
    mlp_forward(m->mlp, y, m->B);
    memcpy(dydt, m->mlp->out, (size_t)m->dim * (size_t)m->B * sizeof(double));
    return 0;
}

int ch4_mlp_accel_rhs(double *dydt, const double *y, double t, void *ctx)
{
    (void)t;
    const ch4_models_t *m = ctx;
    mlp_forward(m->mlp, y, m->B);
    for (int b = 0; b < m->B; b++) {
        dydt[2 * b] = y[2 * b + 1];
        dydt[2 * b + 1] = m->mlp->out[b];
    }
    return 0;
}

long ch4_rollout(const ch4_flow_t *flows, int nflows, size_t n, void *ctx, double dt, long nsteps,
                 long every, void (*measure)(void *arg, double t),
                 void (*after_step)(void *arg, double t), void *arg)
{
    double *work = xmalloc(PHYS_RK4_WORK(n) * sizeof(double));
    long nmeasured = 0;
    for (long s = 0; s <= nsteps; s++) {
        double t = s * dt;
        if (s % every == 0) {
            measure(arg, t);
            nmeasured++;
        }
        if (s == nsteps)
            break;
        for (int i = 0; i < nflows; i++)
            phys_rk4_step(flows[i].y, n, t, dt, flows[i].f, ctx, work);
        if (after_step)
            after_step(arg, t + dt);
    }
    free(work);
    return nmeasured;
}

void ch4_write_timing(int argc, char **argv, const char *prefix, int n, const char *const *keys,
                      const double *values)
{
    tsv_t *ts = tsv_createf(argc, argv, "%s_timing.tsv", prefix);
    tsv_comment(ts, "timings of this run (not reproducible bit for bit, unlike the other files)");
    tsv_columns(ts, "key\tvalue");
    for (int i = 0; i < n; i++)
        tsv_kv(ts, keys[i], values[i]);
    tsv_finish(ts);
}
