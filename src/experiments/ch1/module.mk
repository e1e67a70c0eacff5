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
