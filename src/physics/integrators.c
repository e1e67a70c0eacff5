/* integrators.c: explicit Euler, classical RK4 and Stormer-Verlet (velocity
 * Verlet) one-step maps.  Methods, orders and invariants: integrators.h;
 * reference: Hairer, Lubich & Wanner 2006, "Geometric Numerical Integration",
 * Sect. I.1 (Euler, Stormer-Verlet) and II.1 (Runge-Kutta methods). */
#include "physics/integrators.h"

void phys_euler_step(double *y, size_t n, double t, double dt,
                     phys_field_fn f, void *ctx, double *work)
{
    double *k = work;
    f(k, y, t, ctx);
    for (size_t i = 0; i < n; i++)
        y[i] += dt * k[i];
}

/* excerpt: rk4 */
void phys_rk4_step(double *y, size_t n, double t, double dt,
                   phys_field_fn f, void *ctx, double *work)
{
    double *k1 = work, *k2 = work + n, *k3 = work + 2 * n, *k4 = work + 3 * n;
    double *tmp = work + 4 * n;
    const double h2 = 0.5 * dt;

    f(k1, y, t, ctx);
    for (size_t i = 0; i < n; i++) tmp[i] = y[i] + h2 * k1[i];
    f(k2, tmp, t + h2, ctx);
    for (size_t i = 0; i < n; i++) tmp[i] = y[i] + h2 * k2[i];
    f(k3, tmp, t + h2, ctx);
    for (size_t i = 0; i < n; i++) tmp[i] = y[i] + dt * k3[i];
    f(k4, tmp, t + dt, ctx);
    for (size_t i = 0; i < n; i++)
        y[i] += (dt / 6.0) * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i]);
}
/* end excerpt */

void phys_leapfrog_init(double *a, const double *q, size_t d, double t,
                        phys_accel_fn acc, void *ctx)
{
    (void)d;
    acc(a, q, t, ctx);
}

/* excerpt: leapfrog */
void phys_leapfrog_step(double *q, double *v, size_t d, double t, double dt,
                        phys_accel_fn acc, void *ctx, double *a)
{
    const double h2 = 0.5 * dt;
    for (size_t i = 0; i < d; i++) v[i] += h2 * a[i];  /* kick */
    for (size_t i = 0; i < d; i++) q[i] += dt * v[i];  /* drift */
    acc(a, q, t + dt, ctx);                            /* new force */
    for (size_t i = 0; i < d; i++) v[i] += h2 * a[i];  /* kick */
}
/* end excerpt */
