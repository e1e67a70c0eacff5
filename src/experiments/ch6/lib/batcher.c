/* batcher.c: seeded shuffled minibatches (see batcher.h). */
#include "experiments/ch6/lib/batcher.h"

#include <string.h>

#include "core/util.h"

void batcher_init(qnet_batcher *b, const double *x, const int *y, int n, int d, uint64_t seed,
                  uint64_t stream)
{
    b->x = x;
    b->y = y;
    b->n = n;
    b->d = d;
    b->pos = 0;
    b->perm = xmalloc((size_t)n * sizeof *b->perm);
    for (int i = 0; i < n; i++)
        b->perm[i] = (size_t)i;
    rng_seed(&b->r, seed, stream);
    rng_shuffle(&b->r, b->perm, (size_t)n);
}

void batcher_next(qnet_batcher *b, double *xb, int *yb, int B)
{
    for (int k = 0; k < B; k++) {
        if (b->pos == b->n) {
            rng_shuffle(&b->r, b->perm, (size_t)b->n);
            b->pos = 0;
        }
        size_t i = b->perm[b->pos++];
        memcpy(xb + (size_t)k * b->d, b->x + i * b->d, (size_t)b->d * sizeof(double));
        yb[k] = b->y[i];
    }
}
