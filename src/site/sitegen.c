/* sitegen.c: the site generator.  Turns a chapter, chapters/NN-slug.md
 * (CommonMark parsed by md4c, plus the directives of chapters/README.md),
 * into one self-contained HTML page; writes the index page; writes a
 * browsable view of a source file; and writes a make dependency file naming
 * the figures, data and sources a chapter uses (like gcc -MMD).
 *
 *   sitegen [opts] page   chapters/NN-slug.md -o site/NN-slug.html
 *   sitegen [opts] deps   chapters/NN-slug.md -o build/site-deps/NN-slug.d --target site/NN-slug.html
 *   sitegen [opts] index  src/site/index.md chapters/NN-*.md... -o site/index.html
 *   sitegen [opts] source src/physics/kepler.c -o site/source/src/physics/kepler.c.html
 *   opts: -C DIR (work in DIR)  --katex FILE.js  --node PROG  --macros FILE  --bib FILE
 *         --cache DIR (reuse KaTeX renderings of unchanged expressions)
 *
 * A page is built whole in memory: text, then every math expression rendered
 * in one KaTeX process (katex.h), then the placeholders for math and forward
 * references filled in; only then is it written (temp file + rename).  Any
 * problem prints "chapters/file.md:LINE: message" and exits 1 with nothing
 * written.  md4c hands out pointers into the input buffer; line numbers come
 * from those pointers.  No timestamps: the same inputs give the same bytes.
 *
 * Not a Markdown parser (md4c is), not a TeX renderer (KaTeX is). */
#define _XOPEN_SOURCE 700   /* realpath */
#include "site/bib.h"
#include "site/buf.h"
#include "site/katex.h"
#include "site/svg.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <md4c.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SITE_TITLE "Noether\xe2\x80\x99s theorem in machine learning"
#define MD_FLAGS (MD_FLAG_TABLES | MD_FLAG_LATEXMATHSPANS | MD_FLAG_STRIKETHROUGH)

/* Placeholders in the page text, filled in at the end: \1 M <n> \2 is math
 * expression n, \1 R <n> \2 is reference n.  Input with control characters
 * \1 or \2 is rejected, so they cannot clash. */
#define PH_OPEN '\1'
#define PH_CLOSE '\2'

typedef struct {
    char *tex;
    int display;
    int line;
    char *anchor;      /* "eq:name" for a labelled equation, else NULL */
    const char *path;  /* the file it came from (the index page gathers several) */
} math_t;

typedef struct {
    char kind;         /* 'e' equation, 'f' figure, 's' section */
    char *name;        /* without the kind prefix */
    int line;
} ref_t;

typedef struct {
    char kind;
    char *name;
    char *number;      /* "3", "2.1" */
    int line;
} label_t;

typedef struct {
    char *key;
    int line;
} cite_t;

typedef struct {
    char *path;
    char *text;
} file_t;

typedef struct {
    /* the input */
    const char *path;          /* as shown in messages */
    const char *text;
    size_t size;
    size_t *line_start;
    size_t nlines;
    int last_line;
    /* mode */
    int deps_mode;             /* collect prerequisites only; never fail */
    const char *prefix;        /* relative path from the page to site/ ("" or "../..") */
    /* output stack: text goes to out[depth] */
    buf_t out[8];
    int depth;
    /* pending normal text, scanned for [@cite] and @refs when flushed */
    buf_t pend;
    const char *pend_src;      /* source pointer of pend's first byte, or NULL */
    int prose_space;           /* the last prose character was a space (or none yet) */
    int pend_line;
    /* verbatim captures */
    int in_math, math_display;
    buf_t math;
    const char *math_src;
    int in_code_span;
    buf_t code;
    const char *code_src;
    int in_code_block;
    buf_t block;
    buf_t block_info;
    int block_line;
    const char *block_first;   /* source pointer of the block's first body line */
    int in_img;
    int in_heading, heading_level;
    size_t heading_start;
    int table_align[64];
    /* collected */
    math_t *math_v;
    size_t nmath;
    ref_t *ref_v;
    size_t nref;
    label_t *label_v;
    size_t nlabel;
    cite_t *cite_v;
    size_t ncite;
    int nfig, neq, h2, h3;
    int unnumbered;            /* headings without numbers (the index page) */
    char **deps;
    size_t ndeps;
    char **gp_deps;            /* .gp files: also prerequisites of the .d */
    size_t ngp;
    file_t *files;             /* cache of data files read */
    size_t nfiles;
    /* configuration */
    bib_t bib;
    int bib_loaded;
    const char *bib_path;
    const char *macros_path;
} page_t;

static const char *opt_katex = "src/site/katex-render.js";
static const char *opt_node = "node";
static const char *opt_macros = "chapters/macros.tex";
static const char *opt_bib = "chapters/references.bib";
static const char *opt_cache;      /* directory of cached KaTeX renderings, or NULL */
static const char *deps_out, *deps_target;
static const char *page_out;       /* removed on error: no stale page outlives a failed build */

static void write_deps(page_t *p);

/* ------------------------------------------------------------ errors */

static void fail_at(page_t *p, int line, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 3, 4)));

static void fail_at(page_t *p, int line, const char *fmt, ...)
{
    if (p->deps_mode) {
        /* The page build reports the problem; the dependency file only
         * needs what could be found, and make must be able to read it. */
        write_deps(p);
        exit(0);
    }
    if (page_out)
        remove(page_out);
    va_list ap;
    fprintf(stderr, "%s:%d: ", p->path, line > 0 ? line : 1);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

static void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void die(const char *fmt, ...)
{
    if (page_out)
        remove(page_out);
    va_list ap;
    fputs("sitegen: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

/* ------------------------------------------------------------ lines */

static void index_lines(page_t *p)
{
    size_t cap = 256;
    p->line_start = site_xmalloc(cap * sizeof *p->line_start);
    p->nlines = 0;
    p->line_start[p->nlines++] = 0;
    for (size_t i = 0; i < p->size; i++)
        if (p->text[i] == '\n') {
            if (p->nlines == cap)
                p->line_start = site_xrealloc(p->line_start, (cap *= 2) * sizeof *p->line_start);
            p->line_start[p->nlines++] = i + 1;
        }
}

/* The 1-based line of a pointer into the input, or the last line seen when
 * md4c hands out a string of its own (entities, line breaks). */
static int line_of(page_t *p, const char *s)
{
    if (!s || s < p->text || s > p->text + p->size)
        return p->last_line;
    size_t off = (size_t)(s - p->text), lo = 0, hi = p->nlines;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (p->line_start[mid] <= off)
            lo = mid;
        else
            hi = mid;
    }
    p->last_line = (int)lo + 1;
    return p->last_line;
}

static int in_source(page_t *p, const char *s)
{
    return s && s >= p->text && s <= p->text + p->size;
}

/* ------------------------------------------------------------ helpers */

static buf_t *OUT(page_t *p) { return &p->out[p->depth]; }

static void push_out(page_t *p)
{
    if (p->depth + 1 >= (int)(sizeof p->out / sizeof *p->out))
        die("output nesting too deep");
    p->depth++;
    buf_reset(&p->out[p->depth]);
    if (!p->out[p->depth].s)
        buf_init(&p->out[p->depth]);
}

/* Returns the popped buffer's text (caller frees). */
static char *pop_out(page_t *p)
{
    buf_t *b = &p->out[p->depth];
    char *s = site_xstrndup(b->s ? b->s : "", b->len);
    buf_reset(b);
    p->depth--;
    return s;
}

static void add_dep(page_t *p, const char *path)
{
    for (size_t i = 0; i < p->ndeps; i++)
        if (!strcmp(p->deps[i], path))
            return;
    p->deps = site_xrealloc(p->deps, (p->ndeps + 1) * sizeof *p->deps);
    p->deps[p->ndeps++] = site_xstrndup(path, strlen(path));
}

static int file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* A path that stays inside the tree: relative, no "..", sane characters. */
static int is_safe_path(const char *s, size_t n)
{
    if (n == 0 || s[0] == '/')
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!(isalnum(c) || strchr("_-./+", c)))
            return 0;
        if (c == '.' && i + 1 < n && s[i + 1] == '.')
            return 0;
    }
    return 1;
}

static int is_name(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!(isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == '-'))
            return 0;
    return 1;
}

static const char *file_cached(page_t *p, const char *path)
{
    for (size_t i = 0; i < p->nfiles; i++)
        if (!strcmp(p->files[i].path, path))
            return p->files[i].text;
    char *text = site_read_file(path, NULL);
    if (!text)
        return NULL;
    p->files = site_xrealloc(p->files, (p->nfiles + 1) * sizeof *p->files);
    p->files[p->nfiles].path = site_xstrndup(path, strlen(path));
    p->files[p->nfiles].text = text;
    p->nfiles++;
    return text;
}

/* Links to the browsable copy of a source file shipped in site/source/. */
static int has_source_view(const char *path)
{
    size_t n = strlen(path);
    static const char *ext[] = {".c", ".h", ".gp", ".js", ".sh", ".md", ".mk", ".tex", ".bib"};
    if (!file_exists(path))
        return 0;
    if (strncmp(path, "src/", 4) && strncmp(path, "figures/", 8) && strncmp(path, "chapters/", 9))
        return 0;
    for (size_t i = 0; i < sizeof ext / sizeof *ext; i++) {
        size_t e = strlen(ext[i]);
        if (n > e && !strcmp(path + n - e, ext[i]))
            return 1;
    }
    return 0;
}

static void put_source_link(page_t *p, buf_t *b, const char *path, const char *frag, const char *shown)
{
    int link = has_source_view(path);
    if (link) {
        buf_printf(b, "<a href=\"%ssource/", p->prefix);
        buf_esc_attr(b, path, strlen(path));
        buf_puts(b, ".html");
        if (frag)
            buf_esc_attr(b, frag, strlen(frag));
        buf_puts(b, "\">");
    }
    buf_puts(b, "<code>");
    buf_esc(b, shown ? shown : path, strlen(shown ? shown : path));
    buf_puts(b, "</code>");
    if (link)
        buf_puts(b, "</a>");
}

/* ------------------------------------------------------------ labels, refs */

static label_t *find_label(page_t *p, char kind, const char *name, size_t n)
{
    for (size_t i = 0; i < p->nlabel; i++)
        if (p->label_v[i].kind == kind && strlen(p->label_v[i].name) == n &&
            !memcmp(p->label_v[i].name, name, n))
            return &p->label_v[i];
    return NULL;
}

