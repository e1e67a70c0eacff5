# ch3_toy_ema: nu = (2 lambda/eta)|q|^4 measured on one run of the noisy
# scale-invariant quadratic (solid) against the RMSProp accumulator
# nu_{k+1} = (1 - 4 eta lambda) nu_k + 4 eta lambda |gt_k|^2 driven by the
# measured gradient (dashed) (Tanaka & Kunin 2021), from below and above.
set logscale y
set xlabel "step k"
set ylabel "ν = (2λ/η) |q|^4"
set key bottom right
plot 'data/ch3/toy_ema.tsv' using 1:2 with lines ls 1 title "measured, start below", \
     '' using 1:3 with lines ls 11 lw 2.5 title "EMA driven by measured |g̃|^2", \
     '' using 1:4 with lines ls 2 title "measured, start above", \
     '' using 1:5 with lines ls 12 lw 2.5 title "EMA driven by measured |g̃|^2"
