# ch5_newton_horizon.gp: extrapolation error against horizon, in units of the
# observation noise sigma, for the three scenarios: Newton scheme (formula fit,
# solid), its first-order theory sigma sqrt(j^T (J^T J)^-1 j) (dashed), and the
# black-box sequence MLP trained on the same observed frames (points); the
# dotted line is the noise level sigma itself.
# Data: data/ch5/newton_horizon.tsv (scenario 0 ball, 1 pendulum, 2 damped)
set logscale y
set format y "10^{%L}"
set xlabel "horizon / length of the observed window"
set ylabel "RMS error / σ"
set xrange [0:2]
set yrange [0.1:1e3]
set key bottom center horizontal maxrows 2 font ",11" samplen 2.5
f = 'data/ch5/newton_horizon.tsv'
plot f u ($1==0 ? $8 : 1/0):($4/$7) w l ls 1 notitle, \
     f u ($1==0 ? $8 : 1/0):($5/$7) w l ls 11 notitle, \
     f u ($1==0 ? $8 : 1/0):($6/$7) w p ls 1 pt 7 ps 0.6 notitle, \
     f u ($1==1 ? $8 : 1/0):($4/$7) w l ls 2 notitle, \
     f u ($1==1 ? $8 : 1/0):($5/$7) w l ls 12 notitle, \
     f u ($1==1 ? $8 : 1/0):($6/$7) w p ls 2 pt 5 ps 0.5 notitle, \
     f u ($1==2 ? $8 : 1/0):($4/$7) w l ls 3 notitle, \
     f u ($1==2 ? $8 : 1/0):($5/$7) w l ls 13 notitle, \
     f u ($1==2 ? $8 : 1/0):($6/$7) w p ls 3 pt 9 ps 0.6 notitle, \
     1 w l ls 14 lc rgb "black" lw 1 dt 3 notitle, \
     NaN w l ls 1 lw 4 title "ball", \
     NaN w l ls 2 lw 4 title "pendulum", \
     NaN w l ls 3 lw 4 title "damped", \
     NaN w l lc rgb "black" title "Newton scheme", \
     NaN w l dt 2 lc rgb "black" title "theory", \
     NaN w p pt 7 lc rgb "black" title "black box"
