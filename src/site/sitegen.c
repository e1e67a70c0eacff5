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

/* The options of one run (sitegen_main sets them afresh each time). */
static struct {
    const char *katex, *node, *macros, *bib;
    const char *cache;      /* directory of cached KaTeX renderings, or NULL */
    const char *salt;       /* a file whose bytes join the cache key (the npm lock file) */
} opt;

int (*sitegen_math_hook)(size_t n, char *const *tex, const int *display,
                         katex_result_t *res, char *err, size_t errsz);

/* ------------------------------------------------------------ errors */

static int vfail(page_t *p, const char *path, int line, const char *fmt, va_list ap)
{
    /* Only the first error is told: later ones are consequences.  The
     * dependency file needs no messages: the page build reports them. */
    if (!p->failed && !p->deps_mode) {
        fprintf(stderr, "%s:%d: ", path, line > 0 ? line : 1);
        vfprintf(stderr, fmt, ap);
        fputc('\n', stderr);
    }
    p->failed = 1;
    return -1;
}

int page_fail(page_t *p, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vfail(p, p->path, line, fmt, ap);
    va_end(ap);
    return r;
}

int page_fail_at(page_t *p, const char *path, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vfail(p, path, line, fmt, ap);
    va_end(ap);
    return r;
}

/* An error that belongs to no line of a chapter (a file that cannot be
 * read or written).  Returns -1. */
