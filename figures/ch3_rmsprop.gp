# ch3_rmsprop: side by side.  Left: median effective learning rate of layer 1
# (angle per unit scale-free gradient); right: RMS angular step of layer 1.
# Solid: BN + SGD + weight decay; per-parameter RMSProp on the network without
# normalization (optim.h, lr matched per layer).  Dashed: the explicit per-unit
# RMSProp on the sphere that the derivation predicts (Tanaka & Kunin 2021), and
# the RMSProp run's own prediction atan(|P_perp lr g/sqrt(s)|/|q|).
set multiplot layout 1,2
set logscale y
set xlabel "step k"
set key top right font ",11"
set ylabel "median η_{eff}, layer 1"
plot 'data/ch3/adaptive_steps.tsv' using "step":"eff_b0_L1" with lines ls 1 title "BN + SGD + WD", \
     '' using "step":"eff_sph_L1" with lines ls 11 lw 2.5 title "per-unit RMSProp (sphere)", \
     '' using "step":"eff_rmsm_L1" with lines ls 2 title "RMSProp, no BN", \
     '' using "step":"effpred_rmsm_L1" with lines ls 12 lw 2.5 title "its prediction"
set ylabel "RMS angle per step, layer 1 (rad)"
set yrange [0.003:0.3]
plot 'data/ch3/adaptive_steps.tsv' using "step":"ang_b0_L1" with lines ls 1 notitle, \
     '' using "step":"ang_sph_L1" with lines ls 11 lw 2.5 notitle, \
     '' using "step":"ang_rmsm_L1" with lines ls 2 notitle, \
     '' using "step":"pred_rmsm_L1" with lines ls 12 lw 2.5 notitle, \
     '' using "step":"eq_b0" with lines ls 15 lw 2 title "√(2ηλ)"
unset multiplot
