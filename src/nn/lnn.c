/* lnn.c: forward-over-reverse differentiation of a scalar MLP and its exact
 * reverse sweep (the engine of lnn.h), and the Lagrangian network of
 * Cranmer et al. 2020 on top of it (eq. 6: qddot = M^{-1}(grad_q L - C qdot)).
 *
 * Notation for one layer l (rows = samples; k = 1..ntan tangent streams):
 *   forward   z = a_{l-1} W^T + b,  a_l = s(z);      zk = t_{l-1} W^T,  t_l = s'(z) zk
 *   reverse   zbar = s'(z) abar_l;  zbark = s''(z) zk abar_l + s'(z) abark_l;
 *             abar_{l-1} = zbar W,  abark_{l-1} = zbark W        (abar_D = w, abark_D = 0)
 * so abar_0 = grad_u L and abark_0 = (d2L/du2) t_0k.  The loss adjoint ("hat")
 * runs the reverse part forwards (l = 1..D) and the forward part backwards
 * (l = D..1); s''' appears in the hat of zbark.  See lnn.h for the layout. */
#include "nn/lnn.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

/* ---------------------------------------------------------------- engine */

static void gemm(int transA, int transB, int M, int N, int K, const double *A, int lda,
                 const double *Bm, int ldb, double beta, double *C, int ldc)
{
    cblas_dgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans,
                transB ? CblasTrans : CblasNoTrans, M, N, K, 1.0, A, lda, Bm, ldb, beta, C, ldc);
}

int lnn_net_init(lnn_net_t *n, const int *dims, int depth, lnn_act act, int ntan, int max_batch)
{
    memset(n, 0, sizeof *n);
    if (depth < 1 || depth > LNN_MAX_DEPTH || ntan < 0 || ntan > LNN_MAX_TAN || max_batch < 1)
        return -1;
    int maxd = 0;
    for (int l = 0; l <= depth; l++) {
        if (dims[l] < 1)
            return -1;
        n->dims[l] = dims[l];
        if (dims[l] > maxd)
            maxd = dims[l];
    }
    n->depth = depth;
    n->act = act;
    n->ntan = ntan;
    n->max_batch = max_batch;
    size_t np = 0;
    for (int l = 1; l <= depth; l++)
        np += (size_t)dims[l] * dims[l - 1] + dims[l];
    np += (size_t)dims[depth] + 1;
    n->n_params = np;
    n->theta = xcalloc(np, sizeof(double));
    n->grad = xcalloc(np, sizeof(double));
    size_t off = 0;
    for (int l = 1; l <= depth; l++) {
        n->W[l] = n->theta + off;
        n->dW[l] = n->grad + off;
        off += (size_t)dims[l] * dims[l - 1];
        n->b[l] = n->theta + off;
        n->db[l] = n->grad + off;
        off += dims[l];
    }
    n->w = n->theta + off;
    n->dw = n->grad + off;
    off += dims[depth];
    n->c = n->theta + off;
    n->dc = n->grad + off;

    size_t S = 1 + (size_t)ntan, Bm = (size_t)max_batch;
    for (int l = 1; l <= depth; l++) {
        n->Zf[l] = xcalloc(S * Bm * dims[l], sizeof(double));
        n->d1[l] = xcalloc(Bm * dims[l], sizeof(double));
        n->d2[l] = xcalloc(Bm * dims[l], sizeof(double));
        n->d3[l] = xcalloc(Bm * dims[l], sizeof(double));
        n->Q[l] = xcalloc(2 * S * Bm * dims[l - 1], sizeof(double));
        n->P[l] = xcalloc(2 * S * Bm * dims[l], sizeof(double));
        n->R[l - 1] = xcalloc(S * Bm * dims[l - 1], sizeof(double));
    }
    n->T = xcalloc(S * Bm * maxd, sizeof(double));
    n->value = xcalloc(Bm, sizeof(double));
    return 0;
}

