/* toys.c: the analytic two-parameter toys of Kunin et al. 2021 (NM Figs.
 * 2-4 as the authors' summary numbers them; settings after the authors'
 * notebook, danielkunin/neural-mechanics notebooks/theory.ipynb).
 *
 * Three losses of two weights, each with one symmetry:
 *   translation  softmax cross-entropy of the logits (w1 x, w2 x) over a fixed
 *                sample (x_i, c_i);  psi: w -> w + a(1,1);  charge w1 + w2;
 *   scale        logistic loss of BatchNorm(w1 x1 + w2 x2) over a batch of 32
 *                (eps = 0);  psi: w -> a w;  charge w1^2 + w2^2;
 *   rescale      squared error of the linear path w2 w1 x;  psi: (w1, w2) ->
 *                (a w1, w2 / a);  charge w2^2 - w1^2 (out minus in).
 * For each: the field -g on a grid with the residual <g, xi>/(|g||xi|), the
 * level sets of the charge, and gradient-flow trajectories by RK4 with the
 * charge's drift along them.
 *
 * The quadratic L = w^T A w / 2, A = [[2.5, -1.5], [-1.5, 2.5]] (eigenvalues 4
 * and 1), w0 = (1, 0) (NM Fig. 4): gradient descent (eta = 0.1, 20 steps)
 * against gradient flow, the modified loss L + (eta/4)|grad L|^2 (Barrett &
 * Dherin 2021) and the modified flow (eta/2) w'' + w' = -A w (Kovachki &
 * Stuart); heavy ball (eta = 0.01, beta = 0.9, 50 steps) against gradient flow
 * at time eta k/(1-beta) and the momentum modified flow
 * (eta(1+beta)/2) w'' + (1-beta) w' = -A w, w'(0) = 0.  All continuous
 * curves are closed forms in A's eigenbasis.
 *
 * Writes toy_field.tsv, toy_levels.tsv, toy_flows.tsv, toy_quadratic.tsv,
 * toy_summary.tsv into --out-dir. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/args.h"
#include "core/rng.h"
#include "core/tsv.h"
#include "core/util.h"
#include "experiments/ch2/lib/out.h"
#include "physics/integrators.h"

enum { NS = 32 };

typedef struct {
    double x[NS], x2[NS], t[NS];
    int c[NS];
} toydata_t;

/* ------------------------------------------------------------ the losses */

/* translation: L = mean_i -log softmax(w x_i)_{c_i}; dL/dw_k = mean (p_k - [k=c]) x */
static void grad_translation(const toydata_t *d, const double *w, double *g)
{
    g[0] = g[1] = 0.0;
    for (int i = 0; i < NS; i++) {
        double z0 = w[0] * d->x[i], z1 = w[1] * d->x[i], mx = fmax(z0, z1);
        double e0 = exp(z0 - mx), e1 = exp(z1 - mx), p0 = e0 / (e0 + e1), p1 = e1 / (e0 + e1);
        g[0] += (p0 - (d->c[i] == 0)) * d->x[i] / NS;
        g[1] += (p1 - (d->c[i] == 1)) * d->x[i] / NS;
    }
}

/* scale: z_i = w.x_i, zhat = BN(z) (eps 0), L = mean softplus(-s_i zhat_i), s = +-1 */
static void grad_scale(const toydata_t *d, const double *w, double *g)
{
    double z[NS], mean = 0.0, var = 0.0;
    for (int i = 0; i < NS; i++) {
        z[i] = w[0] * d->x[i] + w[1] * d->x2[i];
        mean += z[i] / NS;
    }
    for (int i = 0; i < NS; i++)
        var += (z[i] - mean) * (z[i] - mean) / NS;
    double rstd = 1.0 / sqrt(var), zh[NS], dzh[NS], s1 = 0.0, s2 = 0.0;
    for (int i = 0; i < NS; i++) {
        zh[i] = (z[i] - mean) * rstd;
        double s = d->c[i] ? 1.0 : -1.0;
        dzh[i] = -s / (1.0 + exp(s * zh[i])) / NS;     /* d softplus(-s zh)/d zh */
        s1 += dzh[i];
        s2 += dzh[i] * zh[i];
    }
    g[0] = g[1] = 0.0;
    for (int i = 0; i < NS; i++) {
        double dz = rstd * (dzh[i] - s1 / NS - zh[i] * s2 / NS);
        g[0] += dz * d->x[i];
        g[1] += dz * d->x2[i];
    }
}

