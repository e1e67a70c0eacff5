# Chapter 3, "Normalization is an adaptive optimizer": its experiments (the
# `experiment` template of the Makefile; figures follow from the data their
# scripts name).  Every program writes several files in one run.

CH3_BIN := $(BUILD)/bin/ch3

# The noisy scale-invariant quadratic: relaxation, EMA, the angular-step law.
CH3_TOY := data/ch3/toy_relax.tsv data/ch3/toy_ema.tsv data/ch3/toy_law.tsv data/ch3/toy_summary.tsv
$(eval $(call experiment,$(CH3_TOY),$(CH3_BIN)/toy,--out-dir data/ch3))

# E6: BatchNorm MLP read as RMSProp; side by side with explicit RMSProps.
CH3_ADAPTIVE := data/ch3/adaptive_units.tsv data/ch3/adaptive_steps.tsv \
                data/ch3/adaptive_eval.tsv data/ch3/adaptive_summary.tsv
$(eval $(call experiment,$(CH3_ADAPTIVE),$(CH3_BIN)/adaptive,--out-dir data/ch3))

# E7: norms held fixed against free, across learning rates (NLD Fig. 4 analogue).
CH3_CONSTRAINED := data/ch3/constrained_scan.tsv data/ch3/constrained_curves.tsv \
                   data/ch3/constrained_summary.tsv
$(eval $(call experiment,$(CH3_CONSTRAINED),$(CH3_BIN)/constrained,--out-dir data/ch3))
