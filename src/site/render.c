/* render.c: Markdown to HTML through md4c's callbacks (md_parse), with the
 * prose rules of chapters/README.md: typographic quotes and dashes, [@key]
 * citations numbered by first use (chapters/references.bib), @eq:/@fig:/@sec:
 * references (placeholders, resolved once the page is complete), $math$ and
 * $$math$$ spans (collected for KaTeX; \label{eq:x} becomes \tag{n} and an
 * anchor), numbered ## / ### headings with {#sec:x} anchors, and dispatch of
 * the directive blocks and spans to directives.c.  Escapes all text. */
#include "site/page.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <md4c.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MD_FLAGS (MD_FLAG_TABLES | MD_FLAG_LATEXMATHSPANS | MD_FLAG_STRIKETHROUGH)

/* ------------------------------------------------------------ citations */

/* Loads the bibliography on first use.  0, or -1 (page failed). */
static int bib_load(page_t *p, int line)
{
    if (p->bib_loaded)
        return 0;
    char *text = site_read_file(p->bib_path, NULL);
    if (!text)
        return page_fail(p, line, "cannot read the bibliography %s: %s", p->bib_path, strerror(errno));
    char err[256];
    int eline = 0;
    int r = bib_parse(&p->bib, text, err, sizeof err, &eline);
    site_free(text);
    if (r != 0)
        return page_fail_at(p, p->bib_path, eline, "%s", err);
    p->bib_loaded = 1;
    return 0;
}

/* The number of a citation (by first use), or -1 (page failed). */
static int cite_number(page_t *p, const char *key, size_t n, int line)
{
    for (size_t i = 0; i < p->ncite; i++)
        if (strlen(p->cite_v[i].key) == n && !memcmp(p->cite_v[i].key, key, n))
            return (int)i + 1;
    if (bib_load(p, line) != 0)
        return -1;
    if (!bib_find(&p->bib, key, n))
        return page_fail(p, line, "unknown citation key '%.*s' (not in %s)", (int)n, key, p->bib_path);
    p->cite_v = site_xrealloc(p->cite_v, (p->ncite + 1) * sizeof *p->cite_v);
    p->cite_v[p->ncite].key = site_xstrndup(key, n);
    p->cite_v[p->ncite].line = line;
    return (int)++p->ncite;
}

static int is_key_char(int c) { return c && (isalnum(c) || strchr("_-:.+/", c)); }

/* Smart punctuation for prose: quotes and dashes. */
void page_prose(buf_t *b, const char *s, size_t n, int *prev_space)
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
 * returns the index after ']', or 0 when the page failed. */
static size_t put_citation(page_t *p, const char *s, size_t n, size_t i)
{
    int line = pend_line_at(p, i);
    buf_t *b = page_buf(p);
    size_t j = i + 1;
    buf_puts(b, "<span class=\"cite\">[");
    int first = 1;
    for (;;) {
        while (j < n && isspace((unsigned char)s[j]))
            j++;
        if (j >= n || s[j] != '@')
            return page_fail(p, line, "malformed citation: expected '@key' after '%s' (write [@key] or [@key1; @key2, loc])",
                    first ? "[" : ";"), 0;
        j++;
        size_t k0 = j;
        while (j < n && is_key_char((unsigned char)s[j]))
            j++;
        while (j > k0 && (s[j - 1] == '.' || s[j - 1] == ':'))
            j--;                                /* a key does not end in punctuation */
        if (j == k0)
            return page_fail(p, line, "malformed citation: empty key after '@'"), 0;
        int num = p->skim ? 0 : cite_number(p, s + k0, j - k0, line);
        if (num < 0)
            return 0;
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
            page_prose(b, s + l0, l1 - l0, &sp);
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
        return page_fail(p, line, "malformed citation: expected ';' or ']' after a key (a citation must close on the same paragraph)"), 0;
    }
}

/* Writes the pending prose, turning [@...] into citations and @eq:/@fig:/@sec:
 * into references.  0, or -1 (page failed). */
