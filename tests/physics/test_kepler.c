/* test_kepler.c: the Kepler problem of src/physics/kepler.h and what the
 * integrators do to its Noether charges (chapter 1).
 *  - Kepler's equation solved to round-off on a grid of (e, M); the exact
 *    orbit has E = -mu/2a, L = sqrt(mu a (1-e^2)), |A| = mu e, and solves the
 *    ODE (central differences in time);
 *  - measured global order on the Kepler orbit from error ratios over step
 *    halvings: Euler 1, RK4 4, leapfrog 2;
 *  - leapfrog with a central force keeps L to round-off (|dL|/L <= 1e-12 over
 *    10^5 steps), while RK4 at the same step does not;
 *  - leapfrog energy error bounded (does not grow) and O(h^2); the modified
 *    energy E + h^2 H2 is kept to O(h^4);
 *  - Euler's one-step change of L is exactly h^2 mu L / r^3;
 *  - with a uniform field the leapfrog changes L by exactly the trapezoid sum
 *    of the torque (discrete Noether balance);
 *  - determinism. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "nn/gradcheck.h"
#include "physics/integrators.h"
#include "physics/kepler.h"

#define TWO_PI 6.283185307179586476925286766559

Test(kepler, keplers_equation_to_roundoff)
{
    const double es[] = { 0.0, 0.1, 0.5, 0.9, 0.99 };
    double worst = 0;
    for (int i = 0; i < 5; i++)
        for (int j = -50; j <= 150; j++) {
            double M = 0.0731 * j, E = phys_kepler_anomaly(es[i], M);
            double r = fabs(E - es[i] * sin(E) - M);
            if (r > worst) worst = r;
        }
    cr_assert(worst <= 4e-15 * 12, "residual %g", worst);
}

/* The exact orbit's state (q, v) at time t, as a map of t (gradcheck_map_fn). */
typedef struct {
    double mu, a, e;
} orbit_ctx;

static void orbit_state(double *out, const double *t, void *v)
{
    const orbit_ctx *c = v;
    phys_kepler_exact(c->mu, c->a, c->e, t[0], out, out + 2);
}

Test(kepler, exact_orbit_has_the_right_invariants_and_solves_the_ode)
{
    phys_kepler_t k = { 1.7, { 0, 0 } };
    double a = 1.3, e = 0.6, T = phys_kepler_period(k.mu, a);
    for (int j = 0; j < 37; j++) {
        double t = 0.173 * T * j, q[2], v[2], A[2];
        cr_assert(phys_kepler_exact(k.mu, a, e, t, q, v) > 0);
        cr_assert_float_eq(phys_kepler_energy(&k, q, v), -k.mu / (2 * a), 1e-14);
        cr_assert_float_eq(phys_kepler_angmom(q, v), sqrt(k.mu * a * (1 - e * e)), 1e-14);
        phys_kepler_lrl(&k, q, v, A);
        cr_assert_float_eq(A[0], k.mu * e, 1e-13, "A points to pericenter (+x)");
        cr_assert_float_eq(A[1], 0.0, 1e-13);
        /* (q, v)' = (v, a(q)) by central differences in t, O(d^2) ~ 1e-8 */
        double dq[4] = {v[0], v[1], 0, 0}, one = 1.0, tt = t, work[GRADCHECK_JVP_WORK(1, 4)];
        phys_kepler_accel(dq + 2, q, t, &k);
        orbit_ctx oc = {k.mu, a, e};
        gradcheck_opts o = {.h = 1e-5, .floor = 1.0};
        gradcheck_result res;
        double err = gradcheck_jvp(orbit_state, &oc, &tt, 1, 4, &one, dq, &o, work, &res);
        cr_assert_leq(err, 1e-8, "t %g, component %zu: %.12g vs %.12g", t, res.j, res.analytic,
                      res.numeric);
    }
}

