/* sitegen.h: the generator's command line as a function, and a hook for the
 * fuzz harness (tests/fuzz/fuzz_sitegen.c), which runs many pages in one
 * process.  sitegen_main returns the exit status (0, 1 for a rejected page
 * or an unwritable file, 2 for a bad command line) and frees everything it
 * allocated, on every path: a failed page makes the md4c callbacks return
 * non-zero, md_parse unwinds, and the command cleans up. */
#ifndef SITE_SITEGEN_H
#define SITE_SITEGEN_H

#include "site/katex.h"

#include <stddef.h>

/* What main() does; sitegen.c compiled with -DSITEGEN_NO_MAIN leaves main out. */
int sitegen_main(int argc, char **argv);

/* Renders the math of a page instead of KaTeX (same contract as
 * katex_render: 0, or -1 with a message in err).  The program never sets it. */
extern int (*sitegen_math_hook)(size_t n, char *const *tex, const int *display,
                                katex_result_t *res, char *err, size_t errsz);

#endif
