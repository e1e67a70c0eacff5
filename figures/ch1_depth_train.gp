# Chapter 1, Noether along depth, over full-batch gradient descent (every
# parameter trained; median line and min-max band over the seeds).  Top: the
# difference between the data-averaged translation charge at the first and
# the last layer, |P_0 - P_T| (thick), its exact prediction from the
# violation budget |sum_t W1_t^T grad_b1_t L| (dashed: an identity per
# seed), the per-sample analogue sqrt(E|g_0 - g_T|^2), and the norm of the
# full gradient (thin: seed 1).  Bottom: step size times sharpness,
# eta_k lambda_max, against GD's stability bound 2 (dashed).
b = 'data/ch1/depth_train_band.tsv'
s1 = 'data/ch1/s1_depth_train.tsv'
set terminal svg size 640,560
set multiplot layout 2,1 margins 0.12,0.97,0.11,0.98 spacing 0,0.05
set logscale x
set xrange [1:1.2e5]
set format x ""
set logscale y
set format y "10^{%L}"
set yrange [1e-3:300]
set ylabel "norm"
set key top right maxrows 3 samplen 2
plot b u ($1+1):"ends_sample_min":"ends_sample_max" w filledcurves ls 2 fs transparent solid 0.18 noborder, \
     b u ($1+1):"grad_norm_min":"grad_norm_max" w filledcurves ls 5 fs transparent solid 0.18 noborder, \
     b u ($1+1):"ends_min":"ends_max" w filledcurves ls 1 fs transparent solid 0.25 noborder, \
     b u ($1+1):"ends_sample_median" w l ls 2 title "per sample: (E|g_0 − g_T|^2)^{1/2}", \
     b u ($1+1):"grad_norm_median" w l ls 5 title "|∇_θ L|", \
     s1 u ($1+1):"grad_norm" w l ls 5 lw 0.7 title "|∇_θ L|, seed 1", \
     b u ($1+1):"ends_median" w l ls 1 lw 3 title "data average: |P_0 − P_T|", \
     b u ($1+1):"ends_pred_median" w l ls 11 lc rgb "black" lw 1.5 title "budget |Σ_t W_{1,t}ᵀ ∇_{b_{1,t}} L|"
set format x "10^{%L}"
set xlabel "gradient-descent step + 1"
unset logscale y
set format y "%g"
set yrange [0:3]
set ytics 0.5
set ylabel "η_k λ_{max}"
set key top left maxrows 1 width -2
set label 1 "GD's stability bound, η_k λ_{max} = 2 (dashed)" at 1.4, 2.2
plot b u ($1+1):"eta_sharpness_min":"eta_sharpness_max" w filledcurves ls 3 fs transparent solid 0.2 noborder, \
     b u ($1+1):"eta_sharpness_median" w l ls 3 lw 2 title "η_k λ_{max}", \
     s1 u ($1+1):"eta_sharpness" w l ls 3 lw 0.7 title "seed 1", \
     2 w l ls 11 lc rgb "black"
unset multiplot
