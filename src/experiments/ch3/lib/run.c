/* run.c: one training run of the chapter-3 MLP (mlp.h, no biases) on a
 * Fashion-MNIST subset, in one of four modes, recording per step what the
 * RMSProp reading of normalization predicts (Tanaka & Kunin 2021):
 *
 *   CH3_FREE         BatchNorm (eps = 0) + SGD/heavy ball + coupled weight decay;
 *   CH3_CONSTRAINED  the same, with every hidden unit's incoming weights scaled
 *                    back to their initial norm after each step (NLD Fig. 4);
 *   CH3_SPHERE       BatchNorm, hidden units trained by the RMSProp the
 *                    derivation predicts, written out explicitly: one
 *                    accumulator per unit, on the sphere,
 *                        qh <- normalize(qh - sqrt(2 eta lambda) gt / sqrt(nu)),
 *                        nu <- (1 - 4 eta lambda) nu + 4 eta lambda |gt|^2,
 *                    nu_0 = (2 lambda/eta)|q_0|^4; the last layer by SGD + WD;
 *   CH3_RMSPROP      no normalization, every parameter by optim.h's RMSProp
 *                    (lr = sqrt(2 eta lambda), alpha = 1 - 4 eta lambda, no WD);
 *                    its eta_eff records are per-parameter, lr/(sqrt(s) + eps).
 *
 * Per step and per hidden unit i with incoming weights q_i: the angle between
 * q_i before and after the step, and the effective learning rate on the
 * sphere, eta_eff = angle / (|q_i| |g_i|) (= the step of q_i/|q_i| per unit
 * scale-free gradient gt_i = |q_i| g_i; for the free run this is
 * atan(eta |gt|/((1 - eta lambda)|q|^2)) / |gt| ~ eta/|q|^2). */
#include "experiments/ch3/lib/run.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/batch.h"
#include "core/rng.h"
#include "core/stats.h"
#include "core/util.h"
#include "experiments/ch3/lib/data.h"
#include "nn/mlp.h"
#include "nn/optim.h"
#include "nn/scale_dynamics.h"

static void rec_init(ch3_rec_t *r, const ch3_cfg_t *c)
{
    memset(r, 0, sizeof *r);
    long K = c->steps;
    r->steps = K;
    r->train_loss = xcalloc((size_t)K, sizeof(double));
    for (int l = 0; l < CH3_NL; l++) {
        r->angle_rms[l] = xcalloc((size_t)K, sizeof(double));
        r->angle_pred[l] = xcalloc((size_t)K, sizeof(double));
        r->eff_med[l] = xcalloc((size_t)K, sizeof(double));
        r->eff_lo[l] = xcalloc((size_t)K, sizeof(double));
        r->eff_hi[l] = xcalloc((size_t)K, sizeof(double));
        r->eff_pred_med[l] = xcalloc((size_t)K, sizeof(double));
    }
    r->nu_gap = xcalloc((size_t)K, sizeof(double));
    for (int s = 0; s < c->n_sample; s++) {
        r->nu_meas[s] = xcalloc((size_t)K + 1, sizeof(double));
        r->nu_ema[s] = xcalloc((size_t)K + 1, sizeof(double));
    }
    int ne = (c->eval_every > 0 ? (int)(K / c->eval_every) : 0) + 2;
    r->eval_step = xcalloc((size_t)ne, sizeof(double));
    r->test_loss = xcalloc((size_t)ne, sizeof(double));
    r->test_acc = xcalloc((size_t)ne, sizeof(double));
}

void ch3_rec_free(ch3_rec_t *r)
{
    free(r->train_loss);
    for (int l = 0; l < CH3_NL; l++) {
        free(r->angle_rms[l]);
        free(r->angle_pred[l]);
        free(r->eff_med[l]);
        free(r->eff_lo[l]);
        free(r->eff_hi[l]);
        free(r->eff_pred_med[l]);
    }
    free(r->nu_gap);
    for (int s = 0; s < CH3_MAXS; s++) {
        free(r->nu_meas[s]);
        free(r->nu_ema[s]);
    }
    free(r->eval_step);
    free(r->test_loss);
    free(r->test_acc);
}

