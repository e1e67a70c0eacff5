# ch2_momentum_rescale.gp: momentum for rescale (seed 0).  The rescale charge
# |theta_out|^2 - |theta_in|^2 of three ReLU units of the second hidden layer
# of the plain MLP under heavy ball (eta = 0.01, lambda = 1e-2), solid, against
# the driven oscillator of omega_S with forcing 2 eta sum_j G(t - t_j)
# (|v_out|^2 - |v_in|^2)_j from the measured buffers (dashed, one colour, on top).
# Data: data/ch2/s0_momentum_rescale.tsv (one block per beta)
set xlabel "SGD step k"
set ylabel "|θ_{out}|^2 − |θ_{in}|^2"
set xrange [0:2000]
set key at graph 0.98, graph 0.05 right bottom font ",11" samplen 2
plot for [u=0:2] 'data/ch2/s0_momentum_rescale.tsv' index 0 using 1:(column(3+3*u)) with lines ls 1 lw 2.5 title (u==0 ? "β = 0.9" : ""), \
     for [u=0:2] '' index 1 using 1:(column(3+3*u)) with lines ls 2 lw 2.5 title (u==0 ? "β = 0.99" : ""), \
     for [u=0:2] '' index 0 using 1:(column(5+3*u)) with lines ls 13 lw 1.5 notitle, \
     for [u=0:2] '' index 1 using 1:(column(5+3*u)) with lines ls 13 lw 1.5 title (u==0 ? "driven oscillator" : "")