static int site_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int site_error(const char *fmt, ...)
{
    va_list ap;
    fputs("sitegen: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return -1;
}

/* Writes b to path (atomically, site_write_file); 0, or -1 with an error. */
static int write_out(const char *path, const buf_t *b)
{
    if (site_write_file(path, b->s, b->len) != 0)
        return site_error("cannot write %s: %s", path, strerror(errno));
    return 0;
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

int page_push(page_t *p)
{
    if (p->depth + 1 >= (int)(sizeof p->out / sizeof *p->out))
        return page_fail(p, p->last_line, "directives nested too deep");
    p->depth++;
    buf_reset(&p->out[p->depth]);
    if (!p->out[p->depth].s)
        buf_init(&p->out[p->depth]);
    return 0;
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
    buf_wrap(b, "<code>", shown ? shown : path, "</code>");
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

int page_add_label(page_t *p, char kind, const char *name, size_t n, const char *number, int line)
{
    label_t *old = page_find_label(p, kind, name, n);
    if (old)
        return page_fail(p, line, "duplicate %s label '%.*s' (first defined on line %d)",
                         page_kind_word(kind), (int)n, name, old->line);
    p->label_v = site_xrealloc(p->label_v, (p->nlabel + 1) * sizeof *p->label_v);
    label_t *l = &p->label_v[p->nlabel++];
    l->kind = kind;
    l->name = site_xstrndup(name, n);
    l->number = site_xstrndup(number, strlen(number));
    l->line = line;
    return 0;
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

static void front_free(front_t *f)
{
    site_free(f->title);
    site_free(f->date);
    site_free(f->abstract);
    memset(f, 0, sizeof *f);
}

/* A value's continuation lines joined with single spaces. */
static char *join_lines(const char *s, size_t n)
{
    buf_t v;
    buf_init(&v);
    for (size_t i = 0; i < n; i++) {
        if (isspace((unsigned char)s[i])) {
            if (v.len && v.s[v.len - 1] != ' ')
                buf_putc(&v, ' ');
        } else {
            buf_putc(&v, s[i]);
        }
    }
    return buf_steal(&v);
}

/* 0, or -1 (page failed; f holds nothing to free). */
static int parse_front(page_t *p, front_t *f)
{
    memset(f, 0, sizeof *f);
    const char *t = p->text;
    if (strncmp(t, "---\n", 4) && strncmp(t, "---\r\n", 5))
        return page_fail(p, 1, "missing front matter: the file must open with '---', then title:, date:, abstract:, then '---'");
    const char *s = strchr(t, '\n') + 1;
    /* the closing '---' line */
    const char *end = s;
    for (;;) {
        if (!*end)
            return page_fail(p, 1, "front matter not closed: no '---' line after the opening one");
        const char *eol = strchr(end, '\n');
        size_t n = eol ? (size_t)(eol - end) : strlen(end), m = n;
        while (m && (end[m - 1] == '\r' || end[m - 1] == ' '))
            m--;
        if (m == 3 && !strncmp(end, "---", 3)) {
            f->body = (size_t)((eol ? eol + 1 : end + n) - t);
            break;
        }
        end = eol ? eol + 1 : end + n;
    }
    static const char *const keys[] = { "title", "date", "abstract" };
    kv_t kv[3];
    if (page_kv_lines(p, "front matter", s, end, 2, 1, keys, 3, kv) != 0)
        return -1;
    for (int k = 0; k < 3; k++)
        if (!kv[k].v || !kv[k].n)
            return page_fail(p, 1, "front matter: missing '%s:'", kv[k].key);
    const char *d = kv[1].v;
    if (kv[1].n != 10 || !isdigit((unsigned char)d[0]) || d[4] != '-' || d[7] != '-' ||
        !isdigit((unsigned char)d[5]) || !isdigit((unsigned char)d[8]))
        return page_fail(p, kv[1].line, "front matter: date '%.*s' is not YYYY-MM-DD", (int)kv[1].n, d);
    f->title = join_lines(kv[0].v, kv[0].n);
    f->date = join_lines(kv[1].v, kv[1].n);
    f->abstract = join_lines(kv[2].v, kv[2].n);
    f->abstract_src = kv[2].v;
    f->abstract_len = kv[2].n;
    f->abstract_line = kv[2].line;
    return 0;
}

/* ------------------------------------------------------------ a page's state */

/* Every buffer a page owns: its outputs and five scratch buffers. */
#define PAGE_NBUF (sizeof ((page_t *)0)->out / sizeof *((page_t *)0)->out + 5)
static void page_buffers(page_t *p, buf_t *v[PAGE_NBUF])
{
    size_t n = 0;
    for (size_t i = 0; i < sizeof p->out / sizeof *p->out; i++)
        v[n++] = &p->out[i];
    v[n++] = &p->pend;
    v[n++] = &p->math;
    v[n++] = &p->code;
    v[n++] = &p->block;
    v[n] = &p->block_info;
}

static void page_init(page_t *p)
{
    memset(p, 0, sizeof *p);
    buf_t *bufs[PAGE_NBUF];
    page_buffers(p, bufs);
    for (size_t i = 0; i < PAGE_NBUF; i++)
        buf_init(bufs[i]);
    p->prefix = "";
    p->bib_path = opt.bib;
    p->macros_path = opt.macros;
}

static void page_free(page_t *p)
{
    buf_t *bufs[PAGE_NBUF];
    page_buffers(p, bufs);
    for (size_t i = 0; i < PAGE_NBUF; i++)
        buf_free(bufs[i]);
    site_free_all((char *)p->text, p->line_start);
    for (size_t i = 0; i < p->nmath; i++)
        site_free_all(p->math_v[i].tex, p->math_v[i].anchor);
    for (size_t i = 0; i < p->nref; i++)
        site_free(p->ref_v[i].name);
    for (size_t i = 0; i < p->nlabel; i++)
        site_free_all(p->label_v[i].name, p->label_v[i].number);
    for (size_t i = 0; i < p->ncite; i++)
        site_free(p->cite_v[i].key);
    for (size_t i = 0; i < p->nfiles; i++)
        site_free_all(p->files[i].path, p->files[i].text);
    site_free_all(p->math_v, p->ref_v, p->label_v, p->cite_v, p->files);
    site_free_strings(p->deps, p->ndeps);
    site_free_strings(p->gp_deps, p->ngp);
    if (p->bib_loaded)
        bib_free(&p->bib);
    page_claims_free(p);
    memset(p, 0, sizeof *p);
}

/* Reads the chapter.  0, or -1 (reported). */
static int load_input(page_t *p, const char *path)
{
    p->path = path;
    size_t n = 0;
    char *text = site_read_file(path, &n);
    if (!text) {
        p->failed = 1;
        return site_error("cannot read %s: %s", path, strerror(errno));
    }
    p->text = text;
    p->size = n;
    p->last_line = 1;
    index_lines(p);
    for (size_t i = 0; i < n; i++)
        if (text[i] == PH_OPEN || text[i] == PH_CLOSE || text[i] == '\0')
            return page_fail(p, page_line(p, text + i), "control character (byte %d) in the text", text[i]);
    return 0;
}

/* ------------------------------------------------------------ math and references */

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
    snprintf(out, outsz, "%s/%016llx.html", opt.cache, (unsigned long long)h);
}

/* Renders every math expression and fills in every placeholder.  Returns
 * the finished HTML (caller frees), or NULL when the page failed. */
static char *resolve(page_t *p, const char *body)
{
    size_t n = p->nmath + 1;
    katex_result_t *res = site_xmalloc(n * sizeof *res);
    char **tex = site_xmalloc(n * sizeof *tex);
    int *disp = site_xmalloc(n * sizeof *disp);
    size_t *miss = site_xmalloc(n * sizeof *miss);
    katex_result_t *mres = site_xmalloc(n * sizeof *mres);
    size_t nmiss = 0;
    buf_t out;
    buf_init(&out);
    int r = 0;
    uint64_t base = 14695981039346656037ull;
    if (opt.cache) {
        const char *keyfiles[] = {p->macros_path, opt.katex, opt.salt};
        for (int k = 0; k < 3; k++) {
            char *text = keyfiles[k] ? site_read_file(keyfiles[k], NULL) : NULL;
            base = fnv1a(base, text ? text : "", text ? strlen(text) : 0);
            site_free(text);
        }
    }
    for (size_t i = 0; i < p->nmath; i++) {
        res[i].html = res[i].error = res[i].warnings = NULL;
        if (opt.cache) {
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
                      : katex_render(opt.node, opt.katex, p->macros_path, nmiss, tex, disp, mres, err, sizeof err)) != 0) {
        r = page_fail(p, 1, "%s", err);
        goto done;
    }
    for (size_t k = 0; k < nmiss; k++) {
        res[miss[k]] = mres[k];
        if (opt.cache && mres[k].html && !r) {
            char path[PATH_MAX];
            cache_path(p, miss[k], base, path, sizeof path);
            if (site_write_file(path, mres[k].html, strlen(mres[k].html)) != 0) {
                r = site_error("cannot write %s: %s", path, strerror(errno));
                p->failed = 1;
            }
        }
    }
    for (size_t i = 0; i < p->nmath && !r; i++) {
        if (res[i].error)
            r = page_fail_at(p, p->math_v[i].path, p->math_v[i].line, "KaTeX error: %s", res[i].error);
        else if (res[i].warnings)
            fprintf(stderr, "%s:%d: KaTeX warning: %s\n", p->math_v[i].path, p->math_v[i].line, res[i].warnings);
    }
    for (const char *s = body; *s && !r;) {
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
            continue;
        }
        ref_t *rf = &p->ref_v[idx];
        label_t *l = page_find_label(p, rf->kind, rf->name, strlen(rf->name));
        const char *kp = rf->kind == 'e' ? "eq" : rf->kind == 'f' ? "fig" : "sec";
        if (!l) {
            r = page_fail(p, rf->line, "unknown reference @%s:%s (no %s labelled '%s' in this chapter)", kp, rf->name,
                          page_kind_word(rf->kind), rf->name);
            break;
        }
        buf_printf(&out, "<a class=\"xref\" href=\"#%s:%s\">", kp, rf->name);
        if (rf->kind == 'e')
            buf_printf(&out, "(%s)", l->number);
        else
            buf_printf(&out, "%s\xc2\xa0%s", rf->kind == 'f' ? "Figure" : "Section", l->number);
        buf_puts(&out, "</a>");
    }
done:
    for (size_t i = 0; i < p->nmath; i++)
        katex_result_free(&res[i]);
    site_free(res);
    site_free(tex);
    site_free(disp);
    site_free(miss);
    site_free(mres);
    if (r) {
        buf_free(&out);
        return NULL;
    }
    return buf_steal(&out);
}

/* ------------------------------------------------------------ the frame of a page */

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
        buf_printf(b, "<nav class=\"back\" aria-label=\"Back to the index\"><a href=\"%sindex.html\">\xe2\x86\x90 %s</a></nav>\n",
                   prefix, SITE_TITLE);
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
        buf_wrap(b, "<code>", src_path, "</code>");
        if (site_has_source_view(src_path))
            buf_puts(b, "</a>");
        buf_puts(b, "; every figure and every number in it is recomputed by the programs it links to.");
    }
    buf_printf(b, "</p>\n<p><a href=\"%sindex.html\">" SITE_TITLE "</a></p>\n</footer>\n</body>\n</html>\n", prefix);
}

