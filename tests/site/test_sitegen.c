/* test_sitegen.c: the site generator, driven as a program (build/bin/sitegen)
 * on tests/site/fixtures/ and on small chapters written into a temporary
 * tree: each directive of chapters/README.md, HTML escaping, the inlined
 * figure's colours and ids, determinism, the dependency file, the index and
 * source views, and every error path, each with its "file:line: message" and
 * with no page (nor temp file) left behind. */
#define _XOPEN_SOURCE 700   /* mkdtemp, realpath, strndup, symlink */
#include <criterion/criterion.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SITEGEN_BIN
#define SITEGEN_BIN "build/bin/sitegen"
#endif

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    size_t got = fread(s, 1, (size_t)n, f);
    s[got] = '\0';
    fclose(f);
    return s;
}

static void spit(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    cr_assert(f, "cannot write %s", path);
    fputs(text, f);
    fclose(f);
}

/* A scratch tree: chapters/ (with the fixture's macros and bibliography),
 * figures/ (the fixture's files linked in), data -> fixture, src -> fixture,
 * and out/ for pages. */
typedef struct {
    char root[PATH_MAX];
    char out[PATH_MAX + 16];
    char err[PATH_MAX + 16];
} tree_t;

static char fixture[PATH_MAX];

static void link_in(const char *dir, const char *name, const char *target)
{
    char p[2 * PATH_MAX];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    cr_assert_eq(symlink(target, p), 0, "symlink %s: %s", p, strerror(errno));
}

static void tree_make(tree_t *t)
{
    cr_assert(realpath("tests/site/fixtures", fixture), "run from the repository root");
    strcpy(t->root, "/tmp/sitegen-test-XXXXXX");
    cr_assert(mkdtemp(t->root));
    char p[2 * PATH_MAX], q[2 * PATH_MAX];
    snprintf(p, sizeof p, "%s/chapters", t->root);
    mkdir(p, 0777);
    snprintf(q, sizeof q, "%s/chapters/macros.tex", fixture);
    link_in(p, "macros.tex", q);
    snprintf(q, sizeof q, "%s/chapters/references.bib", fixture);
    link_in(p, "references.bib", q);
    snprintf(p, sizeof p, "%s/figures", t->root);
    mkdir(p, 0777);
    snprintf(q, sizeof q, "%s/figures/fx_wave.gp", fixture);
    link_in(p, "fx_wave.gp", q);
    snprintf(q, sizeof q, "%s/figures/fx_wave.svg", fixture);
    link_in(p, "fx_wave.svg", q);
    snprintf(q, sizeof q, "%s/data", fixture);
    link_in(t->root, "data", q);
    snprintf(q, sizeof q, "%s/src", fixture);
    link_in(t->root, "src", q);
    snprintf(t->out, sizeof t->out, "%s/out", t->root);
    mkdir(t->out, 0777);
    snprintf(t->err, sizeof t->err, "%s/stderr", t->root);
}

static void tree_free(tree_t *t)
{
    char cmd[PATH_MAX + 32];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", t->root);
    cr_assert_eq(system(cmd), 0);
}

/* Writes chapters/<name> with a standard front matter (5 lines) + body. */
static void chapter(tree_t *t, const char *name, const char *body)
{
    char p[2 * PATH_MAX];
    snprintf(p, sizeof p, "%s/chapters/%s", t->root, name);
    FILE *f = fopen(p, "wb");
    cr_assert(f);
    fputs("---\ntitle: Test\ndate: 2026-01-02\nabstract: A test.\n---\n", f);
    fputs(body, f);
    fclose(f);
}

/* Runs sitegen -C root ARGS; returns the exit status; *err gets stderr. */
static int run(tree_t *t, char **err, const char *fmt, ...)
{
    char args[4096], cmd[16384];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    snprintf(cmd, sizeof cmd, "%s -C '%s' %s 2>'%s'", SITEGEN_BIN, t->root, args, t->err);
    int st = system(cmd);
    cr_assert(WIFEXITED(st), "sitegen crashed: %s", cmd);
    if (err)
        *err = slurp(t->err);
    return WEXITSTATUS(st);
}

static int dir_is_empty(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return 1;
    struct dirent *e;
    int n = 0;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    return n == 0;
}

/* Renders the fixture chapter into out/, returns the page. */
static char *fixture_page(tree_t *t)
{
    char p[2 * PATH_MAX];
    snprintf(p, sizeof p, "%s/chapters/01-fixture.md", t->root);
    char src[PATH_MAX + 64];
    snprintf(src, sizeof src, "%s/chapters/01-fixture.md", fixture);
    link_in(t->root, "chapters/01-fixture.md", src);
    char *err = NULL;
    int rc = run(t, &err, "page chapters/01-fixture.md -o '%s/01-fixture.html'", t->out);
    cr_assert_eq(rc, 0, "sitegen failed: %s", err);
    free(err);
    snprintf(p, sizeof p, "%s/01-fixture.html", t->out);
    char *html = slurp(p);
    cr_assert(html);
    return html;
}

#define HAS(html, s) cr_expect(strstr((html), (s)) != NULL, "missing: %s", (s))
#define HASNT(html, s) cr_expect(strstr((html), (s)) == NULL, "unexpected: %s", (s))

/* ---------------------------------------------------------------- directives */

Test(sitegen, math_is_rendered_at_build_time)
{
    tree_t t;
    tree_make(&t);
    char *h = fixture_page(&t);
    HAS(h, "<span class=\"katex\">");
    HAS(h, "<annotation encoding=\"application/x-tex\">");   /* MathML for screen readers */
    HAS(h, "\\norm");        /* the TeX source kept in the annotation, macro used */
    HAS(h, "\xe2\x88\xa5");  /* \norm expanded through chapters/macros.tex to ∥ */
    HASNT(h, "katex-error");
    HASNT(h, "$$");
    HASNT(h, "<script");
    free(h);
    tree_free(&t);
}

Test(sitegen, numbered_equation_and_reference)
{
    tree_t t;
    tree_make(&t);
    char *h = fixture_page(&t);
    HAS(h, "<span class=\"eq\" id=\"eq:energy\" tabindex=\"0\" role=\"group\" aria-label=\"Equation (1)\">");
    HAS(h, "class=\"katex-tag\"");
    HAS(h, "<a class=\"xref\" href=\"#eq:energy\">(1)</a>");
    HASNT(h, "\\label");
    free(h);
    tree_free(&t);
}

Test(sitegen, citations_and_reference_list)
{
    tree_t t;
    tree_make(&t);
    char *h = fixture_page(&t);
    HAS(h, "<span class=\"cite\">[<a href=\"#ref-noether1918\">1</a>]</span>");
    HAS(h, "[<a href=\"#ref-arnold1989\">2</a>, ch. 4; <a href=\"#ref-gadzinski2024\">3</a>]");
    HAS(h, "<li id=\"ref-noether1918\">Emmy Noether (1918). <cite>Invariante Variationsprobleme</cite>.");
    HAS(h, "G\xc3\xb6ttingen");                                  /* {\"o} */
    HAS(h, "pp. 235\xe2\x80\x93" "257");                         /* -- */
    HAS(h, "Vladimir I. Arnol\xe2\x80\x99" "d and A. Weinstein (1989)");       /* Last, First */
    HAS(h, "<cite>Mathematical Methods of Classical Mechanics</cite>, 2nd edition. Springer.");  /* "..." and {} */
    HAS(h, "href=\"https://doi.org/10.1007/978-1-4757-2063-1\"");
    HAS(h, "href=\"https://arxiv.org/abs/physics/0503066\"");
    HAS(h, "href=\"https://cgad.ski/blog/where-is-noethers-principle-in-machine-learning.html\"");
    HAS(h, "Machine Learning?</cite> <a");                       /* no "?." */
    /* numbered by first use, the caption's citation reuses number 1 */
    const char *refs = strstr(h, "<section class=\"references\"");
    cr_assert(refs);
    cr_expect(strstr(refs, "ref-noether1918") < strstr(refs, "ref-arnold1989"));
    free(h);
    tree_free(&t);
}

