# ch3_toy_relaxtime: relaxation of <|q|^4> on the noisy scale-invariant
# quadratic after a start 2x above (solid) or 2x below (thin) equilibrium,
# against k / tau_pred with tau_pred = -1/(4 ln z+) (eq. relax).  If eq. relax
# holds every curve lies on exp(-x) (dashed, a-priori).  Dotted: the moment
# recursion (scale_moments_step) at beta = 0.9, from each start (a-priori).
f = 'data/ch3/toy_relaxtime.tsv'
set logscale y
set format y "10^{%L}"
set xrange [0:3]
set yrange [0.005:1.1]
set xlabel "k / τ_β,   τ_β = -1/(4 ln z_+)"
set ylabel "(⟨|q_k|^4⟩ - eq.) / (⟨|q_0|^4⟩ - eq.)"
set key top right font ",11" maxrows 4
plot f using "x":"b0_hi" with lines ls 1 title "β = 0", \
     f using "x":"b0_lo" with lines ls 1 lw 0.8 notitle, \
     f using "x":"b5_hi" with lines ls 2 title "β = 0.5", \
     f using "x":"b5_lo" with lines ls 2 lw 0.8 notitle, \
     f using "x":"b9_hi" with lines ls 3 title "β = 0.9", \
     f using "x":"b9_lo" with lines ls 3 lw 0.8 notitle, \
     f using "x":"b9noise_hi" with lines ls 4 title "β = 0.9, noise only", \
     f using "x":"b9noise_lo" with lines ls 4 lw 0.8 notitle, \
     f using "x":"pred" with lines lc rgb "black" dt 2 lw 2 title "e^{-x}", \
     f using "x":"mom_b9_hi" with lines ls 14 lw 2 dt 3 title "moment recursion, β = 0.9", \
     f using "x":"mom_b9_lo" with lines ls 14 lw 1.2 dt 3 notitle
