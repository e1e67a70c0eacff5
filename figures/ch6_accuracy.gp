# Chapter 6: test accuracy of Net A on Fashion-MNIST (first 2000 test images)
# during training, median over seeds with the min-max band: full precision
# and ternary W1, W2 with a two-stage weight decay (lambda = 0.02 until step
# 600, then 0), and ternary without weight decay; SGD eta = 0.1, batch 128
# (train.c, the seeded runs ws_fp, ws_tern, fast; seeds.c curve mode).  The
# dotted vertical line marks the end of stage 1.
set xlabel "step k"
set ylabel "test accuracy"
set key bottom right
set yrange [0.6:0.9]
set datafile missing "nan"
set style fill transparent solid 0.2 noborder
set arrow from 600, graph 0 to 600, graph 1 nohead dashtype 3 lc rgb "black" lw 0.8
fp = 'data/ch6/ws_fp_curve_seeds.tsv'
tn = 'data/ch6/ws_tern_curve_seeds.tsv'
f0 = 'data/ch6/fast_curve_seeds.tsv'
plot fp using "k":"test_acc_min":"test_acc_max" with filledcurves ls 1 notitle, \
     tn using "k":"test_acc_min":"test_acc_max" with filledcurves ls 2 notitle, \
     f0 using "k":"test_acc_min":"test_acc_max" with filledcurves ls 3 notitle, \
     fp using "k":"test_acc_median" w l ls 1 title "full precision, two-stage λ", \
     tn using "k":"test_acc_median" w l ls 2 title "ternary, two-stage λ", \
     f0 using "k":"test_acc_median" w l ls 3 title "ternary, λ = 0"
