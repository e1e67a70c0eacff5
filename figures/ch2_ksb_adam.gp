# ch2_ksb_adam.gp: kinetic symmetry breaking by an adaptive metric on a
# two-layer linear network.  Left: |Delta C|_F of C = W1 W1^T - W2^T W2 over a
# fixed time against eta, medians over the seeds (bars: min-max): GD (circles)
# on its first-order prediction eta |int (G1 G1^T - G2^T G2) dt| along gradient
# flow (dashed, slope 1), Adam (squares) on the drift of the Adam flow (dashed,
# flat), gradient flow's own drift (RK4, dotted).  Right: the error of each
# prediction, with slopes 2 (GD) and 1 (Adam) through the smallest eta.
# Data: data/ch2/ksb_adam_band.tsv
set multiplot layout 1,2 margins 0.1,0.98,0.17,0.9 spacing 0.1,0
f = 'data/ch2/ksb_adam_band.tsv'
stats f using "eta":"gd_err_median" nooutput
e_last = STATS_min_x
stats f using (abs($1 - e_last) < 1e-12 ? column("gd_err_median") : NaN) nooutput
g_last = STATS_max
stats f using (abs($1 - e_last) < 1e-12 ? column("adam_err_median") : NaN) nooutput
a_last = STATS_max
set logscale xy
set format x "10^{%T}"
set format y "10^{%T}"
set xrange [1e-3:0.2]
set xlabel "learning rate η" offset 0,0.5
set title "drift of W_1W_1^T − W_2^TW_2" font ",12"
set yrange [1e-14:100]
set ylabel "|ΔC|_F over t ∈ [0, T]" offset 1,0
set key at graph 0.98, graph 0.62 right font ",10" samplen 2 spacing 1.0
plot f using "eta":"adam_median":"adam_min":"adam_max" with yerrorbars ls 2 pt 5 ps 0.7 title "Adam", \
     f using "eta":"adam_flow_median" with lines ls 12 title "Adam flow", \
     f using "eta":"gd_median":"gd_min":"gd_max" with yerrorbars ls 1 pt 7 ps 0.7 title "GD", \
     f using "eta":"gd_pred_median" with lines ls 11 title "η |∫(G_1G_1^T − G_2^TG_2)dt|", \
     f using "eta":"gf_median" with lines ls 14 dt 3 title "gradient flow (RK4)"
set title "error of the prediction" font ",12"
set yrange [1e-7:10]
set ylabel "|ΔC − prediction|_F" offset 1,0
set key at graph 0.98, graph 0.03 right bottom font ",10" samplen 2 spacing 1.0
plot f using "eta":"adam_err_median":"adam_err_min":"adam_err_max" with yerrorbars ls 2 pt 5 ps 0.7 title "Adam − Adam flow", \
     [1e-3:0.2] a_last*(x/e_last) with lines ls 12 title "∝ η", \
     f using "eta":"gd_err_median":"gd_err_min":"gd_err_max" with yerrorbars ls 1 pt 7 ps 0.7 title "GD − first order", \
     [1e-3:0.2] g_last*(x/e_last)**2 with lines ls 11 title "∝ η^2"
unset multiplot