int page_flush(page_t *p)
{
    if (p->failed)
        return -1;
    if (!p->pend.len)
        return 0;
    const char *s = p->pend.s;
    size_t n = p->pend.len, run = 0;
    int prev_space = p->prose_space;
    buf_t *b;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '[' && i + 1 < n && (s[i + 1] == '@' ||
            (isspace((unsigned char)s[i + 1]) && i + 2 < n && s[i + 2] == '@'))) {
            b = page_buf(p);
            page_prose(b, s + run, i - run, &prev_space);
            i = put_citation(p, s, n, i);
            if (!i)
                return -1;
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
                    return page_fail(p, pend_line_at(p, i), "empty reference name after '@%.*s'", (int)len, s + i + 1);
                b = page_buf(p);
                page_prose(b, s + run, i - run, &prev_space);
                page_put_ref(p, kind, s + k0, k - k0, pend_line_at(p, i));
                run = k;
                i = k - 1;
                prev_space = 0;
                continue;
            }
        }
    }
    page_prose(page_buf(p), s + run, n - run, &prev_space);
    p->prose_space = prev_space;
    buf_reset(&p->pend);
    p->pend_src = NULL;
    return 0;
}

/* ------------------------------------------------------------ math */

static int finish_math(page_t *p)
{
    char *tex = p->math.s ? p->math.s : "";
    size_t n = p->math.len;
    int line = page_line(p, p->math_src);
    char *anchor = NULL;
    buf_t t;
    const char *lab = strstr(tex, "\\label{");
    if (lab) {
        if (!p->math_display)
            return page_fail(p, line, "\\label is only allowed in display math ($$...$$)");
        const char *name = lab + 7;
        const char *close = strchr(name, '}');
        if (!close)
            return page_fail(p, line, "unterminated \\label{");
        if (strncmp(name, "eq:", 3) || !site_is_name(name + 3, (size_t)(close - name - 3)))
            return page_fail(p, line, "bad equation label '\\label{%.*s}': write \\label{eq:name} (letters, digits, - and _)",
                    (int)(close - name), name);
        if (strstr(close, "\\label{"))
            return page_fail(p, line, "two \\label in one display block");
        char number[16];
        snprintf(number, sizeof number, "%d", ++p->neq);
        if (page_add_label(p, 'e', name + 3, (size_t)(close - name - 3), number, line) != 0)
            return -1;
        anchor = site_xstrndup(name, (size_t)(close - name));
        buf_init(&t);
        buf_put(&t, tex, (size_t)(lab - tex));
        buf_put(&t, close + 1, (size_t)(tex + n - close - 1));
        buf_printf(&t, " \\tag{%s}", number);
    } else {
        buf_init(&t);
        buf_put(&t, tex, n);
    }
    size_t m = page_add_math(p, t.s, t.len, p->math_display, line, anchor);
    buf_free(&t);
    /* A display equation gets its own box, which scrolls sideways when the
     * equation is wider than the column: focusable, and named for screen
     * readers (the MathML inside is read as the equation itself). */
    if (anchor)
        buf_printf(page_buf(p), "<span class=\"eq\" id=\"%s\" tabindex=\"0\" role=\"group\" aria-label=\"Equation (%d)\">"
                   "%cM%zu%c</span>", anchor, p->neq, PH_OPEN, m, PH_CLOSE);
    else if (p->math_display)
        buf_printf(page_buf(p), "<span class=\"eq\" tabindex=\"0\" role=\"group\" aria-label=\"Equation\">%cM%zu%c</span>",
                   PH_OPEN, m, PH_CLOSE);
    else
        buf_printf(page_buf(p), "%cM%zu%c", PH_OPEN, m, PH_CLOSE);
    return 0;
}

/* ------------------------------------------------------------ md4c callbacks */

int page_render(page_t *p, const char *text, size_t size);

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

/* ' name="value"', the value escaped as put_attr does. */
static void put_named_attr(buf_t *b, const char *name, const MD_ATTRIBUTE *a)
{
    buf_printf(b, " %s=\"", name);
    put_attr(b, a);
    buf_putc(b, '"');
}

static void attr_plain(buf_t *b, const MD_ATTRIBUTE *a)
{
    buf_put(b, a->text, a->size);
}

