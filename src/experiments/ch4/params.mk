# Chapter 4 training parameters (included by module.mk).  Like every
# experiment's, the runs depend on their command lines (command stamps), so
# editing a value here reruns exactly the runs that use it.
CH4_TRAIN_ARGS := --width 128 --depth 2 --steps 20000 --batch 256 --ntraj 400 --seed 0 --lr 3e-3
# The opt-in long run (make figures-long): three times the steps.
CH4_LONG_ARGS  := --width 128 --depth 2 --steps 60000 --batch 256 --ntraj 400 --seed 0 --lr 3e-3
# The equal-step study at the brief's configuration (lnn-hnn.md sec. 6.3:
# width 64, peak learning rate 1e-3): every seed at every budget, LNN and
# baseline alike.  Held-out rollouts use evaluation seed 0 for all runs.
CH4_BUDGET_ARGS  := --width 64 --depth 2 --batch 256 --ntraj 400 --lr 1e-3
CH4_BUDGET_SEEDS := 0 1 2
CH4_BUDGET_STEPS := 5000 20000
# The seam demonstration: the LNN of seed 0 at 20000 steps, once more with
# wrapped angles as inputs.
CH4_SEAM_RUN     := s0_n20000
# Equal compute: for each seed, a width-128 baseline trained for as many steps
# as fit in the CPU time of the width-64 LNN's CH4_EQC_LNN_STEPS steps
# (1.9 ms against 1.2 ms a step, measured: 20000 LNN steps ~ 30000 MLP steps),
# rolled out against that LNN.
CH4_EQC_LNN_STEPS := 20000
CH4_EQC_ARGS      := --width 128 --depth 2 --batch 256 --ntraj 400 --lr 1e-3 --steps 30000
