# ch4_dp_order.gp: error in the learned energy E_theta after t = 10 against
# the RK4 step (mean over 8 held-out initial conditions): the learned flow
# conserves E_theta exactly, so the error is RK4's, O(dt^4) (dashed: dt^4
# through the dt = 0.01 point).  The true-energy error of the same rollouts
# does not shrink: it is the model's, not the integrator's.
# Data: data/ch4/dp_order.tsv
set logscale xy
set format x "%g"
set format y "10^{%L}"
set xlabel "RK4 step dt"
set ylabel "|ΔE| / 29.4 at t = 10"
set key bottom right
set xrange [0.004:0.1]
f = 'data/ch4/dp_order.tsv'
plot f u 1:2 w lp ls 1 pt 7 ps 0.6 title "learned E_{θ}", \
     f u 1:3 w lp ls 2 pt 5 ps 0.6 title "true E", \
     f u 1:4 w l ls 11 lc rgb "black" title "∝ dt^4"
