/* bib.c: BibTeX reader and reference formatting (see bib.h). */
#include "site/bib.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *s;
    size_t i;
    int line;
    char *err;
    size_t errsz;
    int *errline;
} lexer_t;

static int fail(lexer_t *L, const char *msg, const char *arg)
{
    snprintf(L->err, L->errsz, msg, arg ? arg : "");
    *L->errline = L->line;
    return -1;
}

static int peek(lexer_t *L) { return (unsigned char)L->s[L->i]; }

static void advance(lexer_t *L)
{
    if (L->s[L->i] == '\n')
        L->line++;
    if (L->s[L->i])
        L->i++;
}

static void skip_space(lexer_t *L)
{
    for (;;) {
        while (peek(L) && isspace(peek(L)))
            advance(L);
        if (peek(L) == '%') {       /* a comment inside an entry */
            while (peek(L) && peek(L) != '\n')
                advance(L);
            continue;
        }
        return;
    }
}

static char *lower_dup(const char *s, size_t n)
{
    char *d = site_xstrndup(s, n);
    for (size_t i = 0; i < n; i++)
        d[i] = (char)tolower((unsigned char)d[i]);
    return d;
}

static int is_name_char(int c)
{
    return c && (isalnum(c) || strchr("_-:.+/'", c));
}

/* A braced group starting at '{', appended without its outer braces. */
static int read_braced(lexer_t *L, buf_t *out)
{
    int start = L->line, depth = 0;
    do {
        int c = peek(L);
        if (!c) {
            *L->errline = start;
            snprintf(L->err, L->errsz, "unterminated '{' in a field value");
            return -1;
        }
        if (c == '{' && depth++ == 0) {
            advance(L);
            continue;
        }
        if (c == '}' && --depth == 0) {
            advance(L);
            break;
        }
        if (c == '\\' && L->s[L->i + 1]) {      /* \{ and \} do not nest */
            buf_putc(out, (char)c);
            advance(L);
            c = peek(L);
        }
        buf_putc(out, (char)c);
        advance(L);
    } while (depth > 0);
    return 0;
}

static int read_quoted(lexer_t *L, buf_t *out)
{
    int start = L->line, depth = 0;
    advance(L);                                  /* the opening quote */
    for (;;) {
        int c = peek(L);
        if (!c) {
            *L->errline = start;
            snprintf(L->err, L->errsz, "unterminated '\"' in a field value");
            return -1;
        }
        if (c == '"' && depth == 0) {
            advance(L);
            return 0;
        }
        if (c == '{')
            depth++;
        if (c == '}')
            depth--;
        buf_putc(out, (char)c);
        advance(L);
    }
}

static int read_value(lexer_t *L, buf_t *out)
{
    for (;;) {
        skip_space(L);
        int c = peek(L);
        if (c == '{') {
            if (read_braced(L, out))
                return -1;
        } else if (c == '"') {
            if (read_quoted(L, out))
                return -1;
        } else if (is_name_char(c)) {
            while (is_name_char(peek(L))) {
                buf_putc(out, (char)peek(L));
                advance(L);
            }
        } else {
            return fail(L, "expected a field value ({...}, \"...\" or a number)", NULL);
        }
        skip_space(L);
        if (peek(L) != '#')
            return 0;
        advance(L);                              /* concatenation */
    }
}

/* Skips a braced or parenthesised body (for @comment, @preamble, @string). */
static int skip_body(lexer_t *L)
{
    int open = peek(L), close = open == '(' ? ')' : '}', depth = 0;
    int start = L->line;
    do {
        int c = peek(L);
        if (!c) {
            *L->errline = start;
            snprintf(L->err, L->errsz, "unterminated @-block");
            return -1;
        }
        if (c == open)
            depth++;
        else if (c == close)
            depth--;
        advance(L);
    } while (depth > 0);
    return 0;
}

