# Chapter 1, "Noether's principle, from mechanics to learning": data rules and
# figure dependencies.  Each program writes several files in one run
# (grouped targets).  Whole chapter: a few seconds on one core.

CH1_BIN := $(BUILD)/bin/ch1

# Kepler for 10^4 orbits by Euler, RK4, leapfrog: E and L errors, orbits.
CH1_LONG := data/ch1/kepler_long.tsv data/ch1/kepler_orbits.tsv data/ch1/long_summary.tsv
$(CH1_LONG) &: $(CH1_BIN)/kepler_long
	@mkdir -p $(@D)
	$(CH1_BIN)/kepler_long --out data/ch1/kepler_long.tsv \
	  --orbit-out data/ch1/kepler_orbits.tsv --summary data/ch1/long_summary.tsv

figures/ch1_orbits.svg: data/ch1/kepler_orbits.tsv
figures/ch1_energy.svg: data/ch1/kepler_long.tsv
figures/ch1_angmom.svg: data/ch1/kepler_long.tsv

FIGURES += figures/ch1_orbits.svg figures/ch1_energy.svg figures/ch1_angmom.svg
DATA    += $(CH1_LONG)

# Convergence orders: global error after one orbit over step halvings.
CH1_ORDER := data/ch1/kepler_order.tsv data/ch1/order_summary.tsv
$(CH1_ORDER) &: $(CH1_BIN)/kepler_order
	@mkdir -p $(@D)
	$(CH1_BIN)/kepler_order --out data/ch1/kepler_order.tsv --summary data/ch1/order_summary.tsv

figures/ch1_order.svg: data/ch1/kepler_order.tsv

FIGURES += figures/ch1_order.svg
DATA    += $(CH1_ORDER)

# Broken rotation symmetry: the Kepler problem in a weak uniform field.
CH1_STARK := data/ch1/stark_long.tsv data/ch1/stark_energy.tsv data/ch1/stark_zoom.tsv \
             data/ch1/stark_summary.tsv
$(CH1_STARK) &: $(CH1_BIN)/kepler_stark
	@mkdir -p $(@D)
	$(CH1_BIN)/kepler_stark --out-dir data/ch1

figures/ch1_stark.svg: data/ch1/stark_long.tsv data/ch1/stark_energy.tsv
figures/ch1_stark_zoom.svg: data/ch1/stark_zoom.tsv

FIGURES += figures/ch1_stark.svg figures/ch1_stark_zoom.svg
DATA    += $(CH1_STARK)

# Noether along depth: a residual ReLU net trained by full-batch GD; the
# translation charge P_t = E g_t per layer and its violation budget.
CH1_DEPTH := data/ch1/depth_train.tsv data/ch1/depth_layers.tsv data/ch1/depth_summary.tsv
$(CH1_DEPTH) &: $(CH1_BIN)/depth
	@mkdir -p $(@D)
	$(CH1_BIN)/depth --out-dir data/ch1

figures/ch1_depth_train.svg: data/ch1/depth_train.tsv
figures/ch1_depth_layers.svg: data/ch1/depth_layers.tsv

FIGURES += figures/ch1_depth_train.svg figures/ch1_depth_layers.svg
DATA    += $(CH1_DEPTH)
