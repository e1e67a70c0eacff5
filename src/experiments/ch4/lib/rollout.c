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

long ch4_rollout(const ch4_rollout_t *r)
{
    double *work = xmalloc(PHYS_RK4_WORK(r->n) * sizeof(double));
    long nmeasured = 0;
    for (int i = 0; i < r->nmeans; i++)
        r->means[i] = 0;
    for (long s = 0; s <= r->nsteps; s++) {
        double t = s * r->dt;
        if (s % r->every == 0) {
            r->measure(r->arg, t);
            nmeasured++;
        }
        if (s == r->nsteps)
            break;
        for (int i = 0; i < r->nflows; i++)
            phys_rk4_step(r->flows[i].y, r->n, t, r->dt, r->flows[i].f, r->ctx, work);
        if (r->after_step)
            r->after_step(r->arg, t + r->dt);
    }
    for (int i = 0; i < r->nmeans; i++)
        r->means[i] /= nmeasured;
    free(work);
    return nmeasured;
}

void ch4_kv_hnn_vs_base(tsv_t *ts, const double loss[4], double base_energy_mse, double hnn_energy_mse)
{
    static const char *const names[4] = {"base_train_loss", "base_test_loss", "hnn_train_loss",
                                         "hnn_test_loss"};
    for (int i = 0; i < 4; i++)
        tsv_kv(ts, names[i], loss[i]);
    tsv_kv(ts, "base_energy_mse", base_energy_mse);
    tsv_kv(ts, "hnn_energy_mse", hnn_energy_mse);
    tsv_kv(ts, "energy_mse_ratio", base_energy_mse / hnn_energy_mse);
}

void ch4_write_timing(tsv_t *ts, int n, const char *const *keys, const double *values)
{
    tsv_comment(ts, "timings of this run (not reproducible bit for bit, unlike the other files)");
    tsv_columns(ts, "key\tvalue");
    for (int i = 0; i < n; i++)
        tsv_kv(ts, keys[i], values[i]);
    tsv_finish(ts);
}
