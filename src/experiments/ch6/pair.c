/* pair.c: one key/value summary from two runs of the same seed, so that a
 * seeded comparison (ternary against full precision, chapter 6's two-stage
 * weight decay under SGD and under AdamW; or two flip-rate runs) becomes a
 * per-seed file for the seed aggregator (build/bin/seeds kv).
 *
 * Every key k of --a is written as k_<tag-a>, every key of --b as k_<tag-b>;
 * with --diff, a key present in both also gives k_diff = b - a and
 * k_absdiff = |b - a| (the paired difference, whose interval over seeds says
 * whether the two runs differ in every seed).  Text values are skipped. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/args.h"
#include "core/tsv.h"
#include "core/util.h"

#define MAXKV 256

typedef struct {
    const char *a, *b, *tag_a, *tag_b, *out;
    int diff;
} opts_t;

typedef struct {
    char *key[MAXKV];
    double val[MAXKV];
    int n;
} kv_t;

/* Reads a tsv_kv file: '#' lines, the line "key<TAB>value", then key/value rows. */
static void kv_read(kv_t *kv, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) die("%s: cannot open", path);
    char line[1024];
    long ln = 0;
    kv->n = 0;
    while (fgets(line, sizeof line, f)) {
        ln++;
        if (line[0] == '#' || strncmp(line, "key\t", 4) == 0) continue;
        char *tab = strchr(line, '\t');
        if (!tab) die("%s:%ld: no tab", path, ln);
        *tab = 0;
        char *end;
        double v = strtod(tab + 1, &end);
        if (end == tab + 1) continue;          /* a text value */
        if (kv->n == MAXKV) die("%s:%ld: more than %d keys", path, ln, MAXKV);
        kv->key[kv->n] = xstrdup(line);
        kv->val[kv->n++] = v;
    }
    fclose(f);
}

static int kv_find(const kv_t *kv, const char *key)
{
    for (int i = 0; i < kv->n; i++)
        if (strcmp(kv->key[i], key) == 0) return i;
    return -1;
}

static void kv_write(tsv_t *t, const kv_t *kv, const char *tag)
{
    char key[512];
    for (int i = 0; i < kv->n; i++) {
        snprintf(key, sizeof key, "%s_%s", kv->key[i], tag);
        tsv_kv(t, key, kv->val[i]);
    }
}

static const char about[] = "One key/value summary from two runs of the same seed (chapter 6).";

static const arg_spec_t options[] = {
    ARG_STRING(opts_t, a, ARG_REQUIRED, "first summary"),
    ARG_STRING(opts_t, b, ARG_REQUIRED, "second summary"),
    ARG_STRING(opts_t, tag_a, "fp", "suffix of the first run's keys"),
    ARG_STRING(opts_t, tag_b, "tern", "suffix of the second run's keys"),
    ARG_STRING(opts_t, out, ARG_REQUIRED, "output summary"),
    ARG_FLAG(opts_t, diff, "also write b - a and |b - a| for the keys of both"),
    ARG_END
};

int main(int argc, char **argv)
{
    opts_t o;
    args_parse(options, &o, argc, argv, about);
    static kv_t A, B;
    kv_read(&A, o.a);
    kv_read(&B, o.b);
    tsv_t *t = tsv_create(o.out, argc, argv);
    tsv_comment(t, "%s: keys _%s; %s: keys _%s%s", o.a, o.tag_a, o.b, o.tag_b,
                o.diff ? "; _diff = second - first, _absdiff = |second - first|" : "");
    tsv_columns(t, "key\tvalue");
    kv_write(t, &A, o.tag_a);
    kv_write(t, &B, o.tag_b);
    char key[512];
    for (int i = 0; o.diff && i < A.n; i++) {
        int j = kv_find(&B, A.key[i]);
        if (j < 0) continue;
        snprintf(key, sizeof key, "%s_diff", A.key[i]);
        tsv_kv(t, key, B.val[j] - A.val[i]);
        snprintf(key, sizeof key, "%s_absdiff", A.key[i]);
        tsv_kv(t, key, fabs(B.val[j] - A.val[i]));
    }
    tsv_finish(t);
    for (int i = 0; i < A.n; i++) free(A.key[i]);
    for (int i = 0; i < B.n; i++) free(B.key[i]);
    return 0;
}