static int read_entry(lexer_t *L, bib_t *b)
{
    int line = L->line;
    advance(L);                                  /* '@' */
    size_t t0 = L->i;
    while (isalpha(peek(L)))
        advance(L);
    if (L->i == t0)
        return fail(L, "'@' not followed by an entry type", NULL);
    char *type = lower_dup(L->s + t0, L->i - t0);
    skip_space(L);
    if (peek(L) != '{' && peek(L) != '(') {
        site_free(type);
        return fail(L, "expected '{' after the entry type", NULL);
    }
    if (!strcmp(type, "comment") || !strcmp(type, "preamble") || !strcmp(type, "string")) {
        site_free(type);
        return skip_body(L);
    }
    int close = peek(L) == '(' ? ')' : '}';
    advance(L);
    skip_space(L);
    size_t k0 = L->i;
    while (is_name_char(peek(L)))
        advance(L);
    if (L->i == k0) {
        site_free(type);
        return fail(L, "entry without a key", NULL);
    }
    char *key = site_xstrndup(L->s + k0, L->i - k0);
    if (bib_find(b, key, strlen(key))) {
        int r = fail(L, "duplicate key '%s'", key);
        site_free(type);
        site_free(key);
        return r;
    }
    bib_entry_t e = {type, key, line, NULL, 0};
    buf_t val;
    buf_init(&val);
    for (;;) {
        skip_space(L);
        if (peek(L) == close) {
            advance(L);
            break;
        }
        if (peek(L) != ',') {
            fail(L, "expected ',' or the end of entry '%s'", key);
            goto bad;
        }
        advance(L);
        skip_space(L);
        if (peek(L) == close) {                  /* trailing comma */
            advance(L);
            break;
        }
        size_t n0 = L->i;
        while (is_name_char(peek(L)))
            advance(L);
        if (L->i == n0) {
            fail(L, "expected a field name in entry '%s'", key);
            goto bad;
        }
        char *name = lower_dup(L->s + n0, L->i - n0);
        skip_space(L);
        if (peek(L) != '=') {
            site_free(name);
            fail(L, "expected '=' after a field name in entry '%s'", key);
            goto bad;
        }
        advance(L);
        buf_reset(&val);
        if (read_value(L, &val)) {
            site_free(name);
            goto bad;
        }
        e.fields = site_xrealloc(e.fields, (e.nfields + 1) * sizeof *e.fields);
        e.fields[e.nfields].name = name;
        e.fields[e.nfields].value = site_xstrndup(val.s, val.len);
        e.nfields++;
    }
    buf_free(&val);
    b->entries = site_xrealloc(b->entries, (b->n + 1) * sizeof *b->entries);
    b->entries[b->n++] = e;
    return 0;
bad:
    buf_free(&val);
    for (size_t i = 0; i < e.nfields; i++) {
        site_free(e.fields[i].name);
        site_free(e.fields[i].value);
    }
    site_free(e.fields);
    site_free(type);
    site_free(key);
    return -1;
}

int bib_parse(bib_t *b, const char *text, char *err, size_t errsz, int *errline)
{
    lexer_t L = {text, 0, 1, err, errsz, errline};
    b->entries = NULL;
    b->n = 0;
    while (peek(&L)) {
        if (peek(&L) == '@') {
            if (read_entry(&L, b)) {
                bib_free(b);
                return -1;
            }
        } else {
            advance(&L);
        }
    }
    return 0;
}

void bib_free(bib_t *b)
{
    for (size_t i = 0; i < b->n; i++) {
        bib_entry_t *e = &b->entries[i];
        for (size_t j = 0; j < e->nfields; j++)
            site_free_all(e->fields[j].name, e->fields[j].value);
        site_free_all(e->fields, e->type, e->key);
    }
    site_free(b->entries);
    b->entries = NULL;
    b->n = 0;
}

const bib_entry_t *bib_find(const bib_t *b, const char *key, size_t keylen)
{
    for (size_t i = 0; i < b->n; i++)
        if (strlen(b->entries[i].key) == keylen && !memcmp(b->entries[i].key, key, keylen))
            return &b->entries[i];
    return NULL;
}

