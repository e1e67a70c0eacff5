# Chapter 6, E2: relative drift of the scale charge N_K/N_0 - 1 at fixed time
# t = eta K = 4 against the step size, Net A, SGD (drift.c).  Full precision
# drifts only through the kinetic term eta^2 sum |g|^2, first order in eta
# (dashed: slope 1 through the smallest-eta point); ternary adds the
# quantization source, which does not vanish as eta -> 0.
set logscale xy
set xlabel "step size η"
set ylabel "N_K / N_0 − 1 at t = ηK = 4"
set key bottom right
set xrange [0.0003:0.3]
f = 'data/ch6/drift.tsv'
stats f u 1:3 nooutput
# the last row holds the smallest eta
stats f u ($1):($3) every ::4::4 nooutput prefix "L"
e0 = L_min_x; d0 = L_min_y
plot f u 1:3 w lp ls 1 pt 7 title "full precision", \
     f u 1:4 w lp ls 2 pt 5 title "ternary", \
     f u 1:6 w lp ls 3 pt 9 title "ternary: quantization source", \
     f u 1:5 w lp ls 4 pt 13 title "ternary: kinetic source", \
     [0.0005:0.2] d0 * x / e0 w l ls 11 title "slope 1"
