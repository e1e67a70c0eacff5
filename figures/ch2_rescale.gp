# ch2_rescale.gp: NM's rescale law.  D = |theta_out|^2 - |theta_in|^2 of three
# ReLU units of the second hidden layer (plain MLP), without weight decay and
# at lambda = 2e-2, against the continuous law driven by the measured gradient
# norms (dashed).  Seed 0.  Data: data/ch2/s0_sgd_plain_rescale.tsv (one block per lambda)
set xlabel "time t = η k"
set ylabel "|θ_{out}|^2 − |θ_{in}|^2"
set xrange [0:200]
set key at graph 0.98, graph 0.64 right font ",11" samplen 2
plot for [u=0:2] 'data/ch2/s0_sgd_plain_rescale.tsv' index 0 using 2:(column(7+3*u)) with lines ls 1 lw 3 title (u==0 ? "λ = 0" : ""), \
     for [u=0:2] 'data/ch2/s0_sgd_plain_rescale.tsv' index 1 using 2:(column(7+3*u)) with lines ls 4 lw 3 title (u==0 ? "λ = 2·10^{-2}" : ""), \
     for [u=0:2] 'data/ch2/s0_sgd_plain_rescale.tsv' index 0 using 2:(column(9+3*u)) with lines ls 13 lw 1.5 title (u==0 ? "continuous law, measured |g|^2" : ""), \
     for [u=0:2] 'data/ch2/s0_sgd_plain_rescale.tsv' index 1 using 2:(column(9+3*u)) with lines ls 13 lw 1.5 notitle
