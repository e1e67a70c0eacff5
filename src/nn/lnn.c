/* lnn.c: the Lagrangian network of Cranmer et al. 2020 (eq. 6: qddot =
 * M^{-1}(grad_q L - C qdot)) on the engine of hvp.c: features and their
 * tangents in, the guarded 2x2 solve, the loss and its adjoints back
 * through the engine.  See lnn.h.
 *
 * Engine rows: sample b's feature vector is row 3b of net.in, the tangents
 * along qdot_1 and qdot_2 (constant: e_{qdot_k} / vscale) rows 3b+1 and
 * 3b+2; net.out row 3b is grad_phi NN, rows 3b+k the Hessian-vector products. */
#include "nn/lnn.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

/* index of qdot_j among the features */
static int vidx(const lnn_t *m, int j) { return (m->feat == LNN_FEAT_TRIG ? 4 : 2) + j; }

int lnn_input_dim(lnn_feat feat) { return feat == LNN_FEAT_TRIG ? 6 : 4; }

int lnn_init(lnn_t *m, lnn_feat feat, double vscale, double kappa, int width, int depth,
             int max_batch)
{
    memset(m, 0, sizeof *m);
    int dims[HVP_MAX_DEPTH + 1];
    if (depth < 1 || depth > HVP_MAX_DEPTH || vscale <= 0)
        return -1;
    dims[0] = lnn_input_dim(feat);
    m->feat = feat;
    for (int l = 1; l <= depth; l++)
        dims[l] = width;
    if (hvp_init(&m->net, dims, depth, HVP_SOFTPLUS, 2, max_batch))
        return -1;
    m->feat = feat;
    m->vscale = vscale;
    m->kappa = kappa;
    m->det_tol = 1e-12;
    size_t Bm = (size_t)max_batch, d0 = dims[0];
    m->M = xcalloc(Bm * 4, sizeof(double));
    m->C = xcalloc(Bm * 4, sizeof(double));
    m->gq = xcalloc(Bm * 2, sizeof(double));
    m->qdd = xcalloc(Bm * 2, sizeof(double));
    m->ok = xcalloc(Bm, 1);
    for (size_t b = 0; b < Bm; b++)          /* the tangents never change */
        for (int k = 0; k < 2; k++)
            m->net.in[(3 * b + 1 + k) * d0 + vidx(m, k)] = 1.0 / vscale;
    return 0;
}

void lnn_free(lnn_t *m)
{
    hvp_free(&m->net);
    free(m->M);
    free(m->C);
    free(m->gq);
    free(m->qdd);
    free(m->ok);
}

/* excerpt: solve2 */
int lnn_solve2(double qdd[2], const double qdot[2], const double gq[2], const double M[4],
               const double C[4], double det_tol)
{
    double det = M[0] * M[3] - M[1] * M[2];
    if (!(fabs(det) > det_tol * (fabs(M[0] * M[3]) + fabs(M[1] * M[2]))))
        return -1;   /* also catches NaN */
    double r0 = gq[0] - (C[0] * qdot[0] + C[1] * qdot[1]);
    double r1 = gq[1] - (C[2] * qdot[0] + C[3] * qdot[1]);
    qdd[0] = (M[3] * r0 - M[1] * r1) / det;
    qdd[1] = (M[0] * r1 - M[2] * r0) / det;
    return 0;
}
/* end excerpt */

static double wrap_angle(double th)
{
    double w = fmod(th + PI, 2.0 * PI);
    if (w < 0)
        w += 2.0 * PI;
    return w - PI;
}

/* phi(x) into the value rows of net.in (the tangent rows are set once, by lnn_init) */
static void features(lnn_t *m, int B, const double *x)
{
    int d0 = m->net.dims[0];
    for (int b = 0; b < B; b++) {
        const double *s = x + 4 * (size_t)b;
        double *u = m->net.in + 3 * (size_t)b * d0;
        if (m->feat == LNN_FEAT_TRIG) {
            u[0] = cos(s[0]); u[1] = sin(s[0]);
            u[2] = cos(s[1]); u[3] = sin(s[1]);
        } else if (m->feat == LNN_FEAT_WRAP) {
            u[0] = wrap_angle(s[0]); u[1] = wrap_angle(s[1]);
        } else {
            u[0] = s[0]; u[1] = s[1];
        }
        for (int k = 0; k < 2; k++)
            u[vidx(m, k)] = s[2 + k] / m->vscale;
    }
}

