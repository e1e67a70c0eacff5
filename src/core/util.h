/* util.h: the few services every program needs: fatal errors, checked
 * allocation, clocks, a hash, and progress on stderr.
 *
 * The error rule.  Library code (src/core, src/nn, src/physics) reports a
 * failure it can describe (bad input, an unreadable or damaged file, a
 * singular system) by returning a status, with a message where there is
 * one; only programs die, on main's path: die() itself, the helpers
 * written for main that die on its behalf (args_parse, tsv_create,
 * tsv_finish), and a chapter's own helpers (src/experiments/<ch>/lib, part
 * of that chapter's programs).  The one exception is running out of
 * memory: x*alloc die, in the library too, because no caller here could do
 * anything else.
 * die() removes any half-written TSV output first (see tsv.h). */
#ifndef CORE_UTIL_H
#define CORE_UTIL_H

#include <stddef.h>
#include <stdint.h>

#define PI 3.14159265358979323846264338327950288

/* Print "prog: message" to stderr, discard open TSV temp files, exit(1). */
void  die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void  util_set_progname(const char *name);
const char *util_progname(void);

void *xmalloc(size_t n);              /* dies on failure; n == 0 allowed */
void *xcalloc(size_t n, size_t size);
char *xstrdup(const char *s);

double now_seconds(void);             /* wall clock, CLOCK_MONOTONIC */
double cpu_seconds(void);             /* this process's CPU time, all threads */

/* 64-bit FNV-1a (Fowler, Noll, Vo) of n bytes, continuing from h: start
 * with FNV1A_INIT.  Equal bytes give equal hashes on every machine; for
 * naming and comparing, not for security. */
#define FNV1A_INIT 14695981039346656037ull
uint64_t fnv1a(uint64_t h, const void *p, size_t n);

/* Progress on stderr for long runs: silent for the first 2 s, then at most
 * five lines a second, rewritten in place; silent when stderr is not a
 * terminal or NOETHER_QUIET is set (make -s sets it). */
typedef struct {
    const char *what;
    double t0, last;
    int shown;
} progress_t;
void progress_begin(progress_t *p, const char *what);
/* done of total units; note is an extra short text (e.g. "loss 0.31"), may be NULL. */
void progress_update(progress_t *p, double done, double total, const char *note);
void progress_end(progress_t *p);

#endif
