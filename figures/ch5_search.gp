# ch5_search.gp: the library search of the Noether-network miniature (Alet et
# al. 2021, app. C), seed 0.  For each pair (f1, f2) of the library (seven
# first terms, four p-terms, decoys included) the best coefficient gives the
# ratio var(random sequences) / var(true trajectories): bars on the clean
# training trajectories, points on the noisy states the predictor trains on.
# Open squares: the pair of the true Hamiltonian.  Dashed: the paper's
# acceptance threshold 100.
# Data: data/ch5/noether/s0_search.tsv (block 0 pendulum, block 1 spring;
# columns system, k, a_clean, ratio_clean, a_noisy, ratio_noisy, is_true, label).
set multiplot layout 2,1 margins 0.1,0.98,0.2,0.95 spacing 0,0.09
f = 'data/ch5/noether/s0_search.tsv'
set logscale y
set format y "10^{%L}"
set yrange [0.3:1e25]
set xrange [-0.7:27.7]
set ylabel "ratio, random / true" offset 1,0
set key top right horizontal font ",10" samplen 1.5
set xtics format "" scale 0.5
set title "pendulum" font ",12" offset 0,-0.8
plot f index 0 u 2:4 w impulses ls 1 lw 5 title "clean", \
     f index 0 u 2:6 w p ls 3 pt 7 ps 0.9 title "noisy (σ = 0.1)", \
     f index 0 u ($7==1 ? $2 : 1/0):4 w p ls 1 pt 4 ps 1.8 title "true H", \
     100 w l ls 13 lc rgb "black" title "threshold 100"
set title "spring" font ",12" offset 0,-0.8
set xtics rotate by -60 font ",9" scale 0.5
set xlabel "library pair  f_1, f_2" offset 0,0.5
plot f index 1 u 2:4:xtic(8) w impulses ls 2 lw 5 notitle, \
     f index 1 u 2:6 w p ls 3 pt 7 ps 0.9 notitle, \
     f index 1 u ($7==1 ? $2 : 1/0):4 w p ls 2 pt 4 ps 1.8 notitle, \
     100 w l ls 13 lc rgb "black" notitle
unset multiplot
