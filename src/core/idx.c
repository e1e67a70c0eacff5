/* idx.c: reader for IDX files (LeCun et al.'s MNIST container), gzipped or
 * plain, and the Fashion-MNIST loader (Xiao, Rasul & Vollgraf 2017).
 *
 * Format: bytes 0,1 are zero; byte 2 is the element type (0x08 = unsigned
 * byte, the only type the data sets use); byte 3 is the number of dimensions;
 * then one big-endian uint32 per dimension; then the elements, row-major.
 * zlib's gzread reads gzip and plain files alike.  Every failure (cannot open,
 * wrong magic, truncated, corrupt gzip data, trailing bytes, count mismatch)
 * is reported in err
 * with the file name; nothing aborts. */
#include "core/idx.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static int fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* zlib's message without the "path: " prefix that gzerror adds. */
static const char *zmsg(gzFile f, const char *path, int *zerr)
{
    const char *m = gzerror(f, zerr);
    size_t n = strlen(path);
    if (strncmp(m, path, n) == 0 && m[n] == ':' && m[n + 1] == ' ')
        m += n + 2;
    return m;
}

/* After a short read: a damaged gzip stream, or a file that simply ends. */
static int short_read(char *err, size_t errlen, gzFile f, const char *path, const char *where)
{
    int zerr = 0;
    const char *msg = zmsg(f, path, &zerr);
    if (zerr != Z_OK && zerr != Z_BUF_ERROR)   /* Z_BUF_ERROR: the stream just ended */
        return fail(err, errlen, "%s: corrupt gzip data (zlib: %s) %s", path, msg, where);
    return fail(err, errlen, "%s: truncated %s", path, where);
}

/* Reads exactly n bytes; returns the number read (< n on end of file or
 * error).  gzread takes an unsigned int, so large reads go in chunks. */
static size_t read_full(gzFile f, void *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        size_t want = n - got;
        if (want > (1u << 30))
            want = 1u << 30;
        int r = gzread(f, (char *)buf + got, (unsigned)want);
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    return got;
}

int idx_read(idx_t *out, const char *path, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    errno = 0;
    gzFile f = gzopen(path, "rb");
    if (!f)
        return fail(err, errlen, "%s: cannot open: %s", path,
                    errno ? strerror(errno) : "out of memory");
    int rc = -1;
    uint8_t *data = NULL;
    unsigned char head[4];
    if (read_full(f, head, 4) != 4) {
        short_read(err, errlen, f, path, "in the 4-byte IDX header");
        goto done;
    }
    if (head[0] != 0 || head[1] != 0) {
        fail(err, errlen, "%s: wrong magic %02x %02x %02x %02x (an IDX file starts with 00 00)",
             path, head[0], head[1], head[2], head[3]);
        goto done;
    }
    if (head[2] != 0x08) {
        fail(err, errlen, "%s: element type 0x%02x is not supported (only 0x08, unsigned byte)",
             path, head[2]);
        goto done;
    }
    int ndim = head[3];
    if (ndim < 1 || ndim > 4) {
        fail(err, errlen, "%s: %d dimensions (expected 1 to 4)", path, ndim);
        goto done;
    }
    size_t total = 1, item = 1;
    for (int k = 0; k < ndim; k++) {
        unsigned char b[4];
        if (read_full(f, b, 4) != 4) {
            char where[64];
            snprintf(where, sizeof where, "in the header (dimension %d of %d)", k + 1, ndim);
            short_read(err, errlen, f, path, where);
            goto done;
        }
        uint32_t d = ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) |
                     ((uint32_t)b[2] << 8) | (uint32_t)b[3];
        if (d == 0 || d > (1u << 28)) {
            fail(err, errlen, "%s: dimension %d has size %u", path, k + 1, d);
            goto done;
        }
        out->dims[k] = (int)d;
        if (total > ((size_t)1 << 36) / d) {
            fail(err, errlen, "%s: header claims more than 2^36 elements", path);
            goto done;
        }
        total *= d;
        if (k > 0)
            item *= d;
    }
    /* Grow the buffer as data arrives rather than trusting the header's
     * size: a short file with a huge header fails as "truncated" without
     * first asking for gigabytes. */
    size_t cap = total < ((size_t)1 << 20) ? total : ((size_t)1 << 20), got = 0;
    data = malloc(cap);
    while (data) {
        got += read_full(f, data + got, cap - got);
        if (got < cap || cap == total)
            break;
        size_t ncap = cap * 4 < total ? cap * 4 : total;
        uint8_t *grown = realloc(data, ncap);
        if (!grown) {
            free(data);
            data = NULL;
            break;
        }
        data = grown;
        cap = ncap;
    }
    if (!data) {
        fail(err, errlen, "%s: out of memory for %zu bytes", path, total);
        goto done;
    }
    if (got != total) {
        char where[96];
        snprintf(where, sizeof where, "after %zu of the %zu data bytes the header promises", got,
                 total);
        short_read(err, errlen, f, path, where);
        goto done;
    }
    unsigned char extra;
    if (gzread(f, &extra, 1) != 0) {
        fail(err, errlen, "%s: trailing bytes after the %zu data bytes the header promises",
             path, total);
        goto done;
    }
    int zerr = 0;
    const char *msg = zmsg(f, path, &zerr);
    if (zerr != Z_OK && zerr != Z_BUF_ERROR) {
        fail(err, errlen, "%s: zlib: %s", path, msg);
        goto done;
    }
    out->ndim = ndim;
    out->count = (size_t)out->dims[0];
    out->item_size = item;
    out->data = data;
    data = NULL;
    rc = 0;
