/* toy.c: the noisy scale-invariant quadratic (scale_dynamics.h) trained by
 * SGD (+ heavy-ball momentum) with coupled weight decay: the RMSProp reading
 * of normalization (Tanaka & Kunin 2021) where every assumption holds.
 *
 * Writes
 *   data/ch3/toy_relax.tsv   ensemble RMS angle between successive q against
 *                            step, from below and from above equilibrium,
 *                            beta = 0 and 0.9, with the EMA prediction
 *                            angle ~ sqrt(2 eta lambda <|gt|^2> / nu_k)   (A1-A2)
 *   data/ch3/toy_ema.tsv     one run's nu = (2 lambda/eta)|q|^4 against the EMA
 *                            nu_{k+1} = (1-4 eta lambda) nu_k + 4 eta lambda |gt_k|^2
 *   data/ch3/toy_law.tsv     stationary RMS angle against eta*lambda for three
 *                            beta, and sqrt(2 eta lambda/(1+beta))
 *   data/ch3/toy_relaxtime.tsv  relaxation of <|q|^4> from 2x and 0.5x its
 *                            equilibrium, beta = 0, 0.5, 0.9 (and 0.9 on the
 *                            noise-only toy), against -1/(4 ln z+) (chapter
 *                            eq. relax) and the moment recursion (scale_moments_step)
 *   data/ch3/toy_summary.tsv numbers quoted in the chapter */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/args.h"
#include "core/rng.h"
#include "core/tsv.h"
#include "core/util.h"
#include "experiments/ch3/lib/data.h"
#include "nn/scale_dynamics.h"

enum { D = 20 };

typedef struct {
    double q[D], v[D], g[D], qold[D];
} walker_t;

static void walker_init(walker_t *w, double q2, rng_t *r)
{
    for (int i = 0; i < D; i++) {
        w->q[i] = rng_normal(r);
        w->v[i] = 0.0;
    }
    double s = sqrt(q2 / scale_sqnorm(w->q, D));
    for (int i = 0; i < D; i++)
        w->q[i] *= s;
}

/* One step; returns the angle between q_k and q_{k+1}; *gt2 = |q_k|^2 |g_k|^2. */
static double walker_step(walker_t *w, scale_toy_t *toy, rng_t *r, double eta, double beta,
                          double lambda, double *gt2)
{
    double q2 = scale_sqnorm(w->q, D);
    scale_toy_grad(toy, w->g, w->q, r);
    *gt2 = q2 * scale_sqnorm(w->g, D);
    memcpy(w->qold, w->q, sizeof w->q);
    for (int i = 0; i < D; i++) {      /* PyTorch SGD, coupled weight decay */
        w->v[i] = beta * w->v[i] + w->g[i] + lambda * w->q[i];
        w->q[i] -= eta * w->v[i];
    }
    return scale_angle(w->qold, w->q, D);
}

typedef struct {
    const char *out_dir;
    long seed, steps;
    double eta, lambda;
    int replicas, relax_replicas;
} opts_t;

static const double sigma = 0.8, amin = 0.3, amax = 2.1;
/* Starting norms: |q|^2 = 0.5 (below equilibrium: large first angles) and
 * 25 (above: small first angles). */
static const double q2_start[2] = {0.5, 25.0};

/* Relaxation of the ensemble from below and above, beta = 0 and 0.9
 * (toy_relax.tsv); tail[] the RMS angle over the last 2 tau steps. */
