# Chapter 4 training parameters.  The trained weights depend on this file
# (not on module.mk), so editing figure rules never retrains; editing these does.
CH4_TRAIN_ARGS := --width 128 --depth 2 --steps 20000 --batch 256 --ntraj 400 --seed 0 --lr 3e-3
# The opt-in long run (make figures-long): three times the steps.
CH4_LONG_ARGS  := --width 128 --depth 2 --steps 60000 --batch 256 --ntraj 400 --seed 0 --lr 3e-3
