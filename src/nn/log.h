/* log.h: one small interface for the per-step quantities the learning
 * chapters plot: for each named parameter group (a view of n parameters w
 * and their gradient g) the squared norms |w|^2 and |g|^2 and the inner
 * product <w, g> -- the terms of the norm recursion
 *     |w_{k+1}|^2 = |w_k|^2 - 2 lr <w_k, g_k> + lr^2 |g_k|^2   (plain SGD;
 * Kunin et al. 2021, Neural Mechanics, the scale-symmetry charge) -- and,
 * when a reference array r is given (e.g. the quantized weights Q, or W - Q),
 * <r, g>.  Rows go to a TSV writer (tsv.h); sums are pairwise (vec.h).
 *
 *   nnlog_t L; nnlog_init(&L, tsv);
 *   nnlog_group(&L, "W1", m.W[0], m.dW[0], n1, NULL);
 *   nnlog_header(&L, "loss\tlr");                 column line
 *   each step: nnlog_row(&L, k, 2, (double[]){loss, lr});
 *
 * Columns: step, the extra columns, then per group <name>_w2, <name>_g2,
 * <name>_wg and (with a reference) <name>_rg. */
#ifndef NN_LOG_H
#define NN_LOG_H

#include <stddef.h>

#include "core/tsv.h"

#define NNLOG_MAX_GROUPS 16

typedef struct {
    char name[32];
    const double *w, *g, *r;   /* r may be NULL */
    size_t n;
} nnlog_group_t;

typedef struct {
    tsv_t *tsv;
    int ngroups;
    nnlog_group_t group[NNLOG_MAX_GROUPS];
} nnlog_t;

void nnlog_init(nnlog_t *L, tsv_t *tsv);
/* Registers a group (the arrays are read at every nnlog_row).  Returns 0, or
 * -1 if there are already NNLOG_MAX_GROUPS groups or the name is too long. */
int  nnlog_group(nnlog_t *L, const char *name, const double *w, const double *g, size_t n,
                 const double *r);
/* Writes the column-name line; extra_columns (tab-separated, may be NULL or
 * "") names the extra values of each row. */
void nnlog_header(nnlog_t *L, const char *extra_columns);
/* The quantities of one group: out[0] = |w|^2, out[1] = |g|^2, out[2] = <w,g>,
 * out[3] = <r,g> (0 without r). */
void nnlog_measure(const nnlog_group_t *G, double out[4]);
/* Writes one row: step, extra[0..nextra) (at most 16), then each group's quantities. */
void nnlog_row(nnlog_t *L, long step, size_t nextra, const double *extra);

#endif
