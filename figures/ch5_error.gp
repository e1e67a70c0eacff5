# ch5_error.gp: distance |x_hat(t) - x(t)| in phase space on the pendulum's
# test initial conditions: mean over the initial conditions (lines) and the
# 25-75 % band (shaded) for the untailored predictor and the one tailored with
# the discovered quantity; dashed: tailored with the true Hamiltonian (oracle).
# Data: data/ch5/noether_error.tsv (system 0)
set xlabel "time t"
set ylabel "|x̂(t) − x(t)|, pendulum"
set xrange [0:10]
set yrange [0:*]
set key top left
f = 'data/ch5/noether_error.tsv'
plot f u ($1==0 ? $2 : 1/0):4:5 w filledcurves ls 1 fs transparent solid 0.18 noborder title "untailored, 25–75 %", \
     f u ($1==0 ? $2 : 1/0):7:8 w filledcurves ls 3 fs transparent solid 0.18 noborder title "tailored, 25–75 %", \
     f u ($1==0 ? $2 : 1/0):3 w l ls 1 title "untailored, mean", \
     f u ($1==0 ? $2 : 1/0):6 w l ls 3 title "tailored (discovered), mean", \
     f u ($1==0 ? $2 : 1/0):9 w l ls 12 lw 2.5 title "tailored (oracle), mean"
