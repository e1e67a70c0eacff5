/* claims.c: the ```claim directive (chapters/README.md): a quantitative
 * claim stated once, with a check that the generator evaluates on the data
 * every time it builds the page.
 *
 *   ```claim
 *   id: lnn-energy-t100
 *   kind: prediction | identity | comparison
 *   claim: At $t=100$ the LNN's true-energy error is below the black box's.
 *   check: ch4/seeds_summary:ratio_t100_max < 1
 *   ```
 *
 * check is "A OP B" with OP one of < <= > >=, or "A ~ B tol T" (|A - B| <= T)
 * or "A ~ B rel R" (|A - B| <= R |B|); A and B are numbers or data references
 * dir/file:key (data/dir/file.tsv, key/value, as the `=` directive reads
 * them); T and R are numbers.  A NaN fails every check.
 *
 * On a page, a claim is a quiet block (its kind, its text, the check with the
 * measured values) anchored at #claim:<id>, and one row of the generated
 * "Claims and checks" section at the end of the chapter.  A false check, a
 * missing file or key, or a malformed block stops the build at the block's
 * line.  `sitegen claims` evaluates them all and lists the verdicts instead
 * (claims_report).  Not a statistics engine: intervals and seed counts are
 * computed by the programs that wrote the data. */
#include "site/page.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const KINDS[] = {"prediction", "identity", "comparison"};

typedef struct {
    const char *tok;      /* as written */
    size_t n;
    int is_ref;
    double x;
    char path[256];       /* data/<dir>/<file>.tsv */
    const char *key;
    size_t keylen;
    long seeds;           /* the file's n_seeds, or -1 */
} operand_t;

/* A number (the whole token) or dir/file:key.  Returns 0, or -1 with a
 * message in err. */
static int parse_operand(operand_t *o, const char *tok, size_t n, buf_t *err)
{
    memset(o, 0, sizeof *o);
    o->tok = tok;
    o->n = n;
    o->seeds = -1;
    char num[64];
    if (n < sizeof num) {
        memcpy(num, tok, n);
        num[n] = '\0';
        char *end;
        errno = 0;
        double x = strtod(num, &end);
        if (end != num && !*end && errno != ERANGE) {
            o->x = x;
            return 0;
        }
    }
    const char *colon = memchr(tok, ':', n);
    if (colon && colon > tok && site_safe_path(tok, (size_t)(colon - tok)) &&
        site_is_name(colon + 1, (size_t)(tok + n - colon - 1)) &&
        (size_t)(colon - tok) + 10 < sizeof o->path) {
        o->is_ref = 1;
        snprintf(o->path, sizeof o->path, "data/%.*s.tsv", (int)(colon - tok), tok);
        o->key = colon + 1;
        o->keylen = (size_t)(tok + n - colon - 1);
        return 0;
    }
    buf_printf(err, "bad operand '%.*s': a number or a data reference dir/file:key", (int)n, tok);
    return -1;
}

/* Reads a data reference's value (and the file's n_seeds).  0 or -1. */
static int load_operand(page_t *p, operand_t *o, buf_t *err)
{
    if (!o->is_ref)
        return 0;
    const char *text = page_file(p, o->path);
    if (!text) {
        buf_printf(err, "no data file %s (%s)", o->path, strerror(errno));
        return -1;
    }
    size_t vlen;
    const char *v = page_tsv_value(text, o->key, o->keylen, &vlen);
    if (!v) {
        buf_printf(err, "unknown data key '%.*s' in %s", (int)o->keylen, o->key, o->path);
        return -1;
    }
    char num[64], *end;
    snprintf(num, sizeof num, "%.*s", (int)(vlen < 63 ? vlen : 63), v);
    errno = 0;
    o->x = strtod(num, &end);
    if (end == num || *end || errno == ERANGE) {
        buf_printf(err, "value of '%.*s' in %s is not a number: '%s'", (int)o->keylen, o->key, o->path, num);
        return -1;
    }
    const char *s = page_tsv_value(text, "n_seeds", 7, &vlen);
    if (s) {
        snprintf(num, sizeof num, "%.*s", (int)(vlen < 63 ? vlen : 63), s);
        long k = strtol(num, &end, 10);
        if (end != num && !*end && k > 0)
            o->seeds = k;
    }
    return 0;
}

