/* args.h: table-driven command lines.  A program lists its options once, in
 * a table of (name, type, default, help) bound to the fields of its own
 * options struct; from that one table come the parser, the `--help` text and
 * the "# parameters:" line of every TSV file the program writes afterwards.
 *
 *   typedef struct { int n; double lr; long seed; const char *out; } opts_t;
 *   static const arg_spec_t options[] = {
 *       ARG_INT(opts_t, n, "256", "training samples"),
 *       ARG_DOUBLE(opts_t, lr, "0.05", "step size"),
 *       ARG_LONG(opts_t, seed, "1", "seed of every random stream"),
 *       ARG_STRING(opts_t, out, ARG_REQUIRED, "output file"),
 *       ARG_END
 *   };
 *   opts_t o;
 *   args_parse(options, &o, argc, argv, "One line on what the program does.");
 *
 * The option is the field's name with '_' written '-' (`out_dir` is
 * `--out-dir`).  A default is the text one would type on the command line,
 * parsed like it; ARG_REQUIRED makes the option mandatory; NULL leaves a
 * string NULL (an optional file, say) and a list empty, and is not allowed
 * for numbers and choices; "--other" defaults to the value of option
 * --other.  The ARG_* macros check at compile time that the field has
 * the C type the option stores.
 *
 * Command line: `--name value` pairs and `--flag`s, in any order, each at
 * most once; `--help` or `-h` prints the usage and exits 0.  An unknown
 * option, a missing value, a malformed or out-of-range number, a choice
 * outside its list, a missing required option or a repeated one: a message
 * naming the option, then exit 1 (args_parse runs on main's path only).
 *
 * The parameter line lists every option with its value in effect, defaults
 * included, so that the file alone says how to rerun it:
 *   # parameters: --n 256 --lr 0.05 --seed 1 --out data/x.tsv */
#ifndef CORE_ARGS_H
#define CORE_ARGS_H

#include <stddef.h>

typedef enum {
    ARG_T_DOUBLE,   /* double, finite */
    ARG_T_LONG,     /* long */
    ARG_T_INT,      /* int */
    ARG_T_STRING,   /* const char * (into argv or the table) */
    ARG_T_FLAG,     /* int: 1 if given (takes no value), else 0 */
    ARG_T_CHOICE,   /* int: index of the value in the '|'-separated choices */
    ARG_T_DOUBLES,  /* arg_doubles_t: comma-separated numbers */
    ARG_T_INTS,     /* arg_ints_t: comma-separated integers */
    ARG_T_REST      /* arg_rest_t: the positional arguments (at most one entry) */
} arg_type_t;

#define ARG_LIST_MAX 64
/* A list and the text it was parsed from (NULL when absent: n = 0). */
typedef struct { int n; double v[ARG_LIST_MAX]; const char *text; } arg_doubles_t;
typedef struct { int n; int v[ARG_LIST_MAX]; const char *text; } arg_ints_t;
typedef struct { int n; char **v; } arg_rest_t;   /* v points into argv */

typedef struct {
    const char *field;     /* field name; the option is "--" + field, '_' -> '-' */
    arg_type_t type;
    size_t offset;         /* of the field in the options struct */
    const char *def;       /* default (see above) */
    const char *help;      /* one line */
    const char *choices;   /* ARG_T_CHOICE: "sgd|adam"; else NULL */
} arg_spec_t;

/* The default of a mandatory option. */
extern const char ARG_REQUIRED[];

/* offsetof(st, f), refused at compile time unless field f has type T. */
#define ARG_OFFSET_(st, f, T) \
    (offsetof(st, f) + 0 * sizeof(char[_Generic(((st *)0)->f, T: 1, default: -1)]))
#define ARG_ENTRY_(st, f, type, T, def, help, ch) \
    { #f, type, ARG_OFFSET_(st, f, T), def, help, ch }

#define ARG_DOUBLE(st, f, def, help)  ARG_ENTRY_(st, f, ARG_T_DOUBLE, double, def, help, NULL)
#define ARG_LONG(st, f, def, help)    ARG_ENTRY_(st, f, ARG_T_LONG, long, def, help, NULL)
#define ARG_INT(st, f, def, help)     ARG_ENTRY_(st, f, ARG_T_INT, int, def, help, NULL)
#define ARG_STRING(st, f, def, help)  ARG_ENTRY_(st, f, ARG_T_STRING, const char *, def, help, NULL)
#define ARG_FLAG(st, f, help)         ARG_ENTRY_(st, f, ARG_T_FLAG, int, NULL, help, NULL)
#define ARG_CHOICE(st, f, choices, def, help) \
    ARG_ENTRY_(st, f, ARG_T_CHOICE, int, def, help, choices)
#define ARG_DOUBLES(st, f, def, help) ARG_ENTRY_(st, f, ARG_T_DOUBLES, arg_doubles_t, def, help, NULL)
#define ARG_INTS(st, f, def, help)    ARG_ENTRY_(st, f, ARG_T_INTS, arg_ints_t, def, help, NULL)
/* Positional arguments; def is the usage's name for them ("RUNDIR..."), and
 * at least one is required. */
#define ARG_REST(st, f, metavar, help) ARG_ENTRY_(st, f, ARG_T_REST, arg_rest_t, metavar, help, NULL)
#define ARG_END { NULL, ARG_T_FLAG, 0, NULL, NULL, NULL }

/* Fills *opts from the command line and the table's defaults, sets the
 * program name (util_progname) and the TSV parameter line (tsv_open writes
 * it); prints the usage and exits 0 on --help, dies on a bad command line.
 * `about` (may be NULL, may hold newlines) follows the usage line. */
void args_parse(const arg_spec_t *spec, void *opts, int argc, char **argv, const char *about);

/* The usage text (what --help prints), in a static buffer; for tests. */
const char *args_usage(const arg_spec_t *spec, const char *about);

#endif
