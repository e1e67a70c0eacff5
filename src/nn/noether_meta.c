/* noether_meta.c: meta-tailoring with a neural conserved quantity (Noether
 * Networks, Alet et al. 2021, Algorithm 1); see noether_meta.h. */
#include "nn/noether_meta.h"
#include "nn/formula.h"
#include "nn/mlp.h"
#include "core/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static mlp_spec_t g_spec(int G, int B)
{
    mlp_spec_t s = {.depth = 3, .dims = {2, G, G, 1}, .act = MLP_TANH, .bias = 1, .out_bias = 1,
                    .max_batch = B};
    return s;
}

int nmeta_create(nmeta_t *M, const nmeta_cfg_t *c)
{
    memset(M, 0, sizeof *M);
    if (c->H < 1 || c->G < 1 || c->T < 1 || c->To < 1 || !(c->dt > 0))
        return -1;
    M->c = *c;
    if (!(M->c.eps > 0))
        M->c.eps = 1e-4;
    int n = c->T > c->To ? c->T : c->To;
    mlp_spec_t s = g_spec(c->G, n + 1);
    M->np = FORMULA_PRED_NPARAMS(c->H);
    M->ng = NMETA_G_NPARAMS(c->G);
    M->xs = xmalloc(2 * (size_t)(n + 1) * sizeof *M->xs);
    M->xs2 = xmalloc(2 * (size_t)(n + 1) * sizeof *M->xs2);
    M->dldx = xmalloc(2 * (size_t)(n + 1) * sizeof *M->dldx);
    M->pws = xmalloc(FORMULA_PRED_WORK(c->H, n + 1) * sizeof *M->pws);
    M->gws = xmalloc(mlp_work_size(&s) * sizeof *M->gws);
    M->gscratch = xmalloc(M->ng * sizeof *M->gscratch);
    M->gp1 = xmalloc(M->ng * sizeof *M->gp1);
    M->gp2 = xmalloc(M->ng * sizeof *M->gp2);
    M->th2 = xmalloc(M->np * sizeof *M->th2);
    M->v = xmalloc(M->np * sizeof *M->v);
    return 0;
}

void nmeta_free(nmeta_t *M)
{
    double *p[] = {M->xs, M->xs2, M->dldx, M->pws, M->gws, M->gscratch, M->gp1, M->gp2, M->th2,
                   M->v};
    for (size_t i = 0; i < sizeof p / sizeof *p; i++)
        free(p[i]);
    memset(M, 0, sizeof *M);
}

void nmeta_g_init(double *phi, int G, rng_t *rng)
{
    mlp_spec_t s = g_spec(G, 1);
    mlp_t m;
    mlp_attach(&m, &s, phi, NULL, NULL);
    mlp_init_uniform(&m, rng);
}

double nmeta_g_eval(nmeta_t *M, const double *phi, double q, double p)
{
    mlp_spec_t s = g_spec(M->c.G, 1);
    mlp_t m;
    mlp_attach(&m, &s, (double *)phi, NULL, M->gws);
    double x[2] = {q, p};
    return mlp_forward(&m, x, 1)[0];
}

/* L_N on the rollout xs (T + 1 states) and, by one backward pass through
 * g_phi over all states, d L_N / d x_t into dldx and d L_N / d phi into
 * grad_phi (overwritten; scratch if NULL). */
static double noether_on_rollout(nmeta_t *M, double *grad_phi, const double *phi,
                                 const double *xs)
{
    const int T = M->c.T;
    mlp_spec_t s = g_spec(M->c.G, T + 1);
    mlp_t m;
    mlp_attach(&m, &s, (double *)phi, grad_phi ? grad_phi : M->gscratch, M->gws);
    const double *g = mlp_forward(&m, xs, T + 1);
    double loss = 0, dsum = 0;
    for (int t = 1; t <= T; t++) {
        double d = g[t] - g[0];
        loss += d * d;
        m.dout[t] = 2 * d / T;
        dsum += m.dout[t];
    }
    m.dout[0] = -dsum;
    mlp_zero_grad(&m);
    mlp_backward(&m, m.dout, T + 1, M->dldx);
    return loss / T;
}

double nmeta_noether(nmeta_t *M, double *grad_theta, double *grad_phi, const double *theta,
                     const double *phi, const double *x0)
{
    const nmeta_cfg_t *c = &M->c;
    formula_pred_rollout(M->xs, theta, c->H, x0, c->T, c->dt, M->pws);
    double L = noether_on_rollout(M, grad_phi, phi, M->xs);
    if (grad_theta)
        formula_pred_rollout_backward(grad_theta, theta, c->H, M->xs, c->T, c->dt, M->dldx,
                                      M->pws);
    return L;
}

void nmeta_tailor(nmeta_t *M, double *theta2, const double *theta, const double *grad_theta,
                  double lambda)
{
    for (size_t i = 0; i < M->np; i++)
        theta2[i] = theta[i] - lambda * grad_theta[i];
}

double nmeta_outer(nmeta_t *M, double *grad_phi, const double *theta, const double *phi,
                   const double *x0, const double *y)
{
    const nmeta_cfg_t *c = &M->c;
    const int To = c->To;
    nmeta_noether(M, M->v, NULL, theta, phi, x0);            /* v: grad_theta L_N for now */
    nmeta_tailor(M, M->th2, theta, M->v, c->lambda);
    formula_pred_rollout(M->xs2, M->th2, c->H, x0, To, c->dt, M->pws);
    double L = 0;
    for (int t = 1; t <= To; t++)
        for (int k = 0; k < 2; k++) {
            double d = M->xs2[2 * t + k] - y[2 * t + k];
            L += d * d;
            M->dldx[2 * t + k] = d / To;
        }
    L /= 2.0 * To;
    if (!grad_phi)
        return L;
    /* excerpt: meta */
    /* v = grad_theta' L_out */
    formula_pred_rollout_backward(M->v, M->th2, c->H, M->xs2, To, c->dt, M->dldx, M->pws);
    double vn = 0;
    for (size_t i = 0; i < M->np; i++)
        vn += M->v[i] * M->v[i];
    vn = sqrt(vn);
    if (!(vn > 0)) {
        memset(grad_phi, 0, M->ng * sizeof *grad_phi);
        return L;
    }
    double h = c->eps / vn;
    for (int sgn = 0; sgn < 2; sgn++) {
        double hs = sgn ? -h : h;
        for (size_t i = 0; i < M->np; i++)
            M->th2[i] = theta[i] + hs * M->v[i];
        nmeta_noether(M, NULL, sgn ? M->gp2 : M->gp1, M->th2, phi, x0);
    }
    for (size_t i = 0; i < M->ng; i++)
        grad_phi[i] = -c->lambda * (M->gp1[i] - M->gp2[i]) / (2 * h);
    /* end excerpt */
    return L;
}
