# ch3_breaks: where the analogy bends.  RMS angular step of layer 1 of the BN
# MLP: the reference run (eps = 0, lambda > 0), BatchNorm eps = 1e-5, and no
# weight decay (lambda = 0).  Dashed: each run's prediction from its |q|^4
# accumulator (Tanaka & Kunin 2021), the equilibrium sqrt(2 eta lambda), and
# for lambda = 0 the AdaGrad-like limit 1/sqrt(2k) of stationary gradients.
set logscale xy
set xlabel "step k"
set ylabel "RMS angle per step, layer 1 (rad)"
set xrange [1:*]
set yrange [0.005:1]
set key bottom left font ",11"
plot 'data/ch3/adaptive_steps.tsv' using "step":"ang_b0_L1" with lines ls 1 title "ε = 0, λ > 0", \
     '' using "step":"ang_eps_L1" with lines ls 2 title "ε = 10^{-5}", \
     '' using "step":"ang_nowd_L1" with lines ls 3 title "λ = 0", \
     '' using "step":"pred_b0_L1" with lines ls 11 lw 2.5 title "predictions from the |q|^4 accumulator", \
     '' using "step":"pred_eps_L1" with lines ls 12 lw 2.5 notitle, \
     '' using "step":"pred_nowd_L1" with lines ls 13 lw 2.5 notitle, \
     '' using "step":"eq_b0" with lines ls 15 lw 2 title "√(2ηλ)", \
     '' using "step":(1/sqrt(2*column("step"))) with lines ls 16 lw 2 title "1/√(2k)"
