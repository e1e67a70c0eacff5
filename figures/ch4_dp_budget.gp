# ch4_dp_budget.gp: the equal-step comparison (width 64, peak learning rate
# 1e-3; params.mk).  Left: rollouts (of 40 held-out initial conditions, to
# t = 100) that diverged, per seed (points), median over seeds (lines) and
# min-max band, against the number of training steps both models got.
# Right: their held-out L1 on qddot.
# Open squares with bars: the width-128 baseline trained for the LNN's CPU
# time at 10000 steps (equal compute), median and min-max over seeds, placed
# at the LNN's step count.
# Data: data/ch4/dp_budget.tsv, data/ch4/dp_budget_seeds.tsv, data/ch4/dp_eqc_seeds.tsv
set multiplot layout 1,2 margins 0.1,0.98,0.17,0.93 spacing 0.1
set logscale x
set xrange [1900:14000]
set xtics ("2500" 2500, "5000" 5000, "10^4" 10000)
set xlabel "training steps (both models)"
set ylabel "diverged rollouts of 40" offset 1,0
set yrange [-0.8:48]
set key top right samplen 2 spacing 0.9
f = 'data/ch4/dp_budget.tsv'
s = 'data/ch4/dp_budget_seeds.tsv'
e = 'data/ch4/dp_eqc_seeds.tsv'
plot s u 1:"base_div_min":"base_div_max" w filledcurves ls 2 fs transparent solid 0.2 noborder, \
     s u 1:"lnn_div_min":"lnn_div_max" w filledcurves ls 1 fs transparent solid 0.2 noborder, \
     f u ($1*1.04):6 w p ls 2 pt 9 ps 0.6 notitle, \
     f u ($1*0.96):5 w p ls 1 pt 7 ps 0.5 notitle, \
     s u 1:"base_div_median" w l ls 2 title "baseline, equal steps", \
     s u 1:"lnn_div_median" w l ls 1 title "LNN", \
     e u ($1*1.12):"base_div_median":"base_div_min":"base_div_max" w yerrorbars ls 3 pt 4 ps 0.8 title "baseline, equal compute"
set ylabel "held-out L1 of q̈" offset 1,0
set yrange [0:*]
unset key
plot s u 1:"mlp_l1_min":"mlp_l1_max" w filledcurves ls 2 fs transparent solid 0.2 noborder, \
     s u 1:"lnn_l1_min":"lnn_l1_max" w filledcurves ls 1 fs transparent solid 0.2 noborder, \
     f u ($1*1.04):4 w p ls 2 pt 9 ps 0.6 notitle, \
     f u ($1*0.96):3 w p ls 1 pt 7 ps 0.5 notitle, \
     s u 1:"mlp_l1_median" w l ls 2, \
     s u 1:"lnn_l1_median" w l ls 1, \
     e u ($1*1.12):"mlp_l1_median":"mlp_l1_min":"mlp_l1_max" w yerrorbars ls 3 pt 4 ps 0.8
unset multiplot
