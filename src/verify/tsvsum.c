/* tsvsum.c: summaries of data files, for `make verify` and `make reference`.
 *
 * A summary is a small key/value file.  Two keys are order-sensitive hashes
 * (64-bit FNV-1a): `digest` of every non-comment line in order (the header
 * comments carry the commit, so they are left out), and `text` of every cell
 * that is not a finite number, with its row and column.  Per numeric column
 * it has the count of finite values (n:), the mean, minimum, maximum and root
 * mean square, and two order-sensitive statistics: wmean:, the mean weighted
 * by row position, (1/n) sum_r (r/R) x_r over the R data rows, and tv:, the
 * mean absolute difference between consecutive values (the total variation
 * per step).  Swapping two rows moves both (for distinct rows), so a file
 * whose rows are merely permuted does not pass.
 *
 * Two runs on one machine give identical digests (the programs are
 * deterministic).  Across machines the statistics are compared with a
 * relative tolerance, because OpenBLAS picks its GEMM kernel by CPU and a
 * different kernel sums in a different order.  So:
 *   tolerance 0:  the digest must match (the file is the same bytes);
 *   tolerance > 0: rows, cols, every n: and the text hash must match
 *                  exactly, every other statistic within the tolerance.
 *
 *   tsvsum summarize DATA.tsv > REF          write a summary
 *   tsvsum compare REF DATA.tsv RTOL         one line: match / differs; exit 1 if it differs
 *
 * Files are read whole; a malformed file is reported with its name and line. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_COLS 256

typedef struct {
    long rows;
    int cols;
    uint64_t digest, text;
    char name[MAX_COLS][64];
    long n[MAX_COLS];
    double sum[MAX_COLS], sumsq[MAX_COLS], min[MAX_COLS], max[MAX_COLS];
    double wsum[MAX_COLS];            /* sum of r x_r (r = data row, from 1) */
    double tv[MAX_COLS], prev[MAX_COLS];
} summary_t;

static void fail(const char *fmt, const char *a, long b)
{
    fprintf(stderr, "tsvsum: ");
    fprintf(stderr, fmt, a, b);
    fputc('\n', stderr);
    exit(2);
}

#define FNV_OFFSET 14695981039346656037ULL