/* Position error after one orbit (e = 0.5) with n steps per orbit. */
static double orbit_error(int m, long n)
{
    phys_kepler_t k = { 1.0, { 0, 0 } };
    double T = phys_kepler_period(1, 1), h = T / n, y[4], work[PHYS_RK4_WORK(4)], acc[2], q[2], v[2];
    phys_kepler_pericenter(1, 1, 0.5, y, y + 2);
    if (m == 2) phys_leapfrog_init(acc, y, 2, 0, phys_kepler_accel, &k);
    for (long i = 0; i < n; i++) {
        if (m == 0) phys_euler_step(y, 4, i * h, h, phys_kepler_field, &k, work);
        else if (m == 1) phys_rk4_step(y, 4, i * h, h, phys_kepler_field, &k, work);
        else phys_leapfrog_step(y, y + 2, 2, i * h, h, phys_kepler_accel, &k, acc);
    }
    phys_kepler_exact(1, 1, 0.5, n * h, q, v);
    return hypot(y[0] - q[0], y[1] - q[1]);
}

/* On the eccentric orbit the asymptotic range starts late for Euler (its
 * constant is large); at these n the measured orders are 1.00003, 4.03-4.05
 * and 2.0000 (data/ch1/order_summary.tsv shows the full sweep).  Tolerance
 * 0.1 on log2 of the ratio: twice the largest pre-asymptotic deviation seen
 * (RK4, 0.05) and ten times smaller than the gap to another order. */
Test(kepler, orders_from_step_halvings)
{
    const int p[3] = { 1, 4, 2 };
    const long n[3] = { 1L << 17, 1L << 10, 1L << 12 };
    for (int m = 0; m < 3; m++) {
        double r = orbit_error(m, n[m]) / orbit_error(m, 2 * n[m]);
        cr_assert(fabs(log2(r) - p[m]) <= 0.1, "method %d: ratio %.5f (order %.4f), expected 2^%d",
                  m, r, log2(r), p[m]);
    }
}

/* Max over a run of |L - L0| / L0 (which = 1: leapfrog, 2: RK4). */
static double L_drift(int m, long steps, int nper)
{
    phys_kepler_t k = { 1.0, { 0, 0 } };
    double h = phys_kepler_period(1, 1) / nper, y[4], work[PHYS_RK4_WORK(4)], acc[2];
    phys_kepler_pericenter(1, 1, 0.5, y, y + 2);
    double L0 = phys_kepler_angmom(y, y + 2), worst = 0;
    phys_leapfrog_init(acc, y, 2, 0, phys_kepler_accel, &k);
    for (long i = 0; i < steps; i++) {
        if (m == 1) phys_leapfrog_step(y, y + 2, 2, i * h, h, phys_kepler_accel, &k, acc);
        else phys_rk4_step(y, 4, i * h, h, phys_kepler_field, &k, work);
        double d = fabs(phys_kepler_angmom(y, y + 2) - L0) / L0;
        if (d > worst) worst = d;
    }
    return worst;
}

Test(kepler, leapfrog_keeps_angular_momentum_to_roundoff)
{
    double lf = L_drift(1, 100000, 200), rk = L_drift(2, 100000, 200);
    cr_assert(lf <= 1e-12, "leapfrog |dL|/L = %g over 1e5 steps", lf);
    cr_assert(rk >= 1e-9, "RK4 |dL|/L = %g: expected a visible O(t h^5) drift", rk);
}

typedef struct { double first, last, all, modified; } energy_stats_t;

/* Leapfrog energy error over `orbits` orbits with nper steps per orbit: max
 * over the first and the last tenth of the run, over all, and the max error
 * of the modified energy E + h^2 H2. */
static energy_stats_t leapfrog_energy(int nper, int orbits)
{
    phys_kepler_t k = { 1.0, { 0, 0 } };
    double h = phys_kepler_period(1, 1) / nper, q[2], v[2], acc[2];
    phys_kepler_pericenter(1, 1, 0.5, q, v);
    double E0 = phys_kepler_energy(&k, q, v), M0 = E0 + h * h * phys_kepler_verlet_h2(&k, q, v);
    energy_stats_t s = { 0, 0, 0, 0 };
    long steps = (long)nper * orbits;
    phys_leapfrog_init(acc, q, 2, 0, phys_kepler_accel, &k);
    for (long i = 0; i < steps; i++) {
        phys_leapfrog_step(q, v, 2, i * h, h, phys_kepler_accel, &k, acc);
        double E = phys_kepler_energy(&k, q, v);
        double d = fabs(E - E0), dm = fabs(E + h * h * phys_kepler_verlet_h2(&k, q, v) - M0);
        if (i < steps / 10 && d > s.first) s.first = d;
        if (i >= steps - steps / 10 && d > s.last) s.last = d;
        if (d > s.all) s.all = d;
        if (dm > s.modified) s.modified = dm;
    }
    return s;
}

