# ch4_dp_energy.gp: true-energy error |E(x(t)) - E(x0)| / 29.4 of rollouts
# from held-out initial conditions (Cranmer et al. 2020's metric), median
# (line) and interquartile band over initial conditions, LNN vs baseline MLP.
# Dashed: the same RK4 on the closed-form dynamics (the integrator's share).
# A diverged rollout counts as infinite error (off the top of the axis).
# Data: data/ch4/dp_energy.tsv
set logscale y
set format y "10^{%L}"
set xlabel "time t"
set ylabel "|ΔE| / 29.4"
set xrange [0:100]
set yrange [1e-9:10]
set key bottom right
set style fill transparent solid 0.18 noborder
f = 'data/ch4/dp_energy.tsv'
plot f u 1:3:4 w filledcurves ls 1 notitle, \
     f u 1:6:7 w filledcurves ls 2 notitle, \
     f u 1:2 w l ls 1 title "LNN (median, quartiles)", \
     f u 1:5 w l ls 2 title "baseline (median, quartiles)", \
     f u 1:8 w l ls 11 lc rgb "black" title "RK4 on the true dynamics"
