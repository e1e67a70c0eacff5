# Chapter 1: the orbit in the plane.  Euler's first orbits spiral outwards;
# the leapfrog's last orbit of the long run is still the right ellipse, turned
# (its Laplace-Runge-Lenz vector precesses).  Dashed: the exact ellipse.
set size ratio -1
set xlabel "x"
set ylabel "y"
set key at first -3.0, first 0.3
f = 'data/ch1/kepler_orbits.tsv'
plot f u 1:2 w l ls 1 title "Euler, first orbits", \
     f u 3:4 w l ls 4 title "leapfrog, last orbit", \
     f u 5:6 w l ls 11 lc rgb "black" lw 1.5 title "exact ellipse"
