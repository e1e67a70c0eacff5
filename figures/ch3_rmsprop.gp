# ch3_rmsprop: side by side, layer 1.  Left: median effective learning rate
# (BN runs: angle per unit scale-free gradient, per unit; RMSProp without
# normalization: per-parameter lr/sqrt(s)).  Right: RMS angular step per block
# of 20 steps.  Solid: BN + SGD + weight decay, and optim.h's per-parameter
# RMSProp on the network without normalization (lr matched per layer).
# Dashed: the explicit per-unit RMSProp on the sphere that the derivation
# predicts (Tanaka & Kunin 2021), the RMSProp run's own prediction
# atan(|P_perp lr g/sqrt(s)|/|q|), and sqrt(2 eta lambda).
set multiplot layout 1,2
set logscale y
set xlabel "step k"
set xtics 1000
set xrange [0:3000]
set format y "10^{%L}"
set key top left font ",11"
set ylabel "median η_{eff}, layer 1"
set yrange [0.1:100]
plot 'data/ch3/adaptive_steps.tsv' using "step":"eff_b0_L1" with lines ls 1 title "BN + SGD + WD", \
     '' using "step":"eff_sph_L1" with lines ls 11 lw 2.5 title "per-unit RMSProp", \
     '' using "step":"eff_rmsm_L1" with lines ls 2 title "RMSProp, no BN"
set ylabel "RMS angle per step, layer 1 (rad)"
set yrange [0.003:0.3]
set key top right
plot 'data/ch3/adaptive_steps.tsv' using "step":"ang_b0_L1" with lines ls 1 notitle, \
     '' using "step":"ang_sph_L1" with lines ls 11 lw 2.5 notitle, \
     '' using "step":"ang_rmsm_L1" with lines ls 2 notitle, \
     '' using "step":"pred_rmsm_L1" with lines ls 12 lw 2.5 title "RMSProp's prediction", \
     '' using "step":"eq_b0" with lines ls 15 lw 2 title "√(2ηλ)"
unset multiplot
