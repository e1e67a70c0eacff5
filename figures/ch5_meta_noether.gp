# ch5_meta_noether.gp: level sets of the meta-learned conserved quantity g_phi
# (solid) against those of the true energy H (dashed), seed 0, pendulum (left)
# and spring (right).  g_phi is mapped affinely onto H by least squares on the
# clean training states (g_fit = c0 + c1 g_phi; level sets do not change under
# such a map), so both are drawn at the same levels.
# Data: data/ch5/noether/s0_levels.tsv (block 0 pendulum, 1 spring; columns
# system, q, p, g_fit, H on a 41 x 41 grid).
set multiplot layout 1,2 margins 0.08,0.98,0.14,0.88 spacing 0.08,0
f = 'data/ch5/noether/s0_levels.tsv'
set view map
unset surface
set contour base
set size ratio -1
set xlabel "q" offset 0,0.5
set ylabel "p" offset 1,0
set key at screen 0.5, screen 0.985 center horizontal font ",11" samplen 2
set title "pendulum" font ",12" offset 0,-0.5
set cntrparam levels discrete 1, 2, 3, 4, 5
set cntrlabel onecolor
splot f index 0 u 2:3:5 w l ls 11 lw 1.5 nosurface title "H (dashed)", \
      f index 0 u 2:3:4 w l ls 1 lw 2 nosurface title "g_φ mapped onto H"
set title "spring" font ",12" offset 0,-0.5
set cntrparam levels discrete 0.1, 0.3, 0.5, 0.7, 0.9
unset key
splot f index 1 u 2:3:5 w l ls 12 lw 1.5 nosurface notitle, \
      f index 1 u 2:3:4 w l ls 2 lw 2 nosurface notitle
unset multiplot
