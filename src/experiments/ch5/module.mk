# Chapter 5, "Learning the laws themselves": its experiments (the `experiment`
# templates of the Makefile; figures follow from the data their scripts name).
# Both programs run once per seed (seed k = PCG seed k: training data, noise,
# initialisation, test initial conditions), CH5_SEEDS seeds; the page quotes
# medians with their min-max intervals from the aggregates.
# Measured CPU (/usr/bin/time, one run, one core, taken under load from other
# jobs): noether 13.3 s (predictor about 1.5 s, meta-training of g_phi about 11 s, the
# rest about 1 s), newton 9.1 s; with 5 seeds about 112 s in all.
CH5_BIN := $(BUILD)/bin/ch5
CH5_SEEDS ?= $(SEEDS)

# Formula search (clean and noisy), noise ceiling, predictor, meta-learned g_phi
# (Noether Networks Alg. 1), tailoring.
CH5_NOETHER := search.tsv noise.tsv lambda.tsv error.tsv phase.tsv ic.tsv meta.tsv levels.tsv \
               formulas.tsv summary.tsv
$(eval $(call seeded_experiment,data/ch5/noether,$(CH5_NOETHER),$(CH5_BIN)/noether,\
  --seed {seed} --out data/ch5/noether --tag s{seed},$(CH5_SEEDS)))
$(eval $(call seed_aggregate,data/ch5/noether_seeds.tsv,data/ch5/noether,summary.tsv,$(CH5_SEEDS),kv))
$(eval $(call seed_aggregate,data/ch5/noether_error_band.tsv,data/ch5/noether,error.tsv,$(CH5_SEEDS),curve))
$(eval $(call seed_aggregate,data/ch5/noether_lambda_band.tsv,data/ch5/noether,lambda.tsv,$(CH5_SEEDS),curve))

# The Newton scheme (formula fit) against the black-box sequence MLP.
$(eval $(call seeded_experiment,data/ch5/newton,horizon.tsv track.tsv summary.tsv,$(CH5_BIN)/newton,\
  --seed {seed} --out {out},$(CH5_SEEDS)))
$(eval $(call seed_aggregate,data/ch5/newton_seeds.tsv,data/ch5/newton,summary.tsv,$(CH5_SEEDS),kv))
$(eval $(call seed_aggregate,data/ch5/newton_horizon_band.tsv,data/ch5/newton,horizon.tsv,$(CH5_SEEDS),curve))
