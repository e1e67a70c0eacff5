# ch3_toy_law: stationary RMS angular step against eta*lambda on the noisy
# scale-invariant quadratic (points) and sqrt(2 eta lambda/(1+beta)) (dashed)
# (Wan et al. 2021; Tanaka & Kunin 2021).
set logscale xy
set xlabel "ηλ"
set ylabel "stationary RMS angle per step (rad)"
set key top left
set xrange [1.5e-5:2e-2]
set yrange [4e-3:0.25]
set format x "10^{%L}"
plot 'data/ch3/toy_law.tsv' using 1:5 with lines ls 11 title "√(2ηλ/(1+β))", \
     '' using 1:6 with lines ls 12 notitle, \
     '' using 1:7 with lines ls 13 notitle, \
     '' using 1:2 with points ls 1 pt 7 ps 1.2 title "β = 0", \
     '' using 1:3 with points ls 2 pt 5 ps 1.2 title "β = 0.5", \
     '' using 1:4 with points ls 3 pt 9 ps 1.4 title "β = 0.9"
