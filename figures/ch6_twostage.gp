# Chapter 6, E4: a two-stage weight decay like BitNet's, under SGD.  Net A,
# SGD eta = 0.1, coupled weight decay lambda = 0.01 for the first 1500 steps,
# then 0 (train.c).  Solid: the angular step of W1 per step (root of a
# ~100-step running mean of its square), full precision and ternary.
# Dashed: the equilibrium prediction sqrt(2 eta lambda / (1 + rho)), rho the
# ratio of quantization to kinetic source (running mean); rho = 0 for full
# precision gives Wan et al. 2021's sqrt(2 eta lambda).
set logscale y
set xlabel "step k"
set ylabel "angular step δθ of W_1 (rad)"
set key top right
set datafile missing "nan"
set arrow from 1500, graph 0 to 1500, graph 1 nohead dashtype 3 lc rgb "black" lw 0.8
fp = 'data/ch6/run_ws_fp.tsv'
tn = 'data/ch6/run_ws_tern.tsv'
plot fp u 1:28 w l ls 1 title "full precision", \
     fp u 1:30 every 10 w l ls 11 lw 2.5 title "√(2ηλ)", \
     tn u 1:28 w l ls 2 title "ternary", \
     tn u 1:30 every 10 w l ls 12 lw 2.5 title "√(2ηλ/(1+ρ))"
