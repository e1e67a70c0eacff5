# ch3_constrained_scan: E7, NLD Fig. 4 analogue.  Left: final test accuracy of
# the free and the norm-constrained BN MLP across learning rates.  Right: the
# effective learning rate of layer 1 at the end (points: measured median) with
# theory (dashed): constrained eta/((1 - eta lambda)|q_0|^2), free
# sqrt(2 eta lambda/nu) with nu the EMA of |gt|^2 (Tanaka & Kunin 2021).
set multiplot layout 1,2
set logscale x
set format x "10^{%L}"
set xlabel "learning rate η"
set key bottom left font ",11"
set ylabel "test accuracy after training"
set yrange [0:1]
plot 'data/ch3/constrained_scan.tsv' using "eta":"acc_free" with linespoints ls 1 pt 7 title "free", \
     '' using "eta":"acc_con" with linespoints ls 2 pt 5 title "norm fixed"
set logscale y
set yrange [*:*]
set key top left
set ylabel "median η_{eff}, layer 1, last 100 steps"
plot 'data/ch3/constrained_scan.tsv' using "eta":"effpred_free" with lines ls 11 lw 2 title "√(2ηλ/ν)", \
     '' using "eta":"effpred_con" with lines ls 12 lw 2 title "η/((1-ηλ)|q_0|^2)", \
     '' using "eta":"eff_free" with points ls 1 pt 7 notitle, \
     '' using "eta":"eff_con" with points ls 2 pt 5 notitle
unset multiplot
