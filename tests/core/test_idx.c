/* test_idx.c: the IDX reader on good and damaged files (gzip and plain), and
 * the Fashion-MNIST loader on the installed data set. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "core/idx.h"

static char dir[256];

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/test_idx_XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

/* Writes bytes to dir/name, gzipped when gz is set; returns the path. */
static const char *put(const char *name, const unsigned char *b, size_t n, int gz)
{
    static char path[4][320];
    static int k;
    char *p = path[k++ % 4];
    snprintf(p, 320, "%s/%s", dir, name);
    if (gz) {
        gzFile f = gzopen(p, "wb");
        cr_assert_not_null(f);
        cr_assert_eq(gzwrite(f, b, (unsigned)n), (int)n);
        cr_assert_eq(gzclose(f), Z_OK);
    } else {
        FILE *f = fopen(p, "wb");
        cr_assert_not_null(f);
        cr_assert_eq(fwrite(b, 1, n, f), n);
        cr_assert_eq(fclose(f), 0);
    }
    return p;
}

/* A 3 x 2 x 2 image file followed by `extra` bytes of payload (may be negative). */
static size_t images(unsigned char *b, int count, int extra)
{
    unsigned char h[] = {0, 0, 8, 3, 0, 0, 0, (unsigned char)count, 0, 0, 0, 2, 0, 0, 0, 2};
    memcpy(b, h, sizeof h);
    size_t n = sizeof h + (size_t)(count * 4 + extra);
    for (size_t i = sizeof h; i < n; i++)
        b[i] = (unsigned char)(17 * i + 3);
    return n;
}

static size_t labels(unsigned char *b, int count)
{
    unsigned char h[] = {0, 0, 8, 1, 0, 0, 0, (unsigned char)count};
    memcpy(b, h, sizeof h);
    for (int i = 0; i < count; i++)
        b[8 + i] = (unsigned char)((3 * i + 1) % 10);
    return 8 + (size_t)count;
}

TestSuite(idx, .init = setup, .fini = teardown);

Test(idx, reads_gzip_and_plain)
{
    unsigned char b[256];
    size_t n = images(b, 3, 0);
    for (int gz = 0; gz <= 1; gz++) {
        const char *p = put(gz ? "a.gz" : "a", b, n, gz);
        idx_t x;
        char err[512] = "";
        cr_assert_eq(idx_read(&x, p, err, sizeof err), 0, "%s", err);
        cr_assert_eq(x.ndim, 3);
        cr_assert_eq(x.dims[0], 3);
        cr_assert_eq(x.dims[1], 2);
        cr_assert_eq(x.dims[2], 2);
        cr_assert_eq(x.count, 3);
        cr_assert_eq(x.item_size, 4);
        cr_assert_eq(memcmp(x.data, b + 16, 12), 0);
        idx_free(&x);
        cr_assert_null(x.data);
    }
}

static void expect_error(const char *path, const char *what)
{
    idx_t x;
    char err[512] = "";
    cr_assert_eq(idx_read(&x, path, err, sizeof err), -1, "accepted a bad file (%s)", what);
    cr_assert_null(x.data);
    cr_assert_not_null(strstr(err, path), "error does not name the file: %s", err);
    cr_assert_not_null(strstr(err, what), "error does not say '%s': %s", what, err);
}

Test(idx, wrong_magic)
{
    unsigned char b[256];
    size_t n = images(b, 3, 0);
    b[1] = 0x1f;
    expect_error(put("m.gz", b, n, 1), "wrong magic");
    b[1] = 0;
    b[2] = 0x0d;   /* float elements */
    expect_error(put("t.gz", b, n, 1), "not supported");
}

Test(idx, truncated_payload)
{
    unsigned char b[256];
    size_t n = images(b, 3, -5);
    expect_error(put("p.gz", b, n, 1), "truncated");
    expect_error(put("p", b, n, 0), "truncated");
    expect_error(put("h", b, 10, 0), "truncated");   /* inside the dimensions */
    expect_error(put("e", b, 0, 0), "truncated");    /* empty file */
}

Test(idx, truncated_gzip_stream)
{
    /* A valid gzip file cut in the middle of its deflate stream. */
    unsigned char big[4096];
    size_t m = images(big, 200, 0);
    const char *p = put("cut.gz", big, m, 1);
    FILE *f = fopen(p, "rb");
    unsigned char z[8192];
    size_t zn = fread(z, 1, sizeof z, f);
    fclose(f);
    cr_assert_gt(zn, 40u);
    f = fopen(p, "wb");
    cr_assert_eq(fwrite(z, 1, zn / 2, f), zn / 2);
    fclose(f);
    expect_error(p, "truncated");
}

Test(idx, corrupt_gzip_stream)
{
    /* Damage the middle of the deflate stream (CRC and length stay as they were). */
    unsigned char big[4096];
    size_t m = images(big, 200, 0);
    const char *p = put("bad.gz", big, m, 1);
    FILE *f = fopen(p, "rb");
    unsigned char z[8192];
    size_t zn = fread(z, 1, sizeof z, f);
    fclose(f);
    for (size_t i = zn / 3; i < zn / 3 + 8; i++)
        z[i] ^= 0x5a;
    f = fopen(p, "wb");
    cr_assert_eq(fwrite(z, 1, zn, f), zn);
    fclose(f);
    idx_t x;
    char err[512] = "";
    cr_assert_eq(idx_read(&x, p, err, sizeof err), -1, "accepted a corrupt gzip file");
    cr_assert_not_null(strstr(err, p), "%s", err);
    cr_assert_not_null(strstr(err, "corrupt gzip data"), "%s", err);
    cr_assert_null(x.data);
}

