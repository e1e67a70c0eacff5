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
 * Writes <out>_{horizon,track,summary}.tsv (the Makefile: data/ch5/newton/s<k>_..., one run per seed). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/args.h"
#include "core/batch.h"
#include "core/rng.h"
#include "core/stats.h"
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

typedef struct {
    long seed, steps;
    int ntrain, ntest, hidden, batch;
    const char *out;
} opts_t;

/* One scenario: its series (observed frames of the training tracks, true
 * and observed test series), the errors of both extrapolations per horizon
 * and their predictions. */
typedef struct {
    int sc, K, N, n, nser, ntr_ser, nte_ser;
    double dt, sig;
    double *tr_obs, *te_true, *te_obs, *te_am;
    double *e_nw, *e_th, *e_bb, *pred_nw, *roll;
    tsv_t *tsum;
} scen_t;

/* "<scenario>_<suffix>  value" in the summary. */
static void kv(const scen_t *C, const char *suffix, double v)
{
    char key[96];
    snprintf(key, sizeof key, "%s_%s", sc_name[C->sc], suffix);
    tsv_kv(C->tsum, key, v);
}

/* Training data (observed frames only) and test series. */
static void scen_data(scen_t *C, const opts_t *o, rng_t *rtr, rng_t *rte, rng_t *rno)
{
    const int K = C->K, n = C->n, nser = C->nser;
    const double sig = C->sig;
    C->tr_obs = xmalloc((size_t)C->ntr_ser * K * sizeof(double));
    C->te_true = xmalloc((size_t)C->nte_ser * n * sizeof(double));
    C->te_obs = xmalloc((size_t)C->nte_ser * K * sizeof(double));
    C->te_am = xmalloc((size_t)o->ntest * sizeof(double));
    double *buf = xmalloc(2 * (size_t)n * sizeof(double));
    for (int i = 0; i < o->ntrain; i++) {
        double am;
        make_track(buf, C->sc, n, rtr, &am);
        for (int s = 0; s < nser; s++)
            for (int k = 0; k < K; k++)
                C->tr_obs[(size_t)(i * nser + s) * K + k] = buf[s * n + k] + sig * rng_normal(rno);
    }
    for (int i = 0; i < o->ntest; i++) {
        make_track(buf, C->sc, n, rte, &C->te_am[i]);
        for (int s = 0; s < nser; s++) {
            memcpy(C->te_true + (size_t)(i * nser + s) * n, buf + s * n, (size_t)n * sizeof(double));
            for (int k = 0; k < K; k++)
                C->te_obs[(size_t)(i * nser + s) * K + k] = buf[s * n + k] + sig * rng_normal(rno);
        }
    }
    free(buf);
}

/* mean of v[0..n) and sum of squared deviations from it */
static void mean_ss(const double *v, int n, double *m, double *ss)
{
    double a = 0, s = 0;
    for (int i = 0; i < n; i++)
        a += v[i];
    a /= n;
    for (int i = 0; i < n; i++)
        s += (v[i] - a) * (v[i] - a);
    *m = a;
    *ss = s;
}

/* The Newton scheme on each test series: family by BIC, extrapolation,
 * the Gauss-Newton sd; the recovered force-law parameters. */
