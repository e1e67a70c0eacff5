/* hvp.h: a scalar MLP with its input gradient and Hessian-vector products,
 * and the exact parameter gradient of any loss on them: the engine of the
 * Lagrangian network (lnn.h, Cranmer et al. 2020) and of the Hamiltonian
 * network (hnn.h, Greydanus et al. 2019).
 *
 *     L(u) = w . s(W_D ... s(W_1 u + b_1) ... + b_D) + c,   s = softplus or tanh,
 *
 * for a batch of inputs u_b with ntan (0..2) tangents t_kb each:
 *     forward   g_b = grad_u L(u_b),  h_kb = (d2L/du2)(u_b) t_kb   (forward-over-reverse);
 *     backward  given the adjoints of g and h (the derivative of a loss with
 *               respect to them), the gradient of that loss with respect to
 *               every weight (reverse over all of the forward; the third
 *               derivative of s enters here).
 *
 * Layout.  Rows are samples, and each sample's streams are adjacent: row
 * b S + 0 holds sample b's value stream, row b S + k its tangent k
 * (S = 1 + ntan).  The caller writes u and t into `in`, reads g and h from
 * `out`, and writes their adjoints into `out_bar`, all [S B, d0] in that
 * layout.
 *
 * Method.  Per hidden layer of width H and per sample, the forward costs
 * 2 S H^2 multiply-adds (z = a W^T for S streams, then the reverse abar W
 * for S streams), the backward 4 S H^2 (two products for the adjoints, and
 * the weight gradient over 2 S rows): 18 H^2 at ntan = 2, 6 H^2 at ntan = 0.
 * The products are the fixed-order kernels of tile.h; the activation and
 * its three derivatives are computed once per layer in the forward, and
 * every elementwise step runs on a block of samples straight after the
 * product that feeds it, while the block is in cache.  Everything but the
 * weight gradients is row-local; those are sums over the samples, kept as
 * one chain that each block continues, in sample order.  Softplus and tanh
 * use the engine's own exp, expm1 and log1p (polynomials in hvp.c), so the
 * bytes depend on no library.
 *
 * Accuracy (test_hvp.c measures it).  Softplus within 3 ulp and tanh within
 * 3 ulp of the correctly rounded value; the derivatives within the error of
 * their formulas in terms of s1 = logistic(z) or y = tanh(z) (a few ulp).
 * Arguments beyond 350 in size (tanh) or 700 (softplus) are taken as 350 or
 * 700 inside exp, which changes nothing a double can hold.
 *
 * Buffers are allocated once by hvp_init (sized for max_batch); nothing
 * allocates afterwards. */
#ifndef NN_HVP_H
#define NN_HVP_H

#include <stddef.h>

#include "core/rng.h"

#define HVP_MAX_DEPTH 6
#define HVP_MAX_TAN 2

typedef enum { HVP_SOFTPLUS = 0, HVP_TANH = 1 } hvp_act;
typedef enum { HVP_INIT_CRANMER = 0, HVP_INIT_ORTHO = 1, HVP_INIT_GLOROT = 2 } hvp_init_scheme;

