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
# Columns: k, t, then nine per configuration (fp, tensor, row, matched, a8):
# layer, layer_nor, layer_noact, three units with their predictions.
plot f u 2:3 w l ls 1 title "full precision", \
     f u 2:4 every 20 w l ls 11 lw 2.5 title "kinetic term only", \
     f u 2:12 w l ls 2 title "ternary per tensor", \
     f u 2:13 every 20 w l ls 12, \
     f u 2:21 w l ls 3 title "ternary per row", \
     f u 2:22 every 20 w l ls 13, \
     f u 2:30 w l ls 4 title "ternary matched", \
     f u 2:31 every 20 w l ls 14
