/* constrained.c: experiment E7 of the chapter, the analogue of NLD Fig. 4
 * (Tanaka & Kunin 2021): the BatchNorm MLP (eps = 0) trained by SGD with
 * coupled weight decay, once free and once with every hidden unit's incoming
 * weights scaled back to their initial norm after each step (which removes the
 * adaptive mechanism: eta_eff = eta/|q_0|^2 stays fixed), across learning
 * rates.  At two learning rates the explicit per-unit RMSProp of the
 * derivation (CH3_SPHERE in ch3_run.h) is run as the prediction for the free run.
 * Writes data/ch3/constrained_{scan,curves,summary}.tsv. */
#include <stdio.h>

#include "ch3_run.h"
#include "core/tsv.h"

#define MAXE 16

static int parse_list(const char *s, double *out, int max)
{
    int n = 0;
    while (*s && n < max) {
        char *end;
        out[n++] = strtod(s, &end);
        if (end == s)
            return -1;
        s = *end == ',' ? end + 1 : end;
        if (*end && *end != ',')
            return -1;
    }
    return n;
}

int main(int argc, char **argv)
{
    args_t a;
    args_init(&a, argc, argv,
              "[--out-dir data/ch3] [--seed S] [--lambda 5e-4] [--steps 1200] [--etas LIST]\n"
              "    [--curve-small 0.001] [--curve-large 3] [--width 128] [--batch 128]\n"
              "    [--train 10000] [--test 2000] [--acc-tol 0.01] [--loss-tol 0.05]");
    const char *dir = args_string(&a, "--out-dir", "data/ch3");
    uint64_t seed = (uint64_t)args_long(&a, "--seed", 3);
    double lambda = args_double(&a, "--lambda", 5e-4);
    long K = args_long(&a, "--steps", 1200);
    const char *etas_s = args_string(&a, "--etas", "0.001,0.003,0.01,0.03,0.1,0.3,1,3,10");
    double eta_small = args_double(&a, "--curve-small", 0.001);
    double eta_large = args_double(&a, "--curve-large", 3.0);
    int width = (int)args_long(&a, "--width", 128);
    int B = (int)args_long(&a, "--batch", 128);
    int ntrain = (int)args_long(&a, "--train", 10000);
    int ntest = (int)args_long(&a, "--test", 2000);
    double acc_tol = args_double(&a, "--acc-tol", 0.01);
    double loss_tol = args_double(&a, "--loss-tol", 0.05);
    args_done(&a);
    double etas[MAXE];
    int ne = parse_list(etas_s, etas, MAXE);
    if (ne < 2)
        die("--etas: need a comma-separated list of at least two learning rates, got '%s'", etas_s);
    for (int i = 0; i < ne; i++)
        if (!(etas[i] > 0) || (i > 0 && etas[i] <= etas[i - 1]))
            die("--etas: learning rates must be positive and increasing ('%s')", etas_s);
    if (K < 100 || width < 8 || B < 2 || ntrain < B || ntest < 500 || lambda <= 0)
        die("bad parameters (need steps >= 100, width >= 8, batch >= 2, train >= batch, "
            "test >= 500, lambda > 0)");

    ch3_data_t train, test;
    ch3_load(&train, "train", ntrain);
    ch3_load(&test, "test", ntest);

    ch3_rec_t free_r[MAXE], con_r[MAXE], sph_r[2];
    int curve_idx[2] = {-1, -1};
    progress_t pr;
    progress_begin(&pr, "E7 scan");
    for (int i = 0; i < ne; i++) {
        ch3_cfg_t c = {.mode = CH3_FREE, .eta = etas[i], .beta = 0.0, .lambda = lambda,
                       .steps = K, .B = B, .width = width, .seed = seed, .eval_every = 100,
                       .n_sample = 0};
        ch3_run(&c, &train, &test, &free_r[i]);
        c.mode = CH3_CONSTRAINED;
        ch3_run(&c, &train, &test, &con_r[i]);
        for (int j = 0; j < 2; j++)
            if (etas[i] == (j == 0 ? eta_small : eta_large))
                curve_idx[j] = i;
        progress_update(&pr, i + 1, ne, NULL);
    }
    progress_end(&pr);
    if (curve_idx[0] < 0 || curve_idx[1] < 0)
        die("--curve-small and --curve-large must be members of --etas");
    for (int j = 0; j < 2; j++) {
        ch3_cfg_t c = {.mode = CH3_SPHERE, .eta = etas[curve_idx[j]], .beta = 0.0,
                       .lambda = lambda, .steps = K, .B = B, .width = width, .seed = seed,
                       .eval_every = 100, .n_sample = 0};
        ch3_run(&c, &train, &test, &sph_r[j]);
    }

    char path[512];
    snprintf(path, sizeof path, "%s/constrained_scan.tsv", dir);
    tsv_t *t = tsv_create(path, argc, argv);
    tsv_comment(t, "seed %llu; MLP 784-%d-%d-10, BatchNorm eps = 0, no biases; SGD, coupled weight "
                "decay lambda = %g, batch %d, %ld steps, %d training / %d test images",
                (unsigned long long)seed, width, width, lambda, B, K, ntrain, ntest);
    tsv_comment(t, "constrained: each hidden unit's incoming weights rescaled to their initial norm "
                "after every step (NLD Fig. 4 analogue); same initialisation and minibatches");
    tsv_comment(t, "eff: median over hidden units of angle/(|q||g|) over the last 100 steps' "
                "median trace; theory: constrained eta/((1 - eta lambda)|q_0|^2) (median), free "
                "sqrt(2 eta lambda / nu) with nu the EMA of |gt|^2 (Tanaka & Kunin 2021)");
    tsv_columns(t, "eta\tacc_free\tacc_con\tloss_free\tloss_con\teff_free\teff_con\t"
                "effpred_free\teffpred_con\tq2_free\tq2_con\tdiv_free\tdiv_con");
    double eta_part = NAN;
    int part_i = -1;
    for (int i = 0; i < ne; i++) {
        const ch3_rec_t *f = &free_r[i], *c = &con_r[i];
        /* median eta_eff of layer 1 at the end (mean of the last 100 steps) */
        double ef = 0, ec = 0, pf = 0, pc = 0;
        int nf = 0, nc = 0;
        for (long k = f->steps > 100 ? f->steps - 100 : 0; k < f->steps; k++, nf++) {
            ef += f->eff_med[0][k];
            pf += f->eff_pred_med[0][k];
        }
        for (long k = c->steps > 100 ? c->steps - 100 : 0; k < c->steps; k++, nc++) {
            ec += c->eff_med[0][k];
            pc += c->eff_pred_med[0][k];
        }
        double row[13] = {etas[i], f->final_acc, c->final_acc, f->final_loss, c->final_loss,
                          nf ? ef / nf : NAN, nc ? ec / nc : NAN, nf ? pf / nf : NAN,
                          nc ? pc / nc : NAN, f->final_q2_med, c->final_q2_med, f->diverged,
                          c->diverged};
        tsv_row(t, 13, row);
        double dacc = fabs(f->final_acc - c->final_acc);
        double dloss = fabs(f->final_loss - c->final_loss) / fmin(f->final_loss, c->final_loss);
        if (part_i < 0 && (dacc > acc_tol || !(dloss <= loss_tol) || f->diverged != c->diverged)) {
            part_i = i;
            eta_part = etas[i];
        }
    }
    tsv_finish(t);

    snprintf(path, sizeof path, "%s/constrained_curves.tsv", dir);
    t = tsv_create(path, argc, argv);
    tsv_comment(t, "seed %llu; test loss and accuracy during training at eta = %g and %g, "
                "lambda = %g: free, constrained, and the explicit per-unit RMSProp on the sphere "
                "(lr = sqrt(2 eta lambda), rho = 1 - 4 eta lambda) that the derivation says the "
                "free run is", (unsigned long long)seed, eta_small, eta_large, lambda);
    tsv_columns(t, "step\tloss_free_s\tloss_con_s\tloss_sph_s\tacc_free_s\tacc_con_s\tacc_sph_s\t"
                "loss_free_l\tloss_con_l\tloss_sph_l\tacc_free_l\tacc_con_l\tacc_sph_l");
    {
        const ch3_rec_t *fs = &free_r[curve_idx[0]], *cs = &con_r[curve_idx[0]], *ss = &sph_r[0];
        const ch3_rec_t *fl = &free_r[curve_idx[1]], *cl = &con_r[curve_idx[1]], *sl = &sph_r[1];
        int n = fs->n_eval;
        const ch3_rec_t *all[6] = {fs, cs, ss, fl, cl, sl};
        for (int j = 0; j < 6; j++)
            if (all[j]->n_eval < n)
                n = all[j]->n_eval;
        for (int e = 0; e < n; e++)
            tsv_rowv(t, 13, fs->eval_step[e], fs->test_loss[e], cs->test_loss[e],
                     ss->test_loss[e], fs->test_acc[e], cs->test_acc[e], ss->test_acc[e],
                     fl->test_loss[e], cl->test_loss[e], sl->test_loss[e], fl->test_acc[e],
                     cl->test_acc[e], sl->test_acc[e]);
    }
    tsv_finish(t);

    snprintf(path, sizeof path, "%s/constrained_summary.tsv", dir);
    t = tsv_create(path, argc, argv);
    tsv_comment(t, "seed %llu; E7 summary; the runs part at the first eta of the scan where the "
                "final test accuracies differ by more than acc_tol or the test losses by more "
                "than loss_tol (relative)", (unsigned long long)seed);
    tsv_columns(t, "key\tvalue");
    tsv_kv(t, "lambda", lambda);
    tsv_kv(t, "steps", (double)K);
    tsv_kv(t, "acc_tol", acc_tol);
    tsv_kv(t, "loss_tol", loss_tol);
    tsv_kv(t, "eta_min", etas[0]);
    tsv_kv(t, "eta_max", etas[ne - 1]);
    tsv_kv(t, "eta_part", eta_part);
    tsv_kv(t, "eta_before_part", part_i > 0 ? etas[part_i - 1] : NAN);
    tsv_kv(t, "eta_small", eta_small);
    tsv_kv(t, "eta_large", eta_large);
    for (int j = 0; j < 2; j++) {
        const char *tag = j ? "large" : "small";
        int i = curve_idx[j];
        char key[64];
        snprintf(key, sizeof key, "acc_free_%s", tag);
        tsv_kv(t, key, free_r[i].final_acc);
        snprintf(key, sizeof key, "acc_con_%s", tag);
        tsv_kv(t, key, con_r[i].final_acc);
        snprintf(key, sizeof key, "acc_sph_%s", tag);
        tsv_kv(t, key, sph_r[j].final_acc);
        snprintf(key, sizeof key, "loss_free_%s", tag);
        tsv_kv(t, key, free_r[i].final_loss);
        snprintf(key, sizeof key, "loss_con_%s", tag);
        tsv_kv(t, key, con_r[i].final_loss);
        snprintf(key, sizeof key, "loss_sph_%s", tag);
        tsv_kv(t, key, sph_r[j].final_loss);
        snprintf(key, sizeof key, "dacc_%s", tag);
        tsv_kv(t, key, fabs(free_r[i].final_acc - con_r[i].final_acc));
    }
    double best_free = 0, best_con = 0, best_free_eta = 0, best_con_eta = 0;
    for (int i = 0; i < ne; i++) {
        if (free_r[i].final_acc > best_free) {
            best_free = free_r[i].final_acc;
            best_free_eta = etas[i];
        }
        if (con_r[i].final_acc > best_con) {
            best_con = con_r[i].final_acc;
            best_con_eta = etas[i];
        }
    }
    tsv_kv(t, "best_acc_free", best_free);
    tsv_kv(t, "best_eta_free", best_free_eta);
    tsv_kv(t, "best_acc_con", best_con);
    tsv_kv(t, "best_eta_con", best_con_eta);
    double eta_collapse = NAN;   /* first eta where the constrained run is 10 points behind */
    for (int i = 0; i < ne; i++) {
        char key[64];
        snprintf(key, sizeof key, "eta_%d", i);
        tsv_kv(t, key, etas[i]);
        snprintf(key, sizeof key, "acc_free_%d", i);
        tsv_kv(t, key, free_r[i].final_acc);
        snprintf(key, sizeof key, "acc_con_%d", i);
        tsv_kv(t, key, con_r[i].final_acc);
        snprintf(key, sizeof key, "loss_free_%d", i);
        tsv_kv(t, key, free_r[i].final_loss);
        snprintf(key, sizeof key, "loss_con_%d", i);
        tsv_kv(t, key, con_r[i].final_loss);
        snprintf(key, sizeof key, "q2_free_%d", i);
        tsv_kv(t, key, free_r[i].final_q2_med);
        if (isnan(eta_collapse) && con_r[i].final_acc < free_r[i].final_acc - 0.10)
            eta_collapse = etas[i];
    }
    tsv_kv(t, "eta_collapse", eta_collapse);
    tsv_kv(t, "n_eta", ne);
    tsv_kv(t, "acc_free_max_eta", free_r[ne - 1].final_acc);
    tsv_kv(t, "acc_con_max_eta", con_r[ne - 1].final_acc);
    tsv_finish(t);

    for (int i = 0; i < ne; i++) {
        ch3_rec_free(&free_r[i]);
        ch3_rec_free(&con_r[i]);
    }
    ch3_rec_free(&sph_r[0]);
    ch3_rec_free(&sph_r[1]);
    ch3_data_free(&train);
    ch3_data_free(&test);
    return 0;
}
