# Chapter 1, Noether along depth (seed 1): the translation charge along a fixed
# direction v, layer by layer, at initialisation, early in training and at
# the end (thick), against the budget telescoped from the last layer (dashed
# black, crosses: <P_T, v> plus the budget of every later block), and the per-sample charges of four inputs at the end (thin).
set xlabel "layer t"
set ylabel "charge along v"
set key top right
set xrange [-0.2:6.2]
set yrange [-1:2.9]
f = 'data/ch1/s1_depth_layers.tsv'
plot f u 1:5 w lp ls 2 lw 1 pt 6 ps 0.5 title "per sample, end", \
     f u 1:6 w lp ls 2 lw 1 pt 6 ps 0.5, \
     f u 1:7 w lp ls 2 lw 1 pt 6 ps 0.5, \
     f u 1:8 w lp ls 2 lw 1 pt 6 ps 0.5, \
     f u 1:2 w lp ls 1 lw 3 pt 7 ps 0.8 title "average, init", \
     f u 1:3 w lp ls 3 lw 3 pt 7 ps 0.8 title "average, early", \
     f u 1:4 w lp ls 4 lw 3 pt 7 ps 0.8 title "average, end", \
     f u 1:9 w p ls 11 lc rgb "black" pt 2 ps 1.2 title "⟨P_T, v⟩ + telescoped budget", \
     f u 1:10 w p ls 11 lc rgb "black" pt 2 ps 1.2, \
     f u 1:11 w p ls 11 lc rgb "black" pt 2 ps 1.2