/* rescale: L = mean (w2 w1 x_i - t_i)^2 / 2 */
static void grad_rescale(const toydata_t *d, const double *w, double *g)
{
    double s = 0.0;
    for (int i = 0; i < NS; i++)
        s += (w[1] * w[0] * d->x[i] - d->t[i]) * d->x[i] / NS;
    g[0] = s * w[1];
    g[1] = s * w[0];
}

typedef void (*gradfn)(const toydata_t *, const double *, double *);

static double charge(int toy, const double *w)
{
    return toy == 0 ? w[0] + w[1] : toy == 1 ? w[0] * w[0] + w[1] * w[1] : w[1] * w[1] - w[0] * w[0];
}

static void generator(int toy, const double *w, double *xi)
{
    if (toy == 0)
        xi[0] = 1.0, xi[1] = 1.0;
    else if (toy == 1)
        xi[0] = w[0], xi[1] = w[1];
    else
        xi[0] = w[0], xi[1] = -w[1];
}

/* Gradient flow w' = -g(w) as a field for the steppers of physics/integrators.h. */
typedef struct {
    gradfn G;
    const toydata_t *d;
} flow_ctx;

static int flow_field(double *dwdt, const double *w, double t, void *vc)
{
    const flow_ctx *c = vc;
    c->G(c->d, w, dwdt);
    dwdt[0] = -dwdt[0];
    dwdt[1] = -dwdt[1];
    return 0;
}

static void rk4(gradfn G, const toydata_t *d, double *w, double dt)
{
    flow_ctx c = {G, d};
    double work[PHYS_RK4_WORK(2)];
    phys_rk4_step(w, 2, 0.0, dt, flow_field, &c, work);
}

/* ------------------------------------------------------- the quadratic */

/* eigenbasis of A: u1 = (1,1)/sqrt2 (sigma 1), u2 = (1,-1)/sqrt2 (sigma 4) */
static const double SIG[2] = {1.0, 4.0};
static void to_eig(const double *w, double *a)
{
    a[0] = (w[0] + w[1]) / sqrt(2.0);
    a[1] = (w[0] - w[1]) / sqrt(2.0);
}
static void from_eig(const double *a, double *w)
{
    w[0] = (a[0] + a[1]) / sqrt(2.0);
    w[1] = (a[0] - a[1]) / sqrt(2.0);
}

/* Second-order mode m x'' + c x' + s x = 0 with x(0) = x0, x'(0) = v0. */
static double mode2(double m, double c, double s, double x0, double v0, double t)
{
    double disc = c * c - 4 * m * s;
    if (disc > 0) {
        double r1 = (-c + sqrt(disc)) / (2 * m), r2 = (-c - sqrt(disc)) / (2 * m);
        double A2 = (v0 - r1 * x0) / (r2 - r1), A1 = x0 - A2;
        return A1 * exp(r1 * t) + A2 * exp(r2 * t);
    }
    double g = c / (2 * m), W = sqrt(-disc) / (2 * m);
    if (W == 0.0)
        return exp(-g * t) * (x0 + (v0 + g * x0) * t);
    return exp(-g * t) * (x0 * cos(W * t) + (v0 + g * x0) / W * sin(W * t));
}

/* model 0: gradient flow; 1: modified loss; 2: modified flow (GD);
 * 3: momentum modified flow; time t in units of eta k (model 3) */
static void quad_model(int model, double eta, double beta, const double *w0, double t, double *w)
{
    double a0[2], a[2];
    to_eig(w0, a0);
    for (int j = 0; j < 2; j++) {
        double s = SIG[j];
        switch (model) {
        case 0:
            a[j] = a0[j] * exp(-s * t);
            break;
        case 1:
            a[j] = a0[j] * exp(-s * (1.0 + 0.5 * eta * s) * t);
            break;
        case 2: /* start on the slow manifold to first order: w'(0) = -(s + eta s^2/2) w0 */
            a[j] = mode2(0.5 * eta, 1.0, s, a0[j], -(s + 0.5 * eta * s * s) * a0[j], t);
            break;
        default:
            a[j] = mode2(0.5 * eta * (1 + beta), 1 - beta, s, a0[j], 0.0, t);
            break;
        }
    }
    from_eig(a, w);
}

