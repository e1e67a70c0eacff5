# ch5_meta_noether.gp: level sets of the meta-learned conserved quantity g_phi
# (solid; g_phi standardised by its mean and sd over the clean training
# states, levels -2 ... 2) against those of the true energy H (dashed), seed
# 0, pendulum (left) and spring (right).  Were g_phi a function of H alone,
# the two families of curves would coincide as sets.
# Data: data/ch5/noether/s0_levels.tsv (block 0 pendulum, 1 spring; columns
# system, q, p, g_std, H on a 41 x 41 grid).
set multiplot layout 1,2 margins 0.08,0.98,0.14,0.86 spacing 0.1,0
f = 'data/ch5/noether/s0_levels.tsv'
set view map
unset surface
set contour base
set cntrlabel onecolor
set size ratio -1
set xlabel "q" offset 0,0.5
set ylabel "p" offset 2,0
set key at screen 0.5, screen 0.975 center horizontal font ",11" samplen 2
set title "pendulum" font ",12" offset 0,-0.5
set cntrparam levels discrete 1, 2, 3, 4, 5
splot f index 0 u 2:3:5 w l ls 11 lw 1.5 nosurface title "H", \
      NaN w l ls 1 lw 2 title "g_φ (standardised)"
set cntrparam levels discrete -2, -1, 0, 1, 2
unset key
set multiplot previous
splot f index 0 u 2:3:4 w l ls 1 lw 2 nosurface notitle
set title "spring" font ",12" offset 0,-0.5
set cntrparam levels discrete 0.1, 0.3, 0.5, 0.7, 0.9
splot f index 1 u 2:3:5 w l ls 12 lw 1.5 nosurface notitle
set cntrparam levels discrete -2, -1, 0, 1, 2
set multiplot previous
splot f index 1 u 2:3:4 w l ls 2 lw 2 nosurface notitle
unset multiplot
