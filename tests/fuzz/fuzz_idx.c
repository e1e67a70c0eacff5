/* fuzz_idx.c: libFuzzer harness for the IDX reader (src/core/idx.c).
 * Each input is written to an anonymous in-memory file and read back with
 * idx_read(), plain or gzip-compressed (zlib reads both); the reader must
 * return 0 or -1 with a message, never crash, never read out of bounds
 * (built with AddressSanitizer and UBSan). */
#define _GNU_SOURCE
#include "core/idx.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fd = memfd_create("idx", 0);
    if (fd < 0)
        return 0;
    if (write(fd, data, size) != (ssize_t)size) {
        close(fd);
        return 0;
    }
    char path[64], err[512];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    idx_t x;
    memset(&x, 0, sizeof x);
    if (idx_read(&x, path, err, sizeof err) == 0) {
        /* touch every byte the reader claims to have read */
        volatile uint8_t sink = 0;
        for (size_t i = 0; i < x.count * x.item_size; i++)
            sink ^= x.data[i];
        (void)sink;
        idx_free(&x);
    } else if (err[0] == 0) {
        __builtin_trap();   /* an error must come with a message */
    }
    close(fd);
    return 0;
}
