/* log.c: per-step norms and inner products of parameter groups, written as
 * TSV rows (see log.h for the columns and the recursion they feed). */
#include "nn/log.h"
#include "core/vec.h"

#include <stdio.h>
#include <string.h>

void nnlog_init(nnlog_t *L, tsv_t *tsv)
{
    memset(L, 0, sizeof *L);
    L->tsv = tsv;
}

int nnlog_group(nnlog_t *L, const char *name, const double *w, const double *g, size_t n,
                const double *r)
{
    if (L->ngroups >= NNLOG_MAX_GROUPS || strlen(name) >= sizeof L->group[0].name)
        return -1;
    nnlog_group_t *G = &L->group[L->ngroups++];
    strcpy(G->name, name);
    G->w = w;
    G->g = g;
    G->r = r;
    G->n = n;
    return 0;
}

void nnlog_header(nnlog_t *L, const char *extra_columns)
{
    size_t cap = 64 + (extra_columns ? strlen(extra_columns) : 0) +
                 (size_t)L->ngroups * 4 * (sizeof L->group[0].name + 8);
    char line[cap];
    size_t k = (size_t)snprintf(line, cap, "step");
    if (extra_columns && *extra_columns)
        k += (size_t)snprintf(line + k, cap - k, "\t%s", extra_columns);
    for (int i = 0; i < L->ngroups; i++) {
        const char *nm = L->group[i].name;
        k += (size_t)snprintf(line + k, cap - k, "\t%s_w2\t%s_g2\t%s_wg", nm, nm, nm);
        if (L->group[i].r)
            k += (size_t)snprintf(line + k, cap - k, "\t%s_rg", nm);
    }
    tsv_columns(L->tsv, line);
}

void nnlog_measure(const nnlog_group_t *G, double out[4])
{
    out[0] = vec_sumsq(G->w, G->n);
    out[1] = vec_sumsq(G->g, G->n);
    out[2] = vec_dot(G->w, G->g, G->n);
    out[3] = G->r ? vec_dot(G->r, G->g, G->n) : 0.0;
}

void nnlog_row(nnlog_t *L, long step, size_t nextra, const double *extra)
{
    double v[1 + 16 + 4 * NNLOG_MAX_GROUPS];
    size_t k = 0;
    v[k++] = (double)step;
    for (size_t i = 0; i < nextra && i < 16; i++)
        v[k++] = extra[i];
    for (int i = 0; i < L->ngroups; i++) {
        double q[4];
        nnlog_measure(&L->group[i], q);
        for (int j = 0; j < (L->group[i].r ? 4 : 3); j++)
            v[k++] = q[j];
    }
    tsv_row(L->tsv, k, v);
}
