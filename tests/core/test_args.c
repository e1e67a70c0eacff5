/* test_args.c: the table-driven command line (core/args.h): values and
 * defaults land in the options struct, every kind of bad command line dies
 * with one message naming the option, --help prints the usage generated from
 * the table and exits 0, and the TSV header carries the parameter line. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/args.h"
#include "core/tsv.h"
#include "core/util.h"

typedef struct {
    double lr, eta3;
    long seed;
    int n, adam, verbose;
    const char *out, *curve;
    arg_doubles_t etas;
    arg_ints_t units;
} opts_t;

static const arg_spec_t spec[] = {
    ARG_DOUBLE(opts_t, lr, "0.05", "step size"),
    ARG_DOUBLE(opts_t, eta3, "--lr", "step size of the last layer"),
    ARG_LONG(opts_t, seed, "20210301", "seed"),
    ARG_INT(opts_t, n, "256", "samples"),
    ARG_CHOICE(opts_t, adam, "sgd|adam", "sgd", "optimizer"),
    ARG_FLAG(opts_t, verbose, "say more"),
    ARG_STRING(opts_t, out, ARG_REQUIRED, "output file"),
    ARG_STRING(opts_t, curve, NULL, "optional second output"),
    ARG_DOUBLES(opts_t, etas, "0.1,0.05,2.5e-2", "step sizes"),
    ARG_INTS(opts_t, units, NULL, "units to follow"),
    ARG_END
};

/* argv from a NULL-terminated list of words; argv[0] = "prog". */
static int make_argv(char **argv, const char *const *words)
{
    int argc = 0;
    argv[argc++] = (char *)"prog";
    while (*words)
        argv[argc++] = (char *)*words++;
    argv[argc] = NULL;
    return argc;
}

/* Runs args_parse in a child; returns its exit status (0 if args_parse
 * returned) and its stdout or stderr (whichever has text) in msg. */
static int run(const char *const *words, char *msg, size_t len)
{
    int pipefd[2];
    cr_assert_eq(pipe(pipefd), 0);
    fflush(NULL);
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        dup2(pipefd[1], 1);
        dup2(pipefd[1], 2);
        close(pipefd[0]);
        char *argv[32];
        int argc = make_argv(argv, words);
        opts_t o;
        args_parse(spec, &o, argc, argv, "A test program.");
        fflush(NULL);
        _exit(0);
    }
    close(pipefd[1]);
    size_t n = 0;
    ssize_t r;
    while (n + 1 < len && (r = read(pipefd[0], msg + n, len - 1 - n)) > 0)
        n += (size_t)r;
    msg[n] = 0;
    close(pipefd[0]);
    /* drop lines a sanitizer adds at the child's exit ("==pid==...") */
    char *w = msg;
    for (char *l = msg; *l;) {
        char *e = strchr(l, '\n');
        size_t len = e ? (size_t)(e - l + 1) : strlen(l);
        if (strncmp(l, "==", 2) != 0) {
            memmove(w, l, len);
            w += len;
        }
        l += len;
    }
    *w = 0;
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static void parse(opts_t *o, const char *const *words)
{
    char *argv[32];
    int argc = make_argv(argv, words);
    args_parse(spec, o, argc, argv, NULL);
}

Test(args, defaults)
{
    opts_t o;
    parse(&o, (const char *[]){"--out", "x.tsv", NULL});
    cr_assert_eq(o.lr, 0.05);
    cr_assert_eq(o.eta3, 0.05);
    cr_assert_eq(o.seed, 20210301);
    cr_assert_eq(o.n, 256);
    cr_assert_eq(o.adam, 0);
    cr_assert_eq(o.verbose, 0);
    cr_assert_str_eq(o.out, "x.tsv");
    cr_assert_null(o.curve);
    cr_assert_eq(o.etas.n, 3);
    cr_assert_eq(o.etas.v[0], 0.1);
    cr_assert_eq(o.etas.v[1], 0.05);
    cr_assert_eq(o.etas.v[2], 0.025);
    cr_assert_str_eq(o.etas.text, "0.1,0.05,2.5e-2");
    cr_assert_eq(o.units.n, 0);
    cr_assert_null(o.units.text);
}

