# Chapter 6, "Ternary networks: which invariants survive {-1, 0, +1}": its
# experiments (the `experiment` template of the Makefile; figures follow from
# the data their scripts name).  Net A training runs (train) are independent
# and run in parallel under make -j; the whole chapter is a few minutes of CPU.

CH6_BIN := $(BUILD)/bin/ch6
CH6 := data/ch6

# E1: symmetry audit table and the bit-exact class (one run).
$(eval $(call experiment,$(CH6)/audit.tsv,$(CH6_BIN)/audit,--out $(CH6)/audit.tsv))

# Training runs of Net A: name, then the options of train.
#   main_*: E2 (scale law) at eta = 0.01; fast_tern, e3_*: E3 (flip rates);
#   ws_*: E4 (two-stage weight decay) and the accuracy curves.
CH6_RUNS := main_fp main_tern fast_tern e3_big e3_wide adam_small adam_big ws_fp ws_tern
CH6_OPT_main_fp    := --q1 fp --q2 fp --eta 0.01 --steps 3000
CH6_OPT_main_tern  := --q1 tensor --q2 tensor --eta 0.01 --steps 3000
CH6_OPT_fast_tern  := --q1 tensor --q2 tensor --eta 0.1 --steps 3000
CH6_OPT_e3_big     := --q1 tensor --q2 tensor --eta 0.4 --steps 2000
CH6_OPT_e3_wide    := --q1 tensor --q2 tensor --eta 0.1 --sigma 3 --steps 2000
CH6_OPT_adam_small := --q1 tensor --q2 tensor --opt adam --eta 0.001 --steps 2000
CH6_OPT_adam_big   := --q1 tensor --q2 tensor --opt adam --eta 0.004 --steps 2000
CH6_OPT_ws_fp      := --q1 fp --q2 fp --eta 0.1 --lambda 0.01 --wd-until 1500 --steps 3000
CH6_OPT_ws_tern    := --q1 tensor --q2 tensor --eta 0.1 --lambda 0.01 --wd-until 1500 --steps 3000

$(foreach r,$(CH6_RUNS),$(eval $(call experiment,\
  $(CH6)/run_$(r).tsv $(CH6)/run_$(r)_curve.tsv $(CH6)/run_$(r)_summary.tsv,$(CH6_BIN)/train,\
  $(CH6_OPT_$(r)) --out $(CH6)/run_$(r).tsv --curve $(CH6)/run_$(r)_curve.tsv \
  --summary $(CH6)/run_$(r)_summary.tsv)))

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