/* d(feature)/dq_j applied to a feature-space vector v: returns sum_f v_f dphi_f/dq_j
 * (u: the sample's features, whose cos q_j, sin q_j are the derivative's) */
static double dq_of(const lnn_t *m, const double *u, const double *v, int j)
{
    if (m->feat == LNN_FEAT_TRIG)
        return -u[2 * j + 1] * v[2 * j] + u[2 * j] * v[2 * j + 1];
    return v[j];
}

/* adjoint of dq_of: v_bar += a * dphi/dq_j */
static void dq_of_hat(const lnn_t *m, const double *u, double *vb, int j, double a)
{
    if (m->feat == LNN_FEAT_TRIG) {
        vb[2 * j] += -u[2 * j + 1] * a;
        vb[2 * j + 1] += u[2 * j] * a;
    } else {
        vb[j] += a;
    }
}

/* After the forward of samples b0..b1: gq, M (symmetrised), C and qdd for
 * each of them.  Returns the number of singular ones. */
static int derivs_solve(lnn_t *m, int b0, int b1, const double *x)
{
    int d0 = m->net.dims[0], nsing = 0;
    for (int b = b0; b < b1; b++) {
        const double *s = x + 4 * (size_t)b;
        const double *ga = m->net.out + 3 * (size_t)b * d0, *u = m->net.in + 3 * (size_t)b * d0;
        const double *hv[2] = {ga + d0, ga + 2 * d0};
        double *gq = m->gq + 2 * b, *M = m->M + 4 * b, *C = m->C + 4 * b, *qdd = m->qdd + 2 * b;
        for (int j = 0; j < 2; j++)
            gq[j] = dq_of(m, u, ga, j);
        double h11 = hv[0][vidx(m, 0)] / m->vscale, h21 = hv[0][vidx(m, 1)] / m->vscale;
        double h12 = hv[1][vidx(m, 0)] / m->vscale, h22 = hv[1][vidx(m, 1)] / m->vscale;
        M[0] = h11 + m->kappa;
        M[1] = M[2] = 0.5 * (h12 + h21);
        M[3] = h22 + m->kappa;
        for (int k = 0; k < 2; k++)
            for (int j = 0; j < 2; j++)
                C[2 * k + j] = dq_of(m, u, hv[k], j);
        m->ok[b] = lnn_solve2(qdd, s + 2, gq, M, C, m->det_tol) == 0;
        if (!m->ok[b]) {
            qdd[0] = qdd[1] = NAN;
            nsing++;
        }
    }
    m->n_singular += nsing;
    return nsing;
}

int lnn_accel(lnn_t *m, int B, const double *x, double *qdd)
{
    features(m, B, x);
    hvp_forward(&m->net, B, 0);
    int ns = derivs_solve(m, 0, B, x);
    if (qdd != m->qdd)
        memcpy(qdd, m->qdd, 2 * (size_t)B * sizeof(double));
    return ns;
}

static double loss_of(lnn_loss kind, double e) { return kind == LNN_LOSS_L1 ? fabs(e) : e * e; }

double lnn_loss_sum(lnn_t *m, int B, const double *x, const double *target, lnn_loss kind,
                    int *n_skip)
{
    int ns = lnn_accel(m, B, x, m->qdd);
    double sum = 0;
    for (int b = 0; b < B; b++)
        if (m->ok[b])
            for (int i = 0; i < 2; i++)
                sum += loss_of(kind, m->qdd[2 * b + i] - target[2 * b + i]);
    if (n_skip)
        *n_skip = ns;
    return sum;
}

typedef struct {
    lnn_t *m;
    const double *x, *target;
    lnn_loss kind;
    double sum;      /* loss over the regular samples so far */
    int nsing;       /* singular samples so far */
} loss_ctx;

/* excerpt: loss_grad */
/* For samples b0..b1, straight after their forward (hvp_forward_backward):
 * the solve, the loss, and its adjoint back to the network's outputs
 * (out_bar), per sample and not yet divided by the number of regular
 * samples, which lnn_loss_grad does once at the end. */