Test(sitegen, sections_are_numbered_and_anchored)
{
    tree_t t;
    tree_make(&t);
    char *h = fixture_page(&t);
    HAS(h, "<h2 id=\"sec:setup\"><span class=\"secnum\">1</span> Setup</h2>");
    HAS(h, "<h3 id=\"section-1.1\"><span class=\"secnum\">1.1</span> A subsection</h3>");
    HAS(h, "<a class=\"xref\" href=\"#sec:setup\">Section\xc2\xa0" "1</a>");
    HAS(h, "<a class=\"xref\" href=\"#sec:later\">Section\xc2\xa0" "2</a>");   /* forward */
    HASNT(h, "{#sec:");
    free(h);
    tree_free(&t);
}

Test(sitegen, numbers_come_from_data)
{
    tree_t t;
    tree_make(&t);
    char *h = fixture_page(&t);
    HAS(h, "title=\"data/fx/summary.tsv: order_rk4\">3.98</span>");
    HAS(h, ">3.9812345678901234</span>");      /* as written, no format */
    HAS(h, ">12.3%</span>");                    /* :.1% */
    HAS(h, ">10000</span>");                    /* :d */
    HAS(h, ">leapfrog</span>");                 /* a word */
    HAS(h, ">\xe2\x88\x92" "3.2145e-05</span>");      /* :g is %.6g, with a real minus */
    HAS(h, "3.2 \\times 10^{-5}");              /* :.1e goes through KaTeX */
    HAS(h, "<code>code &lt;x&gt;</code>");      /* other code spans stay code */
    free(h);
    tree_free(&t);
}

Test(sitegen, figure_is_inlined_with_page_colours)
{
    tree_t t;
    tree_make(&t);
    char *h = fixture_page(&t);
    HAS(h, "<figure class=\"figure\" id=\"fig:wave\">");
    HAS(h, "class=\"plot\" role=\"img\" aria-label=\"A rising curve of points that follows a dashed parabola.\"");
    HAS(h, "<span class=\"figlabel\">Figure 1.</span> Measured");
    HAS(h, "<a class=\"xref\" href=\"#fig:wave\">Figure\xc2\xa0" "1</a>");
    HAS(h, "stroke:var(--fig-c1)");
    HAS(h, "stroke:var(--fig-c2)");
    HAS(h, "id='fig1-gpPt6'");
    HAS(h, "href='#fig1-gpPt6'");
    const char *svg = strstr(h, "<svg");
    const char *end = strstr(h, "</svg>");
    cr_assert(svg && end);
    char *s = strndup(svg, (size_t)(end - svg));
    HASNT(s, "font-family");
    HASNT(s, "rgb(  1,   1,   1)");
    HASNT(s, "rgb(  2,   2,   2)");
    HASNT(s, "\"black\"");
    HASNT(s, "'black'");
    HASNT(s, "rgb(0,0,0)");
    HASNT(s, "<title>Gnuplot</title>");
    HASNT(s, "<?xml");
    HAS(s, "currentColor");
    free(s);
    free(h);
    tree_free(&t);
}

Test(sitegen, figure_provenance_names_program_script_data_commit)
{
    tree_t t;
    tree_make(&t);
    char *h = fixture_page(&t);
    const char *p = strstr(h, "<details class=\"provenance\"><summary>How this figure was made</summary>\n<p>Drawn by");
    cr_assert(p, "the provenance lines are not in a closed <details>");
    HAS(p, "<a href=\"source/figures/fx_wave.gp.html\"><code>figures/fx_wave.gp</code></a>");
    HAS(p, "<a href=\"data/fx/wave.tsv\" download>");
    HAS(p, "<a href=\"source/src/experiments/fx/wave.c.html\">");
    HAS(p, "<code>wave --n 4 --seed 7</code> (seed 7) at commit <code>0123456789ab</code>");
    free(h);
    tree_free(&t);
}

Test(sitegen, caption_may_hold_math_citations_and_references)
{
    tree_t t;
    tree_make(&t);
    char *h = fixture_page(&t);
    const char *c = strstr(h, "<figcaption>");
    cr_assert(c);
    const char *e = strstr(c, "</figcaption>");
    char *cap = strndup(c, (size_t)(e - c));
    HAS(cap, "class=\"katex\"");
    HAS(cap, "href=\"#eq:energy\">(1)</a>");
    HAS(cap, "href=\"#ref-noether1918\">1</a>");
    free(cap);
    free(h);
    tree_free(&t);
}

Test(sitegen, excerpt_shows_the_marked_region_escaped)
{
    tree_t t;
    tree_make(&t);
    char *h = fixture_page(&t);
    HAS(h, "<figure class=\"excerpt\">");
    HAS(h, "static double step(double x, double h)\n{\n    double k = x &lt; 1 &amp;&amp; h &gt; 0 ? x : h;");
    HASNT(h, "excerpt: inner");      /* nested markers are not shown */
    HASNT(h, "end excerpt");
    HASNT(h, "#include");            /* nothing outside the region */
    HAS(h, "<a href=\"source/src/fx/demo.c.html#L5\"><code>src/fx/demo.c</code></a>, lines 5\xe2\x80\x93" "11");
    free(h);
    tree_free(&t);
}

Test(sitegen, html_is_escaped_and_markdown_rendered)
{
    tree_t t;
    tree_make(&t);
    char *h = fixture_page(&t);
    HAS(h, "<title>A fixture chapter: \xe2\x80\x9c" "every directive\xe2\x80\x9d &amp; &lt;escaping&gt; \xc2\xb7 ");
    HAS(h, "<h1>A fixture chapter: \xe2\x80\x9c" "every directive\xe2\x80\x9d &amp; &lt;escaping&gt;</h1>");
    HAS(h, "5 &lt; 6 &amp; \xe2\x80\x9cquotes\xe2\x80\x9d \xe2\x80\x93 and \xe2\x80\x98single\xe2\x80\x99 \xe2\x80\x94 dashes\xe2\x80\xa6");
    HAS(h, "<b>inline HTML</b>");                  /* raw HTML passes */
    HAS(h, "<a href=\"https://example.org/a?b=1&amp;c=2\" title=\"t\">link</a>");
    HAS(h, "<pre class=\"code\" tabindex=\"0\" role=\"region\" aria-label=\"Code block 1\"><code class=\"language-c\">"
           "int x = 1 &lt; 2;\n</code></pre>");
    HAS(h, "<th class=\"right\">order</th>");
    HAS(h, "</span>\xe2\x80\x99s apostrophe closes; <code>a == b</code> is plain code.");
    HAS(h, "<time datetime=\"2026-11-24\">2026-11-24</time> \xc2\xb7 Chapter 1");
    HAS(h, "<link rel=\"stylesheet\" href=\"assets/katex.min.css\">");
    free(h);
    tree_free(&t);
}

Test(sitegen, same_input_same_bytes)
{
    tree_t t;
    tree_make(&t);
    char *a = fixture_page(&t);
    char *err = NULL;
    cr_assert_eq(run(&t, &err, "page chapters/01-fixture.md -o '%s/again.html'", t.out), 0, "%s", err);
    char p[2 * PATH_MAX];
    snprintf(p, sizeof p, "%s/again.html", t.out);
    char *b = slurp(p);
    cr_assert(b);
    cr_expect(strcmp(a, b) == 0, "two runs gave different pages");
    free(a);
    free(b);
    free(err);
    tree_free(&t);
}

