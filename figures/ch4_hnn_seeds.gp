# ch4_hnn_seeds.gp: squared error of the true energy, (E(x_model(t)) -
# E(x_true(t)))^2, averaged over the 15 held-out initial conditions, against
# time, for the baseline MLP and the HNN on the spring and the pendulum:
# median line and min-max band over the seeds (HNN paper, Table 1, energy
# MSE, here resolved in time).
# Data: data/ch4/hnn_spring_band.tsv, data/ch4/hnn_pendulum_band.tsv
set terminal svg size 760,380
set multiplot layout 1,2 margins 0.12,0.98,0.15,0.95 spacing 0.1
set xlabel "time t"
set ylabel "energy squared error" offset 1,0
set xrange [0:20]
set logscale y
set format y "10^{%L}"
set yrange [1e-9:10]
set key bottom right samplen 2 spacing 0.9
set label 1 "spring" at graph 0.03,0.93 left
f = 'data/ch4/hnn_spring_band.tsv'
plot f u 1:"energy_se_base_min":"energy_se_base_max" w filledcurves ls 2 fs transparent solid 0.2 noborder notitle, \
     f u 1:"energy_se_hnn_min":"energy_se_hnn_max" w filledcurves ls 1 fs transparent solid 0.2 noborder notitle, \
     f u 1:"energy_se_base_median" w l ls 2 lw 2 title "baseline", \
     f u 1:"energy_se_hnn_median" w l ls 1 lw 2 title "HNN"
set label 1 "pendulum" at graph 0.03,0.93 left
unset key
set ylabel ""
f = 'data/ch4/hnn_pendulum_band.tsv'
plot f u 1:"energy_se_base_min":"energy_se_base_max" w filledcurves ls 2 fs transparent solid 0.2 noborder notitle, \
     f u 1:"energy_se_hnn_min":"energy_se_hnn_max" w filledcurves ls 1 fs transparent solid 0.2 noborder notitle, \
     f u 1:"energy_se_base_median" w l ls 2 lw 2 notitle, \
     f u 1:"energy_se_hnn_median" w l ls 1 lw 2 notitle
unset multiplot
