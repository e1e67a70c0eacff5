/* bib.h: a small BibTeX reader for chapters/references.bib, and the HTML of
 * one reference-list entry.
 *
 * Reads @type{key, field = {...} | "..." | number | word (# concatenation),
 * ...} with nested braces; skips @comment, @preamble and @string (string
 * macros are not expanded: a bare word is kept as written).  Text outside an
 * entry is ignored, as BibTeX does.  Field names are case-insensitive.  TeX
 * in values is turned into plain UTF-8 for display: accents (\"o, {\'e},
 * \v{c}, ...), \ss \o \aa \l, -- and ---, ~, \&, braces removed. */
#ifndef SITE_BIB_H
#define SITE_BIB_H

#include <stddef.h>
#include "site/buf.h"

typedef struct {
    char *name;     /* lower case */
    char *value;    /* raw TeX, outer delimiters removed */
} bib_field_t;

typedef struct {
    char *type;     /* lower case: article, book, ... */
    char *key;
    int line;       /* line of the '@' */
    bib_field_t *fields;
    size_t nfields;
} bib_entry_t;

typedef struct {
    bib_entry_t *entries;
    size_t n;
} bib_t;

/* Parses text.  Returns 0, or -1 with a message in err and the line of the
 * problem in *errline (malformed entry, unterminated value, duplicate key). */
int bib_parse(bib_t *b, const char *text, char *err, size_t errsz, int *errline);
void bib_free(bib_t *b);
const bib_entry_t *bib_find(const bib_t *b, const char *key, size_t keylen);
/* Field value (raw TeX) or NULL. */
const char *bib_get(const bib_entry_t *e, const char *field);
/* Plain UTF-8 text of a TeX value (not HTML-escaped). */
void bib_tex_to_text(buf_t *out, const char *tex);
/* One reference as HTML (no <li>): authors, year, title, venue, note, and
 * links for doi, eprint (arXiv) and url. */
void bib_format_html(buf_t *out, const bib_entry_t *e);

#endif