Test(kepler, leapfrog_energy_bounded_and_second_order)
{
    energy_stats_t a = leapfrog_energy(200, 200), b = leapfrog_energy(400, 200);
    /* bounded: the worst error of the last 20 orbits is that of the first 20
     * (each window holds 20 pericenter passages; no secular growth) */
    cr_assert(a.last <= 1.01 * a.first && a.last >= 0.99 * a.first,
              "first %g last %g: the error grows", a.first, a.last);
    /* O(h^2): halving h divides it by 4 (next term O(h^2) relative: 3% at h = T/200) */
    double r = a.all / b.all;
    cr_assert(r >= 3.8 && r <= 4.2, "ratio %g, expected 4", r);
    /* modified energy: O(h^4), ratio 16 */
    double rm = a.modified / b.modified;
    cr_assert(rm >= 14 && rm <= 18, "modified-energy ratio %g, expected 16", rm);
    cr_assert(a.modified <= 0.01 * a.all, "modified energy %g vs energy %g", a.modified, a.all);
}

Test(kepler, euler_changes_L_by_h2_mu_L_over_r3)
{
    phys_kepler_t k = { 1.4, { 0, 0 } };
    double y[4] = { 0.83, -0.41, 0.37, 1.12 }, work[PHYS_EULER_WORK(4)], h = 0.013;
    double L0 = phys_kepler_angmom(y, y + 2), r = hypot(y[0], y[1]);
    phys_euler_step(y, 4, 0, h, phys_kepler_field, &k, work);
    double expect = h * h * k.mu * L0 / (r * r * r);
    cr_assert_float_eq(phys_kepler_angmom(y, y + 2) - L0, expect, 1e-15,
                       "%.17g vs %.17g", phys_kepler_angmom(y, y + 2) - L0, expect);
}

Test(kepler, leapfrog_changes_L_by_the_trapezoid_sum_of_the_torque)
{
    phys_kepler_t k = { 1.0, { 0.0013, -0.0021 } };
    double h = phys_kepler_period(1, 1) / 300, q[2], v[2], acc[2];
    phys_kepler_pericenter(1, 1, 0.5, q, v);
    double L0 = phys_kepler_angmom(q, v), tau = phys_kepler_torque(&k, q), sum = 0, worst = 0;
    phys_leapfrog_init(acc, q, 2, 0, phys_kepler_accel, &k);
    for (int i = 0; i < 30000; i++) {
        phys_leapfrog_step(q, v, 2, i * h, h, phys_kepler_accel, &k, acc);
        double tau1 = phys_kepler_torque(&k, q);
        sum += 0.5 * h * (tau + tau1);
        tau = tau1;
        double d = fabs(phys_kepler_angmom(q, v) - L0 - sum);
        if (d > worst) worst = d;
    }
    /* Round-off bound: each of the 3e4 steps rounds L and the sum at the
     * level u = 1.1e-16; allow n u (3.3e-12).  A wrong balance (e.g. the
     * rectangle rule h tau(q_n)) misses by O(h): 2.5e-4 on this run. */
    cr_assert(fabs(phys_kepler_angmom(q, v) - L0) > 1e-3, "the field must change L visibly");
    cr_assert(worst <= 30000 * 1.12e-16, "balance violated by %g", worst);
}

Test(kepler, deterministic_bits)
{
    double a = orbit_error(1, 3000), b = orbit_error(1, 3000);
    double c = orbit_error(2, 3000), d = orbit_error(2, 3000);
    cr_assert(memcmp(&a, &b, sizeof a) == 0 && memcmp(&c, &d, sizeof c) == 0);
}