static const char *kind_word(char kind)
{
    return kind == 'e' ? "equation" : kind == 'f' ? "figure" : "section";
}

static void add_label(page_t *p, char kind, const char *name, size_t n, const char *number, int line)
{
    label_t *old = find_label(p, kind, name, n);
    if (old)
        fail_at(p, line, "duplicate %s label '%.*s' (first defined on line %d)",
                kind_word(kind), (int)n, name, old->line);
    p->label_v = site_xrealloc(p->label_v, (p->nlabel + 1) * sizeof *p->label_v);
    label_t *l = &p->label_v[p->nlabel++];
    l->kind = kind;
    l->name = site_xstrndup(name, n);
    l->number = site_xstrndup(number, strlen(number));
    l->line = line;
}

static void put_ref(page_t *p, char kind, const char *name, size_t n, int line)
{
    p->ref_v = site_xrealloc(p->ref_v, (p->nref + 1) * sizeof *p->ref_v);
    ref_t *r = &p->ref_v[p->nref];
    r->kind = kind;
    r->name = site_xstrndup(name, n);
    r->line = line;
    buf_printf(OUT(p), "%cR%zu%c", PH_OPEN, p->nref, PH_CLOSE);
    p->nref++;
}

static size_t add_math(page_t *p, const char *tex, size_t n, int display, int line, char *anchor)
{
    p->math_v = site_xrealloc(p->math_v, (p->nmath + 1) * sizeof *p->math_v);
    math_t *m = &p->math_v[p->nmath];
    m->tex = site_xstrndup(tex, n);
    m->display = display;
    m->line = line;
    m->anchor = anchor;
    m->path = p->path;
    return p->nmath++;
}

/* ------------------------------------------------------------ citations */

static const bib_entry_t *bib_lookup(page_t *p, const char *key, size_t n, int line)
{
    if (!p->bib_loaded) {
        char *text = site_read_file(p->bib_path, NULL);
        if (!text)
            fail_at(p, line, "cannot read the bibliography %s: %s", p->bib_path, strerror(errno));
        char err[256];
        int eline = 0;
        if (bib_parse(&p->bib, text, err, sizeof err, &eline) != 0) {
            fprintf(stderr, "%s:%d: %s\n", p->bib_path, eline, err);
            exit(1);
        }
        free(text);
        p->bib_loaded = 1;
    }
    return bib_find(&p->bib, key, n);
}

static int cite_number(page_t *p, const char *key, size_t n, int line)
{
    for (size_t i = 0; i < p->ncite; i++)
        if (strlen(p->cite_v[i].key) == n && !memcmp(p->cite_v[i].key, key, n))
            return (int)i + 1;
    if (!bib_lookup(p, key, n, line))
        fail_at(p, line, "unknown citation key '%.*s' (not in %s)", (int)n, key, p->bib_path);
    p->cite_v = site_xrealloc(p->cite_v, (p->ncite + 1) * sizeof *p->cite_v);
    p->cite_v[p->ncite].key = site_xstrndup(key, n);
    p->cite_v[p->ncite].line = line;
    return (int)++p->ncite;
}

static int is_key_char(int c) { return c && (isalnum(c) || strchr("_-:.+/", c)); }

/* Smart punctuation for prose: quotes and dashes. */
static void put_prose(buf_t *b, const char *s, size_t n, int *prev_space)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '-' && i + 1 < n && s[i + 1] == '-') {
            if (i + 2 < n && s[i + 2] == '-') {
                buf_puts(b, "\xe2\x80\x94");
                i += 2;
            } else {
                buf_puts(b, "\xe2\x80\x93");
                i += 1;
            }
        } else if (c == '\'') {
            buf_puts(b, *prev_space ? "\xe2\x80\x98" : "\xe2\x80\x99");
        } else if (c == '"') {
            buf_puts(b, *prev_space ? "\xe2\x80\x9c" : "\xe2\x80\x9d");
        } else if (c == '.' && i + 2 < n && s[i + 1] == '.' && s[i + 2] == '.') {
            buf_puts(b, "\xe2\x80\xa6");
            i += 2;
        } else {
            buf_esc(b, &c, 1);
        }
        *prev_space = isspace((unsigned char)c) || c == '(' || c == '[' || c == '-' ||
                      (unsigned char)c == 0x94;   /* after an em/en dash */
    }
}

/* Line of byte i of the pending text. */
static int pend_line_at(page_t *p, size_t i)
{
    int line = p->pend_line;
    for (size_t k = 0; k < i && k < p->pend.len; k++)
        if (p->pend.s[k] == '\n')
            line++;
    return line;
}

/* Parses "[@key, loc; @key2]" at s[i] (s[i] == '['); writes the citation and
 * returns the index after ']'. */
static size_t put_citation(page_t *p, const char *s, size_t n, size_t i)
{
    int line = pend_line_at(p, i);
    buf_t *b = OUT(p);
    size_t j = i + 1;
    buf_puts(b, "<span class=\"cite\">[");
    int first = 1;
    for (;;) {
        while (j < n && isspace((unsigned char)s[j]))
            j++;
        if (j >= n || s[j] != '@')
            fail_at(p, line, "malformed citation: expected '@key' after '%s' (write [@key] or [@key1; @key2, loc])",
                    first ? "[" : ";");
        j++;
        size_t k0 = j;
        while (j < n && is_key_char((unsigned char)s[j]))
            j++;
        while (j > k0 && (s[j - 1] == '.' || s[j - 1] == ':'))
            j--;                                /* a key does not end in punctuation */
        if (j == k0)
            fail_at(p, line, "malformed citation: empty key after '@'");
        int num = p->deps_mode ? 0 : cite_number(p, s + k0, j - k0, line);
        if (!first)
            buf_puts(b, "; ");
        first = 0;
        buf_puts(b, "<a href=\"#ref-");
        buf_esc_attr(b, s + k0, j - k0);
        buf_printf(b, "\">%d</a>", num);
        /* an optional locator after a comma, up to ';' or ']' */
        while (j < n && s[j] == ' ')
            j++;
        if (j < n && s[j] == ',') {
            size_t l0 = ++j;
            while (j < n && s[j] != ';' && s[j] != ']')
                j++;
            size_t l1 = j;
            while (l0 < l1 && isspace((unsigned char)s[l0]))
                l0++;
            while (l1 > l0 && isspace((unsigned char)s[l1 - 1]))
                l1--;
            buf_puts(b, ", ");
            int sp = 0;
            put_prose(b, s + l0, l1 - l0, &sp);
        }
        while (j < n && isspace((unsigned char)s[j]))
            j++;
        if (j < n && s[j] == ';') {
            j++;
            continue;
        }
        if (j < n && s[j] == ']') {
            buf_puts(b, "]</span>");
            return j + 1;
        }
        fail_at(p, line, "malformed citation: expected ';' or ']' after a key (a citation must close on the same paragraph)");
    }
}

/* Writes the pending prose, turning [@...] into citations and @eq:/@fig:/@sec:
 * into references. */
static void flush_pending(page_t *p)
{
    if (!p->pend.len)
        return;
    const char *s = p->pend.s;
    size_t n = p->pend.len, run = 0;
    int prev_space = p->prose_space;
    buf_t *b;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '[' && i + 1 < n && (s[i + 1] == '@' ||
            (isspace((unsigned char)s[i + 1]) && i + 2 < n && s[i + 2] == '@'))) {
            b = OUT(p);
            put_prose(b, s + run, i - run, &prev_space);
            i = put_citation(p, s, n, i);
            run = i;
            i--;
            prev_space = 0;
            continue;
        }
        if (s[i] == '@' && (i == 0 || !isalnum((unsigned char)s[i - 1])) && i + 4 < n) {
            char kind = 0;
            size_t len = 0;
            if (!strncmp(s + i + 1, "eq:", 3))
                kind = 'e', len = 3;
            else if (!strncmp(s + i + 1, "fig:", 4))
                kind = 'f', len = 4;
            else if (!strncmp(s + i + 1, "sec:", 4))
                kind = 's', len = 4;
            if (kind) {
                size_t k0 = i + 1 + len, k = k0;
                while (k < n && (isalnum((unsigned char)s[k]) || s[k] == '_' || s[k] == '-'))
                    k++;
                while (k > k0 && s[k - 1] == '-')
                    k--;
                if (k == k0)
                    fail_at(p, pend_line_at(p, i), "empty reference name after '@%.*s'", (int)len, s + i + 1);
                b = OUT(p);
                put_prose(b, s + run, i - run, &prev_space);
                put_ref(p, kind, s + k0, k - k0, pend_line_at(p, i));
                run = k;
                i = k - 1;
                prev_space = 0;
                continue;
            }
        }
    }
    put_prose(OUT(p), s + run, n - run, &prev_space);
    p->prose_space = prev_space;
    buf_reset(&p->pend);
    p->pend_src = NULL;
}

/* ------------------------------------------------------------ data values */

static const char *tsv_lookup(page_t *p, const char *text, const char *key, size_t keylen, size_t *vlen)
{
    const char *line = text;
    int header_seen = 0;
    while (*line) {
        const char *eol = strchr(line, '\n');
        size_t n = eol ? (size_t)(eol - line) : strlen(line);
        if (n && line[0] != '#') {
            if (!header_seen) {
                header_seen = 1;            /* the column-name line */
            } else {
                const char *tab = memchr(line, '\t', n);
                if (tab && (size_t)(tab - line) == keylen && !memcmp(line, key, keylen)) {
                    const char *v = tab + 1;
                    const char *vend = line + n;
                    const char *tab2 = memchr(v, '\t', (size_t)(vend - v));
                    if (tab2)
                        vend = tab2;
                    while (vend > v && (vend[-1] == '\r' || vend[-1] == ' '))
                        vend--;
                    *vlen = (size_t)(vend - v);
                    return v;
                }
            }
        }
        line = eol ? eol + 1 : line + n;
    }
    return NULL;
}

