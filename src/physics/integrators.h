/* integrators.h: one-step ODE integrators for the physics chapters.
 *
 * Two kinds of problem:
 *   first-order systems  y' = f(y, t),  y in R^n      (phys_euler_step, phys_rk4_step)
 *   second-order systems q'' = a(q, t), q in R^d      (phys_leapfrog_step)
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
 * Conventions (GSL style): the caller owns every buffer, nothing here
 * allocates, and the update is in place.  Sums are evaluated in a fixed order,
 * so the same call gives the same bits.  Symbol prefix phys_. */
#ifndef PHYSICS_INTEGRATORS_H
#define PHYSICS_INTEGRATORS_H

#include <stddef.h>

/* Right-hand side of y' = f(y, t): writes dydt[0..n) from y[0..n).
 * ctx is passed through unchanged (system parameters).  dydt never aliases y. */
typedef void (*phys_field_fn)(double *dydt, const double *y, double t, void *ctx);

/* Acceleration of q'' = a(q, t): writes a[0..d) from q[0..d). a never aliases q. */
typedef void (*phys_accel_fn)(double *a, const double *q, double t, void *ctx);

/* Workspace sizes, in doubles. */
#define PHYS_EULER_WORK(n) ((size_t)(n))
#define PHYS_RK4_WORK(n)   (5 * (size_t)(n))

/* y(t) -> y(t + dt) by explicit Euler.  work: PHYS_EULER_WORK(n) doubles. */
void phys_euler_step(double *y, size_t n, double t, double dt,
                     phys_field_fn f, void *ctx, double *work);

/* y(t) -> y(t + dt) by classical RK4:
 *   k1 = f(y, t), k2 = f(y + dt/2 k1, t + dt/2), k3 = f(y + dt/2 k2, t + dt/2),
 *   k4 = f(y + dt k3, t + dt),  y <- y + dt/6 (k1 + 2 k2 + 2 k3 + k4).
 * work: PHYS_RK4_WORK(n) doubles. */
void phys_rk4_step(double *y, size_t n, double t, double dt,
                   phys_field_fn f, void *ctx, double *work);

/* (q, v)(t) -> (q, v)(t + dt) by velocity Verlet (kick-drift-kick):
 *   v_half = v + dt/2 a(q, t);  q <- q + dt v_half;  v <- v_half + dt/2 a(q, t + dt).
 * a is caller-owned, d doubles, and caches the force: on entry it must hold
 * a(q, t) (call phys_leapfrog_init once before the first step); on return it
 * holds a(q_new, t + dt).  One force evaluation per step. */
void phys_leapfrog_init(double *a, const double *q, size_t d, double t,
                        phys_accel_fn acc, void *ctx);
void phys_leapfrog_step(double *q, double *v, size_t d, double t, double dt,
                        phys_accel_fn acc, void *ctx, double *a);

#endif