static void relaxation(const opts_t *o, scale_toy_t *toy, double tail[4], int argc, char **argv)
{
    const uint64_t seed = (uint64_t)o->seed;
    const double eta = o->eta, lambda = o->lambda;
    const int R = o->replicas;
    const long K = o->steps;
    const double betas[2] = {0.0, 0.9};
    walker_t *w = xmalloc((size_t)R * sizeof *w);
    double *rms = xcalloc((size_t)4 * K, sizeof *rms);     /* [case][k] */
    double *pred = xcalloc((size_t)2 * K, sizeof *pred);   /* beta = 0 prediction */
    for (int c = 0; c < 4; c++) {
        int is = c % 2, ib = c / 2;
        rng_t r;
        rng_seed(&r, seed, 10 + c);
        for (int i = 0; i < R; i++)
            walker_init(&w[i], q2_start[is], &r);
        double nu = scale_nu_of_q2(q2_start[is], eta, lambda);
        for (long k = 0; k < K; k++) {
            double s2 = 0.0, sg = 0.0;
            for (int i = 0; i < R; i++) {
                double gt2, th = walker_step(&w[i], toy, &r, eta, betas[ib], lambda, &gt2);
                s2 += th * th;
                sg += gt2;
            }
            rms[c * K + k] = sqrt(s2 / R);
            if (ib == 0) {   /* (A2) with nu from the EMA (A1) of the ensemble <|gt|^2> */
                pred[is * K + k] = sqrt(2.0 * eta * lambda * (sg / R) / nu);
                nu = scale_nu_step(nu, sg / R, eta, lambda);
            }
        }
    }
    tsv_t *t = tsv_createf(argc, argv, "%s/toy_relax.tsv", o->out_dir);
    tsv_comment(t, "seed %llu; d = %d, a in [%g, %g], sigma = %g; eta = %g, lambda = %g; "
                "%d replicas", (unsigned long long)seed, D, amin, amax, sigma, eta, lambda, R);
    tsv_comment(t, "rms angle between q_k and q_{k+1} over replicas; start |q|^2 = %g (lo) or %g (hi)",
                q2_start[0], q2_start[1]);
    tsv_comment(t, "pred: sqrt(2 eta lambda <|gt|^2>_k / nu_k), nu EMA with rho = 1 - 4 eta lambda "
                "(Tanaka & Kunin 2021); eq: sqrt(2 eta lambda/(1+beta))");
    tsv_columns(t, "step\tb0_lo\tb0_hi\tb9_lo\tb9_hi\tpred_b0_lo\tpred_b0_hi\teq_b0\teq_b9\tstep_over_tau");
    double eq0 = scale_angle_eq(eta, lambda, 0.0), eq9 = scale_angle_eq(eta, lambda, 0.9);
    double tau = scale_relax_steps(eta, lambda, 0.0);
    for (long k = 0; k < K; k++)
        tsv_rowv(t, 10, (double)k, rms[k], rms[K + k], rms[2 * K + k], rms[3 * K + k], pred[k],
                 pred[K + k], eq0, eq9, k / tau);
    tsv_finish(t);

    /* Mean of the last 2 tau steps, per case, for the summary. */
    long k0 = K - (long)(2 * tau);
    if (k0 < K / 2)
        k0 = K / 2;
    for (int c = 0; c < 4; c++) {
        double s = 0.0;
        for (long k = k0; k < K; k++)
            s += rms[c * K + k] * rms[c * K + k];
        tail[c] = sqrt(s / (K - k0));
    }

    free(w);
    free(rms);
    free(pred);
}

/* One run from each start: nu against its EMA (toy_ema.tsv); the largest
 * gaps before and after the first tau. */