/* `=ch1/file:key[:fmt]` */
static void put_value(page_t *p, const char *s, size_t n, int line)
{
    const char *c1 = memchr(s, ':', n);
    if (!c1)
        fail_at(p, line, "malformed value `%.*s`: write `=dir/file:key` or `=dir/file:key:fmt`", (int)n, s);
    const char *file = s + 1;
    size_t filen = (size_t)(c1 - file);
    const char *key = c1 + 1;
    const char *c2 = memchr(key, ':', (size_t)(s + n - key));
    size_t keylen = c2 ? (size_t)(c2 - key) : (size_t)(s + n - key);
    const char *fmt = c2 ? c2 + 1 : NULL;
    size_t fmtlen = c2 ? (size_t)(s + n - fmt) : 0;
    if (!is_safe_path(file, filen) || keylen == 0)
        fail_at(p, line, "malformed value `%.*s`: write `=dir/file:key` (a file under data/, without .tsv)", (int)n, s);
    char path[PATH_MAX];
    snprintf(path, sizeof path, "data/%.*s.tsv", (int)filen, file);
    char site_copy[PATH_MAX + 8];
    snprintf(site_copy, sizeof site_copy, "site/%s", path);
    add_dep(p, path);
    add_dep(p, site_copy);

    /* the format: .Nf .Ne .Ng d % .N% */
    char conv = 0;
    int prec = -1;
    if (fmt) {
        const char *f = fmt, *fe = fmt + fmtlen;
        if (f < fe && *f == '.') {
            f++;
            prec = 0;
            if (f >= fe || !isdigit((unsigned char)*f))
                prec = -2;
            while (f < fe && isdigit((unsigned char)*f) && prec >= 0 && prec < 20)
                prec = prec * 10 + (*f++ - '0');
        }
        if (prec != -2 && f + 1 == fe && strchr("fegd%", *f) && !(*f == 'd' && prec >= 0))
            conv = *f;
        if (conv && strchr("feg", conv) && prec < 0)
            prec = 6;                       /* printf's default */
        if (!conv)
            fail_at(p, line, "bad number format ':%.*s' in `%.*s` (use .Nf, .Ne, .Ng, d, %% or .N%%)",
                    (int)fmtlen, fmt, (int)n, s);
    }
    if (p->deps_mode) {
        buf_puts(OUT(p), "0");
        return;
    }
    const char *text = file_cached(p, path);
    if (!text)
        fail_at(p, line, "no data file %s for `%.*s` (%s)", path, (int)n, s, strerror(errno));
    size_t vlen = 0;
    const char *v = tsv_lookup(p, text, key, keylen, &vlen);
    if (!v)
        fail_at(p, line, "unknown data key '%.*s' in %s", (int)keylen, key, path);
    buf_t *b = OUT(p);
    buf_puts(b, "<span class=\"num\" title=\"");
    buf_esc_attr(b, path, strlen(path));
    buf_puts(b, ": ");
    buf_esc_attr(b, key, keylen);
    buf_puts(b, "\">");
    if (!conv) {
        buf_esc(b, v, vlen);
        buf_puts(b, "</span>");
        return;
    }
    char num[64];
    snprintf(num, sizeof num, "%.*s", (int)(vlen < 63 ? vlen : 63), v);
    char *endp;
    errno = 0;
    double x = strtod(num, &endp);
    if (endp == num || *endp || errno == ERANGE)
        fail_at(p, line, "value of '%.*s' in %s is not a number: '%s'", (int)keylen, key, path, num);
    char out[96];
    if (conv == 'e') {
        snprintf(out, sizeof out, "%.*e", prec, x);
        char *e = strchr(out, 'e');
        int ex = atoi(e + 1);
        *e = '\0';
        char tex[160];
        if (ex == 0)
            snprintf(tex, sizeof tex, "%s", out);
        else
            snprintf(tex, sizeof tex, "%s \\times 10^{%d}", out, ex);
        size_t m = add_math(p, tex, strlen(tex), 0, line, NULL);
        buf_printf(b, "%cM%zu%c</span>", PH_OPEN, m, PH_CLOSE);
        return;
    }
    if (conv == 'f' || conv == 'g')
        snprintf(out, sizeof out, conv == 'f' ? "%.*f" : "%.*g", prec, x);
    else if (conv == 'd')
        snprintf(out, sizeof out, "%.0f", x);
    else
        snprintf(out, sizeof out, "%.*f%%", prec < 0 ? 0 : prec, 100 * x);
    if (!strcmp(out, "-0") || !strncmp(out, "-0.", 3)) {     /* no "−0.00" */
        int allzero = 1;
        for (const char *q = out + 1; *q && *q != '%'; q++)
            if (*q != '0' && *q != '.')
                allzero = 0;
        if (allzero)
            memmove(out, out + 1, strlen(out));
    }
    if (out[0] == '-') {
        buf_puts(b, "\xe2\x88\x92");   /* a real minus sign */
        buf_puts(b, out + 1);
    } else {
        buf_puts(b, out);
    }
    buf_puts(b, "</span>");
}

/* ------------------------------------------------------------ math */

static void finish_math(page_t *p)
{
    char *tex = p->math.s ? p->math.s : "";
    size_t n = p->math.len;
    int line = line_of(p, p->math_src);
    char *anchor = NULL;
    buf_t t;
    buf_init(&t);
    const char *lab = strstr(tex, "\\label{");
    if (lab) {
        if (!p->math_display)
            fail_at(p, line, "\\label is only allowed in display math ($$...$$)");
        const char *name = lab + 7;
        const char *close = strchr(name, '}');
        if (!close)
            fail_at(p, line, "unterminated \\label{");
        if (strncmp(name, "eq:", 3) || !is_name(name + 3, (size_t)(close - name - 3)))
            fail_at(p, line, "bad equation label '\\label{%.*s}': write \\label{eq:name} (letters, digits, - and _)",
                    (int)(close - name), name);
        if (strstr(close, "\\label{"))
            fail_at(p, line, "two \\label in one display block");
        char number[16];
        snprintf(number, sizeof number, "%d", ++p->neq);
        add_label(p, 'e', name + 3, (size_t)(close - name - 3), number, line);
        anchor = site_xstrndup(name, (size_t)(close - name));
        buf_put(&t, tex, (size_t)(lab - tex));
        buf_put(&t, close + 1, (size_t)(tex + n - close - 1));
        buf_printf(&t, " \\tag{%s}", number);
    } else {
        buf_put(&t, tex, n);
    }
    size_t m = add_math(p, t.s, t.len, p->math_display, line, anchor);
    buf_free(&t);
    if (anchor)
        buf_printf(OUT(p), "<span class=\"eq\" id=\"%s\">%cM%zu%c</span>", anchor, PH_OPEN, m, PH_CLOSE);
    else
        buf_printf(OUT(p), "%cM%zu%c", PH_OPEN, m, PH_CLOSE);
}

/* ------------------------------------------------------------ md4c callbacks */

static int render_md(page_t *p, const char *text, size_t size);

static void put_attr(buf_t *b, const MD_ATTRIBUTE *a)
{
    for (int i = 0; a->substr_offsets[i] < a->size; i++) {
        const char *s = a->text + a->substr_offsets[i];
        size_t n = (size_t)(a->substr_offsets[i + 1] - a->substr_offsets[i]);
        switch (a->substr_types[i]) {
        case MD_TEXT_NULLCHAR: buf_puts(b, "\xef\xbf\xbd"); break;
        case MD_TEXT_ENTITY: buf_put(b, s, n); break;
        default: buf_esc_attr(b, s, n); break;
        }
    }
}

static void attr_plain(buf_t *b, const MD_ATTRIBUTE *a)
{
    buf_put(b, a->text, a->size);
}

static void figure_block(page_t *p);
static void excerpt_block(page_t *p, const char *args);

static void heading_finish(page_t *p)
{
    buf_t *b = OUT(p);
    int line = p->last_line;
    /* the heading's rendered text is b->s[heading_start..] */
    char *h = site_xstrndup(b->s + p->heading_start, b->len - p->heading_start);
    b->len = p->heading_start;
    b->s[b->len] = '\0';
    size_t n = strlen(h);
    while (n && isspace((unsigned char)h[n - 1]))
        n--;
    char *anchor = NULL;
    if (n && h[n - 1] == '}') {
        char *open = NULL;
        for (size_t i = n; i-- > 0;)
            if (h[i] == '{') {
                open = h + i;
                break;
            }
        if (open && open[1] == '#') {
            const char *name = open + 2;
            size_t len = (size_t)(h + n - 1 - name);
            if (strncmp(name, "sec:", 4) || !is_name(name + 4, len - 4))
                fail_at(p, line, "bad heading anchor '{#%.*s}': write {#sec:name} (letters, digits, - and _)",
                        (int)len, name);
            anchor = site_xstrndup(name, len);
            n = (size_t)(open - h);
            while (n && isspace((unsigned char)h[n - 1]))
                n--;
        }
    }
    char number[32] = "";
    if (p->unnumbered) {
        buf_printf(b, "<h%d>", p->heading_level);
        buf_put(b, h, n);
        buf_printf(b, "</h%d>\n", p->heading_level);
        free(h);
        free(anchor);
        return;
    }
    if (p->heading_level == 1)
        fail_at(p, line, "a '# Title' heading in the chapter: the title comes from the front matter; use ## for sections");
    if (p->heading_level == 2) {
        p->h2++;
        p->h3 = 0;
        snprintf(number, sizeof number, "%d", p->h2);
    } else if (p->heading_level == 3) {
        p->h3++;
        snprintf(number, sizeof number, "%d.%d", p->h2, p->h3);
    }
    if (anchor && !number[0])
        fail_at(p, line, "a {#sec:...} anchor on a level-%d heading: only ## and ### headings are numbered",
                p->heading_level);
    if (anchor)
        add_label(p, 's', anchor + 4, strlen(anchor + 4), number, line);
    buf_printf(b, "<h%d id=\"", p->heading_level);
    if (anchor)
        buf_puts(b, anchor);
    else if (number[0])
        buf_printf(b, "section-%s", number);
    else
        buf_printf(b, "h-%d", line);
    buf_puts(b, "\">");
    if (number[0])
        buf_printf(b, "<span class=\"secnum\">%s</span> ", number);
    buf_put(b, h, n);
    buf_printf(b, "</h%d>\n", p->heading_level);
    free(h);
    free(anchor);
}

