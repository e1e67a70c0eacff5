/* dp.h: what the double-pendulum programs of chapter 4 share (dp_train
 * writes the weights, dp_eval reads them, dp_budget gathers the runs).
 *
 *  - the data of the LNN repo's new_get_dataset path (Cranmer et al. 2020,
 *    MilesCranmer/lagrangian_nns): trajectories from q0 ~ U[0, 2pi)^2,
 *    qdot0 ~ U[0, 0.1)^2, integrated by RK4 (dt = 0.01) on the closed-form
 *    dynamics, states sampled at 10 Hz on [0, 50); targets are the
 *    closed-form accelerations at those states;
 *  - the two models: the LNN (L = MLP(cos q, sin q, qdot/10) + kappa|qdot|^2/2,
 *    softplus, Cranmer et al. custom init; or MLP(wrap q, qdot/10) + ... to
 *    show what wrapping does to E_theta) and the black-box baseline
 *    (ReLU MLP on the same features -> qddot, Glorot init);
 *  - weights as TSV (index, value; %.17g round-trips);
 *  - quantiles over initial conditions or seeds.
 * Part of the programs: the loaders die naming file and line. */
#ifndef CH4_DP_H
#define CH4_DP_H

#include <stddef.h>
#include <stdint.h>

#include "core/rng.h"
#include "nn/hnn.h"
#include "nn/lnn.h"

#define DP_VSCALE 10.0
#define DP_KAPPA 1.0
#define DP_PTS 500          /* states per trajectory: t = 0, 0.1, ..., 49.9 */
#define DP_FEATURES "trig|wrap"   /* the LNN's input map: cos q, sin q; or q wrapped to [-pi, pi) */

/* Initial condition of the paper's test distribution. */
void dp_draw_ic(double *y, rng_t *r);
/* ntraj trajectories from stream (seed, stream): X[n, 4] states, A[n, 2] targets. */
void dp_dataset(double *X, double *A, int ntraj, uint64_t seed, uint64_t stream);
/* Baseline input features, the same map as the LNN's (cos q, sin q, qdot/10). */
void dp_features(double *u, const double *x, int B);

/* kappa: the added (kappa/2)|qdot|^2 (DP_KAPPA in the main runs; 0 is the paper's LNN). */
int  dp_lnn_build(lnn_t *m, lnn_feat feat, double kappa, int width, int depth, int max_batch);
int  dp_mlp_build(mlp_t *f, int width, int depth, int max_batch);

void dp_save_weights(const char *path, const double *theta, size_t n, const char *model,
                     int width, int depth, int argc, char **argv);
/* Reads exactly n weights; dies naming file and line on any mismatch. */
void dp_load_weights(const char *path, double *theta, size_t n);

/* Type-7 quantile of v[0..n) (core/stats.h), sorted in place; +inf (a
 * diverged rollout) sorts last and two of them in a row give +inf. */
double dp_quantile(double *v, int n, double q);

#endif