typedef struct {
    int depth;                        /* hidden layers D */
    int dims[HVP_MAX_DEPTH + 1];      /* dims[0] = inputs d0, dims[1..D] = widths */
    hvp_act act;
    int ntan, S, max_batch;

    size_t n_params;                  /* W_l [dims[l], dims[l-1]], b_l for l = 1..D, then w, c */
    double *theta, *grad;
    double *W[HVP_MAX_DEPTH + 1], *b[HVP_MAX_DEPTH + 1], *w, *c;     /* views (index 1..D) */
    double *dW[HVP_MAX_DEPTH + 1], *db[HVP_MAX_DEPTH + 1], *dw, *dc;

    double *in;                       /* [S B, d0] u_b, t_kb (rows b S + k) */
    double *out;                      /* [S B, d0] g_b, h_kb after hvp_forward */
    double *out_bar;                  /* [S B, d0] adjoints of out, for hvp_backward */
    double *value;                    /* [B] L(u_b), when asked */

    /* workspace, rows as above; row length ld[l] = dims[l] rounded up to 8
     * (ld[0] = d0); index 1..D unless noted */
    int ld[HVP_MAX_DEPTH + 1];
    double *Wt[HVP_MAX_DEPTH + 1];    /* W_l^T [dims[l-1], ld[l]], copied by each forward */
    double *bp[HVP_MAX_DEPTH + 1], *wp;   /* b_l, w padded to ld */
    double *A[HVP_MAX_DEPTH + 1];     /* index 0..D-1: layer outputs (a, t); A[0] = in */
    double *Z[HVP_MAX_DEPTH + 1];     /* pre-activations (z, zk) */
    double *dv[HVP_MAX_DEPTH + 1];    /* [B, 3 ld[l]] s1, s2, s3 of z */
    double *Zr[HVP_MAX_DEPTH + 1];    /* reverse (zbar, zbark) */
    double *R[HVP_MAX_DEPTH + 1];     /* index 0..D-1: (abar, abark); R[0] = out */
    double *Ah[HVP_MAX_DEPTH + 1];    /* index 0..D-1: adjoints of R; Ah[0] = out_bar */
    double *P[HVP_MAX_DEPTH + 1];     /* adjoints of Z */
    double *T;                        /* scratch, one block of rows */
    double *dbacc[HVP_MAX_DEPTH + 1], *dwacc, *arow;   /* [ld[l]] */
    void *mem;
} hvp_net_t;

/* Allocates; dims[0..depth] as above, 0 <= ntan <= HVP_MAX_TAN.  Returns 0,
 * or -1 on a bad shape or when memory runs out (nothing left allocated). */
int  hvp_init(hvp_net_t *n, const int *dims, int depth, hvp_act act, int ntan, int max_batch);
void hvp_free(hvp_net_t *n);
/* Weights: HVP_INIT_CRANMER (Cranmer et al. 2020, custom_init: N(0, sigma^2),
 * sigma = k / sqrt(max(fan_in, fan_out)), k = 2.2 for the first layer, 0.58 i
 * for hidden layer i, max(fan_in, fan_out) for the output); HVP_INIT_ORTHO
 * (orthogonal rows/columns, as PyTorch's orthogonal_, HNN code);
 * HVP_INIT_GLOROT (normal, sigma^2 = 2/(fan_in + fan_out)).  Biases zero. */
void hvp_init_weights(hvp_net_t *n, hvp_init_scheme scheme, rng_t *rng);
/* One weight matrix W[rows, cols] (rows = fan_out) drawn as HVP_INIT_GLOROT
 * or HVP_INIT_ORTHO above. */
void hvp_random_matrix(double *W, int rows, int cols, hvp_init_scheme scheme, rng_t *rng);

/* g and h of the B samples in n->in into n->out; want_value: also L into n->value. */
void hvp_forward(hvp_net_t *n, int B, int want_value);
/* After hvp_forward on the same batch: OVERWRITE n->grad with the gradient
 * of the loss whose adjoints of out are n->out_bar (L itself must not enter
 * the loss: dc = 0). */
void hvp_backward(hvp_net_t *n, int B);

/* Writes out_bar's rows for samples b0..b1 from out's rows of the same samples. */
typedef void hvp_adjoint_fn(void *ctx, hvp_net_t *n, int b0, int b1);
/* hvp_forward, then the caller's adjoints, then hvp_backward, one block of
 * samples at a time, so that every intermediate is still in cache when the
 * backward needs it.  The same bytes as the three calls in turn. */
void hvp_forward_backward(hvp_net_t *n, int B, hvp_adjoint_fn *adjoint, void *ctx);
/* 2 x the multiply-adds of the matrix products of one forward + backward at batch B. */
double hvp_flops(const hvp_net_t *n, int B);

/* The activation as the engine evaluates it: a = s(z) and its first three
 * derivatives, for z[0..n) (any of a, d1, d2, d3 may be NULL). */
void hvp_activation(hvp_act act, int n, const double *z, double *a, double *d1, double *d2,
                    double *d3);

#endif
