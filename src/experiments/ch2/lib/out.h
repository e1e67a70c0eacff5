/* out.h: small helpers the chapter-2 programs share for their outputs and
 * options: a summary key built like printf, and the check of a list of
 * learning rates scanned over a fixed training time.  Part of the
 * programs: a bad list dies with the option's name. */
#ifndef CH2_OUT_H
#define CH2_OUT_H

#include "core/args.h"
#include "core/tsv.h"

/* tsv_kv(t, key, v) with the key formatted: ch2_kvf(t, v, "dQ_%d", e). */
void ch2_kvf(tsv_t *t, double v, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* --etas: 2 to max values, largest first, each positive and dividing time
 * into whole steps. */
void ch2_check_etas(const arg_doubles_t *etas, double time, int max);

#endif
