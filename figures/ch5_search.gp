# ch5_search.gp: the library search of the Noether-network miniature (Alet et
# al. 2021, app. C).  For each pair (f1(q), f2(p)) the best coefficient gives
# the ratio var(random sequences) / var(true trajectories) (points).  Dashed:
# the paper's acceptance threshold 100.  Open squares: the pair of the true
# Hamiltonian (HNN's pendulum 3(1 - cos q) + p^2 and spring q^2 + p^2).
# Data: data/ch5/noether_search.tsv (block 0 pendulum, block 1 spring; columns
# system, k, a, ..., ratio, label).
set logscale y
set format y "10^{%L}"
set yrange [1e-1:1e34]
set xrange [-0.6:7.6]
set ylabel "variance ratio, random / true"
set xlabel "library pair  f_1(q), f_2(p)"
set xtics rotate by -30 font ",11"
set key top right font ",11"
f = 'data/ch5/noether_search.tsv'
plot f index 0 u 2:(1/0):xtic(7) w p notitle, \
     f index 0 u ($2-0.12):6 w impulses ls 1 lw 4 title "pendulum", \
     f index 1 u ($2+0.12):6 w impulses ls 2 lw 4 title "spring", \
     f index 0 u ($2==5 ? $2-0.12 : 1/0):6 w points ls 1 pt 4 ps 1.6 title "pair of the true H", \
     f index 1 u ($2==3 ? $2+0.12 : 1/0):6 w points ls 2 pt 4 ps 1.6 notitle, \
     100 w l ls 13 lc rgb "black" title "threshold 100"