static int enter_block(MD_BLOCKTYPE type, void *detail, void *ud)
{
    page_t *p = ud;
    flush_pending(p);
    p->prose_space = 1;
    buf_t *b = OUT(p);
    switch (type) {
    case MD_BLOCK_DOC: break;
    case MD_BLOCK_QUOTE: buf_puts(b, "<blockquote>\n"); break;
    case MD_BLOCK_UL: buf_puts(b, "<ul>\n"); break;
    case MD_BLOCK_OL: {
        MD_BLOCK_OL_DETAIL *d = detail;
        if (d->start == 1)
            buf_puts(b, "<ol>\n");
        else
            buf_printf(b, "<ol start=\"%u\">\n", d->start);
        break;
    }
    case MD_BLOCK_LI: buf_puts(b, "<li>"); break;
    case MD_BLOCK_HR: buf_puts(b, "<hr>\n"); break;
    case MD_BLOCK_H: {
        MD_BLOCK_H_DETAIL *d = detail;
        p->in_heading = 1;
        p->heading_level = (int)d->level;
        p->heading_start = b->len;
        break;
    }
    case MD_BLOCK_CODE: {
        MD_BLOCK_CODE_DETAIL *d = detail;
        p->in_code_block = 1;
        buf_reset(&p->block);
        buf_reset(&p->block_info);
        attr_plain(&p->block_info, &d->info);
        p->block_first = NULL;
        p->block_line = in_source(p, d->info.text) && d->info.size ? line_of(p, d->info.text) : -1;
        break;
    }
    case MD_BLOCK_HTML: break;
    case MD_BLOCK_P: buf_puts(b, "<p>"); break;
    case MD_BLOCK_TABLE: buf_puts(b, "<table>\n"); break;
    case MD_BLOCK_THEAD: buf_puts(b, "<thead>\n"); break;
    case MD_BLOCK_TBODY: buf_puts(b, "<tbody>\n"); break;
    case MD_BLOCK_TR: buf_puts(b, "<tr>"); break;
    case MD_BLOCK_TH:
    case MD_BLOCK_TD: {
        MD_BLOCK_TD_DETAIL *d = detail;
        const char *tag = type == MD_BLOCK_TH ? "th" : "td";
        static const char *al[] = {"", " class=\"left\"", " class=\"center\"", " class=\"right\""};
        buf_printf(b, "<%s%s>", tag, al[d->align]);
        break;
    }
    }
    return 0;
}

static int leave_block(MD_BLOCKTYPE type, void *detail, void *ud)
{
    page_t *p = ud;
    flush_pending(p);
    p->prose_space = 1;
    buf_t *b = OUT(p);
    switch (type) {
    case MD_BLOCK_DOC: break;
    case MD_BLOCK_QUOTE: buf_puts(b, "</blockquote>\n"); break;
    case MD_BLOCK_UL: buf_puts(b, "</ul>\n"); break;
    case MD_BLOCK_OL: buf_puts(b, "</ol>\n"); break;
    case MD_BLOCK_LI: buf_puts(b, "</li>\n"); break;
    case MD_BLOCK_HR: break;
    case MD_BLOCK_H:
        p->in_heading = 0;
        heading_finish(p);
        break;
    case MD_BLOCK_CODE: {
        p->in_code_block = 0;
        if (p->block_line < 0)
            p->block_line = p->block_first ? line_of(p, p->block_first) - 1 : p->last_line;
        const char *info = p->block_info.s ? p->block_info.s : "";
        if (!strcmp(info, "figure")) {
            figure_block(p);
        } else if (!strncmp(info, "excerpt", 7) && (!info[7] || isspace((unsigned char)info[7]))) {
            excerpt_block(p, info + 7);
        } else {
            char lang[64] = "";
            sscanf(info, "%63s", lang);
            buf_puts(b, "<pre><code");
            if (lang[0]) {
                buf_puts(b, " class=\"language-");
                buf_esc_attr(b, lang, strlen(lang));
                buf_puts(b, "\"");
            }
            buf_puts(b, ">");
            buf_esc(b, p->block.s ? p->block.s : "", p->block.len);
            buf_puts(b, "</code></pre>\n");
        }
        break;
    }
    case MD_BLOCK_HTML: break;
    case MD_BLOCK_P: buf_puts(b, "</p>\n"); break;
    case MD_BLOCK_TABLE: buf_puts(b, "</table>\n"); break;
    case MD_BLOCK_THEAD: buf_puts(b, "</thead>\n"); break;
    case MD_BLOCK_TBODY: buf_puts(b, "</tbody>\n"); break;
    case MD_BLOCK_TR: buf_puts(b, "</tr>\n"); break;
    case MD_BLOCK_TH: buf_puts(b, "</th>"); break;
    case MD_BLOCK_TD: buf_puts(b, "</td>"); break;
    }
    return 0;
}

static int enter_span(MD_SPANTYPE type, void *detail, void *ud)
{
    page_t *p = ud;
    if (p->in_img)
        return 0;          /* inside an image's alt text: plain text only */
    flush_pending(p);
    buf_t *b = OUT(p);
    switch (type) {
    case MD_SPAN_EM: buf_puts(b, "<em>"); break;
    case MD_SPAN_STRONG: buf_puts(b, "<strong>"); break;
    case MD_SPAN_U: buf_puts(b, "<u>"); break;
    case MD_SPAN_DEL: buf_puts(b, "<del>"); break;
    case MD_SPAN_A: {
        MD_SPAN_A_DETAIL *d = detail;
        buf_puts(b, "<a href=\"");
        put_attr(b, &d->href);
        buf_puts(b, "\"");
        if (d->title.size) {
            buf_puts(b, " title=\"");
            put_attr(b, &d->title);
            buf_puts(b, "\"");
        }
        buf_puts(b, ">");
        break;
    }
    case MD_SPAN_IMG: {
        MD_SPAN_IMG_DETAIL *d = detail;
        buf_puts(b, "<img src=\"");
        put_attr(b, &d->src);
        buf_puts(b, "\"");
        if (d->title.size) {
            buf_puts(b, " title=\"");
            put_attr(b, &d->title);
            buf_puts(b, "\"");
        }
        buf_puts(b, " alt=\"");
        p->in_img = 1;
        break;
    }
    case MD_SPAN_CODE:
        p->in_code_span = 1;
        buf_reset(&p->code);
        p->code_src = NULL;
        break;
    case MD_SPAN_LATEXMATH:
    case MD_SPAN_LATEXMATH_DISPLAY:
        p->in_math = 1;
        p->math_display = type == MD_SPAN_LATEXMATH_DISPLAY;
        buf_reset(&p->math);
        p->math_src = NULL;
        break;
    case MD_SPAN_WIKILINK: break;
    }
    return 0;
}

static int leave_span(MD_SPANTYPE type, void *detail, void *ud)
{
    page_t *p = ud;
    if (p->in_img && type != MD_SPAN_IMG)
        return 0;
    flush_pending(p);
    p->prose_space = 0;        /* a quote after $x$ or `code` closes */
    buf_t *b = OUT(p);
    switch (type) {
    case MD_SPAN_EM: buf_puts(b, "</em>"); break;
    case MD_SPAN_STRONG: buf_puts(b, "</strong>"); break;
    case MD_SPAN_U: buf_puts(b, "</u>"); break;
    case MD_SPAN_DEL: buf_puts(b, "</del>"); break;
    case MD_SPAN_A: buf_puts(b, "</a>"); break;
    case MD_SPAN_IMG:
        p->in_img = 0;
        buf_puts(b, "\">");
        break;
    case MD_SPAN_CODE: {
        p->in_code_span = 0;
        const char *s = p->code.s ? p->code.s : "";
        if (p->code.len > 1 && s[0] == '=' && isalnum((unsigned char)s[1])) {
            put_value(p, s, p->code.len, line_of(p, p->code_src));
        } else {
            buf_puts(b, "<code>");
            buf_esc(b, s, p->code.len);
            buf_puts(b, "</code>");
        }
        break;
    }
    case MD_SPAN_LATEXMATH:
    case MD_SPAN_LATEXMATH_DISPLAY:
        p->in_math = 0;
        finish_math(p);
        break;
    case MD_SPAN_WIKILINK: break;
    }
    return 0;
}

static int on_text(MD_TEXTTYPE type, const MD_CHAR *text, MD_SIZE size, void *ud)
{
    page_t *p = ud;
    if (in_source(p, text))
        line_of(p, text);
    if (p->in_math) {
        if (!p->math_src && in_source(p, text))
            p->math_src = text;
        if (type == MD_TEXT_SOFTBR || type == MD_TEXT_BR)
            buf_putc(&p->math, ' ');
        else
            buf_put(&p->math, text, size);
        return 0;
    }
    if (p->in_code_span) {
        if (!p->code_src && in_source(p, text))
            p->code_src = text;
        if (type == MD_TEXT_SOFTBR || type == MD_TEXT_BR)
            buf_putc(&p->code, ' ');
        else
            buf_put(&p->code, text, size);
        return 0;
    }
    if (p->in_code_block) {
        if (!p->block_first && in_source(p, text) && size)
            p->block_first = text;
        buf_put(&p->block, text, size);
        return 0;
    }
    if (p->in_img) {
        if (type == MD_TEXT_SOFTBR || type == MD_TEXT_BR)
            buf_putc(OUT(p), ' ');
        else
            buf_esc_attr(OUT(p), text, size);
        return 0;
    }
    switch (type) {
    case MD_TEXT_NORMAL:
        if (!p->pend.len) {
            p->pend_src = text;
            p->pend_line = line_of(p, text);
        }
        buf_put(&p->pend, text, size);
        break;
    case MD_TEXT_SOFTBR:
        if (p->pend.len)
            buf_putc(&p->pend, '\n');
        else
            buf_putc(OUT(p), '\n');
        break;
    case MD_TEXT_BR:
        flush_pending(p);
        buf_puts(OUT(p), "<br>\n");
        break;
    case MD_TEXT_NULLCHAR:
        flush_pending(p);
        buf_puts(OUT(p), "\xef\xbf\xbd");
        break;
    case MD_TEXT_ENTITY:
    case MD_TEXT_HTML:
        flush_pending(p);
        buf_put(OUT(p), text, size);
        break;
    default:
        flush_pending(p);
        buf_esc(OUT(p), text, size);
        break;
    }
    return 0;
}

static int render_md(page_t *p, const char *text, size_t size)
{
    MD_PARSER parser = {0, MD_FLAGS, enter_block, leave_block, enter_span, leave_span,
                        on_text, NULL, NULL};
    int r = md_parse(text, (MD_SIZE)size, &parser, p);
    flush_pending(p);
    return r;
}