Test(sitegen, two_figures_have_distinct_ids)
{
    tree_t t;
    tree_make(&t);
    chapter(&t, "02-t.md",
            "```figure\nid: a\nsvg: fx_wave\ncaption: One.\nalt: One.\n```\n\n"
            "```figure\nid: b\nsvg: fx_wave\ncaption: Two.\nalt: Two.\n```\n\nSee @fig:b.\n");
    char *err;
    cr_assert_eq(run(&t, &err, "page chapters/02-t.md -o '%s/p.html'", t.out), 0, "%s", err);
    char p[2 * PATH_MAX];
    snprintf(p, sizeof p, "%s/p.html", t.out);
    char *h = slurp(p);
    HAS(h, "id='fig1-gpPt6'");
    HAS(h, "id='fig2-gpPt6'");
    HAS(h, "id=\"fig1-gnuplot_canvas\"");
    HAS(h, "id=\"fig2-gnuplot_canvas\"");
    HAS(h, "href=\"#fig:b\">Figure\xc2\xa0" "2</a>");
    free(h);
    free(err);
    tree_free(&t);
}

Test(sitegen, deps_file_names_figures_data_and_sources)
{
    tree_t t;
    tree_make(&t);
    char src[PATH_MAX + 64];
    snprintf(src, sizeof src, "%s/chapters/01-fixture.md", fixture);
    link_in(t.root, "chapters/01-fixture.md", src);
    char *err;
    cr_assert_eq(run(&t, &err, "deps chapters/01-fixture.md -o '%s/f.d' --target site/01-fixture.html", t.out), 0,
                 "%s", err);
    char p[2 * PATH_MAX];
    snprintf(p, sizeof p, "%s/f.d", t.out);
    char *d = slurp(p);
    cr_assert(d);
    HAS(d, "site/01-fixture.html:");
    HAS(d, " figures/fx_wave.svg");
    HAS(d, " figures/fx_wave.gp");
    HAS(d, " data/fx/wave.tsv");
    HAS(d, " site/data/fx/wave.tsv");
    HAS(d, " data/fx/summary.tsv");
    HAS(d, " src/fx/demo.c");
    HAS(d, "/f.d: chapters/01-fixture.md figures/fx_wave.gp\n");
    HAS(d, "\nsrc/fx/demo.c:\n");
    HAS(d, "\nfigures/fx_wave.svg:\n");
    HAS(d, "\ndata/fx/summary.tsv:\n");
    HASNT(d, "\nsite/data/fx/wave.tsv:\n");
    free(d);
    free(err);
    tree_free(&t);
}

Test(sitegen, deps_mode_does_not_need_generated_files)
{
    tree_t t;
    tree_make(&t);
    char p[2 * PATH_MAX];
    snprintf(p, sizeof p, "%s/figures/fx_later.gp", t.root);
    spit(p, "plot \"data/fx/later.tsv\" u 1:2 w l ls 1\n");
    chapter(&t, "03-t.md",
            "```figure\nid: l\nsvg: fx_later\ncaption: Later.\nalt: Later.\n```\n\n"
            "Value `=fx/not_yet:key:.2f`.\n");
    char *err;
    cr_assert_eq(run(&t, &err, "deps chapters/03-t.md -o '%s/l.d' --target site/03-t.html", t.out), 0, "%s", err);
    snprintf(p, sizeof p, "%s/l.d", t.out);
    char *d = slurp(p);
    cr_assert(d);
    HAS(d, " figures/fx_later.svg");
    HAS(d, " data/fx/later.tsv");
    HAS(d, " data/fx/not_yet.tsv");
    free(d);
    free(err);
    tree_free(&t);
}

Test(sitegen, index_lists_chapters_with_abstracts)
{
    tree_t t;
    tree_make(&t);
    char src[PATH_MAX + 64], idx[PATH_MAX];
    snprintf(src, sizeof src, "%s/chapters/01-fixture.md", fixture);
    link_in(t.root, "chapters/01-fixture.md", src);
    cr_assert(realpath("src/site/index.md", idx));
    char *err;
    cr_assert_eq(run(&t, &err, "index '%s' chapters/01-fixture.md -o '%s/index.html'", idx, t.out), 0, "%s", err);
    char p[2 * PATH_MAX];
    snprintf(p, sizeof p, "%s/index.html", t.out);
    char *h = slurp(p);
    cr_assert(h);
    HAS(h, "<title>Noether\xe2\x80\x99s theorem in machine learning</title>");
    HAS(h, "<h2>Chapters</h2>");
    HAS(h, "<li value=\"1\"><a href=\"01-fixture.html\">");
    HAS(h, "class=\"katex\"");                 /* the abstract's $E = mc^2$ */
    HAS(h, "Reproduce this");
    HAS(h, "make test");
    HASNT(h, "<!-- chapters -->");
    free(h);
    free(err);
    tree_free(&t);
}

Test(sitegen, source_view_has_line_anchors)
{
    tree_t t;
    tree_make(&t);
    char *err;
    cr_assert_eq(run(&t, &err, "source src/fx/demo.c -o '%s/demo.c.html'", t.out), 0, "%s", err);
    char p[2 * PATH_MAX];
    snprintf(p, sizeof p, "%s/demo.c.html", t.out);
    char *h = slurp(p);
    cr_assert(h);
    HAS(h, "<span class=\"line\" id=\"L8\"><a class=\"ln\" href=\"#L8\">8</a>    double k = x &lt; 1 &amp;&amp; h");
    HAS(h, "href=\"../../../assets/site.css\"");
    free(h);
    free(err);
    tree_free(&t);
}

/* ---------------------------------------------------------------- errors */

/* The chapter's body starts on line 6 (5 lines of front matter). */
static void expect_error(const char *body, const char *where, const char *msg)
{
    tree_t t;
    tree_make(&t);
    chapter(&t, "09-bad.md", body);
    char old[2 * PATH_MAX];
    snprintf(old, sizeof old, "%s/09-bad.html", t.out);
    spit(old, "a page from an earlier, good build\n");   /* must not outlive the failure */
    char *err = NULL;
    int rc = run(&t, &err, "page chapters/09-bad.md -o '%s/09-bad.html'", t.out);
    cr_expect_eq(rc, 1, "exit status %d for a bad chapter (stderr: %s)", rc, err);
    cr_expect(strstr(err, where) == err, "message should start with '%s', got: %s", where, err);
    cr_expect(strstr(err, msg) != NULL, "message should contain '%s', got: %s", msg, err);
    cr_expect(dir_is_empty(t.out), "a page (old or new) or a temp file was left behind");
    free(err);
    tree_free(&t);
}

Test(errors, bad_tex)
{
    expect_error("Fine $x$.\n\nBroken $\\frac{1}{$ here.\n", "chapters/09-bad.md:8: ", "KaTeX error: ");
}

Test(errors, bad_tex_in_display_block)
{
    expect_error("Text.\n\n$$\nE = \\sqrt{2\n$$\n", "chapters/09-bad.md:9: ", "KaTeX error: ");
}

Test(errors, unknown_macro)
{
    expect_error("Line one.\n$\\nosuchmacro{x}$\n", "chapters/09-bad.md:7: ", "KaTeX error: Undefined control sequence");
}

Test(errors, unknown_citation_key)
{
    expect_error("Para.\n\nAs shown [@noether1918; @nosuchkey2020].\n", "chapters/09-bad.md:8: ",
                 "unknown citation key 'nosuchkey2020'");
}

Test(errors, malformed_citation)
{
    expect_error("As shown [@noether1918 and more.\n", "chapters/09-bad.md:6: ", "malformed citation");
}

