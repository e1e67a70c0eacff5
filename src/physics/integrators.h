/* integrators.h: one-step ODE integrators for the physics chapters.
 *
 * Two kinds of problem:
 *   first-order systems  y' = f(y, t),  y in R^n      (phys_euler_step, phys_rk4_step)
 *   second-order systems q'' = a(q, t), q in R^d      (phys_leapfrog_step; as a
 *                                                      first-order stepper on y = (q, v):
 *                                                      phys_leapfrog in the table)
 *
 * Method, order, and what each conserves (Hairer, Lubich & Wanner 2006,
 * "Geometric Numerical Integration", ch. I.1-I.3, IX, X):
 *
 *   phys_euler_step     explicit Euler, y <- y + dt f(y, t).  Order 1: global
 *                       error O(dt) at fixed time.  Conserves nothing but
 *                       linear invariants (e.g. total momentum of an isolated
 *                       system); on the Kepler problem energy and |L| drift
 *                       secularly, linearly in t, and the orbit spirals out.
 *
 *   phys_rk4_step       classical Runge-Kutta of order 4 (Kutta 1901).
 *                       Global error O(dt^4).  Conserves linear invariants
 *                       exactly; quadratic invariants (angular momentum) and
 *                       energy drift secularly at O(t dt^4).
 *
 *   phys_leapfrog_step  Stormer-Verlet in kick-drift-kick (velocity Verlet)
 *                       form.  Order 2, symmetric and symplectic (HLW06,
 *                       Sect. VI.3).  Exactly conserves linear invariants and
 *                       quadratic invariants q^T C v whose symmetry the force
 *                       respects: for a central force, L = q x v is conserved
 *                       up to round-off (HLW06, Sect. IV.2 on quadratic invariants of
 *                       partitioned methods; here simply: each kick adds a
 *                       vector parallel to q, each drift one parallel to v,
 *                       so neither changes q x v).  The
 *                       energy error does not grow: it stays O(dt^2) for
 *                       exponentially long times (HLW06, Sect. IX.8, backward error analysis).
 *
 * One signature (GSL odeiv2 style).  Every first-order stepper is a
 * phys_step_fn, listed in a table of {name, order, workspace size, step}
 * (phys_steppers, phys_stepper_find), so a program can take the method by
 * name; the leapfrog joins the table for partitioned states y = (q, v),
 * n = 2d, whose field is (v, a(q, t)).  A right-hand side returns a status:
 * 0, or a nonzero code (PHYS_ESINGULAR for a singular mass matrix, ...) that
 * the stepper returns at once, leaving y as it was before the step.
 *
 * Conventions (GSL style): the caller owns every buffer, nothing here
 * allocates, and the update is in place.  Sums are evaluated in a fixed order,
 * so the same call gives the same bits.  Symbol prefix phys_. */
#ifndef PHYSICS_INTEGRATORS_H
#define PHYSICS_INTEGRATORS_H

#include <stddef.h>

/* Status codes.  A right-hand side may return any nonzero int; these are the
 * ones the library itself uses. */
enum {
    PHYS_OK = 0,
    PHYS_ESINGULAR = 1,   /* a singular mass matrix: the acceleration is undefined */
    PHYS_ENONFINITE = 2,  /* a non-finite value where the field needs a finite one */
    PHYS_EBADSIZE = 3,    /* a state the stepper cannot take (leapfrog: odd n) */
};

/* Right-hand side of y' = f(y, t): writes dydt[0..n) from y[0..n); returns 0
 * or a status.  ctx is passed through unchanged (system parameters).  dydt
 * never aliases y. */
typedef int (*phys_field_fn)(double *dydt, const double *y, double t, void *ctx);

/* Acceleration of q'' = a(q, t): writes a[0..d) from q[0..d); returns 0 or a
 * status.  a never aliases q. */
typedef int (*phys_accel_fn)(double *a, const double *q, double t, void *ctx);

/* One step y(t) -> y(t + dt) of y' = f(y, t), y[0..n), work as the stepper's
 * table entry says.  Returns 0, or the first nonzero status of f (then y is
 * unchanged). */
typedef int (*phys_step_fn)(double *y, size_t n, double t, double dt, phys_field_fn f,
                            void *ctx, double *work);

typedef struct {
    const char *name;       /* "euler", "rk4", "leapfrog" */
    int order;              /* global order of accuracy */
    size_t work_per_dim;    /* workspace: work_per_dim * n doubles */
    phys_step_fn step;
} phys_stepper_t;

extern const phys_stepper_t phys_euler, phys_rk4, phys_leapfrog;
/* Every stepper, NULL-terminated. */
extern const phys_stepper_t *const phys_steppers[];
/* The stepper called name, or NULL. */
const phys_stepper_t *phys_stepper_find(const char *name);

/* Workspace sizes, in doubles. */
#define PHYS_STEPPER_WORK(s, n) ((s)->work_per_dim * (size_t)(n))
#define PHYS_EULER_WORK(n) ((size_t)(n))
#define PHYS_RK4_WORK(n)   (5 * (size_t)(n))
#define PHYS_LEAPFROG_WORK(n) (3 * (size_t)(n))

/* nsteps steps of s from time t0: step i goes from t0 + i dt.  Returns 0, or
 * the status of the first step that failed (y then holds the state at its
 * start).  work: PHYS_STEPPER_WORK(s, n) doubles. */
int phys_integrate(const phys_stepper_t *s, double *y, size_t n, double t0, double dt,
                   long nsteps, phys_field_fn f, void *ctx, double *work);

/* y(t) -> y(t + dt) by explicit Euler.  work: PHYS_EULER_WORK(n) doubles. */
int phys_euler_step(double *y, size_t n, double t, double dt, phys_field_fn f, void *ctx,
                    double *work);

/* y(t) -> y(t + dt) by classical RK4:
 *   k1 = f(y, t), k2 = f(y + dt/2 k1, t + dt/2), k3 = f(y + dt/2 k2, t + dt/2),
 *   k4 = f(y + dt k3, t + dt),  y <- y + dt/6 (k1 + 2 k2 + 2 k3 + k4).
 * work: PHYS_RK4_WORK(n) doubles. */
int phys_rk4_step(double *y, size_t n, double t, double dt, phys_field_fn f, void *ctx,
                  double *work);

/* (q, v)(t) -> (q, v)(t + dt) by velocity Verlet (kick-drift-kick), the
 * second-order form chapter 1 integrates Kepler with:
 *   v_half = v + dt/2 a(q, t);  q <- q + dt v_half;  v <- v_half + dt/2 a(q, t + dt).
 * a is caller-owned, d doubles, and caches the force: on entry it must hold
 * a(q, t) (call phys_leapfrog_init once before the first step); on return it
 * holds a(q_new, t + dt).  One force evaluation per step.  Returns 0 or the
 * status of acc (then q, v and a are not restored: the table's leapfrog, for
 * fields, restores y). */
int phys_leapfrog_init(double *a, const double *q, size_t d, double t, phys_accel_fn acc,
                       void *ctx);
int phys_leapfrog_step(double *q, double *v, size_t d, double t, double dt, phys_accel_fn acc,
                       void *ctx, double *a);

#endif
