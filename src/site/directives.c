/* directives.c: the chapter directives that read other files
 * (chapters/README.md):
 *   `=dir/file:key[:fmt]`   a number from data/dir/file.tsv (key/value TSV);
 *   ```figure               figures/<svg>.svg inlined (svg.h), numbered, with
 *                           caption, alt text and a provenance line read from
 *                           the script (figures/<svg>.gp) and the '#' header of
 *                           each data file it reads;
 *   ```excerpt FILE NAME    the lines between "/ * excerpt: NAME * /" and
 *                           "/ * end excerpt * /" in FILE (without the spaces).
 * Each names its files as prerequisites of the page (the .d file); a missing
 * file, key or region stops the build with the chapter's line. */
#include "site/page.h"
#include "site/svg.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <limits.h>
#include <md4c.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ data values */

/* The value of key in a key/value TSV (first two columns, after the '#'
 * header and the column-name line), or NULL. */
const char *page_tsv_value(const char *text, const char *key, size_t keylen, size_t *vlen)
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
int page_value(page_t *p, const char *s, size_t n, int line)
{
    const char *c1 = memchr(s, ':', n);
    if (!c1)
        return page_fail(p, line, "malformed value `%.*s`: write `=dir/file:key` or `=dir/file:key:fmt`", (int)n, s);
    const char *file = s + 1;
    size_t filen = (size_t)(c1 - file);
    const char *key = c1 + 1;
    const char *c2 = memchr(key, ':', (size_t)(s + n - key));
    size_t keylen = c2 ? (size_t)(c2 - key) : (size_t)(s + n - key);
    const char *fmt = c2 ? c2 + 1 : NULL;
    size_t fmtlen = c2 ? (size_t)(s + n - fmt) : 0;
    if (!site_safe_path(file, filen) || keylen == 0)
        return page_fail(p, line, "malformed value `%.*s`: write `=dir/file:key` (a file under data/, without .tsv)", (int)n, s);
    char path[PATH_MAX];
    snprintf(path, sizeof path, "data/%.*s.tsv", (int)filen, file);
    char site_copy[PATH_MAX + 8];
    snprintf(site_copy, sizeof site_copy, "site/%s", path);
    page_add_dep(p, path);
    page_add_dep(p, site_copy);

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
            return page_fail(p, line, "bad number format ':%.*s' in `%.*s` (use .Nf, .Ne, .Ng, d, %% or .N%%)",
                    (int)fmtlen, fmt, (int)n, s);
    }
    if (p->skim) {
        buf_puts(page_buf(p), "0");
        return 0;
    }
    const char *text = page_file(p, path);
    if (!text)
        return page_fail(p, line, "no data file %s for `%.*s` (%s)", path, (int)n, s, strerror(errno));
    size_t vlen = 0;
    const char *v = page_tsv_value(text, key, keylen, &vlen);
    if (!v)
        return page_fail(p, line, "unknown data key '%.*s' in %s", (int)keylen, key, path);
    buf_t *b = page_buf(p);
    buf_puts(b, "<span class=\"num\" title=\"");
    buf_esc_attr(b, path, strlen(path));
    buf_puts(b, ": ");
    buf_esc_attr(b, key, keylen);
    buf_puts(b, "\">");
    if (!conv) {
        buf_esc(b, v, vlen);
        buf_puts(b, "</span>");
        return 0;
    }
    char num[64];
    snprintf(num, sizeof num, "%.*s", (int)(vlen < 63 ? vlen : 63), v);
    char *endp;
    errno = 0;
    double x = strtod(num, &endp);
    if (endp == num || *endp || errno == ERANGE)
        return page_fail(p, line, "value of '%.*s' in %s is not a number: '%s'", (int)keylen, key, path, num);
    if (!isfinite(x))   /* a formatted number in prose is never NaN or infinite */
        return page_fail(p, line, "value of '%.*s' in %s is not finite: '%s'", (int)keylen, key, path, num);
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
        size_t m = page_add_math(p, tex, strlen(tex), 0, line, NULL);
        buf_printf(b, "%cM%zu%c</span>", PH_OPEN, m, PH_CLOSE);
        return 0;
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
    return 0;
}

/* ------------------------------------------------------------ figures */

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

