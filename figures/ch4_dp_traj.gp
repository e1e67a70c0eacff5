# ch4_dp_traj.gp: theta_1(t) of two held-out initial conditions of the double
# pendulum (Cranmer et al. 2020, Fig. 2, the "discrepancy" panels): LNN,
# baseline MLP, and the truth (dashed: RK4 on the closed-form dynamics).
# Data: data/ch4/dp_traj.tsv
set multiplot layout 2,1 margins 0.12,0.97,0.16,0.9 spacing 0.06
set xrange [0:20]
set ylabel "θ_1, IC 1"
set key horizontal at screen 0.55,0.995 center top
set format x ""
f = 'data/ch4/dp_traj.tsv'
plot f u 1:3 w l ls 1 title "LNN", \
     f u 1:4 w l ls 2 title "baseline", \
     f u 1:2 w l ls 11 lc rgb "black" title "truth"
set format x "%g"
set xlabel "time t"
set ylabel "θ_1, IC 2"
plot f u 1:9 w l ls 1 notitle, \
     f u 1:10 w l ls 2 notitle, \
     f u 1:8 w l ls 11 lc rgb "black" notitle
unset multiplot