Test(errors, missing_figure_svg)
{
    tree_t t;
    tree_make(&t);
    char p[2 * PATH_MAX];
    snprintf(p, sizeof p, "%s/figures/fx_nosvg.gp", t.root);
    spit(p, "plot \"data/fx/wave.tsv\" u 1:2 w l ls 1\n");
    chapter(&t, "09-bad.md", "Intro.\n\n```figure\nid: x\nsvg: fx_nosvg\ncaption: C.\nalt: A.\n```\n");
    char *err;
    cr_expect_eq(run(&t, &err, "page chapters/09-bad.md -o '%s/09-bad.html'", t.out), 1);
    cr_expect(strstr(err, "chapters/09-bad.md:10: figure 'x': missing figure figures/fx_nosvg.svg") == err, "%s", err);
    cr_expect(dir_is_empty(t.out));
    free(err);
    tree_free(&t);
}

Test(errors, missing_figure_script)
{
    expect_error("```figure\nid: x\nsvg: fx_nothing\ncaption: C.\nalt: A.\n```\n", "chapters/09-bad.md:8: ",
                 "no script figures/fx_nothing.gp");
}

Test(errors, figure_without_alt)
{
    expect_error("Intro.\n\n```figure\nid: x\nsvg: fx_wave\ncaption: C.\n```\n", "chapters/09-bad.md:8: ",
                 "figure: missing 'alt:'");
}

Test(errors, figure_unknown_key)
{
    expect_error("```figure\nid: x\nsvg: fx_wave\nwidth: 3\ncaption: C.\nalt: A.\n```\n",
                 "chapters/09-bad.md:9: ", "figure: unknown key 'width'");
}

Test(errors, figure_duplicate_id)
{
    expect_error("```figure\nid: x\nsvg: fx_wave\ncaption: C.\nalt: A.\n```\n\n"
                 "```figure\nid: x\nsvg: fx_wave\ncaption: C.\nalt: A.\n```\n",
                 "chapters/09-bad.md:14: ", "duplicate figure label 'x'");
}

Test(errors, figure_data_without_provenance_header)
{
    tree_t t;
    tree_make(&t);
    char p[2 * PATH_MAX];
    snprintf(p, sizeof p, "%s/figures/fx_bare.gp", t.root);
    spit(p, "plot \"data/fx/bare.tsv\" u 1:2 w l ls 1\n");
    snprintf(p, sizeof p, "%s/figures/fx_bare.svg", t.root);
    char q[PATH_MAX + 64];
    snprintf(q, sizeof q, "%s/figures/fx_wave.svg", fixture);
    cr_assert_eq(symlink(q, p), 0);
    /* data/ is the fixture's: data/fx/bare.tsv does not exist there */
    chapter(&t, "09-bad.md", "```figure\nid: x\nsvg: fx_bare\ncaption: C.\nalt: A.\n```\n");
    char *err;
    cr_expect_eq(run(&t, &err, "page chapters/09-bad.md -o '%s/09-bad.html'", t.out), 1);
    cr_expect(strstr(err, "chapters/09-bad.md:8: figures/fx_bare.gp reads data/fx/bare.tsv, which does not exist") == err,
              "%s", err);
    cr_expect(dir_is_empty(t.out));
    free(err);
    tree_free(&t);
}

Test(errors, unknown_data_key)
{
    expect_error("One.\nThe order is `=fx/summary:order_rk5:.2f`.\n", "chapters/09-bad.md:7: ",
                 "unknown data key 'order_rk5' in data/fx/summary.tsv");
}

Test(errors, missing_data_file)
{
    expect_error("The order is `=fx/nofile:order`.\n", "chapters/09-bad.md:6: ", "no data file data/fx/nofile.tsv");
}

Test(errors, bad_number_format)
{
    expect_error("The order is `=fx/summary:order_rk4:.2q`.\n", "chapters/09-bad.md:6: ", "bad number format ':.2q'");
}

Test(errors, formatting_a_word)
{
    expect_error("It is `=fx/summary:label:.2f`.\n", "chapters/09-bad.md:6: ", "is not a number: 'leapfrog'");
}

Test(errors, formatting_a_nan)
{
    expect_error("It is `=fx/summary:undefined:.2e`.\n", "chapters/09-bad.md:6: ", "is not finite: 'nan'");
}

Test(errors, malformed_value)
{
    expect_error("It is `=fx/summary`.\n", "chapters/09-bad.md:6: ", "malformed value");
}

Test(errors, excerpt_unknown_region)
{
    expect_error("```excerpt src/fx/demo.c nosuch\n```\n", "chapters/09-bad.md:6: ",
                 "excerpt: no region '/* excerpt: nosuch */' in src/fx/demo.c");
}

Test(errors, excerpt_without_end)
{
    expect_error("Intro.\n\n```excerpt src/fx/demo.c broken\n```\n", "chapters/09-bad.md:8: ",
                 "has no '/* end excerpt */'");
}

Test(errors, excerpt_missing_file)
{
    expect_error("```excerpt src/fx/nofile.c step\n```\n", "chapters/09-bad.md:6: ", "excerpt: cannot read src/fx/nofile.c");
}

Test(errors, excerpt_with_body)
{
    expect_error("```excerpt src/fx/demo.c step\nint x;\n```\n", "chapters/09-bad.md:6: ", "excerpt: the block must be empty");
}

Test(errors, excerpt_missing_name)
{
    expect_error("```excerpt src/fx/demo.c\n```\n", "chapters/09-bad.md:6: ", "excerpt: write ```excerpt FILE NAME");
}

Test(errors, unknown_reference)
{
    expect_error("## A {#sec:a}\n\nSee @sec:a and @fig:nope.\n", "chapters/09-bad.md:8: ",
                 "unknown reference @fig:nope");
}

Test(errors, bad_heading_anchor)
{
    expect_error("Text.\n\n## Heading {#intro}\n", "chapters/09-bad.md:8: ", "bad heading anchor '{#intro}'");
}

Test(errors, duplicate_section_label)
{
    expect_error("## A {#sec:a}\n\n## B {#sec:a}\n", "chapters/09-bad.md:8: ", "duplicate section label 'a'");
}

Test(errors, title_heading_in_body)
{
    expect_error("# Title\n", "chapters/09-bad.md:6: ", "'# Title' heading");
}

Test(errors, label_in_inline_math)
{
    expect_error("Inline $x \\label{eq:x}$.\n", "chapters/09-bad.md:6: ", "\\label is only allowed in display math");
}

Test(errors, bad_equation_label)
{
    expect_error("$$\nx = 1 \\label{energy}\n$$\n", "chapters/09-bad.md:7: ", "bad equation label");
}

Test(errors, duplicate_equation_label)
{
    expect_error("$$\nx \\label{eq:a}\n$$\n\n$$\ny \\label{eq:a}\n$$\n", "chapters/09-bad.md:11: ",
                 "duplicate equation label 'a'");
}

static void expect_front_error(const char *text, const char *where, const char *msg)
{
    tree_t t;
    tree_make(&t);
    char p[2 * PATH_MAX];
    snprintf(p, sizeof p, "%s/chapters/09-bad.md", t.root);
    spit(p, text);
    char *err;
    cr_expect_eq(run(&t, &err, "page chapters/09-bad.md -o '%s/09-bad.html'", t.out), 1);
    cr_expect(strstr(err, where) == err, "message should start with '%s', got: %s", where, err);
    cr_expect(strstr(err, msg) != NULL, "message should contain '%s', got: %s", msg, err);
    cr_expect(dir_is_empty(t.out));
    free(err);
    tree_free(&t);
}

Test(errors, no_front_matter)
{
    expect_front_error("# Hello\n", "chapters/09-bad.md:1: ", "missing front matter");
}

Test(errors, front_matter_unknown_key)
{
    expect_front_error("---\ntitle: T\nauthor: me\ndate: 2026-01-01\nabstract: A.\n---\n", "chapters/09-bad.md:3: ",
                       "unknown key 'author'");
}

Test(errors, front_matter_bad_date)
{
    expect_front_error("---\ntitle: T\ndate: 24 Nov 2026\nabstract: A.\n---\n", "chapters/09-bad.md:3: ",
                       "date '24 Nov 2026' is not YYYY-MM-DD");
}

