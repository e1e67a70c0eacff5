/* seeds.c: one data file from the per-seed runs of a seeded experiment (the
 * Makefile's seed_aggregate template), so that pages quote a median with its
 * interval and figures draw a band.
 *
 *   seeds kv    --out OUT.tsv S0.tsv S1.tsv ...   key/value summaries (tsv_kv)
 *   seeds curve --out OUT.tsv S0.tsv S1.tsv ...   tables sharing their first column
 *
 * kv: every input is a key/value file ('#' lines, the column line
 * "key<TAB>value", then one key per row); all inputs list the same keys in
 * the same order.  The output has n_seeds, then per numeric key
 * <key>_median, _min, _max, _mean, _sd (sample sd; NaN for one seed), and
 * _q10, _q90 when there are 10 seeds or more; a key whose value is a word
 * (tsv_kv_text) must be the same word in every input and is copied.
 *
 * curve: every input is a table with the same column names and the same
 * first column (x, row by row, bit for bit); the output has x, then per
 * other column c: c_median, c_min, c_max (and c_q10, c_q90 from 10 seeds),
 * row by row: the centre and band of a figure.
 *
 * Statistics are core/stats.h's (type-7 quantiles; NaN propagates: a seed
 * with NaN makes the statistic NaN).  The output's '#' header is tsv.h's
 * (program, commit, command), then one line per input with the input's own
 * program, command and commit.  Errors name the file and line; the output is
 * written to a temporary file and renamed. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/stats.h"
#include "core/tsv.h"
#include "core/util.h"

static const char usage[] =
    "usage: seeds kv    --out OUT.tsv SEED0.tsv SEED1.tsv ...\n"
    "       seeds curve --out OUT.tsv SEED0.tsv SEED1.tsv ...\n"
    "Aggregates the per-seed files of one experiment: kv takes key/value summaries\n"
    "and writes per key its median, min, max, mean, sd (q10, q90 from 10 seeds);\n"
    "curve takes tables sharing their first column and writes per column the\n"
    "median, min, max (q10, q90 from 10 seeds) row by row.\n";

/* ------------------------------------------------------------ reading */

typedef struct {
    char *text;      /* the cell */
    double x;        /* its value, if numeric */
    int numeric;
    long line;       /* where it was read */
} cell_t;

typedef struct {
    const char *path;
    char *program, *command, *commit;  /* from the '#' header, or NULL */
    char **names;                      /* column names */
    int ncols;
    long names_line;
    cell_t *cells;                     /* nrows x ncols */
    long nrows, last_line;
} table_t;

static char *header_value(const char *line, const char *name)
{
    const char *s = line + 1;
    while (*s == ' ')
        s++;
    size_t n = strlen(name);
    if (strncmp(s, name, n) || s[n] != ':')
        return NULL;
    s += n + 1;
    while (*s == ' ')
        s++;
    return xstrdup(s);
}

/* Splits line at its tabs into out[0..n), n = 1 + the number of tabs. */
static int count_cells(const char *line)
{
    int n = 1;
    for (const char *s = line; (s = strchr(s, '\t')); s++)
        n++;
    return n;
}

static void split_tabs(char *line, char **out)
{
    int n = 0;
    for (char *s = line;; n++) {
        char *tab = strchr(s, '\t');
        out[n] = s;
        if (!tab)
            return;
        *tab = '\0';
        s = tab + 1;
    }
}

static int parse_number(const char *s, double *x)
{
    char *end;
    errno = 0;
    *x = strtod(s, &end);
    return end != s && *end == '\0';
}

static void read_table(table_t *t, const char *path)
{
    memset(t, 0, sizeof *t);
    t->path = path;
    FILE *f = fopen(path, "r");
    if (!f)
        die("cannot open %s: %s", path, strerror(errno));
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    long lineno = 0, rowcap = 0;
    int leading = 1;
    while ((len = getline(&line, &cap, f)) != -1) {
        lineno++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (line[0] == '#') {
            if (leading) {
                char *v;
                if (!t->program && (v = header_value(line, "program")))
                    t->program = v;
                else if (!t->command && (v = header_value(line, "command")))
                    t->command = v;
                else if (!t->commit && (v = header_value(line, "commit")))
                    t->commit = v;
            }
            continue;
        }
        leading = 0;
        if (len == 0)
            die("%s:%ld: empty line", path, lineno);
        int n = count_cells(line);
        char **f_ = xmalloc((size_t)n * sizeof *f_);
        split_tabs(line, f_);
        if (!t->names) {
            t->ncols = n;
            t->names_line = lineno;
            t->names = xmalloc((size_t)n * sizeof *t->names);
            for (int c = 0; c < n; c++)
                t->names[c] = xstrdup(f_[c]);
        } else {
            if (n != t->ncols)
                die("%s:%ld: %d cells, but the column line (line %ld) names %d", path, lineno, n,
                    t->names_line, t->ncols);
            if (t->nrows == rowcap) {
                rowcap = rowcap ? 2 * rowcap : 64;
                t->cells = realloc(t->cells, (size_t)rowcap * (size_t)n * sizeof *t->cells);
                if (!t->cells)
                    die("out of memory reading %s", path);
            }
            for (int c = 0; c < n; c++) {
                cell_t *cell = &t->cells[t->nrows * n + c];
                cell->text = xstrdup(f_[c]);
                cell->numeric = parse_number(f_[c], &cell->x);
                cell->line = lineno;
            }
            t->nrows++;
        }
        free(f_);
    }
    if (ferror(f))
        die("error reading %s (line %ld): %s", path, lineno, strerror(errno));
    free(line);
    fclose(f);
    if (!t->names)
        die("%s:%ld: no column line (the file has only '#' lines)", path, lineno);
    t->last_line = lineno;
}

