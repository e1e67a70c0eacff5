# Chapter 1: the Kepler problem in a weak uniform field F (rotation symmetry
# broken).  Top: angular momentum L(t) from the leapfrog (solid), the secular
# theory sqrt(mu a) cos(omega t - phi) (dashed), and L of the same integrator
# without the field (flat).  Bottom: relative energy error of the perturbed run,
# with the leapfrog's modified-energy prediction (dashed).
f = 'data/ch1/stark_long.tsv'
set multiplot layout 2,1
set lmargin 12
set tmargin 1
set bmargin 2.5
set ylabel "L(t)"
set key bottom left
set xrange [0:200]
set format x ""
plot f u 1:4 w l ls 2 title "no field (symmetric)", \
     f u 1:2 w l ls 1 title "with field: leapfrog", \
     f u 1:3 w l ls 11 lc rgb "black" lw 1.2 title "secular theory"
set format x "%g"
set tmargin 0.5
set bmargin 3.5
set xlabel "time t (orbits)"
set ylabel "max |E − E_0| / |E_0|"
set logscale y
set format y "10^{%L}"
set key top left
g = 'data/ch1/stark_energy.tsv'
plot g u 1:2 w l ls 1 title "leapfrog", \
     g u 1:3 w l ls 11 lc rgb "black" lw 1.2 title "h^2 max |H_2 − H_2(0)| / |E_0|"
unset multiplot