/* g = A w */
static void quad_grad(const double *w, double *g)
{
    g[0] = 2.5 * w[0] - 1.5 * w[1];
    g[1] = -1.5 * w[0] + 2.5 * w[1];
}

/* One heavy-ball step (beta = 0: GD), PyTorch convention. */
static void quad_step(double *w, double *v, double eta, double beta)
{
    double g[2];
    quad_grad(w, g);
    v[0] = beta * v[0] + g[0], v[1] = beta * v[1] + g[1];
    w[0] -= eta * v[0], w[1] -= eta * v[1];
}

/* Two blank lines: the end of a gnuplot block. */
static void end_block(tsv_t *t)
{
    tsv_line(t, "%s", "");
    tsv_line(t, "%s", "");
}

/* Largest distance between the discrete iterates and model `model`. */
static double quad_err(int model, double eta, double beta, int steps)
{
    double w[2] = {1.0, 0.0}, v[2] = {0, 0}, w0[2] = {1.0, 0.0}, m[2], worst = 0.0;
    for (int k = 1; k <= steps; k++) {
        quad_step(w, v, eta, beta);
        double t = eta * k / (model == 0 ? 1.0 - beta : 1.0);
        quad_model(model, eta, beta, w0, t, m);
        double e = hypot(w[0] - m[0], w[1] - m[1]);
        if (e > worst)
            worst = e;
    }
    return worst;
}

/* --------------------------------------------------------------- main */

static const gradfn G[3] = {grad_translation, grad_scale, grad_rescale};
static const char *const names[3] = {"translation", "scale", "rescale"};

/* The gradient fields, one block per toy: arrows of fixed length along -g,
 * and the residual of the gradient constraint <g, xi> = 0. */
static void write_field(const toydata_t *dp, int ng, uint64_t seed, const char *dir, tsv_t *sum,
                        int argc, char **argv)
{
    /* field: one block per toy; arrows of fixed length along -g */
    tsv_t *tf = tsv_createf(argc, argv, "%s/toy_field.tsv", dir);
    tsv_comment(tf, "seed %llu; -g/|g| scaled to 0.07; residual <g,xi>/(|g||xi|)",
                (unsigned long long)seed);
    tsv_columns(tf, "w1\tw2\tdw1\tdw2\tlog10_gnorm\tresidual");
    for (int toy = 0; toy < 3; toy++) {
        double worst = 0.0;
        for (int i = 0; i < ng; i++)
            for (int j = 0; j < ng; j++) {
                double w[2] = {-1.0 + 2.0 * i / (ng - 1), -1.0 + 2.0 * j / (ng - 1)}, g[2], xi[2];
                if (toy == 1 && hypot(w[0], w[1]) < 0.2)
                    continue;                   /* BN: |g| ~ 1/|w| at the origin */
                G[toy](dp, w, g);
                generator(toy, w, xi);
                double gn = hypot(g[0], g[1]), xn = hypot(xi[0], xi[1]);
                if (gn == 0.0 || xn == 0.0)
                    continue;
                double res = fabs(g[0] * xi[0] + g[1] * xi[1]) / (gn * xn);
                if (res > worst)
                    worst = res;
                tsv_rowv(tf, 6, w[0], w[1], -0.07 * g[0] / gn, -0.07 * g[1] / gn, log10(gn), res);
            }
        end_block(tf);
        tsv_kvf(sum, worst, "field_residual_%s", names[toy]);
    }
    tsv_finish(tf);
}

