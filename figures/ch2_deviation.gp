# ch2_deviation.gp: how exact is "exact"?  Largest relative deviation over the
# 256 BN units between the measured scale charge and the exact discrete law
# (points, round-off) and NM's continuous law (solid), for three weight
# decays.  Dashed: the first-order size of the gap between the discrete and
# the continuous law, (eta lambda/2)(1 - e^{-2 eta lambda k}) (our estimate for
# a unit near its equilibrium).  Data: data/ch2/scale.tsv
set logscale y
set format y "10^{%T}"
set yrange [1e-17:1e-2]
set xlabel "SGD step k"
set ylabel "max relative deviation over units"
set key at graph 0.98, graph 0.64 right font ",10" samplen 2
eta = 0.1
array lam[4] = [0, 1e-3, 5e-3, 1e-2]
array lab[4] = ["", "λ = 10^{-3}", "λ = 5·10^{-3}", "λ = 10^{-2}"]
gap(k, l) = eta*l/2 * (1 - exp(-2*eta*l*k))
plot for [i=1:3] 'data/ch2/scale.tsv' index i using 1:17 with lines ls (i+1) lw 2 title lab[i+1].": vs continuous law", \
     for [i=1:3] 'data/ch2/scale.tsv' index i using 1:(gap($1, lam[i+1])) with lines ls (i+11) notitle, \
     for [i=1:3] 'data/ch2/scale.tsv' index i every 10 using 1:16 with points ls (i+1) pt 7 ps 0.3 title lab[i+1].": vs exact law"
