# ch4_dp_budget.gp: the equal-step comparison at the brief's configuration
# (width 64, peak learning rate 1e-3; lnn-hnn.md sec. 6.3).  Left: rollouts
# (of 40 held-out initial conditions, to t = 100) that diverged, per seed
# (points) and averaged over seeds (lines), against the number of training
# steps both models got.  Right: their held-out L1 on qddot.  The LNN's
# conserved E_theta grows like |qdot|^2/2 and confines its rollouts; the
# baseline has no invariant.
# Open squares: the width-128 baseline trained for the LNN's CPU time at
# 20000 steps (equal compute), placed at the LNN's step count.
# Data: data/ch4/dp_budget.tsv, data/ch4/dp_eqc.tsv
set multiplot layout 1,2 margins 0.1,0.98,0.17,0.93 spacing 0.1
set logscale x
set xrange [3800:28000]
set xtics ("5000" 5000, "10^4" 10000, "2·10^4" 20000)
set xlabel "training steps (both models)"
set ylabel "diverged rollouts of 40" offset 1,0
set yrange [-0.8:*]
set key at graph 0.98, graph 0.75 right samplen 2 spacing 0.9
f = 'data/ch4/dp_budget.tsv'
e = 'data/ch4/dp_eqc.tsv'
plot f u ($1*1.04):6 w p ls 2 pt 9 ps 0.8 notitle, \
     e u ($1*1.12):6 w p ls 2 pt 4 ps 0.8 title "baseline, equal compute", \
     f u ($1*0.96):5 w p ls 1 pt 7 ps 0.7 notitle, \
     f u 1:6 smooth unique w l ls 2 title "baseline, equal steps", \
     f u 1:5 smooth unique w l ls 1 title "LNN"
set ylabel "held-out L1 of q̈" offset 1,0
set yrange [0:*]
unset key
plot f u ($1*1.04):4 w p ls 2 pt 9 ps 0.8 notitle, \
     e u ($1*1.12):4 w p ls 2 pt 4 ps 0.8 notitle, \
     f u ($1*0.96):3 w p ls 1 pt 7 ps 0.7 notitle, \
     f u 1:4 smooth unique w l ls 2 notitle, \
     f u 1:3 smooth unique w l ls 1 notitle
unset multiplot
