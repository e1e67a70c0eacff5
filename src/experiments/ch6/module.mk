# Chapter 6, "Ternary networks: which invariants survive {-1, 0, +1}": its
# experiments (the `experiment` template of the Makefile; figures follow from
# the data their scripts name).  Net A training runs (train) are independent
# and run in parallel under make -j.  Measured total at 5 seeds: about 350
# CPU-seconds on a heavily loaded machine (load 8-11 on 2 cores; about 6-8
# CPU-s per 1000 training steps there): the seeded runs about 220, the single
# runs about 60, drift about 45, audit, balance and translation the rest.

CH6_BIN := $(BUILD)/bin/ch6
CH6 := data/ch6

# E1: symmetry audit table and the bit-exact class (one run).
$(eval $(call experiment,$(CH6)/audit.tsv,$(CH6_BIN)/audit,--out $(CH6)/audit.tsv))

# Training runs of Net A: name, then the options of train.
#   main_*: E2 (scale law) at eta = 0.01; e3_wide, adam_*: E3 (flip rates).
CH6_RUNS := main_fp main_tern e3_wide adam_small adam_big
CH6_OPT_main_fp    := --q1 fp --q2 fp --eta 0.01 --steps 3000
CH6_OPT_main_tern  := --q1 tensor --q2 tensor --eta 0.01 --steps 3000
CH6_OPT_e3_wide    := --q1 tensor --q2 tensor --eta 0.1 --sigma 3 --steps 600
CH6_OPT_adam_small := --q1 tensor --q2 tensor --opt adam --eta 0.001 --steps 600
CH6_OPT_adam_big   := --q1 tensor --q2 tensor --opt adam --eta 0.004 --steps 600

$(foreach r,$(CH6_RUNS),$(eval $(call experiment,\
  $(CH6)/run_$(r).tsv $(CH6)/run_$(r)_curve.tsv $(CH6)/run_$(r)_summary.tsv,$(CH6_BIN)/train,\
  $(CH6_OPT_$(r)) --out $(CH6)/run_$(r).tsv --curve $(CH6)/run_$(r)_curve.tsv \
  --summary $(CH6)/run_$(r)_summary.tsv)))

# Seeded runs of Net A (seed k: initialisation and minibatch order), one make
# target each, in data/ch6/seeds_<name>/s<k>_{log,summary[,curve]}.tsv; the
# per-step log keeps every 10th step.  Shorter than the single runs above, to
# keep the chapter inside its CPU budget:
#   ws_*:   E4, two-stage weight decay under SGD (eta 0.1, lambda 0.02 for the
#           first 600 of 1200 steps), and the accuracy curves;
#   aw_*:   the same under BitNet b1.58's recipe: AdamW, beta = (0.9, 0.95),
#           decoupled decay 0.1 for 600 steps, then 0, and the learning rate
#           dropping by the factor 2/3 at the midpoint (W3: eta 0.002);
#   fast, big: E3, flip rate against kappa * delta-theta, SGD eta 0.1 and 0.4
#           without weight decay (fast's accuracy curve is the lambda = 0 one).
CH6_SEEDS ?= $(SEEDS)
CH6_SEEDED := ws_fp ws_tern aw_fp aw_tern fast big
CH6_SOPT_ws_fp   := --q1 fp --q2 fp --eta 0.1 --lambda 0.02 --wd-until 600 --steps 1200
CH6_SOPT_ws_tern := --q1 tensor --q2 tensor --eta 0.1 --lambda 0.02 --wd-until 600 --steps 1200
CH6_AW := --opt adam --beta2 0.95 --eta 0.04 --eta3 0.002 --lambda 0.1 --wd-until 600 --lr2 0.6667 --steps 1200
CH6_SOPT_aw_fp   := --q1 fp --q2 fp $(CH6_AW)
CH6_SOPT_aw_tern := --q1 tensor --q2 tensor $(CH6_AW)
CH6_SOPT_fast    := --q1 tensor --q2 tensor --eta 0.1 --steps 1200
CH6_SOPT_big     := --q1 tensor --q2 tensor --eta 0.4 --steps 400
CH6_CURVE_ws_fp := 1
CH6_CURVE_ws_tern := 1
CH6_CURVE_fast := 1
$(foreach r,$(CH6_SEEDED),$(eval $(call seeded_experiment,$(CH6)/seeds_$(r),\
  log.tsv summary.tsv $(if $(CH6_CURVE_$(r)),curve.tsv),$(CH6_BIN)/train,\
  $(CH6_SOPT_$(r)) --seed {seed} --log-every 10 --out {out}_log.tsv --summary {out}_summary.tsv \
  $(if $(CH6_CURVE_$(r)),--curve {out}_curve.tsv),$(CH6_SEEDS))))

