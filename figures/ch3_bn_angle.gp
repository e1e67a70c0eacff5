# ch3_bn_angle: RMS angle between successive incoming weight vectors of the
# BatchNorm MLP's hidden units (solid), against the RMSProp/EMA prediction
# sqrt(2 eta lambda |gt|^2 / nu) (open circles, beta = 0) and the equilibrium
# sqrt(2 eta lambda/(1+beta)) (dashed, flat) (Tanaka & Kunin 2021; Wan et al. 2021).
tau = real(system("awk -F'\t' '$1==\"tau\"{print $2}' data/ch3/adaptive_summary.tsv"))
set logscale y
set xlabel "step k"
set ylabel "RMS angle ∠(q_k, q_{k+1})  (rad)"
set yrange [0.001:0.3]
set key top right maxrows 4
set arrow from tau, graph 0 to tau, graph 1 nohead ls 16 lw 0.8
set label "1/(4ηλ)" at tau, graph 0.05 offset 0.5,0
plot 'data/ch3/adaptive_steps.tsv' using "step":"ang_b0_L1" with lines ls 1 title "β = 0, layer 1", \
     '' using "step":"ang_b0_L2" with lines ls 2 title "β = 0, layer 2", \
     '' using "step":"ang_b9_L1" with lines ls 3 title "β = 0.9, layer 1", \
     '' using "step":"ang_b9_L2" with lines ls 4 title "β = 0.9, layer 2", \
     '' using "step":"pred_b0_L1" every 4 with points ls 11 pt 6 ps 0.7 title "EMA prediction (β = 0)", \
     '' using "step":"pred_b0_L2" every 4 with points ls 12 pt 6 ps 0.7 notitle, \
     '' using "step":"eq_b0" with lines ls 15 lw 2 title "√(2ηλ/(1+β))", \
     '' using "step":"eq_b9" with lines ls 15 lw 2 notitle
