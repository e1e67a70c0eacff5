# ch4_hnn_energy.gp: true energy H(x(t)) along the rollouts of figure
# ch4_hnn_phase (HNN paper, Fig. 2, last column), and the HNN's own learned
# H_theta (shifted to start at H(0)).  Dashed: the truth, H(t) = H(0).
# Data: data/ch4/hnn/s0_spring_rollout.tsv, data/ch4/hnn/s0_pendulum_rollout.tsv
set multiplot layout 1,2 margins 0.14,0.97,0.17,0.95 spacing 0.1
set xlabel "time t"
set ylabel "energy" offset 1,0
set xrange [0:20]
set key top right samplen 2 spacing 0.9
set offsets 0, 0, graph 0.45, 0
set label 1 "spring" at graph 0.03,0.95 left
f = 'data/ch4/hnn/s0_spring_rollout.tsv'
plot f u 1:9 w l ls 2 title "baseline", \
     f u 1:10 w l ls 1 title "HNN", \
     f u 1:11 w l ls 3 dt 3 title "HNN's H_{θ}", \
     f u 1:8 w l ls 11 lc rgb "black" title "truth"
set label 1 "pendulum" at graph 0.03,0.95 left
unset key
set ylabel ""
f = 'data/ch4/hnn/s0_pendulum_rollout.tsv'
plot f u 1:9 w l ls 2 notitle, \
     f u 1:10 w l ls 1 notitle, \
     f u 1:11 w l ls 3 dt 3 notitle, \
     f u 1:8 w l ls 11 lc rgb "black" notitle
unset multiplot
