/* idx.h: reader for IDX files (LeCun's MNIST format), plain or gzip (zlib),
 * and the Fashion-MNIST set as Debian's dataset-fashion-mnist installs it
 * (/usr/share/datasets/fashion-mnist/, files *-idx[13]-ubyte.gz; Xiao et al. 2017).
 *
 * Errors: every function returns 0 on success or -1 and writes a message
 * naming the file and the problem (wrong magic, truncated, count mismatch,
 * unreadable) into err[errlen].  It never aborts. */
#ifndef CORE_IDX_H
#define CORE_IDX_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    int ndim;            /* 1 for labels, 3 for images */
    int dims[4];         /* e.g. {60000, 28, 28} */
    size_t count;        /* dims[0] */
    size_t item_size;    /* product of dims[1..] */
    uint8_t *data;       /* count * item_size bytes (unsigned byte type only) */
} idx_t;

int  idx_read(idx_t *out, const char *path, char *err, size_t errlen);
void idx_free(idx_t *x);

#define FMNIST_DIR "/usr/share/datasets/fashion-mnist"
/* The environment variable naming another directory (the bad-input suite
 * points it at damaged copies). */
#define FMNIST_DIR_ENV "NOETHER_FASHION_DIR"

typedef struct {
    int n;            /* examples */
    int d;            /* 784 */
    double *x;        /* [n, d], pixels / 255 in [0, 1] */
    int *y;           /* [n] labels 0..9 */
} dataset_t;

/* Loads "train" or "test" from dir; dir NULL means $NOETHER_FASHION_DIR if
 * set and not empty, else FMNIST_DIR.  Checks that the image and label
 * counts agree and that labels are 0..9. */
int  fmnist_load(dataset_t *ds, const char *dir, const char *split, char *err, size_t errlen);
void dataset_free(dataset_t *ds);

#endif
