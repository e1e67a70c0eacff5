# ch2_momentum.gp: momentum as a damped driven oscillator (derived in the
# chapter's appendix; the authors' code evaluates the same oscillator).  Left: translation charge s_j/s_j(0) of one softmax column
# under heavy ball (solid) against the free oscillator (dashed).  Right: mean
# scale charge of the BN units (solid) against the driven oscillator with the
# measured buffer norms (dashed) and the exact discrete (Q, P) law (circles).
# (Theory drawn in one colour on top.)  eta = 0.01, lambda = 1e-2, seed 0.
# Data: data/ch2/s0_momentum_translation.tsv, data/ch2/s0_momentum_scale.tsv
set multiplot layout 1,2 margins 0.1,0.96,0.17,0.88 spacing 0.13,0
set xlabel "SGD step k" offset 0,0.5
set xrange [0:2000]
set xtics 500
set key top right font ",10" samplen 2
set title "translation" font ",12"
set ylabel "s_j / s_j(0)"
set yrange [-0.3:1.05]
plot 'data/ch2/s0_momentum_translation.tsv' index 0 using 1:3 with lines ls 1 lw 3 title "β = 0.9", \
     '' index 1 using 1:3 with lines ls 2 lw 3 title "β = 0.99", \
     '' index 0 using 1:5 with lines ls 13 title "", \
     '' index 1 using 1:5 with lines ls 13 title "oscillator"
set title "scale (BN units)" font ",12"
set ylabel "mean |θ_A|^2 / |θ_A(0)|^2"
set yrange [0.2:1.7]
set key top right
plot 'data/ch2/s0_momentum_scale.tsv' index 0 using 1:3 with lines ls 1 lw 3 title "β = 0.9", \
     '' index 1 using 1:3 with lines ls 2 lw 3 title "β = 0.99", \
     '' index 0 using 1:5 with lines ls 13 title "", \
     '' index 1 using 1:5 with lines ls 13 title "driven oscillator", \
     '' index 0 every 30 using 1:4 with points ls 1 pt 6 ps 0.7 title "", \
     '' index 1 every 30 using 1:4 with points ls 2 pt 6 ps 0.7 title "exact law"
unset multiplot
