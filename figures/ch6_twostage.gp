# Chapter 6, E4: a two-stage weight decay like BitNet's, under SGD.  Net A,
# SGD eta = 0.1, coupled weight decay lambda = 0.02 for the first 600 steps,
# then 0 (train.c, seeded runs ws_fp and ws_tern).  Solid: the angular step of
# W1 per step (root of a ~100-step running mean of its square), median over
# seeds with the min-max band.  Dashed: full precision, the a-priori
# equilibrium sqrt(2 eta lambda) of Wan et al. 2021; ternary, the median of
# sqrt(2 eta lambda / (1 + rho)), rho the measured ratio of quantization to
# kinetic source (running mean), so that curve is driven by measurements.
set logscale y
set yrange [0.02:0.15]
set ytics (0.02, 0.03, 0.05, 0.07, 0.1, 0.15)
set xlabel "step k"
set ylabel "angular step δθ of W_1 (rad)"
set key top right
set datafile missing "nan"
set style fill transparent solid 0.2 noborder
set arrow from 600, graph 0 to 600, graph 1 nohead dashtype 3 lc rgb "black" lw 0.8
fp = 'data/ch6/ws_fp_log_seeds.tsv'
tn = 'data/ch6/ws_tern_log_seeds.tsv'
eta = 0.1; lam = 0.02
plot fp using "k":"dth_rms_min":"dth_rms_max" with filledcurves ls 1 notitle, \
     tn using "k":"dth_rms_min":"dth_rms_max" with filledcurves ls 2 notitle, \
     fp using "k":"dth_rms_median" w l ls 1 title "full precision", \
     tn using "k":"dth_rms_median" w l ls 2 title "ternary", \
     [0:600] sqrt(2*eta*lam) w l ls 11 lw 2.5 title "√(2ηλ), a priori", \
     tn using "k":"pred_eq_median" w l ls 12 lw 2.5 title "√(2ηλ/(1+ρ)), measured ρ"