void lnn_net_free(lnn_net_t *n)
{
    free(n->theta);
    free(n->grad);
    for (int l = 1; l <= n->depth; l++) {
        free(n->Zf[l]);
        free(n->d1[l]);
        free(n->d2[l]);
        free(n->d3[l]);
        free(n->Q[l]);
        free(n->P[l]);
        free(n->R[l - 1]);
    }
    free(n->T);
    free(n->value);
    memset(n, 0, sizeof *n);
}

/* Orthonormal rows (rows <= cols) or columns of A[rows, cols], by modified
 * Gram-Schmidt applied twice, from a Gaussian matrix. */
static void orthogonalize(double *A, int rows, int cols)
{
    int byrow = rows <= cols;
    int nv = byrow ? rows : cols, len = byrow ? cols : rows;
    size_t si = byrow ? (size_t)cols : 1, sj = byrow ? 1 : (size_t)cols;
    for (int pass = 0; pass < 2; pass++)
        for (int v = 0; v < nv; v++) {
            double *x = A + v * si;
            for (int u = 0; u < v; u++) {
                const double *y = A + u * si;
                double d = 0;
                for (int i = 0; i < len; i++)
                    d += x[i * sj] * y[i * sj];
                for (int i = 0; i < len; i++)
                    x[i * sj] -= d * y[i * sj];
            }
            double nn = 0;
            for (int i = 0; i < len; i++)
                nn += x[i * sj] * x[i * sj];
            nn = sqrt(nn);
            for (int i = 0; i < len; i++)
                x[i * sj] /= nn;
        }
}

void lnn_random_matrix(double *W, int rows, int cols, lnn_init_scheme scheme, rng_t *rng)
{
    double sigma = sqrt(2.0 / (rows + cols));
    for (size_t i = 0; i < (size_t)rows * cols; i++)
        W[i] = sigma * rng_normal(rng);
    if (scheme == LNN_INIT_ORTHO)
        orthogonalize(W, rows, cols);
}

void lnn_net_init_weights(lnn_net_t *n, lnn_init_scheme scheme, rng_t *rng)
{
    memset(n->theta, 0, n->n_params * sizeof(double));
    int D = n->depth;
    for (int l = 1; l <= D + 1; l++) {
        int fi = n->dims[l - 1], fo = l <= D ? n->dims[l] : 1;
        double *W = l <= D ? n->W[l] : n->w;
        size_t cnt = (size_t)fi * fo;
        int nmax = fi > fo ? fi : fo;
        double sigma;
        if (scheme == LNN_INIT_CRANMER)
            sigma = (l == 1 ? 2.2 : l <= D ? 0.58 * (l - 1) : (double)nmax) / sqrt((double)nmax);
        else
            sigma = sqrt(2.0 / (fi + fo));
        for (size_t i = 0; i < cnt; i++)
            W[i] = sigma * rng_normal(rng);
        if (scheme == LNN_INIT_ORTHO)
            orthogonalize(W, fo, fi);
    }
}

/* Elementwise kernels, written for a compile-time number of tangent streams
 * NT (the callers pass the literals 0 and 2) so the stream loops unroll and
 * the sample loops vectorize. */
#define INLINE static inline __attribute__((always_inline))

/* zbar = s1 abar;  zbark = s2 zk abar + s1 abark  (Ab == NULL: abar = w per column, abark = 0) */
INLINE void rev_kernel(int NT, double *restrict Zr, const double *restrict Z,
                       const double *restrict d1, const double *restrict d2,
                       const double *restrict Ab, const double *restrict w, int B, int ho)
{
    size_t nb = (size_t)B * ho;
    if (!Ab) {
        for (int r = 0; r < B; r++) {
            size_t o = (size_t)r * ho;
            for (int j = 0; j < ho; j++)
                Zr[o + j] = d1[o + j] * w[j];
            for (int k = 1; k <= NT; k++)
                for (int j = 0; j < ho; j++)
                    Zr[k * nb + o + j] = d2[o + j] * Z[k * nb + o + j] * w[j];
        }
        return;
    }
    for (size_t i = 0; i < nb; i++)
        Zr[i] = d1[i] * Ab[i];
    for (int k = 1; k <= NT; k++)
        for (size_t i = 0; i < nb; i++)
            Zr[k * nb + i] = d2[i] * Z[k * nb + i] * Ab[i] + d1[i] * Ab[k * nb + i];
}

