# figures/style.gp: loaded by the Makefile before every figure script.
# SVG, sized by its viewBox (the page scales it), transparent background.
# Series colours are sentinels: the site generator inlines each SVG and maps
# these exact colours to CSS variables (--fig-c1 ... --fig-c6), and black to
# currentColor, so figures follow light and dark mode.  Scripts use
# `ls 1`..`ls 6` (solid) and `ls 11`..`ls 16` (dashed: theory curves).
set terminal svg size 640,400 dynamic font "sans,13" linewidth 1.5 background rgb "#ffffff00"
set encoding utf8
set datafile separator "\t"
set datafile commentschars "#"
set key noautotitle
set border 3 lc rgb "black"
set tics nomirror out
set grid lc rgb "#c8c8c8" lw 0.5 dt 3
set key top right noopaque nobox
set style line 1 lc rgb "#010101" lw 1.5
set style line 2 lc rgb "#020202" lw 1.5
set style line 3 lc rgb "#030303" lw 1.5
set style line 4 lc rgb "#040404" lw 1.5
set style line 5 lc rgb "#050505" lw 1.5
set style line 6 lc rgb "#060606" lw 1.5
set style line 11 lc rgb "#010101" lw 1.5 dt 2
set style line 12 lc rgb "#020202" lw 1.5 dt 2
set style line 13 lc rgb "#030303" lw 1.5 dt 2
set style line 14 lc rgb "#040404" lw 1.5 dt 2
set style line 15 lc rgb "#050505" lw 1.5 dt 2
set style line 16 lc rgb "#060606" lw 1.5 dt 2