static void eval_point(mlp_t *m, const dataset_t *test, ch3_rec_t *r, long k)
{
    double loss, acc;
    ch3_evaluate(m, test, 500, &loss, &acc);
    r->eval_step[r->n_eval] = (double)k;
    r->test_loss[r->n_eval] = loss;
    r->test_acc[r->n_eval] = acc;
    r->n_eval++;
}

/* The network of a run and its per-unit work arrays. */
typedef struct {
    const ch3_cfg_t *c;
    mlp_t m;
    size_t n, last_off, last_n;
    int U;
    double *old, *vbuf, *q2, *g2, *r0, *nu, *ang, *eff, *effp, *tmp, *srt, *big;
    double lr_rms, rho, nu_scale, lr_layer[3];
} state_t;

/* Layout: d - width - width - 10, ReLU, no biases. */
static void state_init(state_t *S, const ch3_cfg_t *c, int d)
{
    memset(S, 0, sizeof *S);
    S->c = c;
    int dims[4] = {d, c->width, c->width, 10};
    int bn = c->mode != CH3_RMSPROP;
    rng_t rinit;
    rng_seed(&rinit, c->seed, 1);
    if (mlp_init(&S->m, dims, 3, 0, bn, c->bn_eps, c->B > 500 ? c->B : 500, &rinit))
        die("mlp_init failed");
    mlp_t *m = &S->m;
    size_t n = S->n = m->n_params;
    int U = S->U = ch3_n_units(m);
    S->old = xmalloc(n * sizeof *S->old);
    S->vbuf = xcalloc(n, sizeof *S->vbuf);             /* momentum or RMSProp state */
    S->q2 = xmalloc((size_t)U * sizeof *S->q2);
    S->g2 = xmalloc((size_t)U * sizeof *S->g2);
    S->r0 = xmalloc((size_t)U * sizeof *S->r0);        /* initial norms */
    S->nu = xmalloc((size_t)U * sizeof *S->nu);        /* EMA (free) or the optimizer's (sphere) */
    S->ang = xmalloc((size_t)U * sizeof *S->ang);
    S->eff = xmalloc((size_t)U * sizeof *S->eff);
    S->effp = xmalloc((size_t)U * sizeof *S->effp);
    S->tmp = xmalloc((size_t)U * sizeof *S->tmp);
    S->srt = xmalloc((size_t)U * sizeof *S->srt);      /* quantile scratch */
    S->big = c->mode == CH3_RMSPROP ? xmalloc(2 * n * sizeof *S->big) : NULL;
    double eta = c->eta, lam = c->lambda;
    S->lr_rms = sqrt(2.0 * eta * lam);
    S->rho = 1.0 - 4.0 * eta * lam;
    /* traces report nu = (2 lambda/eta)|q|^4, or |q|^4 itself when lambda = 0 */
    S->nu_scale = c->mode == CH3_FREE && lam > 0 ? 2.0 * lam / eta : 1.0;
    S->last_off = (size_t)(m->W[2] - m->theta);
    S->last_n = n - S->last_off;
    for (int l = 0; l < 3; l++) {
        double s = 0.0;
        size_t nw = (size_t)m->dims[l + 1] * m->dims[l];
        for (size_t j = 0; j < nw; j++)
            s += m->W[l][j] * m->W[l][j];
        double rbar = sqrt(s / m->dims[l + 1]);
        S->lr_layer[l] = c->rms_match ? S->lr_rms * rbar / sqrt((double)m->dims[l]) : S->lr_rms;
    }
    for (int u = 0; u < U; u++) {
        int len;
        double *q = ch3_row(m->W, m, u, &len);
        S->r0[u] = sqrt(scale_sqnorm(q, (size_t)len));
        /* free: the |q|^4 accumulator A = (eta/(2 lambda)) nu, which stays
         * defined at lambda = 0; sphere: the optimizer's nu */
        S->nu[u] = c->mode == CH3_FREE ? pow(S->r0[u], 4) : scale_nu_of_q2(S->r0[u] * S->r0[u], eta, lam);
    }
}

