/* buf.h: a growable byte buffer for building HTML in memory, with the HTML
 * escaping the site generator needs.  A page is assembled whole in a buf_t
 * and written to disk only once it is complete, so an error never leaves a
 * half-written page.  Allocation failure aborts (the generator is a program,
 * and a page is small). */
#ifndef SITE_BUF_H
#define SITE_BUF_H

#include <stddef.h>

typedef struct {
    char  *s;     /* always NUL-terminated when len > 0 or after buf_init */
    size_t len;
    size_t cap;
} buf_t;

void buf_init(buf_t *b);
void buf_free(buf_t *b);
void buf_reset(buf_t *b);                    /* len = 0, keeps the memory */
void buf_put(buf_t *b, const char *s, size_t n);
void buf_puts(buf_t *b, const char *s);
void buf_putc(buf_t *b, char c);
void buf_printf(buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Text content: & < > escaped. */
void buf_esc(buf_t *b, const char *s, size_t n);
/* Attribute value (double-quoted): & < > " ' escaped. */
void buf_esc_attr(buf_t *b, const char *s, size_t n);
/* open, then the string s as escaped text, then close: buf_wrap(b, "<code>",
 * name, "</code>").  open and close are HTML, written as they are. */
void buf_wrap(buf_t *b, const char *open, const char *s, const char *close);
char *buf_steal(buf_t *b);                   /* returns s (never NULL), resets b */

void *site_xmalloc(size_t n);
void *site_xrealloc(void *p, size_t n);
char *site_xstrndup(const char *s, size_t n);
void site_free(void *p);                     /* frees what the three above return */
void site_free_array(void *const *v, size_t n);   /* site_free of v[0..n) */
/* site_free of each pointer given: site_free_all(a, b, c). */
#define site_free_all(...) \
    site_free_array((void *const[]){__VA_ARGS__}, sizeof((void *const[]){__VA_ARGS__}) / sizeof(void *))
void site_free_strings(char **v, size_t n);  /* site_free of v[0..n), then of v */

/* Whole file into memory (NUL-terminated); NULL with errno set on failure. */
char *site_read_file(const char *path, size_t *len);
/* Writes data to "<path>.tmp.<pid>" and renames it over path; creates the
 * parent directories.  Returns 0 or -1 (errno set, no file left behind). */
int site_write_file(const char *path, const char *data, size_t len);

#endif
