/* newton.c: a Newton-scheme miniature (Qiu et al. 2018, "The Newton Scheme
 * for Deep Learning"; reconstructed from the abstract and summaries, see the
 * research brief lnn-hnn.md, section 4).  A force law is recovered from the
 * first K noisy frames of a track by fitting the solution families of simple
 * force laws (constant, harmonic, damped harmonic; nn/formula.h) and picking
 * the family by BIC; the fit is then extrapolated.  The black-box baseline is
 * a tanh MLP trained on the same observed frames of many tracks to predict
 * the next frame from the last k, rolled out autoregressively.
 *
 * Scenarios (1-D series; the ball gives two per track):
 *   ball      x'' = a_m (lateral Magnus acceleration), y'' = -g,      30 fps
 *   pendulum  th'' = -(g/l) sin th, small amplitude,                  20 fps
 *   damped    th'' = -(g/l) sin th - 2 gamma th',                     20 fps
 * Theory for the Newton scheme's error: the Gauss-Newton standard deviation
 * of the fitted track, sigma sqrt(j(t)^T (J^T J)^-1 j(t)) (formula_fit_sd).
 *
 * Writes data/ch5/newton_{horizon,track,summary}.tsv. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "core/tsv.h"
#include "core/util.h"
#include "nn/formula.h"
#include "nn/mlp.h"
#include "nn/optim.h"
#include "physics/integrators.h"

enum { BALL = 0, PEND = 1, DAMPED = 2, NSC = 3 };
static const char *sc_name[NSC] = {"ball", "pend", "damped"};
static const double fps[NSC] = {30, 20, 20};
static const int Kobs[NSC] = {15, 40, 40};      /* observed frames */
static const int Next[NSC] = {30, 80, 80};      /* extrapolated frames */
static const double sigma_obs[NSC] = {0.01, 0.005, 0.005};  /* m, rad, rad */
static const int true_family[NSC] = {FORMULA_FAM_CONST, FORMULA_FAM_HARMONIC,
                                     FORMULA_FAM_DAMPED};
#define G 9.81
#define LEN 1.0
#define GAMMA 0.25
#define WIN 6          /* black-box input window */

typedef struct {
    double gamma;
} pend_ctx;

static int pend_field(double *dydt, const double *y, double t, void *ctx)
{
    const pend_ctx *c = ctx;
    dydt[0] = y[1];
    dydt[1] = -(G / LEN) * sin(y[0]) - 2 * c->gamma * y[1];
    return 0;
}

/* One track's true series (nser series of n frames each) and its force
 * parameters.  Ball: series 0 = x, series 1 = y. */
static int make_track(double *ser, int sc, int n, rng_t *r, double *am /* a_m, or amplitude */)
{
    double dt = 1.0 / fps[sc];
    if (sc == BALL) {
        double vx = 4 + 4 * rng_uniform(r), vy = 3 + 4 * rng_uniform(r);
        *am = -2 + 4 * rng_uniform(r);
        for (int i = 0; i < n; i++) {
            double t = i * dt;
            ser[i] = vx * t + 0.5 * *am * t * t;
            ser[n + i] = 1.0 + vy * t - 0.5 * G * t * t;
        }
        return 2;
    }
    pend_ctx c = {.gamma = sc == DAMPED ? GAMMA : 0.0};
    double amp = 0.05 + 0.15 * rng_uniform(r), ph = 2 * PI * rng_uniform(r);
    double w = sqrt(G / LEN);
    double y[2] = {amp * cos(ph), -amp * w * sin(ph)}, work[PHYS_RK4_WORK(2)];
    const int sub = 20;
    for (int i = 0; i < n; i++) {
        ser[i] = y[0];
        phys_integrate(&phys_rk4, y, 2, 0.0, dt / sub, sub, pend_field, &c, work);   /* autonomous */
    }
    *am = amp;           /* pendulums: report the amplitude instead */
    return 1;
}

/* ---------------------------------------------------------------- black box */

/* WIN -> H -> H -> 1 tanh MLP with biases (mlp.h), PyTorch's default init
 * U(-1/sqrt(fan_in), 1/sqrt(fan_in)), here written as a division. */
