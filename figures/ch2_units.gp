# ch2_units.gp: NM Fig. 1 in miniature.  Left: six incoming weights of one
# BatchNorm unit of the second hidden layer during training (lambda = 2e-2):
# noisy, with no law in sight.  Right: the unit's scale charge |theta_A|^2
# (solid) and the exact law of the chapter driven by the measured gradient
# norms (dashed, on top).  Seed 0.  Data: data/ch2/s0_sgd_bn_units.tsv
set multiplot layout 1,2 margins 0.14,0.98,0.17,0.88 spacing 0.14,0
set xlabel "SGD step k" offset 0,0.5
set xrange [0:2000]
set xtics 500
set title "six weights of one unit" font ",12"
set ylabel "W_{1}[0, j]" offset 0.5,0
plot for [j=0:5] 'data/ch2/s0_sgd_bn_units.tsv' using 1:(column(3+j)) with lines ls (j+1) lw 1 notitle
set title "the unit's charge |θ_A|^2" font ",12"
set ylabel "|θ_A|^2" offset 0.5,0
set key top right font ",10" samplen 2
plot 'data/ch2/s0_sgd_bn_units.tsv' using 1:9 with lines ls 1 lw 3 title "measured", \
     '' using 1:10 with lines ls 13 lw 1.5 title "exact law"
unset multiplot
