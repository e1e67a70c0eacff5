# Chapter 6, E5: the layerwise rescale charge of Net B,
# sum_i (|W1[i,:]|^2 - |W2[:,i]|^2) - its initial value, under SGD eta = 0.05
# (balance.c).  Solid: measured, full precision and ternary at three
# granularities (per tensor; per row; matched: rows of W1 with columns of W2).
# Dashed, same colour: the recursion without the quantization term, driven by
# the run's own gradients (Du et al. 2018's discrete correction); for full
# precision it is the whole law.  The full recursion with the term matches
# each solid curve to round-off (the test suite checks 1e-12 per step).
set xlabel "time t = ηk"
set ylabel "ΔC = Σ_i (|W_1[i,:]|^2 − |W_2[:,i]|^2) − C(0)"
set key top left
f = 'data/ch6/balance.tsv'
plot f u 2:3 w l ls 1 title "full precision", \
     f u 2:4 every 20 w l ls 11 lw 2.5 title "kinetic term only", \
     f u 2:11 w l ls 2 title "ternary per tensor", \
     f u 2:12 every 20 w l ls 12, \
     f u 2:19 w l ls 3 title "ternary per row", \
     f u 2:20 every 20 w l ls 13, \
     f u 2:27 w l ls 4 title "ternary matched", \
     f u 2:28 every 20 w l ls 14
