# ch2_nld_inertia.gp: the charge equation with and without its inertial term
# against gradient descent (Tanaka & Kunin 2021, NLD; equations derived in
# the chapter).  Scale charge N of the smooth network, drift over T under
# full-batch GD, medians over the seeds (bars: min-max).  Left: the error
# |Delta N_GD - P| of each prediction against eta: P1 first order on gradient
# flow, P1b the charge equation with inertia (flow forcing), P2 the full
# modified flow, P3 GD's one-step law summed on the modified flow; guides of
# slope 2 and 3 through the smallest eta.  Right: the share of the first
# order's miss each recovers, (P - P1)/(Delta N_GD - P1): 1 would be all of it.
# Dotted: where eta lambda_max at the GD endpoint falls through 2 (median).
# Data: data/ch2/nld_inertia_band.tsv
set multiplot layout 1,2 margins 0.12,0.98,0.17,0.9 spacing 0.11,0
f = 'data/ch2/nld_inertia_band.tsv'
stats f using "eta_edge_median" nooutput
edge = STATS_max
# the edge as a two-point curve, for each panel's y range
set print $edge1
print sprintf("%.17g\t1e-8", edge)
print sprintf("%.17g\t1", edge)
set print $edge2
print sprintf("%.17g\t-0.5", edge)
print sprintf("%.17g\t4", edge)
unset print
stats f using "eta":"err1_median" nooutput
e_last = STATS_min_x
stats f using (abs($1 - e_last) < 1e-12 ? column("err1_median") : NaN) nooutput
a1 = STATS_max
stats f using (column("err3_median") == column("err3_median") ? $1 : NaN) nooutput
e3 = STATS_min
stats f using (abs($1 - e3) < 1e-12 ? column("err3_median") : NaN) nooutput
a3 = STATS_max
set logscale x
set format x "10^{%T}"
set xrange [1e-3:0.2]
set xlabel "learning rate η" offset 0,0.5
set title "error of the prediction" font ",12"
set logscale y
set format y "10^{%T}"
set yrange [1e-8:1]
set ylabel "|ΔN_{GD} − P|" offset 0.5,0
set key top left font ",10" samplen 2 spacing 1.0
plot f using "eta":"err1_median":"err1_min":"err1_max" with yerrorlines ls 1 pt 7 ps 0.6 title "P1", \
     f using "eta":"err1b_median":"err1b_min":"err1b_max" with yerrorlines ls 2 pt 5 ps 0.6 title "P1b", \
     f using "eta":"err2_median":"err2_min":"err2_max" with yerrorlines ls 3 pt 9 ps 0.7 title "P2", \
     f using "eta":"err3_median":"err3_min":"err3_max" with yerrorlines ls 4 pt 13 ps 0.7 title "P3", \
     [1e-3:0.2] a1*(x/e_last)**2 with lines ls 11 lw 1 title "∝ η^2", \
     [1e-3:0.2] a3*(x/e3)**3 with lines ls 14 lw 1 title "∝ η^3", \
     $edge1 using 1:2 with lines ls 16 dt 3 lw 1.5 title "ηλ_{max} = 2"
set title "share of the first order's miss recovered" font ",12"
unset logscale y
set format y "%g"
set yrange [-0.5:4]
set ylabel "(P − P1) / (ΔN_{GD} − P1)" offset 1,0
set key top right font ",10" samplen 2
plot f using "eta":"frac1b_median":"frac1b_min":"frac1b_max" with yerrorlines ls 2 pt 5 ps 0.6 title "P1b", \
     f using "eta":"frac2_median":"frac2_min":"frac2_max" with yerrorlines ls 3 pt 9 ps 0.7 title "P2", \
     f using "eta":"frac3_median":"frac3_min":"frac3_max" with yerrorlines ls 4 pt 13 ps 0.7 title "P3", \
     1 with lines ls 14 lw 1 title "all of it", \
     $edge2 using 1:2 with lines ls 16 dt 3 lw 1.5 notitle
unset multiplot