static int heading_finish(page_t *p)
{
    buf_t *b = page_buf(p);
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
            if (strncmp(name, "sec:", 4) || !site_is_name(name + 4, len - 4)) {
                page_fail(p, line, "bad heading anchor '{#%.*s}': write {#sec:name} (letters, digits, - and _)",
                          (int)len, name);
                site_free(h);
                return -1;
            }
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
        site_free(h);
        site_free(anchor);
        return 0;
    }
    int bad = 0;
    if (p->heading_level == 1)
        bad = page_fail(p, line, "a '# Title' heading in the chapter: the title comes from the front matter; use ## for sections");
    if (p->heading_level == 2) {
        p->h2++;
        p->h3 = 0;
        snprintf(number, sizeof number, "%d", p->h2);
    } else if (p->heading_level == 3) {
        p->h3++;
        snprintf(number, sizeof number, "%d.%d", p->h2, p->h3);
    }
    if (!bad && anchor && !number[0])
        bad = page_fail(p, line, "a {#sec:...} anchor on a level-%d heading: only ## and ### headings are numbered",
                p->heading_level);
    if (!bad && anchor)
        bad = page_add_label(p, 's', anchor + 4, strlen(anchor + 4), number, line);
    if (bad) {
        site_free(h);
        site_free(anchor);
        return -1;
    }
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
    site_free(h);
    site_free(anchor);
    return 0;
}

/* Each callback returns 0, or -1 once the page has failed (the message is
 * printed by page_fail), which makes md_parse stop and return -1. */
/* The opening and closing tags of the blocks that need nothing more; the
 * others (NULL here) are written in enter_block and leave_block. */
static const char *const block_tags[][2] = {
    [MD_BLOCK_DOC] = { "", "" },
    [MD_BLOCK_QUOTE] = { "<blockquote>\n", "</blockquote>\n" },
    [MD_BLOCK_UL] = { "<ul>\n", "</ul>\n" },
    [MD_BLOCK_OL] = { NULL, "</ol>\n" },
    [MD_BLOCK_LI] = { "<li>", "</li>\n" },
    [MD_BLOCK_HR] = { "<hr>\n", "" },
    [MD_BLOCK_HTML] = { "", "" },
    [MD_BLOCK_P] = { "<p>", "</p>\n" },
    [MD_BLOCK_TABLE] = { NULL, "</table>\n</div>\n" },
    [MD_BLOCK_THEAD] = { "<thead>\n", "</thead>\n" },
    [MD_BLOCK_TBODY] = { "<tbody>\n", "</tbody>\n" },
    [MD_BLOCK_TR] = { "<tr>", "</tr>\n" },
    [MD_BLOCK_TD] = { NULL, "</td>" },
};

/* The tag of a simple block (side 0 opens, 1 closes): 1 if written. */
static int simple_block(buf_t *b, MD_BLOCKTYPE type, int side)
{
    const char *tag = (size_t)type < sizeof block_tags / sizeof *block_tags ? block_tags[type][side] : NULL;
    if (tag)
        buf_puts(b, tag);
    return tag != NULL;
}

/* What entering and leaving any block share: the pending text flushed, prose
 * spacing on, and the tag of a simple block written.  -1 on error, 1 when
 * the block was simple (nothing else to do), else 0. */
static int block_edge(page_t *p, MD_BLOCKTYPE type, int leaving)
{
    if (page_flush(p) != 0)
        return -1;
    p->prose_space = 1;
    return simple_block(page_buf(p), type, leaving) ? 1 : 0;
}

static int enter_block(MD_BLOCKTYPE type, void *detail, void *ud)
{
    page_t *p = ud;
    int edge = block_edge(p, type, 0);
    if (edge != 0)
        return edge < 0 ? -1 : 0;
    buf_t *b = page_buf(p);
    switch (type) {
    case MD_BLOCK_OL: {
        MD_BLOCK_OL_DETAIL *d = detail;
        if (d->start == 1)
            buf_puts(b, "<ol>\n");
        else
            buf_printf(b, "<ol start=\"%u\">\n", d->start);
        break;
    }
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
        p->block_line = page_in_source(p, d->info.text) && d->info.size ? page_line(p, d->info.text) : -1;
        break;
    }
    case MD_BLOCK_TABLE:
        /* its own scroll box, reachable by keyboard, named for screen readers */
        buf_printf(b, "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"Table %d\">\n<table>\n",
                   ++p->ntable);
        break;
    case MD_BLOCK_TH:
    case MD_BLOCK_TD: {
        MD_BLOCK_TD_DETAIL *d = detail;
        const char *tag = type == MD_BLOCK_TH ? "th" : "td";
        static const char *al[] = {"", " class=\"left\"", " class=\"center\"", " class=\"right\""};
        p->cell_start = b->len;
        buf_printf(b, "<%s%s>", tag, al[d->align]);
        break;
    }
    default: break;
    }
    return 0;
}