/* hat of the reverse part at one layer; see lnn_net_backward.  TOP (a
 * literal) selects the last hidden layer, where abar = w and abark = 0. */
INLINE void rev_hat_kernel(int NT, int TOP, double *restrict Pf, double *restrict Qn,
                           double *restrict dw, const double *restrict Th,
                           const double *restrict Z, const double *restrict d1,
                           const double *restrict d2, const double *restrict d3,
                           const double *restrict Ab, const double *restrict w, int B, int ho)
{
    size_t nb = (size_t)B * ho;
    for (int r = 0; r < B; r++) {
        size_t o = (size_t)r * ho;
        for (int j = 0; j < ho; j++) {
            size_t i = o + j;
            double a = TOP ? w[j] : Ab[i];
            double zb = Th[i];
            double abar_h = d1[i] * zb, z_h = d2[i] * a * zb;
            for (int k = 1; k <= NT; k++) {
                double zk = Z[k * nb + i], zbk = Th[k * nb + i];
                abar_h += d2[i] * zk * zbk;
                if (TOP) {
                    z_h += d3[i] * zk * a * zbk;
                } else {
                    z_h += (d3[i] * zk * a + d2[i] * Ab[k * nb + i]) * zbk;
                    Qn[k * nb + i] = d1[i] * zbk;
                }
                Pf[k * nb + i] = d2[i] * a * zbk;
            }
            Pf[i] = z_h;
            if (TOP)
                dw[j] += abar_h;
            else
                Qn[i] = abar_h;
        }
    }
}

/* hat of a = s(z), t = s1(z) zk: accumulate into the adjoints Pz of (z, zk) */
INLINE void fwd_hat_kernel(int NT, double *restrict Pz, const double *restrict Th,
                           const double *restrict Z, const double *restrict d1,
                           const double *restrict d2, size_t nb)
{
    for (size_t i = 0; i < nb; i++) {
        double zh = d1[i] * Th[i];
        for (int k = 1; k <= NT; k++) {
            zh += d2[i] * Z[k * nb + i] * Th[k * nb + i];
            Pz[k * nb + i] += d1[i] * Th[k * nb + i];
        }
        Pz[i] += zh;
    }
}

#define DISPATCH(NT, call0, call2, callg) \
    do {                                  \
        if ((NT) == 0)                    \
            call0;                        \
        else if ((NT) == 2)               \
            call2;                        \
        else                              \
            callg;                        \
    } while (0)

