/* svg.c: gnuplot SVG -> inline SVG that follows the page's CSS (see svg.h). */
#include "site/svg.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parses "rgb( r, g, b)" or "#rrggbb" / "#rgb"; returns 0 on success. */
static int parse_colour(const char *v, size_t n, int *r, int *g, int *b)
{
    char s[64];
    if (n >= sizeof s)
        return -1;
    memcpy(s, v, n);
    s[n] = '\0';
    if (!strcmp(s, "black")) {
        *r = *g = *b = 0;
        return 0;
    }
    if (!strcmp(s, "white")) {
        *r = *g = *b = 255;
        return 0;
    }
    if (s[0] == '#') {
        unsigned x;
        if (n == 7 && sscanf(s + 1, "%6x", &x) == 1) {
            *r = (int)(x >> 16), *g = (int)(x >> 8 & 255), *b = (int)(x & 255);
            return 0;
        }
        if (n == 4 && sscanf(s + 1, "%3x", &x) == 1) {
            *r = (int)(x >> 8) * 17, *g = (int)(x >> 4 & 15) * 17, *b = (int)(x & 15) * 17;
            return 0;
        }
        return -1;
    }
    int used = 0;
    if (sscanf(s, " rgb ( %d , %d , %d )%n", r, g, b, &used) == 3 && used == (int)n)
        return 0;
    return -1;
}

/* The CSS value that replaces a colour, or NULL to keep it.  *is_var tells
 * whether it must go into a style attribute. */
static const char *map_colour(const char *v, size_t n, int *is_var)
{
    static char var[32];
    int r, g, b;
    *is_var = 0;
    if (parse_colour(v, n, &r, &g, &b) != 0)
        return NULL;
    if (r == 0 && g == 0 && b == 0)
        return "currentColor";
    *is_var = 1;
    if (r == g && g == b && r >= 1 && r <= 6) {
        snprintf(var, sizeof var, "var(--fig-c%d)", r);
        return var;
    }
    if (r == 200 && g == 200 && b == 200)
        return "var(--fig-grid)";
    if (r == 255 && g == 255 && b == 255)
        return "var(--fig-bg)";
    *is_var = 0;
    return NULL;
}

static int is_colour_attr(const char *name, size_t n)
{
    static const char *names[] = {"stroke", "fill", "color", "flood-color", "stop-color"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strlen(names[i]) == n && !memcmp(names[i], name, n))
            return 1;
    return 0;
}

static int attr_is(const char *name, size_t n, const char *want)
{
    return strlen(want) == n && !memcmp(name, want, n);
}

/* Writes value with every "#id" reference (whole value "#id" or "url(#id)")
 * prefixed. */
static void put_refs(buf_t *out, const char *v, size_t n, const char *prefix)
{
    size_t i = 0;
    while (i < n) {
        if (v[i] == '#' && (i == 0 || v[i - 1] == '(')) {
            buf_putc(out, '#');
            buf_puts(out, prefix);
            i++;
            continue;
        }
        buf_putc(out, v[i++]);
    }
}

double svg_min_width(const char *svg, double min_px)
{
    const char *vb = strstr(svg, "viewBox=\"");
    double x, y, w, h;
    if (!vb || sscanf(vb + 9, "%lf %lf %lf %lf", &x, &y, &w, &h) != 4 || !(w > 0))
        return 0;
    double smallest = 0;
    for (const char *s = svg; (s = strstr(s, "font-size")) != NULL; s += 9) {
        const char *v = s + 9;
        if (*v == '=' && (v[1] == '"' || v[1] == '\''))
            v += 2;
        else if (*v == ':')
            v++;
        else
            continue;
        char *end;
        double f = strtod(v, &end);
        if (end != v && f > 0 && (smallest == 0 || f < smallest))
            smallest = f;
    }
    if (!(smallest > 0))
        return 0;
    double px = w * min_px / smallest;
    return (double)(long)px < px ? (double)(long)px + 1 : px;   /* rounded up */
}