static void ema_run(const opts_t *o, scale_toy_t *toy, double *gap_first_out, double *gap_late_out,
                    int argc, char **argv)
{
    const uint64_t seed = (uint64_t)o->seed;
    const double eta = o->eta, lambda = o->lambda;
    const long K = o->steps;
    const double tau = scale_relax_steps(eta, lambda, 0.0);
    tsv_t *t = tsv_createf(argc, argv, "%s/toy_ema.tsv", o->out_dir);
    tsv_comment(t, "seed %llu; beta = 0, eta = %g, lambda = %g; one run from each start",
                (unsigned long long)seed, eta, lambda);
    tsv_comment(t, "nu = (2 lambda/eta)|q_k|^4 (measured) vs ema: nu_{k+1} = (1-4 eta lambda) nu_k"
                " + 4 eta lambda |gt_k|^2 driven by the measured |gt_k|^2");
    tsv_columns(t, "step\tnu_lo\tema_lo\tnu_hi\tema_hi\tangle_lo\tangle_hi");
    double gap_late = 0.0, gap_first = 0.0;
    {
        walker_t ww[2];
        rng_t r;
        rng_seed(&r, seed, 20);
        double nu_ema[2];
        for (int s = 0; s < 2; s++) {
            walker_init(&ww[s], q2_start[s], &r);
            nu_ema[s] = scale_nu_of_q2(q2_start[s], eta, lambda);
        }
        for (long k = 0; k <= K; k++) {
            double nu_m[2], th[2] = {0, 0};
            for (int s = 0; s < 2; s++) {
                nu_m[s] = scale_nu_of_q2(scale_sqnorm(ww[s].q, D), eta, lambda);
                double gap = fabs(nu_m[s] - nu_ema[s]) / nu_m[s];
                if (k <= (long)tau)
                    gap_first = fmax(gap_first, gap);
                else
                    gap_late = fmax(gap_late, gap);
            }
            if (k < K) {
                for (int s = 0; s < 2; s++) {
                    double gt2;
                    th[s] = walker_step(&ww[s], toy, &r, eta, 0.0, lambda, &gt2);
                }
            }
            tsv_rowv(t, 7, (double)k, nu_m[0], nu_ema[0], nu_m[1], nu_ema[1], th[0], th[1]);
            if (k < K)
                for (int s = 0; s < 2; s++) {
                    double q2old = scale_sqnorm(ww[s].qold, D);
                    double g2 = scale_sqnorm(ww[s].g, D);
                    nu_ema[s] = scale_nu_step(nu_ema[s], g2 * q2old, eta, lambda);
                }
        }
    }
    tsv_finish(t);

    *gap_first_out = gap_first;
    *gap_late_out = gap_late;
}

static const double el[] = {3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2};
static const double lb[] = {0.0, 0.5, 0.9};
enum { NEL = 6, NLB = 3, RL = 8 };
static const double burn_tau = 10.0, meas_tau = 20.0;

/* The stationary angle against eta lambda (toy_law.tsv); returns the worst
 * relative deviation from sqrt(2 eta lambda/(1+beta)). */
static double angle_law(const opts_t *o, scale_toy_t *toy, int argc, char **argv)
{
    const uint64_t seed = (uint64_t)o->seed;
    const double eta = o->eta;
    tsv_t *t = tsv_createf(argc, argv, "%s/toy_law.tsv", o->out_dir);
    tsv_comment(t, "seed %llu; eta = %g fixed, lambda = eta_lambda/eta; %d replicas, burn-in 10 "
                "relaxation times (1-beta)/(4 eta lambda), then 20 more measured",
                (unsigned long long)seed, eta, RL);
    tsv_comment(t, "theory: rms angle = sqrt(2 eta lambda/(1+beta)) (Wan et al. 2021; Tanaka & Kunin 2021)");
    tsv_columns(t, "eta_lambda\tb0\tb5\tb9\ttheory_b0\ttheory_b5\ttheory_b9");
    double worst_law = 0.0;
    for (int ie = 0; ie < NEL; ie++) {
        double lam = el[ie] / eta, row[7];
        row[0] = el[ie];
        for (int ib = 0; ib < NLB; ib++) {
            double tau_b = scale_relax_steps(eta, lam, lb[ib]);
            long burn = (long)(burn_tau * tau_b), meas = (long)(meas_tau * tau_b);
            if (meas < 20000)
                meas = 20000;
            rng_t r;
            rng_seed(&r, seed, 100 + 10 * ie + ib);
            double s2 = 0.0;
            long n = 0;
            for (int i = 0; i < RL; i++) {
                walker_t ww;
                walker_init(&ww, 1.0, &r);
                for (long k = 0; k < burn + meas; k++) {
                    double gt2, th = walker_step(&ww, toy, &r, eta, lb[ib], lam, &gt2);
                    if (k >= burn) {
                        s2 += th * th;
                        n++;
                    }
                }
            }
            row[1 + ib] = sqrt(s2 / n);
            row[4 + ib] = scale_angle_eq(eta, lam, lb[ib]);
            worst_law = fmax(worst_law, fabs(row[1 + ib] / row[4 + ib] - 1.0));
        }
        tsv_row(t, 7, row);
    }
    tsv_finish(t);

    return worst_law;
}

