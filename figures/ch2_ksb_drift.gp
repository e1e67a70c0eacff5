# ch2_ksb_drift.gp: kinetic symmetry breaking at finite step (Tanaka & Kunin
# 2021).  Drift of the charges over a fixed time T under full-batch GD
# (lambda = 0) against eta, median over the seeds with min-max bars.  Scale:
# measured Delta Q (points) and the first-order prediction eta * int |g_A|^2 dt
# along gradient flow (dashed); the error of that prediction (points) and the
# O(eta^2) law through the smallest eta (dashed); the same error for rescale;
# translation drift at round-off (no kinetic breaking).
# Data: data/ch2/ksb_band.tsv
set logscale xy
set format x "10^{%T}"
set format y "10^{%T}"
set xlabel "learning rate η"
set ylabel "charge drift over t ∈ [0, T]"
set yrange [1e-18:10]
set xrange [1e-3:0.2]
set key at graph 0.5, graph 0.5 center top vertical maxrows 4 font ",10" samplen 2 spacing 1.0 width -3
f = 'data/ch2/ksb_band.tsv'
plot f using "eta":"dQ_median":"dQ_min":"dQ_max" with yerrorbars ls 1 pt 7 ps 0.8 title "scale ΔQ", \
     f using "eta":"predQ_median" with lines ls 11 title "η ∫|g_A|^2 dt (first order)", \
     f using "eta":"errQ_median":"errQ_min":"errQ_max" with yerrorbars ls 2 pt 5 ps 0.8 title "scale: ΔQ − first order", \
     f using "eta":"orderQ_median" with lines ls 12 title "∝ η^2", \
     f using "eta":"errD_median":"errD_min":"errD_max" with yerrorbars ls 3 pt 9 ps 0.9 title "rescale: ΔD − first order", \
     f using "eta":"orderD_median" with lines ls 13 title "∝ η^2", \
     f using "eta":"translation_median":"translation_min":"translation_max" with yerrorbars ls 4 pt 13 ps 0.9 title "translation |Δs|/|s|_1", \
     2.220446049250313e-16 with lines ls 14 title "machine ε"