void lnn_net_forward(lnn_net_t *n, int B, const double *u, const double *t, int want_value)
{
    int D = n->depth, S = 1 + n->ntan, d0 = n->dims[0], NT = n->ntan;
    memcpy(n->Q[1], u, (size_t)B * d0 * sizeof(double));
    if (NT)
        memcpy(n->Q[1] + (size_t)B * d0, t, (size_t)NT * B * d0 * sizeof(double));

    for (int l = 1; l <= D; l++) {
        int hi = n->dims[l - 1], ho = n->dims[l];
        size_t nb = (size_t)B * ho;
        double *restrict Z = n->Zf[l], *restrict d1 = n->d1[l], *restrict d2 = n->d2[l],
                         *restrict d3 = n->d3[l];
        gemm(0, 1, S * B, ho, hi, n->Q[l], hi, n->W[l], hi, 0.0, Z, ho);
        const double *b = n->b[l];
        for (int r = 0; r < B; r++)
            for (int j = 0; j < ho; j++)
                Z[(size_t)r * ho + j] += b[j];
        double *restrict an = l < D ? n->Q[l + 1] : n->T;
        int need_a = l < D || want_value;
        if (n->act == LNN_TANH) {
            for (size_t i = 0; i < nb; i++) {
                double y = tanh(Z[i]), d = 1.0 - y * y;
                an[i] = y;
                d1[i] = d;
                d2[i] = -2.0 * y * d;
                d3[i] = -2.0 * d * (1.0 - 3.0 * y * y);
            }
        } else {
            /* softplus; s = logistic(z) and 1 - s without cancellation */
            for (size_t i = 0; i < nb; i++) {
                double z = Z[i], e = exp(-fabs(z)), inv = 1.0 / (1.0 + e);
                double s = z >= 0 ? inv : e * inv, sm = z >= 0 ? e * inv : inv;
                d1[i] = s;
                d2[i] = s * sm;
                d3[i] = s * sm * (sm - s);
                if (need_a)
                    an[i] = (z > 0 ? z : 0.0) + log1p(e);   /* = -log(1 - s) */
            }
        }
        if (l < D)
            for (int k = 1; k < S; k++)
                for (size_t i = 0; i < nb; i++)
                    an[k * nb + i] = d1[i] * Z[k * nb + i];
        else if (want_value)
            for (int r = 0; r < B; r++) {
                double v = *n->c;
                for (int j = 0; j < ho; j++)
                    v += an[(size_t)r * ho + j] * n->w[j];
                n->value[r] = v;
            }
    }

    for (int l = D; l >= 1; l--) {
        int hi = n->dims[l - 1], ho = n->dims[l];
        size_t nb = (size_t)B * ho;
        double *Zr = n->P[l] + (size_t)S * nb;
        const double *Ab = l < D ? n->R[l] : NULL;
        DISPATCH(NT, rev_kernel(0, Zr, n->Zf[l], n->d1[l], n->d2[l], Ab, n->w, B, ho),
                 rev_kernel(2, Zr, n->Zf[l], n->d1[l], n->d2[l], Ab, n->w, B, ho),
                 rev_kernel(NT, Zr, n->Zf[l], n->d1[l], n->d2[l], Ab, n->w, B, ho));
        gemm(0, 0, S * B, hi, ho, Zr, ho, n->W[l], hi, 0.0, n->R[l - 1], hi);
    }
}