static void bb_create(mlp_t *b, int H, int maxB, rng_t *r)
{
    mlp_spec_t s = {.depth = 3, .dims = {WIN, H, H, 1}, .act = MLP_TANH, .bias = 1,
                    .out_bias = 1, .max_batch = maxB};
    if (mlp_create(b, &s))
        die("cannot build the black-box network");
    size_t i = 0, n1 = (size_t)H * WIN + H;   /* W1, b1 */
    for (; i < n1; i++)
        b->theta[i] = (2 * rng_uniform(r) - 1) / sqrt((double)WIN);
    for (; i < b->n_params; i++)
        b->theta[i] = (2 * rng_uniform(r) - 1) / sqrt((double)H);
}

/* Features of the window ending at frame n of series s (needs n >= WIN - 1):
 * the last value / S and the last WIN - 1 increments / D. */
static void features(double *f, const double *s, int n, double S, double D)
{
    f[0] = s[n] / S;
    for (int j = 1; j < WIN; j++)
        f[j] = (s[n - j + 1] - s[n - j]) / D;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    args_t a;
    args_init(&a, argc, argv,
              "[--seed S] [--ntrain N] [--ntest N] [--hidden H] [--steps N] [--batch B] [--out DIR]\n"
              "Newton-scheme miniature: force-law family fits vs a black-box sequence model.");
    long seed = args_long(&a, "--seed", 2018);
    int ntrain = (int)args_long(&a, "--ntrain", 200);
    int ntest = (int)args_long(&a, "--ntest", 50);
    int H = (int)args_long(&a, "--hidden", 64);
    long steps = args_long(&a, "--steps", 3000);
    int batch = (int)args_long(&a, "--batch", 256);
    const char *out = args_string(&a, "--out", "data/ch5");
    args_done(&a);
    if (ntrain < 2 || ntest < 2 || H < 1 || steps < 1 || batch < 1)
        die("bad arguments (see --help)");

    char path[512];
    snprintf(path, sizeof path, "%s/newton_horizon.tsv", out);
    tsv_t *th = tsv_create(path, argc, argv);
    snprintf(path, sizeof path, "%s/newton_track.tsv", out);
    tsv_t *tt = tsv_create(path, argc, argv);
    snprintf(path, sizeof path, "%s/newton_summary.tsv", out);
    tsv_t *tsum = tsv_create(path, argc, argv);
    tsv_t *all[3] = {th, tt, tsum};
    for (int i = 0; i < 3; i++)
        tsv_comment(all[i], "seed %ld, ntrain %d, ntest %d, hidden %d, steps %ld, batch %d, window %d, "
                    "g %g, l %g, gamma %g", seed, ntrain, ntest, H, steps, batch, WIN, G, LEN, GAMMA);
    tsv_comment(th, "RMS over test series of (extrapolation - truth) at each horizon; theory = RMS of "
                    "the Gauss-Newton sd of the fitted track");
    tsv_columns(th, "scenario\th\tt\tnewton\ttheory\tblackbox\tsigma\th_over_window");
    tsv_comment(tt, "first damped-pendulum test track: noisy observed frames, truth, both extrapolations");
    tsv_columns(tt, "t\tobserved\ttruth\tnewton\tblackbox");
    tsv_columns(tsum, "key\tvalue");

    progress_t prog;
    progress_begin(&prog, "newton");
    for (int sc = 0; sc < NSC; sc++) {
        rng_t rtr, rte, rno, rin, rbt;
        rng_seed(&rtr, (uint64_t)seed, 10 + sc);
        rng_seed(&rte, (uint64_t)seed, 20 + sc);
        rng_seed(&rno, (uint64_t)seed, 30 + sc);
        rng_seed(&rin, (uint64_t)seed, 40 + sc);
        rng_seed(&rbt, (uint64_t)seed, 50 + sc);
        int K = Kobs[sc], N = Next[sc], n = K + N;
        double dt = 1.0 / fps[sc], sig = sigma_obs[sc];
        int nser = sc == BALL ? 2 : 1;
        /* training data: observed frames only */
        int ntr_ser = ntrain * nser, nte_ser = ntest * nser;
        double *tr_obs = xmalloc((size_t)ntr_ser * K * sizeof(double));
        double *te_true = xmalloc((size_t)nte_ser * n * sizeof(double));
        double *te_obs = xmalloc((size_t)nte_ser * K * sizeof(double));
        double *te_am = xmalloc((size_t)ntest * sizeof(double));
        double *buf = xmalloc(2 * (size_t)n * sizeof(double));
        for (int i = 0; i < ntrain; i++) {
            double am;
            make_track(buf, sc, n, &rtr, &am);
            for (int s = 0; s < nser; s++)
                for (int k = 0; k < K; k++)
                    tr_obs[(size_t)(i * nser + s) * K + k] = buf[s * n + k] + sig * rng_normal(&rno);
        }
        for (int i = 0; i < ntest; i++) {
            make_track(buf, sc, n, &rte, &te_am[i]);
            for (int s = 0; s < nser; s++) {
                memcpy(te_true + (size_t)(i * nser + s) * n, buf + s * n, (size_t)n * sizeof(double));
                for (int k = 0; k < K; k++)
                    te_obs[(size_t)(i * nser + s) * K + k] = buf[s * n + k] + sig * rng_normal(&rno);
            }
        }

        /* ---------------- Newton scheme on each test series */
        double *tk = xmalloc((size_t)K * sizeof(double));
        for (int k = 0; k < K; k++)
            tk[k] = k * dt;
        formula_grid_t grid = {.omega_min = PI / (K * dt), .omega_max = 0.9 * PI * fps[sc],
                               .n_omega = 200, .gamma_max = 2.0, .n_gamma = 21};
        double *work = xmalloc(FORMULA_FIT_WORK(K) * sizeof(double));
        double *e_nw = xcalloc((size_t)N, sizeof(double)), *e_th = xcalloc((size_t)N, sizeof(double));
        double *e_bb = xcalloc((size_t)N, sizeof(double));
        double *pred_nw = xmalloc((size_t)nte_ser * N * sizeof(double));
        int right = 0;
        double *par = xmalloc((size_t)nte_ser * sizeof(double));
        double *par2 = xmalloc((size_t)nte_ser * sizeof(double));
        int npar = 0, npar2 = 0;
        for (int i = 0; i < nte_ser; i++) {
            formula_fit_t fits[FORMULA_NFAM];
            const double *ob = te_obs + (size_t)i * K, *tru = te_true + (size_t)i * n;
            int best = formula_fit_select(fits, tk, ob, K, &grid, work);
            if (best < 0)
                die("%s: family fit failed on test series %d", sc_name[sc], i);
            right += best == true_family[sc];
            const formula_fit_t *f = &fits[best];
            for (int h = 0; h < N; h++) {
                double t = (K + h) * dt;
                double p = formula_fit_eval(f, t), d = p - tru[K + h], sd = formula_fit_sd(f, t, sig);
                pred_nw[(size_t)i * N + h] = p;
                e_nw[h] += d * d;
                e_th[h] += sd * sd;
            }
            /* recovered force-law parameters, from the true family's fit */
            const formula_fit_t *ft = &fits[true_family[sc]];
            if (sc == BALL) {
                if (i % 2 == 1)
                    par[npar++] = -ft->c[2];                          /* g from y'' = -g */
                else
                    par2[npar2++] = ft->c[2] - te_am[i / 2];           /* a_m error */
            } else if (sc == PEND) {
                par[npar++] = ft->omega * ft->omega * LEN;             /* g = w^2 l */
            } else {
                par[npar++] = (ft->omega * ft->omega + ft->gamma * ft->gamma) * LEN;
                par2[npar2++] = ft->gamma;
            }
        }
        char key[96];
#define KV(suffix, v) (snprintf(key, sizeof key, "%s_%s", sc_name[sc], suffix), tsv_kv(tsum, key, (v)))
        KV("family_right", right);
        KV("n_series", nte_ser);
        KV("observed_frames", K);
        KV("extrapolated_frames", N);
        KV("sigma", sig);
        {
            double m = 0, s = 0;
            for (int i = 0; i < npar; i++)
                m += par[i];
            m /= npar;
            for (int i = 0; i < npar; i++)
                s += (par[i] - m) * (par[i] - m);
            KV("g_mean", m);
            KV("g_sd", sqrt(s / (npar - 1)));
            KV("g_sem", sqrt(s / (npar - 1) / npar));
            if (sc == PEND) {
                /* first-order amplitude effect on a harmonic fit: w^2 = (g/l)(1 - amp^2/8) */
                double bias = 0;
                for (int i = 0; i < ntest; i++)
                    bias += -G * te_am[i] * te_am[i] / 8 / ntest;
                KV("g_amp_bias", bias);
                KV("g_bias", m - G);
            }
            if (npar2 > 0) {
                double m2 = 0, s2 = 0;
                for (int i = 0; i < npar2; i++)
                    m2 += par2[i];
                m2 /= npar2;
                for (int i = 0; i < npar2; i++)
                    s2 += (par2[i] - m2) * (par2[i] - m2);
                KV(sc == BALL ? "am_err_mean" : "gamma_mean", m2);
                KV(sc == BALL ? "am_err_sd" : "gamma_sd", sqrt(s2 / (npar2 - 1)));
            }
        }

        /* ---------------- black box: training windows from the observed frames */
        int per = K - WIN;                 /* windows per series: predict frames WIN..K-1 */
        int ns = ntr_ser * per;
        double *X = xmalloc((size_t)ns * WIN * sizeof(double)), *Y = xmalloc((size_t)ns * sizeof(double));
        double S = 0, D = 0;
        for (int i = 0; i < ntr_ser; i++)
            for (int k = 0; k < K; k++) {
                double v = tr_obs[(size_t)i * K + k];
                S += v * v;
                if (k > 0) {
                    double d = v - tr_obs[(size_t)i * K + k - 1];
                    D += d * d;
                }
            }
        S = sqrt(S / ((double)ntr_ser * K));
        D = sqrt(D / ((double)ntr_ser * (K - 1)));
        for (int i = 0; i < ntr_ser; i++)
            for (int k = WIN - 1; k < K - 1; k++) {
                int r = i * per + (k - (WIN - 1));
                const double *sser = tr_obs + (size_t)i * K;
                features(X + (size_t)r * WIN, sser, k, S, D);
                Y[r] = (sser[k + 1] - sser[k]) / D;
            }
        mlp_t bb;
        bb_create(&bb, H, batch > nte_ser ? batch : nte_ser, &rin);
        double *bm = xcalloc(bb.n_params, sizeof(double)), *bs = xcalloc(bb.n_params, sizeof(double));
        size_t *idx = xmalloc((size_t)ns * sizeof *idx);
        for (int i = 0; i < ns; i++)
            idx[i] = (size_t)i;
        double *Xb = xmalloc((size_t)batch * WIN * sizeof(double)), *Yb = xmalloc((size_t)batch * sizeof(double));
        int pos = ns;
        double loss = 0;
        for (long it = 1; it <= steps; it++) {
            int B = batch < ns ? batch : ns;
            for (int b = 0; b < B; b++) {
                if (pos >= ns) {
                    rng_shuffle(&rbt, idx, (size_t)ns);
                    pos = 0;
                }
                memcpy(Xb + (size_t)b * WIN, X + idx[pos] * WIN, WIN * sizeof(double));
                Yb[b] = Y[idx[pos]];
                pos++;
            }
            loss = mlp_regress_batch(&bb, Xb, Yb, B, NN_LOSS_MSE, 1, 1);
            opt_adam_step(bb.theta, bb.grad, bm, bs, bb.n_params, it, 1e-3, 0.9, 0.999, 1e-8, 0.0,
                          OPT_WD_COUPLED);
            if (it % 100 == 0) {
                char note[64];
                snprintf(note, sizeof note, "%s loss %.3g", sc_name[sc], loss);
                progress_update(&prog, sc + it / (double)steps, NSC, note);
            }
        }
        {
            /* training MSE (in units of D^2) over every window, in chunks */
            double sse = 0;
            for (int i0 = 0; i0 < ns; i0 += bb.max_batch) {
                int B = ns - i0 < bb.max_batch ? ns - i0 : bb.max_batch;
                sse += B * mlp_regress_batch(&bb, X + (size_t)i0 * WIN, Y + i0, B, NN_LOSS_MSE, 1, 0);
            }
            KV("blackbox_train_mse", sse / ns);
        }
        /* autoregressive rollout of every test series at once */
        double *roll = xmalloc((size_t)nte_ser * n * sizeof(double));
        double *Xr = xmalloc((size_t)nte_ser * WIN * sizeof(double));
        for (int i = 0; i < nte_ser; i++)
            memcpy(roll + (size_t)i * n, te_obs + (size_t)i * K, (size_t)K * sizeof(double));
        for (int h = 0; h < N; h++) {
            int k = K - 1 + h;
            for (int i = 0; i < nte_ser; i++)
                features(Xr + (size_t)i * WIN, roll + (size_t)i * n, k, S, D);
            const double *yb = mlp_forward(&bb, Xr, nte_ser);
            for (int i = 0; i < nte_ser; i++) {
                double *r = roll + (size_t)i * n;
                r[k + 1] = r[k] + D * yb[i];
                double d = r[k + 1] - te_true[(size_t)i * n + k + 1];
                e_bb[h] += d * d;
            }
        }
        for (int h = 0; h < N; h++)
            tsv_rowv(th, 8, (double)sc, (double)(h + 1), (K + h) * dt, sqrt(e_nw[h] / nte_ser),
                     sqrt(e_th[h] / nte_ser), sqrt(e_bb[h] / nte_ser), sig, (h + 1) / (double)K);
        /* final-horizon errors in units of sigma, and their ratio */
        KV("newton_err_end", sqrt(e_nw[N - 1] / nte_ser));
        KV("theory_err_end", sqrt(e_th[N - 1] / nte_ser));
        KV("blackbox_err_end", sqrt(e_bb[N - 1] / nte_ser));
        KV("newton_err_first", sqrt(e_nw[0] / nte_ser));
        KV("blackbox_err_first", sqrt(e_bb[0] / nte_ser));
        KV("ratio_end", sqrt(e_bb[N - 1] / e_nw[N - 1]));
        KV("newton_end_sigma", sqrt(e_nw[N - 1] / nte_ser) / sig);
        KV("theory_end_sigma", sqrt(e_th[N - 1] / nte_ser) / sig);
        KV("blackbox_end_sigma", sqrt(e_bb[N - 1] / nte_ser) / sig);
        KV("extrapolated_seconds", N * dt);
        KV("observed_seconds", K * dt);
        {
            /* median over series of the final error ratio, for robustness */
            double *q = xmalloc((size_t)nte_ser * sizeof(double));
            for (int i = 0; i < nte_ser; i++) {
                double dn = fabs(pred_nw[(size_t)i * N + N - 1] - te_true[(size_t)i * n + n - 1]);
                double db = fabs(roll[(size_t)i * n + n - 1] - te_true[(size_t)i * n + n - 1]);
                q[i] = db / dn;
            }
            qsort(q, nte_ser, sizeof *q, cmp_double);
            KV("ratio_end_median", q[nte_ser / 2]);
            free(q);
        }
        if (sc == DAMPED)
            for (int k = 0; k < n; k++)
                tsv_rowv(tt, 5, k * dt, k < K ? te_obs[k] : NAN, te_true[k],
                         k < K ? NAN : pred_nw[k - K], k < K ? NAN : roll[k]);
#undef KV
        mlp_free(&bb);
        free(bm); free(bs);
        free(tr_obs); free(te_true); free(te_obs); free(te_am); free(buf); free(tk); free(work);
        free(e_nw); free(e_th); free(e_bb); free(pred_nw); free(par); free(par2); free(X); free(Y);
        free(idx); free(Xb); free(Yb); free(roll); free(Xr);
    }
    progress_end(&prog);
    tsv_kv(tsum, "g_true", G);
    tsv_kv(tsum, "gamma_true", GAMMA);
    tsv_kv(tsum, "n_test", ntest);
    tsv_kv(tsum, "n_train", ntrain);
    tsv_finish(th);
    tsv_finish(tt);
    tsv_finish(tsum);
    return 0;
}
