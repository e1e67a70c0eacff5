# ch5_newton_track.gp: one damped-pendulum test track.  Points: the noisy
# observed frames; dashed: the true motion; solid: the Newton-scheme
# extrapolation (damped-harmonic family, chosen by BIC) and the black-box MLP.
# Data: data/ch5/newton/s0_track.tsv
set datafile missing "nan"
set xlabel "time t (s)"
set ylabel "angle θ (rad)"
set key bottom right font ",11"
f = 'data/ch5/newton/s0_track.tsv'
plot f u 1:2 w p ls 4 pt 7 ps 0.5 title "observed", \
     f u 1:3 w l ls 11 lc rgb "black" title "truth", \
     f u 1:4 w l ls 1 title "Newton scheme", \
     f u 1:5 w l ls 2 title "black box"
