/* vec.h: reductions over double arrays in a fixed order, for the long sums
 * that experiments log (norms of parameter groups, inner products).
 *
 * Method: pairwise (cascade) summation, blocks of 32 summed left to right,
 * halves combined recursively; the error bound grows like log2(n) eps
 * instead of n eps (Higham 1993, "The accuracy of floating point
 * summation").  The order depends only on n, so results are reproducible. */
#ifndef CORE_VEC_H
#define CORE_VEC_H

#include <stddef.h>

double vec_sum(const double *a, size_t n);                    /* sum a_i */
double vec_dot(const double *a, const double *b, size_t n);   /* sum a_i b_i */
double vec_sumsq(const double *a, size_t n);                  /* sum a_i^2 */

#endif
