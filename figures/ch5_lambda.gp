# ch5_lambda.gp: test-time tailoring (Alet et al. 2021): mean rollout RMSE over
# the test initial conditions after one gradient step of size lambda on the
# conservation loss of the discovered quantity (solid, points) and of the true
# Hamiltonian (dashed: the oracle), against the untailored predictor
# (horizontal).  Shaded: the paper's sweep 10^-3 ... 10.
# Data: data/ch5/noether_lambda.tsv
set logscale y

set xlabel "log_{10} λ (inner step size)"
set ylabel "rollout RMSE, t ≤ 10"
set xrange [-6.2:1.2]
set yrange [0.12:2.5]
set ytics (0.15, 0.2, 0.3, 0.5, 0.7, 1, 1.5, 2)
set format y "%g"
set key bottom right font ",11" opaque
set object 1 rect from -3, graph 0 to 1, graph 1 behind fc rgb "#c8c8c8" fs transparent solid 0.25 noborder
f = 'data/ch5/noether_lambda.tsv'
plot f u ($1==0 ? $2 : 1/0):5 w lp ls 1 pt 7 title "pendulum, discovered", \
     f u ($1==0 ? $2 : 1/0):6 w l ls 11 lw 2.5 title "pendulum, oracle", \
     f u ($1==0 ? $2 : 1/0):8 w l ls 3 title "pendulum, untailored", \
     f u ($1==1 ? $2 : 1/0):5 w lp ls 2 pt 5 title "spring, discovered", \
     f u ($1==1 ? $2 : 1/0):6 w l ls 12 lw 2.5 title "spring, oracle", \
     f u ($1==1 ? $2 : 1/0):8 w l ls 4 title "spring, untailored"
