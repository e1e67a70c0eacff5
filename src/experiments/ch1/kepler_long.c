/* kepler_long.c: the Kepler problem (e = 0.5) integrated for 10^4 orbits by
 * explicit Euler, classical RK4 and the velocity-Verlet leapfrog; relative
 * energy and angular-momentum errors against time, with the theory's
 * prediction for each (chapter 1, figures ch1_energy, ch1_angmom, ch1_orbits).
 *
 * Predictions (dashed in the figures):
 *   Euler, RK4   secular drift X(t) - X(0) = r_X t, where r_X is the orbit
 *                average of the one-step defect  <X(Phi_h(y)) - X(y)> / h  over
 *                points y of the exact orbit (first-order averaging; Hairer,
 *                Lubich & Wanner 2006, sect. XI.2 for why reversibility
 *                cancels RK4's h^4 term and leaves t h^5).  For Euler and L the
 *                defect is exact: L(Phi_h y) - L(y) = h^2 mu L / r^3, so
 *                r_L = h mu L <r^-3> = h mu L / (a^3 (1 - e^2)^(3/2)).
 *   leapfrog     energy: E_n - E_0 = -h^2 (H2(y_n) - H2(y_0)) + O(h^4) from the
 *                modified energy (kepler.h), bounded; angular momentum:
 *                round-off random walk, u sqrt(n) with u = 2^-53.
 *
 * Output (max over log-spaced time bins, 30 per decade, of each |error|):
 *   data/ch1/kepler_long.tsv      the four runs and their predictions
 *   data/ch1/kepler_orbits.tsv    x, y of Euler's spiral and the last leapfrog
 *                                 orbit, with the exact ellipse
 *   data/ch1/long_summary.tsv     numbers quoted in the chapter */
#include "core/args.h"
#include "core/tsv.h"
#include "core/util.h"
#include "physics/integrators.h"
#include "physics/kepler.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { EULER, RK4, LEAPFROG };
static const char *method_name[] = { "euler", "rk4", "leapfrog" };

static const double mu = 1.0, semi = 1.0;

/* One step of method m on the state y = (q, v); acc caches the leapfrog force. */
static void step(int m, double *y, double t, double h, phys_kepler_t *k,
                 double *work, double *acc)
{
    switch (m) {
    case EULER: phys_euler_step(y, 4, t, h, phys_kepler_field, k, work); break;
    case RK4:   phys_rk4_step(y, 4, t, h, phys_kepler_field, k, work); break;
    default:    phys_leapfrog_step(y, y + 2, 2, t, h, phys_kepler_accel, k, acc); break;
    }
}

/* Theory tables over one exact orbit, sampled at the step times t_j = j h
 * (h = T / nper, so step n of a run sits at t_{n mod nper} of the exact
 * orbit).  CE[j], CL[j]: cumulative one-step defects of E and L of method m
 * over the first j steps; H2[j]: the leapfrog's h^2 energy coefficient.
 * Summing the defects along the exact orbit is first-order perturbation
 * theory: valid while the numerical orbit stays close to the exact one. */
typedef struct { double *CE, *CL, *H2; int nper; } theory_t;

static void theory_build(theory_t *th, int m, double e, int nper)
{
    phys_kepler_t k = { mu, { 0, 0 } };
    double T = phys_kepler_period(mu, semi), h = T / nper;
    double work[PHYS_RK4_WORK(4)], acc[2];
    th->nper = nper;
    th->CE = xcalloc((size_t)nper + 1, sizeof(double));
    th->CL = xcalloc((size_t)nper + 1, sizeof(double));
    th->H2 = xcalloc((size_t)nper + 1, sizeof(double));
    for (int j = 0; j <= nper; j++) {
        double y[4];
        phys_kepler_exact(mu, semi, e, h * j, y, y + 2);
        th->H2[j] = phys_kepler_verlet_h2(&k, y, y + 2);
        if (j == nper) break;
        double E1 = phys_kepler_energy(&k, y, y + 2), L1 = phys_kepler_angmom(y, y + 2);
        if (m == LEAPFROG) phys_leapfrog_init(acc, y, 2, 0, phys_kepler_accel, &k);
        step(m, y, 0, h, &k, work, acc);
        th->CE[j + 1] = th->CE[j] + (phys_kepler_energy(&k, y, y + 2) - E1);
        th->CL[j + 1] = th->CL[j] + (phys_kepler_angmom(y, y + 2) - L1);
    }
}

static void theory_free(theory_t *th)
{
    free(th->CE);
    free(th->CL);
    free(th->H2);
}