static void free_table(table_t *t)
{
    for (int c = 0; c < t->ncols; c++)
        free(t->names[c]);
    free(t->names);
    for (long i = 0; i < t->nrows * t->ncols; i++)
        free(t->cells[i].text);
    free(t->cells);
    free(t->program);
    free(t->command);
    free(t->commit);
}

/* ------------------------------------------------------------ writing */

static void header(tsv_t *out, const table_t *in, int n, const char *what)
{
    tsv_comment(out, "%s over %d seeds: median, min, max%s (type-7 quantiles, src/core/stats.h)", what,
                n, n >= 10 ? ", q10, q90" : "");
    for (int s = 0; s < n; s++)
        tsv_comment(out, "input %s: %s as `%s` at commit %s", in[s].path,
                    in[s].program ? in[s].program : "?", in[s].command ? in[s].command : "?",
                    in[s].commit ? in[s].commit : "?");
}

static void kv_row(tsv_t *out, const char *key, const char *suffix, double v)
{
    size_t n = strlen(key) + strlen(suffix) + 1;
    char *k = xmalloc(n);
    snprintf(k, n, "%s%s", key, suffix);
    tsv_kv(out, k, v);
    free(k);
}

static void aggregate_kv(const char *outpath, table_t *in, int n, int argc, char **argv)
{
    for (int s = 0; s < n; s++)
        if (in[s].ncols != 2 || strcmp(in[s].names[0], "key") || strcmp(in[s].names[1], "value"))
            die("%s:%ld: expected the column line \"key<TAB>value\" of a key/value file", in[s].path,
                in[s].names_line);
    const table_t *a = &in[0];
    for (int s = 1; s < n; s++) {
        const table_t *b = &in[s];
        for (long r = 0; r < a->nrows || r < b->nrows; r++) {
            if (r >= b->nrows)
                die("%s:%ld: ends before key '%s' (%s:%ld)", b->path, b->last_line,
                    a->cells[2 * r].text, a->path, a->cells[2 * r].line);
            if (r >= a->nrows)
                die("%s:%ld: key '%s' is not in %s", b->path, b->cells[2 * r].line,
                    b->cells[2 * r].text, a->path);
            if (strcmp(a->cells[2 * r].text, b->cells[2 * r].text))
                die("%s:%ld: key '%s' where %s:%ld has '%s' (the seeds must list the same keys)",
                    b->path, b->cells[2 * r].line, b->cells[2 * r].text, a->path,
                    a->cells[2 * r].line, a->cells[2 * r].text);
        }
    }
    for (long r = 0; r < a->nrows; r++)
        for (long q = 0; q < r; q++)
            if (!strcmp(a->cells[2 * r].text, a->cells[2 * q].text))
                die("%s:%ld: key '%s' given twice (first at line %ld)", a->path, a->cells[2 * r].line,
                    a->cells[2 * r].text, a->cells[2 * q].line);

    tsv_t *out = tsv_create(outpath, argc, argv);
    header(out, in, n, "key/value summaries");
    tsv_columns(out, "key\tvalue");
    tsv_kv(out, "n_seeds", n);
    double *x = xmalloc((size_t)n * sizeof *x), *work = xmalloc((size_t)n * sizeof *work);
    for (long r = 0; r < a->nrows; r++) {
        const char *key = a->cells[2 * r].text;
        int numeric = a->cells[2 * r + 1].numeric;
        for (int s = 0; s < n; s++) {
            const cell_t *v = &in[s].cells[2 * r + 1];
            if (v->numeric != numeric)
                die("%s:%ld: '%s' is %s here but %s in %s", in[s].path, v->line, key,
                    v->numeric ? "a number" : "a word", numeric ? "a number" : "a word", a->path);
            if (!numeric && strcmp(v->text, a->cells[2 * r + 1].text))
                die("%s:%ld: '%s' is '%s' here but '%s' in %s:%ld (a word must agree across seeds)",
                    in[s].path, v->line, key, v->text, a->cells[2 * r + 1].text, a->path,
                    a->cells[2 * r + 1].line);
            x[s] = v->x;
        }
        if (!numeric) {
            tsv_kv_text(out, key, a->cells[2 * r + 1].text);
            continue;
        }
        double mean, sd;
        stats_mean_sd(x, (size_t)n, &mean, &sd);
        memcpy(work, x, (size_t)n * sizeof *x);
        stats_sort(work, (size_t)n);
        kv_row(out, key, "_median", stats_quantile_sorted(work, (size_t)n, 0.5));
        kv_row(out, key, "_min", stats_quantile_sorted(work, (size_t)n, 0.0));
        kv_row(out, key, "_max", stats_quantile_sorted(work, (size_t)n, 1.0));
        kv_row(out, key, "_mean", mean);
        kv_row(out, key, "_sd", sd);
        if (n >= 10) {
            kv_row(out, key, "_q10", stats_quantile_sorted(work, (size_t)n, 0.1));
            kv_row(out, key, "_q90", stats_quantile_sorted(work, (size_t)n, 0.9));
        }
    }
    free(x);
    free(work);
    tsv_finish(out);
}

