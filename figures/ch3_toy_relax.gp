# ch3_toy_relax: RMS angle between successive q on the noisy scale-invariant
# quadratic relaxing to sqrt(2 eta lambda/(1+beta)) (Tanaka & Kunin 2021;
# Wan et al. 2021).  Solid: measured (200 replicas); dashed: the RMSProp/EMA
# prediction (beta = 0) and the equilibrium values.
tau = real(system("awk -F'\t' '$1==\"tau_steps\"{print $2}' data/ch3/toy_summary.tsv"))
tau9 = real(system("awk -F'\t' '$1==\"tau_steps_b9\"{print $2}' data/ch3/toy_summary.tsv"))
set logscale xy
set xlabel "step k"
set ylabel "RMS angle ∠(q_k, q_{k+1})  (rad)"
set xrange [1:4000]
set yrange [0.01:1.5]
set key top right
set arrow from tau, graph 0 to tau, graph 1 nohead ls 13 lw 0.8
set label "1/(4ηλ)" at tau, graph 0.05 offset 0.5,0
set arrow from tau9, graph 0 to tau9, graph 1 nohead ls 14 lw 0.8
set label "(1-β)/(4ηλ)" at tau9, graph 0.05 offset 0.5,0
plot 'data/ch3/toy_relax.tsv' using 1:2 with lines ls 1 title "β = 0", \
     '' using 1:3 with lines ls 1 notitle, \
     '' using 1:4 with lines ls 2 title "β = 0.9", \
     '' using 1:5 with lines ls 2 notitle, \
     '' using 1:6 with lines ls 11 title "EMA (RMSProp) prediction, β = 0", \
     '' using 1:7 with lines ls 11 notitle, \
     '' using 1:8 with lines ls 13 title "√(2ηλ/(1+β))", \
     '' using 1:9 with lines ls 13 notitle