/* A quoted string in the script that starts a data path but is not a whole
 * one ('data/ch6/run_' . name . '.tsv'): the generator (and make) could not
 * tell which files the figure reads.  Returns it (up to its end), or NULL. */
static const char *gp_partial_path(const char *gp, size_t *n)
{
    for (const char *s = gp; (s = strstr(s, "data/")) != NULL; s++) {
        if (s == gp || (s[-1] != '\'' && s[-1] != '"'))
            continue;
        const char *e = s;
        while (*e && (isalnum((unsigned char)*e) || strchr("_-./+", *e)))
            e++;
        if (*e != s[-1] || e - s < 9 || strncmp(e - 4, ".tsv", 4)) {
            *n = (size_t)(e - s);
            return s;
        }
    }
    return NULL;
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
 * commit) share one sentence.  The lines sit in a closed <details> under the
 * caption ("How this figure was made"), so they take one line until opened. */
static int provenance(page_t *p, buf_t *b, const char *gp_path, const char *gp, int line)
{
    char files[16][PATH_MAX];
    size_t nf = gp_data_files(gp, files, 16);
    struct { char *prog, *cmd, *commit, *seed; } h[16];
    memset(h, 0, sizeof h);
    int r = 0;
    for (size_t i = 0; i < nf && !r; i++) {
        const char *text = page_file(p, files[i]);
        if (!text) {
            r = page_fail(p, line, "%s reads %s, which does not exist (run make %s)", gp_path, files[i], files[i]);
            break;
        }
        h[i].prog = header_field(text, "program");
        h[i].cmd = header_field(text, "command");
        h[i].commit = header_field(text, "commit");
        h[i].seed = header_field(text, "seed");
        if (!h[i].prog || !h[i].cmd || !h[i].commit)
            r = page_fail(p, line, "%s has no '# program:', '# command:' and '# commit:' header (data files are written with src/core/tsv.h)",
                          files[i]);
    }
    if (r)
        goto done;
    buf_puts(b, "<details class=\"provenance\"><summary>How this figure was made</summary>\n<p>Drawn by ");
    page_source_link(p, b, gp_path, NULL, NULL);
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
            buf_wrap(b, "\" download><code>", files[k], "</code></a>");
        }
        buf_puts(b, ", written by ");
        /* the program's source: src/experiments/<dir of the data>/<prog>.c */
        char src[PATH_MAX] = "";
        const char *d0 = files[i] + 5, *slash = strrchr(files[i], '/');
        if (slash > d0)
            snprintf(src, sizeof src, "src/experiments/%.*s/%s.c", (int)(slash - d0), d0, h[i].prog);
        if (src[0] && site_file_exists(src))
            page_source_link(p, b, src, NULL, NULL);
        else
            buf_wrap(b, "<code>", h[i].prog, "</code>");
        buf_wrap(b, " as <code>", h[i].cmd, "</code>");
        if (h[i].seed)
            buf_wrap(b, " (seed ", h[i].seed, ")");
        buf_wrap(b, " at commit <code>", h[i].commit, "</code>.");
        i = j;
    }
    buf_puts(b, "</p>\n</details>\n");
done:
    for (size_t i = 0; i < nf; i++) {
        site_free(h[i].prog);
        site_free(h[i].cmd);
        site_free(h[i].commit);
        site_free(h[i].seed);
    }
    return r;
}

/* Reads the "key: value" lines of text[0..end) (the first on line `line`)
 * into kv[], one slot per entry of keys[] (v == NULL when absent).  A value
 * may continue on indented lines; with trim, each line's trailing spaces and
 * CR are left out.  Unknown and repeated keys stop the build, with messages
 * that start with `what`. */