/* A number for the page: 4 significant digits, a real minus sign. */
static void put_number(buf_t *b, double x)
{
    char s[48];
    snprintf(s, sizeof s, "%.4g", x);
    if (s[0] == '-') {
        buf_puts(b, "\xe2\x88\x92");
        buf_puts(b, s + 1);
    } else {
        buf_puts(b, s);
    }
}

typedef struct {
    operand_t a, b;
    const char *op;       /* "<", "<=", ">", ">=", "tol", "rel" */
    double t;             /* tolerance */
    const char *ttok;     /* as written */
    size_t ttokn;
    double lhs;           /* |A - B| or |A - B| / |B| for ~ */
} check_t;

/* Splits the check into whitespace-separated tokens and parses it. */
static int parse_check(check_t *c, const char *s, size_t n, buf_t *err)
{
    const char *tok[6];
    size_t len[6];
    int k = 0;
    for (size_t i = 0; i < n;) {
        while (i < n && isspace((unsigned char)s[i]))
            i++;
        if (i >= n)
            break;
        if (k == 6) {
            k++;
            break;
        }
        tok[k] = s + i;
        while (i < n && !isspace((unsigned char)s[i]))
            i++;
        len[k] = (size_t)(s + i - tok[k]);
        k++;
    }
#define TOK_IS(j, w) (len[j] == strlen(w) && !strncmp(tok[j], w, len[j]))
    static const char *const ops[] = {"<", "<=", ">", ">="};
    c->op = NULL;
    if (k == 3)
        for (int j = 0; j < 4; j++)
            if (TOK_IS(1, ops[j]))
                c->op = ops[j];
    if (k == 5 && TOK_IS(1, "~") && (TOK_IS(3, "tol") || TOK_IS(3, "rel"))) {
        c->op = TOK_IS(3, "tol") ? "tol" : "rel";
        c->ttok = tok[4];
        c->ttokn = len[4];
        char num[64], *end;
        snprintf(num, sizeof num, "%.*s", (int)(len[4] < 63 ? len[4] : 63), tok[4]);
        errno = 0;
        c->t = strtod(num, &end);
        if (end == num || *end || errno == ERANGE || !(c->t >= 0) || len[4] > 63) {
            buf_printf(err, "bad tolerance '%.*s' in check '%.*s': a number >= 0", (int)len[4], tok[4], (int)n, s);
            return -1;
        }
    }
#undef TOK_IS
    if (!c->op) {
        buf_printf(err, "bad check '%.*s': write 'A OP B' (OP one of < <= > >=), 'A ~ B tol T' or 'A ~ B rel R', "
                   "with A and B numbers or dir/file:key", (int)n, s);
        return -1;
    }
    if (parse_operand(&c->a, tok[0], len[0], err) || parse_operand(&c->b, tok[2], len[2], err))
        return -1;
    return 0;
}

/* 1 when the check holds, 0 when not (NaN never holds). */
static int holds(check_t *c)
{
    double a = c->a.x, b = c->b.x;
    if (!strcmp(c->op, "<")) return a < b;
    if (!strcmp(c->op, "<=")) return a <= b;
    if (!strcmp(c->op, ">")) return a > b;
    if (!strcmp(c->op, ">=")) return a >= b;
    c->lhs = a > b ? a - b : b - a;            /* NaN stays NaN */
    if (!strcmp(c->op, "rel"))
        c->lhs /= b < 0 ? -b : b;
    return c->lhs <= c->t;
}

/* The evaluated check as HTML or plain text: "0.532 < 1", or for ~ the
 * difference against the tolerance as written ("a difference of 3e-13 ≤
 * 1e-9" on the page, "A = 1, B = 1.0000000000003: |A - B| = 3e-13 <= 1e-9"
 * for `sitegen claims`). */
