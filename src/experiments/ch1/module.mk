# Chapter 1, "Noether's principle, from mechanics to learning": its
# experiments (the `experiment` template of the Makefile; figures follow from
# the data their scripts name).  Each program writes several files in one run.
# Whole chapter: about 40 CPU-seconds at 5 seeds (the depth runs).

CH1_BIN := $(BUILD)/bin/ch1

# Kepler for 10^4 orbits by Euler, RK4, leapfrog: E and L errors, orbits.
CH1_LONG := data/ch1/kepler_long.tsv data/ch1/kepler_orbits.tsv data/ch1/long_summary.tsv
$(eval $(call experiment,$(CH1_LONG),$(CH1_BIN)/kepler_long,--out data/ch1/kepler_long.tsv \
  --orbit-out data/ch1/kepler_orbits.tsv --summary data/ch1/long_summary.tsv))

# Convergence orders: global error after one orbit over step halvings.
CH1_ORDER := data/ch1/kepler_order.tsv data/ch1/order_summary.tsv
$(eval $(call experiment,$(CH1_ORDER),$(CH1_BIN)/kepler_order,\
  --out data/ch1/kepler_order.tsv --summary data/ch1/order_summary.tsv))

# Broken rotation symmetry: the Kepler problem in a weak uniform field.
CH1_STARK := data/ch1/stark_long.tsv data/ch1/stark_energy.tsv data/ch1/stark_zoom.tsv \
             data/ch1/stark_summary.tsv
$(eval $(call experiment,$(CH1_STARK),$(CH1_BIN)/kepler_stark,--out-dir data/ch1))

# Noether along depth: a residual ReLU net trained by full-batch GD; the
# translation charge P_t = E g_t per layer, its violation budget, the whitened
# chi^2 tests of the per-sample gradients, and the sharpness.  Every variant V
# runs CH1_SEEDS seeds (seed k draws data and initialisation; run k writes
# data/ch1/s<k>_V_{train,layers,summary}.tsv, beside this chapter's other data
# so that the page links the program); the aggregator writes the median and
# interval of every summary key (V_seeds.tsv) and bands of the curves.
#   depth:            every parameter trained, 10^5 steps (sharpness, held-out test)
#   depth_frozen_w:   read-out w frozen
#   depth_frozen_A:   embedding A frozen
#   depth_centered:   branches centered over the batch (inputs centered), w frozen
CH1_SEEDS ?= $(SEEDS)
CH1_DEPTH_VARIANTS := depth depth_frozen_w depth_frozen_A depth_centered
CH1_OPT_depth          := --sharpness-iters 20 --test-n 4096
CH1_OPT_depth_frozen_w := --freeze readout --steps 10000
CH1_OPT_depth_frozen_A := --freeze embedding --steps 10000
CH1_OPT_depth_centered := --branch centered --freeze readout --steps 10000
$(foreach v,$(CH1_DEPTH_VARIANTS),\
  $(eval $(call seeded_experiment,data/ch1,$(v)_train.tsv $(v)_layers.tsv $(v)_summary.tsv,\
    $(CH1_BIN)/depth,$(CH1_OPT_$(v)) --seed {seed} --out {out}_$(v),$(CH1_SEEDS)))\
  $(eval $(call seed_aggregate,data/ch1/$(v)_seeds.tsv,data/ch1,$(v)_summary.tsv,$(CH1_SEEDS),kv))\
  $(eval $(call seed_aggregate,data/ch1/$(v)_train_band.tsv,data/ch1,$(v)_train.tsv,$(CH1_SEEDS),curve))\
  $(eval $(call seed_aggregate,data/ch1/$(v)_layers_band.tsv,data/ch1,$(v)_layers.tsv,$(CH1_SEEDS),curve)))
DATA_FIRST += $(call seed_files,data/ch1,depth_train.tsv,$(CH1_SEEDS))