static void aggregate_curve(const char *outpath, table_t *in, int n, int argc, char **argv)
{
    const table_t *a = &in[0];
    int nc = a->ncols;
    if (nc < 2)
        die("%s:%ld: a curve needs x and at least one more column", a->path, a->names_line);
    for (int s = 0; s < n; s++) {
        const table_t *b = &in[s];
        if (b->ncols != nc)
            die("%s:%ld: %d columns, but %s:%ld has %d", b->path, b->names_line, b->ncols, a->path,
                a->names_line, nc);
        for (int c = 0; c < nc; c++)
            if (strcmp(b->names[c], a->names[c]))
                die("%s:%ld: column %d is '%s', but '%s' in %s:%ld", b->path, b->names_line, c + 1,
                    b->names[c], a->names[c], a->path, a->names_line);
        if (b->nrows != a->nrows)
            die("%s:%ld: %ld rows, but %s has %ld", b->path, b->last_line, b->nrows, a->path, a->nrows);
        for (long r = 0; r < b->nrows; r++)
            for (int c = 0; c < nc; c++) {
                const cell_t *v = &b->cells[r * nc + c];
                if (!v->numeric)
                    die("%s:%ld: column '%s': '%s' is not a number", b->path, v->line, b->names[c], v->text);
            }
        for (long r = 0; r < b->nrows; r++) {
            const cell_t *u = &a->cells[r * nc], *v = &b->cells[r * nc];
            if (!(u->x == v->x) && !(isnan(u->x) && isnan(v->x)))
                die("%s:%ld: %s = %s, but %s:%ld has %s (the seeds must share the first column)", b->path,
                    v->line, b->names[0], v->text, a->path, u->line, u->text);
        }
    }

    static const char *stat_name[5] = {"median", "min", "max", "q10", "q90"};
    static const double stat_p[5] = {0.5, 0.0, 1.0, 0.1, 0.9};
    int nstat = n >= 10 ? 5 : 3;
    size_t namelen = strlen(a->names[0]) + 1;
    for (int c = 1; c < nc; c++)
        namelen += (size_t)nstat * (strlen(a->names[c]) + 8);
    char *names = xmalloc(namelen), *p = names;
    p += sprintf(p, "%s", a->names[0]);
    for (int c = 1; c < nc; c++)
        for (int k = 0; k < nstat; k++)
            p += sprintf(p, "\t%s_%s", a->names[c], stat_name[k]);

    tsv_t *out = tsv_create(outpath, argc, argv);
    header(out, in, n, "curves");
    tsv_columns(out, names);
    free(names);
    double *x = xmalloc((size_t)n * sizeof *x);
    double *row = xmalloc((size_t)(1 + (nc - 1) * nstat) * sizeof *row);
    for (long r = 0; r < a->nrows; r++) {
        row[0] = a->cells[r * nc].x;
        for (int c = 1; c < nc; c++) {
            for (int s = 0; s < n; s++)
                x[s] = in[s].cells[r * nc + c].x;
            stats_sort(x, (size_t)n);
            for (int k = 0; k < nstat; k++)
                row[1 + (c - 1) * nstat + k] = stats_quantile_sorted(x, (size_t)n, stat_p[k]);
        }
        tsv_row(out, (size_t)(1 + (nc - 1) * nstat), row);
    }
    free(x);
    free(row);
    tsv_finish(out);
}

int main(int argc, char **argv)
{
    util_set_progname("seeds");
    if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        fputs(usage, stdout);
        return 0;
    }
    if (argc < 5 || strcmp(argv[2], "--out"))
        die("expected a mode, --out OUT.tsv and at least one input\n%s", usage);
    const char *mode = argv[1], *outpath = argv[3];
    if (strcmp(mode, "kv") && strcmp(mode, "curve"))
        die("unknown mode '%s' (kv or curve)\n%s", mode, usage);
    int n = argc - 4;
    table_t *in = xcalloc((size_t)n, sizeof *in);
    for (int s = 0; s < n; s++) {
        if (!strcmp(argv[4 + s], outpath))
            die("the output %s is also an input", outpath);
        read_table(&in[s], argv[4 + s]);
    }
    if (!strcmp(mode, "kv"))
        aggregate_kv(outpath, in, n, argc, argv);
    else
        aggregate_curve(outpath, in, n, argc, argv);
    for (int s = 0; s < n; s++)
        free_table(&in[s]);
    free(in);
    return 0;
}
