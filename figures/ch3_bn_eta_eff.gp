# ch3_bn_eta_eff: effective learning rate on the sphere of the BatchNorm MLP's
# hidden units, eta_eff = angle/(|q||g|) (~ eta/|q|^2): median over units
# (solid; band 10-90 % for layer 1), against the RMSProp form
# sqrt(2 eta lambda / nu) with nu the EMA of the measured |gt|^2 (dashed)
# (Tanaka & Kunin 2021).
set logscale y
set xlabel "step k"
set ylabel "η_{eff} = ∠(q_k, q_{k+1}) / |g̃_k|"
set key top right
set style fill transparent solid 0.2 noborder
plot 'data/ch3/adaptive_steps.tsv' using "step":"efflo_b0_L1":"effhi_b0_L1" with filledcurves ls 1 title "layer 1, 10–90 % of units", \
     '' using "step":"eff_b0_L1" with lines ls 1 title "layer 1, median", \
     '' using "step":"eff_b0_L2" with lines ls 2 title "layer 2, median", \
     '' using "step":"effpred_b0_L1" with lines ls 11 lw 2.5 title "√(2ηλ/ν), ν from the EMA", \
     '' using "step":"effpred_b0_L2" with lines ls 12 lw 2.5 notitle
