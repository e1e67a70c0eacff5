# ch4_relativistic.gp: the relativistic particle of Cranmer et al. 2020
# (their Fig. 3): an LNN on (q, qdot), an HNN fed (q, qdot) in place of
# canonical (q, p), and a black-box MLP.  Left: the velocity of one held-out
# initial condition (seed 0) with the closed-form solution (dashed: p = p0 +
# g t inverted, an a-priori prediction).  Middle and right: squared errors of
# the state (q, v) and of the true energy F(v) - g q against time, averaged
# over 16 initial conditions: median line and min-max band over the seeds.
# Data: data/ch4/rel/s0_rel_rollout.tsv, data/ch4/rel_band.tsv
set terminal svg size 760,320
set multiplot layout 1,3 margins 0.09,0.99,0.2,0.95 spacing 0.11
f = 'data/ch4/rel/s0_rel_rollout.tsv'
b = 'data/ch4/rel_band.tsv'
set xlabel "time t"
set ylabel "velocity v = dq/dt" offset 1,0
set key bottom right samplen 2 spacing 0.9
plot f u 1:"v_lnn_0" w l ls 1 lw 2 title "LNN", \
     f u 1:"v_hnn_0" w l ls 2 lw 2 title "HNN on (q, v)", \
     f u 1:"v_base_0" w l ls 3 lw 2 title "black box", \
     f u 1:"v_true_0" w l ls 11 lc rgb "black" title "exact"
set logscale y
set format y "10^{%L}"
set ylabel "state squared error"
set yrange [1e-9:1]
unset key
plot b u 1:"traj_se_lnn_min":"traj_se_lnn_max" w filledcurves ls 1 fs transparent solid 0.2 noborder, \
     b u 1:"traj_se_hnn_min":"traj_se_hnn_max" w filledcurves ls 2 fs transparent solid 0.2 noborder, \
     b u 1:"traj_se_base_min":"traj_se_base_max" w filledcurves ls 3 fs transparent solid 0.2 noborder, \
     b u 1:"traj_se_lnn_median" w l ls 1 lw 2, \
     b u 1:"traj_se_hnn_median" w l ls 2 lw 2, \
     b u 1:"traj_se_base_median" w l ls 3 lw 2
set ylabel "energy squared error"
set yrange [1e-10:1e2]
plot b u 1:"energy_se_lnn_min":"energy_se_lnn_max" w filledcurves ls 1 fs transparent solid 0.2 noborder, \
     b u 1:"energy_se_hnn_min":"energy_se_hnn_max" w filledcurves ls 2 fs transparent solid 0.2 noborder, \
     b u 1:"energy_se_base_min":"energy_se_base_max" w filledcurves ls 3 fs transparent solid 0.2 noborder, \
     b u 1:"energy_se_lnn_median" w l ls 1 lw 2, \
     b u 1:"energy_se_hnn_median" w l ls 2 lw 2, \
     b u 1:"energy_se_base_median" w l ls 3 lw 2
unset multiplot
