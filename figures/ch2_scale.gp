# ch2_scale.gp: E3, NM's scale law (continuous, eq:nm of the chapter).  Mean over the 256 BN units
# of |theta_A(t)|^2 / |theta_A(0)|^2 (solid), against the continuous law driven by
# the measured per-step gradient norms (dashed) and the exact discrete law
# (circles), for eta lambda K = 0, 0.4, 2, 4.
# Data: data/ch2/scale.tsv (one block per lambda)
set xlabel "time t = η k"
set ylabel "mean |θ_A(t)|^2 / |θ_A(0)|^2"
set xrange [0:400]
set key top left Left reverse font ",11" samplen 2
array lam[4] = ["ηλK = 0", "ηλK = 0.4", "ηλK = 2", "ηλK = 4"]
plot for [i=0:3] 'data/ch2/scale.tsv' index i using 2:4 with lines ls (i+1) lw 2 title lam[i+1], \
     for [i=0:3] 'data/ch2/scale.tsv' index i using 2:6 with lines ls (i+11) lw 1.5 title (i==3 ? "continuous law, measured |g|^2" : ""), \
     for [i=0:3] 'data/ch2/scale.tsv' index i every 50 using 2:5 with points ls (i+1) pt 6 ps 0.8 title (i==3 ? "exact law, measured |g|^2" : "")
