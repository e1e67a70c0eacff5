# Chapter 5, "Learning the laws themselves": its experiments (the `experiment`
# template of the Makefile; figures follow from the data their scripts name).
CH5_BIN := $(BUILD)/bin/ch5

CH5_NOETHER := data/ch5/noether_search.tsv data/ch5/noether_noise.tsv \
               data/ch5/noether_lambda.tsv data/ch5/noether_error.tsv \
               data/ch5/noether_phase.tsv data/ch5/noether_ic.tsv data/ch5/noether_summary.tsv
$(eval $(call experiment,$(CH5_NOETHER),$(CH5_BIN)/noether,--out data/ch5))

CH5_NEWTON := data/ch5/newton_horizon.tsv data/ch5/newton_track.tsv data/ch5/newton_summary.tsv
$(eval $(call experiment,$(CH5_NEWTON),$(CH5_BIN)/newton,--out data/ch5))

# The same experiment with three more seeds: is the tailoring gain a seed's luck?
CH5_SEEDS := 1 2 3
$(foreach s,$(CH5_SEEDS),$(eval $(call experiment,\
  $(foreach x,search noise lambda error phase ic summary,data/ch5/noether_s$(s)_$(x).tsv),\
  $(CH5_BIN)/noether,--seed $(s) --tag noether_s$(s) --out data/ch5)))