static void state_free(state_t *S)
{
    double *p[] = {S->old, S->vbuf, S->q2, S->g2, S->r0, S->nu, S->ang, S->eff, S->effp,
                   S->tmp, S->srt, S->big};
    for (size_t i = 0; i < sizeof p / sizeof *p; i++)
        free(p[i]);
    mlp_free(&S->m);
}

/* The update of the run's mode, the gradient being in m.grad. */
static void update(state_t *S)
{
    const ch3_cfg_t *c = S->c;
    mlp_t *m = &S->m;
    const double eta = c->eta, lam = c->lambda;
    const int U = S->U;
    const size_t n = S->n, last_off = S->last_off, last_n = S->last_n;
    const double lr_rms = S->lr_rms, rho = S->rho, *lr_layer = S->lr_layer;
    double *vbuf = S->vbuf, *r0 = S->r0, *nu = S->nu, *effp = S->effp, *tmp = S->tmp;
    const double *q2 = S->q2, *g2 = S->g2;
    switch (c->mode) {
    case CH3_FREE:
    case CH3_CONSTRAINED:
        /* excerpt: constrained */
        opt_sgd_step(m->theta, m->grad, vbuf, n, eta, c->beta, lam, OPT_WD_COUPLED);
        if (c->mode == CH3_CONSTRAINED)
            for (int u = 0; u < U; u++) {
                int len;
                double *q = ch3_row(m->W, m, u, &len);
                double s = r0[u] / sqrt(scale_sqnorm(q, (size_t)len));
                for (int j = 0; j < len; j++)
                    q[j] *= s;
            }
        /* end excerpt */
        break;
    case CH3_SPHERE:
        /* excerpt: sphere */
        for (int u = 0; u < U; u++) {   /* q = r0 qh, gt = r0 g */
            int len;
            double *q = ch3_row(m->W, m, u, &len);
            const double *g = ch3_row(m->dW, m, u, &len);
            double gt2 = q2[u] * g2[u];
            effp[u] = lr_rms / sqrt(nu[u]);            /* step of qh per unit gt */
            tmp[u] = effp[u] * sqrt(gt2);              /* its length */
            for (int j = 0; j < len; j++)
                q[j] = q[j] / r0[u] - effp[u] * r0[u] * g[j];
            double s = r0[u] / sqrt(scale_sqnorm(q, (size_t)len));
            for (int j = 0; j < len; j++)
                q[j] *= s;                             /* back to radius r0 */
            nu[u] = rho * nu[u] + (1.0 - rho) * gt2;   /* accumulator after the step */
        }
        opt_sgd_step(m->theta + last_off, m->grad + last_off, NULL, last_n, eta, 0.0, lam,
                     OPT_WD_COUPLED);
        /* end excerpt */
        break;
    case CH3_RMSPROP:
        for (int l = 0; l < 3; l++) {
            size_t off = (size_t)(m->W[l] - m->theta), nw = (size_t)m->dims[l + 1] * m->dims[l];
            opt_rmsprop_step(m->theta + off, m->grad + off, vbuf + off, nw, lr_layer[l], rho,
                             1e-8, 0.0, OPT_WD_COUPLED);
        }
        break;
    }
}

/* The free run's |q|^4 accumulator, one step, driven by the measured gradients:
 * (A1)-(A2) written for A = |q|^4, so that eta/sqrt(A) = sqrt(2 eta lambda/nu);
 * sets the prediction (effp per unit gt, tmp the predicted angle) first. */
static void free_accumulate(state_t *S)
{
    const double eta = S->c->eta, lam = S->c->lambda;
    for (int u = 0; u < S->U; u++) {
        double gt2 = S->q2[u] * S->g2[u];
        S->effp[u] = eta / sqrt(S->nu[u]);
        S->tmp[u] = eta * sqrt(gt2 / S->nu[u]);
        S->nu[u] = (1.0 - 4.0 * eta * lam) * S->nu[u] + 2.0 * eta * eta * gt2;
    }
}

/* Per-unit measurements after the step: angle, eta_eff and the
 * prediction; returns the summed EMA gap (free run, whose accumulator
 * free_accumulate has just stepped). */