/* Renders inline Markdown (a caption, an abstract) and drops the outer <p>. */
static char *render_inline(page_t *p, const char *text, size_t size)
{
    /* save the block-level capture state the caller is in */
    int saved_in_code_block = p->in_code_block;
    p->in_code_block = 0;
    push_out(p);
    render_md(p, text, size);
    char *s = pop_out(p);
    p->in_code_block = saved_in_code_block;
    size_t n = strlen(s);
    while (n && s[n - 1] == '\n')
        s[--n] = '\0';
    if (!strncmp(s, "<p>", 3) && n >= 7 && !strcmp(s + n - 4, "</p>") && !strstr(s + 3, "<p>")) {
        memmove(s, s + 3, n - 3);
        s[n - 7] = '\0';
    }
    return s;
}

/* ------------------------------------------------------------ figures */

typedef struct {
    const char *key;
    const char *v;       /* value start (in the block text) */
    size_t n;            /* value length, continuation lines included */
    int line;
} kv_t;

/* Finds the data files a gnuplot script reads: every "data/...tsv". */
static size_t gp_data_files(const char *gp, char files[][PATH_MAX], size_t max)
{
    size_t count = 0;
    for (const char *s = gp; (s = strstr(s, "data/")) && count < max; s++) {
        if (s > gp && (isalnum((unsigned char)s[-1]) || s[-1] == '_' || s[-1] == '/'))
            continue;
        const char *e = s;
        while (*e && (isalnum((unsigned char)*e) || strchr("_-./+", *e)))
            e++;
        if (e - s < 9 || strncmp(e - 4, ".tsv", 4))
            continue;
        int dup = 0;
        for (size_t i = 0; i < count; i++)
            if (strlen(files[i]) == (size_t)(e - s) && !strncmp(files[i], s, (size_t)(e - s)))
                dup = 1;
        if (!dup && (size_t)(e - s) < PATH_MAX) {
            memcpy(files[count], s, (size_t)(e - s));
            files[count][e - s] = '\0';
            count++;
        }
    }
    return count;
}

/* The value of "# name: value" in a data file's header, or NULL. */
static char *header_field(const char *text, const char *name)
{
    size_t nn = strlen(name);
    const char *line = text;
    while (*line == '#') {
        const char *eol = strchr(line, '\n');
        size_t n = eol ? (size_t)(eol - line) : strlen(line);
        const char *s = line + 1;
        while (*s == ' ')
            s++;
        if (!strncmp(s, name, nn) && s[nn] == ':') {
            const char *v = s + nn + 1;
            while (*v == ' ')
                v++;
            return site_xstrndup(v, (size_t)(line + n - v));
        }
        if (!eol)
            break;
        line = eol + 1;
    }
    return NULL;
}

static int same(const char *a, const char *b) { return (!a && !b) || (a && b && !strcmp(a, b)); }

/* "Drawn by SCRIPT from DATA, written by PROGRAM as `CMD` (seed S) at commit
 * C."  Data files written by the same run (same program, command, seed and
 * commit) share one sentence. */
static void provenance(page_t *p, buf_t *b, const char *gp_path, const char *gp, int line)
{
    char files[16][PATH_MAX];
    size_t nf = gp_data_files(gp, files, 16);
    struct { char *prog, *cmd, *commit, *seed; } h[16];
    for (size_t i = 0; i < nf; i++) {
        const char *text = file_cached(p, files[i]);
        if (!text)
            fail_at(p, line, "%s reads %s, which does not exist (run make %s)", gp_path, files[i], files[i]);
        h[i].prog = header_field(text, "program");
        h[i].cmd = header_field(text, "command");
        h[i].commit = header_field(text, "commit");
        h[i].seed = header_field(text, "seed");
        if (!h[i].prog || !h[i].cmd || !h[i].commit)
            fail_at(p, line, "%s has no '# program:', '# command:' and '# commit:' header (data files are written with src/core/tsv.h)",
                    files[i]);
    }
    buf_puts(b, "<p class=\"provenance\">Drawn by ");
    put_source_link(p, b, gp_path, NULL, NULL);
    if (!nf)
        buf_puts(b, ".");
    for (size_t i = 0; i < nf;) {
        size_t j = i + 1;
        while (j < nf && same(h[j].prog, h[i].prog) && same(h[j].cmd, h[i].cmd) &&
               same(h[j].commit, h[i].commit) && same(h[j].seed, h[i].seed))
            j++;
        buf_puts(b, i == 0 ? " from " : " Data ");
        for (size_t k = i; k < j; k++) {
            if (k > i)
                buf_puts(b, k + 1 == j ? " and " : ", ");
            buf_printf(b, "<a href=\"%s", p->prefix);
            buf_esc_attr(b, files[k], strlen(files[k]));
            buf_puts(b, "\" download><code>");
            buf_esc(b, files[k], strlen(files[k]));
            buf_puts(b, "</code></a>");
        }
        buf_puts(b, ", written by ");
        /* the program's source: src/experiments/<dir of the data>/<prog>.c */
        char src[PATH_MAX] = "";
        const char *d0 = files[i] + 5, *slash = strrchr(files[i], '/');
        if (slash > d0)
            snprintf(src, sizeof src, "src/experiments/%.*s/%s.c", (int)(slash - d0), d0, h[i].prog);
        if (src[0] && file_exists(src))
            put_source_link(p, b, src, NULL, NULL);
        else {
            buf_puts(b, "<code>");
            buf_esc(b, h[i].prog, strlen(h[i].prog));
            buf_puts(b, "</code>");
        }
        buf_puts(b, " as <code>");
        buf_esc(b, h[i].cmd, strlen(h[i].cmd));
        buf_puts(b, "</code>");
        if (h[i].seed) {
            buf_puts(b, " (seed ");
            buf_esc(b, h[i].seed, strlen(h[i].seed));
            buf_puts(b, ")");
        }
        buf_puts(b, " at commit <code>");
        buf_esc(b, h[i].commit, strlen(h[i].commit));
        buf_puts(b, "</code>.");
        i = j;
    }
    buf_puts(b, "</p>");
    for (size_t i = 0; i < nf; i++) {
        free(h[i].prog);
        free(h[i].cmd);
        free(h[i].commit);
        free(h[i].seed);
    }
}

static void figure_block(page_t *p)
{
    int line0 = p->block_line;
    const char *body = p->block.s ? p->block.s : "";
    /* Map the block text back to the source when it is a verbatim slice. */
    const char *src = p->block_first;
    int mapped = src && in_source(p, src) && (size_t)(p->text + p->size - src) >= p->block.len &&
                 !memcmp(src, body, p->block.len);
    kv_t kv[8];
    size_t nkv = 0;
    const char *s = body;
    int line = line0 + 1;
    while (*s) {
        const char *eol = strchr(s, '\n');
        size_t n = eol ? (size_t)(eol - s) : strlen(s);
        int blank = 1;
        for (size_t i = 0; i < n; i++)
            if (!isspace((unsigned char)s[i]))
                blank = 0;
        if (blank) {
        } else if (isspace((unsigned char)s[0])) {
            if (!nkv)
                fail_at(p, line, "figure: an indented line before any 'key: value'");
            kv[nkv - 1].n = (size_t)(s + n - kv[nkv - 1].v);
        } else {
            const char *colon = memchr(s, ':', n);
            if (!colon)
                fail_at(p, line, "figure: expected 'key: value', got '%.*s'", (int)n, s);
            static const char *keys[] = {"id", "svg", "caption", "alt"};
            const char *key = NULL;
            for (size_t k = 0; k < 4; k++)
                if (strlen(keys[k]) == (size_t)(colon - s) && !strncmp(keys[k], s, (size_t)(colon - s)))
                    key = keys[k];
            if (!key)
                fail_at(p, line, "figure: unknown key '%.*s' (known: id, svg, caption, alt)", (int)(colon - s), s);
            for (size_t k = 0; k < nkv; k++)
                if (kv[k].key == key)
                    fail_at(p, line, "figure: key '%s' given twice", key);
            const char *v = colon + 1;
            while (v < s + n && (*v == ' ' || *v == '\t'))
                v++;
            kv[nkv].key = key;
            kv[nkv].v = v;
            kv[nkv].n = (size_t)(s + n - v);
            kv[nkv].line = line;
            nkv++;
        }
        s = eol ? eol + 1 : s + n;
        line++;
    }
    const kv_t *id = NULL, *svg = NULL, *caption = NULL, *alt = NULL;
    for (size_t k = 0; k < nkv; k++) {
        if (!strcmp(kv[k].key, "id")) id = &kv[k];
        if (!strcmp(kv[k].key, "svg")) svg = &kv[k];
        if (!strcmp(kv[k].key, "caption")) caption = &kv[k];
        if (!strcmp(kv[k].key, "alt")) alt = &kv[k];
    }
    const char *missing = !id ? "id" : !svg ? "svg" : !caption ? "caption" : !alt ? "alt" : NULL;
    if (missing)
        fail_at(p, line0, "figure: missing '%s:' (a figure needs id, svg, caption and alt)", missing);
    if (!is_name(id->v, id->n))
        fail_at(p, id->line, "figure: bad id '%.*s' (letters, digits, - and _)", (int)id->n, id->v);
    if (!is_name(svg->v, svg->n))
        fail_at(p, svg->line, "figure: bad svg '%.*s': give the stem of figures/<stem>.svg (letters, digits, - and _)",
                (int)svg->n, svg->v);
    if (caption->n == 0 || alt->n == 0)
        fail_at(p, caption->n ? alt->line : caption->line, "figure: empty %s", caption->n ? "alt" : "caption");

    char svg_path[PATH_MAX], gp_path[PATH_MAX];
    snprintf(svg_path, sizeof svg_path, "figures/%.*s.svg", (int)svg->n, svg->v);
    snprintf(gp_path, sizeof gp_path, "figures/%.*s.gp", (int)svg->n, svg->v);
    add_dep(p, svg_path);
    if (file_exists(gp_path))      /* a missing script is reported by the page build */
        add_dep(p, gp_path);
    /* The .d file is remade when a script changes, since scripts name the
     * data.  Only scripts that exist: a missing prerequisite of an included
     * makefile would make make regenerate it, and restart, forever. */
    if (file_exists(gp_path)) {
        p->gp_deps = site_xrealloc(p->gp_deps, (p->ngp + 1) * sizeof *p->gp_deps);
        p->gp_deps[p->ngp++] = site_xstrndup(gp_path, strlen(gp_path));
    }
    const char *gp = file_cached(p, gp_path);
    if (!gp)
        fail_at(p, svg->line, "figure '%.*s': no script %s", (int)id->n, id->v, gp_path);
    char files[16][PATH_MAX];
    size_t nf = gp_data_files(gp, files, 16);
    for (size_t i = 0; i < nf; i++) {
        char copy[PATH_MAX + 8];
        snprintf(copy, sizeof copy, "site/%s", files[i]);
        add_dep(p, files[i]);
        add_dep(p, copy);
    }
    char number[16];
    snprintf(number, sizeof number, "%d", ++p->nfig);
    add_label(p, 'f', id->v, id->n, number, id->line);
    if (p->deps_mode)
        return;

    char *svg_text = site_read_file(svg_path, NULL);
    if (!svg_text)
        fail_at(p, svg->line, "figure '%.*s': missing figure %s (%s; make builds it from %s)", (int)id->n, id->v,
                svg_path, strerror(errno), gp_path);
    /* alt: plain text, lines joined */
    buf_t alttext;
    buf_init(&alttext);
    for (size_t i = 0; i < alt->n; i++) {
        char c = alt->v[i];
        if (isspace((unsigned char)c)) {
            if (alttext.len && alttext.s[alttext.len - 1] != ' ')
                buf_putc(&alttext, ' ');
        } else {
            buf_putc(&alttext, c);
        }
    }
    /* caption: inline Markdown, parsed from the source slice so that its
     * errors carry the right line */
    char *cap;
    if (mapped) {
        size_t off = (size_t)(caption->v - body);
        cap = render_inline(p, src + off, caption->n);
    } else {
        p->last_line = caption->line;
        cap = render_inline(p, caption->v, caption->n);
    }
    buf_t *b = OUT(p);
    buf_puts(b, "<figure class=\"figure\" id=\"fig:");
    buf_put(b, id->v, id->n);
    buf_puts(b, "\">\n");
    char prefix[32];
    snprintf(prefix, sizeof prefix, "fig%s-", number);
    char err[128];
    if (svg_inline(b, svg_text, prefix, alttext.s, err, sizeof err) != 0)
        fail_at(p, svg->line, "figure '%.*s': %s: %s", (int)id->n, id->v, svg_path, err);
    buf_printf(b, "\n<figcaption><p><span class=\"figlabel\">Figure %s.</span> %s</p>\n", number, cap);
    provenance(p, b, gp_path, gp, svg->line);
    buf_puts(b, "</figcaption>\n</figure>\n");
    free(cap);
    free(svg_text);
    buf_free(&alttext);
}

