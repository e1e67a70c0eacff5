# ch3_breaks: where the analogy bends.  RMS angular step of layer 1 of the BN
# MLP (blocks of 20 steps): the reference run (eps = 0, lambda > 0), BatchNorm
# eps = 1e-5, and no weight decay (lambda = 0).  Open circles: each run's
# prediction eta |gt_k| / sqrt(A_k) from its accumulator
# A_{k+1} = (1 - 4 eta lambda) A_k + 2 eta^2 |gt_k|^2 (Tanaka & Kunin 2021);
# dashed: the equilibrium sqrt(2 eta lambda) of the runs with weight decay.
set logscale y
set xrange [0:3000]
set xlabel "step k"
set ylabel "RMS angle per step, layer 1 (rad)"
set yrange [0.004:0.1]
set key top left font ",11" maxrows 3
plot 'data/ch3/adaptive_steps.tsv' using "step":"ang_b0_L1" with lines ls 1 title "ε = 0, λ > 0", \
     '' using "step":"ang_eps_L1" with lines ls 2 title "ε = 10^{-5}, λ > 0", \
     '' using "step":"ang_nowd_L1" with lines ls 3 title "ε = 0, λ = 0", \
     '' using "step":"pred_b0_L1" every 4 with points ls 11 pt 6 ps 0.7 title "accumulator prediction", \
     '' using "step":"pred_eps_L1" every 4::2 with points ls 12 pt 6 ps 0.7 notitle, \
     '' using "step":"pred_nowd_L1" every 4 with points ls 13 pt 6 ps 0.7 notitle, \
     '' using "step":"eq_b0" with lines ls 15 lw 2 title "√(2ηλ)"
