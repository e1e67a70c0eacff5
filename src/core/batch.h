/* batch.h: minibatches over a data set (idx.h's dataset_t, or any n
 * examples by index), drawn without replacement from a seeded shuffle of
 * the first n examples, reshuffled (the same RNG stream, continuing) each
 * time the shuffle is used up.
 *
 * Two policies at the end of a shuffle, as the chapters use them:
 *   MINIBATCH_STREAM  the shuffles form one stream: a batch that runs past
 *                     the end of one takes the rest from the next;
 *   MINIBATCH_WHOLE   every batch comes from one shuffle: when fewer than B
 *                     examples remain they are skipped, and the next batch
 *                     starts a new shuffle.
 * Deterministic: the same seed and stream give the same batches. */
#ifndef CORE_BATCH_H
#define CORE_BATCH_H

#include <stddef.h>
#include <stdint.h>

#include "core/idx.h"
#include "core/rng.h"

typedef enum { MINIBATCH_STREAM, MINIBATCH_WHOLE } minibatch_policy_t;

typedef struct {
    const double *x;     /* [n, d] rows of the data set (NULL: indices only) */
    const int *y;        /* [n] */
    int n, d, pos;
    minibatch_policy_t policy;
    size_t *perm;        /* [n] the current shuffle */
    rng_t rng;
} minibatch_t;

/* Batches from the first n examples of ds (1 <= n <= ds->n), shuffled by
 * PCG32 stream (seed, stream).  ds must outlive the batcher; with ds NULL
 * the batcher draws indices of n examples (minibatch_indices) for data of
 * another shape.  Returns 0, or -1 if n is out of range. */
int  minibatch_init(minibatch_t *b, const dataset_t *ds, int n, minibatch_policy_t policy,
                    uint64_t seed, uint64_t stream);
/* Starts the same sequence again from a fresh shuffle of (seed, stream). */
void minibatch_rewind(minibatch_t *b, uint64_t seed, uint64_t stream);
/* The indices of the next B examples; WHOLE needs B <= n. */
void minibatch_indices(minibatch_t *b, size_t *idx, int B);
/* Copies the next B examples of ds into x [B, d] and y [B]. */
void minibatch_next(minibatch_t *b, double *x, int *y, int B);
void minibatch_free(minibatch_t *b);

#endif