/* ------------------------------------------------------------ excerpts */

/* Is the line "/ * excerpt: NAME * /" (returns 1, name in *nm) or
 * "/ * end excerpt * /" (returns 2)?  0 otherwise. */
static int marker(const char *s, size_t n, const char **nm, size_t *nmlen)
{
    const char *e = s + n;
    while (s < e && isspace((unsigned char)*s))
        s++;
    while (e > s && isspace((unsigned char)e[-1]))
        e--;
    if (e - s < 4 || strncmp(s, "/*", 2) || strncmp(e - 2, "*/", 2))
        return 0;
    s += 2;
    e -= 2;
    while (s < e && isspace((unsigned char)*s))
        s++;
    while (e > s && isspace((unsigned char)e[-1]))
        e--;
    if ((size_t)(e - s) == 11 && !strncmp(s, "end excerpt", 11))
        return 2;
    if (e - s > 8 && !strncmp(s, "excerpt:", 8)) {
        s += 8;
        while (s < e && isspace((unsigned char)*s))
            s++;
        *nm = s;
        *nmlen = (size_t)(e - s);
        return 1;
    }
    return 0;
}

static void excerpt_block(page_t *p, const char *args)
{
    int line = p->block_line;
    char file[PATH_MAX], name[256], extra[8];
    int k = sscanf(args, " %4095s %255s %7s", file, name, extra);
    if (k != 2)
        fail_at(p, line, "excerpt: write ```excerpt FILE NAME (a file under src/ and a region name)");
    if (!is_safe_path(file, strlen(file)))
        fail_at(p, line, "excerpt: bad file name '%s' (a path inside the repository)", file);
    for (size_t i = 0; i < p->block.len; i++)
        if (!isspace((unsigned char)p->block.s[i]))
            fail_at(p, line, "excerpt: the block must be empty (the code comes from %s)", file);
    add_dep(p, file);
    if (p->deps_mode)
        return;
    const char *text = file_cached(p, file);
    if (!text)
        fail_at(p, line, "excerpt: cannot read %s: %s", file, strerror(errno));
    /* find the region */
    const char *s = text;
    int ln = 1, start = 0, end = 0, depth = 0;
    const char *r0 = NULL, *r1 = NULL;
    while (*s) {
        const char *eol = strchr(s, '\n');
        size_t n = eol ? (size_t)(eol - s) : strlen(s);
        const char *nm;
        size_t nmlen;
        int m = marker(s, n, &nm, &nmlen);
        if (m == 1 && !start && nmlen == strlen(name) && !strncmp(nm, name, nmlen)) {
            start = ln;
            r0 = eol ? eol + 1 : s + n;
            depth = 1;
        } else if (m == 1 && start && !end) {
            if (nmlen == strlen(name) && !strncmp(nm, name, nmlen))
                fail_at(p, line, "excerpt: region '%s' opens twice in %s (lines %d and %d)", name, file, start, ln);
            depth++;
        } else if (m == 2 && start && !end) {
            if (--depth == 0) {
                end = ln;
                r1 = s;
            }
        } else if (m == 1 && end && nmlen == strlen(name) && !strncmp(nm, name, nmlen)) {
            fail_at(p, line, "excerpt: region '%s' appears twice in %s (lines %d and %d)", name, file, start, ln);
        }
        s = eol ? eol + 1 : s + n;
        ln++;
    }
    if (!start)
        fail_at(p, line, "excerpt: no region '/* excerpt: %s */' in %s", name, file);
    if (!end)
        fail_at(p, line, "excerpt: region '%s' in %s (line %d) has no '/* end excerpt */'", name, file, start);
    /* the region's lines without marker lines, common indentation removed */
    size_t indent = SIZE_MAX;
    for (const char *q = r0; q < r1;) {
        const char *eol = memchr(q, '\n', (size_t)(r1 - q));
        size_t n = eol ? (size_t)(eol - q) : (size_t)(r1 - q);
        const char *nm;
        size_t nmlen, i = 0;
        while (i < n && (q[i] == ' ' || q[i] == '\t'))
            i++;
        if (i < n && !marker(q, n, &nm, &nmlen) && i < indent)
            indent = i;
        q = eol ? eol + 1 : r1;
    }
    if (indent == SIZE_MAX)
        fail_at(p, line, "excerpt: region '%s' in %s is empty", name, file);
    buf_t *b = OUT(p);
    buf_puts(b, "<figure class=\"excerpt\">\n<pre><code class=\"language-c\">");
    for (const char *q = r0; q < r1;) {
        const char *eol = memchr(q, '\n', (size_t)(r1 - q));
        size_t n = eol ? (size_t)(eol - q) : (size_t)(r1 - q);
        const char *nm;
        size_t nmlen;
        if (!marker(q, n, &nm, &nmlen)) {
            size_t cut = n < indent ? n : indent;
            buf_esc(b, q + cut, n - cut);
            buf_putc(b, '\n');
        }
        q = eol ? eol + 1 : r1;
    }
    if (b->len && b->s[b->len - 1] == '\n')
        b->s[--b->len] = '\0';
    buf_puts(b, "</code></pre>\n<figcaption>");
    char frag[32];
    snprintf(frag, sizeof frag, "#L%d", start + 1);
    put_source_link(p, b, file, frag, NULL);
    buf_printf(b, ", lines %d\xe2\x80\x93%d</figcaption>\n</figure>\n", start + 1, end - 1);
}

/* ------------------------------------------------------------ front matter */

typedef struct {
    char *title, *date, *abstract;
    const char *abstract_src;   /* slice of the input, for line numbers */
    size_t abstract_len;
    int abstract_line;
    size_t body;                /* offset of the Markdown after the front matter */
} front_t;

static void parse_front(page_t *p, front_t *f)
{
    memset(f, 0, sizeof *f);
    const char *t = p->text;
    if (strncmp(t, "---\n", 4) && strncmp(t, "---\r\n", 5))
        fail_at(p, 1, "missing front matter: the file must open with '---', then title:, date:, abstract:, then '---'");
    const char *s = strchr(t, '\n') + 1;
    int line = 2;
    const char *key_v = NULL;
    char **slot = NULL;
    size_t *len_slot = NULL;
    (void)len_slot;
    struct { const char *k; char **dst; const char *src; size_t n; int line; } kv[3] = {
        {"title", &f->title, NULL, 0, 0}, {"date", &f->date, NULL, 0, 0}, {"abstract", &f->abstract, NULL, 0, 0}};
    int cur = -1;
    for (;;) {
        if (!*s)
            fail_at(p, 1, "front matter not closed: no '---' line after the opening one");
        const char *eol = strchr(s, '\n');
        size_t n = eol ? (size_t)(eol - s) : strlen(s);
        size_t m = n;
        while (m && (s[m - 1] == '\r' || s[m - 1] == ' '))
            m--;
        if (m == 3 && !strncmp(s, "---", 3)) {
            f->body = (size_t)((eol ? eol + 1 : s + n) - t);
            break;
        }
        int blank = 1;
        for (size_t i = 0; i < m; i++)
            if (!isspace((unsigned char)s[i]))
                blank = 0;
        if (blank) {
        } else if (isspace((unsigned char)s[0])) {
            if (cur < 0)
                fail_at(p, line, "front matter: an indented line before any 'key: value'");
            kv[cur].n = (size_t)(s + m - kv[cur].src);
        } else {
            const char *colon = memchr(s, ':', m);
            if (!colon)
                fail_at(p, line, "front matter: expected 'key: value', got '%.*s'", (int)m, s);
            cur = -1;
            for (int k = 0; k < 3; k++)
                if (strlen(kv[k].k) == (size_t)(colon - s) && !strncmp(kv[k].k, s, (size_t)(colon - s)))
                    cur = k;
            if (cur < 0)
                fail_at(p, line, "front matter: unknown key '%.*s' (known: title, date, abstract)", (int)(colon - s), s);
            if (kv[cur].src)
                fail_at(p, line, "front matter: '%s' given twice", kv[cur].k);
            const char *v = colon + 1;
            while (v < s + m && isspace((unsigned char)*v))
                v++;
            kv[cur].src = v;
            kv[cur].n = (size_t)(s + m - v);
            kv[cur].line = line;
        }
        s = eol ? eol + 1 : s + n;
        line++;
    }
    (void)key_v;
    (void)slot;
    for (int k = 0; k < 3; k++) {
        if (!kv[k].src || !kv[k].n)
            fail_at(p, 1, "front matter: missing '%s:'", kv[k].k);
        /* join continuation lines with single spaces */
        buf_t v;
        buf_init(&v);
        for (size_t i = 0; i < kv[k].n; i++) {
            char c = kv[k].src[i];
            if (isspace((unsigned char)c)) {
                if (v.len && v.s[v.len - 1] != ' ')
                    buf_putc(&v, ' ');
            } else {
                buf_putc(&v, c);
            }
        }
        *kv[k].dst = buf_steal(&v);
    }
    const char *d = f->date;
    if (strlen(d) != 10 || !isdigit((unsigned char)d[0]) || d[4] != '-' || d[7] != '-' ||
        !isdigit((unsigned char)d[5]) || !isdigit((unsigned char)d[8]))
        fail_at(p, kv[1].line, "front matter: date '%s' is not YYYY-MM-DD", d);
    f->abstract_src = kv[2].src;
    f->abstract_len = kv[2].n;
    f->abstract_line = kv[2].line;
}

