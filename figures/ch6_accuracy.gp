# Chapter 6: test accuracy of Net A on Fashion-MNIST (first 2000 test images)
# during training: full precision and ternary W1, W2 with BitNet's two-stage
# weight decay (lambda = 0.01 until step 1500, then 0), and ternary without
# weight decay; SGD eta = 0.1, batch 128 (train.c).  The dotted vertical line
# marks the end of stage 1.
set xlabel "step k"
set ylabel "test accuracy"
set key bottom right
set yrange [0.6:0.9]
set datafile missing "nan"
set arrow from 1500, graph 0 to 1500, graph 1 nohead dashtype 3 lc rgb "black" lw 0.8
plot 'data/ch6/run_ws_fp_curve.tsv' u 1:4 w l ls 1 title "full precision, two-stage λ", \
     'data/ch6/run_ws_tern_curve.tsv' u 1:4 w l ls 2 title "ternary, two-stage λ", \
     'data/ch6/run_fast_tern_curve.tsv' u 1:4 w l ls 3 title "ternary, λ = 0"