typedef struct {
    int nbin;
    double *E, *L, *Ep, *Lp;      /* per bin: max |rel. error|, prediction */
    double E_end, L_end;          /* signed relative errors at the end */
    double E_1, L_1;              /* ... after one orbit */
    double t_end;                 /* orbits actually integrated */
    double Emax, Lmax, modmax;    /* max over the whole run */
    double lrl_angle;             /* total rotation of the LRL vector (rad, unwrapped) */
    double rE, rL;                /* predicted drift rates (per unit time) */
    long steps;
} run_t;

/* Bins: upper edges t_b = tmin * 10^((b+1)/perdec) orbits. */
static double bin_edge(double tmin, int perdec, int b)
{
    return tmin * pow(10.0, (double)(b + 1) / perdec);
}

static void run(run_t *R, int m, double e, int nper, double orbits,
                double tmin, int perdec, tsv_t *orb,
                int orb_col, double orb_from, int orb_every, double orb_to)
{
    phys_kepler_t k = { mu, { 0, 0 } };
    const double T = phys_kepler_period(mu, semi), h = T / nper;
    const long nsteps = (long)llround(orbits * nper);
    double y[4], work[PHYS_RK4_WORK(4)], acc[2];
    phys_kepler_pericenter(mu, semi, e, y, y + 2);
    const double E0 = phys_kepler_energy(&k, y, y + 2), L0 = phys_kepler_angmom(y, y + 2);
    double A0[2], Aprev[2];
    phys_kepler_lrl(&k, y, y + 2, A0);
    Aprev[0] = A0[0];
    Aprev[1] = A0[1];
    double turn = 0;     /* rotation of the LRL vector, unwrapped step by step */
    if (m == LEAPFROG) phys_leapfrog_init(acc, y, 2, 0, phys_kepler_accel, &k);
    theory_t th;
    theory_build(&th, m, e, nper);
    R->rE = th.CE[nper] / T;            /* secular drift rates per unit time */
    R->rL = th.CL[nper] / T;

    for (int b = 0; b < R->nbin; b++) R->E[b] = R->L[b] = R->Ep[b] = R->Lp[b] = NAN;
    R->Emax = R->Lmax = R->modmax = 0;
    const double u = ldexp(1.0, -53);
    progress_t p;
    char what[64];
    snprintf(what, sizeof what, "%s, %d steps/orbit", method_name[m], nper);
    progress_begin(&p, what);
    int b = 0;
    long n;
    for (n = 0; n < nsteps; n++) {
        step(m, y, n * h, h, &k, work, acc);
        double torb = (double)(n + 1) / nper;
        double E = phys_kepler_energy(&k, y, y + 2), L = phys_kepler_angmom(y, y + 2);
        double dE = fabs((E - E0) / E0), dL = fabs((L - L0) / L0);
        if (n + 1 == nper) {
            R->E_1 = (E - E0) / fabs(E0);
            R->L_1 = (L - L0) / L0;
        }
        if (dE > R->Emax) R->Emax = dE;
        if (dL > R->Lmax) R->Lmax = dL;
        if (m == LEAPFROG) {
            double H2 = phys_kepler_verlet_h2(&k, y, y + 2);
            double mod = fabs((E + h * h * H2 - E0 - h * h * th.H2[0]) / E0);
            if (mod > R->modmax) R->modmax = mod;
        }
        if (orb && n % orb_every == 0 && torb >= orb_from && torb <= orb_to) {
            double row[6] = { NAN, NAN, NAN, NAN, NAN, NAN };
            row[orb_col] = y[0];
            row[orb_col + 1] = y[1];
            tsv_row(orb, 6, row);
        }
        if (torb >= tmin) {
            while (b < R->nbin && torb > bin_edge(tmin, perdec, b) * (1 + 1e-12)) b++;
            if (b >= R->nbin) break;
            if (!(R->E[b] >= dE)) R->E[b] = dE;
            if (!(R->L[b] >= dL)) R->L[b] = dL;
            long kk = (n + 1) / nper, j = (n + 1) % nper;
            double pe, pl;
            if (m == LEAPFROG) {
                pe = fabs(h * h * (th.H2[j] - th.H2[0]) / E0);
                pl = u * sqrt((double)(n + 1));
            } else {
                pe = fabs((kk * th.CE[nper] + th.CE[j]) / E0);
                pl = fabs((kk * th.CL[nper] + th.CL[j]) / L0);
            }
            if (!(R->Ep[b] >= pe)) R->Ep[b] = pe;
            if (!(R->Lp[b] >= pl)) R->Lp[b] = pl;
        }
        double A[2];
        phys_kepler_lrl(&k, y, y + 2, A);
        turn += atan2(Aprev[0] * A[1] - Aprev[1] * A[0], Aprev[0] * A[0] + Aprev[1] * A[1]);
        Aprev[0] = A[0];
        Aprev[1] = A[1];
        if (E >= 0) { n++; break; }               /* unbound: Euler has escaped */
        if ((n & 0xfffff) == 0) progress_update(&p, n, nsteps, NULL);
    }
    progress_end(&p);
    theory_free(&th);
    R->steps = n;
    R->t_end = (double)n / nper;
    R->E_end = (phys_kepler_energy(&k, y, y + 2) - E0) / fabs(E0);
    R->L_end = (phys_kepler_angmom(y, y + 2) - L0) / L0;
    R->lrl_angle = turn;
}