static void newton_fits(scen_t *C, int ntest)
{
    const int K = C->K, N = C->N, n = C->n, nte_ser = C->nte_ser, sc = C->sc;
    const double dt = C->dt, sig = C->sig;
    double *tk = xmalloc((size_t)K * sizeof(double));
    for (int k = 0; k < K; k++)
        tk[k] = k * dt;
    formula_grid_t grid = {.omega_min = PI / (K * dt), .omega_max = 0.9 * PI * fps[sc],
                           .n_omega = 200, .gamma_max = 2.0, .n_gamma = 21};
    double *work = xmalloc(FORMULA_FIT_WORK(K) * sizeof(double));
    int right = 0;
    double *par = xmalloc((size_t)nte_ser * sizeof(double));
    double *par2 = xmalloc((size_t)nte_ser * sizeof(double));
    int npar = 0, npar2 = 0;
    for (int i = 0; i < nte_ser; i++) {
        formula_fit_t fits[FORMULA_NFAM];
        const double *ob = C->te_obs + (size_t)i * K, *tru = C->te_true + (size_t)i * n;
        int best = formula_fit_select(fits, tk, ob, K, &grid, work);
        if (best < 0)
            die("%s: family fit failed on test series %d", sc_name[sc], i);
        right += best == true_family[sc];
        const formula_fit_t *f = &fits[best];
        for (int h = 0; h < N; h++) {
            double t = (K + h) * dt;
            double p = formula_fit_eval(f, t), d = p - tru[K + h], sd = formula_fit_sd(f, t, sig);
            C->pred_nw[(size_t)i * N + h] = p;
            C->e_nw[h] += d * d;
            C->e_th[h] += sd * sd;
        }
        /* recovered force-law parameters, from the true family's fit */
        const formula_fit_t *ft = &fits[true_family[sc]];
        if (sc == BALL) {
            if (i % 2 == 1)
                par[npar++] = -ft->c[2];                          /* g from y'' = -g */
            else
                par2[npar2++] = ft->c[2] - C->te_am[i / 2];        /* a_m error */
        } else if (sc == PEND) {
            par[npar++] = ft->omega * ft->omega * LEN;             /* g = w^2 l */
        } else {
            par[npar++] = (ft->omega * ft->omega + ft->gamma * ft->gamma) * LEN;
            par2[npar2++] = ft->gamma;
        }
    }
    kv(C, "family_right", right);
    kv(C, "n_series", nte_ser);
    kv(C, "observed_frames", K);
    kv(C, "extrapolated_frames", N);
    kv(C, "sigma", sig);
    double m, s;
    mean_ss(par, npar, &m, &s);
    kv(C, "g_mean", m);
    kv(C, "g_sd", sqrt(s / (npar - 1)));
    kv(C, "g_sem", sqrt(s / (npar - 1) / npar));
    if (sc == PEND) {
        /* first-order amplitude effect on a harmonic fit: w^2 = (g/l)(1 - amp^2/8) */
        double bias = 0;
        for (int i = 0; i < ntest; i++)
            bias += -G * C->te_am[i] * C->te_am[i] / 8 / ntest;
        kv(C, "g_amp_bias", bias);
        kv(C, "g_bias", m - G);
    }
    if (npar2 > 0) {
        double m2, s2;
        mean_ss(par2, npar2, &m2, &s2);
        kv(C, sc == BALL ? "am_err_mean" : "gamma_mean", m2);
        kv(C, sc == BALL ? "am_err_sd" : "gamma_sd", sqrt(s2 / (npar2 - 1)));
    }
    free(tk);
    free(work);
    free(par);
    free(par2);
}

/* The black box: trained on windows of the observed frames, then rolled
 * out autoregressively on every test series at once. */
static void blackbox(scen_t *C, const opts_t *o, rng_t *rin, uint64_t seed, progress_t *prog)
{
    const int K = C->K, N = C->N, n = C->n, ntr_ser = C->ntr_ser, nte_ser = C->nte_ser;
    const int sc = C->sc, batch = o->batch;
    const long steps = o->steps;
    const double *tr_obs = C->tr_obs;
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
    bb_create(&bb, o->hidden, batch > nte_ser ? batch : nte_ser, rin);
    double *bm = xcalloc(bb.n_params, sizeof(double)), *bs = xcalloc(bb.n_params, sizeof(double));
    minibatch_t mb;                    /* stream 50 + sc: the order of the windows */
    if (minibatch_init(&mb, NULL, ns, MINIBATCH_STREAM, seed, 50 + sc))
        die("%s: no training windows", sc_name[sc]);
    size_t *idx = xmalloc((size_t)batch * sizeof *idx);
    double *Xb = xmalloc((size_t)batch * WIN * sizeof(double)), *Yb = xmalloc((size_t)batch * sizeof(double));
    double loss = 0;
    for (long it = 1; it <= steps; it++) {
        int B = batch < ns ? batch : ns;
        minibatch_indices(&mb, idx, B);
        for (int b = 0; b < B; b++) {
            memcpy(Xb + (size_t)b * WIN, X + idx[b] * WIN, WIN * sizeof(double));
            Yb[b] = Y[idx[b]];
        }
        loss = mlp_regress_batch(&bb, Xb, Yb, B, NN_LOSS_MSE, 1, 1);
        opt_adam_step(bb.theta, bb.grad, bm, bs, bb.n_params, it, 1e-3, 0.9, 0.999, 1e-8, 0.0,
                      OPT_WD_COUPLED);
        if (it % 100 == 0) {
            char note[64];
            snprintf(note, sizeof note, "%s loss %.3g", sc_name[sc], loss);
            progress_update(prog, sc + it / (double)steps, NSC, note);
        }
    }
    /* training MSE (in units of D^2) over every window, in chunks */
    double sse = 0;
    for (int i0 = 0; i0 < ns; i0 += bb.max_batch) {
        int B = ns - i0 < bb.max_batch ? ns - i0 : bb.max_batch;
        sse += B * mlp_regress_batch(&bb, X + (size_t)i0 * WIN, Y + i0, B, NN_LOSS_MSE, 1, 0);
    }
    kv(C, "blackbox_train_mse", sse / ns);
    /* autoregressive rollout of every test series at once */
    double *Xr = xmalloc((size_t)nte_ser * WIN * sizeof(double));
    for (int i = 0; i < nte_ser; i++)
        memcpy(C->roll + (size_t)i * n, C->te_obs + (size_t)i * K, (size_t)K * sizeof(double));
    for (int h = 0; h < N; h++) {
        int k = K - 1 + h;
        for (int i = 0; i < nte_ser; i++)
            features(Xr + (size_t)i * WIN, C->roll + (size_t)i * n, k, S, D);
        const double *yb = mlp_forward(&bb, Xr, nte_ser);
        for (int i = 0; i < nte_ser; i++) {
            double *r = C->roll + (size_t)i * n;
            r[k + 1] = r[k] + D * yb[i];
            double d = r[k + 1] - C->te_true[(size_t)i * n + k + 1];
            C->e_bb[h] += d * d;
        }
    }
    mlp_free(&bb);
    free(bm);
    free(bs);
    minibatch_free(&mb);
    free(X); free(Y); free(idx); free(Xb); free(Yb); free(Xr);
}

