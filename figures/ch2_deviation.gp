# ch2_deviation.gp: how exact is exact.  Largest relative deviation over the
# 256 BN units between the measured scale charge and the exact law (points)
# or NM's continuous law (solid), both driven by the measured gradient norms;
# dashed: the first-order estimate (eta lambda / 2)(1 - e^{-2 eta lambda k})
# of the gap for a unit near equilibrium (derived in the chapter).  Seed 0.
# Data: data/ch2/s0_sgd_bn_scale.tsv (per lambda l: dev_exact_l, dev_flow_l)
set logscale y
set format y "10^{%T}"
set yrange [1e-17:1e-1]
set xlabel "SGD step k"
set ylabel "max relative deviation over units"
set key at graph 0.98, graph 0.64 right font ",10" samplen 2
eta = 0.1
array lam[4] = [0, 2e-3, 1e-2, 2e-2]
array lab[4] = ["", "λ = 2·10^{-3}", "λ = 10^{-2}", "λ = 2·10^{-2}"]
gap(k, l) = eta*l/2 * (1 - exp(-2*eta*l*k))
f = 'data/ch2/s0_sgd_bn_scale.tsv'
plot for [i=1:3] f using 1:(column(sprintf("dev_flow_%d", i))) with lines ls (i+1) lw 2 title lab[i+1].": vs continuous law", \
     for [i=1:3] f using 1:(gap($1, lam[i+1])) with lines ls (i+11) notitle, \
     for [i=1:3] f every 10 using 1:(column(sprintf("dev_exact_%d", i))) with points ls (i+1) pt 7 ps 0.3 title lab[i+1].": vs exact law"