static void run_alloc(run_t *R, int nbin)
{
    memset(R, 0, sizeof *R);
    R->nbin = nbin;
    R->E = xcalloc(nbin, sizeof(double));
    R->L = xcalloc(nbin, sizeof(double));
    R->Ep = xcalloc(nbin, sizeof(double));
    R->Lp = xcalloc(nbin, sizeof(double));
}

static void run_free(run_t *R)
{
    free(R->E);
    free(R->L);
    free(R->Ep);
    free(R->Lp);
}

typedef struct {
    double e, fine_orbits, euler_plot_orbits, orbits;
    long steps, fine;
    const char *out, *orbit_out, *summary;
} opts_t;

/* The numbers the chapter quotes: R[] are the four runs of the figure, R2
 * RK4 at h/2, R3 the leapfrog at h/2 over a tenth of the time. */
static void write_summary(const opts_t *o, const run_t *R, const run_t *R2, const run_t *R3,
                          int nbin, double tmin, int perdec, int argc, char **argv)
{
    const double e = o->e, orbits = o->orbits, fine_orbits = o->fine_orbits;
    const long nper = o->steps, fine = o->fine;
    const double T = phys_kepler_period(mu, semi), h = T / nper;
    phys_kepler_t k = { mu, { 0, 0 } };
    double q0[2], v0[2];
    phys_kepler_pericenter(mu, semi, e, q0, v0);
    double E0 = phys_kepler_energy(&k, q0, v0), L0 = phys_kepler_angmom(q0, v0);

    tsv_t *s = tsv_create(o->summary, argc, argv);
    tsv_comment(s, "numbers quoted in chapter 1 (kepler_long.c)");
    tsv_columns(s, "key\tvalue");
    tsv_kv(s, "e", e);
    tsv_kv(s, "steps_per_orbit", (double)nper);
    tsv_kv(s, "fine_steps_per_orbit", (double)(nper * fine));
    tsv_kv(s, "fine_orbits", fine_orbits);
    tsv_kv(s, "eulerfine_E_end", R[1].E_end);
    tsv_kv(s, "eulerfine_E_end_pred", R[1].rE * fine_orbits * T / fabs(E0));
    tsv_kv(s, "orbits", orbits);
    tsv_kv(s, "h", h);
    tsv_kv(s, "E0", E0);
    tsv_kv(s, "L0", L0);
    tsv_kv(s, "euler_escape_orbits", R[0].t_end);
    tsv_kv(s, "eulerfine_E_1orbit", R[1].E_1);
    tsv_kv(s, "eulerfine_E_1orbit_pred", R[1].rE * T / fabs(E0));
    tsv_kv(s, "eulerfine_L_1orbit", R[1].L_1);
    tsv_kv(s, "eulerfine_L_1orbit_pred", R[1].rL * T / L0);
    tsv_kv(s, "euler_rate_E", R[0].rE / fabs(E0) * T);            /* rel. per orbit */
    tsv_kv(s, "euler_rate_L", R[0].rL / L0 * T);
    tsv_kv(s, "euler_rate_L_closed", h * mu / pow(semi, 3) / pow(1 - e * e, 1.5) * T);
    tsv_kv(s, "eulerfine_rate_E", R[1].rE / fabs(E0) * T);
    tsv_kv(s, "rk4_rate_E", R[2].rE / fabs(E0) * T);
    tsv_kv(s, "rk4_rate_L", R[2].rL / L0 * T);
    tsv_kv(s, "rk4_E_end", R[2].E_end);
    tsv_kv(s, "rk4_L_end", R[2].L_end);
    tsv_kv(s, "rk4_E_end_pred", R[2].rE * orbits * T / fabs(E0));
    tsv_kv(s, "rk4_L_end_pred", R[2].rL * orbits * T / L0);
    tsv_kv(s, "rk4_E_dev", R[2].E_end / (R[2].rE * orbits * T / fabs(E0)) - 1);
    tsv_kv(s, "rk4_L_dev", R[2].L_end / (R[2].rL * orbits * T / L0) - 1);
    tsv_kv(s, "rk4_E_end_half", R2->E_end);
    tsv_kv(s, "rk4_drift_exponent_E", log2(R[2].E_end / R2->E_end));
    tsv_kv(s, "rk4_drift_exponent_L", log2(R[2].L_end / R2->L_end));
    tsv_kv(s, "rk4_pred_exponent_E", log2(R[2].rE / R2->rE));
    tsv_kv(s, "rk4_lrl_angle", R[2].lrl_angle);
    tsv_kv(s, "leapfrog_Emax", R[3].Emax);
    tsv_kv(s, "leapfrog_Lmax", R[3].Lmax);
    tsv_kv(s, "leapfrog_modmax", R[3].modmax);
    tsv_kv(s, "leapfrog_steps", (double)R[3].steps);
    tsv_kv(s, "leapfrog_roundoff_pred", ldexp(1.0, -53) * sqrt((double)R[3].steps));
    tsv_kv(s, "leapfrog_lrl_angle", R[3].lrl_angle);
    tsv_kv(s, "leapfrog_lrl_turns", R[3].lrl_angle / (2 * 3.14159265358979323846));
    tsv_kv(s, "leapfrog_lrl_per_orbit", R[3].lrl_angle / orbits);
    tsv_kv(s, "leapfrog_lrl_per_orbit_half", R3->lrl_angle / (orbits / 10));
    tsv_kv(s, "leapfrog_lrl_order", log2((R[3].lrl_angle / orbits) / (R3->lrl_angle / (orbits / 10))));
    tsv_kv(s, "rk4_lrl_per_orbit", R[2].lrl_angle / orbits);
    tsv_kv(s, "rk4_lrl_order", log2((R[2].lrl_angle / orbits) / (R2->lrl_angle / orbits)));
    tsv_kv(s, "leapfrog_E_end", R[3].E_end);

    /* Bins where the leapfrog's measured band and its prediction are both
     * defined, t >= 1 orbit: worst ratio of the two. */
    double worst = 0;
    for (int b = 0; b < nbin; b++)
        if (bin_edge(tmin, perdec, b) >= 1 && R[3].E[b] > 0) {
            double r = fabs(log(R[3].E[b] / R[3].Ep[b]));
            if (r > worst) worst = r;
        }
    tsv_kv(s, "leapfrog_band_maxdev", exp(worst) - 1);
    /* First time bin (after one orbit) where RK4's energy error exceeds the
     * leapfrog's. */
    double cross = NAN;
    for (int b = 0; b < nbin; b++)
        if (bin_edge(tmin, perdec, b) >= 1 && R[2].E[b] > R[3].E[b]) {
            cross = bin_edge(tmin, perdec, b);
            break;
        }
    tsv_kv(s, "rk4_crosses_leapfrog_orbits", cross);

    tsv_finish(s);
}