Test(args, values_in_any_order)
{
    opts_t o;
    parse(&o, (const char *[]){"--units", "0,2,-7", "--verbose", "--adam", "adam", "--lr", "2.385",
                               "--n", "-3", "--out", "o", "--curve", "c", "--seed", "-1",
                               "--etas", "1e-3", NULL});
    cr_assert_eq(o.lr, 2.385);
    cr_assert_eq(o.eta3, 2.385, "a default naming another option takes its value");
    cr_assert_eq(o.n, -3);
    cr_assert_eq(o.seed, -1);
    cr_assert_eq(o.adam, 1);
    cr_assert_eq(o.verbose, 1);
    cr_assert_str_eq(o.curve, "c");
    cr_assert_eq(o.etas.n, 1);
    cr_assert_eq(o.etas.v[0], 1e-3);
    cr_assert_eq(o.units.n, 3);
    cr_assert_eq(o.units.v[2], -7);
    parse(&o, (const char *[]){"--out", "o", "--eta3", "0.25", NULL});
    cr_assert_eq(o.eta3, 0.25);
    cr_assert_eq(o.lr, 0.05);
}

static void expect_death(const char *const *words, const char *needle)
{
    char msg[4096];
    int rc = run(words, msg, sizeof msg);
    cr_assert_eq(rc, 1, "exit status %d for '%s'", rc, needle);
    cr_assert(strncmp(msg, "prog: ", 6) == 0, "message starts with the program: %s", msg);
    cr_assert_not_null(strstr(msg, needle), "'%s' not in: %s", needle, msg);
    cr_assert_eq(strchr(msg, '\n'), msg + strlen(msg) - 1, "one line: %s", msg);
}

Test(args, bad_command_lines)
{
    expect_death((const char *[]){"--out", "o", "--no-such-option", "1", NULL},
                 "unknown option '--no-such-option'");
    expect_death((const char *[]){"--out", "o", "--lr", NULL}, "option --lr needs a value");
    expect_death((const char *[]){"--out", "o", "--lr", "12x", NULL}, "--lr: '12x' is not a finite number");
    expect_death((const char *[]){"--out", "o", "--lr", "inf", NULL}, "--lr: 'inf'");
    expect_death((const char *[]){"--out", "o", "--lr", "", NULL}, "--lr: ''");
    expect_death((const char *[]){"--out", "o", "--seed", "1.5", NULL}, "--seed: '1.5' is not an integer");
    expect_death((const char *[]){"--out", "o", "--n", "3000000000", NULL}, "--n: 3000000000 is out of range");
    expect_death((const char *[]){"--out", "o", "--adam", "rmsprop", NULL},
                 "--adam: 'rmsprop' is not one of sgd|adam");
    expect_death((const char *[]){"--lr", "1", NULL}, "option --out is required");
    expect_death((const char *[]){"--out", "o", "--lr", "1", "--lr", "2", NULL}, "option --lr given twice");
    expect_death((const char *[]){"--out", "o", "stray", NULL}, "unexpected argument 'stray'");
    expect_death((const char *[]){"--out", "o", "--etas", "0.1,,0.2", NULL},
                 "--etas: '0.1,,0.2' is not a comma-separated list");
    expect_death((const char *[]){"--out", "o", "--etas", "0.1,x", NULL}, "--etas: 'x' is not a finite number");
    expect_death((const char *[]){"--out", "o", "--units", "1,2.5", NULL}, "--units: '2.5' is not an integer");
    expect_death((const char *[]){"--out", "o", "--out_dir", "d", NULL}, "unknown option '--out_dir'");
}

