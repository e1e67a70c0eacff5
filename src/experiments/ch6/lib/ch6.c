/* ch6.c: see ch6.h. */
#include "experiments/ch6/lib/ch6.h"

#include <stdlib.h>

#include "core/rng.h"
#include "core/util.h"

void ch6_netb_begin(ch6_netb_t *e, const arg_spec_t *spec, int argc, char **argv, const char *about)
{
    ch6_netb_opts_t *o = &e->o;
    args_parse(spec, o, argc, argv, about);
    if (o->eta <= 0 || o->steps < 1 || o->batch < 1) die("--eta, --steps and --batch must be positive");
    ch6_load(&e->tr, "train");
    e->D = e->tr.d;
    e->H = 128;
    e->C = 10;
    e->ntrain = 20000;
    e->xb = xmalloc((size_t)o->batch * e->D * sizeof(double));
    e->yb = xmalloc((size_t)o->batch * sizeof(int));
}

void ch6_netb_end(ch6_netb_t *e)
{
    dataset_free(&e->tr);
    free(e->xb);
    free(e->yb);
}

void ch6_load(dataset_t *ds, const char *split)
{
    char err[512];
    if (fmnist_load(ds, NULL, split, err, sizeof err)) die("%s", err);
}

void ch6_build(qnet_t *m, const int *dims, int L, int netA, const quant_spec *q, int B, double sigma,
               long seed, minibatch_t *bt, const dataset_t *tr, int ntrain)
{
    if (qnet_init(m, dims, L, netA, q, B))
        die("cannot build the network");
    rng_t r;
    rng_seed(&r, (uint64_t)seed, 1);    /* weights */
    qnet_init_weights(m, &r, sigma);
    if (bt && minibatch_init(bt, tr, ntrain, MINIBATCH_STREAM, (uint64_t)seed, 2))
        die("--ntrain %d: not in 1..%d", ntrain, tr->n);
}