static void put_evaluated(buf_t *b, const check_t *c, int html)
{
    char s[64];
#define NUM(x) (html ? put_number(b, x) : (snprintf(s, sizeof s, "%.6g", x), buf_puts(b, s)))
    if (strcmp(c->op, "tol") && strcmp(c->op, "rel")) {
        NUM(c->a.x);
        buf_putc(b, ' ');
        if (html)
            buf_puts(b, !strcmp(c->op, "<") ? "&lt;" : !strcmp(c->op, "<=") ? "\xe2\x89\xa4"
                      : !strcmp(c->op, ">") ? "&gt;" : "\xe2\x89\xa5");
        else
            buf_puts(b, c->op);
        buf_putc(b, ' ');
        NUM(c->b.x);
        return;
    }
    if (html) {
        buf_puts(b, !strcmp(c->op, "rel") ? "a relative difference of " : "a difference of ");
    } else {
        snprintf(s, sizeof s, "A = %.17g, B = %.17g: ", c->a.x, c->b.x);
        buf_puts(b, s);
        buf_puts(b, !strcmp(c->op, "rel") ? "|A - B|/|B| = " : "|A - B| = ");
    }
    NUM(c->lhs);
    buf_puts(b, html ? (c->lhs <= c->t ? " \xe2\x89\xa4 " : " &gt; ") : (c->lhs <= c->t ? " <= " : " > "));
    if (html)
        buf_esc(b, c->ttok, c->ttokn);
    else
        buf_put(b, c->ttok, c->ttokn);
#undef NUM
}

/* The check as written, each data reference a link to the data file
 * shipped beside the page. */
static void put_check_code(page_t *p, buf_t *b, const check_t *c, const char *check, size_t n)
{
    buf_puts(b, "<code>");
    const operand_t *ops[2] = {&c->a, &c->b};
    const char *s = check;
    for (int i = 0; i < 2; i++) {
        const operand_t *o = ops[i];
        buf_esc(b, s, (size_t)(o->tok - s));
        if (o->is_ref) {
            buf_printf(b, "<a href=\"%s", p->prefix);
            buf_esc_attr(b, o->path, strlen(o->path));
            buf_puts(b, "\">");
        }
        buf_esc(b, o->tok, o->n);
        if (o->is_ref)
            buf_puts(b, "</a>");
        s = o->tok + o->n;
    }
    buf_esc(b, s, (size_t)(check + n - s));
    buf_puts(b, "</code>");
}

/* The measured values: each data reference's value, with its file's seed
 * count when it has one. */
static void put_measured(buf_t *b, const check_t *c)
{
    const operand_t *ops[2] = {&c->a, &c->b};
    int any = 0;
    for (int i = 0; i < 2; i++) {
        const operand_t *o = ops[i];
        if (!o->is_ref)
            continue;
        if (any)
            buf_puts(b, "; ");
        any = 1;
        buf_puts(b, "<span class=\"num\" title=\"");
        buf_esc_attr(b, o->path, strlen(o->path));
        buf_puts(b, ": ");
        buf_esc_attr(b, o->key, o->keylen);
        buf_puts(b, "\">");
        put_number(b, o->x);
        buf_puts(b, "</span>");
        if (o->seeds > 0 && !(i == 1 && c->a.is_ref && c->a.seeds == o->seeds && !strcmp(c->a.path, o->path)))
            buf_printf(b, " (%ld seed%s)", o->seeds, o->seeds == 1 ? "" : "s");
    }
    if (!any)
        buf_puts(b, "\xe2\x80\x94");
}

/* The check's words with its values filled in, or why it could not be
 * evaluated: one line of `sitegen claims`. */
static void report(page_t *p, int line, const char *id, size_t idn, const char *kind, int ok, const char *what)
{
    printf("%s:%d: %s %.*s (%s): %s\n", p->path, line, ok ? "PASS" : "FAIL", (int)idn, id, kind ? kind : "?", what);
    if (ok)
        p->claims_pass++;
    else
        p->claims_fail++;
}

