# ch2_noise_orthogonal.gp: the gradient noise has no component along the
# symmetry generators (NM: minibatch gradients obey the same constraints, so
# Sigma xi = 0).  Left: per group at the end of training without weight decay
# (seed 0), rho = sd of <g_s, u> over sqrt(tr Sigma_AA / |A|), for u the unit
# generator (filled) and random unit directions on the same support (open,
# the least and the most noisy of four); per-sample gradients of the plain MLP
# (translation, rescale), minibatch gradients of the BN MLP (scale).  Dashed:
# the round-off scale eps sqrt(mean |g_s,A|^2) / sqrt(tr Sigma_AA / |A|).
# Right: the share tr Sigma_AA / E|g_A|^2 of minibatch noise in the drive of
# the scale law, summed over the BN units, against the step (median over the
# seeds, band min-max); dashed: the median over units.
# Data: data/ch2/s0_sgd_plain_noise.tsv, data/ch2/s0_sgd_bn_noise.tsv,
#       data/ch2/sgd_bn_noise_share_band.tsv
set multiplot layout 1,2 margins 0.13,0.98,0.17,0.9 spacing 0.11,0
fp = 'data/ch2/s0_sgd_plain_noise.tsv'
fb = 'data/ch2/s0_sgd_bn_noise.tsv'
set title "noise along a direction / its mean" font ",12"
set logscale y
set format y "10^{%T}"
set yrange [1e-18:10]
set xrange [0.5:3.5]
set xtics ("translation" 1, "rescale" 2, "scale" 3)
set ylabel "ρ" offset 0.5,0
set key at graph 0.98, graph 0.62 right font ",10" samplen 1 spacing 1.0
# kinds in the files: 0 translation, 1 scale, 2 rescale -> x = 1, 3, 2; the
# plain file lists 129 translation groups, then 256 rescale groups
xk(k) = k == 0 ? 1 : (k == 1 ? 3 : 2)
pos(k, a) = k == 0 ? a / 129.0 : (k == 2 ? (a - 129) / 256.0 : a / 256.0)
x(k, a) = xk(k) + 0.6 * (pos(k, a) - 0.5)
plot fp using (x($1, $2)):4 with points ls 1 pt 7 ps 0.3 title "generator", \
     fb using (x($1, $2)):4 with points ls 1 pt 7 ps 0.3 notitle, \
     fp using (x($1, $2)):5 with points ls 2 pt 6 ps 0.3 title "random direction", \
     fp using (x($1, $2)):6 with points ls 2 pt 6 ps 0.3 notitle, \
     fb using (x($1, $2)):5 with points ls 2 pt 6 ps 0.3 notitle, \
     fb using (x($1, $2)):6 with points ls 2 pt 6 ps 0.3 notitle, \
     fp using (x($1, $2)):7 with points ls 13 pt 1 ps 0.4 title "round-off scale", \
     fb using (x($1, $2)):7 with points ls 13 pt 1 ps 0.4 notitle
set title "noise share of the scale law's drive" font ",12"
unset logscale y
set format y "%g"
set yrange [0:1]
set logscale x
set format x "10^{%T}"
set xrange [1:3000]
set xtics auto
set xlabel "SGD step k + 1 (λ = 0)" offset 0,0.5
set ylabel "tr Σ_{AA} / E|ĝ_A|^2" offset 1,0
set key bottom right font ",10" samplen 2
set style fill transparent solid 0.25 noborder
fs = 'data/ch2/sgd_bn_noise_share_band.tsv'
plot fs using ($1 + 1):"share_total_min":"share_total_max" with filledcurves ls 3 notitle, \
     fs using ($1 + 1):"share_total_median" with linespoints ls 3 pt 7 ps 0.6 lw 2 title "summed over units", \
     fs using ($1 + 1):"share_median_median" with lines ls 15 title "median unit"
unset multiplot