/* ------------------------------------------------------------ assembly */

static void load_input(page_t *p, const char *path)
{
    p->path = path;
    size_t n = 0;
    char *text = site_read_file(path, &n);
    if (!text)
        die("cannot read %s: %s", path, strerror(errno));
    p->text = text;
    p->size = n;
    p->last_line = 1;
    index_lines(p);
    for (size_t i = 0; i < n; i++)
        if (text[i] == PH_OPEN || text[i] == PH_CLOSE || text[i] == '\0')
            fail_at(p, line_of(p, text + i), "control character (byte %d) in the text", text[i]);
}

static void page_init(page_t *p)
{
    memset(p, 0, sizeof *p);
    for (size_t i = 0; i < sizeof p->out / sizeof *p->out; i++)
        buf_init(&p->out[i]);
    buf_init(&p->pend);
    buf_init(&p->math);
    buf_init(&p->code);
    buf_init(&p->block);
    buf_init(&p->block_info);
    p->prefix = "";
    p->bib_path = opt_bib;
    p->macros_path = opt_macros;
}

/* Renders every math expression and fills in every placeholder. */
/* FNV-1a, 64 bits: the name of a cached rendering. */
static uint64_t fnv1a(uint64_t h, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h;
}

/* Path of the cached HTML of one expression: the key covers the TeX, display
 * mode, the macros and the helper script (a KaTeX upgrade goes with a clean
 * build).  KaTeX is deterministic, so a cached rendering is the same bytes as
 * a fresh one. */
static void cache_path(page_t *p, size_t i, uint64_t base, char *out, size_t outsz)
{
    uint64_t h = fnv1a(base, p->math_v[i].display ? "D" : "I", 1);
    h = fnv1a(h, p->math_v[i].tex, strlen(p->math_v[i].tex));
    snprintf(out, outsz, "%s/%016llx.html", opt_cache, (unsigned long long)h);
}

static char *resolve(page_t *p, const char *body)
{
    katex_result_t *res = site_xmalloc((p->nmath + 1) * sizeof *res);
    char **tex = site_xmalloc((p->nmath + 1) * sizeof *tex);
    int *disp = site_xmalloc((p->nmath + 1) * sizeof *disp);
    size_t *miss = site_xmalloc((p->nmath + 1) * sizeof *miss);
    katex_result_t *mres = site_xmalloc((p->nmath + 1) * sizeof *mres);
    size_t nmiss = 0;
    uint64_t base = 14695981039346656037ull;
    if (opt_cache) {
        char *m = site_read_file(p->macros_path, NULL);
        char *js = site_read_file(opt_katex, NULL);
        base = fnv1a(base, m ? m : "", m ? strlen(m) : 0);
        base = fnv1a(base, js ? js : "", js ? strlen(js) : 0);
        free(m);
        free(js);
    }
    for (size_t i = 0; i < p->nmath; i++) {
        res[i].html = res[i].error = res[i].warnings = NULL;
        if (opt_cache) {
            char path[PATH_MAX];
            cache_path(p, i, base, path, sizeof path);
            res[i].html = site_read_file(path, NULL);
        }
        if (!res[i].html) {
            tex[nmiss] = p->math_v[i].tex;
            disp[nmiss] = p->math_v[i].display;
            miss[nmiss++] = i;
        }
    }
    char err[512];
    if (nmiss && katex_render(opt_node, opt_katex, p->macros_path, nmiss, tex, disp, mres, err, sizeof err) != 0)
        fail_at(p, 1, "%s", err);
    for (size_t k = 0; k < nmiss; k++) {
        res[miss[k]] = mres[k];
        if (opt_cache && mres[k].html) {
            char path[PATH_MAX];
            cache_path(p, miss[k], base, path, sizeof path);
            if (site_write_file(path, mres[k].html, strlen(mres[k].html)) != 0)
                die("cannot write %s: %s", path, strerror(errno));
        }
    }
    free(miss);
    free(mres);
    for (size_t i = 0; i < p->nmath; i++) {
        if (res[i].error) {
            p->path = p->math_v[i].path;
            fail_at(p, p->math_v[i].line, "KaTeX error: %s", res[i].error);
        }
        if (res[i].warnings)
            fprintf(stderr, "%s:%d: KaTeX warning: %s\n", p->math_v[i].path, p->math_v[i].line,
                    res[i].warnings);
    }
    buf_t out;
    buf_init(&out);
    for (const char *s = body; *s;) {
        const char *ph = strchr(s, PH_OPEN);
        if (!ph) {
            buf_puts(&out, s);
            break;
        }
        buf_put(&out, s, (size_t)(ph - s));
        char kind = ph[1];
        size_t idx = strtoul(ph + 2, NULL, 10);
        s = strchr(ph, PH_CLOSE) + 1;
        if (kind == 'M') {
            buf_puts(&out, res[idx].html);
        } else {
            ref_t *r = &p->ref_v[idx];
            label_t *l = find_label(p, r->kind, r->name, strlen(r->name));
            const char *kp = r->kind == 'e' ? "eq" : r->kind == 'f' ? "fig" : "sec";
            if (!l)
                fail_at(p, r->line, "unknown reference @%s:%s (no %s labelled '%s' in this chapter)", kp, r->name,
                        kind_word(r->kind), r->name);
            buf_printf(&out, "<a class=\"xref\" href=\"#%s:%s\">", kp, r->name);
            if (r->kind == 'e')
                buf_printf(&out, "(%s)", l->number);
            else
                buf_printf(&out, "%s\xc2\xa0%s", r->kind == 'f' ? "Figure" : "Section", l->number);
            buf_puts(&out, "</a>");
        }
    }
    for (size_t i = 0; i < p->nmath; i++)
        katex_result_free(&res[i]);
    free(res);
    free(tex);
    free(disp);
    return buf_steal(&out);
}

static void put_head(buf_t *b, const char *prefix, const char *title, int is_index)
{
    buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                "<meta name=\"color-scheme\" content=\"light dark\">\n<title>");
    int sp = 1;
    put_prose(b, title, strlen(title), &sp);
    if (!is_index)
        buf_puts(b, " \xc2\xb7 " SITE_TITLE);
    buf_puts(b, "</title>\n");
    static const char *css[] = {"water.min.css", "katex.min.css", "site.css"};
    for (int i = 0; i < 3; i++)
        buf_printf(b, "<link rel=\"stylesheet\" href=\"%sassets/%s\">\n", prefix, css[i]);
    buf_puts(b, "</head>\n<body>\n");
    if (!is_index)
        buf_printf(b, "<nav class=\"back\"><a href=\"%sindex.html\">\xe2\x86\x90 %s</a></nav>\n", prefix,
                   SITE_TITLE);
}

static void put_foot(buf_t *b, const char *prefix, const char *src_path)
{
    buf_puts(b, "<footer>\n<p>");
    if (src_path) {
        buf_puts(b, "This page is built by <code>make</code> from ");
        if (has_source_view(src_path)) {
            buf_printf(b, "<a href=\"%ssource/", prefix);
            buf_esc_attr(b, src_path, strlen(src_path));
            buf_puts(b, ".html\">");
        }
        buf_puts(b, "<code>");
        buf_esc(b, src_path, strlen(src_path));
        buf_puts(b, "</code>");
        if (has_source_view(src_path))
            buf_puts(b, "</a>");
        buf_puts(b, "; every figure and every number in it is recomputed by the programs it links to.");
    }
    buf_printf(b, "</p>\n<p><a href=\"%sindex.html\">" SITE_TITLE "</a></p>\n</footer>\n</body>\n</html>\n", prefix);
}

static int chapter_number(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    if (isdigit((unsigned char)base[0]) && isdigit((unsigned char)base[1]) && base[2] == '-')
        return (base[0] - '0') * 10 + (base[1] - '0');
    return 0;
}

static void cmd_page(const char *in, const char *out)
{
    page_t P, *p = &P;
    page_init(p);
    page_out = out;
    load_input(p, in);
    front_t f;
    parse_front(p, &f);
    render_md(p, p->text + f.body, p->size - f.body);
    /* references */
    buf_t *b = OUT(p);
    if (p->ncite) {
        buf_puts(b, "<section class=\"references\" id=\"references\">\n<h2>References</h2>\n<ol>\n");
        for (size_t i = 0; i < p->ncite; i++) {
            const bib_entry_t *e = bib_find(&p->bib, p->cite_v[i].key, strlen(p->cite_v[i].key));
            buf_puts(b, "<li id=\"ref-");
            buf_esc_attr(b, e->key, strlen(e->key));
            buf_puts(b, "\">");
            bib_format_html(b, e);
            buf_puts(b, "</li>\n");
        }
        buf_puts(b, "</ol>\n</section>\n");
    }
    char *body = resolve(p, b->s);
    buf_t page;
    buf_init(&page);
    put_head(&page, p->prefix, f.title, 0);
    buf_puts(&page, "<article>\n<header>\n<h1>");
    int sp = 1;
    put_prose(&page, f.title, strlen(f.title), &sp);
    buf_puts(&page, "</h1>\n<p class=\"meta\"><time datetime=\"");
    buf_esc_attr(&page, f.date, strlen(f.date));
    buf_puts(&page, "\">");
    buf_esc(&page, f.date, strlen(f.date));
    buf_puts(&page, "</time>");
    int num = chapter_number(in);
    if (num)
        buf_printf(&page, " \xc2\xb7 Chapter %d", num);
    buf_puts(&page, "</p>\n</header>\n");
    buf_puts(&page, body);
    buf_puts(&page, "</article>\n");
    put_foot(&page, p->prefix, in);
    if (site_write_file(out, page.s, page.len) != 0)
        die("cannot write %s: %s", out, strerror(errno));
}

