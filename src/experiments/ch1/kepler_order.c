/* kepler_order.c: measured convergence order of explicit Euler, RK4 and the
 * leapfrog on the Kepler problem (e = 0.5): global error at a fixed time (one
 * orbit) over successive step halvings.  Theory: global error = C h^p with
 * p = 1, 4, 2 (Hairer, Lubich & Wanner 2006, sect. II.1 and the error bounds
 * of Hairer, Norsett & Wanner 1993, Thm. II.3.6).
 *
 * The order is the least-squares slope of log(error) against log(h) over the
 * `--fit` (4) smallest steps whose error is still above the round-off floor
 * 1e-10: the smallest steps, because the error is C h^p only asymptotically.
 * Dashed lines: C h^p anchored at the smallest step of that range.
 *
 * Output: data/ch1/kepler_order.tsv, data/ch1/order_summary.tsv. */
#include "core/args.h"
#include "core/stats.h"
#include "core/tsv.h"
#include "core/util.h"
#include "physics/integrators.h"
#include "physics/kepler.h"

#include <math.h>
#include <stdio.h>

enum { EULER, RK4, LEAPFROG, NMETHOD };
static const char *name[] = { "euler", "rk4", "leapfrog" };
static const int theory_order[] = { 1, 4, 2 };

/* Position error after `orbits` periods with n steps per period. */
static double global_error(int m, double e, long n, double orbits)
{
    phys_kepler_t k = { 1.0, { 0, 0 } };
    double T = phys_kepler_period(1.0, 1.0), h = T / n;
    double y[4], work[PHYS_RK4_WORK(4)], acc[2], qx[2], vx[2];
    phys_kepler_pericenter(1.0, 1.0, e, y, y + 2);
    if (m == LEAPFROG) phys_leapfrog_init(acc, y, 2, 0, phys_kepler_accel, &k);
    long steps = (long)llround(n * orbits);
    for (long i = 0; i < steps; i++) {
        double t = i * h;
        if (m == EULER) phys_euler_step(y, 4, t, h, phys_kepler_field, &k, work);
        else if (m == RK4) phys_rk4_step(y, 4, t, h, phys_kepler_field, &k, work);
        else phys_leapfrog_step(y, y + 2, 2, t, h, phys_kepler_accel, &k, acc);
    }
    phys_kepler_exact(1.0, 1.0, e, steps * h, qx, vx);
    return hypot(y[0] - qx[0], y[1] - qx[1]);
}

typedef struct {
    double e, orbits;
    long kmin, kmax, fit;
    const char *out, *summary;
} opts_t;

static const char about[] =
    "Global error at a fixed time for n = 2^kmin .. 2^kmax steps per orbit.";

static const arg_spec_t options[] = {
    ARG_DOUBLE(opts_t, e, "0.5", "eccentricity, in [0, 0.95)"),
    ARG_DOUBLE(opts_t, orbits, "1", "integration time, in orbits"),
    ARG_LONG(opts_t, kmin, "5", "coarsest run: 2^kmin steps per orbit"),
    ARG_LONG(opts_t, kmax, "20", "finest run: 2^kmax steps per orbit"),
    ARG_LONG(opts_t, fit, "4", "step sizes in the least-squares fit of the order"),
    ARG_STRING(opts_t, out, "data/ch1/kepler_order.tsv", "errors against the step size"),
    ARG_STRING(opts_t, summary, "data/ch1/order_summary.tsv", "numbers quoted in the chapter"),
    ARG_END
};

