# Chapter 5, "Learning the laws themselves": data rules and figure dependencies.
CH5_NOETHER := data/ch5/noether_search.tsv data/ch5/noether_noise.tsv \
               data/ch5/noether_lambda.tsv data/ch5/noether_error.tsv \
               data/ch5/noether_phase.tsv data/ch5/noether_ic.tsv data/ch5/noether_summary.tsv

$(CH5_NOETHER) &: $(BUILD)/bin/ch5/noether
	@mkdir -p $(@D)
	$(BUILD)/bin/ch5/noether --out data/ch5

DATA += $(CH5_NOETHER)

CH5_NEWTON := data/ch5/newton_horizon.tsv data/ch5/newton_track.tsv data/ch5/newton_summary.tsv

$(CH5_NEWTON) &: $(BUILD)/bin/ch5/newton
	@mkdir -p $(@D)
	$(BUILD)/bin/ch5/newton --out data/ch5

DATA += $(CH5_NEWTON)

figures/ch5_search.svg figures/ch5_noise.svg figures/ch5_lambda.svg figures/ch5_energy.svg \
figures/ch5_error.svg: $(CH5_NOETHER)
figures/ch5_newton_horizon.svg figures/ch5_newton_track.svg: $(CH5_NEWTON)
FIGURES += figures/ch5_search.svg figures/ch5_noise.svg figures/ch5_lambda.svg \
           figures/ch5_energy.svg figures/ch5_error.svg figures/ch5_newton_horizon.svg \
           figures/ch5_newton_track.svg

# The same experiment with three more seeds: is the tailoring gain a seed's luck?
CH5_SEEDS := 1 2 3
define ch5_seed_rule
CH5_SEED$(1) := $$(foreach x,search noise lambda error phase ic summary,data/ch5/noether_s$(1)_$$(x).tsv)
$$(CH5_SEED$(1)) &: $(BUILD)/bin/ch5/noether
	@mkdir -p $$(@D)
	$(BUILD)/bin/ch5/noether --seed $(1) --tag noether_s$(1) --out data/ch5
DATA += $$(CH5_SEED$(1))
endef
$(foreach s,$(CH5_SEEDS),$(eval $(call ch5_seed_rule,$(s))))
figures/ch5_ic.svg: $(CH5_NOETHER)
FIGURES += figures/ch5_ic.svg
