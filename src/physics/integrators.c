/* integrators.c: explicit Euler, classical RK4 and Stormer-Verlet (velocity
 * Verlet) one-step maps, and the table that puts them behind one signature.
 * Methods, orders and invariants: integrators.h; reference: Hairer, Lubich &
 * Wanner 2006, "Geometric Numerical Integration", Sect. I.1 (Euler,
 * Stormer-Verlet) and II.1 (Runge-Kutta methods). */
#include "physics/integrators.h"

#include <string.h>

int phys_euler_step(double *y, size_t n, double t, double dt, phys_field_fn f, void *ctx,
                    double *work)
{
    double *k = work;
    int s = f(k, y, t, ctx);
    if (s)
        return s;
    for (size_t i = 0; i < n; i++)
        y[i] += dt * k[i];
    return 0;
}

/* excerpt: rk4 */
int phys_rk4_step(double *y, size_t n, double t, double dt, phys_field_fn f, void *ctx,
                  double *work)
{
    double *k1 = work, *k2 = work + n, *k3 = work + 2 * n, *k4 = work + 3 * n;
    double *tmp = work + 4 * n;
    const double h2 = 0.5 * dt;
    int s;

    if ((s = f(k1, y, t, ctx)) != 0) return s;
    for (size_t i = 0; i < n; i++) tmp[i] = y[i] + h2 * k1[i];
    if ((s = f(k2, tmp, t + h2, ctx)) != 0) return s;
    for (size_t i = 0; i < n; i++) tmp[i] = y[i] + h2 * k2[i];
    if ((s = f(k3, tmp, t + h2, ctx)) != 0) return s;
    for (size_t i = 0; i < n; i++) tmp[i] = y[i] + dt * k3[i];
    if ((s = f(k4, tmp, t + dt, ctx)) != 0) return s;
    for (size_t i = 0; i < n; i++)
        y[i] += (dt / 6.0) * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i]);
    return 0;
}
/* end excerpt */

int phys_leapfrog_init(double *a, const double *q, size_t d, double t, phys_accel_fn acc,
                       void *ctx)
{
    (void)d;
    return acc(a, q, t, ctx);
}

/* excerpt: leapfrog */
int phys_leapfrog_step(double *q, double *v, size_t d, double t, double dt, phys_accel_fn acc,
                       void *ctx, double *a)
{
    const double h2 = 0.5 * dt;
    for (size_t i = 0; i < d; i++) v[i] += h2 * a[i];  /* kick */
    for (size_t i = 0; i < d; i++) q[i] += dt * v[i];  /* drift */
    int s = acc(a, q, t + dt, ctx);                    /* new force */
    if (s)
        return s;
    for (size_t i = 0; i < d; i++) v[i] += h2 * a[i];  /* kick */
    return 0;
}
/* end excerpt */

/* ------------------------------------------------------------ the table */

/* The leapfrog on a first-order field: the acceleration is the second half
 * of f(y) for y = (q, v), the rest of y being v.  Two field evaluations per
 * step (no force cache across calls), y restored on failure. */
typedef struct {
    phys_field_fn f;
    void *ctx;
    const double *y;   /* the whole state; q is its first half */
    double *k;         /* [n] the field */
    size_t d;
} leapfrog_field;

static int accel_of_field(double *a, const double *q, double t, void *vc)
{
    leapfrog_field *c = vc;
    int s = c->f(c->k, c->y, t, c->ctx);
    if (s)
        return s;
    memcpy(a, c->k + c->d, c->d * sizeof *a);
    return 0;
}

static int leapfrog_step(double *y, size_t n, double t, double dt, phys_field_fn f, void *ctx,
                         double *work)
{
    if (n % 2)
        return PHYS_EBADSIZE;
    size_t d = n / 2;
    double *k = work, *a = work + n, *saved = work + n + d;   /* n + d + n <= 3 n */
    leapfrog_field c = {f, ctx, y, k, d};
    memcpy(saved, y, n * sizeof *y);
    int s = phys_leapfrog_init(a, y, d, t, accel_of_field, &c);
    if (!s)
        s = phys_leapfrog_step(y, y + d, d, t, dt, accel_of_field, &c, a);
    if (s)
        memcpy(y, saved, n * sizeof *y);
    return s;
}

const phys_stepper_t phys_euler = {"euler", 1, 1, phys_euler_step};
const phys_stepper_t phys_rk4 = {"rk4", 4, 5, phys_rk4_step};
const phys_stepper_t phys_leapfrog = {"leapfrog", 2, 3, leapfrog_step};
const phys_stepper_t *const phys_steppers[] = {&phys_euler, &phys_rk4, &phys_leapfrog, NULL};

const phys_stepper_t *phys_stepper_find(const char *name)
{
    for (int i = 0; phys_steppers[i]; i++)
        if (!strcmp(phys_steppers[i]->name, name))
            return phys_steppers[i];
    return NULL;
}

int phys_integrate(const phys_stepper_t *s, double *y, size_t n, double t0, double dt,
                   long nsteps, phys_field_fn f, void *ctx, double *work)
{
    for (long i = 0; i < nsteps; i++) {
        int st = s->step(y, n, t0 + (double)i * dt, dt, f, ctx, work);
        if (st)
            return st;
    }
    return 0;
}
