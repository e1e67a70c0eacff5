# ch4_two_body.gp: the two-body task of Greydanus et al. 2019 (their Fig. 3
# and Table 1).  Left: the two bodies' paths from one held-out initial
# condition (seed 0) to t = 20: the baseline MLP, the HNN and, dashed, the
# truth (RK4 of the exact field).  Middle and right: squared errors of the
# true energy and of the coordinates against time, averaged over 15 initial
# conditions: median line and min-max band over the seeds.
# Data: data/ch4/two_body/s0_two_body_rollout.tsv, data/ch4/two_body_band.tsv
set terminal svg size 760,320
set multiplot layout 1,3 margins 0.09,0.99,0.2,0.95 spacing 0.11
f = 'data/ch4/two_body/s0_two_body_rollout.tsv'
b = 'data/ch4/two_body_band.tsv'
set xlabel "x"
set ylabel "y" offset 1,0
set size ratio -1
set key top right samplen 1.5 spacing 0.9 font ",9"
set xrange [-2.2:2.2]
set yrange [-2.2:2.8]
plot f u "x1_base":"y1_base" w l ls 2 title "baseline", \
     f u "x2_base":"y2_base" w l ls 2 notitle, \
     f u "x1_hnn":"y1_hnn" w l ls 1 lw 2 title "HNN", \
     f u "x2_hnn":"y2_hnn" w l ls 1 lw 2 notitle, \
     f u "x1_true":"y1_true" w l ls 11 lc rgb "black" title "truth", \
     f u "x2_true":"y2_true" w l ls 11 lc rgb "black" notitle
set size noratio
set autoscale
set xlabel "time t"
set xrange [0:20]
set logscale y
set format y "10^{%L}"
set ylabel "energy squared error"
set yrange [1e-10:10]
unset key
plot b u 1:"energy_se_base_min":"energy_se_base_max" w filledcurves ls 2 fs transparent solid 0.2 noborder, \
     b u 1:"energy_se_hnn_min":"energy_se_hnn_max" w filledcurves ls 1 fs transparent solid 0.2 noborder, \
     b u 1:"energy_se_base_median" w l ls 2 lw 2, \
     b u 1:"energy_se_hnn_median" w l ls 1 lw 2
set ylabel "coordinate squared error"
set yrange [1e-8:10]
plot b u 1:"traj_se_base_min":"traj_se_base_max" w filledcurves ls 2 fs transparent solid 0.2 noborder, \
     b u 1:"traj_se_hnn_min":"traj_se_hnn_max" w filledcurves ls 1 fs transparent solid 0.2 noborder, \
     b u 1:"traj_se_base_median" w l ls 2 lw 2, \
     b u 1:"traj_se_hnn_median" w l ls 1 lw 2
unset multiplot
