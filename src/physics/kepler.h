/* kepler.h: the planar Kepler problem, optionally perturbed by a uniform
 * force field (the Stark problem), and the quantities Noether's theorem
 * attaches to its symmetries.
 *
 *   H(q, v) = |v|^2 / 2 - mu / |q| - F . q          (per unit mass)
 *
 * Symmetries (Arnold 1989, ch. 4, sect. 20; Noether 1918):
 *   time translation      -> energy E = H                     (always, F constant)
 *   rotation about 0      -> angular momentum L = q x v       (only when F = 0)
 *   hidden SO(3) / SO(4)  -> Laplace-Runge-Lenz vector
 *                            A = v x L - mu q/|q|             (only when F = 0)
 * With F != 0 rotation is broken: dL/dt = q x F (the torque).
 *
 * State layouts: for first-order integrators y = (x, y, vx, vy); for the
 * leapfrog q = (x, y), v = (vx, vy).  Orbits start at pericenter on the +x
 * axis and turn counterclockwise.  Symbol prefix phys_kepler_. */
#ifndef PHYSICS_KEPLER_H
#define PHYSICS_KEPLER_H

typedef struct {
    double mu;       /* G M */
    double F[2];     /* uniform force per unit mass; {0, 0} for pure Kepler */
} phys_kepler_t;

/* phys_accel_fn: a = -mu q / |q|^3 + F.  ctx is a phys_kepler_t *.  Returns 0. */
int    phys_kepler_accel(double *a, const double *q, double t, void *ctx);
/* phys_field_fn: y' = (v, a(q)) with y = (x, y, vx, vy). */
int    phys_kepler_field(double *dydt, const double *y, double t, void *ctx);

double phys_kepler_energy(const phys_kepler_t *k, const double *q, const double *v);
double phys_kepler_angmom(const double *q, const double *v);          /* x vy - y vx */
/* Laplace-Runge-Lenz vector A = v x L - mu q/|q| (points to pericenter, |A| = mu e). */
void   phys_kepler_lrl(const phys_kepler_t *k, const double *q, const double *v, double A[2]);
double phys_kepler_torque(const phys_kepler_t *k, const double *q);   /* q x F */

/* Period 2 pi sqrt(a^3 / mu) of an ellipse of semi-major axis a. */
double phys_kepler_period(double mu, double a);
/* Pericenter state of the ellipse (a, e): q = (a(1-e), 0),
 * v = (0, sqrt(mu (1+e) / (a (1-e)))). */
void   phys_kepler_pericenter(double mu, double a, double e, double q[2], double v[2]);
/* Exact unperturbed state at time t after the pericenter passage, from
 * Kepler's equation M = E - e sin E solved by Newton's method to round-off.
 * Returns the number of Newton iterations (< 0 if it did not converge). */
int    phys_kepler_exact(double mu, double a, double e, double t, double q[2], double v[2]);

/* Eccentric anomaly E with E - e sin E = M, for any real M (E - M is
 * 2 pi-periodic, so E keeps M's winding number). */
double phys_kepler_anomaly(double e, double M);

/* h^2 coefficient of the modified ("shadow") energy of the velocity-Verlet
 * leapfrog for H = |v|^2/2 + V(q):
 *     H~ = H + h^2 H2 + O(h^4),  H2 = (1/12) v^T V''(q) v - (1/24) |V'(q)|^2,
 * which the method conserves to O(h^4) over exponentially long times
 * (Hairer, Lubich & Wanner 2006, sect. IX.3 and IX.8).  Consequently the
 * energy error is E_n - E_0 = -h^2 (H2(y_n) - H2(y_0)) + O(h^4): bounded. */
double phys_kepler_verlet_h2(const phys_kepler_t *k, const double *q, const double *v);

#endif