static int leave_block(MD_BLOCKTYPE type, void *detail, void *ud)
{
    page_t *p = ud;
    int edge = block_edge(p, type, 1);
    if (edge != 0)
        return edge < 0 ? -1 : 0;
    buf_t *b = page_buf(p);
    switch (type) {
    case MD_BLOCK_H:
        p->in_heading = 0;
        return heading_finish(p);
    case MD_BLOCK_CODE: {
        p->in_code_block = 0;
        if (p->block_line < 0)
            p->block_line = p->block_first ? page_line(p, p->block_first) - 1 : p->last_line;
        const char *info = p->block_info.s ? p->block_info.s : "";
        if (!strcmp(info, "figure"))
            return page_figure(p);
        if (!strcmp(info, "claim"))
            return page_claim(p);
        if (!strncmp(info, "excerpt", 7) && (!info[7] || isspace((unsigned char)info[7])))
            return page_excerpt(p, info + 7);
        {
            char lang[64] = "", label[96];
            sscanf(info, "%63s", lang);
            buf_t code;
            buf_init(&code);
            buf_esc(&code, p->block.s ? p->block.s : "", p->block.len);
            snprintf(label, sizeof label, "Code block %d", ++p->ncode);
            page_code_box(p, b, label, lang, code.s, code.len);
            buf_free(&code);
        }
        break;
    }
    case MD_BLOCK_TH: {
        /* an empty header cell (a table's corner) is no header: make it a td */
        char *open = b->s + p->cell_start, *gt = strchr(open, '>');
        int empty = 1;
        for (char *c = gt + 1; *c; c++)
            if (!isspace((unsigned char)*c))
                empty = 0;
        if (!strncmp(open, "<th", 3) && empty) {
            open[2] = 'd';
            buf_puts(b, "</td>");
        } else {
            buf_puts(b, "</th>");
        }
        break;
    }
    default: break;
    }
    return 0;
}

static int enter_span(MD_SPANTYPE type, void *detail, void *ud)
{
    page_t *p = ud;
    if (p->in_img)
        return 0;          /* inside an image's alt text: plain text only */
    if (page_flush(p) != 0)
        return -1;
    buf_t *b = page_buf(p);
    switch (type) {
    case MD_SPAN_EM: buf_puts(b, "<em>"); break;
    case MD_SPAN_STRONG: buf_puts(b, "<strong>"); break;
    case MD_SPAN_U: buf_puts(b, "<u>"); break;
    case MD_SPAN_DEL: buf_puts(b, "<del>"); break;
    case MD_SPAN_A: {
        MD_SPAN_A_DETAIL *d = detail;
        buf_puts(b, "<a");
        put_named_attr(b, "href", &d->href);
        if (d->title.size)
            put_named_attr(b, "title", &d->title);
        buf_puts(b, ">");
        break;
    }
    case MD_SPAN_IMG: {
        MD_SPAN_IMG_DETAIL *d = detail;
        buf_puts(b, "<img");
        put_named_attr(b, "src", &d->src);
        if (d->title.size)
            put_named_attr(b, "title", &d->title);
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
    if (page_flush(p) != 0)
        return -1;
    p->prose_space = 0;        /* a quote after $x$ or `code` closes */
    buf_t *b = page_buf(p);
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
        if (p->code.len > 1 && s[0] == '=' && isalnum((unsigned char)s[1]))
            return page_value(p, s, p->code.len, page_line(p, p->code_src));
        {
            buf_puts(b, "<code>");
            buf_esc(b, s, p->code.len);
            buf_puts(b, "</code>");
        }
        break;
    }
    case MD_SPAN_LATEXMATH:
    case MD_SPAN_LATEXMATH_DISPLAY:
        p->in_math = 0;
        return finish_math(p);
    case MD_SPAN_WIKILINK: break;
    }
    return 0;
}