void lnn_net_backward(lnn_net_t *n, int B, const double *ga_bar, const double *hvp_bar)
{
    int D = n->depth, S = 1 + n->ntan, d0 = n->dims[0], NT = n->ntan;
    double *seed = n->Q[1] + (size_t)S * B * d0;
    memcpy(seed, ga_bar, (size_t)B * d0 * sizeof(double));
    if (NT)
        memcpy(seed + (size_t)B * d0, hvp_bar, (size_t)NT * B * d0 * sizeof(double));
    memset(n->dw, 0, n->dims[D] * sizeof(double));
    *n->dc = 0.0;

    /* hat of the reverse part, l = 1..D: (zbar^, zbark^) = (abar^, abark^) W^T, then
     *   abark^ = s1 zbark^,   abar^ = s1 zbar^ + sum_k s2 zk zbark^,
     *   z^ = s2 abar zbar^ + sum_k (s3 zk abar + s2 abark) zbark^,   zk^ = s2 abar zbark^
     * (s1, s2, s3: first, second, third derivative of the activation) */
    for (int l = 1; l <= D; l++) {
        int hi = n->dims[l - 1], ho = n->dims[l];
        size_t nb = (size_t)B * ho;
        const double *Ah = n->Q[l] + (size_t)S * B * hi;
        gemm(0, 1, S * B, ho, hi, Ah, hi, n->W[l], hi, 0.0, n->T, ho);
        double *Qn = l < D ? n->Q[l + 1] + (size_t)S * nb : NULL;
        const double *Ab = l < D ? n->R[l] : NULL;
        double *P = n->P[l], *T = n->T, *Z = n->Zf[l], *d1 = n->d1[l], *d2 = n->d2[l];
        double *d3 = n->d3[l], *dw = n->dw, *w = n->w;
        if (l == D)
            DISPATCH(NT, rev_hat_kernel(0, 1, P, Qn, dw, T, Z, d1, d2, d3, Ab, w, B, ho),
                     rev_hat_kernel(2, 1, P, Qn, dw, T, Z, d1, d2, d3, Ab, w, B, ho),
                     rev_hat_kernel(NT, 1, P, Qn, dw, T, Z, d1, d2, d3, Ab, w, B, ho));
        else
            DISPATCH(NT, rev_hat_kernel(0, 0, P, Qn, dw, T, Z, d1, d2, d3, Ab, w, B, ho),
                     rev_hat_kernel(2, 0, P, Qn, dw, T, Z, d1, d2, d3, Ab, w, B, ho),
                     rev_hat_kernel(NT, 0, P, Qn, dw, T, Z, d1, d2, d3, Ab, w, B, ho));
    }

    /* hat of the forward part, l = D..1: one GEMM for the weight gradient over
     * all 2 S B rows, then (a_{l-1}^, t_{l-1}^) = Zf^ W through a = s(z), t = s1(z) zk */
    for (int l = D; l >= 1; l--) {
        int hi = n->dims[l - 1], ho = n->dims[l];
        const double *Pl = n->P[l];
        gemm(1, 0, ho, hi, 2 * S * B, Pl, ho, n->Q[l], hi, 0.0, n->dW[l], hi);
        double *db = n->db[l];
        memset(db, 0, ho * sizeof(double));
        for (int r = 0; r < B; r++)
            for (int j = 0; j < ho; j++)
                db[j] += Pl[(size_t)r * ho + j];
        if (l == 1)
            break;
        gemm(0, 0, S * B, hi, ho, Pl, ho, n->W[l], hi, 0.0, n->T, hi);
        size_t nb = (size_t)B * hi;
        DISPATCH(NT, fwd_hat_kernel(0, n->P[l - 1], n->T, n->Zf[l - 1], n->d1[l - 1], n->d2[l - 1], nb),
                 fwd_hat_kernel(2, n->P[l - 1], n->T, n->Zf[l - 1], n->d1[l - 1], n->d2[l - 1], nb),
                 fwd_hat_kernel(NT, n->P[l - 1], n->T, n->Zf[l - 1], n->d1[l - 1], n->d2[l - 1], nb));
    }
}

double lnn_net_gemm_flops(const lnn_net_t *n, int B)
{
    double S = 1 + n->ntan, f = 0;
    for (int l = 1; l <= n->depth; l++) {
        double mk = (double)n->dims[l] * n->dims[l - 1];
        f += 2 * S * B * mk * (l > 1 ? 5 : 4);   /* fwd, rev, rev-hat, W-grad (2x rows), fwd-hat */
    }
    return f;
}

/* ------------------------------------------------------------------ LNN */

int lnn_input_dim(lnn_feat feat) { return feat == LNN_FEAT_TRIG ? 6 : 4; }

int lnn_init(lnn_t *m, lnn_feat feat, double vscale, double kappa, int width, int depth,
             int max_batch)
{
    memset(m, 0, sizeof *m);
    int dims[LNN_MAX_DEPTH + 1];
    if (depth < 1 || depth > LNN_MAX_DEPTH || vscale <= 0)
        return -1;
    dims[0] = lnn_input_dim(feat);
    for (int l = 1; l <= depth; l++)
        dims[l] = width;
    if (lnn_net_init(&m->net, dims, depth, LNN_SOFTPLUS, 2, max_batch))
        return -1;
    m->feat = feat;
    m->vscale = vscale;
    m->kappa = kappa;
    m->det_tol = 1e-12;
    size_t Bm = (size_t)max_batch, d0 = dims[0];
    m->u = xcalloc(Bm * d0, sizeof(double));
    m->t = xcalloc(2 * Bm * d0, sizeof(double));
    m->ga_bar = xcalloc(Bm * d0, sizeof(double));
    m->hvp_bar = xcalloc(2 * Bm * d0, sizeof(double));
    m->M = xcalloc(Bm * 4, sizeof(double));
    m->C = xcalloc(Bm * 4, sizeof(double));
    m->gq = xcalloc(Bm * 2, sizeof(double));
    m->qdd = xcalloc(Bm * 2, sizeof(double));
    m->r = xcalloc(Bm * 2, sizeof(double));
    m->ok = xcalloc(Bm, 1);
    return 0;
}

