/* linear_tmpl.h: the linear layer's forward and backward passes and ReLU,
 * written once for a floating type and included by the file that defines
 * them (no include guard: included once per type).  nn/layers.c includes it
 * for double (the library); bench/kernels_f32.c for float (the benchmark's
 * own single-precision path, issue 14), with
 *   #define LT          double | float
 *   #define LT_GEMM     cblas_dgemm | cblas_sgemm
 *   #define LT_FN(f)    nn_##f | f32_##f
 * It defines LT_FN(linear_forward), LT_FN(linear_backward_acc) (ADDS to dW
 * and db), LT_FN(relu_forward) and LT_FN(relu_backward), and the static
 * LT_FN(linear_backward_) behind the accumulating pass (dW scaled by dw_beta,
 * 0 or 1, before adding; db always added to), LT_FN(softmax_xent) and
 * LT_FN(count_correct); then undefines the macros.
 * Conventions of nn/layers.h: row-major, W[out, in], NULL skips an output.
 * The including file includes <cblas.h>, <math.h>, <stddef.h> and <string.h>. */

/* out = in W^T (+ b on every row) */
void LT_FN(linear_forward)(LT *out, const LT *in, const LT *W, const LT *b, int B, int in_dim,
                           int out_dim)
{
    LT beta = 0;
    if (b) {
        for (int r = 0; r < B; r++)
            memcpy(out + (size_t)r * out_dim, b, (size_t)out_dim * sizeof *b);
        beta = 1;
    }
    LT_GEMM(CblasRowMajor, CblasNoTrans, CblasTrans, B, out_dim, in_dim, 1, in, in_dim, W, in_dim,
            beta, out, out_dim);
}

/* din = dout W; dW = dout^T in + dw_beta dW; db += the column sums of dout
 * (row 0 first), in blocks on the stack: adding a pass's total keeps
 * accumulation the sum of whole passes, and 0 + total is the plain sum. */
static void LT_FN(linear_backward_)(LT *din, LT *dW, LT *db, const LT *dout, const LT *in,
                                    const LT *W, int B, int in_dim, int out_dim, LT dw_beta)
{
    if (din)
        LT_GEMM(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, in_dim, out_dim, 1, dout, out_dim,
                W, in_dim, 0, din, in_dim);
    if (dW)
        LT_GEMM(CblasRowMajor, CblasTrans, CblasNoTrans, out_dim, in_dim, B, 1, dout, out_dim, in,
                in_dim, dw_beta, dW, in_dim);
    if (!db || B < 1)
        return;
    enum { NJ = 64 };
    for (int j0 = 0; j0 < out_dim; j0 += NJ) {
        int nj = out_dim - j0 < NJ ? out_dim - j0 : NJ;
        LT s[NJ];
        memcpy(s, dout + j0, (size_t)nj * sizeof *s);
        for (int r = 1; r < B; r++) {
            const LT *d = dout + (size_t)r * out_dim + j0;
            for (int k = 0; k < nj; k++)
                s[k] += d[k];
        }
        for (int k = 0; k < nj; k++)
            db[j0 + k] += s[k];
    }
}

void LT_FN(linear_backward_acc)(LT *din, LT *dW, LT *db, const LT *dout, const LT *in,
                                const LT *W, int B, int in_dim, int out_dim)
{
    LT_FN(linear_backward_)(din, dW, db, dout, in, W, B, in_dim, out_dim, 1);
}

void LT_FN(relu_forward)(LT *out, const LT *in, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = in[i] > 0 ? in[i] : 0;
}

void LT_FN(relu_backward)(LT *din, const LT *dout, const LT *in, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        LT d = dout[i];   /* unconditional load: lets the loop vectorize */
        din[i] = in[i] > 0 ? d : 0;
    }
}

/* Mean cross-entropy of softmax(logits) against labels, by log-sum-exp with
 * the row maximum subtracted, accumulated in double; dlogits = (softmax -
 * onehot)/B if not NULL. */
double LT_FN(softmax_xent)(LT *dlogits, const LT *logits, const int *labels, int B, int C)
{
    double total = 0.0;
    for (int r = 0; r < B; r++) {
        const LT *z = logits + (size_t)r * C;
        double zmax = z[0];
        for (int c = 1; c < C; c++)
            if (z[c] > zmax)
                zmax = z[c];
        double sum = 0.0;
        for (int c = 0; c < C; c++)
            sum += exp(z[c] - zmax);
        double lse = log(sum);
        total += lse - (z[labels[r]] - zmax);
        if (dlogits) {
            LT *d = dlogits + (size_t)r * C;
            for (int c = 0; c < C; c++)
                d[c] = (LT)(exp(z[c] - zmax - lse) / B);
            d[labels[r]] -= (LT)(1.0 / B);
        }
    }
    return total / B;
}

/* Rows whose largest logit (the first, on ties) is at the label. */
int LT_FN(count_correct)(const LT *logits, const int *labels, int B, int C)
{
    int n = 0;
    for (int r = 0; r < B; r++) {
        const LT *z = logits + (size_t)r * C;
        int best = 0;
        for (int c = 1; c < C; c++)
            if (z[c] > z[best])
                best = c;
        n += best == labels[r];
    }
    return n;
}

#undef LT
#undef LT_GEMM
#undef LT_FN