int page_claim(page_t *p)
{
    static const char *const keys[] = {"id", "kind", "claim", "check"};
    kv_t kv[4];
    if (page_block_kv(p, "claim", keys, 4, kv) != 0)
        return -1;
    for (int k = 0; k < 4; k++)
        if (!kv[k].v || !kv[k].n)
            return page_fail(p, kv[k].v ? kv[k].line : p->block_line,
                             "claim: missing '%s:' (a claim needs id, kind, claim and check)", keys[k]);
    const kv_t *id = &kv[0], *kind = &kv[1], *text = &kv[2], *chk = &kv[3];
    if (!site_is_name(id->v, id->n))
        return page_fail(p, id->line, "claim: bad id '%.*s' (letters, digits, - and _)", (int)id->n, id->v);
    char number[16];
    snprintf(number, sizeof number, "%d", ++p->nclaim_seen);
    if (page_add_label(p, 'c', id->v, id->n, number, id->line) != 0)
        return -1;
    /* the text first: its citations and numbers are prerequisites too */
    char *html = page_block_inline(p, text);
    if (!html)
        return -1;

    buf_t err;
    buf_init(&err);
    const char *kindname = NULL;
    for (int k = 0; k < 3; k++)
        if (strlen(KINDS[k]) == kind->n && !strncmp(KINDS[k], kind->v, kind->n))
            kindname = KINDS[k];
    int line = kind->line;
    if (!kindname)
        buf_printf(&err, "claim: unknown kind '%.*s' (known: prediction, identity, comparison)", (int)kind->n, kind->v);
    /* the check, its continuation lines joined */
    char *check = site_xstrndup(chk->v, chk->n);
    size_t checkn = 0;
    for (size_t i = 0; check[i]; i++)
        if (!isspace((unsigned char)check[i]) || (checkn && check[checkn - 1] != ' '))
            check[checkn++] = isspace((unsigned char)check[i]) ? ' ' : check[i];
    while (checkn && check[checkn - 1] == ' ')
        checkn--;
    check[checkn] = '\0';
    check_t c;
    int ok = 0;
    if (!err.len) {
        line = chk->line;
        if (parse_check(&c, check, checkn, &err) == 0) {
            const operand_t *ops[2] = {&c.a, &c.b};
            for (int i = 0; i < 2; i++)
                if (ops[i]->is_ref) {
                    char copy[sizeof ops[i]->path + 8];
                    snprintf(copy, sizeof copy, "site/%s", ops[i]->path);
                    page_add_dep(p, ops[i]->path);
                    page_add_dep(p, copy);
                }
            if (!p->deps_mode && load_operand(p, &c.a, &err) == 0 && load_operand(p, &c.b, &err) == 0) {
                ok = holds(&c);
                if (!ok) {
                    buf_printf(&err, "claim '%.*s' fails its check '%s': ", (int)id->n, id->v, check);
                    put_evaluated(&err, &c, 0);
                    buf_puts(&err, " is false");
                }
            }
        }
    }
    if (p->deps_mode || p->claims_mode) {
        if (p->claims_mode) {
            if (ok) {
                buf_reset(&err);
                put_evaluated(&err, &c, 0);
            }
            report(p, line, id->v, id->n, kindname, ok, err.s);
        }
        site_free(html);
        site_free(check);
        buf_free(&err);
        return 0;
    }
    if (!ok) {
        page_fail(p, line, "%s", err.s);
        site_free(html);
        site_free(check);
        buf_free(&err);
        return -1;
    }
    buf_free(&err);

    /* the claim on the page, and its row in "Claims and checks" */
    p->claim_v = site_xrealloc(p->claim_v, (p->nclaim + 1) * sizeof *p->claim_v);
    claim_t *cl = &p->claim_v[p->nclaim++];
    memset(cl, 0, sizeof *cl);
    cl->id = site_xstrndup(id->v, id->n);
    cl->kind = kindname;
    cl->line = id->line;
    char section[32] = "";
    if (p->h3)
        snprintf(section, sizeof section, "%d.%d", p->h2, p->h3);
    else if (p->h2)
        snprintf(section, sizeof section, "%d", p->h2);
    cl->section = site_xstrndup(section, strlen(section));
    cl->text = html;
    buf_t b;
    buf_init(&b);
    put_check_code(p, &b, &c, check, checkn);
    cl->check = buf_steal(&b);
    put_measured(&b, &c);
    cl->measured = buf_steal(&b);

    buf_t *out = page_buf(p);
    buf_printf(out, "<div class=\"claim\" id=\"claim:%s\">\n<p><span class=\"claim-kind\">%c%s.</span> %s</p>\n",
               cl->id, toupper((unsigned char)kindname[0]), kindname + 1, cl->text);
    buf_puts(out, "<p class=\"claim-check\">Checked on the data: ");
    buf_puts(out, cl->check);
    buf_puts(out, ", measured ");
    put_evaluated(out, &c, 1);
    long seeds = c.a.seeds > 0 ? c.a.seeds : c.b.seeds;
    if (seeds > 0)
        buf_printf(out, " (%ld seed%s)", seeds, seeds == 1 ? "" : "s");
    buf_puts(out, ".</p>\n</div>\n");
    site_free(check);
    return 0;
}

