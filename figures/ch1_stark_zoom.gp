# Chapter 1: the first orbits of the Kepler problem in a weak uniform field.
# Solid: L(t) - L(0) from the leapfrog; dashed: first-order theory, the torque
# q x F integrated along the unperturbed ellipse (closed form).
f = 'data/ch1/stark_zoom.tsv'
set xlabel "time t (orbits)"
set ylabel "L(t) − L(0)"
set key top left
set format y "%.3f"
plot f u 1:2 w l ls 1 lw 3 title "leapfrog, with field", \
     f u 1:3 w l ls 11 lc rgb "black" lw 1.5 title "∫ q_{Kepler} × F dt (first order)"