done:
    free(data);
    gzclose(f);
    return rc;
}

void idx_free(idx_t *x)
{
    free(x->data);
    memset(x, 0, sizeof *x);
}

int fmnist_load(dataset_t *ds, const char *dir, const char *split, char *err, size_t errlen)
{
    memset(ds, 0, sizeof *ds);
    if (!dir)
        dir = getenv(FMNIST_DIR_ENV);
    if (!dir || !*dir)
        dir = FMNIST_DIR;
    const char *stem;
    if (strcmp(split, "train") == 0)
        stem = "train";
    else if (strcmp(split, "test") == 0)
        stem = "t10k";
    else
        return fail(err, errlen, "fmnist_load: unknown split '%s' (train or test)", split);

    size_t plen = strlen(dir) + 64;
    char *pimg = malloc(plen), *plab = malloc(plen);
    idx_t img = {0}, lab = {0};
    int rc = -1;
    if (!pimg || !plab) {
        fail(err, errlen, "fmnist_load: out of memory");
        goto done;
    }
    snprintf(pimg, plen, "%s/%s-images-idx3-ubyte.gz", dir, stem);
    snprintf(plab, plen, "%s/%s-labels-idx1-ubyte.gz", dir, stem);
    if (idx_read(&img, pimg, err, errlen) != 0 || idx_read(&lab, plab, err, errlen) != 0)
        goto done;
    if (img.ndim != 3) {
        fail(err, errlen, "%s: %d dimensions, expected 3 (images)", pimg, img.ndim);
        goto done;
    }
    if (lab.ndim != 1) {
        fail(err, errlen, "%s: %d dimensions, expected 1 (labels)", plab, lab.ndim);
        goto done;
    }
    if (img.count != lab.count) {
        fail(err, errlen, "%s has %zu images but %s has %zu labels", pimg, img.count, plab,
             lab.count);
        goto done;
    }
    for (size_t i = 0; i < lab.count; i++)
        if (lab.data[i] > 9) {
            fail(err, errlen, "%s: label %u at item %zu is not in 0..9", plab, lab.data[i], i);
            goto done;
        }
    size_t n = img.count, d = img.item_size;
    ds->n = (int)n;
    ds->d = (int)d;
    ds->x = malloc(n * d * sizeof *ds->x);
    ds->y = malloc(n * sizeof *ds->y);
    if (!ds->x || !ds->y) {
        fail(err, errlen, "fmnist_load: out of memory for %zu examples", n);
        dataset_free(ds);
        goto done;
    }
    for (size_t i = 0; i < n * d; i++)
        ds->x[i] = img.data[i] / 255.0;
    for (size_t i = 0; i < n; i++)
        ds->y[i] = lab.data[i];
    rc = 0;
done:
    idx_free(&img);
    idx_free(&lab);
    free(pimg);
    free(plab);
    return rc;
}

void dataset_free(dataset_t *ds)
{
    free(ds->x);
    free(ds->y);
    memset(ds, 0, sizeof *ds);
}
