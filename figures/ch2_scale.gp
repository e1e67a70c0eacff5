# ch2_scale.gp: NM's scale law on the BatchNorm MLP.  Mean over the 256 BN
# units of |theta_A(t)|^2 / |theta_A(0)|^2: median over the seeds (solid) and
# its band (min-max over the seeds); the continuous law (dashed) and the exact
# law (circles), both driven by the measured per-step gradient norms of each
# run (medians over the seeds), for eta lambda K = 0, 0.4, 2, 4.
# Data: data/ch2/sgd_bn_scale_band.tsv (per lambda l: meas_l, exact_l, flow_l)
set xlabel "time t = η k"
set ylabel "mean |θ_A(t)|^2 / |θ_A(0)|^2"
set xrange [0:200]
set yrange [0:1.8]
set key at graph 0.98, graph 0.51 right top Left reverse font ",10" samplen 2 spacing 0.95
set style fill transparent solid 0.25 noborder
array lam[4] = ["ηλK = 0", "ηλK = 0.4", "ηλK = 2", "ηλK = 4"]
f = 'data/ch2/sgd_bn_scale_band.tsv'
plot for [i=0:3] f using "t_median":(column(sprintf("meas_%d_min", i))):(column(sprintf("meas_%d_max", i))) with filledcurves ls (i+1) notitle, \
     for [i=0:3] f using "t_median":(column(sprintf("meas_%d_median", i))) with lines ls (i+1) lw 2 title lam[i+1], \
     for [i=0:3] f using "t_median":(column(sprintf("flow_%d_median", i))) with lines ls (i+11) lw 1.5 title (i==3 ? "continuous law, measured |g|^2" : ""), \
     for [i=0:3] f every 40 using "t_median":(column(sprintf("exact_%d_median", i))) with points ls (i+1) pt 6 ps 0.8 title (i==3 ? "exact law, measured |g|^2" : "")