static double measure_units(state_t *S, ch3_rec_t *r)
{
    const ch3_cfg_t *c = S->c;
    mlp_t *m = &S->m;
    const double eta = c->eta, lam = c->lambda;
    const int U = S->U;
    const double *lr_layer = S->lr_layer, *q2 = S->q2, *g2 = S->g2, *r0 = S->r0;
    double *old = S->old, *vbuf = S->vbuf, *nu = S->nu, *ang = S->ang, *eff = S->eff;
    double *effp = S->effp, *tmp = S->tmp;
    double gap = 0.0;
    for (int u = 0; u < U; u++) {
        int len;
        const double *qn = ch3_row(m->W, m, u, &len);
        const double *qo = ch3_row_in(old, m, u, &len);
        double q2n = scale_sqnorm(qn, (size_t)len);
        ang[u] = scale_angle(qo, qn, (size_t)len);
        double gt2 = q2[u] * g2[u];
        eff[u] = gt2 > 0 ? ang[u] / sqrt(gt2) : 0.0;
        if (c->mode == CH3_FREE) {
            if (c->beta == 0.0) {
                double pred = scale_q2_step(q2[u], g2[u], eta, lam);
                double e = fabs(q2n - pred) / q2n;
                if (e > r->exact_worst)
                    r->exact_worst = e;
            }
            gap += fabs(q2n * q2n / nu[u] - 1.0);
        } else if (c->mode == CH3_SPHERE) {
            /* effp, tmp set by the step */
        } else if (c->mode == CH3_CONSTRAINED) {
            effp[u] = eta / ((1.0 - eta * lam) * r0[u] * r0[u]);
            tmp[u] = atan(eta * sqrt(gt2) / ((1.0 - eta * lam) * q2[u]));
        } else {   /* RMSProp: angle ~ |P_perp(lr g/sqrt(s))| / |q| from its own state */
            const double *s = ch3_row_in(vbuf, m, u, &len);
            const double *g = ch3_row(m->dW, m, u, &len);
            const double *qo2 = ch3_row_in(old, m, u, &len);
            double st2 = 0.0, sq = 0.0, lr_u = lr_layer[u < c->width ? 0 : 1];
            for (int j = 0; j < len; j++) {
                double dj = lr_u * g[j] / (sqrt(s[j]) + 1e-8);
                st2 += dj * dj;
                sq += dj * qo2[j];
            }
            double perp2 = st2 - sq * sq / q2[u];
            tmp[u] = atan(sqrt(perp2 > 0 ? perp2 : 0.0) / sqrt(q2[u]));
            effp[u] = gt2 > 0 ? tmp[u] / sqrt(gt2) : 0.0;
        }
    }
    return gap;
}

/* The 10 %, 50 % and 90 % quantiles of v[n], sorting one copy in work. */
static void quantiles3(const double *v, int n, double *work, double *lo, double *med, double *hi)
{
    memcpy(work, v, (size_t)n * sizeof *work);
    stats_sort(work, (size_t)n);
    *lo = stats_quantile_sorted(work, (size_t)n, 0.1);
    *med = stats_quantile_sorted(work, (size_t)n, 0.5);
    *hi = stats_quantile_sorted(work, (size_t)n, 0.9);
}

