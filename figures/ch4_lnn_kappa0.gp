# ch4_lnn_kappa0.gp: the kappa = 0 ablation (fig:lnn-kappa0).  The LNN with
# the added (kappa/2)|qdot|^2 (kappa = 1) and without it (kappa = 0, the
# paper's form), same data, width, steps and schedule, over seeds.
# Left: true-energy error |dE|/29.4, median over the 40 held-out initial
# conditions; lines: median over seeds, bands: min-max over seeds; the
# baseline of the same seeds for reference.  Right: per seed, the rollouts
# (of 40) that ran away (|dE|/29.4 > 1 at t = 100, or diverged).
# Data: data/ch4/dp_kappa1_energy_seeds.tsv, data/ch4/dp_kappa0_energy_seeds.tsv, data/ch4/dp_kappa0.tsv, data/ch4/dp_budget.tsv
set multiplot layout 1,2 margins 0.12,0.98,0.17,0.93 spacing 0.1
a = 'data/ch4/dp_kappa1_energy_seeds.tsv'
z = 'data/ch4/dp_kappa0_energy_seeds.tsv'
set logscale y
set format y "10^{%L}"
set xrange [0:100]
set yrange [1e-4:10]
set xlabel "t"
set ylabel "median |ΔE|/29.4" offset 2,0
set key bottom right samplen 2 spacing 0.9
clip(x) = x > 1e6 ? 1e6 : x
plot a u 1:(clip(column("base_med_min"))):(clip(column("base_med_max"))) w filledcurves ls 2 fs transparent solid 0.15 noborder, \
     z u 1:"lnn_med_min":(clip(column("lnn_med_max"))) w filledcurves ls 3 fs transparent solid 0.2 noborder, \
     a u 1:"lnn_med_min":"lnn_med_max" w filledcurves ls 1 fs transparent solid 0.2 noborder, \
     a u 1:(clip(column("base_med_median"))) w l ls 2 title "baseline", \
     z u 1:(clip(column("lnn_med_median"))) w l ls 3 title "LNN, κ = 0", \
     a u 1:"lnn_med_median" w l ls 1 title "LNN, κ = 1"
unset logscale y
set format y "%g"
set xrange [-0.5:4.5]
set yrange [-0.8:41]
set xlabel "seed"
set ylabel "runaway rollouts of 40" offset 1,0
set xtics 1
set key top right
b = 'data/ch4/dp_budget.tsv'
k = 'data/ch4/dp_kappa0.tsv'
plot b u ($1 == 10000 ? $2 + 0.12 : 1/0):8 w p ls 2 pt 9 ps 0.8 title "baseline", \
     k u ($2):7 w p ls 3 pt 5 ps 0.7 title "LNN, κ = 0", \
     b u ($1 == 10000 ? $2 - 0.12 : 1/0):7 w p ls 1 pt 7 ps 0.7 title "LNN, κ = 1"
unset multiplot
