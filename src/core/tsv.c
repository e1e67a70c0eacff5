/* tsv.c: atomic TSV writer with a provenance header (see tsv.h). */
#include "core/tsv.h"
#include "core/util.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct tsv {
    FILE *f;
    char *path;
    char *tmp;
    struct tsv *next;   /* list of open writers, for tsv_discard_all */
};

static tsv_t *open_list;
static char *parameters;

void tsv_set_parameters(const char *text)
{
    free(parameters);
    parameters = text ? xstrdup(text) : NULL;
}

static void unlink_open(tsv_t *t)
{
    for (tsv_t **p = &open_list; *p; p = &(*p)->next)
        if (*p == t) {
            *p = t->next;
            return;
        }
}

/* Interrupted (make killed, Ctrl-C): remove the temp files, then die of the
 * same signal.  unlink() is async-signal-safe; the list is only read. */
static void on_signal(int sig)
{
    for (tsv_t *t = open_list; t; t = t->next)
        unlink(t->tmp);
    signal(sig, SIG_DFL);
    raise(sig);
}

static void install_handlers(void)
{
    static int done;
    if (done)
        return;
    done = 1;
    int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        sigaction(sigs[i], &sa, NULL);
    }
}

tsv_t *tsv_open(const char *path, int argc, char **argv)
{
    install_handlers();
    size_t n = strlen(path);
    tsv_t *t = xcalloc(1, sizeof *t);
    t->path = xstrdup(path);
    t->tmp = xmalloc(n + 5);
    memcpy(t->tmp, path, n);
    memcpy(t->tmp + n, ".tmp", 5);
    t->f = fopen(t->tmp, "w");
    if (!t->f) {
        int e = errno;
        free(t->path);
        free(t->tmp);
        free(t);
        errno = e;
        return NULL;
    }
    t->next = open_list;
    open_list = t;
    const char *commit = getenv("NOETHER_COMMIT");
    const char *prog = argc > 0 ? argv[0] : "?";
    const char *slash = strrchr(prog, '/');
    fprintf(t->f, "# program: %s\n", slash ? slash + 1 : prog);
    fprintf(t->f, "# commit: %s\n", commit && *commit ? commit : "unknown");
    fprintf(t->f, "# command:");
    for (int i = 0; i < argc; i++)
        fprintf(t->f, " %s", i == 0 && slash ? slash + 1 : argv[i]);
    fputc('\n', t->f);
    if (parameters)
        fprintf(t->f, "# parameters:%s\n", parameters);
    return t;
}

tsv_t *tsv_create(const char *path, int argc, char **argv)
{
    tsv_t *t = tsv_open(path, argc, argv);
    if (!t)
        die("cannot create %s.tmp: %s", path, strerror(errno));
    return t;
}

tsv_t *tsv_createf(int argc, char **argv, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *path = xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(path, (size_t)n + 1, fmt, ap);
    va_end(ap);
    tsv_t *t = tsv_create(path, argc, argv);
    free(path);
    return t;
}

void tsv_comment(tsv_t *t, const char *fmt, ...)
{
    va_list ap;
    fputs("# ", t->f);
    va_start(ap, fmt);
    vfprintf(t->f, fmt, ap);
    va_end(ap);
    fputc('\n', t->f);
}

void tsv_columns(tsv_t *t, const char *names)
{
    fputs(names, t->f);
    fputc('\n', t->f);
}

void tsv_row(tsv_t *t, size_t n, const double *v)
{
    for (size_t i = 0; i < n; i++)
        fprintf(t->f, i ? "\t%.17g" : "%.17g", v[i]);
    fputc('\n', t->f);
}

void tsv_rowv(tsv_t *t, size_t n, ...)
{
    va_list ap;
    va_start(ap, n);
    for (size_t i = 0; i < n; i++)
        fprintf(t->f, i ? "\t%.17g" : "%.17g", va_arg(ap, double));
    va_end(ap);
    fputc('\n', t->f);
}

void tsv_line(tsv_t *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(t->f, fmt, ap);
    va_end(ap);
    fputc('\n', t->f);
}

void tsv_kv(tsv_t *t, const char *key, double value)
{
    fprintf(t->f, "%s\t%.17g\n", key, value);
}

void tsv_kvf(tsv_t *t, double value, const char *fmt, ...)
{
    char key[128];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(key, sizeof key, fmt, ap);
    va_end(ap);
    tsv_kv(t, key, value);
}

void tsv_kv_text(tsv_t *t, const char *key, const char *text)
{
    fprintf(t->f, "%s\t%s\n", key, text);
}

int tsv_close(tsv_t *t)
{
    int rc = 0, e = 0;
    if (ferror(t->f))
        rc = -1, e = EIO;
    if (fclose(t->f) != 0 && rc == 0)
        rc = -1, e = errno;
    if (rc == 0 && rename(t->tmp, t->path) != 0)
        rc = -1, e = errno;
    if (rc != 0)
        remove(t->tmp);
    unlink_open(t);
    free(t->path);
    free(t->tmp);
    free(t);
    errno = e;
    return rc;
}

void tsv_finish(tsv_t *t)
{
    char *path = xstrdup(t->path);
    if (tsv_close(t) != 0)
        die("cannot write %s: %s", path, strerror(errno));
    free(path);
}

void tsv_discard_all(void)
{
    while (open_list) {
        tsv_t *t = open_list;
        open_list = t->next;
        fclose(t->f);
        remove(t->tmp);
    }
}
