# ch2_toy_fields.gp: NM Figs. 2-3 (Kunin et al. 2021).  For each toy loss, the
# field -grad L (arrows, direction only), gradient-flow trajectories (solid,
# RK4) and the level sets of the charge that symmetry conserves (dashed).
# Data: data/ch2/toy_field.tsv, data/ch2/toy_levels.tsv, data/ch2/toy_flows.tsv
set multiplot layout 1,3 margins 0.07,0.99,0.16,0.86 spacing 0.04,0
set key at screen 0.5, screen 0.96 center top horizontal maxcols 3 maxrows 1 width 1 samplen 2 font ",11"
set size ratio -1
set xrange [-1:1]
set yrange [-1:1]
set xtics 1
set ytics 1
set xlabel "w_1"
unset grid
array titles[3] = ["translation: w_1+w_2", "scale: w_1^2+w_2^2", "rescale: w_2^2−w_1^2"]
do for [i=0:2] {
  set title titles[i+1] font ",12"
  if (i == 0) { set ylabel "w_2" } else { unset ylabel; set format y "" }
  plot 'data/ch2/toy_levels.tsv' index i using 1:2 with lines ls 12 lw 1 title (i==0 ? "charge level sets" : ""), \
       'data/ch2/toy_field.tsv' index i using 1:2:3:4 with vectors head size 0.03,25 filled ls 3 lw 0.8 title (i==0 ? "−∇L" : ""), \
       'data/ch2/toy_flows.tsv' index i using 2:3 with lines ls 1 lw 2.5 title (i==0 ? "gradient flow" : "")
}
unset multiplot