/* Level sets of the charges (the theory): one block per toy, curves by blank lines. */
static void write_levels(const char *dir, int argc, char **argv)
{
    tsv_t *tl = tsv_createf(argc, argv, "%s/toy_levels.tsv", dir);
    tsv_comment(tl, "w1 + w2 = c; w1^2 + w2^2 = c; w2^2 - w1^2 = c");
    tsv_columns(tl, "w1\tw2");
    for (int toy = 0; toy < 3; toy++) {
        for (int lev = -4; lev <= 4; lev++) {
            if (toy == 0) {
                double c = 0.4 * lev;
                for (int s = 0; s <= 40; s++) {
                    double w1 = -1.0 + s * 0.05;
                    tsv_rowv(tl, 2, w1, c - w1);
                }
                tsv_line(tl, "%s", "");
            } else if (toy == 1) {
                if (lev <= 0)
                    continue;
                double rr = 0.25 * lev;
                for (int s = 0; s <= 120; s++)
                    tsv_rowv(tl, 2, rr * cos(2 * PI * s / 120), rr * sin(2 * PI * s / 120));
                tsv_line(tl, "%s", "");
            } else {
                double c = 0.2 * lev;
                for (int br = -1; br <= 1; br += 2) {
                    for (int s = 0; s <= 80; s++) {
                        double u = -1.5 + 3.0 * s / 80;   /* w2^2 - w1^2 = c, parametrised */
                        double w1, w2;
                        if (c > 0)
                            w1 = sqrt(c) * sinh(u), w2 = br * sqrt(c) * cosh(u);
                        else if (c < 0)
                            w1 = br * sqrt(-c) * cosh(u), w2 = sqrt(-c) * sinh(u);
                        else
                            w1 = u, w2 = br * u;
                        tsv_rowv(tl, 2, w1, w2);
                    }
                    tsv_line(tl, "%s", "");
                }
            }
        }
        tsv_line(tl, "%s", "");
    }
    tsv_finish(tl);
}

/* Gradient-flow trajectories by RK4: the charge is conserved. */
static void write_flows(const toydata_t *dp, const char *dir, tsv_t *sum, int argc, char **argv)
{
    tsv_t *tr = tsv_createf(argc, argv, "%s/toy_flows.tsv", dir);
    tsv_comment(tr, "RK4, dt 1e-3, until t = 30 or the trajectory leaves [-1.2, 1.2]^2");
    tsv_columns(tr, "t\tw1\tw2\tcharge");
    const double starts[3][4][2] = {
        {{-0.9, 0.5}, {0.6, -0.8}, {-0.3, -0.9}, {0.9, 0.2}},
        {{0.8, 0.1}, {-0.3, 0.7}, {-0.6, -0.35}, {0.25, -0.8}},
        {{0.9, 0.3}, {-0.2, 0.9}, {-0.8, -0.4}, {0.35, -0.95}}};
    for (int toy = 0; toy < 3; toy++) {
        double drift = 0.0, dt = 1e-3, T = 30.0;
        for (int s = 0; s < 4; s++) {
            double w[2] = {starts[toy][s][0], starts[toy][s][1]}, c0 = charge(toy, w);
            long n = lround(T / dt);
            for (long k = 0; k <= n; k++) {
                if (k % 50 == 0)
                    tsv_rowv(tr, 4, k * dt, w[0], w[1], charge(toy, w));
                double e = fabs(charge(toy, w) - c0) / fmax(fabs(c0), 1e-3);
                if (e > drift)
                    drift = e;
                if (fabs(w[0]) > 1.2 || fabs(w[1]) > 1.2)
                    break;
                rk4(G[toy], dp, w, dt);
            }
            tsv_line(tr, "%s", "");
        }
        tsv_line(tr, "%s", "");
        tsv_kvf(sum, drift, "flow_drift_%s", names[toy]);
    }
    tsv_finish(tr);
}