int main(int argc, char **argv)
{
    opts_t o;
    args_parse(options, &o, argc, argv, about);
    const double e = o.e, orbits = o.orbits;
    const long kmin = o.kmin, kmax = o.kmax, nfit = o.fit;
    if (!(e >= 0 && e < 0.95)) die("--e must be in [0, 0.95), got %g", e);
    if (kmin < 2 || kmax > 24 || kmax < kmin) die("need 2 <= --kmin <= --kmax <= 24");
    if (nfit < 2) die("--fit must be >= 2");
    if (!(orbits > 0 && orbits <= 100)) die("--orbits must be in (0, 100]");

    const int K = (int)(kmax - kmin + 1);
    double h[32], err[NMETHOD][32];
    const double T = phys_kepler_period(1.0, 1.0);
    progress_t p;
    progress_begin(&p, "step halvings");
    for (int i = 0; i < K; i++) {
        long n = 1L << (kmin + i);
        h[i] = T / n;
        for (int m = 0; m < NMETHOD; m++) err[m][i] = global_error(m, e, n, orbits);
        progress_update(&p, i + 1, K, NULL);
    }
    progress_end(&p);

    /* Fit windows: the nfit finest step sizes with error >= floor. */
    const double floor_ = 1e-10;
    double order[NMETHOD], anchor_h[NMETHOD], anchor_e[NMETHOD], ratio_last[NMETHOD];
    int first[NMETHOD], last[NMETHOD];
    for (int m = 0; m < NMETHOD; m++) {
        int hi = -1;
        for (int i = 0; i < K; i++)
            if (err[m][i] >= floor_) hi = i;
        int lo = hi - (int)nfit + 1;
        if (hi < 0 || lo < 0)
            die("%s: fewer than %ld step sizes with error >= %g; lower --kmin", name[m], nfit, floor_);
        if (stats_loglog_slope(h + lo, err[m] + lo, (size_t)nfit, &order[m], NULL))
            die("%s: no slope through the fit range", name[m]);
        anchor_e[m] = err[m][hi];
        anchor_h[m] = h[hi];
        ratio_last[m] = err[m][hi - 1] / err[m][hi];
        first[m] = lo;
        last[m] = hi;
    }

    tsv_t *t = tsv_create(o.out, argc, argv);
    tsv_comment(t, "Kepler problem, mu = 1, a = 1, e = %g, from pericenter; position error after %g orbit(s)", e, orbits);
    tsv_comment(t, "n = steps per orbit, h = 2 pi / n; *_theory = C h^p, p = 1, 4, 2, anchored at the finest step with error >= %g", floor_);
    tsv_columns(t, "n\th\teuler\trk4\tleapfrog\teuler_theory\trk4_theory\tleapfrog_theory");
    for (int i = 0; i < K; i++) {
        double row[8] = { (double)(1L << (kmin + i)), h[i], err[0][i], err[1][i], err[2][i] };
        for (int m = 0; m < NMETHOD; m++)
            row[5 + m] = anchor_e[m] * pow(h[i] / anchor_h[m], theory_order[m]);
        tsv_row(t, 8, row);
    }

    tsv_t *s = tsv_create(o.summary, argc, argv);
    tsv_comment(s, "numbers quoted in chapter 1 (kepler_order.c): least-squares orders over the fit range");
    tsv_columns(s, "key\tvalue");
    tsv_kv(s, "fit_floor", floor_);
    tsv_kv(s, "fit_points", (double)nfit);
    tsv_kv(s, "nmin", (double)(1L << kmin));
    tsv_kv(s, "nmax", (double)(1L << kmax));
    for (int m = 0; m < NMETHOD; m++) {
        char key[64];
        snprintf(key, sizeof key, "order_%s", name[m]);
        tsv_kv(s, key, order[m]);
        snprintf(key, sizeof key, "nfirst_%s", name[m]);
        tsv_kv(s, key, (double)(1L << (kmin + first[m])));
        snprintf(key, sizeof key, "nlast_%s", name[m]);
        tsv_kv(s, key, (double)(1L << (kmin + last[m])));
        snprintf(key, sizeof key, "order_last_%s", name[m]);
        tsv_kv(s, key, log2(ratio_last[m]));
        snprintf(key, sizeof key, "ratio_%s", name[m]);
        tsv_kv(s, key, ratio_last[m]);
        snprintf(key, sizeof key, "minerr_%s", name[m]);
        double mn = INFINITY;
        for (int i = 0; i < K; i++) if (err[m][i] < mn) mn = err[m][i];
        tsv_kv(s, key, mn);
    }
    tsv_finish(t);
    tsv_finish(s);
    return 0;
}
