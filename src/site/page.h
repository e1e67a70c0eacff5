/* page.h: the state of one page being built, shared by the three parts of
 * the site generator:
 *   sitegen.c     commands (page, deps, index, source), errors, line numbers,
 *                 labels and references, front matter, final assembly;
 *   render.c      md4c callbacks: Markdown to HTML, prose typography,
 *                 citations, @references, math spans, headings;
 *   directives.c  the chapter directives that read files: numbers from data
 *                 (`=dir/file:key`), figures (inlined SVG with provenance) and
 *                 code excerpts;
 *   claims.c      ```claim blocks, their checks, and "Claims and checks".
 * Math and forward references are written as placeholders and filled in at
 * the end (sitegen.c), once KaTeX has rendered every expression. */
#ifndef SITE_PAGE_H
#define SITE_PAGE_H

#include "site/bib.h"
#include "site/buf.h"

#include <stddef.h>

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

/* One "key: value" of a directive block (figure, claim). */
typedef struct {
    const char *key;
    const char *v;       /* value start (in the block text); NULL when absent */
    size_t n;            /* value length, continuation lines included */
    int line;
} kv_t;

/* A claim whose check held, kept for the "Claims and checks" table. */
typedef struct {
    char *id;
    const char *kind;    /* "prediction", "identity", "comparison" */
    char *text;          /* the claim, inline HTML (with placeholders) */
    char *check;         /* HTML: the check as written, data files linked */
    char *measured;      /* HTML: the measured values, with seed counts */
    char *section;       /* number of the section it sits in, "" before the first */
    int line;
} claim_t;

typedef struct {
    /* the input */
    const char *path;          /* as shown in messages */
    const char *text;
    size_t size;
    size_t *line_start;
    size_t nlines;
    int last_line;
    /* mode */
    int failed;                /* page_fail was called: stop, write nothing */
    int deps_mode;             /* collect prerequisites only; errors are silent */
    int claims_mode;           /* list the claims' verdicts (`sitegen claims`) */
    int skim;                  /* deps or claims: read no generated file but data for claims */
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
    claim_t *claim_v;
    size_t nclaim;
    int nclaim_seen;
    int claims_pass, claims_fail;
    int nfig, neq, h2, h3;
    int ntable, ncode;         /* for the names of their scroll boxes */
    size_t cell_start;         /* where the table cell being written starts */
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

/* sitegen.c
 * Errors: page_fail prints "file:line: message" (the first error of a page
 * only; nothing in deps mode), marks the page failed and returns -1, so that
 * a caller writes `return page_fail(...)`.  Every function below that returns
 * int returns 0 or -1, and the md4c callbacks return -1 once the page has
 * failed, which stops md_parse; the command then removes the page and
 * exits 1.  Nothing but main() exits. */
int  page_fail(page_t *p, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int  page_fail_at(page_t *p, const char *path, int line, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
int  page_line(page_t *p, const char *s);          /* line of a pointer into the input */
int  page_in_source(page_t *p, const char *s);
buf_t *page_buf(page_t *p);                        /* where output goes now */
int  page_push(page_t *p);                         /* divert output to a fresh buffer */
char *page_pop(page_t *p);                         /* end the diversion, return its text */
void page_add_dep(page_t *p, const char *path);    /* a prerequisite for the .d file */
int  site_file_exists(const char *path);
int  site_safe_path(const char *s, size_t n);      /* relative, no "..", plain characters */
int  site_is_name(const char *s, size_t n);        /* letters, digits, - and _ */
const char *page_file(page_t *p, const char *path);    /* read once, cached; NULL if absent */
int  site_has_source_view(const char *path);       /* shipped as site/source/<path>.html? */
void page_source_link(page_t *p, buf_t *b, const char *path, const char *frag, const char *shown);
label_t *page_find_label(page_t *p, char kind, const char *name, size_t n);
const char *page_kind_word(char kind);
int  page_add_label(page_t *p, char kind, const char *name, size_t n, const char *number, int line);
void page_put_ref(page_t *p, char kind, const char *name, size_t n, int line);
size_t page_add_math(page_t *p, const char *tex, size_t n, int display, int line, char *anchor);

/* render.c */
int  page_render(page_t *p, const char *text, size_t size);          /* Markdown to page_buf */
char *page_render_inline(page_t *p, const char *text, size_t size);  /* without the outer <p>; NULL on failure */
int  page_flush(page_t *p);                        /* write pending prose */
void page_prose(buf_t *b, const char *s, size_t n, int *prev_space); /* escaped, typographic */

/* directives.c */
int  page_value(page_t *p, const char *s, size_t n, int line);       /* `=dir/file:key[:fmt]` */
int  page_figure(page_t *p);                       /* ```figure block just read */
int  page_excerpt(page_t *p, const char *args);    /* ```excerpt FILE NAME block */
void page_code_box(page_t *p, buf_t *b, const char *label, const char *lang, const char *html, size_t n);
int  page_block_kv(page_t *p, const char *what, const char *const *keys, size_t nkeys, kv_t *kv);
int  page_kv_lines(page_t *p, const char *what, const char *s, const char *end, int line, int trim,
                   const char *const *keys, size_t nkeys, kv_t *kv);
char *page_block_inline(page_t *p, const kv_t *kv);   /* a value as inline Markdown; NULL on failure */
const char *page_tsv_value(const char *text, const char *key, size_t keylen, size_t *vlen);

/* claims.c */
int  page_claim(page_t *p);                        /* ```claim block just read */
int  page_claims_section(page_t *p);               /* "Claims and checks", at the end */
void page_claims_free(page_t *p);

#endif
