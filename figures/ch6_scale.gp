# Chapter 6, E2 (main figure): the scale charge N = |W1|^2 + |W2|^2 of Net A's
# scale-invariant layers against t = eta k, SGD eta = 0.01, no weight decay.
# Solid: measured, full precision and ternary (absmean per tensor, identity
# STE).  Dashed: the Neural Mechanics recursion N' = N + eta^2 |g|^2 driven by
# each run's own gradients (Kunin et al. 2021), and the ternary law, which
# adds the quantization source -2 eta <W - Q(W), g> (train.c).
set xlabel "time t = ηk"
set ylabel "|W_1|^2 + |W_2|^2"
set key top left
set datafile missing "nan"
fp = 'data/ch6/run_main_fp.tsv'
tn = 'data/ch6/run_main_tern.tsv'
plot fp u 2:6 w l ls 1 title "full precision", \
     fp u 2:7 every 20 w l ls 11 lw 2.5 title "Neural Mechanics prediction", \
     tn u 2:6 w l ls 2 title "ternary", \
     tn u 2:7 every 20 w l ls 12 title "Neural Mechanics, ternary run", \
     tn u 2:8 every 20 w l ls 13 lw 2.5 title "ternary law (+ quantization source)"
