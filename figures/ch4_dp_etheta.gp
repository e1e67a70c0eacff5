# ch4_dp_etheta.gp: the LNN's own energy E_theta = qdot . dL/dqdot - L along
# its rollouts (median and maximum over the non-diverged initial conditions),
# next to the true-energy error of the same rollouts.  The theory: E_theta is
# an exact invariant of the learned flow, so only RK4's error remains; the
# dashed line is RK4's error on the true double pendulum, for scale.
# Data: data/ch4/dp_energy.tsv
set logscale y
set format y "10^{%L}"
set xlabel "time t"
set ylabel "relative drift / 29.4"
set xrange [0:100]
set yrange [1e-12:10]
set key bottom right
f = 'data/ch4/dp_energy.tsv'
plot f u 1:2 w l ls 2 title "true energy E, LNN rollouts (median)", \
     f u 1:13 w l ls 3 title "learned E_{θ}, max", \
     f u 1:12 w l ls 1 title "learned E_{θ}, median", \
     f u 1:8 w l ls 11 lc rgb "black" title "RK4 on the true dynamics (median)"
