# ch2_translation.gp: NM's translation law.  s_j(t)/s_j(0) of three softmax
# columns of the plain MLP (points, three symbols), without weight decay and
# at lambda = 2e-2, against e^{-lambda t} (dashed), which uses no measured
# quantity.  Seed 0.  Data: data/ch2/s0_sgd_plain_translation.tsv (one block per lambda)
set logscale y
set format y "10^{%T}"
set xlabel "time t = η k"
set ylabel "s_j(t) / s_j(0)"
set xrange [0:200]
set yrange [5e-3:2]
set key bottom left font ",11" samplen 2
array lam[2] = ["λ = 0", "λ = 2·10^{-2}"]
plot for [i=0:1] 'data/ch2/s0_sgd_plain_translation.tsv' index i every 20 using 2:7 with points ls (3*i+1) pt 7 ps 0.5 title lam[i+1], \
     for [i=0:1] 'data/ch2/s0_sgd_plain_translation.tsv' index i every 20 using 2:10 with points ls (3*i+1) pt 6 ps 0.7 notitle, \
     for [i=0:1] 'data/ch2/s0_sgd_plain_translation.tsv' index i every 20 using 2:13 with points ls (3*i+1) pt 4 ps 0.7 notitle, \
     for [i=0:1] 'data/ch2/s0_sgd_plain_translation.tsv' index i using 2:6 with lines ls (3*i+11) title (i==1 ? "e^{-λt}" : "")
