# ch4_dp_seam.gp: what wrapping the angles does to the LNN's own energy.
# Per held-out initial condition: the drift |E_theta(100) - E_theta(0)| / 29.4
# along the LNN's rollout against how often that rollout crossed the seam
# q = pi (mod 2 pi), for the same training run with wrapped inputs (the LNN
# repository's choice) and with (cos q, sin q).  Theory (Cranmer et al.
# 2020, eq. 6 and @eq:etheta): E_theta is conserved exactly wherever L_theta
# is smooth, so only the integrator's error remains; dashed: the median of
# that error for the true energy under the same RK4 (the control).
# Zero crossings are drawn at the left edge, diverged rollouts at the top.
# Data: data/ch4/seam/dp_ic.tsv, data/ch4/budget/s0_n10000/dp_ic.tsv
set logscale xy
set xrange [0.35:2000]
set xtics ("0" 0.5, "1" 1, "10" 10, "100" 100, "1000" 1000)
set format y "10^{%L}"
set yrange [1e-11:1e3]
set xlabel "seam crossings of the rollout (t ≤ 100)"
set ylabel "|ΔE_{θ}| / 29.4 at t = 100"
set key bottom right samplen 1 spacing 0.9
x(c) = c > 0 ? c : 0.5
y(v) = v > 1e200 ? 300 : v   # a diverged rollout: drawn at the top
w = 'data/ch4/seam/dp_ic.tsv'
t = 'data/ch4/budget/s0_n10000/dp_ic.tsv'
stats t u 6 name "CTRL" nooutput
plot w u (x($2)*1.06):(y($3)) w p ls 2 pt 9 ps 0.9 title "LNN, wrapped angles", \
     t u (x($2)/1.06):(y($3)) w p ls 1 pt 7 ps 0.7 title "LNN, (cos q, sin q)", \
     CTRL_median w l ls 11 lc rgb "black" title "RK4 error on the true energy (median)"
