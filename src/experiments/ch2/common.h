/* common.h: what the chapter-2 programs share: a Fashion-MNIST subset with a
 * seeded minibatch sampler (reshuffled each epoch, one RNG stream), and a
 * parser for comma-separated parameter lists. Header-only, static. */
#ifndef CH2_COMMON_H
#define CH2_COMMON_H

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/idx.h"
#include "core/rng.h"
#include "core/util.h"

typedef struct {
    dataset_t ds;
    int n;              /* examples used: the first n of the training split */
    size_t *perm;
    int pos;
    rng_t rng;
} sampler_t;

static inline void sampler_open(sampler_t *s, int n, uint64_t seed, uint64_t stream)
{
    char err[512];
    if (fmnist_load(&s->ds, NULL, "train", err, sizeof err))
        die("%s", err);
    if (n < 1 || n > s->ds.n)
        die("--subset %d: must be in 1..%d", n, s->ds.n);
    s->n = n;
    s->perm = xmalloc((size_t)n * sizeof *s->perm);
    for (int i = 0; i < n; i++)
        s->perm[i] = (size_t)i;
    rng_seed(&s->rng, seed, stream);
    rng_shuffle(&s->rng, s->perm, (size_t)n);
    s->pos = 0;
}

/* Restarts the same sequence of batches (so every lambda sees the same data). */
static inline void sampler_rewind(sampler_t *s, uint64_t seed, uint64_t stream)
{
    for (int i = 0; i < s->n; i++)
        s->perm[i] = (size_t)i;
    rng_seed(&s->rng, seed, stream);
    rng_shuffle(&s->rng, s->perm, (size_t)s->n);
    s->pos = 0;
}

static inline void sampler_next(sampler_t *s, double *x, int *y, int B)
{
    int d = s->ds.d;
    for (int b = 0; b < B; b++) {
        if (s->pos == s->n) {
            rng_shuffle(&s->rng, s->perm, (size_t)s->n);
            s->pos = 0;
        }
        size_t i = s->perm[s->pos++];
        memcpy(x + (size_t)b * d, s->ds.x + i * (size_t)d, (size_t)d * sizeof *x);
        y[b] = s->ds.y[i];
    }
}

static inline void sampler_close(sampler_t *s)
{
    free(s->perm);
    dataset_free(&s->ds);
}

/* "0,4e-3,2e-2" -> values; dies on anything else.  Returns the count. */
static inline int parse_list(const char *opt, const char *text, double *v, int max)
{
    int n = 0;
    const char *p = text;
    while (*p) {
        char *end;
        errno = 0;
        double x = strtod(p, &end);
        if (end == p || errno)
            die("%s '%s': not a number at '%s'", opt, text, p);
        if (n == max)
            die("%s '%s': more than %d values", opt, text, max);
        v[n++] = x;
        p = end;
        if (*p == ',')
            p++;
        else if (*p)
            die("%s '%s': expected ',' at '%s'", opt, text, p);
    }
    if (n == 0)
        die("%s: empty list", opt);
    return n;
}

#endif