/* The horizon rows, the final-horizon errors, and the track of the first
 * damped-pendulum test series. */
static void scen_results(const scen_t *C, tsv_t *th, tsv_t *tt)
{
    const int K = C->K, N = C->N, n = C->n, nte_ser = C->nte_ser, sc = C->sc;
    const double dt = C->dt, sig = C->sig;
    const double *e_nw = C->e_nw, *e_th = C->e_th, *e_bb = C->e_bb;
    for (int h = 0; h < N; h++)
        tsv_rowv(th, 8, (double)sc, (double)(h + 1), (K + h) * dt, sqrt(e_nw[h] / nte_ser),
                 sqrt(e_th[h] / nte_ser), sqrt(e_bb[h] / nte_ser), sig, (h + 1) / (double)K);
    /* final-horizon errors in units of sigma, and their ratio */
    kv(C, "newton_err_end", sqrt(e_nw[N - 1] / nte_ser));
    kv(C, "theory_err_end", sqrt(e_th[N - 1] / nte_ser));
    kv(C, "blackbox_err_end", sqrt(e_bb[N - 1] / nte_ser));
    kv(C, "newton_err_first", sqrt(e_nw[0] / nte_ser));
    kv(C, "blackbox_err_first", sqrt(e_bb[0] / nte_ser));
    kv(C, "ratio_end", sqrt(e_bb[N - 1] / e_nw[N - 1]));
    kv(C, "newton_end_sigma", sqrt(e_nw[N - 1] / nte_ser) / sig);
    kv(C, "theory_end_sigma", sqrt(e_th[N - 1] / nte_ser) / sig);
    kv(C, "blackbox_end_sigma", sqrt(e_bb[N - 1] / nte_ser) / sig);
    kv(C, "extrapolated_seconds", N * dt);
    kv(C, "observed_seconds", K * dt);
    /* median over series of the final error ratio, for robustness */
    double *q = xmalloc((size_t)nte_ser * sizeof(double));
    for (int i = 0; i < nte_ser; i++) {
        double dn = fabs(C->pred_nw[(size_t)i * N + N - 1] - C->te_true[(size_t)i * n + n - 1]);
        double db = fabs(C->roll[(size_t)i * n + n - 1] - C->te_true[(size_t)i * n + n - 1]);
        q[i] = db / dn;
    }
    stats_sort(q, (size_t)nte_ser);
    kv(C, "ratio_end_median", q[nte_ser / 2]);
    free(q);
    if (sc == DAMPED)
        for (int k = 0; k < n; k++)
            tsv_rowv(tt, 5, k * dt, k < K ? C->te_obs[k] : NAN, C->te_true[k],
                     k < K ? NAN : C->pred_nw[k - K], k < K ? NAN : C->roll[k]);
}

