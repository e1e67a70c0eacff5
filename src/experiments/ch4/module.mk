# Chapter 4, "Learning a Lagrangian": its experiments (the `experiment`
# template of the Makefile; figures follow from the data their scripts name).
#
# Four independent programs, two of which train for minutes; with `make -j2`
# the two trainings of the double pendulum run side by side, then dp_eval
# rolls both models out.  The trained weights are data (data/ch4/dp_*_weights.tsv):
# like every experiment they are rebuilt only when the training program or
# its command line changes (the parameters are in params.mk), so figures
# redraw without retraining.  The seeded equal-step study, equal compute, the
# kappa = 0 ablation and the seam run come on top.  Measured from the
# *_timing.tsv files (5 seeds, on a loaded 2-core machine): main run 112
# CPU-s, equal steps 89, equal compute 81, kappa = 0 80, seam 16; 379 in all
# for the double pendulum (the HNN runs of hnn.mk not counted).

CH4_BIN := $(BUILD)/bin/ch4
include src/experiments/ch4/params.mk

# The HNN part (spring, pendulum, relativistic particle, two bodies).
include src/experiments/ch4/hnn.mk

# Two templates on top of `experiment` serve every double-pendulum run below
# (Cranmer et al. 2020: LNN and baseline MLP on the same data, batch and
# schedule).
#   ch4_train PREFIX, MODEL, ARGS        dp_train -> PREFIX_{weights,train,loss,timing}.tsv
#   ch4_eval  DIR, LNN, MLP, ARGS        dp_eval of LNN_weights.tsv against MLP_weights.tsv
#                                        from the 40 held-out initial conditions -> DIR/dp_*.tsv
CH4_TRAIN_FILES = $(1)_weights.tsv $(1)_train.tsv $(1)_loss.tsv $(1)_timing.tsv
CH4_EVAL_FILES  = $(foreach f,energy traj order summary ic timing,$(1)/dp_$(f).tsv)
ch4_train = $(call experiment,$(call CH4_TRAIN_FILES,$(1)),$(CH4_BIN)/dp_train,--model $(2) $(3) --out $(1))
ch4_eval = $(call experiment,$(call CH4_EVAL_FILES,$(1)),$(CH4_BIN)/dp_eval,$(4) --lnn $(strip $(2))_weights.tsv \
             --mlp $(strip $(3))_weights.tsv --nic 40 --tmax 100 --dt 0.01 --seed 0 --outdir $(1),\
             $(2)_weights.tsv $(3)_weights.tsv)

# Started first under make -j: the two long trainings.
DATA_FIRST += data/ch4/dp_lnn_weights.tsv data/ch4/dp_mlp_weights.tsv

# The main comparison: same steps, width 128.
$(eval $(call ch4_train,data/ch4/dp_lnn,lnn,$(CH4_TRAIN_ARGS)))
$(eval $(call ch4_train,data/ch4/dp_mlp,mlp,$(CH4_TRAIN_ARGS)))
$(eval $(call ch4_eval,data/ch4,data/ch4/dp_lnn,data/ch4/dp_mlp,--width 128 --depth 2))
# The equal-step study (params.mk): for each of the CH4_SEEDS seeds and each
# number of steps, train both models into data/ch4/budget/s<seed>_n<steps>/
# and roll them out; then dp_budget gathers the runs into
# data/ch4/dp_budget{,_summary,_seeds}.tsv (totals, and median, min, max over
# seeds per budget).
CH4_SEED_LIST := $(call seq,$(CH4_SEEDS))
define ch4_budget_run     # seed, steps
$(foreach m,lnn mlp,$(eval $(call ch4_train,data/ch4/budget/s$(1)_n$(2)/$(m),$(m),\
  $(CH4_BUDGET_ARGS) --steps $(2) --seed $(1))))
$(eval $(call ch4_eval,data/ch4/budget/s$(1)_n$(2),data/ch4/budget/s$(1)_n$(2)/lnn,\
  data/ch4/budget/s$(1)_n$(2)/mlp,--width 64 --depth 2))
