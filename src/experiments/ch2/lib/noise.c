/* noise.c: sample-gradient noise along the symmetry generators of the
 * chapter's classifier (see noise.h). */
#include "experiments/ch2/lib/noise.h"

#include <math.h>
#include <stdlib.h>

#include "core/util.h"

#define EPS_MACH 2.220446049250313e-16

/* Group a: its kind, and the layers and index that sym_generator takes. */
static void group_of(const ch2_noise_t *s, const mlp_t *m, int a, sym_kind_t *k, sym_layer_t *L,
                     sym_layer_t *next, int *i)
{
    if (s->bn) {                       /* scale: units of layer 0, then layer 1 */
        *k = SYM_SCALE, *L = ch2_layer(m, a / CH2_H), *i = a % CH2_H;
        return;
    }
    if (a <= CH2_H) {                  /* translation: columns of W[2], then its bias */
        *k = SYM_TRANSLATION, *L = ch2_layer(m, 2), *i = a;
        return;
    }
    int u = a - CH2_H - 1;             /* rescale: units of layer 0, then layer 1 */
    *k = SYM_RESCALE, *L = ch2_layer(m, u / CH2_H), *next = ch2_layer(m, u / CH2_H + 1);
    *i = u % CH2_H;
}

void ch2_noise_init(ch2_noise_t *s, const mlp_t *m, int bn, int nrand)
{
    s->bn = bn;
    s->ngroups = bn ? 2 * CH2_H : CH2_H + 1 + 2 * CH2_H;
    s->kind = xmalloc((size_t)s->ngroups * sizeof *s->kind);
    size_t *sizes = xmalloc((size_t)s->ngroups * sizeof *sizes), big = 0;
    for (int a = 0; a < s->ngroups; a++) {
        sym_layer_t L, next;
        int i;
        group_of(s, m, a, &s->kind[a], &L, &next, &i);
        sizes[a] = sym_generator(NULL, NULL, s->kind[a], m->theta, &L, &next, i);
        if (!sizes[a])
            die("noise: group %d does not fit the network", a);
        if (sizes[a] > big)
            big = sizes[a];
    }
    if (sym_noise_init(&s->z, s->ngroups, sizes, nrand))
        die("noise: out of memory");
    s->idx = xmalloc(big * sizeof *s->idx);
    s->xi = xmalloc(big * sizeof *s->xi);
    free(sizes);
}

void ch2_noise_free(ch2_noise_t *s)
{
    sym_noise_free(&s->z);
    free(s->kind), free(s->idx), free(s->xi);
}

void ch2_noise_measure(ch2_noise_t *s, mlp_t *m, minibatch_t *mb, double *x, int *y, int B,
                       int count, rng_t *r)
{
    for (int a = 0; a < s->ngroups; a++) {
        sym_layer_t L, next;
        int i;
        sym_kind_t k;
        group_of(s, m, a, &k, &L, &next, &i);
        sym_generator(s->idx, s->xi, k, m->theta, &L, &next, i);
        if (sym_noise_set(&s->z, a, s->idx, s->xi, r))
            die("noise: group %d has a zero generator", a);
    }
    int b = s->bn ? B : 1;
    for (int c = 0; c < count; c++) {
        minibatch_next(mb, x, y, b);
        mlp_train_batch(m, x, y, b, NULL);
        sym_noise_add(&s->z, m->grad);
    }
}

void ch2_noise_row(const ch2_noise_t *s, int a, ch2_noise_row_t *out)
{
    sym_noise_group_t g;
    sym_noise_group(&s->z, a, &g);
    out->rho_gen = g.sd_gen / g.rms_dir;
    out->rho_rand_min = g.sd_rand_min / g.rms_dir;
    out->rho_rand_max = g.sd_rand_max / g.rms_dir;
    out->roundoff = EPS_MACH * sqrt(g.mean_g2) / g.rms_dir;
    out->share = g.trace / g.mean_g2;
    out->trace = g.trace;
    out->mean_g2 = g.mean_g2;
}