/* The dependency file: the page depends on every file its directives name;
 * the .d itself on the chapter and the figure scripts (which name data). */

static void write_deps(page_t *p)
{
    buf_t d;
    buf_init(&d);
    buf_printf(&d, "%s:", deps_target);
    for (size_t i = 0; i < p->ndeps; i++)
        buf_printf(&d, " \\\n  %s", p->deps[i]);
    buf_puts(&d, "\n");
    if (deps_out) {
        buf_printf(&d, "%s: %s", deps_out, p->path);
        for (size_t i = 0; i < p->ngp; i++)
            buf_printf(&d, " %s", p->gp_deps[i]);
        buf_puts(&d, "\n");
    }
    /* Every prerequisite also gets an empty rule, as with gcc -MP: a file
     * that disappears, or that a chapter names by mistake, then does not stop
     * make with "No rule to make target"; the page build reports it with the
     * chapter's file and line.  (An empty rule does not hide the recipe of a
     * pattern rule or of a chapter's data rule.) */
    for (size_t i = 0; i < p->ndeps; i++) {
        const char *dep = p->deps[i];
        if (!strncmp(dep, "site/", 5))
            continue;
        buf_printf(&d, "%s:\n", dep);
    }
    if (site_write_file(deps_out, d.s, d.len) != 0)
        die("cannot write %s: %s", deps_out, strerror(errno));
    buf_free(&d);
}

static void cmd_deps(const char *in, const char *out)
{
    page_t *p = site_xmalloc(sizeof *p);
    page_init(p);
    p->deps_mode = 1;
    deps_out = out;
    load_input(p, in);
    front_t f;
    parse_front(p, &f);
    /* The index depends on each chapter's front matter only: keep it in
     * FILE.front beside the .d, rewritten only when it changes, so touching
     * a chapter's body does not rebuild the index. */
    size_t n = strlen(out);
    if (n > 2 && !strcmp(out + n - 2, ".d")) {
        char front[PATH_MAX];
        snprintf(front, sizeof front, "%.*s.front", (int)(n - 2), out);
        buf_t fm;
        buf_init(&fm);
        buf_printf(&fm, "title: %s\ndate: %s\nabstract: %s\n", f.title, f.date, f.abstract);
        char *old = site_read_file(front, NULL);
        if ((!old || strcmp(old, fm.s)) && site_write_file(front, fm.s, fm.len) != 0)
            die("cannot write %s: %s", front, strerror(errno));
        free(old);
        buf_free(&fm);
    }
    render_md(p, p->text + f.body, p->size - f.body);
    write_deps(p);
}

static void cmd_index(const char *intro, char **chapters, int nch, const char *out)
{
    page_t P, *p = &P;
    page_init(p);
    page_out = out;
    p->unnumbered = 1;
    load_input(p, intro);
    front_t f;
    parse_front(p, &f);
    render_md(p, p->text + f.body, p->size - f.body);
    char *intro_html = site_xstrndup(OUT(p)->s, OUT(p)->len);
    buf_reset(OUT(p));
    /* the abstract of the whole companion */
    char *abs = render_inline(p, f.abstract_src, f.abstract_len);
    /* the table of contents, from each chapter's front matter */
    buf_t toc;
    buf_init(&toc);
    buf_puts(&toc, "<ol class=\"toc\">\n");
    for (int i = 0; i < nch; i++) {
        page_t *c = site_xmalloc(sizeof *c);
        page_init(c);
        load_input(c, chapters[i]);
        front_t cf;
        parse_front(c, &cf);
        const char *base = strrchr(chapters[i], '/');
        base = base ? base + 1 : chapters[i];
        size_t bl = strlen(base);
        if (bl < 4 || strcmp(base + bl - 3, ".md"))
            die("%s: a chapter must be a .md file", chapters[i]);
        int num = chapter_number(chapters[i]);
        buf_printf(&toc, "<li value=\"%d\"><a href=\"%.*s.html\">", num, (int)(bl - 3), base);
        int sp = 1;
        put_prose(&toc, cf.title, strlen(cf.title), &sp);
        buf_puts(&toc, "</a> <span class=\"meta\"><time>");
        buf_esc(&toc, cf.date, strlen(cf.date));
        buf_puts(&toc, "</time></span>\n<p>");
        /* the abstract's math goes through the index page's KaTeX run: parse
         * it with the chapter's own line numbers, collect into p */
        c->math_v = p->math_v;
        c->nmath = p->nmath;
        char *a = render_inline(c, cf.abstract_src, cf.abstract_len);
        if (c->ncite || c->nref)
            fail_at(c, cf.abstract_line, "front matter: the abstract may not cite or cross-reference");
        p->math_v = c->math_v;
        p->nmath = c->nmath;
        buf_puts(&toc, a);
        buf_puts(&toc, "</p></li>\n");
        free(a);
    }
    buf_puts(&toc, "</ol>\n");
    /* The intro places the table of contents with <!-- chapters -->. */
    const char *mark = strstr(intro_html, "<!-- chapters -->");
    buf_t body;
    buf_init(&body);
    buf_puts(&body, "<header>\n<h1>");
    int sp = 1;
    put_prose(&body, f.title, strlen(f.title), &sp);
    buf_printf(&body, "</h1>\n<p class=\"lead\">%s</p>\n</header>\n", abs);
    if (mark) {
        buf_put(&body, intro_html, (size_t)(mark - intro_html));
        buf_puts(&body, toc.s);
        buf_puts(&body, mark + strlen("<!-- chapters -->"));
    } else {
        buf_puts(&body, intro_html);
        buf_puts(&body, toc.s);
    }
    char *html = resolve(p, body.s);
    buf_t page;
    buf_init(&page);
    put_head(&page, "", f.title, 1);
    buf_puts(&page, "<article class=\"index\">\n");
    buf_puts(&page, html);
    buf_puts(&page, "</article>\n");
    put_foot(&page, "", NULL);
    if (site_write_file(out, page.s, page.len) != 0)
        die("cannot write %s: %s", out, strerror(errno));
}

static void cmd_source(const char *path, const char *out)
{
    size_t n = 0;
    char *text = site_read_file(path, &n);
    if (!text)
        die("cannot read %s: %s", path, strerror(errno));
    buf_t prefix;
    buf_init(&prefix);
    buf_puts(&prefix, "../");
    for (const char *s = path; *s; s++)
        if (*s == '/')
            buf_puts(&prefix, "../");
    buf_t b;
    buf_init(&b);
    put_head(&b, prefix.s, path, 0);
    buf_puts(&b, "<article class=\"source\">\n<header>\n<h1><code>");
    buf_esc(&b, path, strlen(path));
    buf_puts(&b, "</code></h1>\n</header>\n<pre class=\"source\"><code>");
    int ln = 1;
    for (const char *s = text; *s;) {
        const char *eol = strchr(s, '\n');
        size_t len = eol ? (size_t)(eol - s) : strlen(s);
        buf_printf(&b, "<span class=\"line\" id=\"L%d\"><a class=\"ln\" href=\"#L%d\">%d</a>", ln, ln, ln);
        buf_esc(&b, s, len);
        buf_puts(&b, "</span>\n");
        s = eol ? eol + 1 : s + len;
        ln++;
    }
    buf_puts(&b, "</code></pre>\n</article>\n");
    put_foot(&b, prefix.s, NULL);
    if (site_write_file(out, b.s, b.len) != 0)
        die("cannot write %s: %s", out, strerror(errno));
}

static void usage(void)
{
    fputs("usage: sitegen [-C DIR] [--katex FILE.js] [--node PROG] [--macros FILE] [--bib FILE] [--cache DIR] COMMAND\n"
          "  page   CHAPTER.md -o PAGE.html\n"
          "  deps   CHAPTER.md -o FILE.d --target PAGE.html\n"
          "  index  INTRO.md CHAPTER.md... -o index.html\n"
          "  source FILE -o FILE.html\n", stderr);
    exit(2);
}

int main(int argc, char **argv)
{
    const char *dir = NULL, *out = NULL;
    char *pos[256];
    int npos = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int more = i + 1 < argc;
        if (!strcmp(a, "-C") && more) dir = argv[++i];
        else if (!strcmp(a, "--katex") && more) opt_katex = argv[++i];
        else if (!strcmp(a, "--node") && more) opt_node = argv[++i];
        else if (!strcmp(a, "--macros") && more) opt_macros = argv[++i];
        else if (!strcmp(a, "--bib") && more) opt_bib = argv[++i];
        else if (!strcmp(a, "--cache") && more) opt_cache = argv[++i];
        else if (!strcmp(a, "-o") && more) out = argv[++i];
        else if (!strcmp(a, "--target") && more) deps_target = argv[++i];
        else if (a[0] == '-' && a[1]) usage();
        else if (npos < 256) pos[npos++] = argv[i];
        else usage();
    }
    if (npos < 2 || !out)
        usage();
    if (dir) {
        static char katex_abs[PATH_MAX];
        if (!realpath(opt_katex, katex_abs))
            die("cannot find the KaTeX helper %s: %s", opt_katex, strerror(errno));
        opt_katex = katex_abs;
        if (chdir(dir) != 0)
            die("cannot enter %s: %s", dir, strerror(errno));
    }
    const char *cmd = pos[0];
    if (!strcmp(cmd, "page") && npos == 2)
        cmd_page(pos[1], out);
    else if (!strcmp(cmd, "deps") && npos == 2 && deps_target)
        cmd_deps(pos[1], out);
    else if (!strcmp(cmd, "index"))
        cmd_index(pos[1], pos + 2, npos - 2, out);
    else if (!strcmp(cmd, "source") && npos == 2)
        cmd_source(pos[1], out);
    else
        usage();
    return 0;
}
