# Chapter 6, E5 variant: BitNet's 8-bit per-token activation quantization
# before W2 (identity STE) in Net B with ternary weights per tensor, SGD
# eta = 0.05 (balance.c).  The layerwise rescale charge then has three
# sources: kinetic, weight quantization, and the activation term
# sum_b (Q2^T dz2)_{b,i} (h - Qa(h))_{b,i}.  Solid: the measured charge
# change and the activation term's share of it (measured minus the recursion
# without that term).  Dashed: the recursion without the activation term, and
# with the kinetic term only.  Log scale, absolute values.
set logscale y
set format y "10^{%L}"
set xlabel "time t = ηk"
set ylabel "|contribution to ΔC|"
set key bottom right
set yrange [1e-6:100]
f = 'data/ch6/balance.tsv'
plot f u 2:(abs($39)) w l ls 5 title "measured ΔC, 8-bit activations", \
     f u 2:(abs($41)) every 20 w l ls 15 lw 2.5 title "recursion without the activation term", \
     f u 2:(abs($40)) every 20 w l ls 11 title "kinetic term only", \
     f u 2:(abs($39-$41)) w l ls 3 title "activation term (measured − dashed)"
