# Chapter 6, E2: where the ternary scale law's sources come from (the
# ternary run of ch6_scale, eta = 0.01).  Cumulative kinetic source
# sum eta^2 |g|^2 and the quantization source -2 eta sum <W - Q, g>, the
# latter split by the bin of |W|/gamma each weight sits in; the dashed line
# is the sum of the four bins, which must equal the total (train.c).
# The kinetic source is drawn in the text colour.
set xlabel "time t = ηk"
set ylabel "cumulative source of |W|^2"
set key top left
set datafile missing "nan"
tn = 'data/ch6/run_main_tern.tsv'
plot tn u 2:9 w l lc rgb "black" lw 1.5 title "kinetic η^2Σ|g|^2", \
     tn u 2:10 w l ls 2 lw 2.5 title "quantization −2ηΣ⟨R,g⟩", \
     tn u 2:11 w l ls 3 title "… from |W|/γ < 0.5", \
     tn u 2:12 w l ls 4 title "… from 0.5–1", \
     tn u 2:13 w l ls 5 title "… from 1–1.5", \
     tn u 2:14 w l ls 6 title "… from ≥ 1.5", \
     tn u 2:($11+$12+$13+$14) every 25 w l ls 12 title "sum of the bins"
