# ch2_translation.gp: E2, NM's translation law.  The translation charge s_j = sum_c W_cj
# of three hidden units feeding the softmax, divided by its initial value,
# for four weight decays (points); dashed: e^{-lambda t}, t = eta k.
# Data: data/ch2/translation.tsv (one block per lambda)
set logscale y
set format y "10^{%T}"
set xlabel "time t = η k"
set ylabel "s_j(t) / s_j(0)"
set xrange [0:400]
set key bottom left font ",11" samplen 2
array lam[4] = ["λ = 0", "λ = 10^{-3}", "λ = 5·10^{-3}", "λ = 10^{-2}"]
plot for [i=0:3] 'data/ch2/translation.tsv' index i every 40 using 2:7 with points ls (i+1) pt 7 ps 0.5 title lam[i+1], \
     for [i=0:3] 'data/ch2/translation.tsv' index i every 40 using 2:10 with points ls (i+1) pt 6 ps 0.7 notitle, \
     for [i=0:3] 'data/ch2/translation.tsv' index i every 40 using 2:13 with points ls (i+1) pt 4 ps 0.7 notitle, \
     for [i=0:3] 'data/ch2/translation.tsv' index i using 2:6 with lines ls (i+11) title (i==3 ? "e^{-λt}" : "")
