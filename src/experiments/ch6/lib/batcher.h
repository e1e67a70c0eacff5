/* batcher.h: minibatches without replacement from a seeded shuffle of n
 * examples, reshuffled at the end of every pass (chapter 6's training loops). */
#ifndef CH6_BATCHER_H
#define CH6_BATCHER_H

#include <stddef.h>
#include <stdint.h>

#include "core/rng.h"

typedef struct {
    const double *x;
    const int *y;
    int n, d, pos;
    size_t *perm;
    rng_t r;
} qnet_batcher;

/* Keeps pointers to x[n, d] and y[n]; the shuffle stream is (seed, stream). */
void batcher_init(qnet_batcher *b, const double *x, const int *y, int n, int d, uint64_t seed,
                  uint64_t stream);
/* The next B examples into xb[B, d], yb[B]. */
void batcher_next(qnet_batcher *b, double *xb, int *yb, int B);

#endif
