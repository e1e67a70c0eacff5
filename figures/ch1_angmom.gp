# Chapter 1: relative angular-momentum error of the three integrators on the
# Kepler problem (e = 0.5) against time, log-log.  Solid: measured (max over
# each log bin); dashed: theory (kepler_long.c); for the leapfrog the dashed
# line is the round-off scale u sqrt(n), u = 2^-53, n the number of steps.
set logscale xy
set format x "10^{%L}"
set format y "10^{%L}"
set xlabel "time t (orbits)"
set ylabel "|L(t) − L(0)| / |L(0)|"
set xrange [1e-3:1e4]
set yrange [1e-17:3]
set key at graph 0.98, graph 0.62
# Bins that hold no step of a run are written as nan: skip them, do not
# break the line there.
set datafile missing "nan"
f = 'data/ch1/kepler_long.tsv'
plot f u 1:3 w l ls 1 title "Euler, h", \
     f u 1:7 w l ls 2 title "Euler, h/100", \
     f u 1:11 w l ls 3 title "RK4, h", \
     f u 1:15 w l ls 4 title "leapfrog, h", \
     f u 1:5 w l ls 11 lc rgb "black" lw 1.2 title "theory", \
     f u 1:9 w l ls 12 lc rgb "black" lw 1.2, \
     f u 1:13 w l ls 13 lc rgb "black" lw 1.2, \
     f u 1:17 w l ls 14 lc rgb "black" lw 1.2
