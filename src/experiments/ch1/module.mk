# Chapter 1, "Noether's principle, from mechanics to learning": its
# experiments (the `experiment` template of the Makefile; figures follow from
# the data their scripts name).  Each program writes several files in one run.
# Whole chapter: a few seconds on one core.

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
# translation charge P_t = E g_t per layer and its violation budget.
CH1_DEPTH := data/ch1/depth_train.tsv data/ch1/depth_layers.tsv data/ch1/depth_summary.tsv
$(eval $(call experiment,$(CH1_DEPTH),$(CH1_BIN)/depth,--out-dir data/ch1))
