/* args.c: the command-line parser, usage text and TSV parameter line, all
 * from one table of options (see args.h). */
#include "core/args.h"
#include "core/tsv.h"
#include "core/util.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char ARG_REQUIRED[] = "(required)";

/* ------------------------------------------------------------ text */

typedef struct {
    char *s;
    size_t len, cap;
} text_t;

static void put(text_t *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(text_t *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (t->len + (size_t)n + 1 > t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 256;
        while (cap < t->len + (size_t)n + 1)
            cap *= 2;
        char *s = xmalloc(cap);
        if (t->s)
            memcpy(s, t->s, t->len + 1);
        free(t->s);
        t->s = s;
        t->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
    va_end(ap);
    t->len += (size_t)n;
}

/* "--out-dir" for the field out_dir. */
static const char *opt_name(const arg_spec_t *a)
{
    static char name[4][128];
    static int k;
    char *p = name[k++ % 4];
    snprintf(p, sizeof name[0], "--%s", a->field);
    for (char *c = p + 2; *c; c++)
        if (*c == '_')
            *c = '-';
    return p;
}

static int matches(const arg_spec_t *a, const char *arg)
{
    if (arg[0] != '-' || arg[1] != '-')
        return 0;
    const char *f = a->field, *s = arg + 2;
    for (; *f && *s; f++, s++)
        if (*s != (*f == '_' ? '-' : *f))
            return 0;
    return !*f && !*s;
}

static const char *metavar(const arg_spec_t *a)
{
    switch (a->type) {
    case ARG_T_DOUBLE: return "X";
    case ARG_T_LONG:
    case ARG_T_INT: return "N";
    case ARG_T_STRING: return "TEXT";
    case ARG_T_FLAG: return "";
    case ARG_T_CHOICE: return a->choices;
    case ARG_T_DOUBLES: return "X,X,...";
    case ARG_T_INTS: return "N,N,...";
    case ARG_T_REST: return a->def;
    }
    return "";
}

static const arg_spec_t *rest_spec(const arg_spec_t *spec)
{
    for (const arg_spec_t *a = spec; a->field; a++)
        if (a->type == ARG_T_REST)
            return a;
    return NULL;
}

const char *args_usage(const arg_spec_t *spec, const char *about)
{
    static text_t t;
    t.len = 0;
    const arg_spec_t *rest = rest_spec(spec);
    put(&t, "usage: %s [options]%s%s\n", util_progname(), rest ? " " : "", rest ? rest->def : "");
    if (about && *about)
        put(&t, "%s%s", about, about[strlen(about) - 1] == '\n' ? "" : "\n");
    put(&t, "\n");
    for (const arg_spec_t *a = spec; a->field; a++) {
        char left[160];
        if (a->type == ARG_T_REST)
            snprintf(left, sizeof left, "%s", a->def);
        else
            snprintf(left, sizeof left, "%s%s%s", opt_name(a), a->type == ARG_T_FLAG ? "" : " ",
                     metavar(a));
        put(&t, "  %-24s%s%s", left, strlen(left) > 24 ? "\n                          " : "",
            a->help ? a->help : "");
        if (a->type == ARG_T_REST)
            put(&t, " (one or more)");
        else if (a->def == ARG_REQUIRED)
            put(&t, " (required)");
        else if (a->def && a->def[0] == '-' && a->def[1] == '-')
            put(&t, " (default: as %s)", a->def);
        else if (a->def)
            put(&t, " (default %s)", a->def);
        put(&t, "\n");
    }
    put(&t, "  %-24s%s\n", "--help", "print this text and exit");
    return t.s;
}

/* ------------------------------------------------------------ values */

static double parse_double(const char *opt, const char *v, const char *what)
{
    char *end;
    errno = 0;
    double x = strtod(v, &end);
    if (end == v || *end || errno || !isfinite(x))
        die("%s %s: '%s' is not a finite number", what, opt, v);
    return x;
}

static long parse_long(const char *opt, const char *v, const char *what, long lo, long hi)
{
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (end == v || *end || errno)
        die("%s %s: '%s' is not an integer", what, opt, v);
    if (x < lo || x > hi)
        die("%s %s: %s is out of range [%ld, %ld]", what, opt, v, lo, hi);
    return x;
}

/* "0,4e-3,2e-2": up to ARG_LIST_MAX numbers; ints if v is NULL. */
static int parse_list(const char *opt, const char *text, const char *what, double *d, int *iv)
{
    int n = 0;
    const char *p = text;
    char item[128];
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == 0 || len >= sizeof item)
            die("%s %s: '%s' is not a comma-separated list of %s", what, opt, text,
                d ? "numbers" : "integers");
        if (n == ARG_LIST_MAX)
            die("%s %s: '%s' has more than %d values", what, opt, text, ARG_LIST_MAX);
        memcpy(item, p, len);
        item[len] = 0;
        if (d)
            d[n++] = parse_double(opt, item, what);
        else
            iv[n++] = (int)parse_long(opt, item, what, INT_MIN, INT_MAX);
        if (!comma)
            return n;
        p = comma + 1;
    }
}

static int parse_choice(const arg_spec_t *a, const char *v, const char *what)
{
    const char *p = a->choices;
    size_t n = strlen(v);
    for (int k = 0;; k++) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == n && strncmp(p, v, n) == 0)
            return k;
        if (!bar)
            break;
        p = bar + 1;
    }
    die("%s %s: '%s' is not one of %s", what, opt_name(a), v, a->choices);
}