/* The quadratic: GD, gradient flow, the modified loss and flow, heavy ball. */
static void write_quadratic(const char *dir, int argc, char **argv)
{
    tsv_t *tq = tsv_createf(argc, argv, "%s/toy_quadratic.tsv", dir);
    tsv_comment(tq, "A = [[2.5,-1.5],[-1.5,2.5]], w0 = (1,0); blocks: 0 GD (eta 0.1), 1 gradient "
                    "flow, 2 modified loss, 3 modified flow, 4 loss contours, 5 heavy ball "
                    "(eta 0.01, beta 0.9), 6 gradient flow at t = eta k/(1-beta), 7 momentum "
                    "modified flow");
    tsv_columns(tq, "k\tw1\tw2");
    const double w0[2] = {1.0, 0.0};
    double eta = 0.1;
    {
        double w[2] = {1.0, 0.0}, v[2] = {0, 0};
        for (int k = 0; k <= 20; k++) {
            tsv_rowv(tq, 3, (double)k, w[0], w[1]);
            quad_step(w, v, eta, 0.0);
        }
        end_block(tq);
    }
    for (int model = 0; model < 3; model++) {
        for (int s = 0; s <= 400; s++) {
            double t = 2.0 * s / 400, w[2];
            quad_model(model, eta, 0.0, w0, t, w);
            tsv_rowv(tq, 3, t / eta, w[0], w[1]);
        }
        end_block(tq);
    }
    for (int lev = 1; lev <= 6; lev++) {          /* L = c: ellipses */
        double c = 0.12 * lev * lev * 0.5;
        for (int s = 0; s <= 120; s++) {
            double th = 2 * PI * s / 120, a[2] = {sqrt(2 * c / SIG[0]) * cos(th),
                                                   sqrt(2 * c / SIG[1]) * sin(th)}, w[2];
            from_eig(a, w);
            tsv_rowv(tq, 3, 0.0, w[0], w[1]);
        }
        tsv_line(tq, "%s", "");
    }
    tsv_line(tq, "%s", "");
    double etam = 0.01, beta = 0.9;
    {
        double w[2] = {1.0, 0.0}, v[2] = {0, 0};
        for (int k = 0; k <= 50; k++) {
            tsv_rowv(tq, 3, (double)k, w[0], w[1]);
            quad_step(w, v, etam, beta);
        }
        end_block(tq);
    }
    for (int model = 0; model < 4; model += 3) {
        for (int s = 0; s <= 500; s++) {
            double k = 50.0 * s / 500, w[2];
            quad_model(model, etam, beta, w0, model == 0 ? etam * k / (1 - beta) : etam * k, w);
            tsv_rowv(tq, 3, k, w[0], w[1]);
        }
        end_block(tq);
    }
    tsv_finish(tq);
}

/* Orders: halving eta divides the distance to gradient flow by ~2 and to
 * the modified equations by ~4 (GD over a fixed time t = 2). */
static void quad_orders(tsv_t *sum)
{
    const char *mname[3] = {"gf", "modloss", "modflow"};
    for (int model = 0; model < 3; model++) {
        double e1 = quad_err(model, 0.1, 0.0, 20), e2 = quad_err(model, 0.05, 0.0, 40);
        tsv_kvf(sum, e1, "quad_err_%s", mname[model]);
        tsv_kvf(sum, e1 / e2, "quad_ratio_%s", mname[model]);
    }
    double m1 = quad_err(0, 0.01, 0.9, 50), m2 = quad_err(3, 0.01, 0.9, 50);
    tsv_kv(sum, "quad_mom_err_gf", m1);
    tsv_kv(sum, "quad_mom_err_modflow", m2);
    tsv_kv(sum, "quad_mom_ratio_modflow",
           m2 / quad_err(3, 0.005, 0.9, 100));
}

typedef struct {
    const char *out_dir;
    long seed;
    int grid;
} opts_t;

static const char about[] =
    "Two-parameter toys of the three symmetries, and GD's modified equations on a quadratic.";

static const arg_spec_t options[] = {
    ARG_STRING(opts_t, out_dir, "data/ch2", "output directory"),
    ARG_LONG(opts_t, seed, "20201208", "seed of the toy data (PCG32 stream 1)"),
    ARG_INT(opts_t, grid, "17", "points per side of the field's grid, in [3, 200]"),
    ARG_END
};

int main(int argc, char **argv)
{
    opts_t o;
    args_parse(options, &o, argc, argv, about);
    const char *dir = o.out_dir;
    const uint64_t seed = (uint64_t)o.seed;
    if (o.grid < 3 || o.grid > 200)
        die("--grid must be in 3..200");

    toydata_t d;
    rng_t r;
    rng_seed(&r, seed, 1);
    for (int i = 0; i < NS; i++) {
        d.x[i] = rng_normal(&r);
        d.x2[i] = rng_normal(&r) + 0.6 * d.x[i];
        d.c[i] = (int)rng_below(&r, 2);
        d.t[i] = 0.8 * d.x[i] + 0.3 * rng_normal(&r);
    }
    tsv_t *sum = tsv_createf(argc, argv, "%s/toy_summary.tsv", dir);
    tsv_columns(sum, "key\tvalue");
    write_field(&d, o.grid, seed, dir, sum, argc, argv);
    write_levels(dir, argc, argv);
    write_flows(&d, dir, sum, argc, argv);
    write_quadratic(dir, argc, argv);
    quad_orders(sum);
    tsv_finish(sum);
    return 0;
}
