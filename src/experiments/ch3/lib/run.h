/* run.h: one training run of the chapter-3 MLP (mlp.h, no biases) on a
 * Fashion-MNIST subset, in one of four modes, recording per step what the
 * RMSProp reading of normalization predicts (Tanaka & Kunin 2021); the
 * modes, measurements and predictions are described in run.c. */
#ifndef CH3_RUN_H
#define CH3_RUN_H

#include <stdint.h>

#include "core/idx.h"

typedef enum { CH3_FREE, CH3_CONSTRAINED, CH3_SPHERE, CH3_RMSPROP } ch3_mode;

typedef struct {
    ch3_mode mode;
    double eta, beta, lambda;
    long steps;
    int B, width;
    uint64_t seed;          /* initialisation (stream 1) and minibatches (stream 7) */
    int eval_every;         /* 0: evaluate only at the end */
    long measure_from;      /* per-unit angles, eta_eff and their records from this
                               step on (0: every step; earlier records stay 0) */
    int n_sample;           /* units whose nu is traced */
    double bn_eps;          /* BatchNorm epsilon (0: exact scale invariance) */
    int rms_match;          /* CH3_RMSPROP: 0 lr = sqrt(2 eta lambda) for every parameter;
                               1 lr_l = sqrt(2 eta lambda) rbar_l / sqrt(n_l) per layer, so
                               that a unit's angular step ~ lr sqrt(n_l)/|w| starts at the
                               BN run's equilibrium (rbar_l: RMS initial row norm, n_l: fan-in) */
} ch3_cfg_t;

enum { CH3_NL = 2, CH3_MAXS = 8 };

/* Per-step records, [steps] each unless noted. */
typedef struct {
    long steps;
    double *train_loss;
    double *angle_rms[CH3_NL];      /* RMS over the layer's units */
    double *angle_pred[CH3_NL];     /* RMS of (A2) with the EMA nu (free, beta = 0) */
    double *eff_med[CH3_NL], *eff_lo[CH3_NL], *eff_hi[CH3_NL];   /* eta_eff: median, 10 %, 90 % */
    double *eff_pred_med[CH3_NL];   /* median of the prediction (free: sqrt(2 eta lambda/nu_ema)) */
    double *nu_gap;                 /* mean over units of |nu_meas/nu_ema - 1| */
    double *nu_meas[CH3_MAXS], *nu_ema[CH3_MAXS];
    int n_eval;
    double *eval_step, *test_loss, *test_acc;   /* [n_eval] */
    double exact_worst;             /* worst relative error of (E1) over units and steps */
    double final_loss, final_acc, final_q2_med, seconds;
    int diverged;
} ch3_rec_t;

/* Trains on `train` (c->B per batch, dropping the remainder of each
 * shuffle), evaluates on `test`, fills r (free with ch3_rec_free). */
void ch3_run(const ch3_cfg_t *c, const dataset_t *train, const dataset_t *test, ch3_rec_t *r);
void ch3_rec_free(ch3_rec_t *r);

#endif
