# ch2_rescale.gp: E4, NM's rescale law.  The rescale charge |W_out[:,i]|^2 - |W_in[i,:]|^2
# of three ReLU units of the second hidden layer (solid) without weight decay
# and at eta lambda K = 4, against the continuous law driven by the measured gradient
# norms (dashed, drawn in one colour on top).  Data: data/ch2/rescale.tsv (one block per lambda)
set xlabel "time t = η k"
set ylabel "|θ_{out}|^2 − |θ_{in}|^2"
set xrange [0:400]
set key at graph 0.98, graph 0.64 right font ",11" samplen 2
plot for [u=0:2] 'data/ch2/rescale.tsv' index 0 using 2:(column(7+3*u)) with lines ls 1 lw 3 title (u==0 ? "λ = 0" : ""), \
     for [u=0:2] 'data/ch2/rescale.tsv' index 3 using 2:(column(7+3*u)) with lines ls 4 lw 3 title (u==0 ? "λ = 10^{-2}" : ""), \
     for [u=0:2] 'data/ch2/rescale.tsv' index 0 using 2:(column(9+3*u)) with lines ls 13 lw 1.5 title (u==0 ? "continuous law, measured |g|^2" : ""), \
     for [u=0:2] 'data/ch2/rescale.tsv' index 3 using 2:(column(9+3*u)) with lines ls 13 lw 1.5 notitle