int page_kv_lines(page_t *p, const char *what, const char *s, const char *end, int line, int trim,
                  const char *const *keys, size_t nkeys, kv_t *kv)
{
    for (size_t k = 0; k < nkeys; k++) {
        kv[k].key = keys[k];
        kv[k].v = NULL;
        kv[k].n = 0;
        kv[k].line = 0;
    }
    kv_t *last = NULL;
    while (s < end) {
        const char *eol = memchr(s, '\n', (size_t)(end - s));
        size_t full = eol ? (size_t)(eol - s) : (size_t)(end - s), n = full;
        while (trim && n && (s[n - 1] == '\r' || s[n - 1] == ' '))
            n--;
        int blank = 1;
        for (size_t i = 0; i < n; i++)
            if (!isspace((unsigned char)s[i]))
                blank = 0;
        if (blank) {
        } else if (isspace((unsigned char)s[0])) {
            if (!last)
                return page_fail(p, line, "%s: an indented line before any 'key: value'", what);
            last->n = (size_t)(s + n - last->v);
        } else {
            const char *colon = memchr(s, ':', n);
            if (!colon)
                return page_fail(p, line, "%s: expected 'key: value', got '%.*s'", what, (int)n, s);
            last = NULL;
            for (size_t k = 0; k < nkeys; k++)
                if (strlen(keys[k]) == (size_t)(colon - s) && !strncmp(keys[k], s, (size_t)(colon - s)))
                    last = &kv[k];
            if (!last) {
                buf_t known;
                buf_init(&known);
                for (size_t k = 0; k < nkeys; k++)
                    buf_printf(&known, "%s%s", k ? ", " : "", keys[k]);
                page_fail(p, line, "%s: unknown key '%.*s' (known: %s)", what, (int)(colon - s), s, known.s);
                buf_free(&known);
                return -1;
            }
            if (last->v)
                return page_fail(p, line, "%s: key '%s' given twice", what, last->key);
            const char *v = colon + 1;
            while (v < s + n && (*v == ' ' || *v == '\t'))
                v++;
            last->v = v;
            last->n = (size_t)(s + n - v);
            last->line = line;
        }
        s = eol ? eol + 1 : s + full;
        line++;
    }
    return 0;
}

/* The "key: value" lines of the fenced block just read (p->block). */
int page_block_kv(page_t *p, const char *what, const char *const *keys, size_t nkeys, kv_t *kv)
{
    const char *body = p->block.s ? p->block.s : "";
    return page_kv_lines(p, what, body, body + strlen(body), p->block_line + 1, 0, keys, nkeys, kv);
}

/* Inline Markdown of a value read by page_block_kv, parsed from the source
 * slice when the block is a verbatim copy of it, so that its errors carry
 * the right line.  NULL when the page failed. */
char *page_block_inline(page_t *p, const kv_t *kv)
{
    const char *body = p->block.s ? p->block.s : "";
    const char *src = p->block_first;
    int mapped = src && page_in_source(p, src) && (size_t)(p->text + p->size - src) >= p->block.len &&
                 !memcmp(src, body, p->block.len);
    if (mapped)
        return page_render_inline(p, src + (kv->v - body), kv->n);
    p->last_line = kv->line;
    return page_render_inline(p, kv->v, kv->n);
}

/* Text in a figure renders at least this tall (CSS px) at any width: a
 * figure keeps a minimum width and scrolls sideways in its box on a phone. */
#define FIGURE_MIN_TEXT_PX 9.0

