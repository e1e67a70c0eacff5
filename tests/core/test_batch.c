/* test_batch.c: minibatches over a data set (core/batch.h): each shuffle is
 * a permutation, the two end-of-shuffle policies, rewinding, determinism. */
#include <criterion/criterion.h>
#include <string.h>

#include "core/batch.h"

enum { N = 13, D = 3 };

/* Example i has features (i, 10 i + 0.5, -i) and label i mod 10. */
static void make(dataset_t *ds, double *x, int *y)
{
    for (int i = 0; i < N; i++) {
        x[i * D] = i;
        x[i * D + 1] = 10 * i + 0.5;
        x[i * D + 2] = -i;
        y[i] = i % 10;
    }
    *ds = (dataset_t){ .n = N, .d = D, .x = x, .y = y };
}

/* Which example a batch row is (checks that the row was copied whole). */
static int which(const double *row, int label)
{
    int i = (int)row[0];
    cr_assert_eq(row[1], 10 * i + 0.5);
    cr_assert_eq(row[2], -i);
    cr_assert_eq(label, i % 10);
    return i;
}

Test(batch, stream_is_a_sequence_of_permutations)
{
    double x[N * D], xb[5 * D];
    int y[N], yb[5], seen[N] = {0}, order[4 * N];
    dataset_t ds;
    make(&ds, x, y);
    minibatch_t b;
    cr_assert_eq(minibatch_init(&b, &ds, N, MINIBATCH_STREAM, 2385, 7), 0);
    for (int k = 0; k < 4 * N / 5; k++) {       /* 10 batches of 5: 50 draws */
        minibatch_next(&b, xb, yb, 5);
        for (int r = 0; r < 5; r++)
            order[5 * k + r] = which(xb + r * D, yb[r]);
    }
    for (int e = 0; e < 3; e++) {                /* each block of N is a permutation */
        memset(seen, 0, sizeof seen);
        for (int i = 0; i < N; i++)
            seen[order[e * N + i]]++;
        for (int i = 0; i < N; i++)
            cr_assert_eq(seen[i], 1, "shuffle %d: example %d drawn %d times", e, i, seen[i]);
    }
    int same = 1;
    for (int i = 0; i < N; i++)
        same &= order[i] == order[N + i];
    cr_assert(!same, "the second shuffle differs from the first");
    /* rewinding gives the same sequence again */
    minibatch_rewind(&b, 2385, 7);
    for (int k = 0; k < 4; k++) {
        minibatch_next(&b, xb, yb, 5);
        for (int r = 0; r < 5; r++)
            cr_assert_eq(which(xb + r * D, yb[r]), order[5 * k + r]);
    }
    minibatch_free(&b);
}

Test(batch, whole_batches_skip_the_remainder)
{
    double x[N * D], xb[5 * D];
    int y[N], yb[5];
    dataset_t ds;
    make(&ds, x, y);
    minibatch_t s, w;
    cr_assert_eq(minibatch_init(&s, &ds, N, MINIBATCH_STREAM, 11, 3), 0);
    cr_assert_eq(minibatch_init(&w, &ds, N, MINIBATCH_WHOLE, 11, 3), 0);
    int first[N];
    for (int i = 0; i < N; i++)
        first[i] = (int)s.perm[i];
    /* two batches of 5 from the first shuffle; the third would need 15 > 13 */
    for (int k = 0; k < 2; k++) {
        minibatch_next(&w, xb, yb, 5);
        for (int r = 0; r < 5; r++)
            cr_assert_eq(which(xb + r * D, yb[r]), first[5 * k + r]);
    }
    minibatch_next(&w, xb, yb, 5);
    int seen[N] = {0};
    for (int r = 0; r < 5; r++)
        seen[which(xb + r * D, yb[r])]++;
    for (int i = 0; i < N; i++)
        cr_assert_leq(seen[i], 1);
    cr_assert_eq(w.pos, 5, "the third batch starts a new shuffle");
    minibatch_free(&s);
    minibatch_free(&w);
}

Test(batch, subset_and_range)
{
    double x[N * D], xb[4 * D];
    int y[N], yb[4];
    dataset_t ds;
    make(&ds, x, y);
    minibatch_t b;
    cr_assert_eq(minibatch_init(&b, &ds, 0, MINIBATCH_STREAM, 1, 1), -1);
    cr_assert_eq(minibatch_init(&b, &ds, N + 1, MINIBATCH_STREAM, 1, 1), -1);
    cr_assert_eq(minibatch_init(&b, &ds, 4, MINIBATCH_WHOLE, 1, 1), 0);
    for (int k = 0; k < 20; k++) {
        minibatch_next(&b, xb, yb, 4);
        int seen[4] = {0};
        for (int r = 0; r < 4; r++)
            seen[which(xb + r * D, yb[r])]++;    /* only the first 4 examples */
        for (int i = 0; i < 4; i++)
            cr_assert_eq(seen[i], 1);
    }
    minibatch_free(&b);
}

/* Without a data set the batcher draws the same indices. */
Test(batch, indices_only)
{
    double x[N * D], xb[6 * D];
    int y[N], yb[6];
    dataset_t ds;
    make(&ds, x, y);
    for (int policy = MINIBATCH_STREAM; policy <= MINIBATCH_WHOLE; policy++) {
        minibatch_t a, b;
        cr_assert_eq(minibatch_init(&a, &ds, N, policy, 5, 9), 0);
        cr_assert_eq(minibatch_init(&b, NULL, 0, policy, 5, 9), -1);
        cr_assert_eq(minibatch_init(&b, NULL, N, policy, 5, 9), 0);
        for (int k = 0; k < 7; k++) {
            size_t idx[6];
            minibatch_next(&a, xb, yb, 6);
            minibatch_indices(&b, idx, 6);
            for (int r = 0; r < 6; r++)
                cr_assert_eq((size_t)which(xb + r * D, yb[r]), idx[r]);
        }
        minibatch_free(&a);
        minibatch_free(&b);
    }
}
