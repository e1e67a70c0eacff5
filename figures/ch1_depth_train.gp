# Chapter 1, Noether along depth: over full-batch gradient descent, the
# difference between the data-averaged translation charge at the first and
# the last layer, |P_0 - P_T| (solid), its exact prediction from the violation
# budget |sum_t W1_t^T grad_b1_t L| (dashed), the per-sample analogue
# sqrt(E|g_0 - g_T|^2), and the norm of the full gradient.
set logscale xy
set format x "10^{%L}"
set format y "10^{%L}"
set xlabel "gradient-descent step + 1"
set key top right
set xrange [1:1e5]
set yrange [1e-3:300]
set ylabel "norm"
f = 'data/ch1/depth_train.tsv'
plot f u ($1+1):11 w l ls 2 title "per sample: (E|g_0 − g_T|^2)^{1/2}", \
     f u ($1+1):3 w l ls 5 title "|∇_θ L|", \
     f u ($1+1):9 w l ls 1 lw 3 title "data average: |P_0 − P_T|", \
     f u ($1+1):10 w l ls 11 lc rgb "black" lw 1.5 title "budget |Σ_t W_{1,t}ᵀ ∇_{b_{1,t}} L|"