/* Text inside $...$ or a code span, collected into dst with line breaks as
 * spaces; *src keeps where in the source it began. */
static int collect_inline(page_t *p, buf_t *dst, const char **src, MD_TEXTTYPE type, const MD_CHAR *text,
                          MD_SIZE size)
{
    if (!*src && page_in_source(p, text))
        *src = text;
    if (type == MD_TEXT_SOFTBR || type == MD_TEXT_BR)
        buf_putc(dst, ' ');
    else
        buf_put(dst, text, size);
    return 0;
}

static int on_text(MD_TEXTTYPE type, const MD_CHAR *text, MD_SIZE size, void *ud)
{
    page_t *p = ud;
    if (page_in_source(p, text))
        page_line(p, text);
    if (p->in_math)
        return collect_inline(p, &p->math, &p->math_src, type, text, size);
    if (p->in_code_span)
        return collect_inline(p, &p->code, &p->code_src, type, text, size);
    if (p->in_code_block) {
        if (!p->block_first && page_in_source(p, text) && size)
            p->block_first = text;
        buf_put(&p->block, text, size);
        return 0;
    }
    if (p->in_img) {
        if (type == MD_TEXT_SOFTBR || type == MD_TEXT_BR)
            buf_putc(page_buf(p), ' ');
        else
            buf_esc_attr(page_buf(p), text, size);
        return 0;
    }
    switch (type) {
    case MD_TEXT_NORMAL:
        if (!p->pend.len) {
            p->pend_src = text;
            p->pend_line = page_line(p, text);
        }
        buf_put(&p->pend, text, size);
        break;
    case MD_TEXT_SOFTBR:
        if (p->pend.len)
            buf_putc(&p->pend, '\n');
        else
            buf_putc(page_buf(p), '\n');
        break;
    case MD_TEXT_BR:
        if (page_flush(p) != 0)
            return -1;
        buf_puts(page_buf(p), "<br>\n");
        break;
    case MD_TEXT_NULLCHAR:
        if (page_flush(p) != 0)
            return -1;
        buf_puts(page_buf(p), "\xef\xbf\xbd");
        break;
    case MD_TEXT_ENTITY:
    case MD_TEXT_HTML:
        if (page_flush(p) != 0)
            return -1;
        buf_put(page_buf(p), text, size);
        break;
    default:
        if (page_flush(p) != 0)
            return -1;
        buf_esc(page_buf(p), text, size);
        break;
    }
    return 0;
}

/* 0, or -1 when the page failed (a callback aborted md_parse). */
int page_render(page_t *p, const char *text, size_t size)
{
    MD_PARSER parser = {0, MD_FLAGS, enter_block, leave_block, enter_span, leave_span,
                        on_text, NULL, NULL};
    int r = md_parse(text, (MD_SIZE)size, &parser, p);
    if (r != 0 && !p->failed)
        page_fail(p, p->last_line, "the Markdown parser failed (status %d)", r);
    return page_flush(p);
}

/* Renders inline Markdown (a caption, an abstract) and drops the outer <p>.
 * NULL when the page failed. */
char *page_render_inline(page_t *p, const char *text, size_t size)
{
    /* save the block-level capture state the caller is in */
    int saved_in_code_block = p->in_code_block;
    p->in_code_block = 0;
    if (page_push(p) != 0)
        return NULL;
    int r = page_render(p, text, size);
    char *s = page_pop(p);
    p->in_code_block = saved_in_code_block;
    if (r != 0) {
        site_free(s);
        return NULL;
    }
    size_t n = strlen(s);
    while (n && s[n - 1] == '\n')
        s[--n] = '\0';
    if (!strncmp(s, "<p>", 3) && n >= 7 && !strcmp(s + n - 4, "</p>") && !strstr(s + 3, "<p>")) {
        memmove(s, s + 3, n - 3);
        s[n - 7] = '\0';
    }
    return s;
}

