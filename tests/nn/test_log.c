/* test_log.c: the per-step logging interface: columns, values, and the
 * scale-charge recursion it feeds, |w'|^2 = |w|^2 - 2 lr <w,g> + lr^2 |g|^2
 * for one plain SGD step (Kunin et al. 2021). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/rng.h"
#include "core/tsv.h"
#include "nn/log.h"
#include "nn/optim.h"

Test(nnlog, columns_values_and_recursion)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/test_log_%d.tsv", (int)getpid());
    char *argv[] = {"test_log", NULL};
    tsv_t *t = tsv_open(path, 1, argv);
    cr_assert_not_null(t);
    rng_t r;
    rng_seed(&r, 3, 1);
    double w[50], g[50], q[50];
    for (int i = 0; i < 50; i++) {
        w[i] = rng_normal(&r);
        g[i] = 0.3 * rng_normal(&r);
        q[i] = w[i] > 0.5 ? 1.0 : w[i] < -0.5 ? -1.0 : 0.0;
    }
    nnlog_t L;
    nnlog_init(&L, t);
    cr_assert_eq(nnlog_group(&L, "A", w, g, 30, NULL), 0);
    cr_assert_eq(nnlog_group(&L, "B", w + 30, g + 30, 20, q + 30), 0);
    cr_assert_eq(nnlog_group(&L, "a_name_that_is_far_too_long_for_it", w, g, 1, NULL), -1);
    nnlog_header(&L, "loss");
    double before[4], after[4];
    nnlog_measure(&L.group[0], before);
    nnlog_row(&L, 0, 1, (double[]){2.385});
    opt_sgd_step(w, g, NULL, 30, 0.1, 0.0, 0.0, OPT_WD_COUPLED);
    nnlog_measure(&L.group[0], after);
    double pred = before[0] - 2 * 0.1 * before[2] + 0.01 * before[1];
    cr_assert_leq(fabs(after[0] - pred), 1e-13 * before[0]);
    cr_assert_eq(tsv_close(t), 0);

    FILE *f = fopen(path, "r");
    cr_assert_not_null(f);
    char line[4096], cols[4096] = "", row[4096] = "";
    while (fgets(line, sizeof line, f))
        if (line[0] != '#') {
            if (!*cols)
                strcpy(cols, line);
            else
                strcpy(row, line);
        }
    fclose(f);
    unlink(path);
    cr_assert_str_eq(cols, "step\tloss\tA_w2\tA_g2\tA_wg\tB_w2\tB_g2\tB_wg\tB_rg\n");
    double v[9];
    cr_assert_eq(sscanf(row, "%lf %lf %lf %lf %lf %lf %lf %lf %lf", v, v + 1, v + 2, v + 3,
                        v + 4, v + 5, v + 6, v + 7, v + 8), 9);
    cr_assert_eq(v[0], 0.0);
    cr_assert_eq(v[1], 2.385);
    cr_assert_eq(v[2], before[0]);
    cr_assert_eq(v[4], before[2]);
    double rg = 0.0;
    for (int i = 30; i < 50; i++)
        rg += q[i] * g[i];
    cr_assert_leq(fabs(v[8] - rg), 1e-15 * 20);
}
