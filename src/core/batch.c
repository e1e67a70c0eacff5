/* batch.c: seeded minibatches over a data set (see batch.h). */
#include "core/batch.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>

void minibatch_rewind(minibatch_t *b, uint64_t seed, uint64_t stream)
{
    for (int i = 0; i < b->n; i++)
        b->perm[i] = (size_t)i;
    rng_seed(&b->rng, seed, stream);
    rng_shuffle(&b->rng, b->perm, (size_t)b->n);
    b->pos = 0;
}

int minibatch_init(minibatch_t *b, const dataset_t *ds, int n, minibatch_policy_t policy,
                   uint64_t seed, uint64_t stream)
{
    memset(b, 0, sizeof *b);
    if (n < 1 || (ds && n > ds->n))
        return -1;
    if (ds) {
        b->x = ds->x;
        b->y = ds->y;
        b->d = ds->d;
    }
    b->n = n;
    b->policy = policy;
    b->perm = xmalloc((size_t)n * sizeof *b->perm);
    minibatch_rewind(b, seed, stream);
    return 0;
}

/* Before a batch of B: WHOLE starts a new shuffle if B do not fit. */
static void begin_batch(minibatch_t *b, int B)
{
    if (b->policy == MINIBATCH_WHOLE && b->pos + B > b->n) {
        rng_shuffle(&b->rng, b->perm, (size_t)b->n);
        b->pos = 0;
    }
}

/* The next index of the stream, reshuffling when the shuffle is used up. */
static size_t next_index(minibatch_t *b)
{
    if (b->pos == b->n) {
        rng_shuffle(&b->rng, b->perm, (size_t)b->n);
        b->pos = 0;
    }
    return b->perm[b->pos++];
}

void minibatch_indices(minibatch_t *b, size_t *idx, int B)
{
    begin_batch(b, B);
    for (int k = 0; k < B; k++)
        idx[k] = next_index(b);
}

void minibatch_next(minibatch_t *b, double *x, int *y, int B)
{
    size_t d = (size_t)b->d;
    begin_batch(b, B);
    for (int k = 0; k < B; k++) {
        size_t i = next_index(b);
        memcpy(x + (size_t)k * d, b->x + i * d, d * sizeof *x);
        y[k] = b->y[i];
    }
}

void minibatch_free(minibatch_t *b)
{
    free(b->perm);
    b->perm = NULL;
}