/* The table of contents of a chapter, from its finished HTML: every
 * numbered ## and ### heading (as render.c writes them: <hN id="..."><span
 * class="secnum">), linked, in a closed <details>.  Nothing when the chapter
 * has no numbered heading. */
static void put_toc(buf_t *b, const char *html)
{
    int n = 0, in_sub = 0;
    for (const char *s = html; (s = strstr(s, "<h")) != NULL; s++) {
        int level = s[2] - '0';
        if ((level != 2 && level != 3) || strncmp(s + 3, " id=\"", 5))
            continue;
        const char *id = s + 8, *idend = strchr(id, '"');
        char close[8];
        snprintf(close, sizeof close, "</h%d>", level);
        const char *end = idend ? strstr(idend, close) : NULL;
        const char *num = idend ? strstr(idend, "\"><span class=\"secnum\">") : NULL;
        if (!end || num != idend)
            continue;
        num += 2;
        if (n++ == 0) {
            buf_puts(b, "<details class=\"contents\">\n<summary>Contents</summary>\n<nav aria-label=\"Contents\">\n<ol>\n");
            level = 2;                      /* the first entry is a top-level one */
        } else if (level == 2) {
            buf_puts(b, in_sub ? "</ol></li>\n" : "</li>\n");
            in_sub = 0;
        } else if (!in_sub) {
            buf_puts(b, "\n<ol>\n");
            in_sub = 1;
        }
        buf_puts(b, "<li><a href=\"#");
        buf_put(b, id, (size_t)(idend - id));
        buf_puts(b, "\">");
        /* the heading's text without its links (a link may not hold one) */
        for (const char *t = num; t < end;) {
            if (!strncmp(t, "<a ", 3) || !strncmp(t, "</a>", 4)) {
                t = strchr(t, '>') + 1;
                continue;
            }
            const char *next = t + 1;
            while (next < end && *next != '<')
                next++;
            buf_put(b, t, (size_t)(next - t));
            t = next;
        }
        buf_puts(b, level == 3 ? "</a></li>\n" : "</a>");
        s = end;
    }
    if (n)
        buf_puts(b, in_sub ? "</ol></li>\n</ol>\n</nav>\n</details>\n" : "</li>\n</ol>\n</nav>\n</details>\n");
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
        buf_puts(b, "<nav class=\"chapters\" aria-label=\"Previous and next chapter\">\n");
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

/* `sitegen page`: one chapter.  0, or 1 with the message printed and no
 * page left at out (not even one from an earlier, good build). */
static int cmd_page(const char *in, const char *out)
{
    page_t P, *p = &P;
    page_init(p);
    front_t f = {0};
    char *body = NULL;
    buf_t page;
    buf_init(&page);
    int r = -1;
    if (load_input(p, in) || parse_front(p, &f) || page_render(p, p->text + f.body, p->size - f.body) ||
        page_claims_section(p))
        goto done;
    /* references */
    buf_t *b = page_buf(p);
    if (p->ncite) {
        buf_puts(b, "<section class=\"references\" id=\"references\" aria-label=\"References\">\n<h2>References</h2>\n<ol>\n");
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
    body = resolve(p, b->s);
    if (!body)
        goto done;
    put_head(&page, p->prefix, f.title, 0);
    buf_puts(&page, "<main>\n<article>\n<header>\n<h1>");
    int sp = 1;
    page_prose(&page, f.title, strlen(f.title), &sp);
    buf_puts(&page, "</h1>\n<p class=\"meta\"><time datetime=\"");
    buf_esc_attr(&page, f.date, strlen(f.date));
    buf_wrap(&page, "\">", f.date, "</time>");
    int num = chapter_number(in);
    if (num)
        buf_printf(&page, " \xc2\xb7 Chapter %d", num);
    buf_puts(&page, "</p>\n</header>\n");
    put_toc(&page, body);
    buf_puts(&page, body);
    buf_puts(&page, "</article>\n</main>\n");
    put_neighbours(&page, in);
    put_foot(&page, p->prefix, in);
    r = write_out(out, &page);
done:
    if (r)
        remove(out);
    site_free(body);
    buf_free(&page);
    front_free(&f);
    page_free(p);
    return r ? 1 : 0;
}

/* The dependency file: the page depends on every file its directives name;
 * the .d itself on the chapter and the figure scripts (which name data). */
static int write_deps(page_t *p, const char *out, const char *target)
{
    buf_t d;
    buf_init(&d);
    buf_printf(&d, "%s:", target);
    for (size_t i = 0; i < p->ndeps; i++)
        buf_printf(&d, " \\\n  %s", p->deps[i]);
    buf_puts(&d, "\n");
    buf_printf(&d, "%s: %s", out, p->path);
    for (size_t i = 0; i < p->ngp; i++)
        buf_printf(&d, " %s", p->gp_deps[i]);
    buf_puts(&d, "\n");
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
    int r = write_out(out, &d);
    buf_free(&d);
    return r;
}

/* `sitegen deps`.  A chapter with an error still gets a dependency file
 * (what could be found before the error): make must be able to read it, and
 * the page build reports the error with its line. */
static int cmd_deps(const char *in, const char *out, const char *target)
{
    page_t P, *p = &P;
    page_init(p);
    p->deps_mode = 1;
    p->skim = 1;
    front_t f = {0};
    int r = 0;
    if (load_input(p, in) != 0 && !p->text) {
        r = -1;                 /* unreadable: nothing to write */
        goto done;
    }
    if (!p->failed && parse_front(p, &f) == 0) {
        /* The index depends on each chapter's front matter only: keep it in
         * FILE.front beside the .d, rewritten only when it changes, so
         * touching a chapter's body does not rebuild the index. */
        size_t n = strlen(out);
        if (n > 2 && !strcmp(out + n - 2, ".d")) {
            char front[PATH_MAX];
            snprintf(front, sizeof front, "%.*s.front", (int)(n - 2), out);
            buf_t fm;
            buf_init(&fm);
            buf_printf(&fm, "title: %s\ndate: %s\nabstract: %s\n", f.title, f.date, f.abstract);
            char *old = site_read_file(front, NULL);
            if (!old || strcmp(old, fm.s))
                r |= write_out(front, &fm);
            site_free(old);
            buf_free(&fm);
        }
        page_render(p, p->text + f.body, p->size - f.body);
    }
    if (!r)
        r = write_deps(p, out, target);
done:
    front_free(&f);
    page_free(p);
    return r ? 1 : 0;
}

/* `sitegen claims`: every claim's verdict, one line each, then the counts.
 * Exit status 1 when any claim fails (or the chapter does not parse). */
static int cmd_claims(const char *in)
{
    page_t P, *p = &P;
    page_init(p);
    p->claims_mode = 1;
    p->skim = 1;
    front_t f = {0};
    int r = 1;
    if (load_input(p, in) == 0 && parse_front(p, &f) == 0 && page_render(p, p->text + f.body, p->size - f.body) == 0) {
        printf("%d passed, %d failed\n", p->claims_pass, p->claims_fail);
        r = p->claims_fail ? 1 : 0;
    }
    fflush(stdout);
    front_free(&f);
    page_free(p);
    return r;
}

/* One entry of the index's list of chapters: title, date and abstract,
 * whose math joins the index page's KaTeX run (p collects it).  0 or -1. */
static int index_entry(page_t *p, buf_t *toc, const char *chapter)
{
    page_t C, *c = &C;
    page_init(c);
    front_t cf = {0};
    char *a = NULL;
    int r = -1;
    if (load_input(c, chapter) || parse_front(c, &cf))
        goto done;
    const char *base = strrchr(chapter, '/');
    base = base ? base + 1 : chapter;
    size_t bl = strlen(base);
    if (bl < 4 || strcmp(base + bl - 3, ".md")) {
        site_error("%s: a chapter must be a .md file", chapter);
        goto done;
    }
    int num = chapter_number(chapter);
    buf_printf(toc, "<li value=\"%d\"><a href=\"%.*s.html\">", num, (int)(bl - 3), base);
    int sp = 1;
    page_prose(toc, cf.title, strlen(cf.title), &sp);
    buf_wrap(toc, "</a> <span class=\"meta\"><time>", cf.date, "</time></span>\n<p>");
    /* parse the abstract with the chapter's own line numbers, its math
     * collected into p */
    c->math_v = p->math_v;
    c->nmath = p->nmath;
    a = page_render_inline(c, cf.abstract_src, cf.abstract_len);
    p->math_v = c->math_v;
    p->nmath = c->nmath;
    c->math_v = NULL;
    c->nmath = 0;
    if (!a)
        goto done;
    if (c->ncite || c->nref) {
        page_fail(c, cf.abstract_line, "front matter: the abstract may not cite or cross-reference");
        goto done;
    }
    buf_puts(toc, a);
    buf_puts(toc, "</p></li>\n");
    r = 0;
done:
    site_free(a);
    front_free(&cf);
    page_free(c);
    return r;
}

/* `sitegen index`: the companion's title, abstract, list of chapters (from
 * their front matter) and the text of intro. */
static int cmd_index(const char *intro, char **chapters, int nch, const char *out)
{
    page_t P, *p = &P;
    page_init(p);
    p->unnumbered = 1;
    front_t f = {0};
    char *intro_html = NULL, *abs = NULL, *html = NULL;
    buf_t toc, body, page;
    buf_init(&toc);
    buf_init(&body);
    buf_init(&page);
    int r = -1;
    if (load_input(p, intro) || parse_front(p, &f) || page_render(p, p->text + f.body, p->size - f.body))
        goto done;
    intro_html = site_xstrndup(page_buf(p)->s, page_buf(p)->len);
    buf_reset(page_buf(p));
    /* the abstract of the whole companion */
    abs = page_render_inline(p, f.abstract_src, f.abstract_len);
    if (!abs)
        goto done;
    buf_puts(&toc, "<ol class=\"toc\">\n");
    for (int i = 0; i < nch; i++)
        if (index_entry(p, &toc, chapters[i]) != 0)
            goto done;
    buf_puts(&toc, "</ol>\n");
    /* The intro places the list of chapters with <!-- chapters -->. */
    const char *mark = strstr(intro_html, "<!-- chapters -->");
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
    html = resolve(p, body.s);
    if (!html)
        goto done;
    put_head(&page, "", f.title, 1);
    buf_puts(&page, "<main>\n<article class=\"index\">\n");
    buf_puts(&page, html);
    buf_puts(&page, "</article>\n</main>\n");
    put_foot(&page, "", NULL);
    r = write_out(out, &page);
done:
    if (r)
        remove(out);
    site_free(intro_html);
    site_free(abs);
    site_free(html);
    buf_free(&toc);
    buf_free(&body);
    buf_free(&page);
    front_free(&f);
    page_free(p);
    return r ? 1 : 0;
}

/* `sitegen source`: a source file as a page, each line anchored (#L12). */
static int cmd_source(const char *path, const char *out)
{
    size_t n = 0;
    char *text = site_read_file(path, &n);
    if (!text) {
        site_error("cannot read %s: %s", path, strerror(errno));
        return 1;
    }
    buf_t prefix;
    buf_init(&prefix);
    buf_puts(&prefix, "../");
    for (const char *s = path; *s; s++)
        if (*s == '/')
            buf_puts(&prefix, "../");
    buf_t b;
    buf_init(&b);
    put_head(&b, prefix.s, path, 0);
    buf_wrap(&b, "<main>\n<article class=\"source\">\n<header>\n<h1><code>", path, "</code></h1>\n</header>\n<pre class=\"source\" tabindex=\"0\" role=\"region\" aria-label=\"");
    buf_esc_attr(&b, path, strlen(path));
    buf_puts(&b, "\"><code>");
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
    buf_puts(&b, "</code></pre>\n</article>\n</main>\n");
    put_foot(&b, prefix.s, NULL);
    int r = write_out(out, &b);
    site_free(text);
    buf_free(&prefix);
    buf_free(&b);
    return r ? 1 : 0;
}

static int usage(void)
{
    fputs("usage: sitegen [-C DIR] [--katex FILE.js] [--node PROG] [--macros FILE] [--bib FILE] [--cache DIR [--cache-salt FILE]] COMMAND\n"
          "  page   CHAPTER.md -o PAGE.html\n"
          "  deps   CHAPTER.md -o FILE.d --target PAGE.html\n"
          "  index  INTRO.md CHAPTER.md... -o index.html\n"
          "  source FILE -o FILE.html\n"
          "  claims CHAPTER.md          (evaluates its claims: one line each, then 'N passed, N failed')\n", stderr);
    return 2;
}

int sitegen_main(int argc, char **argv)
{
    opt.katex = "src/site/katex-render.js";
    opt.node = "node";
    opt.macros = "chapters/macros.tex";
    opt.bib = "chapters/references.bib";
    opt.cache = opt.salt = NULL;
    const char *dir = NULL, *out = NULL, *target = NULL;
    char *pos[256];
    int npos = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int more = i + 1 < argc;
        if (!strcmp(a, "-C") && more) dir = argv[++i];
        else if (!strcmp(a, "--katex") && more) opt.katex = argv[++i];
        else if (!strcmp(a, "--node") && more) opt.node = argv[++i];
        else if (!strcmp(a, "--macros") && more) opt.macros = argv[++i];
        else if (!strcmp(a, "--bib") && more) opt.bib = argv[++i];
        else if (!strcmp(a, "--cache") && more) opt.cache = argv[++i];
        else if (!strcmp(a, "--cache-salt") && more) opt.salt = argv[++i];
        else if (!strcmp(a, "-o") && more) out = argv[++i];
        else if (!strcmp(a, "--target") && more) target = argv[++i];
        else if (a[0] == '-' && a[1]) return usage();
        else if (npos < 256) pos[npos++] = argv[i];
        else return usage();
    }
    if (npos < 2)
        return usage();
    static char katex_abs[PATH_MAX];
    if (dir) {
        if (!realpath(opt.katex, katex_abs)) {
            site_error("cannot find the KaTeX helper %s: %s", opt.katex, strerror(errno));
            return 1;
        }
        opt.katex = katex_abs;
        if (chdir(dir) != 0) {
            site_error("cannot enter %s: %s", dir, strerror(errno));
            return 1;
        }
    }
    const char *cmd = pos[0];
    if (!strcmp(cmd, "page") && npos == 2 && out)
        return cmd_page(pos[1], out);
    if (!strcmp(cmd, "deps") && npos == 2 && out && target)
        return cmd_deps(pos[1], out, target);
    if (!strcmp(cmd, "index") && out)
        return cmd_index(pos[1], pos + 2, npos - 2, out);
    if (!strcmp(cmd, "source") && npos == 2 && out)
        return cmd_source(pos[1], out);
    if (!strcmp(cmd, "claims") && npos == 2 && !out)
        return cmd_claims(pos[1]);
    return usage();
}

#ifndef SITEGEN_NO_MAIN
int main(int argc, char **argv) { return sitegen_main(argc, argv); }
#endif