/* "Claims and checks": the last numbered section of a chapter, one row per
 * claim, in the order of the page. */
int page_claims_section(page_t *p)
{
    if (!p->nclaim)
        return 0;
    buf_t *b = page_buf(p);
    char number[32];
    /* A chapter may write the section's heading itself ({#sec:claims}); the
     * table then ends that section, which must be the last one. */
    label_t *own = page_find_label(p, 's', "claims", 6);
    if (own) {
        if (p->h3)
            snprintf(number, sizeof number, "%d.%d", p->h2, p->h3);
        else
            snprintf(number, sizeof number, "%d", p->h2);
        if (strcmp(own->number, number))
            return page_fail(p, own->line, "the section {#sec:claims} is not the chapter's last: the table of claims "
                             "is generated at the end of the chapter (leave the heading out, or make it the last section)");
    } else {
        snprintf(number, sizeof number, "%d", ++p->h2);
        p->h3 = 0;
        if (page_add_label(p, 's', "claims", 6, number, p->last_line) != 0)
            return -1;
        buf_printf(b, "<h2 id=\"sec:claims\"><span class=\"secnum\">%s</span> Claims and checks</h2>\n", number);
        buf_puts(b, "<p>Every quantitative claim of this chapter, with the check the page build evaluates on the data; "
                    "a check that fails stops the build. A <em>prediction</em> is a number the theory fixes before the "
                    "measurement, an <em>identity</em> an exact relation checked to round-off, a <em>comparison</em> "
                    "one method measured against another.</p>\n");
    }
    buf_puts(b, "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"Table: claims and checks\">\n"
                "<table class=\"claims\">\n<thead>\n<tr><th>Claim</th><th>Kind</th><th>Measured</th>"
                "<th>Check</th></tr>\n</thead>\n<tbody>\n");
    for (size_t i = 0; i < p->nclaim; i++) {
        const claim_t *c = &p->claim_v[i];
        buf_printf(b, "<tr><td>%s <a class=\"claim-at\" href=\"#claim:%s\">", c->text, c->id);
        if (c->section[0])
            buf_printf(b, "Section\xc2\xa0%s", c->section);
        else
            buf_puts(b, "Introduction");
        buf_printf(b, "</a></td><td>%s</td><td>%s</td><td>%s</td></tr>\n", c->kind, c->measured, c->check);
    }
    buf_puts(b, "</tbody>\n</table>\n</div>\n");
    return 0;
}

void page_claims_free(page_t *p)
{
    for (size_t i = 0; i < p->nclaim; i++) {
        claim_t *c = &p->claim_v[i];
        site_free_all(c->id, c->section, c->text, c->check, c->measured);
    }
    site_free(p->claim_v);
    p->claim_v = NULL;
    p->nclaim = 0;
}
