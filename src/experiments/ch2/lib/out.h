/* out.h: checks the chapter-2 programs share for their options: a list of
 * learning rates scanned over a fixed training time, and a flow's step that
 * divides that time.  Part of the programs: a bad value dies with the
 * option's name. */
#ifndef CH2_OUT_H
#define CH2_OUT_H

#include "core/args.h"
#include "core/tsv.h"

/* --etas: 2 to max values, largest first, each positive and dividing time
 * into whole steps. */
void ch2_check_etas(const arg_doubles_t *etas, double time, int max);
/* --dt: divides --time into whole steps. */
void ch2_check_dt(double time, double dt);

#endif
