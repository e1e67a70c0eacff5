/* kepler_stark.c: breaking the rotational symmetry of the Kepler problem with
 * a weak uniform force F (the planar Stark problem, H = |v|^2/2 - mu/r - F.q).
 * Time translation is still a symmetry, rotation is not: Noether's charge L
 * now obeys dL/dt = q x F (the torque), while E stays conserved.  Integrated
 * by the leapfrog, which conserves E to O(h^2) (bounded) and, step by step,
 * changes L by exactly the trapezoid rule of the torque:
 *     L_{n+1} - L_n = h/2 (tau(q_n) + tau(q_{n+1})),  tau = q x F,
 * because each half kick adds h/2 a(q) to v and q x (-mu q / r^3) = 0.
 *
 * Theory laid over the measurement:
 *   short times  first-order perturbation theory: the torque integrated along
 *                the unperturbed ellipse, in closed form through the
 *                eccentric anomaly E (x = a (cos E - e), y = a b sin E,
 *                dt = (1 - e cos E) dE / n):
 *                  int x dt = (a/n) [(1+e^2) sin E - 3e/2 E - e/4 sin 2E]
 *                  int y dt = (a b/n) [1 - cos E + e/2 (cos^2 E - 1)]
 *   long times   orbit averaging (secular theory): <q> = -3/2 a e_vec, so
 *                dL/dt = 3/2 a (F x e_vec) and, with A' = sqrt(mu a) e_vec,
 *                (L, A') rotate into each other at the rate
 *                  omega = 3/2 sqrt(a/mu) |F|:
 *                  L(t) = sqrt(mu a) cos(omega t - phi),  sin phi = e
 *                for F perpendicular to the initial pericenter direction
 *                (here F = (0, -f), pericenter on +x).  This is the classical
 *                secular Stark solution (e.g. Pauli's 1926 treatment of the
 *                Stark effect); derivation in the chapter.
 *
 * Output: data/ch1/stark_long.tsv, data/ch1/stark_energy.tsv, data/ch1/stark_zoom.tsv,
 *         data/ch1/stark_summary.tsv */
#include "core/args.h"
#include "core/tsv.h"
#include "core/util.h"
#include "physics/integrators.h"
#include "physics/kepler.h"

#include <math.h>
#include <stdio.h>

typedef struct {
    double e, orbits, quarter, zoom;
    long steps, every, zoom_every;
    const char *out_dir;
} opts_t;

static const char about[] =
    "Leapfrog on the Kepler problem in a uniform field f = 1/(6 quarter): L's secular swing.";

static const arg_spec_t options[] = {
    ARG_DOUBLE(opts_t, e, "0.5", "eccentricity, in (0, 0.9)"),
    ARG_LONG(opts_t, steps, "2000", "leapfrog steps per orbit"),
    ARG_DOUBLE(opts_t, orbits, "200", "orbits integrated"),
    ARG_DOUBLE(opts_t, quarter, "200", "orbits to a quarter of the secular period: f = 1/(6 quarter)"),
    ARG_DOUBLE(opts_t, zoom, "3", "orbits in the zoom on the first-order theory"),
    ARG_LONG(opts_t, every, "200", "steps between rows of stark_long.tsv"),
    ARG_LONG(opts_t, zoom_every, "10", "steps between rows of stark_zoom.tsv"),
    ARG_STRING(opts_t, out_dir, "data/ch1", "output directory"),
    ARG_END
};