static void run_scenario(int sc, const opts_t *o, tsv_t *th, tsv_t *tt, tsv_t *tsum, progress_t *prog)
{
    const uint64_t seed = (uint64_t)o->seed;
    rng_t rtr, rte, rno, rin;
    rng_seed(&rtr, seed, 10 + sc);
    rng_seed(&rte, seed, 20 + sc);
    rng_seed(&rno, seed, 30 + sc);
    rng_seed(&rin, seed, 40 + sc);
    scen_t C = {.sc = sc, .K = Kobs[sc], .N = Next[sc], .dt = 1.0 / fps[sc], .sig = sigma_obs[sc],
                .nser = sc == BALL ? 2 : 1, .tsum = tsum};
    C.n = C.K + C.N;
    C.ntr_ser = o->ntrain * C.nser;
    C.nte_ser = o->ntest * C.nser;
    scen_data(&C, o, &rtr, &rte, &rno);
    C.e_nw = xcalloc((size_t)C.N, sizeof(double));
    C.e_th = xcalloc((size_t)C.N, sizeof(double));
    C.e_bb = xcalloc((size_t)C.N, sizeof(double));
    C.pred_nw = xmalloc((size_t)C.nte_ser * C.N * sizeof(double));
    C.roll = xmalloc((size_t)C.nte_ser * C.n * sizeof(double));
    newton_fits(&C, o->ntest);
    blackbox(&C, o, &rin, seed, prog);
    scen_results(&C, th, tt);
    free(C.tr_obs); free(C.te_true); free(C.te_obs); free(C.te_am);
    free(C.e_nw); free(C.e_th); free(C.e_bb); free(C.pred_nw); free(C.roll);
}

static const char about[] =
    "Newton-scheme miniature: force-law family fits vs a black-box sequence model.";

static const arg_spec_t options[] = {
    ARG_LONG(opts_t, seed, "2018", "seed (PCG32 streams 10.. per purpose and scenario)"),
    ARG_INT(opts_t, ntrain, "200", "training tracks per scenario"),
    ARG_INT(opts_t, ntest, "50", "test tracks per scenario"),
    ARG_INT(opts_t, hidden, "64", "hidden units of the black box"),
    ARG_LONG(opts_t, steps, "3000", "Adam steps of the black box"),
    ARG_INT(opts_t, batch, "256", "minibatch size of the black box"),
    ARG_STRING(opts_t, out, "data/ch5/newton", "output prefix: writes <out>_{horizon,track,summary}.tsv"),
    ARG_END
};

int main(int argc, char **argv)
{
    opts_t o;
    args_parse(options, &o, argc, argv, about);
    if (o.ntrain < 2 || o.ntest < 2 || o.hidden < 1 || o.steps < 1 || o.batch < 1)
        die("bad arguments (see --help)");
    tsv_t *th = tsv_createf(argc, argv, "%s_horizon.tsv", o.out);
    tsv_t *tt = tsv_createf(argc, argv, "%s_track.tsv", o.out);
    tsv_t *tsum = tsv_createf(argc, argv, "%s_summary.tsv", o.out);
    tsv_t *all[3] = {th, tt, tsum};
    for (int i = 0; i < 3; i++)
        tsv_comment(all[i], "seed %ld, ntrain %d, ntest %d, hidden %d, steps %ld, batch %d, window %d, "
                    "g %g, l %g, gamma %g", o.seed, o.ntrain, o.ntest, o.hidden, o.steps, o.batch,
                    WIN, G, LEN, GAMMA);
    tsv_comment(th, "RMS over test series of (extrapolation - truth) at each horizon; theory = RMS of "
                    "the Gauss-Newton sd of the fitted track");
    tsv_columns(th, "scenario\th\tt\tnewton\ttheory\tblackbox\tsigma\th_over_window");
    tsv_comment(tt, "first damped-pendulum test track: noisy observed frames, truth, both extrapolations");
    tsv_columns(tt, "t\tobserved\ttruth\tnewton\tblackbox");
    tsv_columns(tsum, "key\tvalue");

    progress_t prog;
    progress_begin(&prog, "newton");
    for (int sc = 0; sc < NSC; sc++)
        run_scenario(sc, &o, th, tt, tsum, &prog);
    progress_end(&prog);
    tsv_kv(tsum, "g_true", G);
    tsv_kv(tsum, "gamma_true", GAMMA);
    tsv_kv(tsum, "n_test", o.ntest);
    tsv_kv(tsum, "n_train", o.ntrain);
    tsv_finish(th);
    tsv_finish(tt);
    tsv_finish(tsum);
    return 0;
}
