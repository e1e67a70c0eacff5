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
 *         --cache-salt FILE (its bytes join the cache key: the npm lock file,
 *         so a KaTeX upgrade renders everything afresh)
 *
 * A page is built whole in memory: text, then every math expression rendered
 * in one KaTeX process (katex.h), then the placeholders for math and forward
 * references filled in; only then is it written (temp file + rename).  Any
 * problem prints "chapters/file.md:LINE: message" and exits 1 with nothing
 * written.  md4c hands out pointers into the input buffer; line numbers come
 * from those pointers.  No timestamps: the same inputs give the same bytes.
 *
 * Not a Markdown parser (md4c is), not a TeX renderer (KaTeX is).  The
 * Markdown rendering is in render.c, the file-reading directives in
 * directives.c; page.h holds the page state they share. */
#define _XOPEN_SOURCE 700   /* realpath */
#include "site/katex.h"
#include "site/page.h"
#include "site/sitegen.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SITE_TITLE "Noether\xe2\x80\x99s theorem in machine learning"

static const char *opt_katex = "src/site/katex-render.js";
static const char *opt_node = "node";
static const char *opt_macros = "chapters/macros.tex";
static const char *opt_bib = "chapters/references.bib";
static const char *opt_cache;      /* directory of cached KaTeX renderings, or NULL */
static const char *opt_salt;       /* a file whose bytes join the cache key (the npm lock file) */
static const char *deps_out, *deps_target;
static const char *page_out;       /* removed on error: no stale page outlives a failed build */

static void write_deps(page_t *p);

void (*sitegen_exit_hook)(int status);
int (*sitegen_math_hook)(size_t n, char *const *tex, const int *display,
                         katex_result_t *res, char *err, size_t errsz);

static __attribute__((noreturn)) void site_exit(int status)
{
    if (sitegen_exit_hook)
        sitegen_exit_hook(status);
    exit(status);
}

/* ------------------------------------------------------------ errors */

void page_fail(page_t *p, int line, const char *fmt, ...)
{
    if (p->deps_mode) {
        /* The page build reports the problem; the dependency file only
         * needs what could be found, and make must be able to read it. */
        write_deps(p);
        site_exit(0);
    }
    if (page_out)
        remove(page_out);
    va_list ap;
    fprintf(stderr, "%s:%d: ", p->path, line > 0 ? line : 1);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    site_exit(1);
}