static const char about[] =
    "Kepler orbits by Euler, RK4 and leapfrog; errors of E and L against time.";

static const arg_spec_t options[] = {
    ARG_DOUBLE(opts_t, e, "0.5", "eccentricity, in [0, 0.95)"),
    ARG_LONG(opts_t, steps, "200", "steps per orbit"),
    ARG_LONG(opts_t, fine, "100", "Euler's second run takes fine times more steps per orbit"),
    ARG_DOUBLE(opts_t, fine_orbits, "100", "orbits of Euler's second run"),
    ARG_DOUBLE(opts_t, euler_plot_orbits, "10", "orbits of Euler's spiral in the orbit file"),
    ARG_DOUBLE(opts_t, orbits, "10000", "orbits integrated, in [1, 1e6]"),
    ARG_STRING(opts_t, out, "data/ch1/kepler_long.tsv", "errors against time"),
    ARG_STRING(opts_t, orbit_out, "data/ch1/kepler_orbits.tsv", "orbits in the plane"),
    ARG_STRING(opts_t, summary, "data/ch1/long_summary.tsv", "numbers quoted in the chapter"),
    ARG_END
};

int main(int argc, char **argv)
{
    opts_t o;
    args_parse(options, &o, argc, argv, about);
    const double e = o.e, orbits = o.orbits, fine_orbits = o.fine_orbits;
    const long nper = o.steps, fine = o.fine;
    if (!(e >= 0 && e < 0.95)) die("--e must be in [0, 0.95), got %g", e);
    if (nper < 16 || fine < 1 || !(orbits >= 1 && orbits <= 1e6))
        die("need --steps >= 16, --fine >= 1, 1 <= --orbits <= 1e6");

    const double tmin = 1e-3;
    const int perdec = 30;
    const int nbin = (int)ceil(log10(orbits / tmin) * perdec - 1e-9);
    const double T = phys_kepler_period(mu, semi);

    tsv_t *orb = tsv_create(o.orbit_out, argc, argv);
    tsv_comment(orb, "Kepler orbit, mu = 1, a = 1, e = %g, pericenter on +x", e);
    tsv_comment(orb, "euler: %ld steps/orbit, its first %g orbits; leapfrog: %ld steps/orbit, "
                "its last orbit (of %g); exact: Kepler's equation", nper, o.euler_plot_orbits, nper, orbits);
    tsv_columns(orb, "euler_x\teuler_y\tleapfrog_x\tleapfrog_y\texact_x\texact_y");

    run_t R[4];
    for (int i = 0; i < 4; i++) run_alloc(&R[i], nbin);
    run(&R[0], EULER, e, (int)nper, orbits, tmin, perdec, orb, 0, 0, 1, o.euler_plot_orbits);
    run(&R[1], EULER, e, (int)(nper * fine), fine_orbits, tmin, perdec, NULL, 0, 0, 1, 0);
    run(&R[2], RK4, e, (int)nper, orbits, tmin, perdec, NULL, 0, 0, 1, 0);
    run(&R[3], LEAPFROG, e, (int)nper, orbits, tmin, perdec, orb, 2, orbits - 1, 1, orbits);
    /* The same RK4 run at h/2, for the measured exponent of its drift. */
    run_t R2;
    run_alloc(&R2, nbin);
    run(&R2, RK4, e, (int)(2 * nper), orbits, tmin, perdec, NULL, 0, 0, 1, 0);
    /* The leapfrog at h/2 over a tenth of the run: the precession's order. */
    run_t R3;
    run_alloc(&R3, nbin);
    run(&R3, LEAPFROG, e, (int)(2 * nper), orbits / 10, tmin, perdec, NULL, 0, 0, 1, 0);
    /* The exact ellipse, for the orbit figure. */
    for (int j = 0; j <= 400; j++) {
        double q[2], v[2];
        phys_kepler_exact(mu, semi, e, T * j / 400, q, v);
        tsv_rowv(orb, 6, NAN, NAN, NAN, NAN, q[0], q[1]);
    }

    tsv_t *t = tsv_create(o.out, argc, argv);
    tsv_comment(t, "Kepler problem H = |v|^2/2 - mu/|q|, mu = 1, a = 1, e = %g, start at pericenter", e);
    tsv_comment(t, "h = T/%ld (T = 2 pi), %g orbits; eulerfine: h = T/%ld, %g orbits", nper, orbits, nper * fine, fine_orbits);
    tsv_comment(t, "columns: t in orbits (upper edge of a log bin, %d per decade); max over the bin "
                "of |E-E0|/|E0| (E_) and |L-L0|/|L0| (L_); *_pred the theory (see kepler_long.c)", perdec);
    tsv_columns(t, "t_orbits\teuler_E\teuler_L\teuler_E_pred\teuler_L_pred"
                   "\teulerfine_E\teulerfine_L\teulerfine_E_pred\teulerfine_L_pred"
                   "\trk4_E\trk4_L\trk4_E_pred\trk4_L_pred"
                   "\tleapfrog_E\tleapfrog_L\tleapfrog_E_pred\tleapfrog_L_pred");
    for (int b = 0; b < nbin; b++) {
        double row[17];
        row[0] = bin_edge(tmin, perdec, b);
        for (int i = 0; i < 4; i++) {
            row[1 + 4 * i] = R[i].E[b];
            row[2 + 4 * i] = R[i].L[b];
            row[3 + 4 * i] = R[i].Ep[b];
            row[4 + 4 * i] = R[i].Lp[b];
        }
        tsv_row(t, 17, row);
    }

    write_summary(&o, R, &R2, &R3, nbin, tmin, perdec, argc, argv);
    tsv_finish(t);
    tsv_finish(orb);
    for (int i = 0; i < 4; i++) run_free(&R[i]);
    run_free(&R2);
    run_free(&R3);
    return 0;
}