int page_figure(page_t *p)
{
    int line0 = p->block_line;
    static const char *const keys[] = {"id", "svg", "caption", "alt"};
    kv_t kv[4];
    if (page_block_kv(p, "figure", keys, 4, kv) != 0)
        return -1;
    const kv_t *id = kv[0].v ? &kv[0] : NULL, *svg = kv[1].v ? &kv[1] : NULL,
               *caption = kv[2].v ? &kv[2] : NULL, *alt = kv[3].v ? &kv[3] : NULL;
    const char *missing = !id ? "id" : !svg ? "svg" : !caption ? "caption" : !alt ? "alt" : NULL;
    if (missing)
        return page_fail(p, line0, "figure: missing '%s:' (a figure needs id, svg, caption and alt)", missing);
    if (!site_is_name(id->v, id->n))
        return page_fail(p, id->line, "figure: bad id '%.*s' (letters, digits, - and _)", (int)id->n, id->v);
    if (!site_is_name(svg->v, svg->n))
        return page_fail(p, svg->line, "figure: bad svg '%.*s': give the stem of figures/<stem>.svg (letters, digits, - and _)",
                (int)svg->n, svg->v);
    if (caption->n == 0 || alt->n == 0)
        return page_fail(p, caption->n ? alt->line : caption->line, "figure: empty %s", caption->n ? "alt" : "caption");

    char svg_path[PATH_MAX], gp_path[PATH_MAX];
    snprintf(svg_path, sizeof svg_path, "figures/%.*s.svg", (int)svg->n, svg->v);
    snprintf(gp_path, sizeof gp_path, "figures/%.*s.gp", (int)svg->n, svg->v);
    page_add_dep(p, svg_path);
    if (site_file_exists(gp_path))      /* a missing script is reported by the page build */
        page_add_dep(p, gp_path);
    /* The .d file is remade when a script changes, since scripts name the
     * data.  Only scripts that exist: a missing prerequisite of an included
     * makefile would make make regenerate it, and restart, forever. */
    if (site_file_exists(gp_path)) {
        p->gp_deps = site_xrealloc(p->gp_deps, (p->ngp + 1) * sizeof *p->gp_deps);
        p->gp_deps[p->ngp++] = site_xstrndup(gp_path, strlen(gp_path));
    }
    const char *gp = page_file(p, gp_path);
    if (!gp)
        return page_fail(p, svg->line, "figure '%.*s': no script %s", (int)id->n, id->v, gp_path);
    size_t partn;
    const char *part = gp_partial_path(gp, &partn);
    if (part)
        return page_fail(p, svg->line, "figure '%.*s': %s builds a data file name from pieces ('%.*s'...): write each "
                         "data file in full, 'data/<dir>/<name>.tsv', so that its provenance can be shown",
                         (int)id->n, id->v, gp_path, (int)partn, part);
    char files[16][PATH_MAX];
    size_t nf = gp_data_files(gp, files, 16);
    for (size_t i = 0; i < nf; i++) {
        char copy[PATH_MAX + 8];
        snprintf(copy, sizeof copy, "site/%s", files[i]);
        page_add_dep(p, files[i]);
        page_add_dep(p, copy);
    }
    char number[16];
    snprintf(number, sizeof number, "%d", ++p->nfig);
    if (page_add_label(p, 'f', id->v, id->n, number, id->line) != 0)
        return -1;
    if (p->skim)
        return 0;

    char *svg_text = site_read_file(svg_path, NULL);
    if (!svg_text)
        return page_fail(p, svg->line, "figure '%.*s': missing figure %s (%s; make builds it from %s)", (int)id->n, id->v,
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
    int r = 0;
    /* caption: inline Markdown, parsed from the source slice so that its
     * errors carry the right line */
    char *cap = page_block_inline(p, caption);
    if (!cap) {
        r = -1;
        goto done;
    }
    buf_t *b = page_buf(p);
    buf_puts(b, "<figure class=\"figure\" id=\"fig:");
    buf_put(b, id->v, id->n);
    buf_printf(b, "\">\n<div class=\"plot-box\" role=\"group\" tabindex=\"0\" aria-label=\"Figure %s\">\n", number);
    char prefix[32];
    snprintf(prefix, sizeof prefix, "fig%s-", number);
    char err[128];
    double min_width = svg_min_width(svg_text, FIGURE_MIN_TEXT_PX);
    if (svg_inline(b, svg_text, prefix, alttext.s, min_width, err, sizeof err) != 0) {
        r = page_fail(p, svg->line, "figure '%.*s': %s: %s", (int)id->n, id->v, svg_path, err);
        goto done;
    }
    buf_printf(b, "\n</div>\n<figcaption><p><span class=\"figlabel\">Figure %s.</span> %s</p>\n", number, cap);
    r = provenance(p, b, gp_path, gp, svg->line);
    buf_puts(b, "</figcaption>\n</figure>\n");
done:
    site_free(cap);
    site_free(svg_text);
    buf_free(&alttext);
    return r;
}

/* ------------------------------------------------------------ excerpts */

/* An excerpt longer than EXCERPT_LONG lines shows its first EXCERPT_SHOWN
 * and keeps the rest in a closed <details>. */
#define EXCERPT_LONG 25
#define EXCERPT_SHOWN 12

/* A block of code in its own scroll box, which the keyboard can reach
 * (tabindex) and a screen reader can name (a region labelled "label"):
 * code never widens the page, it scrolls inside the box. */
void page_code_box(page_t *p, buf_t *b, const char *label, const char *lang, const char *html, size_t n)
{
    buf_puts(b, "<pre class=\"code\" tabindex=\"0\" role=\"region\" aria-label=\"");
    buf_esc_attr(b, label, strlen(label));
    buf_puts(b, "\"><code");
    if (lang && lang[0]) {
        buf_puts(b, " class=\"language-");
        buf_esc_attr(b, lang, strlen(lang));
        buf_puts(b, "\"");
    }
    buf_puts(b, ">");
    buf_put(b, html, n);
    buf_puts(b, "</code></pre>\n");
}

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

int page_excerpt(page_t *p, const char *args)
{
    int line = p->block_line;
    char file[PATH_MAX], name[256], extra[8];
    int k = sscanf(args, " %4095s %255s %7s", file, name, extra);
    if (k != 2)
        return page_fail(p, line, "excerpt: write ```excerpt FILE NAME (a file under src/ and a region name)");
    if (!site_safe_path(file, strlen(file)))
        return page_fail(p, line, "excerpt: bad file name '%s' (a path inside the repository)", file);
    for (size_t i = 0; i < p->block.len; i++)
        if (!isspace((unsigned char)p->block.s[i]))
            return page_fail(p, line, "excerpt: the block must be empty (the code comes from %s)", file);
    page_add_dep(p, file);
    if (p->skim)
        return 0;
    const char *text = page_file(p, file);
    if (!text)
        return page_fail(p, line, "excerpt: cannot read %s: %s", file, strerror(errno));
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
                return page_fail(p, line, "excerpt: region '%s' opens twice in %s (lines %d and %d)", name, file, start, ln);
            depth++;
        } else if (m == 2 && start && !end) {
            if (--depth == 0) {
                end = ln;
                r1 = s;
            }
        } else if (m == 1 && end && nmlen == strlen(name) && !strncmp(nm, name, nmlen)) {
            return page_fail(p, line, "excerpt: region '%s' appears twice in %s (lines %d and %d)", name, file, start, ln);
        }
        s = eol ? eol + 1 : s + n;
        ln++;
    }
    if (!start)
        return page_fail(p, line, "excerpt: no region '/* excerpt: %s */' in %s", name, file);
    if (!end)
        return page_fail(p, line, "excerpt: region '%s' in %s (line %d) has no '/* end excerpt */'", name, file, start);
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
        return page_fail(p, line, "excerpt: region '%s' in %s is empty", name, file);
    /* the lines shown, escaped */
    buf_t code;
    buf_init(&code);
    int nshown = 0;
    size_t cut_at = 0;                 /* end of the lines always visible */
    for (const char *q = r0; q < r1;) {
        const char *eol = memchr(q, '\n', (size_t)(r1 - q));
        size_t n = eol ? (size_t)(eol - q) : (size_t)(r1 - q);
        const char *nm;
        size_t nmlen;
        if (!marker(q, n, &nm, &nmlen)) {
            size_t cut = n < indent ? n : indent;
            if (nshown)
                buf_putc(&code, '\n');
            buf_esc(&code, q + cut, n - cut);
            if (++nshown == EXCERPT_SHOWN)
                cut_at = code.len;
        }
        q = eol ? eol + 1 : r1;
    }
    buf_t *b = page_buf(p);
    buf_t label;
    buf_init(&label);
    buf_printf(&label, "Code: %s, lines %d\xe2\x80\x93%d", file, start + 1, end - 1);
    buf_puts(b, "<figure class=\"excerpt\">\n");
    if (nshown <= EXCERPT_LONG) {
        page_code_box(p, b, label.s, "c", code.s, code.len);
    } else {
        /* a long excerpt: its first lines, the rest in a closed <details> */
        page_code_box(p, b, label.s, "c", code.s, cut_at);
        buf_printf(b, "<details class=\"more\"><summary>The other %d lines</summary>\n", nshown - EXCERPT_SHOWN);
        buf_puts(&label, " (continued)");
        page_code_box(p, b, label.s, "c", code.s + cut_at + 1, code.len - cut_at - 1);
        buf_puts(b, "</details>\n");
    }
    buf_puts(b, "<figcaption>");
    char frag[32];
    snprintf(frag, sizeof frag, "#L%d", start + 1);
    page_source_link(p, b, file, frag, NULL);
    buf_printf(b, ", lines %d\xe2\x80\x93%d</figcaption>\n</figure>\n", start + 1, end - 1);
    buf_free(&code);
    buf_free(&label);
    return 0;
}
