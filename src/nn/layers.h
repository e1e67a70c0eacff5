/* layers.h: forward/backward kernels of the layers every learning chapter uses,
 * in the style of llm.c: one function pair per layer, outputs first, sizes
 * last, row-major arrays, shapes in comments.  Double precision (the laws are
 * tested in double; the benchmark keeps its float twins in src/bench/).
 *
 * Conventions
 *   - B is the batch size; activations are [B, C] row-major.
 *   - A linear layer's weight is W[out, in] (PyTorch layout): y = x W^T + b.
 *   - Backward functions OVERWRITE their gradient outputs (they do not
 *     accumulate); any gradient output may be NULL to skip computing it.
 *   - Matrix products go through CBLAS (OpenBLAS, one thread), so the
 *     summation order is fixed and the same call gives the same bytes.
 *   - No hidden allocation: callers own every buffer. */
#ifndef NN_LAYERS_H
#define NN_LAYERS_H

#include <stddef.h>

/* out[B,out] = in[B,in] W[out,in]^T + b[out]; b may be NULL (no bias). */
void nn_linear_forward(double *out, const double *in, const double *W, const double *b,
                       int B, int in_dim, int out_dim);
/* din[B,in] = dout W;  dW[out,in] = dout^T in;  db[out] = sum_rows dout. */
void nn_linear_backward(double *din, double *dW, double *db, const double *dout,
                        const double *in, const double *W, int B, int in_dim, int out_dim);

/* As nn_linear_backward, but ADDS this pass's dW and db to dW and db (din,
 * when not NULL, is overwritten): the form a network whose gradient
 * accumulates over several passes needs.  On zeroed dW, db the result is the
 * same bytes as nn_linear_backward's. */
void nn_linear_backward_acc(double *din, double *dW, double *db, const double *dout,
                            const double *in, const double *W, int B, int in_dim, int out_dim);

/* out = max(in, 0) elementwise (out may alias in). */
void nn_relu_forward(double *out, const double *in, size_t n);
/* din = dout * [in > 0]  (din may alias dout). */
void nn_relu_backward(double *din, const double *dout, const double *in, size_t n);

/* Mean softmax cross-entropy of logits[B,C] against labels[B] in [0,C).
 * Returns the mean loss; writes dlogits[B,C] = (softmax - onehot) / B when
 * dlogits is not NULL.  Log-sum-exp with the row max subtracted. */
double nn_softmax_xent(double *dlogits, const double *logits, const int *labels, int B, int C);
/* Regression loss of out[B,C] against y[B,C], e = out - y:
 *   sum over the entries of |e| (NN_LOSS_L1) or e^2 (NN_LOSS_MSE),
 *   divided by B (per_sample != 0: per-sample sum, mean over samples) or by
 *   B C (mean over all entries, torch's default reduction).
 * Returns the loss; writes dout[B,C] = d loss/d out when dout is not NULL
 * (sign(e)/norm or 2e/norm; sign(0) = 0).  Sums run in index order. */
typedef enum { NN_LOSS_L1 = 0, NN_LOSS_MSE = 1 } nn_loss_kind;
double nn_regression_loss(double *dout, const double *out, const double *y, int B, int C,
                          nn_loss_kind kind, int per_sample);

/* Number of rows whose arg-max equals the label. */
int nn_count_correct(const double *logits, const int *labels, int B, int C);

/* BatchNorm over the batch, per feature, training mode (Ioffe & Szegedy 2015):
 *   mean_c = (1/B) sum_b in[b,c],  var_c = (1/B) sum_b (in - mean)^2  (biased),
 *   rstd_c = 1/sqrt(var_c + eps),  xhat = (in - mean) rstd,
 *   out = gamma * xhat + beta.
 * gamma and beta may be NULL (no affine part).  eps may be 0, which makes the
 * layer exactly invariant to the scale of its input's weights (Kunin et al.
 * 2021, scale symmetry).  Writes xhat[B,C], mean[C], rstd[C] for backward. */
void nn_batchnorm_forward(double *out, double *xhat, double *mean, double *rstd,
                          const double *in, const double *gamma, const double *beta,
                          int B, int C, double eps);
/* din = (rstd/B) * (B*dxhat - sum_b dxhat - xhat * sum_b dxhat*xhat), dxhat = dout*gamma. */
void nn_batchnorm_backward(double *din, double *dgamma, double *dbeta, const double *dout,
                           const double *xhat, const double *rstd, const double *gamma,
                           int B, int C);
/* Eval mode with running statistics: out = gamma (in - rmean)/sqrt(rvar+eps) + beta. */
void nn_batchnorm_eval(double *out, const double *in, const double *rmean, const double *rvar,
                       const double *gamma, const double *beta, int B, int C, double eps);
/* Running statistics update (PyTorch: r = (1-m) r + m batch, unbiased batch variance). */
void nn_batchnorm_update_running(double *rmean, double *rvar, const double *mean,
                                 const double *rstd, int B, int C, double eps, double momentum);

/* LayerNorm over the features of each row; RMSNorm without the mean.
 * Same conventions as BatchNorm (gamma/beta may be NULL, eps may be 0);
 * mean and rstd are per row [B]. */
void nn_layernorm_forward(double *out, double *xhat, double *mean, double *rstd,
                          const double *in, const double *gamma, const double *beta,
                          int B, int C, double eps);
void nn_layernorm_backward(double *din, double *dgamma, double *dbeta, const double *dout,
                           const double *xhat, const double *rstd, const double *gamma,
                           int B, int C);
void nn_rmsnorm_forward(double *out, double *xhat, double *rstd, const double *in,
                        const double *gamma, int B, int C, double eps);
void nn_rmsnorm_backward(double *din, double *dgamma, const double *dout, const double *xhat,
                         const double *rstd, const double *gamma, int B, int C);

/* Elementwise activations with their derivatives (the LNN needs up to the
 * third derivative of softplus). */
void nn_tanh_forward(double *out, const double *in, size_t n);
void nn_tanh_backward(double *din, const double *dout, const double *out, size_t n);
void nn_softplus_forward(double *out, const double *in, size_t n);
void nn_softplus_backward(double *din, const double *dout, const double *in, size_t n);

/* Scalar helpers (additions): softplus(x) = log(1+e^x) without overflow, and
 * its derivative sigmoid(x) = 1/(1+e^-x). */
double nn_softplus(double x);
double nn_sigmoid(double x);

/* Residual connection out = a + b elementwise (out may alias a or b); its
 * backward pass hands dout to both branches, which then add their input
 * gradients with nn_add. */
void nn_add(double *out, const double *a, const double *b, size_t n);

#endif