Test(errors, front_matter_missing_title)
{
    expect_front_error("---\ndate: 2026-01-01\nabstract: A.\n---\nText.\n", "chapters/09-bad.md:1: ",
                       "missing 'title:'");
}

Test(errors, front_matter_not_closed)
{
    expect_front_error("---\ntitle: T\ndate: 2026-01-01\nabstract: A.\n", "chapters/09-bad.md:1: ", "not closed");
}

Test(errors, malformed_bibliography)
{
    tree_t t;
    tree_make(&t);
    char p[2 * PATH_MAX];
    snprintf(p, sizeof p, "%s/bad.bib", t.root);
    spit(p, "@article{a,\n  title = {A},\n}\n\n@book{b,\n  title = {Unclosed {inner}\n");
    chapter(&t, "09-bad.md", "Cite [@a].\n");
    char *err;
    cr_expect_eq(run(&t, &err, "--bib bad.bib page chapters/09-bad.md -o '%s/09-bad.html'", t.out), 1);
    cr_expect(strstr(err, "bad.bib:6: unterminated '{'") == err, "%s", err);
    cr_expect(dir_is_empty(t.out));
    free(err);
    tree_free(&t);
}

Test(errors, duplicate_bibliography_key)
{
    tree_t t;
    tree_make(&t);
    char p[2 * PATH_MAX];
    snprintf(p, sizeof p, "%s/dup.bib", t.root);
    spit(p, "@misc{a, title = {A}}\n@misc{a, title = {B}}\n");
    chapter(&t, "09-bad.md", "Cite [@a].\n");
    char *err;
    cr_expect_eq(run(&t, &err, "--bib dup.bib page chapters/09-bad.md -o '%s/09-bad.html'", t.out), 1);
    cr_expect(strstr(err, "dup.bib:2: duplicate key 'a'") == err, "%s", err);
    free(err);
    tree_free(&t);
}

Test(errors, broken_katex_helper)
{
    tree_t t;
    tree_make(&t);
    char p[2 * PATH_MAX];
    snprintf(p, sizeof p, "%s/broken.js", t.root);
    spit(p, "process.exit(3);\n");
    chapter(&t, "09-bad.md", "Math $x$.\n");
    char *err;
    cr_expect_eq(run(&t, &err, "--katex '%s' page chapters/09-bad.md -o '%s/09-bad.html'", p, t.out), 1);
    cr_expect(strstr(err, "KaTeX helper") != NULL, "%s", err);
    cr_expect(dir_is_empty(t.out));
    free(err);
    tree_free(&t);
}

Test(sitegen, katex_cache_reuses_renderings_byte_for_byte)
{
    tree_t t;
    tree_make(&t);
    char src[PATH_MAX + 64];
    snprintf(src, sizeof src, "%s/chapters/01-fixture.md", fixture);
    link_in(t.root, "chapters/01-fixture.md", src);
    char *err;
    cr_assert_eq(run(&t, &err, "page chapters/01-fixture.md -o '%s/fresh.html'", t.out), 0, "%s", err);
    free(err);
    cr_assert_eq(run(&t, &err, "--cache kc page chapters/01-fixture.md -o '%s/first.html'", t.out), 0, "%s", err);
    free(err);
    /* every expression is now cached: node is not needed (nor run) */
    cr_assert_eq(run(&t, &err, "--node /nonexistent/node --cache kc page chapters/01-fixture.md -o '%s/cached.html'",
                     t.out), 0, "the cache was not used: %s", err);
    free(err);
    /* and without the cache, that node is needed: the option is honoured */
    cr_assert_eq(run(&t, &err, "--node /nonexistent/node page chapters/01-fixture.md -o '%s/nonode.html'", t.out), 1);
    free(err);
    char a[2 * PATH_MAX], b[2 * PATH_MAX], c[2 * PATH_MAX];
    snprintf(a, sizeof a, "%s/fresh.html", t.out);
    snprintf(b, sizeof b, "%s/first.html", t.out);
    snprintf(c, sizeof c, "%s/cached.html", t.out);
    char *fa = slurp(a), *fb = slurp(b), *fc = slurp(c);
    cr_expect(fa && fb && fc && !strcmp(fa, fb) && !strcmp(fa, fc), "cached pages differ from the fresh one");
    free(fa);
    free(fb);
    free(fc);
    tree_free(&t);
}

/* A figure whose script does not exist yet: the .d must not name the script
 * (make would try to draw the figure, or regenerate the .d forever); the page
 * build then reports the problem with the chapter's line. */
Test(sitegen, deps_file_leaves_missing_scripts_to_the_page_build)
{
    tree_t t;
    tree_make(&t);
    chapter(&t, "04-t.md", "```figure\nid: n\nsvg: fx_noscript\ncaption: C.\nalt: A.\n```\n");
    char *err;
    cr_assert_eq(run(&t, &err, "deps chapters/04-t.md -o '%s/n.d' --target site/04-t.html", t.out), 0, "%s", err);
    char p[2 * PATH_MAX];
    snprintf(p, sizeof p, "%s/n.d", t.out);
    char *d = slurp(p);
    cr_assert(d);
    HAS(d, " figures/fx_noscript.svg");
    HASNT(d, "fx_noscript.gp");
    HAS(d, "/n.d: chapters/04-t.md\n");
    free(d);
    free(err);
    tree_free(&t);
}

/* Two data files from one run share one provenance sentence. */
Test(sitegen, provenance_groups_files_of_one_run)
{
    tree_t t;
    tree_make(&t);
    char p[2 * PATH_MAX], q[PATH_MAX + 64];
    snprintf(p, sizeof p, "%s/figures/fx_two.gp", t.root);
    spit(p, "plot \"data/fx/wave.tsv\" u 1:2 w l ls 1, \"data/fx/summary.tsv\" u 1:2 w l ls 2\n");
    snprintf(p, sizeof p, "%s/figures/fx_two.svg", t.root);
    snprintf(q, sizeof q, "%s/figures/fx_wave.svg", fixture);
    cr_assert_eq(symlink(q, p), 0);
    chapter(&t, "05-t.md", "```figure\nid: two\nsvg: fx_two\ncaption: C.\nalt: A.\n```\n");
    char *err;
    cr_assert_eq(run(&t, &err, "page chapters/05-t.md -o '%s/p.html'", t.out), 0, "%s", err);
    snprintf(p, sizeof p, "%s/p.html", t.out);
    char *h = slurp(p);
    cr_assert(h);
    HAS(h, "<code>data/fx/wave.tsv</code></a> and <a href=\"data/fx/summary.tsv\" download><code>data/fx/summary.tsv</code></a>, written by");
    HASNT(h, " Data <a");
    free(h);
    free(err);
    tree_free(&t);
}

/* The end of a page links to the chapters before and after it, by title. */
Test(sitegen, neighbours_are_linked_by_title)
{
    tree_t t;
    tree_make(&t);
    chapter(&t, "01-a.md", "One.\n");
    chapter(&t, "02-b.md", "Two.\n");
    char p[2 * PATH_MAX];
    snprintf(p, sizeof p, "%s/chapters/03-c.md", t.root);
    spit(p, "---\ntitle: The \"third\" one\ndate: 2026-01-03\nabstract: C.\n---\nThree.\n");
    char *err;
    cr_assert_eq(run(&t, &err, "page chapters/02-b.md -o '%s/02-b.html'", t.out), 0, "%s", err);
    snprintf(p, sizeof p, "%s/02-b.html", t.out);
    char *h = slurp(p);
    cr_assert(h);
    HAS(h, "<a class=\"prev\" href=\"01-a.html\">\xe2\x86\x90 1. Test</a>");
    HAS(h, "<a class=\"next\" href=\"03-c.html\">3. The \xe2\x80\x9cthird\xe2\x80\x9d one \xe2\x86\x92</a>");
    free(h);
    free(err);
    cr_assert_eq(run(&t, &err, "page chapters/01-a.md -o '%s/01-a.html'", t.out), 0, "%s", err);
    snprintf(p, sizeof p, "%s/01-a.html", t.out);
    h = slurp(p);
    HASNT(h, "class=\"prev\"");
    HAS(h, "<a class=\"next\" href=\"02-b.html\">");
    free(h);
    free(err);
    tree_free(&t);
}

