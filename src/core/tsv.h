/* tsv.h: the one way programs write data files.
 *
 * A file starts with '#' comment lines (program, commit, command line, the
 * parameters in effect, then whatever the program adds: the equation it
 * tests, say), then
 * one line of tab-separated column names, then rows of numbers printed with
 * %.17g (round-trips every double exactly).  It is written to "<path>.tmp"
 * and renamed over <path> only by tsv_close(), so a crash or a die() never
 * leaves a half-written file that make would take for fresh.
 *
 * Summary files of numbers quoted in the prose use two columns, key and
 * value: tsv_columns(t, "key\tvalue") then tsv_kv() per number. */
#ifndef CORE_TSV_H
#define CORE_TSV_H

#include <stddef.h>

typedef struct tsv tsv_t;

/* Opens <path>.tmp and writes the standard header: program (argv[0]'s
 * base name), commit ($NOETHER_COMMIT), the command line, and the
 * parameters in effect (set by args_parse; see args.h).  Returns NULL
 * (errno set) if the file cannot be created. */
tsv_t *tsv_open(const char *path, int argc, char **argv);
/* Same, but dies with a message naming the file on failure. */
tsv_t *tsv_create(const char *path, int argc, char **argv);
/* tsv_create with the path given as printf does: ("%s/toy.tsv", dir). */
tsv_t *tsv_createf(int argc, char **argv, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The text of the "# parameters:" header line of files opened from now on
 * (args_parse sets it; NULL: no such line).  The text is copied. */
void tsv_set_parameters(const char *text);

/* One "# " header line. */
void tsv_comment(tsv_t *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The column-name line, e.g. "t\tenergy_error\tL_error". */
void tsv_columns(tsv_t *t, const char *names);
/* A row of n numbers, %.17g, tab-separated. */
void tsv_row(tsv_t *t, size_t n, const double *v);
/* A row given as arguments: tsv_rowv(t, 3, a, b, c). */
void tsv_rowv(tsv_t *t, size_t n, ...);
/* A free-form line (no newline needed); for rows that mix text and numbers. */
void tsv_line(tsv_t *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* key<TAB>value with %.17g. */
void tsv_kv(tsv_t *t, const char *key, double value);
/* The same with the key formatted: tsv_kvf(t, v, "dQ_%d", e) (at most 127 characters). */
void tsv_kvf(tsv_t *t, double value, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* key<TAB>text, for values that are words or formulas. */
void tsv_kv_text(tsv_t *t, const char *key, const char *text);

/* Flushes, checks for write errors, renames <path>.tmp to <path>.
 * Returns 0, or -1 with errno set (the temp file is removed). */
int  tsv_close(tsv_t *t);
/* tsv_close, dying with a message naming the file on failure. */
void tsv_finish(tsv_t *t);
/* Removes the temp files of every writer still open (called by die()). */
void tsv_discard_all(void);

#endif
