# Chapter 1: global position error after one orbit against the step h, for
# Euler, RK4 and the leapfrog (log-log).  Points: measured; dashed: C h^p with
# the theoretical order p = 1, 4, 2, anchored at one measured point.
set logscale xy
set format x "10^{%L}"
set format y "10^{%L}"
set xlabel "step h"
set ylabel "position error after one orbit"
set key bottom right
set yrange [1e-15:10]
f = 'data/ch1/kepler_order.tsv'
plot f u 2:3 w lp ls 1 pt 7 ps 0.6 title "Euler", \
     f u 2:4 w lp ls 3 pt 7 ps 0.6 title "RK4", \
     f u 2:5 w lp ls 4 pt 7 ps 0.6 title "leapfrog", \
     f u 2:6 w l ls 11 lc rgb "black" lw 1.2 title "C h^p, p = 1, 4, 2", \
     f u 2:7 w l ls 13 lc rgb "black" lw 1.2, \
     f u 2:8 w l ls 14 lc rgb "black" lw 1.2