Test(idx, trailing_bytes)
{
    unsigned char b[256];
    size_t n = images(b, 3, 2);
    expect_error(put("x.gz", b, n, 1), "trailing");
}

Test(idx, missing_file)
{
    char p[320];
    snprintf(p, sizeof p, "%s/does-not-exist.gz", dir);
    expect_error(p, "cannot open");
}

Test(idx, fmnist_count_mismatch)
{
    unsigned char b[256], l[64];
    put("train-images-idx3-ubyte.gz", b, images(b, 5, 0), 1);
    put("train-labels-idx1-ubyte.gz", l, labels(l, 4), 1);
    dataset_t ds;
    char err[512] = "";
    cr_assert_eq(fmnist_load(&ds, dir, "train", err, sizeof err), -1);
    cr_assert_not_null(strstr(err, "train-images-idx3-ubyte.gz"), "%s", err);
    cr_assert_not_null(strstr(err, "5 images"), "%s", err);
    cr_assert_not_null(strstr(err, "4 labels"), "%s", err);
    cr_assert_null(ds.x);
}

Test(idx, fmnist_bad_label)
{
    unsigned char b[256], l[64];
    put("t10k-images-idx3-ubyte.gz", b, images(b, 4, 0), 1);
    size_t n = labels(l, 4);
    l[8 + 2] = 10;
    put("t10k-labels-idx1-ubyte.gz", l, n, 1);
    dataset_t ds;
    char err[512] = "";
    cr_assert_eq(fmnist_load(&ds, dir, "test", err, sizeof err), -1);
    cr_assert_not_null(strstr(err, "label 10"), "%s", err);
    cr_assert_eq(fmnist_load(&ds, dir, "validation", err, sizeof err), -1);
}

Test(idx, fmnist_small_ok)
{
    unsigned char b[256], l[64];
    put("train-images-idx3-ubyte.gz", b, images(b, 4, 0), 1);
    put("train-labels-idx1-ubyte.gz", l, labels(l, 4), 1);
    dataset_t ds;
    char err[512] = "";
    cr_assert_eq(fmnist_load(&ds, dir, "train", err, sizeof err), 0, "%s", err);
    cr_assert_eq(ds.n, 4);
    cr_assert_eq(ds.d, 4);
    for (int i = 0; i < 16; i++)
        cr_assert_eq(ds.x[i], b[16 + i] / 255.0);
    for (int i = 0; i < 4; i++)
        cr_assert_eq(ds.y[i], (3 * i + 1) % 10);
    dataset_free(&ds);
}

/* With dir NULL the loader reads $NOETHER_FASHION_DIR (the bad-input suite
 * points it at damaged copies); unset or empty, the installed set. */
Test(idx, fmnist_dir_from_environment)
{
    unsigned char b[256], l[64];
    put("t10k-images-idx3-ubyte.gz", b, images(b, 3, 0), 1);
    put("t10k-labels-idx1-ubyte.gz", l, labels(l, 2), 1);
    cr_assert_eq(setenv(FMNIST_DIR_ENV, dir, 1), 0);
    dataset_t ds;
    char err[512] = "";
    cr_assert_eq(fmnist_load(&ds, NULL, "test", err, sizeof err), -1);
    cr_assert_not_null(strstr(err, dir), "%s", err);
    cr_assert_not_null(strstr(err, "3 images"), "%s", err);
    put("t10k-labels-idx1-ubyte.gz", l, labels(l, 3), 1);
    cr_assert_eq(fmnist_load(&ds, NULL, "test", err, sizeof err), 0, "%s", err);
    cr_assert_eq(ds.n, 3);
    dataset_free(&ds);
    cr_assert_eq(setenv(FMNIST_DIR_ENV, "", 1), 0);
    cr_assert_eq(fmnist_load(&ds, NULL, "test", err, sizeof err), 0, "%s", err);
    cr_assert_eq(ds.n, 10000);
    dataset_free(&ds);
    unsetenv(FMNIST_DIR_ENV);
}

/* The installed Debian data set (dataset-fashion-mnist): sizes, the first
 * training labels, and the pixel sum of the first test image, as read by an
 * independent reader (Python's gzip module). */
Test(idx, fashion_mnist_installed)
{
    dataset_t tr, te;
    char err[512] = "";
    cr_assert_eq(fmnist_load(&tr, NULL, "train", err, sizeof err), 0, "%s", err);
    cr_assert_eq(tr.n, 60000);
    cr_assert_eq(tr.d, 784);
    int first[10] = {9, 0, 0, 3, 0, 2, 7, 2, 5, 5};
    for (int i = 0; i < 10; i++)
        cr_assert_eq(tr.y[i], first[i]);
    dataset_free(&tr);
    cr_assert_eq(fmnist_load(&te, NULL, "test", err, sizeof err), 0, "%s", err);
    cr_assert_eq(te.n, 10000);
    long s = 0;
    for (int i = 0; i < 784; i++)
        s += (long)(te.x[i] * 255.0 + 0.5);
    cr_assert_eq(s, 33456);
    dataset_free(&te);
}