static uint64_t fnv1a(uint64_t h, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static void summarize(summary_t *S, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        fail("cannot open %s: no such file or unreadable (line %ld)", path, 0);
    memset(S, 0, sizeof *S);
    S->digest = FNV_OFFSET;
    S->text = FNV_OFFSET;
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    long lineno = 0;
    int header_seen = 0;
    while ((len = getline(&line, &cap, f)) != -1) {
        lineno++;
        if (len > 0 && line[0] == '#')
            continue;
        S->digest = fnv1a(S->digest, line, (size_t)len);
        if (len > 0 && line[len - 1] == '\n')
            line[--len] = 0;
        if (!header_seen) {
            header_seen = 1;
            char *save, *tok = strtok_r(line, "\t", &save);
            while (tok) {
                if (S->cols == MAX_COLS)
                    fail("%s:%ld: too many columns", path, lineno);
                snprintf(S->name[S->cols], sizeof S->name[0], "%s", tok);
                S->min[S->cols] = INFINITY;
                S->max[S->cols] = -INFINITY;
                S->cols++;
                tok = strtok_r(NULL, "\t", &save);
            }
            continue;
        }
        S->rows++;
        int c = 0;
        char *save, *tok = strtok_r(line, "\t", &save);
        while (tok) {
            if (c >= S->cols)
                fail("%s:%ld: more cells than column names", path, lineno);
            char *end;
            double x = strtod(tok, &end);
            if (end != tok && *end == 0 && isfinite(x)) {
                if (S->n[c])
                    S->tv[c] += fabs(x - S->prev[c]);
                S->prev[c] = x;
                S->n[c]++;
                S->sum[c] += x;
                S->sumsq[c] += x * x;
                S->wsum[c] += (double)S->rows * x;
                if (x < S->min[c]) S->min[c] = x;
                if (x > S->max[c]) S->max[c] = x;
            } else {
                /* a word, an empty cell, nan or inf: hashed with its place */
                char where[64];
                int m = snprintf(where, sizeof where, "%ld\t%d\t", S->rows, c);
                S->text = fnv1a(S->text, where, (size_t)m);
                S->text = fnv1a(S->text, tok, strlen(tok) + 1);
            }
            c++;
            tok = strtok_r(NULL, "\t", &save);
        }
    }
    free(line);
    if (ferror(f))
        fail("error reading %s (line %ld)", path, lineno);
    fclose(f);
    if (!header_seen)
        fail("%s: no column-name line (%ld lines read)", path, lineno);
}

static void print_summary(const summary_t *S, FILE *out)
{
    fprintf(out, "rows\t%ld\ncols\t%d\ndigest\t%016llx\ntext\t%016llx\n", S->rows, S->cols,
            (unsigned long long)S->digest, (unsigned long long)S->text);
    for (int c = 0; c < S->cols; c++) {
        if (!S->n[c])
            continue;
        double n = (double)S->n[c], R = (double)S->rows;
        const char *k = S->name[c];
        fprintf(out, "n:%s\t%ld\nmean:%s\t%.17g\nmin:%s\t%.17g\nmax:%s\t%.17g\nrms:%s\t%.17g\n"
                "wmean:%s\t%.17g\ntv:%s\t%.17g\n",
                k, S->n[c], k, S->sum[c] / n, k, S->min[c], k, S->max[c], k, sqrt(S->sumsq[c] / n),
                k, S->wsum[c] / (R * n), k, S->n[c] > 1 ? S->tv[c] / (n - 1) : 0.0);
    }
}

/* Keys compared exactly whatever the tolerance. */
static int exact_key(const char *key)
{
    return !strcmp(key, "rows") || !strcmp(key, "cols") || !strcmp(key, "text") ||
           !strncmp(key, "n:", 2);
}

/* Compare the reference file REF (as written by print_summary) with the
 * summary of DATA. */
static int compare(const char *ref, const char *data, double rtol)
{
    summary_t S;
    summarize(&S, data);
    char *buf = NULL;
    size_t size = 0;
    FILE *mem = open_memstream(&buf, &size);
    print_summary(&S, mem);
    fclose(mem);

    FILE *f = fopen(ref, "r");
    if (!f)
        fail("cannot open reference %s (line %ld)", ref, 0);
    char rline[512], key[256];
    long lineno = 0;
    double worst = 0;
    char worst_key[600] = "", struct_key[600] = "";
    int structural = 0, identical = 1, nkeys = 0, digest_same = -1;
    while (fgets(rline, sizeof rline, f)) {
        lineno++;
        if (rline[0] == '#' || rline[0] == '\n')
            continue;
        char *tab = strchr(rline, '\t');
        if (!tab)
            fail("%s:%ld: expected key<TAB>value", ref, lineno);
        size_t klen = (size_t)(tab - rline);
        if (klen >= sizeof key)
            klen = sizeof key - 1;
        memcpy(key, rline, klen);
        key[klen] = 0;
        char *rval = tab + 1;
        rval[strcspn(rval, "\n")] = 0;
        nkeys++;
        /* find the same key in the fresh summary */
        char pat[300];
        snprintf(pat, sizeof pat, "\n%s\t", key);
        char *hay = NULL;
        if (strncmp(buf, pat + 1, strlen(pat + 1)) == 0)
            hay = buf;
        else {
            char *p = strstr(buf, pat);
            if (p) hay = p + 1;
        }
        if (!hay) {
            structural = 1;
            snprintf(struct_key, sizeof struct_key, "%.200s (missing)", key);
            continue;
        }
        char *val = hay + strlen(key) + 1;
        size_t vlen = strcspn(val, "\n");
        if (strlen(rval) != vlen || strncmp(rval, val, vlen) != 0)
            identical = 0;
        if (exact_key(key)) {
            if (strlen(rval) != vlen || strncmp(rval, val, vlen)) {
                if (!structural)
                    snprintf(struct_key, sizeof struct_key, "%.200s %.100s -> %.*s", key, rval,
                             (int)(vlen < 100 ? vlen : 100), val);
                structural = 1;
            }
            continue;
        }
        if (!strcmp(key, "digest")) {
            digest_same = strlen(rval) == vlen && !strncmp(rval, val, vlen);
            continue;
        }
        double a = strtod(rval, NULL), b = strtod(val, NULL);
        double scale = fmax(fabs(a), fabs(b));
        double rel = (a == b) ? 0 : (scale > 0 ? fabs(a - b) / scale : 0);
        if (!(rel <= worst) || isnan(rel)) {
            worst = isnan(rel) ? INFINITY : rel;
            snprintf(worst_key, sizeof worst_key, "%.200s", key);
        }
    }
    fclose(f);
    free(buf);
    if (nkeys == 0)
        fail("%s: empty reference (%ld lines)", ref, lineno);
    if (structural) {
        printf("%-44s differs: %s\n", data, struct_key);
        return 1;
    }
    if (digest_same < 0)
        fail("%s: no digest line (%ld lines; an old-format reference? run make reference)", ref, lineno);
    if (identical) {
        printf("%-44s match (identical)\n", data);
        return 0;
    }
    if (rtol == 0 && !digest_same) {
        if (worst > 0)
            printf("%-44s differs: digest, and by %.3g at %s (tolerance 0)\n", data, worst, worst_key);
        else
            printf("%-44s differs: digest (same statistics: rows reordered or reformatted; tolerance 0)\n",
                   data);
        return 1;
    }
    if (worst <= rtol) {
        printf("%-44s match (max relative difference %.2g at %s, tolerance %.2g)\n", data,
               worst, worst_key, rtol);
        return 0;
    }
    printf("%-44s differs by %.3g at %s (tolerance %.2g)\n", data, worst, worst_key, rtol);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "summarize")) {
        summary_t S;
        summarize(&S, argv[2]);
        print_summary(&S, stdout);
        return ferror(stdout) ? 2 : 0;
    }
    if (argc == 5 && !strcmp(argv[1], "compare")) {
        char *end;
        double rtol = strtod(argv[4], &end);
        if (end == argv[4] || *end || rtol < 0)
            fail("tolerance '%s' is not a non-negative number (arg %ld)", argv[4], 4);
        return compare(argv[2], argv[3], rtol);
    }
    fprintf(stderr, "usage: tsvsum summarize DATA.tsv > REF\n"
                    "       tsvsum compare REF DATA.tsv RTOL\n");
    return 2;
}
