/* relativistic.h: the relativistic particle of Cranmer et al. 2020 (LNN paper,
 * Sec. "Relativistic particle"; the authors' notebook SpecialRelativity.ipynb),
 * c = m = 1, in a uniform field g, state y = (q, v), v = qdot, |v| < 1:
 *     L = (1 - v^2)^{-1/2} + g q,
 *     p = dL/dv = v (1 - v^2)^{-3/2}          (canonical momentum, not v),
 *     Euler-Lagrange: dp/dt = g, so
 *     vdot = g (1 - v^2)^{5/2} / (1 + 2 v^2)  (the notebook's qdotdot),
 *     E = v p - L = F(v) - g q,  F(v) = (1 - v^2)^{-3/2} - 2 (1 - v^2)^{-1/2}.
 * Closed form (derived here): p(t) = p0 + g t; v(t) = p^{-1}(p(t)); and from
 * E = const, q(t) = q0 + (F(v(t)) - F(v0)) / g (q0 + v0 t when g = 0).
 * The field in (q, v) has divergence dvdot/dv != 0, so no Hamiltonian in the
 * coordinates (q, v) generates it: the reason an HNN fed (q, qdot) fails. */
#ifndef PHYSICS_RELATIVISTIC_H
#define PHYSICS_RELATIVISTIC_H

/* vdot at velocity v (|v| < 1) */
double phys_rel_accel(double v, double g);
/* phys_field_fn: y = (q, v), ctx = pointer to g (double) */
int    phys_rel_field(double *dydt, const double *y, double t, void *ctx);
double phys_rel_momentum(double v);
/* The inverse of phys_rel_momentum: the v in (-1, 1) with p(v) = p
 * (bisection, 200 halvings at most, to the last bit). */
double phys_rel_velocity(double p);
double phys_rel_energy(const double *y, double g);
/* y(t) from y0 = (q0, v0) by the closed form above. */
void   phys_rel_exact(double y[2], const double y0[2], double g, double t);

#endif