void site_die(const char *fmt, ...)
{
    if (page_out)
        remove(page_out);
    va_list ap;
    fputs("sitegen: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    site_exit(1);
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
int page_line(page_t *p, const char *s)
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

int page_in_source(page_t *p, const char *s)
{
    return s && s >= p->text && s <= p->text + p->size;
}

/* ------------------------------------------------------------ helpers */

buf_t *page_buf(page_t *p) { return &p->out[p->depth]; }

void page_push(page_t *p)
{
    if (p->depth + 1 >= (int)(sizeof p->out / sizeof *p->out))
        site_die("output nesting too deep");
    p->depth++;
    buf_reset(&p->out[p->depth]);
    if (!p->out[p->depth].s)
        buf_init(&p->out[p->depth]);
}

/* Returns the popped buffer's text (caller frees). */
char *page_pop(page_t *p)
{
    buf_t *b = &p->out[p->depth];
    char *s = site_xstrndup(b->s ? b->s : "", b->len);
    buf_reset(b);
    p->depth--;
    return s;
}

void page_add_dep(page_t *p, const char *path)
{
    for (size_t i = 0; i < p->ndeps; i++)
        if (!strcmp(p->deps[i], path))
            return;
    p->deps = site_xrealloc(p->deps, (p->ndeps + 1) * sizeof *p->deps);
    p->deps[p->ndeps++] = site_xstrndup(path, strlen(path));
}

int site_file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* A path that stays inside the tree: relative, no "..", sane characters. */
int site_safe_path(const char *s, size_t n)
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

int site_is_name(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!(isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == '-'))
            return 0;
    return 1;
}

const char *page_file(page_t *p, const char *path)
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
int site_has_source_view(const char *path)
{
    size_t n = strlen(path);
    static const char *ext[] = {".c", ".h", ".gp", ".js", ".sh", ".md", ".mk", ".tex", ".bib"};
    if (!site_file_exists(path))
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

void page_source_link(page_t *p, buf_t *b, const char *path, const char *frag, const char *shown)
{
    int link = site_has_source_view(path);
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

label_t *page_find_label(page_t *p, char kind, const char *name, size_t n)
{
    for (size_t i = 0; i < p->nlabel; i++)
        if (p->label_v[i].kind == kind && strlen(p->label_v[i].name) == n &&
            !memcmp(p->label_v[i].name, name, n))
            return &p->label_v[i];
    return NULL;
}

const char *page_kind_word(char kind)
{
    return kind == 'e' ? "equation" : kind == 'f' ? "figure" : kind == 'c' ? "claim" : "section";
}

void page_add_label(page_t *p, char kind, const char *name, size_t n, const char *number, int line)
{
    label_t *old = page_find_label(p, kind, name, n);
    if (old)
        page_fail(p, line, "duplicate %s label '%.*s' (first defined on line %d)",
                page_kind_word(kind), (int)n, name, old->line);
    p->label_v = site_xrealloc(p->label_v, (p->nlabel + 1) * sizeof *p->label_v);
    label_t *l = &p->label_v[p->nlabel++];
    l->kind = kind;
    l->name = site_xstrndup(name, n);
    l->number = site_xstrndup(number, strlen(number));
    l->line = line;
}

void page_put_ref(page_t *p, char kind, const char *name, size_t n, int line)
{
    p->ref_v = site_xrealloc(p->ref_v, (p->nref + 1) * sizeof *p->ref_v);
    ref_t *r = &p->ref_v[p->nref];
    r->kind = kind;
    r->name = site_xstrndup(name, n);
    r->line = line;
    buf_printf(page_buf(p), "%cR%zu%c", PH_OPEN, p->nref, PH_CLOSE);
    p->nref++;
}

size_t page_add_math(page_t *p, const char *tex, size_t n, int display, int line, char *anchor)
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
        page_fail(p, 1, "missing front matter: the file must open with '---', then title:, date:, abstract:, then '---'");
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
            page_fail(p, 1, "front matter not closed: no '---' line after the opening one");
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
                page_fail(p, line, "front matter: an indented line before any 'key: value'");
            kv[cur].n = (size_t)(s + m - kv[cur].src);
        } else {
            const char *colon = memchr(s, ':', m);
            if (!colon)
                page_fail(p, line, "front matter: expected 'key: value', got '%.*s'", (int)m, s);
            cur = -1;
            for (int k = 0; k < 3; k++)
                if (strlen(kv[k].k) == (size_t)(colon - s) && !strncmp(kv[k].k, s, (size_t)(colon - s)))
                    cur = k;
            if (cur < 0)
                page_fail(p, line, "front matter: unknown key '%.*s' (known: title, date, abstract)", (int)(colon - s), s);
            if (kv[cur].src)
                page_fail(p, line, "front matter: '%s' given twice", kv[cur].k);
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
            page_fail(p, 1, "front matter: missing '%s:'", kv[k].k);
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
        page_fail(p, kv[1].line, "front matter: date '%s' is not YYYY-MM-DD", d);
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
        site_die("cannot read %s: %s", path, strerror(errno));
    p->text = text;
    p->size = n;
    p->last_line = 1;
    index_lines(p);
    for (size_t i = 0; i < n; i++)
        if (text[i] == PH_OPEN || text[i] == PH_CLOSE || text[i] == '\0')
            page_fail(p, page_line(p, text + i), "control character (byte %d) in the text", text[i]);
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
 * mode, the macros, the helper script and the salt file (the npm lock file,
 * which pins KaTeX).  KaTeX is deterministic, so a cached rendering is the
 * same bytes as a fresh one. */
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
        const char *keyfiles[] = {p->macros_path, opt_katex, opt_salt};
        for (int k = 0; k < 3; k++) {
            char *text = keyfiles[k] ? site_read_file(keyfiles[k], NULL) : NULL;
            base = fnv1a(base, text ? text : "", text ? strlen(text) : 0);
            site_free(text);
        }
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
    if (nmiss && (sitegen_math_hook
                      ? sitegen_math_hook(nmiss, tex, disp, mres, err, sizeof err)
                      : katex_render(opt_node, opt_katex, p->macros_path, nmiss, tex, disp, mres, err, sizeof err)) != 0)
        page_fail(p, 1, "%s", err);
    for (size_t k = 0; k < nmiss; k++) {
        res[miss[k]] = mres[k];
        if (opt_cache && mres[k].html) {
            char path[PATH_MAX];
            cache_path(p, miss[k], base, path, sizeof path);
            if (site_write_file(path, mres[k].html, strlen(mres[k].html)) != 0)
                site_die("cannot write %s: %s", path, strerror(errno));
        }
    }
    site_free(miss);
    site_free(mres);
    for (size_t i = 0; i < p->nmath; i++) {
        if (res[i].error) {
            p->path = p->math_v[i].path;
            page_fail(p, p->math_v[i].line, "KaTeX error: %s", res[i].error);
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
            label_t *l = page_find_label(p, r->kind, r->name, strlen(r->name));
            const char *kp = r->kind == 'e' ? "eq" : r->kind == 'f' ? "fig" : "sec";
            if (!l)
                page_fail(p, r->line, "unknown reference @%s:%s (no %s labelled '%s' in this chapter)", kp, r->name,
                        page_kind_word(r->kind), r->name);
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
    site_free(res);
    site_free(tex);
    site_free(disp);
    return buf_steal(&out);
}

static void put_head(buf_t *b, const char *prefix, const char *title, int is_index)
{
    buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                "<meta name=\"color-scheme\" content=\"light dark\">\n"
                "<link rel=\"icon\" href=\"data:,\">\n<title>");   /* no favicon request */
    int sp = 1;
    page_prose(b, title, strlen(title), &sp);
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
        if (site_has_source_view(src_path)) {
            buf_printf(b, "<a href=\"%ssource/", prefix);
            buf_esc_attr(b, src_path, strlen(src_path));
            buf_puts(b, ".html\">");
        }
        buf_puts(b, "<code>");
        buf_esc(b, src_path, strlen(src_path));
        buf_puts(b, "</code>");
        if (site_has_source_view(src_path))
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

static int is_chapter_file(const struct dirent *e)
{
    const char *n = e->d_name;
    size_t len = strlen(n);
    return isdigit((unsigned char)n[0]) && isdigit((unsigned char)n[1]) && n[2] == '-' &&
           len > 6 && !strcmp(n + len - 3, ".md");
}

/* The title in a chapter's front matter, without failing on a broken one
 * (that chapter's own build reports it); NULL when there is none. */
static char *peek_title(const char *path)
{
    char *text = site_read_file(path, NULL);
    if (!text || strncmp(text, "---\n", 4)) {
        site_free(text);
        return NULL;
    }
    char *title = NULL;
    for (char *s = strchr(text, '\n') + 1; *s && strncmp(s, "---", 3);) {
        char *eol = strchr(s, '\n');
        size_t n = eol ? (size_t)(eol - s) : strlen(s);
        if (!strncmp(s, "title:", 6)) {
            const char *v = s + 6;
            while (*v == ' ')
                v++;
            title = site_xstrndup(v, (size_t)(s + n - v));
            break;
        }
        s = eol ? eol + 1 : s + n;
    }
    site_free(text);
    return title;
}

/* Links to the previous and next chapters (the NN-*.md files beside this
 * one, in name order). */
static void put_neighbours(buf_t *b, const char *in)
{
    const char *slash = strrchr(in, '/');
    const char *base = slash ? slash + 1 : in;
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - in) : 1, slash ? in : ".");
    struct dirent **list;
    int n = scandir(dir, &list, is_chapter_file, alphasort);
    if (n < 0)
        return;
    int at = -1;
    for (int i = 0; i < n; i++)
        if (!strcmp(list[i]->d_name, base))
            at = i;
    if (at >= 0 && n > 1) {
        buf_puts(b, "<nav class=\"chapters\">\n");
        for (int k = 0; k < 2; k++) {
            int j = k == 0 ? at - 1 : at + 1;
            if (j < 0 || j >= n)
                continue;
            char path[2 * PATH_MAX];
            snprintf(path, sizeof path, "%s/%s", dir, list[j]->d_name);
            char *title = peek_title(path);
            if (!title)
                continue;
            const char *name = list[j]->d_name;
            buf_printf(b, "<a class=\"%s\" href=\"%.*s.html\">%s%d. ", k == 0 ? "prev" : "next",
                       (int)(strlen(name) - 3), name, k == 0 ? "\xe2\x86\x90 " : "",
                       (name[0] - '0') * 10 + (name[1] - '0'));
            int sp = 1;
            page_prose(b, title, strlen(title), &sp);
            buf_puts(b, k == 0 ? "</a>\n" : " \xe2\x86\x92</a>\n");
            site_free(title);
        }
        buf_puts(b, "</nav>\n");
    }
    for (int i = 0; i < n; i++)
        free(list[i]);
    free(list);
}

static void cmd_page(const char *in, const char *out)
{
    page_t P, *p = &P;
    page_init(p);
    page_out = out;
    load_input(p, in);
    front_t f;
    parse_front(p, &f);
    page_render(p, p->text + f.body, p->size - f.body);
    page_claims_section(p);
    /* references */
    buf_t *b = page_buf(p);
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
    page_prose(&page, f.title, strlen(f.title), &sp);
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
    put_neighbours(&page, in);
    put_foot(&page, p->prefix, in);
    if (site_write_file(out, page.s, page.len) != 0)
        site_die("cannot write %s: %s", out, strerror(errno));
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
        site_die("cannot write %s: %s", deps_out, strerror(errno));
    buf_free(&d);
}

static void cmd_deps(const char *in, const char *out)
{
    page_t *p = site_xmalloc(sizeof *p);
    page_init(p);
    p->deps_mode = 1;
    p->skim = 1;
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
            site_die("cannot write %s: %s", front, strerror(errno));
        site_free(old);
        buf_free(&fm);
    }
    page_render(p, p->text + f.body, p->size - f.body);
    write_deps(p);
}

/* `sitegen claims`: every claim's verdict, one line each, then the counts.
 * Exit status 1 when any claim fails. */
static int cmd_claims(const char *in)
{
    page_t *p = site_xmalloc(sizeof *p);
    page_init(p);
    p->claims_mode = 1;
    p->skim = 1;
    load_input(p, in);
    front_t f;
    parse_front(p, &f);
    page_render(p, p->text + f.body, p->size - f.body);
    printf("%d passed, %d failed\n", p->claims_pass, p->claims_fail);
    return p->claims_fail ? 1 : 0;
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
    page_render(p, p->text + f.body, p->size - f.body);
    char *intro_html = site_xstrndup(page_buf(p)->s, page_buf(p)->len);
    buf_reset(page_buf(p));
    /* the abstract of the whole companion */
    char *abs = page_render_inline(p, f.abstract_src, f.abstract_len);
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
            site_die("%s: a chapter must be a .md file", chapters[i]);
        int num = chapter_number(chapters[i]);
        buf_printf(&toc, "<li value=\"%d\"><a href=\"%.*s.html\">", num, (int)(bl - 3), base);
        int sp = 1;
        page_prose(&toc, cf.title, strlen(cf.title), &sp);
        buf_puts(&toc, "</a> <span class=\"meta\"><time>");
        buf_esc(&toc, cf.date, strlen(cf.date));
        buf_puts(&toc, "</time></span>\n<p>");
        /* the abstract's math goes through the index page's KaTeX run: parse
         * it with the chapter's own line numbers, collect into p */
        c->math_v = p->math_v;
        c->nmath = p->nmath;
        char *a = page_render_inline(c, cf.abstract_src, cf.abstract_len);
        if (c->ncite || c->nref)
            page_fail(c, cf.abstract_line, "front matter: the abstract may not cite or cross-reference");
        p->math_v = c->math_v;
        p->nmath = c->nmath;
        buf_puts(&toc, a);
        buf_puts(&toc, "</p></li>\n");
        site_free(a);
    }
    buf_puts(&toc, "</ol>\n");
    /* The intro places the table of contents with <!-- chapters -->. */
    const char *mark = strstr(intro_html, "<!-- chapters -->");
    buf_t body;
    buf_init(&body);
    buf_puts(&body, "<header>\n<h1>");
    int sp = 1;
    page_prose(&body, f.title, strlen(f.title), &sp);
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
        site_die("cannot write %s: %s", out, strerror(errno));
}

