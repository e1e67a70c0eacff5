# Chapter 3, "Normalization is an adaptive optimizer": its experiments (the
# `experiment` templates of the Makefile; figures follow from the data their
# scripts name).  Every program writes several files in one run.

CH3_BIN := $(BUILD)/bin/ch3

# The noisy scale-invariant quadratic: relaxation, EMA, the angular-step law,
# the relaxation time.
CH3_TOY := data/ch3/toy_relax.tsv data/ch3/toy_ema.tsv data/ch3/toy_law.tsv \
           data/ch3/toy_relaxtime.tsv data/ch3/toy_summary.tsv
$(eval $(call experiment,$(CH3_TOY),$(CH3_BIN)/toy,--out-dir data/ch3))

# BatchNorm MLP read as RMSProp; side by side with explicit RMSProps.
CH3_ADAPTIVE := data/ch3/adaptive_units.tsv data/ch3/adaptive_steps.tsv \
                data/ch3/adaptive_eval.tsv data/ch3/adaptive_summary.tsv
$(eval $(call experiment,$(CH3_ADAPTIVE),$(CH3_BIN)/adaptive,--out-dir data/ch3))

# Norms held fixed against free, across learning rates (NLD Fig. 4 analogue),
# over CH3_SEEDS seeds: seed k (initialisation and minibatch order) is PCG seed
# CH3_SEED0 + k, one make target each.  Seed 0, the figure seed, also writes
# the training curves with the explicit per-unit RMSProp.
CH3_SEEDS ?= $(SEEDS)
CH3_SEED0 := 3
CH3_SCAN  := data/ch3/constrained
ch3_pcg_seed_ = $(words $(call seq,$(1)) $(call seq,$(CH3_SEED0)))
ch3_scan_files_ = $(CH3_SCAN)/s$(1)_scan.tsv $(CH3_SCAN)/s$(1)_summary.tsv
$(eval $(call experiment,$(call ch3_scan_files_,0) data/ch3/constrained_curves.tsv \
  data/ch3/constrained_curves_summary.tsv,$(CH3_BIN)/constrained,\
  --seed $(CH3_SEED0) --out $(CH3_SCAN)/s0 --curves data/ch3/constrained_curves))
$(foreach k,$(wordlist 2,$(CH3_SEEDS),$(call seq,$(CH3_SEEDS))),$(eval $(call experiment,\
  $(call ch3_scan_files_,$(k)),$(CH3_BIN)/constrained,\
  --seed $(call ch3_pcg_seed_,$(k)) --out $(CH3_SCAN)/s$(k))))
$(eval $(call seed_aggregate,data/ch3/constrained_seeds.tsv,$(CH3_SCAN),summary.tsv,$(CH3_SEEDS),kv))
$(eval $(call seed_aggregate,data/ch3/constrained_seeds_scan.tsv,$(CH3_SCAN),scan.tsv,$(CH3_SEEDS),curve))