static void store(const arg_spec_t *a, void *opts, const char *v, int given)
{
    char *field = (char *)opts + a->offset;
    const char *what = given ? "option" : "default of";
    const char *opt = opt_name(a);
    switch (a->type) {
    case ARG_T_DOUBLE: *(double *)field = parse_double(opt, v, what); break;
    case ARG_T_LONG: *(long *)field = parse_long(opt, v, what, LONG_MIN, LONG_MAX); break;
    case ARG_T_INT: *(int *)field = (int)parse_long(opt, v, what, INT_MIN, INT_MAX); break;
    case ARG_T_STRING: *(const char **)field = v; break;
    case ARG_T_FLAG: *(int *)field = v != NULL; break;
    case ARG_T_CHOICE: *(int *)field = parse_choice(a, v, what); break;
    case ARG_T_DOUBLES: {
        arg_doubles_t *l = (arg_doubles_t *)field;
        l->n = v ? parse_list(opt, v, what, l->v, NULL) : 0;
        l->text = v;
        break;
    }
    case ARG_T_INTS: {
        arg_ints_t *l = (arg_ints_t *)field;
        l->n = v ? parse_list(opt, v, what, NULL, l->v) : 0;
        l->text = v;
        break;
    }
    case ARG_T_REST: break;
    }
}

/* A value as it would be typed in a shell. */
static void put_word(text_t *t, const char *v)
{
    int plain = *v != 0;
    for (const char *c = v; *c; c++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._,/:=+-@%", *c))
            plain = 0;
    if (plain) {
        put(t, " %s", v);
        return;
    }
    put(t, " '");
    for (const char *c = v; *c; c++)
        put(t, *c == '\'' ? "'\\''" : "%c", *c);
    put(t, "'");
}

/* ------------------------------------------------------------ parse */

void args_parse(const arg_spec_t *spec, void *opts, int argc, char **argv, const char *about)
{
    util_set_progname(argc > 0 ? argv[0] : "noether");
    int n = 0;
    while (spec[n].field)
        n++;
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(args_usage(spec, about), stdout);
            exit(0);
        }

    /* The text of each option's value: from argv, or NULL (not given). */
    const char **text = xcalloc((size_t)n + 1, sizeof *text);
    static char **rest;
    free(rest);
    rest = xcalloc((size_t)argc + 1, sizeof *rest);
    int nrest = 0;
    const arg_spec_t *rs = rest_spec(spec);
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (arg[0] != '-' || arg[1] != '-' || arg[2] == 0) {
            if (!rs)
                die("unexpected argument '%s' (%s --help lists the options)", arg, util_progname());
            rest[nrest++] = argv[i];
            continue;
        }
        int k = 0;
        while (k < n && (spec[k].type == ARG_T_REST || !matches(&spec[k], arg)))
            k++;
        if (k == n)
            die("unknown option '%s' (%s --help lists the options)", arg, util_progname());
        if (text[k])
            die("option %s given twice", arg);
        if (spec[k].type == ARG_T_FLAG) {
            text[k] = "";
            continue;
        }
        if (i + 1 >= argc)
            die("option %s needs a value", arg);
        text[k] = argv[++i];
    }

    /* Defaults: "--other" takes the other option's value (resolved in
     * passes, so a chain of such defaults works in any order). */
    int *given = xcalloc((size_t)n + 1, sizeof *given);
    for (int k = 0; k < n; k++)
        given[k] = text[k] != NULL;
    for (int pass = 0; pass <= n; pass++)
        for (int k = 0; k < n; k++) {
            const char *d = spec[k].def;
            if (text[k] || spec[k].type == ARG_T_FLAG || spec[k].type == ARG_T_REST || !d ||
                d == ARG_REQUIRED)
                continue;
            if (d[0] == '-' && d[1] == '-') {
                for (int j = 0; j < n; j++)
                    if (j != k && spec[j].type != ARG_T_REST && matches(&spec[j], d))
                        text[k] = text[j];
            } else {
                text[k] = d;
            }
        }
    for (int k = 0; k < n; k++) {
        const arg_spec_t *a = &spec[k];
        if (a->type == ARG_T_REST) {
            if (nrest == 0)
                die("missing %s (%s --help lists the options)", a->def, util_progname());
            arg_rest_t *r = (arg_rest_t *)((char *)opts + a->offset);
            r->n = nrest;
            r->v = rest;
            continue;
        }
        if (!text[k] && a->def == ARG_REQUIRED)
            die("option %s is required (%s --help lists the options)", opt_name(a), util_progname());
        int needs_value = a->type != ARG_T_STRING && a->type != ARG_T_FLAG &&
                          a->type != ARG_T_DOUBLES && a->type != ARG_T_INTS;
        if (!text[k] && needs_value)   /* a table error: a number or a choice needs a default */
            die("option %s has no value and no default", opt_name(a));
        store(a, opts, text[k], given[k]);
    }

    /* The parameter line for the TSV headers: every option in effect. */
    text_t line = {0};
    put(&line, "%s", "");
    for (int k = 0; k < n; k++) {
        const arg_spec_t *a = &spec[k];
        if (a->type == ARG_T_REST || !text[k])
            continue;
        put(&line, " %s", opt_name(a));
        if (a->type != ARG_T_FLAG)
            put_word(&line, text[k]);
    }
    for (int i = 0; i < nrest; i++)
        put_word(&line, rest[i]);
    tsv_set_parameters(line.s);
    free(line.s);
    free(text);
    free(given);
}
