# ch4_hnn_phase.gp: phase portraits (q, p) of one held-out initial condition
# rolled out to t = 20 by RK4: the baseline MLP, the HNN (Greydanus et al.
# 2019, Fig. 2, first column) and, dashed, the true orbit (a level set of H).
# Data: data/ch4/hnn_spring_rollout.tsv, data/ch4/hnn_pendulum_rollout.tsv
set multiplot layout 1,2
set size ratio -1
set xlabel "q"
set ylabel "p"
set key top right
set title "ideal spring" font ",12"
f = 'data/ch4/hnn_spring_rollout.tsv'
plot f u 4:5 w l ls 2 title "baseline", \
     f u 6:7 w l ls 1 title "HNN", \
     f u 2:3 w l ls 11 lc rgb "black" title "truth"
set title "ideal pendulum" font ",12"
set ylabel ""
f = 'data/ch4/hnn_pendulum_rollout.tsv'
plot f u 4:5 w l ls 2 notitle, \
     f u 6:7 w l ls 1 notitle, \
     f u 2:3 w l ls 11 lc rgb "black" notitle
unset multiplot