/* Step k's records per layer: RMS angles, eta_eff quantiles. */
static void layer_records(state_t *S, ch3_rec_t *r, long k)
{
    const ch3_cfg_t *c = S->c;
    const mlp_t *m = &S->m;
    const double *lr_layer = S->lr_layer, *vbuf = S->vbuf, *ang = S->ang, *eff = S->eff;
    const double *effp = S->effp, *tmp = S->tmp;
    double *big = S->big, *srt = S->srt;
    for (int l = 0; l < CH3_NL; l++) {
        int u0 = l * c->width, nl = c->width;
        double s2 = 0.0, p2 = 0.0;
        for (int u = u0; u < u0 + nl; u++) {
            s2 += ang[u] * ang[u];
            p2 += tmp[u] * tmp[u];
        }
        r->angle_rms[l][k] = sqrt(s2 / nl);
        r->angle_pred[l][k] = sqrt(p2 / nl);
        if (c->mode == CH3_RMSPROP) {
            /* per-parameter rates lr/(sqrt(s)+eps) of the layer's weights
             * (those that have seen a gradient); every 20 steps, as the
             * median of ~10^5 numbers is not free */
            if (k % 20 == 19 || k == c->measure_from) {
                size_t off = (size_t)(m->W[l] - m->theta), nw = (size_t)m->dims[l + 1] * m->dims[l];
                int cnt = 0;
                for (size_t j = 0; j < nw; j++)
                    if (vbuf[off + j] > 0)
                        big[cnt++] = lr_layer[l] / (sqrt(vbuf[off + j]) + 1e-8);
                quantiles3(big, cnt, big + nw, &r->eff_lo[l][k], &r->eff_med[l][k],
                           &r->eff_hi[l][k]);
            } else {
                r->eff_med[l][k] = r->eff_med[l][k - 1];
                r->eff_lo[l][k] = r->eff_lo[l][k - 1];
                r->eff_hi[l][k] = r->eff_hi[l][k - 1];
            }
        } else {
            quantiles3(eff + u0, nl, srt, &r->eff_lo[l][k], &r->eff_med[l][k], &r->eff_hi[l][k]);
        }
        r->eff_pred_med[l][k] = ch3_quantile(effp + u0, nl, 0.5, srt);
    }
}

void ch3_run(const ch3_cfg_t *c, const dataset_t *train, const dataset_t *test, ch3_rec_t *r)
{
    double t0 = now_seconds();
    rec_init(r, c);
    state_t S;
    state_init(&S, c, train->d);
    minibatch_t bt;                        /* stream 7: whole batches of each shuffle */
    if (minibatch_init(&bt, train, train->n, MINIBATCH_WHOLE, c->seed, 7))
        die("empty training set");
    double *xb = xmalloc((size_t)c->B * train->d * sizeof *xb);
    int *yb = xmalloc((size_t)c->B * sizeof *yb);
    for (int s = 0; s < c->n_sample; s++) {
        int u = s * S.U / c->n_sample;
        r->nu_meas[s][0] = r->nu_ema[s][0] = S.nu_scale * S.nu[u];
    }
    eval_point(&S.m, test, r, 0);
    for (long k = 0; k < c->steps; k++) {
        minibatch_next(&bt, xb, yb, c->B);
        if (k >= c->measure_from)
            memcpy(S.old, S.m.theta, S.n * sizeof *S.old);
        double loss = mlp_train_batch(&S.m, xb, yb, c->B, NULL);
        r->train_loss[k] = loss;
        if (!isfinite(loss)) {
            r->diverged = 1;
            r->steps = k;
            break;
        }
        for (int u = 0; u < S.U; u++) {
            S.q2[u] = ch3_row_sqnorm(S.m.W, &S.m, u);
            S.g2[u] = ch3_row_sqnorm(S.m.dW, &S.m, u);
        }
        update(&S);
        if (c->mode == CH3_FREE)
            free_accumulate(&S);
        if (k >= c->measure_from) {
            double gap = measure_units(&S, r);
            if (c->mode == CH3_FREE)
                r->nu_gap[k] = gap / S.U;
            layer_records(&S, r, k);
        }
        for (int s = 0; s < c->n_sample; s++) {
            int u = s * S.U / c->n_sample;
            double q2n = ch3_row_sqnorm(S.m.W, &S.m, u);
            r->nu_meas[s][k + 1] = S.nu_scale * q2n * q2n;
            r->nu_ema[s][k + 1] = S.nu_scale * S.nu[u];
        }
        if (c->eval_every > 0 && (k + 1) % c->eval_every == 0)
            eval_point(&S.m, test, r, k + 1);
    }
    if (c->eval_every <= 0 || r->steps % c->eval_every != 0 || r->diverged)
        eval_point(&S.m, test, r, r->steps);
    r->final_loss = r->test_loss[r->n_eval - 1];
    r->final_acc = r->test_acc[r->n_eval - 1];
    for (int u = 0; u < S.U; u++)
        S.q2[u] = ch3_row_sqnorm(S.m.W, &S.m, u);
    r->final_q2_med = ch3_quantile(S.q2, S.U, 0.5, S.srt);
    minibatch_free(&bt);
    free(xb);
    free(yb);
    state_free(&S);
    r->seconds = now_seconds() - t0;
}
