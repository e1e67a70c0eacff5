# ch2_ksb_drift.gp: kinetic symmetry breaking at finite step (Tanaka & Kunin
# 2021).  Drift of the charges over a fixed time T under full-batch GD
# (lambda = 0) against eta.  Scale: measured Delta Q (points) and the
# first-order NLD prediction eta * int |g_A|^2 dt along gradient flow (dashed);
# the error of that prediction (points) and the O(eta^2) law (dashed); the
# same error for rescale; translation drift at round-off (no kinetic breaking).
# Data: data/ch2/ksb_drift.tsv
set logscale xy
set format x "10^{%T}"
set format y "10^{%T}"
set xlabel "learning rate η"
set ylabel "charge drift over t ∈ [0, T]"
set yrange [1e-18:10]
set xrange [1e-3:0.2]
set key at graph 0.5, graph 0.47 center top horizontal maxrows 4 font ",10" samplen 2 spacing 1.0 width -2
plot 'data/ch2/ksb_drift.tsv' using 1:2 with points ls 1 pt 7 ps 0.8 title "scale ΔQ", \
     '' using 1:3 with lines ls 11 title "η ∫|g_A|^2 dt (first order)", \
     '' using 1:4 with points ls 2 pt 5 ps 0.8 title "scale: ΔQ − first order", \
     '' using 1:9 with lines ls 12 title "∝ η^2", \
     '' using 1:7 with points ls 3 pt 9 ps 0.9 title "rescale: ΔD − first order", \
     '' using 1:10 with lines ls 13 title "∝ η^2", \
     '' using 1:8 with points ls 4 pt 13 ps 0.9 title "translation |Δs|/|s|_1", \
     2.220446049250313e-16 with lines ls 14 title "machine ε"
