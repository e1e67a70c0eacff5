# Chapter 3, "Normalization is an adaptive optimizer": data rules and figure
# dependencies.  Every program writes several files in one run (grouped targets).

CH3_BIN := $(BUILD)/bin/ch3

# The noisy scale-invariant quadratic: relaxation, EMA, the angular-step law.
CH3_TOY := data/ch3/toy_relax.tsv data/ch3/toy_ema.tsv data/ch3/toy_law.tsv data/ch3/toy_summary.tsv
$(CH3_TOY) &: $(CH3_BIN)/toy
	@mkdir -p $(@D)
	$(CH3_BIN)/toy --out-dir $(@D)

figures/ch3_toy_relax.svg: data/ch3/toy_relax.tsv data/ch3/toy_summary.tsv
figures/ch3_toy_ema.svg: data/ch3/toy_ema.tsv
figures/ch3_toy_law.svg: data/ch3/toy_law.tsv

FIGURES += figures/ch3_toy_relax.svg figures/ch3_toy_ema.svg figures/ch3_toy_law.svg
DATA    += $(CH3_TOY)
# E6: BatchNorm MLP read as RMSProp; side by side with explicit RMSProps.
CH3_ADAPTIVE := data/ch3/adaptive_units.tsv data/ch3/adaptive_steps.tsv \
                data/ch3/adaptive_eval.tsv data/ch3/adaptive_summary.tsv
$(CH3_ADAPTIVE) &: $(CH3_BIN)/adaptive
	@mkdir -p $(@D)
	$(CH3_BIN)/adaptive --out-dir $(@D)

# E7: norms held fixed against free, across learning rates (NLD Fig. 4 analogue).
CH3_CONSTRAINED := data/ch3/constrained_scan.tsv data/ch3/constrained_curves.tsv \
                   data/ch3/constrained_summary.tsv
$(CH3_CONSTRAINED) &: $(CH3_BIN)/constrained
	@mkdir -p $(@D)
	$(CH3_BIN)/constrained --out-dir $(@D)

figures/ch3_bn_nu.svg: data/ch3/adaptive_units.tsv
figures/ch3_bn_angle.svg: data/ch3/adaptive_steps.tsv data/ch3/adaptive_summary.tsv
figures/ch3_bn_eta_eff.svg: data/ch3/adaptive_steps.tsv
figures/ch3_rmsprop.svg: data/ch3/adaptive_steps.tsv data/ch3/adaptive_eval.tsv
figures/ch3_constrained_scan.svg: data/ch3/constrained_scan.tsv
figures/ch3_constrained_curves.svg: data/ch3/constrained_curves.tsv data/ch3/constrained_summary.tsv

FIGURES += figures/ch3_bn_nu.svg figures/ch3_bn_angle.svg figures/ch3_bn_eta_eff.svg \
           figures/ch3_rmsprop.svg figures/ch3_constrained_scan.svg figures/ch3_constrained_curves.svg
DATA    += $(CH3_ADAPTIVE) $(CH3_CONSTRAINED)

figures/ch3_breaks.svg: data/ch3/adaptive_steps.tsv
FIGURES += figures/ch3_breaks.svg
