# Chapter 3, "Normalization is an adaptive optimizer": data rules and figure
# dependencies.  Every program writes several files in one run (grouped targets).

CH3_BIN := $(BUILD)/bin/ch3

# The noisy scale-invariant quadratic: relaxation, EMA, the angular-step law.
CH3_TOY := data/ch3/toy_relax.tsv data/ch3/toy_ema.tsv data/ch3/toy_law.tsv data/ch3/toy_summary.tsv
$(CH3_TOY) &: $(CH3_BIN)/toy
	@mkdir -p $(@D)
	$(CH3_BIN)/toy --out-dir $(@D)

figures/ch3_toy_relax.svg: data/ch3/toy_relax.tsv
figures/ch3_toy_ema.svg: data/ch3/toy_ema.tsv
figures/ch3_toy_law.svg: data/ch3/toy_law.tsv

FIGURES += figures/ch3_toy_relax.svg figures/ch3_toy_ema.svg figures/ch3_toy_law.svg
DATA    += $(CH3_TOY)
