/* rng.h: PCG32 (O'Neill 2014, "PCG: a family of simple fast space-efficient
 * statistically good algorithms for random number generation"), XSH-RR output,
 * 64-bit LCG state.  Explicit state, one stream per purpose: two generators
 * seeded with the same seed but different `stream` values are independent.
 * Never rand().
 *
 * Method: state <- state * 6364136223846793005 + inc; output is the
 * xorshifted high bits rotated by the top five.  Doubles take 53 bits from
 * two outputs.  Normals by the polar Box-Muller method (deterministic: the
 * same seed gives the same sequence on every machine with IEEE doubles). */
#ifndef CORE_RNG_H
#define CORE_RNG_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint64_t state;
    uint64_t inc;        /* odd; selects the stream */
    double spare;        /* cached second normal of the polar method */
    int has_spare;
} rng_t;

void     rng_seed(rng_t *r, uint64_t seed, uint64_t stream);
uint32_t rng_u32(rng_t *r);
/* Uniform integer in [0, n), unbiased (rejection). n >= 1. */
uint32_t rng_below(rng_t *r, uint32_t n);
/* Uniform double in [0, 1) with 53 random bits. */
double   rng_uniform(rng_t *r);
/* Standard normal N(0, 1). */
double   rng_normal(rng_t *r);
/* Fisher-Yates shuffle of idx[0..n). */
void     rng_shuffle(rng_t *r, size_t *idx, size_t n);

#endif
