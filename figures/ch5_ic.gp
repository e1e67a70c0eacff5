# ch5_ic.gp: where tailoring helps.  Each point is one pendulum test initial
# condition: the drop 1 - RMSE_tailored / RMSE_untailored (discovered quantity,
# chosen lambda) against the initial energy H(x0).  Dashed: no change (0) and
# the separatrix H = 6 of HNN's pendulum H = 3(1 - cos q) + p^2, beyond which
# the pendulum would rotate instead of swinging.
# Data: data/ch5/noether/s0_ic.tsv (system 0)
set xlabel "initial energy H(x_0)"
set ylabel "drop of the rollout RMSE"
set xrange [1.5:6.5]
set yrange [-3:1.2]
set key at 4.0,-1.5 left Left reverse font ",11"
set arrow 1 from 6, graph 0 to 6, graph 1 nohead ls 12 lw 1.5
f = 'data/ch5/noether/s0_ic.tsv'
plot f u ($1==0 ? $3 : 1/0):9 w p ls 1 pt 7 ps 1.2 title "test initial conditions", \
     0 w l ls 11 lc rgb "black" title "no change", \
     NaN w l ls 12 title "separatrix H = 6"
