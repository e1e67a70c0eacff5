/* util.h: the few services every program needs: fatal errors (programs only),
 * checked allocation, a monotonic clock, progress on stderr, and a small
 * command-line parser.
 *
 * Library code returns a status; only programs (main) call die(), which
 * removes any half-written TSV output first (see tsv.h). */
#ifndef CORE_UTIL_H
#define CORE_UTIL_H

#include <stddef.h>

#define PI 3.14159265358979323846264338327950288

/* Print "prog: message" to stderr, discard open TSV temp files, exit(1). */
void  die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void  util_set_progname(const char *name);
const char *util_progname(void);

void *xmalloc(size_t n);              /* dies on failure; n == 0 allowed */
void *xcalloc(size_t n, size_t size);
char *xstrdup(const char *s);

double now_seconds(void);             /* CLOCK_MONOTONIC */

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

/* Command line: `--name value` pairs and `--flag`s.  args_init handles --help
 * (prints usage, exits 0).  Each getter consumes its option; args_done() dies
 * naming the first option nobody asked for, so typos never pass silently. */
typedef struct {
    int argc;
    char **argv;
    unsigned char *used;
    const char *usage;
} args_t;
void        args_init(args_t *a, int argc, char **argv, const char *usage);
double      args_double(args_t *a, const char *name, double def);
long        args_long(args_t *a, const char *name, long def);
const char *args_string(args_t *a, const char *name, const char *def);
int         args_flag(args_t *a, const char *name);
void        args_done(args_t *a);

#endif
