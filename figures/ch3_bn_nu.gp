# ch3_bn_nu: per unit of the BatchNorm MLP (eps = 0), nu = (2 lambda/eta)|q|^4
# (solid) against the RMSProp accumulator nu_{k+1} = (1 - 4 eta lambda) nu_k
# + 4 eta lambda |gt_k|^2 driven by the measured gradient (dashed)
# (Tanaka & Kunin 2021).  Two units of each hidden layer.
set logscale y
set xlabel "step k"
set ylabel "ν = (2λ/η) |q|^4"
set key top right maxrows 3
set yrange [5e-5:1]
set format y "10^{%L}"
plot 'data/ch3/adaptive_units.tsv' using "step":"nu_u0" with lines ls 1 title "layer 1, unit 1", \
     '' using "step":"ema_u0" with lines ls 11 lw 2.5 notitle, \
     '' using "step":"nu_u1" with lines ls 2 title "layer 1, unit 65", \
     '' using "step":"ema_u1" with lines ls 12 lw 2.5 notitle, \
     '' using "step":"nu_u2" with lines ls 3 title "layer 2, unit 1", \
     '' using "step":"ema_u2" with lines ls 13 lw 2.5 notitle, \
     '' using "step":"nu_u3" with lines ls 4 title "layer 2, unit 65", \
     '' using "step":"ema_u3" with lines ls 14 lw 2.5 notitle, \
     NaN with lines lc rgb "black" dt 2 lw 2.5 title "EMA driven by |g̃|^2"
