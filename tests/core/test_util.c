/* test_util.c: the hash and the clocks of core/util.h. */
#include <criterion/criterion.h>
#include <string.h>

#include "core/util.h"

/* Reference values of 64-bit FNV-1a (Fowler, Noll, Vo; the test vectors of
 * the reference implementation, draft-eastlake-fnv). */
Test(util, fnv1a_reference_vectors)
{
    cr_assert_eq(fnv1a(FNV1A_INIT, "", 0), 0xcbf29ce484222325ull);
    cr_assert_eq(fnv1a(FNV1A_INIT, "a", 1), 0xaf63dc4c8601ec8cull);
    cr_assert_eq(fnv1a(FNV1A_INIT, "foobar", 6), 0x85944171f73967e8ull);
    /* continuing from a prefix is hashing the whole */
    cr_assert_eq(fnv1a(fnv1a(FNV1A_INIT, "foo", 3), "bar", 3), 0x85944171f73967e8ull);
}

Test(util, clocks_advance)
{
    double w0 = now_seconds(), c0 = cpu_seconds();
    volatile double s = 0;
    for (long i = 0; i < 20000000; i++)
        s += 1e-9 * (double)i;
    double w1 = now_seconds(), c1 = cpu_seconds();
    cr_assert_gt(c1, c0, "CPU time advances while computing");
    cr_assert_geq(w1, w0);
    cr_assert_lt(c1 - c0, 60.0);
}
