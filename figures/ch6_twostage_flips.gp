# Chapter 6, E4: what the two-stage schedule does to the ternary codes.
# Ternary runs of ch6_twostage (median over seeds, min-max band): the net
# flip rate of W1's codes (left axis, flips over 20 steps, per step) falls
# with the angular step once weight decay is off; dashed, the median of the
# flip prediction kappa * (20-step angle), driven by the measured kappa and
# angle; |W1|^2 (right axis) settles in stage 1 and grows in stage 2
# (train.c, seeds.c curve mode).
set logscale y
set xlabel "step k"
set ylabel "net code flips of W_1 per step"
set y2label "|W_1|^2"
set y2tics
set ytics nomirror
set key center left Left reverse
set datafile missing "nan"
set style fill transparent solid 0.2 noborder
set arrow from 600, graph 0 to 600, graph 1 nohead dashtype 3 lc rgb "black" lw 0.8
tn = 'data/ch6/ws_tern_log_seeds.tsv'
plot tn using "k":"net1_min":"net1_max" with filledcurves ls 2 notitle, \
     tn using "k":"net1_median" w l ls 2 title "net flips", \
     tn using "k":"flips_pred_median" w l ls 12 title "κ·angle", \
     tn using "k":"N1_min":"N1_max" axes x1y2 with filledcurves ls 3 notitle, \
     tn using "k":"N1_median" axes x1y2 w l ls 3 title "|W_1|^2 (right)"
