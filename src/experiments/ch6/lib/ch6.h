/* ch6.h: what chapter 6's programs share (train, drift, balance,
 * translation, audit): loading Fashion-MNIST (Xiao et al. 2017), building
 * Net A or Net B with seeded weights (PCG32 stream 1) and a seeded minibatch
 * stream (stream 2), and the options and set-up of the two Net B programs. */
#ifndef CH6_LIB_CH6_H
#define CH6_LIB_CH6_H

#include "core/args.h"
#include "core/batch.h"
#include "core/idx.h"
#include "nn/qnet.h"

/* The options of balance and translation (Net B under SGD). */
typedef struct {
    const char *out, *summary;
    double eta;
    long steps, seed;
    int batch;
} ch6_netb_opts_t;

#define CH6_SEED_HELP "seed (PCG32 streams 1 weights, 2 minibatches)"
/* Their option table: OUT_HELP names the per-step file, STEPS its default
 * step count, STEPS_HELP its help. */
#define CH6_NETB_ARGS(OUT_HELP, STEPS, STEPS_HELP)                                  \
    ARG_STRING(ch6_netb_opts_t, out, ARG_REQUIRED, OUT_HELP),                       \
    ARG_STRING(ch6_netb_opts_t, summary, ARG_REQUIRED, "key/value summary"),        \
    ARG_DOUBLE(ch6_netb_opts_t, eta, "0.05", "SGD step size"),                     \
    ARG_LONG(ch6_netb_opts_t, steps, STEPS, STEPS_HELP),                            \
    ARG_INT(ch6_netb_opts_t, batch, "64", "minibatch size"),                        \
    ARG_LONG(ch6_netb_opts_t, seed, "1", CH6_SEED_HELP),                            \
    ARG_END

/* What balance and translation both set up: the parsed options (rates and
 * sizes checked positive), the training set, Net B's sizes D-H-C with
 * H = 128, C = 10, the first ntrain = 20000 images drawn from, and one
 * minibatch's buffers xb[batch, D], yb[batch]. */
typedef struct {
    ch6_netb_opts_t o;
    dataset_t tr;
    int D, H, C, ntrain;
    double *xb;
    int *yb;
} ch6_netb_t;

void ch6_netb_begin(ch6_netb_t *e, const arg_spec_t *spec, int argc, char **argv, const char *about);
void ch6_netb_end(ch6_netb_t *e);

/* The Fashion-MNIST split "train" or "test", or die. */
void ch6_load(dataset_t *ds, const char *split);

/* Builds the network (qnet_init with dims, L layers, RMSNorm for Net A),
 * draws its weights U(-sigma, sigma)/sqrt(fan_in) from PCG32 (seed, stream 1)
 * and, when bt is not NULL, starts the minibatch stream (seed, stream 2) over
 * the first ntrain images of tr; dies on failure. */
void ch6_build(qnet_t *m, const int *dims, int L, int netA, const quant_spec *q, int B, double sigma,
               long seed, minibatch_t *bt, const dataset_t *tr, int ntrain);

#endif
