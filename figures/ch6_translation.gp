# Chapter 6, E6: the softmax translation charge, the column sums S_j of Net
# B's logit layer, under eight update rules (translation.c): worst column
# |S_j(k) - (1 - eta lambda)^k S_j(0)| relative to max|W2(0)|, log scale.
# Identity-STE rules (plain, momentum 0.9, weight decay) stay at round-off
# like full precision; a masked STE, Adam, TTQ's scaled STE and a smooth
# surrogate derivative do not.  Also: the realized charge sum_c Q(W2)[c,j]
# under the identity STE, and the mirror charge sum_c M(W2[c,j]) of the
# surrogate rule.  Dashed: the round-off scale 2^-52 sqrt(k).
set logscale y
set format y "10^{%L}"
set xlabel "step k"
set ylabel "max_j |ΔS_j| / max|W_2(0)|"
set key at graph 0.99, graph 0.70 right top maxrows 6 samplen 2.5 spacing 1.1 font ",11"
set yrange [1e-17:1e4]
set ytics 1e-15, 1e5
set mytics 1
set xtics 200
f = 'data/ch6/translation.tsv'
plot f u 1:2 every 5 w l ls 1 title "FP SGD", \
     f u 1:3 every 5 w l ls 2 title "STE SGD", \
     f u 1:4 every 5 w l ls 3 title "STE + momentum", \
     f u 1:5 every 5 w l ls 4 title "STE + weight decay", \
     f u 1:6 every 5 w l ls 5 title "masked STE", \
     f u 1:7 every 5 w l ls 6 title "Adam", \
     f u 1:8 every 5 w l ls 1 dt 4 title "TTQ scaled STE", \
     f u 1:9 every 5 w l ls 2 dt 4 title "surrogate d(w)", \
     f u 1:10 every 5 w l ls 3 dt 5 title "realized ΣQ (STE)", \
     f u 1:11 every 5 w l ls 4 dt 5 title "mirror ΣM (surrogate)", \
     [1:1000] 2.22e-16 * sqrt(x) w l ls 11 lc rgb "black" title "2^{−52}√k"
