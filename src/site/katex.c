/* katex.c: one node process per page renders all its math (see katex.h). */
#include "site/katex.h"
#include "site/buf.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int write_all(int fd, const char *s, size_t n)
{
    while (n) {
        ssize_t w = write(fd, s, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        s += w;
        n -= (size_t)w;
    }
    return 0;
}

int katex_render(const char *node, const char *helper, const char *macros,
                 size_t n, char *const *tex, const int *display,
                 katex_result_t *res, char *err, size_t errsz)
{
    for (size_t i = 0; i < n; i++)
        res[i].html = res[i].error = res[i].warnings = NULL;
    if (n == 0)
        return 0;
    int in[2], out[2];
    if (pipe(in) != 0 || pipe(out) != 0) {
        snprintf(err, errsz, "pipe: %s", strerror(errno));
        return -1;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, errsz, "fork: %s", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        close(in[0]); close(in[1]); close(out[0]); close(out[1]);
        execlp(node, node, helper, macros, (char *)NULL);
        fprintf(stderr, "sitegen: cannot run %s: %s\n", node, strerror(errno));
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    /* The helper reads all of stdin before it writes, so writing everything
     * first cannot deadlock. */
    void (*old)(int) = signal(SIGPIPE, SIG_IGN);
    buf_t msg;
    buf_init(&msg);
    int ok = 1;
    for (size_t i = 0; i < n && ok; i++) {
        buf_reset(&msg);
        buf_putc(&msg, display[i] ? 'D' : 'I');
        buf_puts(&msg, tex[i]);
        ok = write_all(in[1], msg.s, msg.len + 1) == 0;   /* with the NUL */
    }
    close(in[1]);
    buf_t reply;
    buf_init(&reply);
    char chunk[65536];
    for (;;) {
        ssize_t r = read(out[0], chunk, sizeof chunk);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        buf_put(&reply, chunk, (size_t)r);
    }
    close(out[0]);
    signal(SIGPIPE, old);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    buf_free(&msg);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !ok) {
        snprintf(err, errsz, "the KaTeX helper %s failed (exit status %d); "
                 "is KaTeX installed (make deps)?", helper,
                 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        buf_free(&reply);
        return -1;
    }
    /* Parse the records. */
    size_t i = 0, pos = 0;
    buf_t warn;
    buf_init(&warn);
    while (pos < reply.len && i < n) {
        const char *rec = reply.s + pos;
        size_t len = strnlen(rec, reply.len - pos);
        if (pos + len >= reply.len)
            break;                       /* no terminating NUL */
        pos += len + 1;
        if (len == 0)
            continue;
        if (rec[0] == 'W') {
            if (warn.len)
                buf_puts(&warn, "; ");
            buf_put(&warn, rec + 1, len - 1);
            continue;
        }
        if (rec[0] == 'O')
            res[i].html = site_xstrndup(rec + 1, len - 1);
        else if (rec[0] == 'E')
            res[i].error = site_xstrndup(rec + 1, len - 1);
        else
            break;
        if (warn.len)
            res[i].warnings = site_xstrndup(warn.s, warn.len);
        buf_reset(&warn);
        i++;
    }
    buf_free(&warn);
    buf_free(&reply);
    if (i != n) {
        snprintf(err, errsz, "the KaTeX helper answered %zu of %zu expressions", i, n);
        for (size_t k = 0; k < n; k++)
            katex_result_free(&res[k]);
        return -1;
    }
    return 0;
}

void katex_result_free(katex_result_t *r)
{
    site_free(r->html);
    site_free(r->error);
    site_free(r->warnings);
    r->html = r->error = r->warnings = NULL;
}
