# ch2_hessian.gp: the Hessian constraints H xi = -(d xi)^T g (derived in the
# chapter from the gradient constraints of NM), checked by central differences
# of step h on the trained networks (seed 0).
# Residual relative to |H r| for a random direction r on the same group.
# Dashed: theory.  Scale moves exactly along its orbit, so the residual is
# h^2/(1-h^2)|g_A|; translation is round-off, eps|g|/h; rescale's straight
# line leaves the orbit at O(h^2) (order only, through h = 1e-2).
# Data: data/ch2/s0_sgd_plain_hessian_translation.tsv, data/ch2/s0_sgd_plain_hessian_rescale.tsv,
#       data/ch2/s0_sgd_bn_hessian_scale.tsv
set logscale xy
set format x "10^{%T}"
set format y "10^{%T}"
set xlabel "finite-difference step h"
set ylabel "|H ξ + (∂ξ)^T g| / |H r|"
# key in the empty band right of the last step (h = 0.1), clear of the data
set key at graph 1, graph 0.62 right font ",11" samplen 2
plot 'data/ch2/s0_sgd_bn_hessian_scale.tsv' using 1:2 with linespoints ls 3 pt 7 ps 0.6 title "scale", \
     '' using 1:4 with lines ls 13 title "", \
     'data/ch2/s0_sgd_plain_hessian_rescale.tsv' using 1:2 with linespoints ls 2 pt 5 ps 0.6 title "rescale", \
     '' using 1:4 with lines ls 12 title "", \
     'data/ch2/s0_sgd_plain_hessian_translation.tsv' using 1:2 with linespoints ls 1 pt 9 ps 0.7 title "translation", \
     '' using 1:4 with lines ls 11 title "theory (dashed)"