static void cmd_source(const char *path, const char *out)
{
    size_t n = 0;
    char *text = site_read_file(path, &n);
    if (!text)
        site_die("cannot read %s: %s", path, strerror(errno));
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
        site_die("cannot write %s: %s", out, strerror(errno));
}

static void usage(void)
{
    fputs("usage: sitegen [-C DIR] [--katex FILE.js] [--node PROG] [--macros FILE] [--bib FILE] [--cache DIR [--cache-salt FILE]] COMMAND\n"
          "  page   CHAPTER.md -o PAGE.html\n"
          "  deps   CHAPTER.md -o FILE.d --target PAGE.html\n"
          "  index  INTRO.md CHAPTER.md... -o index.html\n"
          "  source FILE -o FILE.html\n"
          "  claims CHAPTER.md          (evaluates its claims: one line each, then 'N passed, N failed')\n", stderr);
    exit(2);
}

int sitegen_main(int argc, char **argv)
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
        else if (!strcmp(a, "--cache-salt") && more) opt_salt = argv[++i];
        else if (!strcmp(a, "-o") && more) out = argv[++i];
        else if (!strcmp(a, "--target") && more) deps_target = argv[++i];
        else if (a[0] == '-' && a[1]) usage();
        else if (npos < 256) pos[npos++] = argv[i];
        else usage();
    }
    if (npos < 2 || (!out && strcmp(pos[0], "claims")))
        usage();
    if (dir) {
        static char katex_abs[PATH_MAX];
        if (!realpath(opt_katex, katex_abs))
            site_die("cannot find the KaTeX helper %s: %s", opt_katex, strerror(errno));
        opt_katex = katex_abs;
        if (chdir(dir) != 0)
            site_die("cannot enter %s: %s", dir, strerror(errno));
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
    else if (!strcmp(cmd, "claims") && npos == 2 && !out)
        return cmd_claims(pos[1]);
    else
        usage();
    return 0;
}

#ifndef SITEGEN_NO_MAIN
int main(int argc, char **argv) { return sitegen_main(argc, argv); }
#endif
