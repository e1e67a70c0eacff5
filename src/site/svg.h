/* svg.h: prepares a gnuplot SVG for inlining into a page, so the figure
 * follows the page's colours (light/dark) and fonts (blog-and-tools.md §C.4):
 *   - black (black, rgb(0,0,0), #000000) becomes currentColor;
 *   - the sentinel colours of figures/style.gp, #010101..#060606 (gnuplot
 *     writes them as rgb(  1,   1,   1) ...), become var(--fig-c1..6),
 *     the grid grey #c8c8c8 var(--fig-grid), white var(--fig-bg), moved into
 *     a style attribute (var() is not allowed in presentation attributes);
 *   - font-family attributes are dropped (the page's face is used);
 *   - every id gets a per-figure prefix, and #id / url(#id) references with it,
 *     so two figures on one page never share an id;
 *   - the XML prolog, comments, <desc> and gnuplot's <title>Gnuplot</title>
 *     are dropped; the root gets class="plot", role="img" and aria-label;
 *   - with min_width > 0 the root gets a CSS min-width (px), so that its
 *     text never shrinks below a legible size (the page lets the figure
 *     scroll sideways in its box on a narrow screen). */
#ifndef SITE_SVG_H
#define SITE_SVG_H

#include "site/buf.h"

/* Appends the rewritten <svg>...</svg> to out.  Returns 0, or -1 with a
 * message in err when the text holds no complete <svg> element. */
int svg_inline(buf_t *out, const char *svg, const char *idprefix, const char *alt,
               double min_width, char *err, size_t errsz);

/* The width (CSS px) at which the smallest text of the SVG (its smallest
 * font-size, in viewBox units) renders min_px tall; 0 when the SVG has no
 * viewBox or no text. */
double svg_min_width(const char *svg, double min_px);

#endif
