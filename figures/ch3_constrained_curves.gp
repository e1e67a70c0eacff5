# ch3_constrained_curves: test loss during training, free (solid) and norm
# constrained (solid), at a small and a large learning rate, with the explicit
# per-unit RMSProp on the sphere that the derivation says the free run is
# (dashed) (Tanaka & Kunin 2021).
small = real(system("awk -F'\t' '$1==\"eta_small\"{print $2}' data/ch3/constrained_curves_summary.tsv"))
large = real(system("awk -F'\t' '$1==\"eta_large\"{print $2}' data/ch3/constrained_curves_summary.tsv"))
set logscale y
set yrange [0.2:40]
set xlabel "step k"
set ylabel "test loss"
set key top right font ",11" maxrows 3
plot 'data/ch3/constrained_curves.tsv' using "step":"loss_free_s" with lines ls 1 title sprintf("η = %g, free", small), \
     '' using "step":"loss_con_s" with lines ls 2 title sprintf("η = %g, norm fixed", small), \
     '' using "step":"loss_sph_s" with lines ls 11 lw 2.5 title "per-unit RMSProp", \
     '' using "step":"loss_free_l" with lines ls 3 title sprintf("η = %g, free", large), \
     '' using "step":"loss_con_l" with lines ls 4 title sprintf("η = %g, norm fixed", large), \
     '' using "step":"loss_sph_l" with lines ls 13 lw 2.5 title "per-unit RMSProp"
