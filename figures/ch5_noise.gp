# ch5_noise.gp: how observation noise caps the search.  Points: the variance
# ratio of the true Hamiltonian's feature pair (coefficient refitted on noisy
# states) against the noise standard deviation sigma.  Dashed: the
# first-order prediction (V + sigma^2 G) / (sigma^2 G (n-1)/n), V the spread of
# H over the data, G = E|grad H|^2, n = 31 states per trajectory.
# Data: data/ch5/noether/s0_noise.tsv
set logscale xy
set format x "10^{%L}"
set format y "10^{%L}"
set xlabel "observation noise σ"
set ylabel "variance ratio, random / true"
set xrange [5e-5:0.5]
set yrange [1:1e9]
set key top right
f = 'data/ch5/noether/s0_noise.tsv'
plot f u 1:2 w p ls 1 pt 7 ps 1.2 title "pendulum", \
     f u 1:3 w l ls 11 title "theory", \
     f u 1:4 w p ls 2 pt 5 ps 1.1 title "spring", \
     f u 1:5 w l ls 12 title "theory", \
     100 w l ls 13 lc rgb "black" title "threshold 100"