/* ---- The relaxation time of |q|^4 (eq. relax; derived in the chapter's appendix).
 * Cases: beta = 0, 0.5, 0.9 on the toy, and beta = 0.9 on its noise-only
 * variant (all a_i equal, so the gradient on the sphere is pure noise and
 * successive gradients are uncorrelated: the assumption of the derivation). */
enum { NRC = 4 };
static const double rc_beta[NRC] = {0.0, 0.5, 0.9, 0.9};
static const char *rc_name[NRC] = {"b0", "b5", "b9", "b9noise"};
static const double rc_start[2] = {2.0, 0.5};   /* |q_0|^4 / |q|^4_eq: hi, lo */
static const double rc_burn = 4.0, rc_meas = 4.0, rc_run = 3.0;   /* in units of tau */
static const double fit_hi = 0.8, fit_lo = 0.15;   /* fit window in dev_k / dev_0 */

typedef struct {
    int replicas;
    double tau_pred, tau_first, eq, tau[2], ratio[2], worst;
    double tau_mom[2], mom_ratio[2], mom_worst;   /* the moment recursion's prediction */
} relax_case_t;

/* The farther from 1 of two ratios. */
static double worst_of(const double r[2])
{
    return fabs(r[0] - 1.0) >= fabs(r[1] - 1.0) ? r[0] : r[1];
}

/* Replica mean of |q_k|^4 for k = 0..K-1, from |q_0|^4 = q4_start; the
 * norm is held at its start (projected back) for `warm` steps first, so that
 * the momentum buffer is filled when the norm is released at k = 0. */
static void relax_mean(scale_toy_t *toy, walker_t *w, int R, rng_t *r, double eta, double beta,
                       double lambda, double q4_start, long warm, long K, double *mean)
{
    for (int i = 0; i < R; i++)
        walker_init(&w[i], sqrt(q4_start), r);
    for (long k = -warm; k < K; k++) {
        double s = 0.0;
        for (int i = 0; i < R; i++) {
            double q2 = scale_sqnorm(w[i].q, D), gt2;
            if (k >= 0)
                s += q2 * q2;
            walker_step(&w[i], toy, r, eta, beta, lambda, &gt2);
            if (k < 0) {
                double c = sqrt(sqrt(q4_start) / scale_sqnorm(w[i].q, D));
                for (int j = 0; j < D; j++)
                    w[i].q[j] *= c;
            }
        }
        if (k >= 0)
            mean[k] = s / R;
    }
}

/* The same from the mean-field moment recursion (scale_moments_step):
 * (E|q_k|^2)^2 for k = 0..K-1; returns its fixed point's (E|q|^2)^2. */
static double relax_moments(double eta, double beta, double lambda, double start, long warm,
                            long K, double *mean)
{
    const double s = sigma * sigma * (D - 1);   /* any s > 0: the map is homogeneous */
    scale_moments_t m = {.N = sqrt(eta * s / (2.0 * lambda * (1.0 - beta)))};
    for (long k = 0; k < (long)(40.0 * scale_relax_steps(eta, lambda, beta)); k++)
        scale_moments_step(&m, eta, beta, lambda, s);
    double eq = m.N * m.N, N0 = sqrt(start * eq);
    m = (scale_moments_t){.N = N0};
    for (long k = -warm; k < K; k++) {
        if (k >= 0)
            mean[k] = m.N * m.N;
        scale_moments_step(&m, eta, beta, lambda, s);
        if (k < 0)
            m.N = N0;
    }
    return eq;
}

