# ch2_toy_quadratic.gp: NM Fig. 4.  Left: gradient descent (points) on
# L = w^T A w/2 against gradient flow, the modified loss and the modified flow
# (dashed, closed forms).  Right: heavy ball against gradient flow at rescaled
# time and the momentum modified flow.  Data: data/ch2/toy_quadratic.tsv
set multiplot layout 1,2 margins 0.1,0.98,0.17,0.88 spacing 0.12,0
set xlabel "w_1"
set ylabel "w_2"
unset grid
set key top right font ",11" spacing 1.1 samplen 2
set title "GD, η = 0.1, 20 steps" font ",12"
set xrange [-0.1:1.05]
set yrange [-0.2:0.65]
plot 'data/ch2/toy_quadratic.tsv' index 4 using 2:3 with lines lc rgb "black" lw 0.4 dt 3 notitle, \
     '' index 1 using 2:3 with lines ls 12 title "gradient flow", \
     '' index 2 using 2:3 with lines ls 13 title "modified loss", \
     '' index 3 using 2:3 with lines ls 14 title "modified flow", \
     '' index 0 using 2:3 with points ls 1 pt 7 ps 0.6 title "GD"
set title "heavy ball, η = 0.01, β = 0.9, 50 steps" font ",12"
set ylabel "w_2" offset 1,0
set xrange [-0.15:1.05]
plot 'data/ch2/toy_quadratic.tsv' index 4 using 2:3 with lines lc rgb "black" lw 0.4 dt 3 notitle, \
     '' index 6 using 2:3 with lines ls 12 title "gradient flow, t = ηk/(1−β)", \
     '' index 7 using 2:3 with lines ls 14 title "momentum modified flow", \
     '' index 5 using 2:3 with points ls 1 pt 7 ps 0.6 title "heavy ball"
unset multiplot
