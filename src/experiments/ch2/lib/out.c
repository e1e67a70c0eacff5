/* out.c: the learning-rate and step checks (see out.h). */
#include "experiments/ch2/lib/out.h"

#include <math.h>
#include <stdio.h>

#include "core/util.h"

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

void ch2_check_dt(double time, double dt)
{
    double nf = time / dt;
    if (fabs(nf - floor(nf + 0.5)) > 1e-9)
        die("--dt must divide --time into whole steps");
}
