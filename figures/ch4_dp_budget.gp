# ch4_dp_budget.gp: the equal-step comparison (width 64, peak learning rate
# 1e-3, 10000 steps each; params.mk), per seed.  Left: rollouts (of 40
# held-out initial conditions, to t = 100) that diverged.  Right: held-out
# L1 on qddot.  Filled: LNN and baseline with the same steps; open squares:
# the width-128 baseline trained for the LNN's CPU time (equal compute).
# The medians and ranges over seeds are in the chapter's table (from
# data/ch4/dp_budget_seeds.tsv).
# Data: data/ch4/dp_budget.tsv, data/ch4/dp_eqc.tsv
set multiplot layout 1,2 margins 0.1,0.98,0.17,0.93 spacing 0.1
set xlabel "seed"
set xtics 1
set xrange [-0.5:*]
set ylabel "diverged rollouts of 40" offset 1,0
set yrange [-0.8:30]
set key top right samplen 1 spacing 0.9
f = 'data/ch4/dp_budget.tsv'
e = 'data/ch4/dp_eqc.tsv'
plot f u ($2+0.12):6 w p ls 2 pt 9 ps 0.9 title "baseline, equal steps", \
     e u ($2+0.24):6 w p ls 3 pt 4 ps 0.8 title "baseline, equal compute", \
     f u ($2-0.12):5 w p ls 1 pt 7 ps 0.8 title "LNN"
set ylabel "held-out L1 of q̈" offset 1,0
set yrange [0:*]
unset key
plot f u ($2+0.12):4 w p ls 2 pt 9 ps 0.9, \
     e u ($2+0.24):4 w p ls 3 pt 4 ps 0.8, \
     f u ($2-0.12):3 w p ls 1 pt 7 ps 0.8
unset multiplot
