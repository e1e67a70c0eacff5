# Chapter 6, E4: what the two-stage schedule does to the ternary codes.
# Ternary run of ch6_twostage: |W1|^2 (right axis) rises slowly in stage 1 and
# grows once weight decay is off; the net flip rate of W1's codes (left axis,
# flips over 20 steps, per step) falls with the angular step.  Dashed: the
# flip prediction kappa * (20-step angle) (train.c).
set logscale y
set xlabel "step k"
set ylabel "net code flips of W_1 per step"
set y2label "|W_1|^2"
set y2tics
set ytics nomirror
set key top right
set datafile missing "nan"
set arrow from 1500, graph 0 to 1500, graph 1 nohead dashtype 3 lc rgb "black" lw 0.8
tn = 'data/ch6/run_ws_tern.tsv'
plot tn u 1:25 every 5 w l ls 2 title "net flips", \
     tn u 1:($27*$26) every 20 w l ls 12 title "κ·angle", \
     tn u 1:4 axes x1y2 w l ls 3 title "|W_1|^2 (right)"
