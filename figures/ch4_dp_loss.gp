# ch4_dp_loss.gp: training curves on the double pendulum: per-sample L1 of
# qddot (running mean over 100 steps, solid) and on held-out trajectory states
# (points), LNN vs baseline MLP, same steps and batch.  Dashed: the learning
# rate of the OneCycle schedule (right axis).
# Data: data/ch4/dp_lnn_loss.tsv, data/ch4/dp_mlp_loss.tsv
set logscale y
set xlabel "step" offset 0,0.4
set ylabel "L1 of q̈ per sample"
set y2label "learning rate"
set y2tics
set ytics nomirror
set format y2 "%.1e"
set xtics 5000
set format x "%g"
# the key goes below the frame: inside, every corner holds a curve or the
# learning-rate arc
set key outside below center horizontal maxcols 3 width -1 samplen 2
set datafile missing "nan"
f = 'data/ch4/dp_lnn_loss.tsv'
g = 'data/ch4/dp_mlp_loss.tsv'
plot f u 1:3 w l ls 1 title "LNN, train", \
     g u 1:3 w l ls 2 title "baseline, train", \
     f u 1:4 w p ls 1 pt 7 ps 0.7 title "LNN, held-out", \
     g u 1:4 w p ls 2 pt 5 ps 0.7 title "baseline, held-out", \
     f u 1:2 axes x1y2 w l ls 13 title "learning rate"
