# Chapter 6, E3: code flips of W1 against its angular step, Net A, ternary
# per tensor, six runs (SGD with eta 0.01, 0.1, 0.4, and 0.1 from a 3x wider
# initialisation; Adam with 0.001 and 0.004).  Flip fractions are divided by
# the susceptibility kappa = f(1/2) sqrt(2/pi) rms(W1)/gamma, f the measured
# density of |W|/gamma at the threshold 1/2; the dashed line is the
# prediction flips = kappa * angle (train.c).  Raw: flips from one step to the
# next against the one-step angle; net: flips over 20 steps against the
# 20-step angle (both per step).  Every 25th step (every 30th for the
# eta 0.1 and 0.4 runs: seed 0 of the seeded runs, 1200 and 400 steps).
set logscale xy
set xlabel "angle turned by W_1 per step (rad)"
set ylabel "code flips per step / κ"
set key top left Left reverse font ",11" spacing 0.95 samplen 1.5
set datafile missing "nan"
plot 'data/ch6/run_main_tern.tsv'  u 26:($25/$27) every 25 w p ls 1 pt 7 ps 0.5 title "SGD η=0.01", \
     'data/ch6/seeds_fast/s0_log.tsv' u 26:($25/$27) every 3 w p ls 2 pt 7 ps 0.5 title "SGD η=0.1", \
     'data/ch6/seeds_big/s0_log.tsv' u 26:($25/$27) every 3 w p ls 3 pt 7 ps 0.5 title "SGD η=0.4", \
     'data/ch6/run_e3_wide.tsv'    u 26:($25/$27) every 25 w p ls 4 pt 7 ps 0.5 title "SGD η=0.1, σ_0×3", \
     'data/ch6/run_adam_small.tsv' u 26:($25/$27) every 25 w p ls 5 pt 7 ps 0.5 title "Adam 0.001", \
     'data/ch6/run_adam_big.tsv'   u 26:($25/$27) every 25 w p ls 6 pt 7 ps 0.5 title "Adam 0.004", \
     'data/ch6/run_main_tern.tsv'  u 17:($24/$27) every 25 w p ls 1 pt 6 ps 0.5 title "raw (open)", \
     'data/ch6/seeds_fast/s0_log.tsv' u 17:($24/$27) every 3 w p ls 2 pt 6 ps 0.5, \
     'data/ch6/seeds_big/s0_log.tsv' u 17:($24/$27) every 3 w p ls 3 pt 6 ps 0.5, \
     'data/ch6/run_e3_wide.tsv'    u 17:($24/$27) every 25 w p ls 4 pt 6 ps 0.5, \
     'data/ch6/run_adam_small.tsv' u 17:($24/$27) every 25 w p ls 5 pt 6 ps 0.5, \
     'data/ch6/run_adam_big.tsv'   u 17:($24/$27) every 25 w p ls 6 pt 6 ps 0.5, \
     [1e-4:1] x w l ls 11 lc rgb "black" title "prediction: flips = κ·angle"