int main(int argc, char **argv)
{
    opts_t o;
    args_parse(options, &o, argc, argv, about);
    const double e = o.e, orbits = o.orbits, quarter = o.quarter, zoom = o.zoom;
    const long nper = o.steps, every = o.every, zevery = o.zoom_every;
    const char *dir = o.out_dir;
    if (!(e > 0 && e < 0.9)) die("--e must be in (0, 0.9), got %g", e);
    if (nper < 16 || every < 1 || zevery < 1 || !(orbits >= zoom && zoom > 0 && orbits <= 1e5) || !(quarter >= 10))
        die("need --steps >= 16, --every, --zoom-every >= 1, 0 < --zoom <= --orbits <= 1e5, --quarter >= 10");

    const double mu = 1.0, semi = 1.0, b = sqrt(1 - e * e);
    const double nmm = sqrt(mu / (semi * semi * semi));
    const double f = 1.0 / (6.0 * quarter);
    phys_kepler_t k = { mu, { 0.0, -f } };
    phys_kepler_t k0 = { mu, { 0.0, 0.0 } };
    const double T = phys_kepler_period(mu, semi), h = T / nper;
    const double omega = 1.5 * sqrt(semi / mu) * f, phi = asin(e);

    double q[2], v[2], acc[2], q0[2], v0[2], acc0[2];
    phys_kepler_pericenter(mu, semi, e, q, v);
    q0[0] = q[0]; q0[1] = q[1]; v0[0] = v[0]; v0[1] = v[1];
    const double E0 = phys_kepler_energy(&k, q, v), L0 = phys_kepler_angmom(q, v);
    const double H20 = phys_kepler_verlet_h2(&k, q, v);
    phys_leapfrog_init(acc, q, 2, 0, phys_kepler_accel, &k);
    phys_leapfrog_init(acc0, q0, 2, 0, phys_kepler_accel, &k0);

    tsv_t *tl = tsv_createf(argc, argv, "%s/stark_long.tsv", dir);
    tsv_t *tz = tsv_createf(argc, argv, "%s/stark_zoom.tsv", dir);
    tsv_t *ts = tsv_createf(argc, argv, "%s/stark_summary.tsv", dir);

    tsv_comment(tl, "H = |v|^2/2 - mu/r - F.q, mu = 1, a = 1, e = %g, F = (0, -%.17g), leapfrog h = T/%ld", e, f, nper);
    tsv_comment(tl, "L_secular = sqrt(mu a) cos(omega t - phi), omega = 3/2 sqrt(a/mu) |F| = %.17g, sin phi = e", omega);
    tsv_comment(tl, "rows every %ld steps", every);
    tsv_columns(tl, "t_orbits\tL\tL_secular\tL_unperturbed");
    tsv_t *te = tsv_createf(argc, argv, "%s/stark_energy.tsv", dir);
    tsv_comment(te, "H = |v|^2/2 - mu/r - F.q, mu = 1, a = 1, e = %g, F = (0, -%.17g), leapfrog h = T/%ld", e, f, nper);
    tsv_comment(te, "per orbit: dE = max over that orbit of |E - E0|/|E0|; dE_pred = max of "
                "|h^2 (H2 - H2_0)|/|E0| (the leapfrog's modified energy, kepler.h)");
    tsv_columns(te, "t_orbits\tdE\tdE_pred");
    tsv_comment(tz, "first %g orbits, every %ld steps: L - L0 measured, first-order theory (torque integrated "
                "along the unperturbed ellipse, closed form), and the trapezoid sum of the measured torque", zoom, zevery);
    tsv_columns(tz, "t_orbits\tdL\tdL_first_order\tdL_trapezoid");

    const long nsteps = (long)llround(orbits * nper), nzoom = (long)llround(zoom * nper);
    double trap = 0, trap_dev = 0, Emax = 0, Emax_pred = 0, Lmax = L0, Lmin = L0, tLmax = 0;
    double Ldev_sec = 0, L0max_dev = 0, zoom_dev = 0, zoom_max = 0;
    double tau = phys_kepler_torque(&k, q), orbE = 0, orbEp = 0, modmax = 0;
    progress_t p;
    progress_begin(&p, "Stark leapfrog");
    for (long n = 0; n <= nsteps; n++) {
        double t = n * h, torb = (double)n / nper;
        double L = phys_kepler_angmom(q, v), E = phys_kepler_energy(&k, q, v);
        double dE = (E - E0) / fabs(E0);
        double dEp = -h * h * (phys_kepler_verlet_h2(&k, q, v) - H20) / fabs(E0);
        double Lsec = sqrt(mu * semi) * cos(omega * t - phi);
        double Lun = phys_kepler_angmom(q0, v0);
        if (fabs(dE) > Emax) Emax = fabs(dE);
        if (fabs(dE - dEp) > modmax) modmax = fabs(dE - dEp);   /* modified energy */
        if (fabs(dE) > orbE) orbE = fabs(dE);
        if (fabs(dEp) > orbEp) orbEp = fabs(dEp);
        if (fabs(dEp) > Emax_pred) Emax_pred = fabs(dEp);
        if (L > Lmax) { Lmax = L; tLmax = torb; }
        if (L < Lmin) Lmin = L;
        if (fabs(L - Lsec) > Ldev_sec) Ldev_sec = fabs(L - Lsec);
        if (fabs(Lun - L0) > L0max_dev) L0max_dev = fabs(Lun - L0);
        double dev = fabs((L - L0) - trap);
        if (dev > trap_dev) trap_dev = dev;
        if (n % every == 0)
            tsv_rowv(tl, 4, torb, L, Lsec, Lun);
        if (n > 0 && n % nper == 0) {
            tsv_rowv(te, 3, torb, orbE, orbEp);
            orbE = orbEp = 0;
        }
        if (n <= nzoom && n % zevery == 0) {
            double Ea = phys_kepler_anomaly(e, nmm * t);
            double X = semi / nmm * ((1 + e * e) * sin(Ea) - 1.5 * e * Ea - 0.25 * e * sin(2 * Ea));
            double Y = semi * b / nmm * (1 - cos(Ea) + 0.5 * e * (cos(Ea) * cos(Ea) - 1));
            double dL1 = X * k.F[1] - Y * k.F[0];
            tsv_rowv(tz, 4, torb, L - L0, dL1, trap);
            if (fabs(L - L0 - dL1) > zoom_dev) zoom_dev = fabs(L - L0 - dL1);
            if (fabs(L - L0) > zoom_max) zoom_max = fabs(L - L0);
        }
        if (n == nsteps) break;
        phys_leapfrog_step(q, v, 2, t, h, phys_kepler_accel, &k, acc);
        phys_leapfrog_step(q0, v0, 2, t, h, phys_kepler_accel, &k0, acc0);
        double tau1 = phys_kepler_torque(&k, q);
        trap += 0.5 * h * (tau + tau1);
        tau = tau1;
        if ((n & 0xffff) == 0) progress_update(&p, n, nsteps, NULL);
    }
    progress_end(&p);

    tsv_comment(ts, "numbers quoted in chapter 1 (kepler_stark.c)");
    tsv_columns(ts, "key\tvalue");
    tsv_kv(ts, "f", f);
    tsv_kv(ts, "orbits", orbits);
    tsv_kv(ts, "steps_per_orbit", (double)nper);
    tsv_kv(ts, "omega", omega);
    tsv_kv(ts, "secular_period_orbits", 2 * 3.14159265358979323846 / omega / T);
    tsv_kv(ts, "L0", L0);
    tsv_kv(ts, "Lmax", Lmax);
    tsv_kv(ts, "Lmax_orbits", tLmax);
    tsv_kv(ts, "Lmax_orbits_pred", phi / omega / T);
    tsv_kv(ts, "L_end", phys_kepler_angmom(q, v));
    tsv_kv(ts, "L_end_pred", sqrt(mu * semi) * cos(omega * nsteps * h - phi));
    tsv_kv(ts, "Lmin", Lmin);
    tsv_kv(ts, "L_secular_maxdev", Ldev_sec);
    tsv_kv(ts, "L_secular_maxdev_rel", Ldev_sec / L0);
    tsv_kv(ts, "trapezoid_maxdev", trap_dev);
    tsv_kv(ts, "zoom_orbits", zoom);
    tsv_kv(ts, "total_steps", (double)nsteps);
    tsv_kv(ts, "zoom_max", zoom_max);
    tsv_kv(ts, "zoom_first_order_maxdev", zoom_dev);
    tsv_kv(ts, "zoom_first_order_maxdev_rel", zoom_dev / zoom_max);
    tsv_kv(ts, "Emax", Emax);
    tsv_kv(ts, "Emax_pred", Emax_pred);
    tsv_kv(ts, "modified_energy_maxdev", modmax);
    tsv_kv(ts, "unperturbed_Lmax_dev", L0max_dev / L0);
    tsv_finish(tl);
    tsv_finish(te);
    tsv_finish(tz);
    tsv_finish(ts);
    return 0;
}
