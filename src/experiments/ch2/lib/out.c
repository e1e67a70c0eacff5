/* out.c: summary keys and the learning-rate list check (see out.h). */
#include "experiments/ch2/lib/out.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>

#include "core/util.h"

void ch2_kvf(tsv_t *t, double v, const char *fmt, ...)
{
    char key[128];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(key, sizeof key, fmt, ap);
    va_end(ap);
    tsv_kv(t, key, v);
}

void ch2_check_etas(const arg_doubles_t *etas, double time, int max)
{
    if (etas->n < 2 || etas->n > max)
        die("--etas '%s': need 2 to %d values", etas->text, max);
    for (int e = 0; e < etas->n; e++) {
        double K = time / etas->v[e];
        if (etas->v[e] <= 0 || fabs(K - floor(K + 0.5)) > 1e-9)
            die("--etas: each eta must divide --time %g into whole steps", time);
        if (e > 0 && etas->v[e] >= etas->v[e - 1])
            die("--etas: list them largest first");
    }
}