const char *bib_get(const bib_entry_t *e, const char *field)
{
    for (size_t i = 0; i < e->nfields; i++)
        if (!strcmp(e->fields[i].name, field))
            return e->fields[i].value;
    return NULL;
}

/* ------------------------------------------------------------ TeX to text */

/* Precomposed letters for the common accents; others get a combining mark. */
static const struct { char acc, base; const char *utf8; } precomposed[] = {
    {'"', 'a', "ä"}, {'"', 'o', "ö"}, {'"', 'u', "ü"}, {'"', 'e', "ë"}, {'"', 'i', "ï"},
    {'"', 'A', "Ä"}, {'"', 'O', "Ö"}, {'"', 'U', "Ü"}, {'"', 'y', "ÿ"},
    {'\'', 'a', "á"}, {'\'', 'e', "é"}, {'\'', 'i', "í"}, {'\'', 'o', "ó"}, {'\'', 'u', "ú"},
    {'\'', 'E', "É"}, {'\'', 'c', "ć"}, {'\'', 'n', "ń"}, {'\'', 's', "ś"}, {'\'', 'y', "ý"},
    {'`', 'a', "à"}, {'`', 'e', "è"}, {'`', 'i', "ì"}, {'`', 'o', "ò"}, {'`', 'u', "ù"},
    {'^', 'a', "â"}, {'^', 'e', "ê"}, {'^', 'i', "î"}, {'^', 'o', "ô"}, {'^', 'u', "û"},
    {'~', 'a', "ã"}, {'~', 'n', "ñ"}, {'~', 'o', "õ"}, {'~', 'N', "Ñ"},
    {'c', 'c', "ç"}, {'c', 'C', "Ç"}, {'c', 's', "ş"},
    {'v', 'c', "č"}, {'v', 's', "š"}, {'v', 'z', "ž"}, {'v', 'r', "ř"}, {'v', 'e', "ě"},
    {'v', 'C', "Č"}, {'v', 'S', "Š"}, {'v', 'Z', "Ž"}, {'v', 'R', "Ř"}, {'v', 'n', "ň"},
    {'H', 'o', "ő"}, {'H', 'u', "ű"}, {'=', 'a', "ā"}, {'=', 'e', "ē"}, {'=', 'o', "ō"},
    {'u', 'a', "ă"}, {'u', 'g', "ğ"}, {'.', 'z', "ż"}, {'k', 'a', "ą"}, {'k', 'e', "ę"},
};

static const struct { char acc; const char *combining; } combining[] = {
    {'"', "\xcc\x88"}, {'\'', "\xcc\x81"}, {'`', "\xcc\x80"}, {'^', "\xcc\x82"},
    {'~', "\xcc\x83"}, {'=', "\xcc\x84"}, {'.', "\xcc\x87"}, {'u', "\xcc\x86"},
    {'v', "\xcc\x8c"}, {'H', "\xcc\x8b"}, {'c', "\xcc\xa7"}, {'k', "\xcc\xa8"},
};

static const struct { const char *cmd; const char *utf8; } symbols[] = {
    {"ss", "ß"}, {"o", "ø"}, {"O", "Ø"}, {"aa", "å"}, {"AA", "Å"}, {"ae", "æ"},
    {"AE", "Æ"}, {"oe", "œ"}, {"l", "ł"}, {"L", "Ł"}, {"i", "ı"}, {"&", "&"},
    {"%", "%"}, {"$", "$"}, {"#", "#"}, {"_", "_"}, {"{", "{"}, {"}", "}"},
    {"textendash", "–"}, {"textemdash", "—"}, {"ldots", "…"}, {"dots", "…"},
};

static void put_accent(buf_t *out, char acc, char base)
{
    for (size_t i = 0; i < sizeof precomposed / sizeof *precomposed; i++)
        if (precomposed[i].acc == acc && precomposed[i].base == base) {
            buf_puts(out, precomposed[i].utf8);
            return;
        }
    buf_putc(out, base);
    for (size_t i = 0; i < sizeof combining / sizeof *combining; i++)
        if (combining[i].acc == acc) {
            buf_puts(out, combining[i].combining);
            return;
        }
}

