# Chapter 6: the two-stage schedule under BitNet b1.58's own recipe.  Net A,
# AdamW beta = (0.9, 0.95), decoupled weight decay 0.1 for the first 600
# steps, then 0, learning rate 0.04 dropping to 2/3 of it at step 600
# (train.c, seeded runs aw_fp and aw_tern).  Solid: the angular step of W1
# in one step (logged every 10th step), median over seeds with
# the min-max band.  Dashed: the a-priori AdamW equilibrium
# sqrt(2 eta lambda (1-beta1)/(1+beta1)) of the chapter's appendix (Kosson et
# al. 2024 in full precision), drawn over stage 1.
set logscale y
set yrange [0.003:0.3]
set xlabel "step k"
set ylabel "angular step δθ of W_1 (rad)"
set key top right
set datafile missing "nan"
set style fill transparent solid 0.2 noborder
set arrow from 600, graph 0 to 600, graph 1 nohead dashtype 3 lc rgb "black" lw 0.8
fp = 'data/ch6/aw_fp_log_seeds.tsv'
tn = 'data/ch6/aw_tern_log_seeds.tsv'
eta = 0.04; lam = 0.1; b1 = 0.9
plot fp using "k":"dtheta1_min":"dtheta1_max" with filledcurves ls 1 notitle, \
     tn using "k":"dtheta1_min":"dtheta1_max" with filledcurves ls 2 notitle, \
     fp using "k":"dtheta1_median" w l ls 1 title "full precision", \
     tn using "k":"dtheta1_median" w l ls 2 title "ternary", \
     [0:600] sqrt(2*eta*lam*(1-b1)/(1+b1)) w l ls 11 lw 2.5 title "√(2ηλ(1−β_1)/(1+β_1)), a priori"