/* tau from the least-squares slope of ln(dev_k/dev_0) against k over the
 * first stretch where dev_k/dev_0 falls from fit_hi to fit_lo. */
static double relax_fit(const double *mean, long K, double eq)
{
    double d0 = mean[0] - eq, sx = 0, sy = 0, sxx = 0, sxy = 0;
    long n = 0;
    for (long k = 0; k < K; k++) {
        double x = (mean[k] - eq) / d0;
        if (x < fit_lo)
            break;
        if (x > fit_hi)
            continue;
        double y = log(x);
        sx += k, sy += y, sxx += (double)k * k, sxy += k * y, n++;
    }
    double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
    return n >= 3 ? -1.0 / slope : NAN;
}

/* dev_k/dev_0 at x = k/tau = 0, 0.01, ... (NaN past K), into out[nx]. */
static void sample_curve(const double *mean, long K, double eq, double tau, double *out, int nx)
{
    for (int j = 0; j < nx; j++) {
        long k = lround(j * 0.01 * tau);
        out[j] = k < K ? (mean[k] - eq) / (mean[0] - eq) : NAN;
    }
}

/* All cases (toy_relaxtime.tsv: dev_k/dev_0 against k/tau_pred); the
 * measured tau and their ratios to the prediction -1/(4 ln z+) go to rc[]. */
static void relax_time(const opts_t *o, relax_case_t rc[NRC], int argc, char **argv)
{
    const double eta = o->eta, lambda = o->lambda;
    enum { NX = 301 };            /* x = k/tau_pred on [0, rc_run], step 0.01 */
    /* columns: per case hi, lo measured; then the moment recursion's hi, lo at beta = 0.9 */
    double *curve = xcalloc((size_t)(2 * NRC + 2) * NX, sizeof *curve);
    /* replicas in proportion to 1/(1 - beta): the same walker steps per case */
    walker_t *w = xmalloc((size_t)(10 * o->relax_replicas) * sizeof *w);
    for (int c = 0; c < NRC; c++) {
        double beta = rc_beta[c];
        int R = (int)lround(o->relax_replicas / (1.0 - beta));
        int noise = c == 3;
        scale_toy_t toy;
        if (scale_toy_init(&toy, D, noise ? 1.2 : amin, noise ? 1.2 : amax, sigma))
            die("toy init failed");
        relax_case_t *x = &rc[c];
        x->replicas = R;
        x->tau_pred = scale_relax_steps_exact(eta, lambda, beta);
        x->tau_first = scale_relax_steps(eta, lambda, beta);
        long warm = (long)(10.0 / (1.0 - beta));
        /* equilibrium: a start at the uncorrelated-gradient estimate
         * eta sigma^2 (d - 1) / (2 lambda (1 - beta)), burn-in, then the mean */
        long kb = (long)(rc_burn * x->tau_pred), km = (long)(rc_meas * x->tau_pred);
        long K = (long)(rc_run * x->tau_pred) + 1;
        double *mean = xmalloc((size_t)(kb + km > K ? kb + km : K) * sizeof *mean);
        rng_t r;
        rng_seed(&r, (uint64_t)o->seed, 200 + c);
        double q4_guess = eta * sigma * sigma * (D - 1) / (2.0 * lambda * (1.0 - beta));
        relax_mean(&toy, w, R, &r, eta, beta, lambda, q4_guess, warm, kb + km, mean);
        double s = 0.0;
        for (long k = kb; k < kb + km; k++)
            s += mean[k];
        x->eq = s / km;
        for (int h = 0; h < 2; h++) {
            double eq_mom = relax_moments(eta, beta, lambda, rc_start[h], warm, K, mean);
            x->tau_mom[h] = relax_fit(mean, K, eq_mom);
            if (c == NRC - 1)
                sample_curve(mean, K, eq_mom, x->tau_pred, curve + (2 * NRC + h) * NX, NX);
            rng_seed(&r, (uint64_t)o->seed, 210 + 2 * c + h);
            relax_mean(&toy, w, R, &r, eta, beta, lambda, rc_start[h] * x->eq, warm, K, mean);
            x->tau[h] = relax_fit(mean, K, x->eq);
            x->ratio[h] = x->tau[h] / x->tau_pred;
            x->mom_ratio[h] = x->tau[h] / x->tau_mom[h];
            sample_curve(mean, K, x->eq, x->tau_pred, curve + (2 * c + h) * NX, NX);
        }
        x->worst = worst_of(x->ratio);
        x->mom_worst = worst_of(x->mom_ratio);
        free(mean);
        scale_toy_free(&toy);
    }
    tsv_t *t = tsv_createf(argc, argv, "%s/toy_relaxtime.tsv", o->out_dir);
    tsv_comment(t, "seed %ld; d = %d, sigma = %g, a in [%g, %g] (b9noise: all a = 1.2); eta = %g, "
                "lambda = %g; %d/(1 - beta) replicas per start", o->seed, D, sigma, amin, amax, eta,
                lambda, o->relax_replicas);
    tsv_comment(t, "dev_k/dev_0 with dev_k = <|q_k|^4> - |q|^4_eq, from |q_0|^4 = 2 (hi) or 0.5 (lo) "
                "x |q|^4_eq after %g/(1-beta) steps at fixed norm; x = k / tau_pred, tau_pred = "
                "-1/(4 ln z+) (eq. relax); prediction exp(-x)", 10.0);
    tsv_comment(t, "mom_b9_hi, mom_b9_lo: the same from the moment recursion (scale_moments_step), "
                "beta = 0.9");
    tsv_columns(t, "x\tb0_hi\tb0_lo\tb5_hi\tb5_lo\tb9_hi\tb9_lo\tb9noise_hi\tb9noise_lo\t"
                "mom_b9_hi\tmom_b9_lo\tpred");
    for (int j = 0; j < NX; j++) {
        double row[2 * NRC + 4];
        row[0] = j * 0.01;
        for (int i = 0; i < 2 * NRC + 2; i++)
            row[1 + i] = curve[i * NX + j];
        row[2 * NRC + 3] = exp(-row[0]);
        tsv_row(t, 2 * NRC + 4, row);
    }
    tsv_finish(t);
    free(w);
    free(curve);
}