/* The shared files every chapter depends on: the real bibliography parses
 * (several people append to it), and the real macros render. */
Test(sitegen, real_bibliography_and_macros_work)
{
    tree_t t;
    tree_make(&t);
    char bib[PATH_MAX], macros[PATH_MAX];
    cr_assert(realpath("chapters/references.bib", bib));
    cr_assert(realpath("chapters/macros.tex", macros));
    chapter(&t, "07-t.md", "Cite [@noether1918; @kunin2021].\n\n"
                           "$x \\in \\R^d$, $\\E[\\grad L]$, $\\norm{x}$, $\\ip{a}{b}$, $\\abs{y}$, $\\dd t$.\n");
    char *err;
    int rc = run(&t, &err, "--bib '%s' --macros '%s' page chapters/07-t.md -o '%s/p.html'", bib, macros, t.out);
    cr_expect_eq(rc, 0, "the shared bibliography or macros are broken: %s", err);
    free(err);
    tree_free(&t);
}

/* ---------------------------------------------------------------- claims */

#define CLAIM(id, kind, check) "```claim\nid: " id "\nkind: " kind "\nclaim: Text of " id ".\ncheck: " check "\n```\n\n"

/* The acceptance case of the claim directive: a false check stops the build
 * at the check's line, and no page is written. */
Test(claims, false_check_stops_the_build)
{
    expect_error("Intro.\n\n" CLAIM("one-gt-two", "prediction", "1 > 2"), "chapters/09-bad.md:12: ",
                 "claim 'one-gt-two' fails its check '1 > 2': 1 > 2 is false");
}

Test(claims, false_check_on_data)
{
    expect_error(CLAIM("r", "comparison", "fx/seeds:ratio_max >= 0.6"), "chapters/09-bad.md:10: ",
                 "claim 'r' fails its check 'fx/seeds:ratio_max >= 0.6': 0.53217 >= 0.6 is false");
}

Test(claims, nan_never_holds)
{
    expect_error(CLAIM("n", "comparison", "fx/seeds:nan_value < 1"), "chapters/09-bad.md:10: ", "is false");
}

Test(claims, missing_key)
{
    expect_error(CLAIM("k", "prediction", "fx/seeds:nokey < 1"), "chapters/09-bad.md:10: ",
                 "unknown data key 'nokey' in data/fx/seeds.tsv");
}

Test(claims, missing_file)
{
    expect_error(CLAIM("f", "prediction", "1 < fx/nofile:key"), "chapters/09-bad.md:10: ", "no data file data/fx/nofile.tsv");
}

Test(claims, value_not_a_number)
{
    expect_error(CLAIM("w", "identity", "fx/summary:label ~ 1 tol 0.1"), "chapters/09-bad.md:10: ",
                 "value of 'label' in data/fx/summary.tsv is not a number: 'leapfrog'");
}

Test(claims, bad_kind)
{
    expect_error(CLAIM("k", "guess", "1 < 2"), "chapters/09-bad.md:8: ",
                 "claim: unknown kind 'guess' (known: prediction, identity, comparison)");
}

Test(claims, bad_check_syntax)
{
    expect_error(CLAIM("s", "identity", "1 = 1"), "chapters/09-bad.md:10: ", "bad check '1 = 1': write 'A OP B'");
    expect_error(CLAIM("s", "identity", "1 ~ 1 tol"), "chapters/09-bad.md:10: ", "bad check '1 ~ 1 tol'");
    expect_error(CLAIM("s", "identity", "1 ~ 1 abs 0.1"), "chapters/09-bad.md:10: ", "bad check");
    expect_error(CLAIM("s", "identity", "1 < 2 < 3"), "chapters/09-bad.md:10: ", "bad check");
    expect_error(CLAIM("s", "identity", "1 ~ 1 tol -1"), "chapters/09-bad.md:10: ", "bad tolerance '-1'");
    expect_error(CLAIM("s", "identity", "1 ~ 1 rel x"), "chapters/09-bad.md:10: ", "bad tolerance 'x'");
    expect_error(CLAIM("s", "identity", "fx/seeds < 1"), "chapters/09-bad.md:10: ", "bad operand 'fx/seeds'");
    expect_error(CLAIM("s", "identity", "../x:k < 1"), "chapters/09-bad.md:10: ", "bad operand '../x:k'");
}

Test(claims, duplicate_id)
{
    expect_error(CLAIM("twice", "prediction", "1 < 2") CLAIM("twice", "identity", "1 < 2"), "chapters/09-bad.md:14: ",
                 "duplicate claim label 'twice' (first defined on line 7)");
}

Test(claims, missing_and_unknown_keys)
{
    expect_error("```claim\nid: x\nkind: prediction\nclaim: C.\n```\n", "chapters/09-bad.md:6: ", "claim: missing 'check:'");
    expect_error("```claim\nid: x\nkind: prediction\nclaim: C.\ncheck: 1 < 2\nseeds: 5\n```\n", "chapters/09-bad.md:11: ",
                 "claim: unknown key 'seeds' (known: id, kind, claim, check)");
    expect_error("```claim\nid: a b\nkind: prediction\nclaim: C.\ncheck: 1 < 2\n```\n", "chapters/09-bad.md:7: ",
                 "claim: bad id 'a b'");
}

/* Runs `sitegen claims` on a chapter; returns the exit status, *out gets stdout. */
static int run_claims(tree_t *t, const char *name, char **out)
{
    char *err = NULL;
    int rc = run(t, &err, "claims chapters/%s >'%s/claims.out'", name, t->root);
    free(err);
    char p[2 * PATH_MAX];
    snprintf(p, sizeof p, "%s/claims.out", t->root);
    *out = slurp(p);
    cr_assert(*out);
    return rc;
}

/* Each operator on both sides of its boundary, tol and rel, numbers and
 * data on either side; the subcommand goes on past a failure and counts. */