# Per seed, the two runs of a comparison in one summary (pair.c), then the
# aggregates the page quotes: median, min, max over seeds.
ch6_pair_ = $(eval $(call seeded_experiment,$(CH6)/seeds_$(1),summary.tsv,$(CH6_BIN)/pair,\
  --a $(CH6)/seeds_$(2)/s{seed}_summary.tsv --b $(CH6)/seeds_$(3)/s{seed}_summary.tsv \
  --tag-a $(4) --tag-b $(5) $(6) --out {out}_summary.tsv,$(CH6_SEEDS),\
  $(call seed_files,$(CH6)/seeds_$(2),summary.tsv,$(CH6_SEEDS)) \
  $(call seed_files,$(CH6)/seeds_$(3),summary.tsv,$(CH6_SEEDS))))
$(call ch6_pair_,ws_pair,ws_fp,ws_tern,fp,tern,--diff)
$(call ch6_pair_,aw_pair,aw_fp,aw_tern,fp,tern,--diff)
$(call ch6_pair_,flip_pair,fast,big,fast,big,)
$(eval $(call seed_aggregate,$(CH6)/twostage_seeds.tsv,$(CH6)/seeds_ws_pair,summary.tsv,$(CH6_SEEDS),kv))
$(eval $(call seed_aggregate,$(CH6)/adamw_seeds.tsv,$(CH6)/seeds_aw_pair,summary.tsv,$(CH6_SEEDS),kv))
$(eval $(call seed_aggregate,$(CH6)/flip_seeds.tsv,$(CH6)/seeds_flip_pair,summary.tsv,$(CH6_SEEDS),kv))
# Bands for the figures: the per-step logs and the accuracy curves.
$(foreach r,ws_fp ws_tern aw_fp aw_tern,$(eval $(call seed_aggregate,\
  $(CH6)/$(r)_log_seeds.tsv,$(CH6)/seeds_$(r),log.tsv,$(CH6_SEEDS),curve)))
$(foreach r,ws_fp ws_tern fast,$(eval $(call seed_aggregate,\
  $(CH6)/$(r)_curve_seeds.tsv,$(CH6)/seeds_$(r),curve.tsv,$(CH6_SEEDS),curve)))

# E2 panel c: drift against eta at fixed time.
$(eval $(call experiment,$(CH6)/drift.tsv $(CH6)/drift_summary.tsv,$(CH6_BIN)/drift,\
  --out $(CH6)/drift.tsv --summary $(CH6)/drift_summary.tsv))

# E5: balancedness of Net B.
$(eval $(call experiment,$(CH6)/balance.tsv $(CH6)/balance_summary.tsv,$(CH6_BIN)/balance,\
  --out $(CH6)/balance.tsv --summary $(CH6)/balance_summary.tsv))

# E6: the softmax translation charge under eight update rules.
$(eval $(call experiment,$(CH6)/translation.tsv $(CH6)/translation_summary.tsv,$(CH6_BIN)/translation,\
  --out $(CH6)/translation.tsv --summary $(CH6)/translation_summary.tsv))

# Whole chapter's figures (for timing): make ch6-figures
.PHONY: ch6-figures
ch6-figures: $(filter figures/ch6_%,$(FIGURES)) $(CH6)/audit.tsv
