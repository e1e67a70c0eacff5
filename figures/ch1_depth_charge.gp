# Chapter 1, a depth charge that is not zero.  The averaged translation
# charge along the read-out, <P_t, w> / (mean(y) |w|^2), for four variants of
# the residual net (median line and min-max band over the seeds): every
# parameter trained, read-out w frozen, embedding A frozen, and centered
# branches (with w frozen), whose mean prediction no parameter can move, so
# that P_T = -mean(y) w exactly (dashed, -1: a prediction).  Left: per layer
# at the end of training, with the budget telescoped from the last layer
# (crosses: an identity) and the centered net at initialisation (thin), both
# for seed 1.
# Right: at the last layer, against the step: the mean residual over mean(y).
c = 'data/ch1/depth_centered_layers_band.tsv'
p = 'data/ch1/depth_layers_band.tsv'
fw = 'data/ch1/depth_frozen_w_layers_band.tsv'
fa = 'data/ch1/depth_frozen_A_layers_band.tsv'
c1 = 'data/ch1/s1_depth_centered_layers.tsv'
ct = 'data/ch1/depth_centered_train_band.tsv'
pt = 'data/ch1/depth_train_band.tsv'
wt = 'data/ch1/depth_frozen_w_train_band.tsv'
at = 'data/ch1/depth_frozen_A_train_band.tsv'
set terminal svg size 760,420
set multiplot layout 1,2 margins 0.11,0.98,0.14,0.97 spacing 0.12,0
set xlabel "layer t"
set ylabel "⟨P_t, w⟩ / (ȳ |w|^2)"
set xrange [-0.2:6.2]
set yrange [-2.75:0.35]
set key bottom left maxrows 4 samplen 1.5 width -3
plot p u 1:"qw_end_min":"qw_end_max" w filledcurves ls 1 fs transparent solid 0.2 noborder, \
     fw u 1:"qw_end_min":"qw_end_max" w filledcurves ls 2 fs transparent solid 0.2 noborder, \
     fa u 1:"qw_end_min":"qw_end_max" w filledcurves ls 3 fs transparent solid 0.2 noborder, \
     c u 1:"qw_end_min":"qw_end_max" w filledcurves ls 4 fs transparent solid 0.25 noborder, \
     c1 u 1:"qw_init" w lp ls 4 lw 1 pt 6 ps 0.6 title "centered, init", \
     p u 1:"qw_end_median" w lp ls 1 lw 2 pt 7 ps 0.6 title "all trained", \
     fw u 1:"qw_end_median" w lp ls 2 lw 2 pt 7 ps 0.6 title "w frozen", \
     fa u 1:"qw_end_median" w lp ls 3 lw 2 pt 7 ps 0.6 title "A frozen", \
     c u 1:"qw_end_median" w lp ls 4 lw 3 pt 7 ps 0.8 title "centered, w frozen", \
     -1 w l ls 11 lc rgb "black" title "−1: P_T = −ȳ w", \
     c1 u 1:"qw_init_pred" w p ls 11 lc rgb "black" pt 2 ps 1.1 title "telescoped budget", \
     c1 u 1:"qw_end_pred" w p ls 11 lc rgb "black" pt 2 ps 1.1
set xlabel "gradient-descent step + 1"
set ylabel "⟨P_T, w⟩ / (ȳ |w|^2) = E(ŷ − y) / ȳ" offset 1,0
set logscale x
set format x "10^{%L}"
set xrange [1:1.2e5]
set key bottom right
plot pt u ($1+1):"qw_6_min":"qw_6_max" w filledcurves ls 1 fs transparent solid 0.2 noborder, \
     wt u ($1+1):"qw_6_min":"qw_6_max" w filledcurves ls 2 fs transparent solid 0.2 noborder, \
     at u ($1+1):"qw_6_min":"qw_6_max" w filledcurves ls 3 fs transparent solid 0.2 noborder, \
     pt u ($1+1):"qw_6_median" w l ls 1 lw 2, \
     wt u ($1+1):"qw_6_median" w l ls 2 lw 2, \
     at u ($1+1):"qw_6_median" w l ls 3 lw 2, \
     ct u ($1+1):"qw_6_median" w l ls 4 lw 3, \
     ct u ($1+1):"qw_0_median" w l ls 4 lw 1 title "centered, first layer", \
     -1 w l ls 11 lc rgb "black"
unset multiplot
