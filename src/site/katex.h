/* katex.h: renders a page's TeX expressions with ONE node process running
 * src/site/katex-render.js (KaTeX's renderToString, throwOnError), so a
 * chapter with a hundred expressions costs one node start-up, not a hundred.
 *
 * Protocol (both directions NUL-separated records):
 *   to the helper:   'D' or 'I' (display / inline) + TeX, for each expression;
 *   from the helper: zero or more 'W' + warning, then 'O' + HTML or
 *                    'E' + KaTeX's error message, for each expression. */
#ifndef SITE_KATEX_H
#define SITE_KATEX_H

#include <stddef.h>

typedef struct {
    char *html;       /* rendered HTML, or NULL when KaTeX rejected the TeX */
    char *error;      /* KaTeX's message when html is NULL */
    char *warnings;   /* strict-mode warnings joined with "; ", or NULL */
} katex_result_t;

/* Runs `node helper macros` once for n expressions.  Returns 0 when the
 * helper answered for every expression (each result has html or error), or
 * -1 with a message in err when the helper could not run or broke protocol. */
int katex_render(const char *node, const char *helper, const char *macros,
                 size_t n, char *const *tex, const int *display,
                 katex_result_t *res, char *err, size_t errsz);
void katex_result_free(katex_result_t *r);

#endif