Test(claims, every_operator_through_the_claims_command)
{
    tree_t t;
    tree_make(&t);
    chapter(&t, "05-ops.md",
            CLAIM("lt", "comparison", "1 < 2") CLAIM("lt-no", "comparison", "2 < 2")
            CLAIM("le", "comparison", "2 <= 2") CLAIM("le-no", "comparison", "2.5 <= 2")
            CLAIM("gt", "comparison", "3 > 2") CLAIM("gt-no", "comparison", "2 > 2")
            CLAIM("ge", "comparison", "2 >= 2") CLAIM("ge-no", "comparison", "1 >= 2")
            CLAIM("data", "comparison", "fx/seeds:ratio_max > fx/seeds:ratio_median")
            CLAIM("tol", "identity", "fx/seeds:drift ~ 1 tol 1e-9")
            CLAIM("tol-no", "identity", "fx/seeds:drift ~ 1 tol 1e-14")
            CLAIM("rel", "prediction", "fx/seeds:ratio_max ~ 0.5 rel 0.07")
            CLAIM("rel-no", "prediction", "fx/seeds:ratio_max ~ 0.5 rel 0.06")
            CLAIM("neg", "prediction", "-2.385 ~ -2.4 tol 0.02")
            CLAIM("nokey", "prediction", "fx/seeds:nokey < 1")
            CLAIM("badkind", "guess", "1 < 2"));
    char *out;
    int rc = run_claims(&t, "05-ops.md", &out);
    cr_expect_eq(rc, 1, "a failed claim must fail the command: %s", out);
    HAS(out, "chapters/05-ops.md:10: PASS lt (comparison): 1 < 2\n");
    HAS(out, "chapters/05-ops.md:17: FAIL lt-no (comparison): claim 'lt-no' fails its check '2 < 2': 2 < 2 is false\n");
    HAS(out, " PASS le (comparison): 2 <= 2\n");
    HAS(out, " FAIL le-no (comparison): ");
    HAS(out, " PASS gt (comparison): 3 > 2\n");
    HAS(out, " FAIL gt-no (comparison): ");
    HAS(out, " PASS ge (comparison): 2 >= 2\n");
    HAS(out, " FAIL ge-no (comparison): ");
    HAS(out, " PASS data (comparison): 0.53217 > 0.41\n");
    HAS(out, " PASS tol (identity): A = 1.0000000000003, B = 1: |A - B| = 2.99982e-13 <= 1e-9\n");
    HAS(out, " FAIL tol-no (identity): ");
    HAS(out, " PASS rel (prediction): A = 0.53217000000000003, B = 0.5: |A - B|/|B| = 0.06434 <= 0.07\n");
    HAS(out, " FAIL rel-no (prediction): ");
    HAS(out, " PASS neg (prediction): ");
    HAS(out, " FAIL nokey (prediction): unknown data key 'nokey' in data/fx/seeds.tsv\n");
    HAS(out, " FAIL badkind (?): claim: unknown kind 'guess'");
    const char *last = strstr(out, "8 passed, 8 failed\n");
    cr_expect(last && !strcmp(last, "8 passed, 8 failed\n"), "the last line should count: %s", out);
    free(out);
    tree_free(&t);
}

Test(claims, claims_command_passes_on_the_fixture)
{
    tree_t t;
    tree_make(&t);
    char src[PATH_MAX + 64];
    snprintf(src, sizeof src, "%s/chapters/01-fixture.md", fixture);
    link_in(t.root, "chapters/01-fixture.md", src);
    char *out;
    cr_expect_eq(run_claims(&t, "01-fixture.md", &out), 0, "%s", out);
    HAS(out, "chapters/01-fixture.md:36: PASS ratio-below-one (comparison): 0.53217 < 1\n");
    HAS(out, "\n2 passed, 0 failed\n");
    free(out);
    tree_free(&t);
}

/* In place: kind, text, the check with its data linked and the measured
 * values; at the end a numbered "Claims and checks" section (before the
 * references) with one row per claim. */
Test(claims, rendered_in_place_and_in_the_claims_section)
{
    tree_t t;
    tree_make(&t);
    char *h = fixture_page(&t);
    HAS(h, "<div class=\"claim\" id=\"claim:ratio-below-one\">\n<p><span class=\"claim-kind\">Comparison.</span> "
           "The ratio stays below one");
    HAS(h, "<code><a href=\"data/fx/seeds.tsv\">fx/seeds:ratio_max</a> &lt; 1</code>, measured 0.5322 &lt; 1 (5 seeds).");
    HAS(h, "measured a difference of 3e-13 \xe2\x89\xa4 1e-9 (5 seeds).");
    const char *sec = strstr(h, "<h2 id=\"sec:claims\"><span class=\"secnum\">3</span> Claims and checks</h2>");
    cr_assert(sec, "no numbered Claims and checks section");
    const char *refs = strstr(h, "<section class=\"references\"");
    cr_expect(refs && refs > sec, "the claims come before the references");
    const char *tab = strstr(sec, "<table class=\"claims\">");
    cr_assert(tab);
    int rows = 0;
    for (const char *r = tab; (r = strstr(r, "<tr><td>")) && r < refs; r++)
        rows++;
    cr_expect_eq(rows, 2);
    HAS(tab, "<a class=\"claim-at\" href=\"#claim:ratio-below-one\">Section\xc2\xa0" "1</a></td><td>comparison</td>"
             "<td><span class=\"num\" title=\"data/fx/seeds.tsv: ratio_max\">0.5322</span> (5 seeds)</td>");
    HAS(tab, "<td>identity</td>");
    free(h);
    tree_free(&t);
}

Test(claims, no_claims_no_section)
{
    tree_t t;
    tree_make(&t);
    chapter(&t, "06-t.md", "## One\n\nText.\n");
    char *err;
    cr_assert_eq(run(&t, &err, "page chapters/06-t.md -o '%s/p.html'", t.out), 0, "%s", err);
    char p[2 * PATH_MAX];
    snprintf(p, sizeof p, "%s/p.html", t.out);
    char *h = slurp(p);
    HASNT(h, "Claims and checks");
    free(h);
    free(err);
    tree_free(&t);
}

Test(claims, deps_name_the_data_of_claims)
{
    tree_t t;
    tree_make(&t);
    chapter(&t, "07-t.md", CLAIM("x", "prediction", "fx/later:key < data2/other:k"));
    char *err;
    cr_assert_eq(run(&t, &err, "deps chapters/07-t.md -o '%s/c.d' --target site/07-t.html", t.out), 0, "%s", err);
    char p[2 * PATH_MAX];
    snprintf(p, sizeof p, "%s/c.d", t.out);
    char *d = slurp(p);
    cr_assert(d);
    HAS(d, " data/fx/later.tsv");
    HAS(d, " site/data/fx/later.tsv");
    HAS(d, " data/data2/other.tsv");
    HAS(d, "\ndata/fx/later.tsv:\n");
    free(d);
    free(err);
    tree_free(&t);
}

/* ---------------------------------------------------------------- reader comfort */

/* A table of contents at the top, closed, with every numbered section
 * (subsections nested), the generated "Claims and checks" included. */
Test(comfort, table_of_contents)
{
    tree_t t;
    tree_make(&t);
    char *h = fixture_page(&t);
    const char *toc = strstr(h, "<details class=\"contents\">\n<summary>Contents</summary>\n<nav aria-label=\"Contents\">\n<ol>\n");
    cr_assert(toc, "no closed table of contents");
    cr_expect(toc < strstr(h, "<h2 "), "the contents come before the first section");
    HAS(toc, "<li><a href=\"#sec:setup\"><span class=\"secnum\">1</span> Setup</a>\n<ol>\n"
             "<li><a href=\"#section-1.1\"><span class=\"secnum\">1.1</span> A subsection</a></li>\n</ol></li>\n"
             "<li><a href=\"#sec:later\"><span class=\"secnum\">2</span> Later</a></li>\n"
             "<li><a href=\"#sec:claims\"><span class=\"secnum\">3</span> Claims and checks</a></li>\n</ol>\n</nav>\n</details>\n");
    free(h);
    tree_free(&t);
}

Test(comfort, toc_drops_links_and_survives_a_leading_subsection)
{
    tree_t t;
    tree_make(&t);
    chapter(&t, "08-t.md", "### Early\n\n## Cited [@noether1918] and $x$ {#sec:a}\n\n### Sub\n\n## Last\n");
    char *err;
    cr_assert_eq(run(&t, &err, "page chapters/08-t.md -o '%s/p.html'", t.out), 0, "%s", err);
    char p[2 * PATH_MAX];
    snprintf(p, sizeof p, "%s/p.html", t.out);
    char *h = slurp(p);
    const char *toc = strstr(h, "<details class=\"contents\">");
    const char *end = strstr(h, "</details>");
    cr_assert(toc && end);
    char *c = strndup(toc, (size_t)(end - toc));
    HAS(c, "<li><a href=\"#section-0.1\"><span class=\"secnum\">0.1</span> Early</a></li>\n");
    HAS(c, "<span class=\"secnum\">1</span> Cited <span class=\"cite\">[1]</span> and <span class=\"katex\">");
    HAS(c, "<li><a href=\"#section-1.1\">");
    HAS(c, "<li><a href=\"#section-2\"><span class=\"secnum\">2</span> Last</a></li>\n</ol>\n</nav>\n");
    HASNT(c, "href=\"#ref-");
    free(c);
    free(h);
    free(err);
    tree_free(&t);
}