CH4_BUDGET_DIRS += data/ch4/budget/s$(1)_n$(2)
endef
CH4_BUDGET_DIRS :=
$(foreach s,$(CH4_SEED_LIST),$(foreach n,$(CH4_BUDGET_STEPS),$(eval $(call ch4_budget_run,$(s),$(n)))))

# A copy of a training summary beside a rollout of another directory, so that
# dp_budget finds each pair in one directory: ch4_copy SRC, DST.
define ch4_copy
$(2): $(1)
	@mkdir -p $$(@D)
	cp $$< $$@.tmp && mv $$@.tmp $$@
DATA += $(2)
endef

# Equal compute (params.mk): the baseline at width 128 with the LNN's CPU time,
# one per seed, rolled out against the width-64 LNN of the same seed.
define ch4_eqc_run        # seed
$(eval $(call ch4_train,data/ch4/eqc/s$(1)/mlp,mlp,$(CH4_EQC_ARGS) --seed $(1)))
$(eval $(call ch4_eval,data/ch4/eqc/s$(1),data/ch4/budget/s$(1)_n$(CH4_EQC_LNN_STEPS)/lnn,\
  data/ch4/eqc/s$(1)/mlp,--width 64 --depth 2 --mlp-width 128 --mlp-depth 2))
$(eval $(call ch4_copy,data/ch4/budget/s$(1)_n$(CH4_EQC_LNN_STEPS)/lnn_train.tsv,data/ch4/eqc/s$(1)/lnn_train.tsv))
CH4_EQC_DIRS += data/ch4/eqc/s$(1)
endef
CH4_EQC_DIRS :=
$(foreach s,$(CH4_SEED_LIST),$(eval $(call ch4_eqc_run,$(s))))
CH4_EQC_IN := $(foreach d,$(CH4_EQC_DIRS),$(d)/lnn_train.tsv $(d)/mlp_train.tsv $(d)/dp_summary.tsv)
$(eval $(call experiment,data/ch4/dp_eqc.tsv data/ch4/dp_eqc_summary.tsv data/ch4/dp_eqc_seeds.tsv,\
  $(CH4_BIN)/dp_budget,--equal-compute --out data/ch4/dp_eqc $(CH4_EQC_DIRS),$(CH4_EQC_IN)))

CH4_BUDGET_IN := $(foreach d,$(CH4_BUDGET_DIRS),$(d)/lnn_train.tsv $(d)/mlp_train.tsv $(d)/dp_summary.tsv)
$(eval $(call experiment,data/ch4/dp_budget.tsv data/ch4/dp_budget_summary.tsv data/ch4/dp_budget_seeds.tsv,\
  $(CH4_BIN)/dp_budget,--out data/ch4/dp_budget $(CH4_BUDGET_DIRS),$(CH4_BUDGET_IN)))

# The kappa = 0 ablation (params.mk, fig:lnn-kappa0): per seed, the LNN
# without the added kinetic term, rolled out against that seed's baseline of
# the equal-step study; gathered like the study, and the energy-error curves
# of both LNNs as median and band over seeds.
define ch4_k0_run         # seed
$(eval $(call ch4_train,data/ch4/kappa0/s$(1)_n$(CH4_K0_STEPS)/lnn,lnn,\
  $(CH4_BUDGET_ARGS) --steps $(CH4_K0_STEPS) --seed $(1) --kappa 0))
$(eval $(call ch4_eval,data/ch4/kappa0/s$(1)_n$(CH4_K0_STEPS),data/ch4/kappa0/s$(1)_n$(CH4_K0_STEPS)/lnn,\
  data/ch4/budget/s$(1)_n$(CH4_K0_STEPS)/mlp,--width 64 --depth 2 --kappa 0))
$(eval $(call ch4_copy,data/ch4/budget/s$(1)_n$(CH4_K0_STEPS)/mlp_train.tsv,\
  data/ch4/kappa0/s$(1)_n$(CH4_K0_STEPS)/mlp_train.tsv))
