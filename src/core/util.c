/* util.c: fatal errors, allocation, clocks, hash, progress lines. */
#include "core/util.h"
#include "core/tsv.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *progname = "noether";

void util_set_progname(const char *name)
{
    const char *slash = strrchr(name, '/');
    progname = slash ? slash + 1 : name;
}

const char *util_progname(void) { return progname; }

void die(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", progname);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    tsv_discard_all();
    exit(1);
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        die("out of memory (%zu bytes)", n);
    return p;
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        die("out of memory (%zu x %zu bytes)", n, size);
    return p;
}

char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = xmalloc(n);
    memcpy(p, s, n);
    return p;
}

double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

double cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

uint64_t fnv1a(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 1099511628211ull;
    }
    return h;
}

/* ------------------------------------------------------------ progress */

static int progress_enabled(void)
{
    const char *q = getenv("NOETHER_QUIET");
    return isatty(2) && !(q && *q && strcmp(q, "0") != 0);
}

void progress_begin(progress_t *p, const char *what)
{
    p->what = what;
    p->t0 = now_seconds();
    p->last = p->t0;
    p->shown = 0;
}

void progress_update(progress_t *p, double done, double total, const char *note)
{
    double t = now_seconds();
    if (t - p->t0 < 2.0 || t - p->last < 0.2 || !progress_enabled())
        return;
    p->last = t;
    double el = t - p->t0;
    double frac = total > 0 ? done / total : 0;
    double eta = frac > 0 ? el * (1 - frac) / frac : 0;
    fprintf(stderr, "\r%s: %s %5.1f%%  %.0f/%.0f  %.3g/s  elapsed %.0fs  eta %.0fs  %s\033[K",
            progname, p->what, 100 * frac, done, total, done / el, el, eta, note ? note : "");
    p->shown = 1;
}

void progress_end(progress_t *p)
{
    if (p->shown) {
        fprintf(stderr, "\r%s: %s done in %.1fs\033[K\n", progname, p->what, now_seconds() - p->t0);
        p->shown = 0;
    }
}
