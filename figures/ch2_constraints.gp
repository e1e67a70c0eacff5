# ch2_constraints.gp: the gradient constraints of NM (Kunin et al. 2021) on
# real minibatch gradients while training (seed 0, lambda = 2e-2), relative residuals (symmetry.h):
# translation sum_c g_cj, rescale <g_in,th_in> - <g_out,th_out>, scale
# <g_A, th_A>.  Controls: the same tests on groups that have no symmetry.
# Translation also against the activation scale |sum_c g_cj| / mean_b |h_bj|
# (open circles).  Dashed: machine epsilon, the theory's "zero" in double precision.
# Data: data/ch2/s0_sgd_plain_constraints.tsv, data/ch2/s0_sgd_bn_constraints.tsv
set logscale y
set format y "10^{%T}"
set yrange [1e-18:1e2]
set xrange [0:2000]
set xlabel "SGD step"
set ylabel "relative residual"
# key in two columns, in the empty band between the controls (~0.1) and the
# round-off clouds (< 1e-9)
set key at graph 0.99, graph 0.78 right maxrows 4 font ",10" spacing 1.0 samplen 2 width -3
eps = 2.220446049250313e-16
max(a,b) = a > b ? a : b
plot 'data/ch2/s0_sgd_plain_constraints.tsv' every 8 using 1:2 with points ls 1 pt 7 ps 0.25 title "translation (softmax columns)", \
     'data/ch2/s0_sgd_plain_constraints.tsv' every 8 using 1:8 with points ls 1 pt 6 ps 0.35 title "translation, vs activations", \
     'data/ch2/s0_sgd_plain_constraints.tsv' every 8 using 1:(max($3,$4)) with points ls 2 pt 7 ps 0.25 title "rescale (ReLU units)", \
     'data/ch2/s0_sgd_bn_constraints.tsv' every 8 using 1:(max($2,$3)) with points ls 3 pt 7 ps 0.25 title "scale (BN units, ε = 0)", \
     'data/ch2/s0_sgd_plain_constraints.tsv' every 8 using 1:5 with lines ls 4 lw 1 title "control: hidden columns", \
     'data/ch2/s0_sgd_plain_constraints.tsv' every 8 using 1:6 with lines ls 5 lw 1 title "control: scale without BN", \
     'data/ch2/s0_sgd_bn_constraints.tsv' every 8 using 1:5 with lines ls 6 lw 1 title "control: rescale with BN", \
     eps with lines ls 11 title "machine ε"