void lnn_free(lnn_t *m)
{
    lnn_net_free(&m->net);
    free(m->u);
    free(m->t);
    free(m->ga_bar);
    free(m->hvp_bar);
    free(m->M);
    free(m->C);
    free(m->gq);
    free(m->qdd);
    free(m->r);
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

/* index of qdot_j among the features */
static int vidx(const lnn_t *m, int j) { return (m->feat == LNN_FEAT_TRIG ? 4 : 2) + j; }

/* phi(x) and the two qdot tangents J_phi e_{qdot_k} */
static void features(lnn_t *m, int B, const double *x)
{
    int d0 = m->net.dims[0];
    memset(m->t, 0, 2 * (size_t)B * d0 * sizeof(double));
    for (int b = 0; b < B; b++) {
        const double *s = x + 4 * (size_t)b;
        double *u = m->u + (size_t)b * d0;
        if (m->feat == LNN_FEAT_TRIG) {
            u[0] = cos(s[0]); u[1] = sin(s[0]);
            u[2] = cos(s[1]); u[3] = sin(s[1]);
        } else if (m->feat == LNN_FEAT_WRAP) {
            u[0] = wrap_angle(s[0]); u[1] = wrap_angle(s[1]);
        } else {
            u[0] = s[0]; u[1] = s[1];
        }
        for (int k = 0; k < 2; k++) {
            u[vidx(m, k)] = s[2 + k] / m->vscale;
            m->t[(size_t)k * B * d0 + (size_t)b * d0 + vidx(m, k)] = 1.0 / m->vscale;
        }
    }
}

/* d(feature)/dq_j applied to a feature-space vector v: returns sum_f v_f dphi_f/dq_j */
static double dq_of(const lnn_t *m, const double *s, const double *v, int j)
{
    if (m->feat == LNN_FEAT_TRIG)
        return -sin(s[j]) * v[2 * j] + cos(s[j]) * v[2 * j + 1];
    return v[j];
}

/* adjoint of dq_of: v_bar += a * dphi/dq_j */
static void dq_of_hat(const lnn_t *m, const double *s, double *vb, int j, double a)
{
    if (m->feat == LNN_FEAT_TRIG) {
        vb[2 * j] += -sin(s[j]) * a;
        vb[2 * j + 1] += cos(s[j]) * a;
    } else {
        vb[j] += a;
    }
}

/* After lnn_net_forward: gq, M (symmetrised), C and qdd for each sample. */
static int derivs_solve(lnn_t *m, int B, const double *x)
{
    int d0 = m->net.dims[0], nsing = 0;
    const double *ga = m->net.R[0];
    const double *hv[2] = {ga + (size_t)B * d0, ga + 2 * (size_t)B * d0};
    for (int b = 0; b < B; b++) {
        const double *s = x + 4 * (size_t)b;
        size_t o = (size_t)b * d0;
        double *gq = m->gq + 2 * b, *M = m->M + 4 * b, *C = m->C + 4 * b, *qdd = m->qdd + 2 * b;
        for (int j = 0; j < 2; j++)
            gq[j] = dq_of(m, s, ga + o, j);
        double h11 = hv[0][o + vidx(m, 0)] / m->vscale, h21 = hv[0][o + vidx(m, 1)] / m->vscale;
        double h12 = hv[1][o + vidx(m, 0)] / m->vscale, h22 = hv[1][o + vidx(m, 1)] / m->vscale;
        M[0] = h11 + m->kappa;
        M[1] = M[2] = 0.5 * (h12 + h21);
        M[3] = h22 + m->kappa;
        for (int k = 0; k < 2; k++)
            for (int j = 0; j < 2; j++)
                C[2 * k + j] = dq_of(m, s, hv[k] + o, j);
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
    lnn_net_forward(&m->net, B, m->u, m->t, 0);
    int ns = derivs_solve(m, B, x);
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

/* excerpt: loss_grad */
double lnn_loss_grad(lnn_t *m, int B, const double *x, const double *target, lnn_loss kind,
                     int *n_skip)
{
    int ns = lnn_accel(m, B, x, m->qdd), d0 = m->net.dims[0], nok = B - ns;
    if (n_skip)
        *n_skip = ns;
    memset(m->ga_bar, 0, (size_t)B * d0 * sizeof(double));
    memset(m->hvp_bar, 0, 2 * (size_t)B * d0 * sizeof(double));
    if (nok == 0) {
        memset(m->net.grad, 0, m->net.n_params * sizeof(double));
        return NAN;
    }
    double sum = 0;
    double *hb[2] = {m->hvp_bar, m->hvp_bar + (size_t)B * d0};
    for (int b = 0; b < B; b++) {
        if (!m->ok[b])
            continue;
        const double *s = x + 4 * (size_t)b, *qd = s + 2;
        const double *M = m->M + 4 * b, *qdd = m->qdd + 2 * b;
        double eb[2];
        for (int i = 0; i < 2; i++) {
            double e = qdd[i] - target[2 * b + i];
            sum += loss_of(kind, e);
            eb[i] = (kind == LNN_LOSS_L1 ? (e > 0) - (e < 0) : 2.0 * e) / nok;
        }
        /* qdd = M^{-1} r:  rbar = M^{-T} qddbar (M symmetric), Mbar = -rbar qdd^T */
        double det = M[0] * M[3] - M[1] * M[2];
        double rb0 = (M[3] * eb[0] - M[1] * eb[1]) / det;
        double rb1 = (M[0] * eb[1] - M[2] * eb[0]) / det;
        double Mb11 = -rb0 * qdd[0], Mb22 = -rb1 * qdd[1];
        double Mb12 = 0.5 * (-rb0 * qdd[1] - rb1 * qdd[0]);   /* through (M12 + M21)/2 */
        /* r = gq - C qdot:  gqbar = rbar,  Cbar_kj = -rbar_k qdot_j */
        size_t o = (size_t)b * d0;
        double rb[2] = {rb0, rb1};
        for (int j = 0; j < 2; j++)
            dq_of_hat(m, s, m->ga_bar + o, j, rb[j]);
        for (int k = 0; k < 2; k++)
            for (int j = 0; j < 2; j++)
                dq_of_hat(m, s, hb[k] + o, j, -rb[k] * qd[j]);
        /* M_jk = hvp_k[qdot_j]/vscale (+kappa) */
        hb[0][o + vidx(m, 0)] += Mb11 / m->vscale;
        hb[0][o + vidx(m, 1)] += Mb12 / m->vscale;
        hb[1][o + vidx(m, 0)] += Mb12 / m->vscale;
        hb[1][o + vidx(m, 1)] += Mb22 / m->vscale;
    }
    lnn_net_backward(&m->net, B, m->ga_bar, m->hvp_bar);
    return sum / nok;
}
/* end excerpt */

void lnn_energy(lnn_t *m, int B, const double *x, double *L, double *E)
{
    int d0 = m->net.dims[0];
    features(m, B, x);
    lnn_net_forward(&m->net, B, m->u, m->t, 1);
    const double *ga = m->net.R[0];
    for (int b = 0; b < B; b++) {
        const double *qd = x + 4 * (size_t)b + 2;
        double v2 = qd[0] * qd[0] + qd[1] * qd[1];
        double Lb = m->net.value[b] + 0.5 * m->kappa * v2;
        double pv = 0;
        for (int j = 0; j < 2; j++)
            pv += qd[j] * ga[(size_t)b * d0 + vidx(m, j)] / m->vscale;
        pv += m->kappa * v2;
        if (L)
            L[b] = Lb;
        if (E)
            E[b] = pv - Lb;
    }
}