Test(args, help_exits_zero_with_the_table)
{
    char msg[8192];
    cr_assert_eq(run((const char *[]){"--lr", "bad", "--help", NULL}, msg, sizeof msg), 0);
    cr_assert(strncmp(msg, "usage: prog [options]\nA test program.\n", 38) == 0, "%s", msg);
    const char *lines[] = {"--lr X", "step size (default 0.05)", "--eta3 X", "(default: as --lr)",
                           "--adam sgd|adam", "optimizer (default sgd)", "--verbose ", "say more\n",
                           "--out TEXT", "output file (required)", "--etas X,X,...",
                           "(default 0.1,0.05,2.5e-2)", "--units N,N,...", "units to follow\n",
                           "--help"};
    for (size_t i = 0; i < sizeof lines / sizeof *lines; i++)
        cr_assert_not_null(strstr(msg, lines[i]), "'%s' not in the usage:\n%s", lines[i], msg);
    cr_assert_eq(run((const char *[]){"-h", NULL}, msg, sizeof msg), 0);
}

/* A table that forgets a number's default. */
typedef struct {
    int n;
} bad_opts_t;

static const arg_spec_t bad_spec[] = {
    ARG_INT(bad_opts_t, n, NULL, "no default"),
    ARG_END
};

Test(args, number_without_default_is_refused, .exit_code = 1)
{
    char *argv[] = {"prog", NULL};
    bad_opts_t o;
    args_parse(bad_spec, &o, 1, argv, NULL);
}

Test(args, number_without_default_given, .exit_code = 0)
{
    char *argv[] = {"prog", "--n", "7", NULL};
    bad_opts_t o;
    args_parse(bad_spec, &o, 3, argv, NULL);
    cr_assert_eq(o.n, 7);
}

typedef struct {
    int equal;
    const char *out;
    arg_rest_t dirs;
} rest_opts_t;

static const arg_spec_t rest_spec[] = {
    ARG_FLAG(rest_opts_t, equal, "equal compute"),
    ARG_STRING(rest_opts_t, out, ARG_REQUIRED, "prefix"),
    ARG_REST(rest_opts_t, dirs, "RUNDIR...", "run directories"),
    ARG_END
};

Test(args, positional_arguments)
{
    char *argv[] = {"prog", "a", "--out", "p", "b", "--equal", "c", NULL};
    rest_opts_t o;
    args_parse(rest_spec, &o, 7, argv, NULL);
    cr_assert_eq(o.equal, 1);
    cr_assert_str_eq(o.out, "p");
    cr_assert_eq(o.dirs.n, 3);
    cr_assert_str_eq(o.dirs.v[0], "a");
    cr_assert_str_eq(o.dirs.v[1], "b");
    cr_assert_str_eq(o.dirs.v[2], "c");
    const char *u = args_usage(rest_spec, NULL);
    cr_assert_not_null(strstr(u, "usage: prog [options] RUNDIR...\n"), "%s", u);
}

/* The header of a TSV file written after args_parse: program, commit and
 * command as before, then every parameter in effect, defaults included. */
Test(args, tsv_parameter_line)
{
    char dir[] = "/tmp/test_args_XXXXXX", path[300];
    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/a.tsv", dir);
    char *argv[] = {"build/bin/ch9/prog", "--out", path, "--adam", "adam", "--curve", "it's here", NULL};
    opts_t o;
    args_parse(spec, &o, 7, argv, NULL);
    setenv("NOETHER_COMMIT", "abc123", 1);
    tsv_t *t = tsv_create(path, 7, argv);
    tsv_columns(t, "x");
    tsv_rowv(t, 1, 2.5);
    tsv_finish(t);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f);
    char text[2048];
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = 0;
    fclose(f);
    char want[2048];
    snprintf(want, sizeof want,
             "# program: prog\n# commit: abc123\n# command: prog --out %s --adam adam --curve it's here\n"
             "# parameters: --lr 0.05 --eta3 0.05 --seed 20210301 --n 256 --adam adam --out %s"
             " --curve 'it'\\''s here' --etas 0.1,0.05,2.5e-2\nx\n2.5\n",
             path, path);
    cr_assert_str_eq(text, want);
    remove(path);
    rmdir(dir);
}
