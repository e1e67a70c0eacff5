# ch5_lambda.gp: mean test RMSE after one tailoring step of size lambda, over
# the seeds: median (line) and min-max band (shaded) for the formula found on
# the noisy states; the true Hamiltonian (oracle, dashed median) and the
# untailored predictor (flat median); the meta-learned g_phi (diamonds, median).  Shaded background: the paper's sweep
# 10^-3 ... 10.
# Data: data/ch5/noether_lambda_band.tsv (system 0 pendulum, 1 spring)
set xlabel "log_{10} λ"
set ylabel "mean test RMSE"
set logscale y
set yrange [0.02:3]
set xrange [-6:1]
set key bottom left font ",10" maxrows 4 width -2
set object 1 rect from -3, graph 0 to 1, graph 1 fc rgb "#eeeeee" fs solid noborder behind
f = 'data/ch5/noether_lambda_band.tsv'
plot f u ($1==0 ? column("log10_lambda_median") : 1/0):"test_disc_min":"test_disc_max" w filledcurves ls 1 fs transparent solid 0.2 noborder notitle, \
     f u ($1==1 ? column("log10_lambda_median") : 1/0):"test_disc_min":"test_disc_max" w filledcurves ls 2 fs transparent solid 0.2 noborder notitle, \
     f u ($1==0 ? column("log10_lambda_median") : 1/0):"test_disc_median" w lp ls 1 pt 7 title "pendulum, found g", \
     f u ($1==0 ? column("log10_lambda_median") : 1/0):"test_oracle_median" w l ls 11 lw 2.5 title "pendulum, true H", \
     f u ($1==0 ? column("log10_lambda_median") : 1/0):"test_base_median" w l ls 3 title "pendulum, untailored", \
     f u ($1==1 ? column("log10_lambda_median") : 1/0):"test_disc_median" w lp ls 2 pt 5 title "spring, found g", \
     f u ($1==1 ? column("log10_lambda_median") : 1/0):"test_oracle_median" w l ls 12 lw 2.5 title "spring, true H", \
     f u ($1==1 ? column("log10_lambda_median") : 1/0):"test_base_median" w l ls 4 title "spring, untailored", \
     f u ($1==0 ? column("log10_lambda_median") : 1/0):"test_meta_median" w lp ls 5 pt 9 title "pendulum, g_φ", \
     f u ($1==1 ? column("log10_lambda_median") : 1/0):"test_meta_median" w lp ls 6 pt 11 title "spring, g_φ"
