/* systems.h: the ground-truth mechanical systems of chapter 4, in closed form.
 *
 *   Ideal spring (Greydanus et al. 2019, HNN code, task 1):  H = q^2 + p^2,
 *       qdot = dH/dp = 2p,  pdot = -dH/dq = -2q.
 *   Ideal pendulum (HNN task 2, m = 1/2, l = 1, g = 3):      H = 3(1 - cos q) + p^2,
 *       qdot = 2p,  pdot = -3 sin q.
 *   Double pendulum (Cranmer et al. 2020, experiment_dblpend/physics.py),
 *   m1 = m2 = l1 = l2 = 1, g = 9.8, state y = (th1, th2, w1, w2):
 *       L = T - V,  T = w1^2 + w2^2/2 + w1 w2 cos(th1 - th2),
 *                   V = -2g cos th1 - g cos th2.
 *   Its closed-form accelerations follow the alpha/f form of the LNN repo's
 *   analytical_fn (Diego Assencio's derivation):
 *       a1 = (1/2) cos D, a2 = cos D, D = th1 - th2,
 *       f1 = -(1/2) w2^2 sin D - g sin th1,  f2 = w1^2 sin D - g sin th2,
 *       thdd1 = (f1 - a1 f2)/(1 - a1 a2),    thdd2 = (f2 - a2 f1)/(1 - a1 a2).
 *   The energy normaliser of the LNN paper's figures is max|V| = 3g = 29.4.
 *
 * The *_field functions have the phys_field_fn signature (integrators.h) and
 * return 0. */
#ifndef PHYSICS_SYSTEMS_H
#define PHYSICS_SYSTEMS_H

#define PHYS_DP_G 9.8
#define PHYS_DP_EMAX 29.4      /* max|V| = (m1 + m2) g l1 + m2 g l2 */

/* y = (q, p) */
int    phys_spring_field(double *dydt, const double *y, double t, void *ctx);
double phys_spring_energy(const double *y);
int    phys_pendulum_field(double *dydt, const double *y, double t, void *ctx);
double phys_pendulum_energy(const double *y);

/* y = (th1, th2, w1, w2) */
void   phys_dp_accel(double qdd[2], const double *y);
int    phys_dp_field(double *dydt, const double *y, double t, void *ctx);
double phys_dp_energy(const double *y);       /* T + V */
double phys_dp_lagrangian(const double *y);   /* T - V */
/* The derivatives of L that the Euler-Lagrange solve needs (Cranmer et al.
 * 2020, eq. 6): gq[i] = dL/dq_i, M[i][j] = d2L/dqdot_i dqdot_j,
 * C[i][j] = d2L/dqdot_i dq_j, row-major 2x2. */
void   phys_dp_lagrangian_derivs(const double *y, double gq[2], double M[4], double C[4]);

#endif
