# ch3_constrained_scan: NLD Fig. 4 analogue over seeds.  Left: final test
# accuracy of the free and the norm-fixed BN MLP across learning rates, median
# (line) and min-max band over the seeds.  Right: layer 1's median effective
# learning rate over the last 100 steps, median and band over seeds, with the
# theory (dashed, medians over seeds): fixed norm eta/((1 - eta lambda)|q_0|^2)
# (exact for a fixed norm), free sqrt(2 eta lambda/nu) with nu the EMA of the
# measured |gt|^2 (Tanaka & Kunin 2021).
f = 'data/ch3/constrained_seeds_scan.tsv'
set multiplot layout 1,2
set logscale x
set format x "10^{%L}"
set xrange [0.0008:4]
set xlabel "learning rate η"
set style fill transparent solid 0.2 noborder
set key bottom left font ",11"
set ylabel "test accuracy after training"
set yrange [0:1]
plot f using "eta":"acc_free_min":"acc_free_max" with filledcurves ls 1 notitle, \
     f using "eta":"acc_con_min":"acc_con_max" with filledcurves ls 2 notitle, \
     f using "eta":"acc_free_median" with linespoints ls 1 pt 7 title "free", \
     f using "eta":"acc_con_median" with linespoints ls 2 pt 5 title "norm fixed"
set logscale y
set format y "10^{%L}"
set yrange [1e-3:30]
set key top left
set ylabel "η_{eff}, layer 1, last 100 steps"
plot f using "eta":"eff_free_min":"eff_free_max" with filledcurves ls 1 notitle, \
     f using "eta":"eff_con_min":"eff_con_max" with filledcurves ls 2 notitle, \
     f using "eta":"eff_free_median" with linespoints ls 1 pt 7 notitle, \
     f using "eta":"eff_con_median" with linespoints ls 2 pt 5 notitle, \
     f using "eta":"effpred_free_median" with lines ls 11 lw 2.5 title "√(2ηλ/ν)", \
     f using "eta":"effpred_con_median" with lines ls 12 lw 2.5 title "η/((1-ηλ)|q_0|^2)"
unset multiplot
