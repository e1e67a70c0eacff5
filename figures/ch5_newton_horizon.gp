# ch5_newton_horizon.gp: extrapolation error against horizon, in units of the
# observation noise sigma, for the three scenarios, over the seeds: Newton
# scheme (formula fit; median solid, min-max band shaded), its first-order
# theory sigma sqrt(j^T (J^T J)^-1 j) (dashed, median), and the black-box
# sequence MLP trained on the same observed frames (points: median, bars:
# min-max); the dotted line is the noise level sigma itself.
# Data: data/ch5/newton_horizon_band.tsv (scenario 0 ball, 1 pendulum, 2 damped)
set logscale y
set format y "10^{%L}"
set xlabel "horizon / length of the observed window"
set ylabel "RMS error / σ"
set xrange [0:2]
set yrange [0.1:1e3]
set key bottom center horizontal maxrows 2 font ",11" samplen 2.5
f = 'data/ch5/newton_horizon_band.tsv'
hw(s) = ($1==s ? column("h_over_window_median") : 1/0)
sg = "sigma_median"
plot for [s=0:2] f u (hw(s)):(column("newton_min")/column(sg)):(column("newton_max")/column(sg)) w filledcurves ls (s+1) fs transparent solid 0.2 noborder notitle, \
     for [s=0:2] f u (hw(s)):(column("newton_median")/column(sg)) w l ls (s+1) notitle, \
     for [s=0:2] f u (hw(s)):(column("theory_median")/column(sg)) w l ls (s+11) notitle, \
     for [s=0:2] f u (hw(s)):(column("blackbox_median")/column(sg)):(column("blackbox_min")/column(sg)):(column("blackbox_max")/column(sg)) every 4 w yerrorbars ls (s+1) pt 7 ps 0.5 notitle, \
     1 w l ls 14 lc rgb "black" lw 1 dt 3 notitle, \
     NaN w l ls 1 lw 4 title "ball", \
     NaN w l ls 2 lw 4 title "pendulum", \
     NaN w l ls 3 lw 4 title "damped", \
     NaN w l lc rgb "black" title "Newton scheme", \
     NaN w l dt 2 lc rgb "black" title "theory", \
     NaN w p pt 7 lc rgb "black" title "black box"
