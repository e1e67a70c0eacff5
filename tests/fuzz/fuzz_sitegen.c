/* fuzz_sitegen.c: libFuzzer harness for the site generator's front end
 * (src/site: front matter, md4c callbacks, prose, citations, references,
 * math spans, the `=value`, figure and excerpt directives).
 *
 * The first byte picks the command (even: `page`, odd: `deps`); the rest is
 * written as a chapter, chapters/01-fuzz.md in a scratch directory, and run
 * through sitegen_main() from the repository root, so directives can name the
 * real data, figures and sources.  Math is "rendered" by a stand-in that
 * returns the escaped TeX (and rejects TeX containing \fuzzbad, to walk the
 * KaTeX-error path), so node never starts.  A rejected page makes the md4c
 * callbacks return non-zero and sitegen_main return 1, having freed all it
 * allocated: the harness runs with LeakSanitizer on, so a leak on any error
 * path is a finding.  Checked beyond "no crash, no sanitizer report": the
 * exit status is 0 or 1, a failed `page` leaves no page behind, a successful
 * one leaves one. */
#define _GNU_SOURCE
#include "site/buf.h"
#include "site/sitegen.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>
#include <unistd.h>

static char dir[64], in_path[128], out_path[128], deps_path[128];

static int fake_math(size_t n, char *const *tex, const int *display, katex_result_t *res,
                     char *err, size_t errsz)
{
    for (size_t i = 0; i < n; i++) {
        res[i].html = res[i].error = res[i].warnings = NULL;
        if (strstr(tex[i], "\\fuzzbad")) {
            res[i].error = site_xstrndup("Undefined control sequence: \\fuzzbad", 36);
            continue;
        }
        buf_t b;
        buf_init(&b);
        buf_puts(&b, display[i] ? "<span class=\"katex-display\">" : "<span class=\"katex\">");
        buf_esc(&b, tex[i], strlen(tex[i]));
        buf_puts(&b, "</span>");
        res[i].html = buf_steal(&b);
    }
    (void)err;
    (void)errsz;
    return 0;
}

static void cleanup(void)
{
    unlink(in_path);
    unlink(out_path);
    unlink(deps_path);
    char chapters[128];
    snprintf(chapters, sizeof chapters, "%s/chapters", dir);
    rmdir(chapters);
    rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    sitegen_math_hook = fake_math;
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/fuzz-sitegen.XXXXXX", tmp && strlen(tmp) < 30 ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        perror("fuzz_sitegen: mkdtemp");
        exit(1);
    }
    char chapters[128];
    snprintf(chapters, sizeof chapters, "%s/chapters", dir);
    mkdir(chapters, 0777);
    snprintf(in_path, sizeof in_path, "%s/01-fuzz.md", chapters);
    snprintf(out_path, sizeof out_path, "%s/01-fuzz.html", dir);
    snprintf(deps_path, sizeof deps_path, "%s/01-fuzz.deps", dir);
    atexit(cleanup);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    int deps = data[0] & 1;
    FILE *f = fopen(in_path, "wb");
    if (!f || fwrite(data + 1, 1, size - 1, f) != size - 1 || fclose(f) != 0) {
        perror("fuzz_sitegen: writing the chapter");
        abort();
    }
    unlink(out_path);
    char *page_argv[] = {"sitegen", "page", in_path, "-o", out_path, NULL};
    char *deps_argv[] = {"sitegen", "deps", in_path, "-o", deps_path, "--target", "site/01-fuzz.html", NULL};
    int status = sitegen_main(deps ? 7 : 5, deps ? deps_argv : page_argv);
    if (status != 0 && status != 1) {
        fprintf(stderr, "fuzz_sitegen: exit status %d\n", status);
        abort();
    }
    if (deps && status != 0) {
        fprintf(stderr, "fuzz_sitegen: deps failed on a readable chapter\n");
        abort();
    }
    if (!deps) {
        int exists = access(out_path, F_OK) == 0;
        if (status != 0 && exists) {
            fprintf(stderr, "fuzz_sitegen: a failed page left %s behind\n", out_path);
            abort();
        }
        if (status == 0 && !exists) {
            fprintf(stderr, "fuzz_sitegen: page reported success but wrote nothing\n");
            abort();
        }
    }
    return 0;
}
