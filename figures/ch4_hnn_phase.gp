# ch4_hnn_phase.gp: phase portraits (q, p) of one held-out initial condition (seed 0)
# rolled out to t = 20 by RK4: the baseline MLP, the HNN (Greydanus et al.
# 2019, Fig. 2, first column) and, dashed, the true orbit (a level set of H).
# Data: data/ch4/hnn/s0_spring_rollout.tsv, data/ch4/hnn/s0_pendulum_rollout.tsv
set multiplot layout 1,2 margins 0.14,0.97,0.17,0.95 spacing 0.1
set xlabel "q"
set ylabel "p" offset 1,0
set key top right samplen 2 spacing 0.9
set offsets 0, 0, graph 0.45, 0
set label 1 "spring" at graph 0.03,0.95 left
f = 'data/ch4/hnn/s0_spring_rollout.tsv'
plot f u 4:5 w l ls 2 title "baseline", \
     f u 6:7 w l ls 1 title "HNN", \
     f u 2:3 w l ls 11 lc rgb "black" title "truth"
set label 1 "pendulum" at graph 0.03,0.95 left
unset key
set ylabel ""
f = 'data/ch4/hnn/s0_pendulum_rollout.tsv'
plot f u 4:5 w l ls 2 notitle, \
     f u 6:7 w l ls 1 notitle, \
     f u 2:3 w l ls 11 lc rgb "black" notitle
unset multiplot