Test(comfort, no_sections_no_contents)
{
    tree_t t;
    tree_make(&t);
    chapter(&t, "08-t.md", "Just text.\n");
    char *err;
    cr_assert_eq(run(&t, &err, "page chapters/08-t.md -o '%s/p.html'", t.out), 0, "%s", err);
    char p[2 * PATH_MAX];
    snprintf(p, sizeof p, "%s/p.html", t.out);
    char *h = slurp(p);
    HASNT(h, "class=\"contents\"");
    HAS(h, "<main>\n<article>");
    free(h);
    free(err);
    tree_free(&t);
}

/* Every figure holds a <details> with its provenance, and sits in a box
 * that keeps its text legible: min-width from its smallest font. */
Test(comfort, every_figure_holds_a_details)
{
    tree_t t;
    tree_make(&t);
    char *h = fixture_page(&t);
    int figures = 0;
    for (const char *f = h; (f = strstr(f, "<figure class=\"figure\"")); f++) {
        const char *end = strstr(f, "</figure>");
        const char *d = strstr(f, "<details class=\"provenance\">");
        cr_expect(d && d < end, "a figure without its <details>");
        figures++;
    }
    cr_expect_eq(figures, 1);
    HAS(h, "<div class=\"plot-box\" role=\"group\" tabindex=\"0\" aria-label=\"Figure 1\">\n<svg");
    /* fx_wave.svg: viewBox 640 wide, smallest font 10.4: 640 * 9 / 10.4 = 553.8 px */
    HAS(h, "min-width:554px;");
    free(h);
    tree_free(&t);
}

/* An excerpt longer than 25 lines shows 12, the rest in a closed <details>;
 * a short one is shown whole. */
Test(comfort, long_excerpt_is_collapsed)
{
    tree_t t;
    tree_make(&t);
    chapter(&t, "08-t.md", "```excerpt src/fx/long.c table\n```\n\n```excerpt src/fx/demo.c step\n```\n");
    char *err;
    cr_assert_eq(run(&t, &err, "page chapters/08-t.md -o '%s/p.html'", t.out), 0, "%s", err);
    char p[2 * PATH_MAX];
    snprintf(p, sizeof p, "%s/p.html", t.out);
    char *h = slurp(p);
    HAS(h, "<pre class=\"code\" tabindex=\"0\" role=\"region\" aria-label=\"Code: src/fx/long.c, lines 3\xe2\x80\x93" "32\">"
           "<code class=\"language-c\">static const double table[] = {\n    1.0, /* row 1 */\n");
    HAS(h, "    11.0, /* row 11 */</code></pre>\n<details class=\"more\"><summary>The other 18 lines</summary>\n"
           "<pre class=\"code\" tabindex=\"0\" role=\"region\" aria-label=\"Code: src/fx/long.c, lines 3\xe2\x80\x93" "32 (continued)\">"
           "<code class=\"language-c\">    12.0, /* row 12 */\n");
    HAS(h, "    28.0, /* row 28 */\n};</code></pre>\n</details>\n<figcaption>");
    const char *second = strstr(h, "src/fx/demo.c, lines");
    cr_assert(second);
    HASNT(second, "<details");
    free(h);
    free(err);
    tree_free(&t);
}

/* Tables scroll in their own box, which the keyboard can reach and a screen
 * reader can name; an empty corner header cell becomes a td. */
Test(comfort, tables_in_named_scroll_boxes)
{
    tree_t t;
    tree_make(&t);
    chapter(&t, "08-t.md", "| | a |\n|---|---|\n| x | 1 |\n\n| b |\n|---|\n| 2 |\n");
    char *err;
    cr_assert_eq(run(&t, &err, "page chapters/08-t.md -o '%s/p.html'", t.out), 0, "%s", err);
    char p[2 * PATH_MAX];
    snprintf(p, sizeof p, "%s/p.html", t.out);
    char *h = slurp(p);
    HAS(h, "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"Table 1\">\n<table>\n<thead>\n<tr><td></td><th>a</th></tr>");
    HAS(h, "aria-label=\"Table 2\">\n<table>");
    HAS(h, "</table>\n</div>\n");
    free(h);
    free(err);
    tree_free(&t);
}

/* Landmarks: the page's content in <main>, navigation labelled uniquely. */
Test(comfort, landmarks)
{
    tree_t t;
    tree_make(&t);
    chapter(&t, "01-a.md", "## One\n");
    chapter(&t, "02-b.md", "Two.\n");
    char *err;
    cr_assert_eq(run(&t, &err, "page chapters/01-a.md -o '%s/p.html'", t.out), 0, "%s", err);
    char p[2 * PATH_MAX];
    snprintf(p, sizeof p, "%s/p.html", t.out);
    char *h = slurp(p);
    HAS(h, "<nav class=\"back\" aria-label=\"Back to the index\">");
    HAS(h, "<main>\n<article>\n<header>");
    HAS(h, "</article>\n</main>\n<nav class=\"chapters\" aria-label=\"Previous and next chapter\">");
    HAS(h, "</nav>\n<footer>");
    free(h);
    free(err);
    tree_free(&t);
}

/* A script that builds its data names from pieces would leave the figure
 * without provenance (and make without the edge): the build says so. */
Test(errors, figure_data_name_built_from_pieces)
{
    tree_t t;
    tree_make(&t);
    char p[2 * PATH_MAX], q[PATH_MAX + 64];
    snprintf(p, sizeof p, "%s/figures/fx_pieces.gp", t.root);
    spit(p, "d = 'data/fx/wa'\nplot d.'ve.tsv' u 1:2 w l ls 1\n");
    snprintf(p, sizeof p, "%s/figures/fx_pieces.svg", t.root);
    snprintf(q, sizeof q, "%s/figures/fx_wave.svg", fixture);
    cr_assert_eq(symlink(q, p), 0);
    chapter(&t, "09-bad.md", "```figure\nid: x\nsvg: fx_pieces\ncaption: C.\nalt: A.\n```\n");
    char *err;
    cr_expect_eq(run(&t, &err, "page chapters/09-bad.md -o '%s/09-bad.html'", t.out), 1);
    cr_expect(strstr(err, "chapters/09-bad.md:8: figure 'x': figures/fx_pieces.gp builds a data file name from pieces "
                          "('data/fx/wa'...)") == err, "%s", err);
    cr_expect(dir_is_empty(t.out));
    free(err);
    tree_free(&t);
}

/* A chapter that writes the heading itself gets the table at its end (the
 * section must be the last one), and no second heading. */
Test(claims, own_heading_as_the_last_section)
{
    tree_t t;
    tree_make(&t);
    chapter(&t, "07-t.md", "## One\n\nText.\n\n## Claims and checks {#sec:claims}\n\nOurs.\n\n"
                           CLAIM("x", "prediction", "1 < 2"));
    char *err;
    cr_assert_eq(run(&t, &err, "page chapters/07-t.md -o '%s/p.html'", t.out), 0, "%s", err);
    char p[2 * PATH_MAX];
    snprintf(p, sizeof p, "%s/p.html", t.out);
    char *h = slurp(p);
    HAS(h, "<h2 id=\"sec:claims\"><span class=\"secnum\">2</span> Claims and checks</h2>\n<p>Ours.</p>");
    const char *first = strstr(h, "Claims and checks</h2>");
    cr_expect(first && !strstr(first + 1, "Claims and checks</h2>"), "a second heading");
    HAS(h, "</div>\n<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"Table: claims and checks\">");
    free(h);
    free(err);
    tree_free(&t);
    expect_error("## Claims and checks {#sec:claims}\n\n" CLAIM("x", "prediction", "1 < 2") "## After\n",
                 "chapters/09-bad.md:6: ", "the section {#sec:claims} is not the chapter's last");
}
