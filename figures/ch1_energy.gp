# Chapter 1: relative energy error of the three integrators on the Kepler
# problem (e = 0.5) against time, log-log.  Solid: measured (max over each
# log bin); dashed (black, text colour): first-order theory (kepler_long.c).
set logscale xy
set format x "10^{%L}"
set format y "10^{%L}"
set xlabel "time t (orbits)"
set ylabel "|E(t) − E(0)| / |E(0)|"
set xrange [1e-3:1e4]
set yrange [1e-9:3]
set key bottom right
# Bins that hold no step of a run are written as nan: skip them, do not
# break the line there.
set datafile missing "nan"
f = 'data/ch1/kepler_long.tsv'
plot f u 1:2 w l ls 1 title "Euler, h", \
     f u 1:6 w l ls 2 title "Euler, h/100", \
     f u 1:10 w l ls 3 title "RK4, h", \
     f u 1:14 w l ls 4 title "leapfrog, h", \
     f u 1:4 w l ls 11 lc rgb "black" lw 1.2 title "theory", \
     f u 1:8 w l ls 12 lc rgb "black" lw 1.2, \
     f u 1:12 w l ls 13 lc rgb "black" lw 1.2, \
     f u 1:16 w l ls 14 lc rgb "black" lw 1.2
