/* buf.c: growable buffer, HTML escaping, atomic file writing (see buf.h). */
#include "site/buf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void *oom(void)
{
    fputs("sitegen: out of memory\n", stderr);
    abort();
}

void *site_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    return p ? p : oom();
}

void *site_xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    return p ? p : oom();
}

void site_free(void *p) { free(p); }

void site_free_array(void *const *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
}

void site_free_strings(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

char *site_xstrndup(const char *s, size_t n)
{
    char *d = site_xmalloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

void buf_init(buf_t *b)
{
    b->cap = 64;
    b->s = site_xmalloc(b->cap);
    b->s[0] = '\0';
    b->len = 0;
}

void buf_free(buf_t *b)
{
    site_free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
}

void buf_reset(buf_t *b)
{
    b->len = 0;
    if (b->s)
        b->s[0] = '\0';
}

static void grow(buf_t *b, size_t extra)
{
    if (!b->s)
        buf_init(b);
    if (b->len + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1)
        cap *= 2;
    b->s = site_xrealloc(b->s, cap);
    b->cap = cap;
}

void buf_put(buf_t *b, const char *s, size_t n)
{
    grow(b, n);
    if (n)
        memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void buf_puts(buf_t *b, const char *s) { buf_put(b, s, strlen(s)); }

void buf_putc(buf_t *b, char c) { buf_put(b, &c, 1); }

void buf_printf(buf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    grow(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

static void esc(buf_t *b, const char *s, size_t n, int attr)
{
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        const char *r = NULL;
        switch (s[i]) {
        case '&': r = "&amp;"; break;
        case '<': r = "&lt;"; break;
        case '>': r = "&gt;"; break;
        case '"': r = attr ? "&quot;" : NULL; break;
        case '\'': r = attr ? "&#39;" : NULL; break;
        }
        if (r) {
            buf_put(b, s + run, i - run);
            buf_puts(b, r);
            run = i + 1;
        }
    }
    buf_put(b, s + run, n - run);
}

void buf_esc(buf_t *b, const char *s, size_t n) { esc(b, s, n, 0); }
void buf_esc_attr(buf_t *b, const char *s, size_t n) { esc(b, s, n, 1); }

void buf_wrap(buf_t *b, const char *open, const char *s, const char *close)
{
    buf_puts(b, open);
    esc(b, s, strlen(s), 0);
    buf_puts(b, close);
}

char *buf_steal(buf_t *b)
{
    if (!b->s)
        buf_init(b);
    char *s = b->s;
    b->s = NULL;
    b->len = b->cap = 0;
    return s;
}

char *site_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    buf_t b;
    buf_init(&b);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_put(&b, chunk, n);
    int err = ferror(f);
    fclose(f);
    if (err) {
        buf_free(&b);
        errno = EIO;
        return NULL;
    }
    if (len)
        *len = b.len;
    return buf_steal(&b);
}

static int mkdirs(const char *path)
{
    char *p = site_xstrndup(path, strlen(path));
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            site_free(p);
            return -1;
        }
        *s = '/';
    }
    site_free(p);
    return 0;
}

int site_write_file(const char *path, const char *data, size_t len)
{
    if (mkdirs(path) != 0)
        return -1;
    size_t n = strlen(path);
    char *tmp = site_xmalloc(n + 32);
    snprintf(tmp, n + 32, "%s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        site_free(tmp);
        return -1;
    }
    int e = 0;
    if (len && fwrite(data, 1, len, f) != len)
        e = errno ? errno : EIO;
    if (fclose(f) != 0 && !e)
        e = errno;
    if (!e && rename(tmp, path) != 0)
        e = errno;
    if (e)
        remove(tmp);
    site_free(tmp);
    errno = e;
    return e ? -1 : 0;
}
