# ch5_energy.gp: the true Hamiltonian along the rollouts from the first test
# initial condition, divided by its initial value: the untailored predictor and
# the one tailored with the discovered quantity (at the lambda chosen on
# validation data).  Dashed: the law, H(t) = H(0).
# Data: data/ch5/noether/s0_phase.tsv (columns system, t, ..., H_true, H_base, H_disc)
set xlabel "time t"
set ylabel "H(t) / H(0)"
set xrange [0:10]
set key top left
f = 'data/ch5/noether/s0_phase.tsv'
stats f u ($1==0 ? $9 : 1/0) nooutput name "P"
stats f u ($1==1 ? $9 : 1/0) nooutput name "S"
set yrange [0.85:1.25]
plot f u ($1==0 ? $2 : 1/0):($10/P_max) w l ls 1 title "pendulum, untailored", \
     f u ($1==0 ? $2 : 1/0):($11/P_max) w l ls 3 title "pendulum, tailored", \
     f u ($1==1 ? $2 : 1/0):($10/S_max) w l ls 2 lw 5 title "spring, untailored", \
     f u ($1==1 ? $2 : 1/0):($11/S_max) w l ls 4 title "spring, tailored", \
     1 w l ls 11 lc rgb "black" title "conservation law"
