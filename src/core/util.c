/* util.c: fatal errors, allocation, clock, progress lines, argument parsing. */
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

/* ------------------------------------------------------------ arguments */

void args_init(args_t *a, int argc, char **argv, const char *usage)
{
    util_set_progname(argv[0]);
    a->argc = argc;
    a->argv = argv;
    a->used = xcalloc((size_t)argc + 1, 1);
    a->usage = usage;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            printf("usage: %s %s\n", progname, usage);
            exit(0);
        }
    }
}

static const char *find_value(args_t *a, const char *name)
{
    for (int i = 1; i < a->argc; i++) {
        if (strcmp(a->argv[i], name) == 0) {
            if (i + 1 >= a->argc)
                die("option %s needs a value\nusage: %s %s", name, progname, a->usage);
            a->used[i] = a->used[i + 1] = 1;
            return a->argv[i + 1];
        }
    }
    return NULL;
}

double args_double(args_t *a, const char *name, double def)
{
    const char *v = find_value(a, name);
    if (!v)
        return def;
    char *end;
    errno = 0;
    double x = strtod(v, &end);
    if (end == v || *end || errno || !isfinite(x))
        die("option %s: '%s' is not a finite number", name, v);
    return x;
}

long args_long(args_t *a, const char *name, long def)
{
    const char *v = find_value(a, name);
    if (!v)
        return def;
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (end == v || *end || errno)
        die("option %s: '%s' is not an integer", name, v);
    return x;
}

const char *args_string(args_t *a, const char *name, const char *def)
{
    const char *v = find_value(a, name);
    return v ? v : def;
}

int args_flag(args_t *a, const char *name)
{
    for (int i = 1; i < a->argc; i++) {
        if (strcmp(a->argv[i], name) == 0) {
            a->used[i] = 1;
            return 1;
        }
    }
    return 0;
}

void args_done(args_t *a)
{
    for (int i = 1; i < a->argc; i++)
        if (!a->used[i])
            die("unknown argument '%s'\nusage: %s %s", a->argv[i], progname, a->usage);
    free(a->used);
    a->used = NULL;
}