static void loss_adjoint(void *vc, hvp_net_t *n, int b0, int b1)
{
    loss_ctx *c = vc;
    lnn_t *m = c->m;
    int d0 = n->dims[0];
    c->nsing += derivs_solve(m, b0, b1, c->x);
    memset(n->out_bar + 3 * (size_t)b0 * d0, 0, 3 * (size_t)(b1 - b0) * d0 * sizeof(double));
    for (int b = b0; b < b1; b++) {
        if (!m->ok[b])
            continue;
        const double *qd = c->x + 4 * (size_t)b + 2, *u = n->in + 3 * (size_t)b * d0;
        const double *M = m->M + 4 * b, *qdd = m->qdd + 2 * b;
        double eb[2];
        for (int i = 0; i < 2; i++) {
            double e = qdd[i] - c->target[2 * b + i];
            c->sum += loss_of(c->kind, e);
            eb[i] = c->kind == LNN_LOSS_L1 ? (e > 0) - (e < 0) : 2.0 * e;
        }
        /* qdd = M^{-1} r:  rbar = M^{-T} qddbar (M symmetric), Mbar = -rbar qdd^T */
        double det = M[0] * M[3] - M[1] * M[2];
        double rb0 = (M[3] * eb[0] - M[1] * eb[1]) / det;
        double rb1 = (M[0] * eb[1] - M[2] * eb[0]) / det;
        double Mb11 = -rb0 * qdd[0], Mb22 = -rb1 * qdd[1];
        double Mb12 = 0.5 * (-rb0 * qdd[1] - rb1 * qdd[0]);   /* through (M12 + M21)/2 */
        /* r = gq - C qdot:  gqbar = rbar,  Cbar_kj = -rbar_k qdot_j */
        double *gb = n->out_bar + 3 * (size_t)b * d0, *hb[2] = {gb + d0, gb + 2 * d0};
        double rb[2] = {rb0, rb1};
        for (int j = 0; j < 2; j++)
            dq_of_hat(m, u, gb, j, rb[j]);
        for (int k = 0; k < 2; k++)
            for (int j = 0; j < 2; j++)
                dq_of_hat(m, u, hb[k], j, -rb[k] * qd[j]);
        /* M_jk = hvp_k[qdot_j]/vscale (+kappa) */
        hb[0][vidx(m, 0)] += Mb11 / m->vscale;
        hb[0][vidx(m, 1)] += Mb12 / m->vscale;
        hb[1][vidx(m, 0)] += Mb12 / m->vscale;
        hb[1][vidx(m, 1)] += Mb22 / m->vscale;
    }
}
/* end excerpt */

double lnn_loss_grad(lnn_t *m, int B, const double *x, const double *target, lnn_loss kind,
                     int *n_skip)
{
    features(m, B, x);
    loss_ctx c = {m, x, target, kind, 0.0, 0};
    hvp_forward_backward(&m->net, B, loss_adjoint, &c);
    int nok = B - c.nsing;
    if (n_skip)
        *n_skip = c.nsing;
    if (nok == 0) {
        memset(m->net.grad, 0, m->net.n_params * sizeof(double));
        return NAN;
    }
    for (size_t i = 0; i < m->net.n_params; i++)   /* the mean over regular samples */
        m->net.grad[i] /= nok;
    return c.sum / nok;
}

void lnn_energy(lnn_t *m, int B, const double *x, double *L, double *E)
{
    int d0 = m->net.dims[0];
    features(m, B, x);
    hvp_forward(&m->net, B, 1);
    for (int b = 0; b < B; b++) {
        const double *ga = m->net.out + 3 * (size_t)b * d0;
        const double *qd = x + 4 * (size_t)b + 2;
        double v2 = qd[0] * qd[0] + qd[1] * qd[1];
        double Lb = m->net.value[b] + 0.5 * m->kappa * v2;
        double pv = 0;
        for (int j = 0; j < 2; j++)
            pv += qd[j] * ga[vidx(m, j)] / m->vscale;
        pv += m->kappa * v2;
        if (L)
            L[b] = Lb;
        if (E)
            E[b] = pv - Lb;
    }
}