void bib_tex_to_text(buf_t *out, const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        char c = s[i];
        if (c == '{' || c == '}') {
            i++;
        } else if (c == '~') {
            buf_puts(out, "\xc2\xa0");
            i++;
        } else if (c == '-' && s[i + 1] == '-') {
            if (s[i + 2] == '-') {
                buf_puts(out, "—");
                i += 3;
            } else {
                buf_puts(out, "–");
                i += 2;
            }
        } else if (isspace((unsigned char)c)) {
            while (i < n && isspace((unsigned char)s[i]))
                i++;
            buf_putc(out, ' ');
        } else if (c == '\\') {
            i++;
            char a = s[i];
            if (a && strchr("\"'`^~=.", a)) {
                i++;
                /* \"o  \"{o}  \'{\i} */
                while (s[i] == '{' || s[i] == ' ')
                    i++;
                if (s[i] == '\\' && s[i + 1] == 'i')
                    i++;
                char base = s[i];
                if (base) {
                    put_accent(out, a, base == 'i' && s[i - 1] == '\\' ? 'i' : base);
                    i++;
                }
                if (s[i] == '}')
                    i++;
            } else if (a && strchr("uvHck", a) && !isalpha((unsigned char)s[i + 1])) {
                i++;
                while (s[i] == '{' || s[i] == ' ')
                    i++;
                if (s[i]) {
                    put_accent(out, a, s[i]);
                    i++;
                }
                if (s[i] == '}')
                    i++;
            } else if (isalpha((unsigned char)a)) {
                size_t j = i;
                while (isalpha((unsigned char)s[j]))
                    j++;
                int found = 0;
                for (size_t k = 0; k < sizeof symbols / sizeof *symbols; k++)
                    if (strlen(symbols[k].cmd) == j - i && !memcmp(symbols[k].cmd, s + i, j - i)) {
                        buf_puts(out, symbols[k].utf8);
                        found = 1;
                    }
                (void)found;    /* unknown commands (\emph, \textit) vanish, their argument stays */
                i = j;
                if (s[i] == ' ')
                    i++;
            } else if (a) {
                char sym[2] = {a, 0};
                int found = 0;
                for (size_t k = 0; k < sizeof symbols / sizeof *symbols; k++)
                    if (!strcmp(symbols[k].cmd, sym)) {
                        buf_puts(out, symbols[k].utf8);
                        found = 1;
                    }
                if (!found)
                    buf_putc(out, a);
                i++;
            }
        } else {
            buf_putc(out, c);
            i++;
        }
    }
    /* trim */
    while (out->len && out->s[out->len - 1] == ' ')
        out->s[--out->len] = '\0';
}

/* ------------------------------------------------------------ formatting */

/* Escaped text, with typographic apostrophes. */
static void put_esc_text(buf_t *out, const char *s, size_t n)
{
    size_t run = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '\'') {
            buf_esc(out, s + run, i - run);
            buf_puts(out, "\xe2\x80\x99");
            run = i + 1;
        }
    buf_esc(out, s + run, n - run);
}

static void put_text_html(buf_t *out, const char *tex)
{
    buf_t t;
    buf_init(&t);
    bib_tex_to_text(&t, tex);
    put_esc_text(out, t.s, t.len);
    buf_free(&t);
}

/* "Last, First" -> "First Last"; names joined with commas and "and". */
static void put_authors(buf_t *out, const char *tex)
{
    buf_t t;
    buf_init(&t);
    bib_tex_to_text(&t, tex);
    /* split on " and " at brace depth 0 (braces are gone after tex_to_text) */
    char *names[64];
    size_t count = 0;
    char *p = t.s;
    while (p && count < 64) {
        char *a = strstr(p, " and ");
        if (a)
            *a = '\0';
        names[count++] = p;
        p = a ? a + 5 : NULL;
    }
    for (size_t i = 0; i < count; i++) {
        if (i)
            buf_puts(out, i + 1 == count ? (count > 2 ? ", and " : " and ") : ", ");
        char *comma = strchr(names[i], ',');
        if (comma) {
            char *first = comma + 1;
            while (*first == ' ')
                first++;
            put_esc_text(out, first, strlen(first));
            buf_putc(out, ' ');
            put_esc_text(out, names[i], (size_t)(comma - names[i]));
        } else {
            put_esc_text(out, names[i], strlen(names[i]));
        }
    }
    buf_free(&t);
}

