/* two_body.h: the two-body problem of Greydanus et al. 2019 (HNN paper,
 * task 4; experiment-2body/data.py of their code): unit masses, G = 1, in the
 * plane, state in their canonical order
 *     y = (qx1, qx2, qy1, qy2, px1, px2, py1, py2),   p = velocity (m = 1),
 *     H = (|p1|^2 + |p2|^2) / 2 - 1 / |q1 - q2|,
 *     qdot = p,  pdot_1 = (q2 - q1) / |q1 - q2|^3 = -pdot_2.
 * Their initial conditions (random_config): body 1 at a position with both
 * coordinates in U[0.5, 1.5] (r = |pos|), body 2 at -pos, velocities of the
 * circular orbit, +-(-pos_y, pos_x) / (2 r^{3/2}), scaled by 1 + noise N(0, 1).
 * Circular orbit (noise 0, derived here): the bodies turn about the origin at
 * angular velocity omega = 1 / (2 r^{3/2}), so q1(t) = R(omega t) pos. */
#ifndef PHYSICS_TWO_BODY_H
#define PHYSICS_TWO_BODY_H

#include "core/rng.h"

int    phys_2body_field(double *dydt, const double *y, double t, void *ctx);
double phys_2body_energy(const double *y);
/* the z-component of the total angular momentum */
double phys_2body_angmom(const double *y);
/* the HNN code's random_config with orbit noise `noise` (theirs 0.05). */
void   phys_2body_random_config(double y[8], double noise, rng_t *r);

#endif
