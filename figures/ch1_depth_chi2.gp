# Chapter 1, the whitened test of the follow-up code: is the mean of a set of
# per-sample vectors zero?  Statistic N m^T S^-1 m of the N per-sample
# vectors (S their covariance), against training step, median line and
# min-max band over the seeds; grey: the central 90 % of its null
# distribution chi^2_4 (i.i.d. vectors of mean zero), dashed: its 95 % point.
# Left: the layer difference g_0^(i) - g_T^(i), whose training-set mean is
# exactly the telescoped budget.  Right: g_0^(i) itself, whose mean is the
# charge P_0.  Diamonds at the right edge: the same statistic on 4096 fresh
# samples at the end (all-trained net; median and range over the seeds).
p = 'data/ch1/depth_train_band.tsv'
c = 'data/ch1/depth_centered_train_band.tsv'
k = 'data/ch1/depth_seeds.tsv'
stats k u (strcol(1) eq "chi2_q05_median" ? $2 : 1/0) nooutput; q05 = STATS_max
stats k u (strcol(1) eq "chi2_q95_median" ? $2 : 1/0) nooutput; q95 = STATS_max
stats k u (strcol(1) eq "heldout_chi2_diff_median" ? $2 : 1/0) nooutput; hd = STATS_max
stats k u (strcol(1) eq "heldout_chi2_diff_min" ? $2 : 1/0) nooutput; hd0 = STATS_max
stats k u (strcol(1) eq "heldout_chi2_diff_max" ? $2 : 1/0) nooutput; hd1 = STATS_max
stats k u (strcol(1) eq "heldout_chi2_first_median" ? $2 : 1/0) nooutput; hf = STATS_max
stats k u (strcol(1) eq "heldout_chi2_first_min" ? $2 : 1/0) nooutput; hf0 = STATS_max
stats k u (strcol(1) eq "heldout_chi2_first_max" ? $2 : 1/0) nooutput; hf1 = STATS_max
set terminal svg size 760,420
set multiplot layout 1,2 margins 0.1,0.98,0.14,0.89 spacing 0.09,0
set logscale xy
set format x "10^{%L}"
set format y "10^{%L}"
set xrange [1:3e5]
set yrange [1e-3:1e6]
set xlabel "gradient-descent step + 1"
set ylabel "N m^T S^{-1} m"
set key top right samplen 2
set title "mean of g_0^{(i)} − g_T^{(i)} (the law)" font ",12"
set object 1 rect from graph 0, first q05 to graph 1, first q95 fc rgb "black" fs transparent solid 0.08 noborder behind
set label 1 "null: 5–95 %" at graph 0.6, first 2.2 font ",11"
plot p u ($1+1):"chi2_diff_min":"chi2_diff_max" w filledcurves ls 1 fs transparent solid 0.2 noborder, \
     c u ($1+1):"chi2_diff_min":"chi2_diff_max" w filledcurves ls 4 fs transparent solid 0.25 noborder, \
     p u ($1+1):"chi2_diff_median" w l ls 1 lw 2 title "all trained", \
     c u ($1+1):"chi2_diff_median" w l ls 4 lw 2 title "centered, w frozen", \
     q95 w l ls 11 lc rgb "black" title "χ^2_4: 95 % point", \
     '+' u (2e5):(hd):(hd0):(hd1) every ::0::0 w yerrorbars ls 1 pt 13 ps 1.2 title "fresh data, end"
set title "mean of g_0^{(i)} (the charge P_0)" font ",12"
unset ylabel
set key top left
plot p u ($1+1):"chi2_first_min":"chi2_first_max" w filledcurves ls 1 fs transparent solid 0.2 noborder, \
     c u ($1+1):"chi2_first_min":"chi2_first_max" w filledcurves ls 4 fs transparent solid 0.25 noborder, \
     p u ($1+1):"chi2_first_median" w l ls 1 lw 2, \
     c u ($1+1):"chi2_first_median" w l ls 4 lw 2, \
     q95 w l ls 11 lc rgb "black", \
     '+' u (2e5):(hf):(hf0):(hf1) every ::0::0 w yerrorbars ls 1 pt 13 ps 1.2
unset multiplot