int svg_inline(buf_t *out, const char *svg, const char *idprefix, const char *alt,
               double min_width, char *err, size_t errsz)
{
    const char *p = strstr(svg, "<svg");
    const char *end = p ? strstr(p, "</svg>") : NULL;
    if (!p || !end) {
        snprintf(err, errsz, "no <svg>...</svg> element");
        return -1;
    }
    end += strlen("</svg>");
    int root = 1;
    buf_t style;
    buf_init(&style);
    while (p < end) {
        if (*p != '<') {
            const char *q = memchr(p, '<', (size_t)(end - p));
            if (!q)
                q = end;
            buf_put(out, p, (size_t)(q - p));
            p = q;
            continue;
        }
        if (!strncmp(p, "<!--", 4)) {
            const char *q = strstr(p, "-->");
            p = q ? q + 3 : end;
            continue;
        }
        if (!strncmp(p, "<desc>", 6)) {
            const char *q = strstr(p, "</desc>");
            p = q ? q + 7 : end;
            continue;
        }
        if (!strncmp(p, "<title>Gnuplot</title>", 22)) {
            p += 22;
            continue;
        }
        if (p[1] == '/' || p[1] == '!' || p[1] == '?') {
            const char *q = strchr(p, '>');
            q = q ? q + 1 : end;
            buf_put(out, p, (size_t)(q - p));
            p = q;
            continue;
        }
        /* a start tag: name, then attributes */
        const char *q = p + 1;
        while (q < end && !isspace((unsigned char)*q) && *q != '>' && *q != '/')
            q++;
        buf_put(out, p, (size_t)(q - p));
        buf_reset(&style);
        const char *old_style = NULL;
        size_t old_style_n = 0;
        for (;;) {
            while (q < end && isspace((unsigned char)*q))
                q++;
            if (q >= end || *q == '>' || *q == '/')
                break;
            const char *an = q;
            while (q < end && !isspace((unsigned char)*q) && *q != '=' && *q != '>')
                q++;
            size_t ann = (size_t)(q - an);
            while (q < end && isspace((unsigned char)*q))
                q++;
            if (*q != '=') {                 /* attribute without a value */
                buf_putc(out, ' ');
                buf_put(out, an, ann);
                continue;
            }
            q++;
            while (q < end && isspace((unsigned char)*q))
                q++;
            char quote = *q;
            if (quote != '"' && quote != '\'') {
                snprintf(err, errsz, "unquoted attribute value");
                buf_free(&style);
                return -1;
            }
            const char *v = ++q;
            while (q < end && *q != quote)
                q++;
            size_t vn = (size_t)(q - v);
            q++;
            if (attr_is(an, ann, "font-family"))
                continue;
            if (root && (attr_is(an, ann, "width") || attr_is(an, ann, "height")))
                continue;
            if (attr_is(an, ann, "style")) {
                old_style = v;
                old_style_n = vn;
                continue;
            }
            if (is_colour_attr(an, ann)) {
                int is_var;
                const char *m = map_colour(v, vn, &is_var);
                if (m && is_var) {
                    buf_put(&style, an, ann);
                    buf_putc(&style, ':');
                    buf_puts(&style, m);
                    buf_putc(&style, ';');
                    continue;
                }
                if (m) {
                    buf_putc(out, ' ');
                    buf_put(out, an, ann);
                    buf_puts(out, "=\"");
                    buf_puts(out, m);
                    buf_putc(out, '"');
                    continue;
                }
            }
            buf_putc(out, ' ');
            buf_put(out, an, ann);
            buf_putc(out, '=');
            buf_putc(out, quote);
            if (attr_is(an, ann, "id")) {
                buf_puts(out, idprefix);
                buf_put(out, v, vn);
            } else {
                put_refs(out, v, vn, idprefix);
            }
            buf_putc(out, quote);
        }
        if (root && min_width > 0)
            buf_printf(&style, "min-width:%.0fpx;", min_width);
        if (old_style || style.len) {
            buf_puts(out, " style=\"");
            if (old_style) {
                buf_put(out, old_style, old_style_n);
                if (old_style_n && old_style[old_style_n - 1] != ';')
                    buf_putc(out, ';');
            }
            buf_put(out, style.s, style.len);
            buf_putc(out, '"');
        }
        if (root) {
            buf_puts(out, " class=\"plot\" role=\"img\" aria-label=\"");
            buf_esc_attr(out, alt, strlen(alt));
            buf_putc(out, '"');
            root = 0;
        }
        const char *gt = memchr(q, '>', (size_t)(end - q));
        gt = gt ? gt + 1 : end;
        buf_put(out, q, (size_t)(gt - q));
        p = gt;
    }
    buf_free(&style);
    return 0;
}