static const char about[] =
    "A noisy scale-invariant quadratic under SGD with weight decay: angular step, EMA reading.";

static const arg_spec_t options[] = {
    ARG_STRING(opts_t, out_dir, "data/ch3", "output directory"),
    ARG_LONG(opts_t, seed, "20211206", "seed (PCG32 streams 10.. per run)"),
    ARG_DOUBLE(opts_t, eta, "0.1", "SGD step size"),
    ARG_DOUBLE(opts_t, lambda, "5e-3", "weight decay (coupled)"),
    ARG_INT(opts_t, replicas, "200", "walkers of the ensemble, >= 2"),
    ARG_LONG(opts_t, steps, "4000", "steps of the relaxation runs, >= 10"),
    ARG_INT(opts_t, relax_replicas, "400", "walkers per start of the relaxation-time fits, >= 2"),
    ARG_END
};

int main(int argc, char **argv)
{
    opts_t opts;
    args_parse(options, &opts, argc, argv, about);
    const opts_t *o = &opts;
    const uint64_t seed = (uint64_t)o->seed;
    const double eta = o->eta, lambda = o->lambda;
    const int R = o->replicas;
    const long K = o->steps;
    if (R < 2 || o->relax_replicas < 2 || K < 10 || eta <= 0 || lambda <= 0)
        die("need --replicas >= 2, --relax-replicas >= 2, --steps >= 10, --eta > 0, --lambda > 0");
    scale_toy_t toy;
    if (scale_toy_init(&toy, D, amin, amax, sigma))
        die("toy init failed");
    double tail[4], gap_first, gap_late;
    relaxation(o, &toy, tail, argc, argv);
    ema_run(o, &toy, &gap_first, &gap_late, argc, argv);
    double worst_law = angle_law(o, &toy, argc, argv);
    relax_case_t rc[NRC];
    relax_time(o, rc, argc, argv);
    double eq0 = scale_angle_eq(eta, lambda, 0.0), eq9 = scale_angle_eq(eta, lambda, 0.9);
    double tau = scale_relax_steps(eta, lambda, 0.0);
    tsv_t *t = tsv_createf(argc, argv, "%s/toy_summary.tsv", o->out_dir);
    tsv_comment(t, "seed %llu; summary of toy_relax, toy_ema, toy_law", (unsigned long long)seed);
    tsv_columns(t, "key\tvalue");
    tsv_kv(t, "d", D);
    tsv_kv(t, "sigma", sigma);
    tsv_kv(t, "eta", eta);
    tsv_kv(t, "lambda", lambda);
    tsv_kv(t, "replicas", R);
    tsv_kv(t, "tau_steps", tau);
    tsv_kv(t, "tau_steps_b9", scale_relax_steps(eta, lambda, 0.9));
    tsv_kv(t, "eq_b0", eq0);
    tsv_kv(t, "eq_b9", eq9);
    tsv_kv(t, "tail_b0_lo", tail[0]);
    tsv_kv(t, "tail_b0_hi", tail[1]);
    tsv_kv(t, "tail_b9_lo", tail[2]);
    tsv_kv(t, "tail_b9_hi", tail[3]);
    tsv_kv(t, "tail_b0_rel", fmax(fabs(tail[0] / eq0 - 1), fabs(tail[1] / eq0 - 1)));
    tsv_kv(t, "tail_b9_rel", fmax(fabs(tail[2] / eq9 - 1), fabs(tail[3] / eq9 - 1)));
    tsv_kv(t, "ema_gap_first_tau", gap_first);
    tsv_kv(t, "ema_gap_after_tau", gap_late);
    tsv_kv(t, "law_worst_rel", worst_law);
    tsv_kv(t, "law_eta_lambda_min", el[0]);
    tsv_kv(t, "law_eta_lambda_max", el[NEL - 1]);
    tsv_kv(t, "law_replicas", RL);
    tsv_kv(t, "law_burn_tau", burn_tau);
    tsv_kv(t, "law_meas_tau", meas_tau);
    tsv_kv(t, "relax_replicas", o->relax_replicas);
    tsv_kv(t, "relax_fit_hi", fit_hi);
    tsv_kv(t, "relax_fit_lo", fit_lo);
    for (int c = 0; c < NRC; c++) {
        const char *n = rc_name[c];
        relax_case_t *x = &rc[c];
        tsv_kvf(t, rc_beta[c], "relax_beta_%s", n);
        tsv_kvf(t, x->tau_pred, "relax_tau_pred_%s", n);
        tsv_kvf(t, x->tau_first, "relax_tau_first_%s", n);
        tsv_kvf(t, x->eq, "relax_q4_eq_%s", n);
        tsv_kvf(t, x->replicas, "relax_replicas_%s", n);
        for (int h = 0; h < 2; h++) {
            const char *start = h ? "lo" : "hi";
            tsv_kvf(t, x->tau[h], "relax_tau_%s_%s", start, n);
            tsv_kvf(t, x->ratio[h], "relax_ratio_%s_%s", start, n);
            tsv_kvf(t, x->tau_mom[h], "relax_tau_mom_%s_%s", start, n);
            tsv_kvf(t, x->mom_ratio[h], "relax_mom_ratio_%s_%s", start, n);
        }
        tsv_kvf(t, x->worst, "relax_ratio_%s_worst", n);
        tsv_kvf(t, x->mom_worst, "relax_mom_ratio_%s_worst", n);
    }
    tsv_finish(t);

    scale_toy_free(&toy);
    return 0;
}
