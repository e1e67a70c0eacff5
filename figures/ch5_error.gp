# ch5_error.gp: distance |x_hat(t) - x(t)| in phase space on the pendulum's
# test initial conditions.  Per seed the mean over the test initial
# conditions; lines: the median of these means over the seeds, shaded: their
# min-max over the seeds; untailored, and tailored with the formula found on
# the noisy states; dashed: tailored with the true Hamiltonian (median);
# tailored with the meta-learned g_phi (median).
# Data: data/ch5/noether_error_band.tsv (system 0)
set xlabel "time t"
set ylabel "|x̂(t) − x(t)|, pendulum"
set xrange [0:10]
set yrange [0:*]
set key top left
f = 'data/ch5/noether_error_band.tsv'
plot f u ($1==0 ? column("t_median") : 1/0):"base_mean_min":"base_mean_max" w filledcurves ls 1 fs transparent solid 0.18 noborder title "untailored, seed min–max", \
     f u ($1==0 ? column("t_median") : 1/0):"disc_mean_min":"disc_mean_max" w filledcurves ls 3 fs transparent solid 0.18 noborder title "tailored, seed min–max", \
     f u ($1==0 ? column("t_median") : 1/0):"base_mean_median" w l ls 1 title "untailored, median", \
     f u ($1==0 ? column("t_median") : 1/0):"disc_mean_median" w l ls 3 title "tailored (found g), median", \
     f u ($1==0 ? column("t_median") : 1/0):"oracle_mean_median" w l ls 12 lw 2.5 title "tailored (true H), median", \
     f u ($1==0 ? column("t_median") : 1/0):"meta_mean_median" w l ls 4 title "tailored (meta-learned g_φ), median"
