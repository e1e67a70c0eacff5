# Chapter 6, E3: raw and net code flips of W1 per step against the effective
# learning rate eta/|W1|^2 of SGD, four ternary runs of Net A, every 25th
# step; the eta 0.1 and 0.4 runs are seed 0 of the seeded runs, whose logs
# keep every 10th step, drawn every 30th (train.c).  As training goes on |W1|
# grows and each run moves left.
# Measurements only: the prediction (ch6_flips) is in terms of the angular
# step, which is eta/|W|^2 times |g||W|, a quantity that changes with the loss.
set logscale xy
set xlabel "effective learning rate η / |W_1|^2"
set ylabel "flips per step"
set key bottom right
set datafile missing "nan"
plot 'data/ch6/run_main_tern.tsv' u 19:25 every 25 w p ls 1 pt 7 ps 0.5 title "net, η=0.01", \
     'data/ch6/seeds_fast/s0_log.tsv' u 19:25 every 3 w p ls 2 pt 7 ps 0.5 title "net, η=0.1", \
     'data/ch6/seeds_big/s0_log.tsv' u 19:25 every 3 w p ls 3 pt 7 ps 0.5 title "net, η=0.4", \
     'data/ch6/run_e3_wide.tsv'   u 19:25 every 25 w p ls 4 pt 7 ps 0.5 title "net, η=0.1, σ_0×3", \
     'data/ch6/run_main_tern.tsv' u 19:24 every 25 w p ls 1 pt 6 ps 0.5 title "raw (open)", \
     'data/ch6/seeds_fast/s0_log.tsv' u 19:24 every 3 w p ls 2 pt 6 ps 0.5, \
     'data/ch6/seeds_big/s0_log.tsv' u 19:24 every 3 w p ls 3 pt 6 ps 0.5, \
     'data/ch6/run_e3_wide.tsv'   u 19:24 every 25 w p ls 4 pt 6 ps 0.5
