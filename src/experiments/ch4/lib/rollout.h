/* rollout.h: chapter 4's rollouts of learned models beside the truth.
 *
 *  - the models' time derivatives as RK4 fields over a batch of B states:
 *    the HNN's symplectic gradient (Greydanus et al. 2019, Eq. 2), a black
 *    box y -> dy/dt, and a black box (q, v) -> vdot for one degree of freedom;
 *  - one driver that steps several flows side by side at a fixed dt and
 *    hands the states to a measurement every `every` steps (hnn, two_body,
 *    relativistic and dp_eval all do this);
 *  - the *_timing.tsv files, which `make verify` does not compare. */
#ifndef CH4_ROLLOUT_H
#define CH4_ROLLOUT_H

#include <stddef.h>

#include "core/tsv.h"
#include "nn/hnn.h"
#include "nn/mlp.h"
#include "physics/integrators.h"

typedef struct {
    int B;          /* states in the batch */
    int dim;        /* numbers per state */
    hnn_t *hnn;
    mlp_t *mlp;
    void *own;      /* what a program's own fields need besides */
} ch4_models_t;

/* dy/dt = J grad H_theta(y) (ctx: ch4_models_t). */
int ch4_hnn_rhs(double *dydt, const double *y, double t, void *ctx);
/* dy/dt = MLP(y), dim outputs per state. */
int ch4_mlp_rhs(double *dydt, const double *y, double t, void *ctx);
/* y = (q, v) per state: dy/dt = (v, MLP(q, v)), one output per state. */
int ch4_mlp_accel_rhs(double *dydt, const double *y, double t, void *ctx);

typedef struct {
    phys_field_fn f;
    double *y;      /* n numbers, stepped in place */
} ch4_flow_t;

/* Steps every flow (n numbers each, one context ctx) by RK4 from t = 0 to
 * nsteps dt.  measure(arg, t) runs at t = 0 and after every `every`-th step,
 * the states as they are at t, and adds what it measures to means[0..nmeans),
 * which start at zero and end divided by the number of measurements;
 * after_step(arg, t + dt), when not NULL, runs after each step. */
typedef struct {
    const ch4_flow_t *flows;
    int nflows;
    size_t n;
    void *ctx;
    double dt;
    long nsteps, every;
    void (*measure)(void *arg, double t);
    void (*after_step)(void *arg, double t);
    void *arg;
    double *means;
    int nmeans;
} ch4_rollout_t;

/* Returns how many times measure ran. */
long ch4_rollout(const ch4_rollout_t *r);

/* The keys both HNN-versus-baseline programs report: the losses
 * (base train, base test, hnn train, hnn test), the energy MSEs of the
 * rollouts and their ratio. */
void ch4_kv_hnn_vs_base(tsv_t *ts, const double loss[4], double base_energy_mse, double hnn_energy_mse);

/* Writes the keys' values under a "key\tvalue" header into ts, a program's
 * *_timing.tsv, and finishes it. */
void ch4_write_timing(tsv_t *ts, int n, const char *const *keys, const double *values);

#endif