/* "<a href="PREFIX+href">LABEL+shown</a>", after *sep (then " · "). */
static void put_link(buf_t *out, const char **sep, const char *prefix, const char *href,
                     const char *label, const char *shown)
{
    buf_puts(out, *sep);
    buf_printf(out, "<a href=\"%s", prefix);
    buf_esc_attr(out, href, strlen(href));
    buf_printf(out, "\">%s", label);
    buf_wrap(out, "", shown, "</a>");
    *sep = " · ";
}

void bib_format_html(buf_t *out, const bib_entry_t *e)
{
    const char *author = bib_get(e, "author");
    const char *editor = bib_get(e, "editor");
    const char *title = bib_get(e, "title");
    const char *year = bib_get(e, "year");
    const char *venue = bib_get(e, "journal");
    if (!venue)
        venue = bib_get(e, "booktitle");
    const char *publisher = bib_get(e, "publisher");
    const char *volume = bib_get(e, "volume");
    const char *pages = bib_get(e, "pages");
    const char *edition = bib_get(e, "edition");
    const char *note = bib_get(e, "note");
    const char *doi = bib_get(e, "doi");
    const char *eprint = bib_get(e, "eprint");
    const char *url = bib_get(e, "url");

    if (author || editor) {
        put_authors(out, author ? author : editor);
        if (!author)
            buf_puts(out, " (eds.)");
    }
    if (year) {
        buf_puts(out, " (");
        put_text_html(out, year);
        buf_puts(out, ")");
    }
    if (author || editor || year)
        buf_puts(out, ". ");
    if (title) {
        buf_puts(out, "<cite>");
        put_text_html(out, title);
        buf_puts(out, "</cite>");
        if (edition) {
            char *end;
            long ed = strtol(edition, &end, 10);
            if (*edition && !*end && ed > 0) {      /* "2" -> "2nd edition" */
                const char *suf = (ed % 100 >= 11 && ed % 100 <= 13) ? "th"
                                : ed % 10 == 1 ? "st" : ed % 10 == 2 ? "nd" : ed % 10 == 3 ? "rd" : "th";
                buf_printf(out, ", %ld%s edition", ed, suf);
            } else {
                buf_puts(out, ", ");
                put_text_html(out, edition);
                buf_puts(out, " edition");
            }
        }
        char last = out->len > 7 ? out->s[out->len - 8] : 0;   /* before "</cite>" */
        buf_puts(out, edition || !strchr("?!.", last) ? ". " : " ");
    }
    if (venue) {
        buf_puts(out, "<i>");
        put_text_html(out, venue);
        buf_puts(out, "</i>");
        if (volume) {
            buf_puts(out, " ");
            put_text_html(out, volume);
        }
        if (pages) {
            buf_puts(out, ", pp. ");
            put_text_html(out, pages);
        }
        buf_puts(out, ". ");
    } else if (publisher) {
        put_text_html(out, publisher);
        buf_puts(out, ". ");
    }
    if (note) {
        put_text_html(out, note);
        buf_puts(out, ". ");
    }
    const char *sep = "";
    if (doi)
        put_link(out, &sep, "https://doi.org/", doi, "doi:", doi);
    if (eprint)
        put_link(out, &sep, "https://arxiv.org/abs/", eprint, "arXiv:", eprint);
    if (url) {
        const char *shown = strstr(url, "://");
        put_link(out, &sep, "", url, "", shown ? shown + 3 : url);
    }
    while (out->len && out->s[out->len - 1] == ' ')
        out->s[--out->len] = '\0';
}
