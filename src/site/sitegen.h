/* sitegen.h: the generator's command line as a function, and two hooks for
 * the fuzz harness (tests/fuzz/fuzz_sitegen.c), which runs many pages in one
 * process.  The program itself sets neither hook. */
#ifndef SITE_SITEGEN_H
#define SITE_SITEGEN_H

#include "site/katex.h"

#include <stddef.h>

/* What main() does; sitegen.c compiled with -DSITEGEN_NO_MAIN leaves main out. */
int sitegen_main(int argc, char **argv);

/* Called by page_fail() and site_die() (after the message, instead of exit)
 * with the exit status; it must not return (the harness longjmps). */
extern void (*sitegen_exit_hook)(int status);

/* Renders the math of a page instead of KaTeX (same contract as
 * katex_render: 0, or -1 with a message in err). */
extern int (*sitegen_math_hook)(size_t n, char *const *tex, const int *display,
                                katex_result_t *res, char *err, size_t errsz);

#endif