CH4_K0_DIRS += data/ch4/kappa0/s$(1)_n$(CH4_K0_STEPS)
endef
CH4_K0_DIRS :=
$(foreach s,$(CH4_SEED_LIST),$(eval $(call ch4_k0_run,$(s))))
CH4_K0_IN := $(foreach d,$(CH4_K0_DIRS),$(d)/lnn_train.tsv $(d)/mlp_train.tsv $(d)/dp_summary.tsv)
$(eval $(call experiment,data/ch4/dp_kappa0.tsv data/ch4/dp_kappa0_summary.tsv data/ch4/dp_kappa0_seeds.tsv,\
  $(CH4_BIN)/dp_budget,--out data/ch4/dp_kappa0 $(CH4_K0_DIRS),$(CH4_K0_IN)))
CH4_K0_ENERGY := n$(CH4_K0_STEPS)/dp_energy.tsv
$(eval $(call seed_aggregate,data/ch4/dp_kappa0_energy_seeds.tsv,data/ch4/kappa0,$(CH4_K0_ENERGY),$(CH4_SEEDS),curve))
$(eval $(call seed_aggregate,data/ch4/dp_kappa1_energy_seeds.tsv,data/ch4/budget,$(CH4_K0_ENERGY),$(CH4_SEEDS),curve))

# The seam of wrapped angles: the same LNN training with wrapped inputs,
# rolled out from the same initial conditions (the baseline of that run is
# rolled out again alongside, unchanged).
CH4_SEAM_SRC := data/ch4/budget/$(CH4_SEAM_RUN)
CH4_SEAM_NSTEPS := $(lastword $(subst _n, ,$(CH4_SEAM_RUN)))
CH4_SEAM_SEED := $(patsubst s%,%,$(firstword $(subst _n, ,$(CH4_SEAM_RUN))))
$(eval $(call ch4_train,data/ch4/seam/lnn,lnn,\
  --features wrap $(CH4_BUDGET_ARGS) --steps $(CH4_SEAM_NSTEPS) --seed $(CH4_SEAM_SEED)))
$(eval $(call ch4_eval,data/ch4/seam,data/ch4/seam/lnn,$(CH4_SEAM_SRC)/mlp,\
  --features wrap --width 64 --depth 2))

# Opt-in long run (not part of `make figures`): the same comparison with three
# times the training steps, into data/ch4_long/.  Its three summary files are
# then copied to data/reference/ch4/ (committed, small) so that the chapter
# can quote them without rerunning; their # headers keep the provenance.
# Not in DATA: neither `make figures` nor `make verify` runs it.
DATA_EXCLUDE += data/ch4_long/%
$(eval $(call ch4_train,data/ch4_long/dp_lnn,lnn,$(CH4_LONG_ARGS)))
$(eval $(call ch4_train,data/ch4_long/dp_mlp,mlp,$(CH4_LONG_ARGS)))
$(eval $(call ch4_eval,data/ch4_long,data/ch4_long/dp_lnn,data/ch4_long/dp_mlp,--width 128 --depth 2))

.PHONY: figures-long
figures-long: $(call CH4_EVAL_FILES,data/ch4_long) $(call CH4_TRAIN_FILES,data/ch4_long/dp_lnn) \
              $(call CH4_TRAIN_FILES,data/ch4_long/dp_mlp)
	@mkdir -p data/reference/ch4
	cp data/ch4_long/dp_summary.tsv data/reference/ch4/long_dp_summary.tsv
	cp data/ch4_long/dp_lnn_train.tsv data/reference/ch4/long_dp_lnn_train.tsv
	cp data/ch4_long/dp_mlp_train.tsv data/reference/ch4/long_dp_mlp_train.tsv
	cp data/ch4_long/dp_lnn_timing.tsv data/reference/ch4/long_dp_lnn_timing.tsv
