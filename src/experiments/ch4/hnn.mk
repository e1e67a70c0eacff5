# Chapter 4, HNN part: the experiments of sections #sec:hnn, #sec:relativistic
# and #sec:two-body (included by module.mk).  Measured at 5 seeds, under load
# (2 cores shared): spring + pendulum 39 CPU-s, relativistic particle 12 CPU-s,
# two bodies 31 CPU-s; about 82 CPU-s in all.
#
# Greydanus et al. 2019, tasks 1-2: HNN against the baseline MLP on the spring
# and the pendulum, over CH4_SEEDS seeds (seed k: data, noise, weights and
# evaluation streams of PCG seed k), one make target per seed and task.  The
# loss reaches the noise floor (about 0.04) within a few hundred steps at
# width 200 (the paper's size), so we train width 64 for 600 steps.  Each run
# also evaluates the paper's own protocol (the authors' analyze-pend.ipynb).
CH4_SEEDS ?= $(SEEDS)
CH4_HNN_ARGS := --width 64 --steps 600
CH4_HNN_FILES = $(1)_loss.tsv $(1)_rollout.tsv $(1)_summary.tsv $(1)_timing.tsv
$(foreach t,spring pendulum,$(eval $(call seeded_experiment,data/ch4/hnn,$(call CH4_HNN_FILES,$(t)),\
  $(CH4_BIN)/hnn,--task $(t) $(CH4_HNN_ARGS) --seed {seed} --out {out}_$(t),$(CH4_SEEDS))))
$(foreach t,spring pendulum,$(eval $(call seed_aggregate,data/ch4/hnn_$(t)_seeds.tsv,\
  data/ch4/hnn,$(t)_summary.tsv,$(CH4_SEEDS),kv)))
$(foreach t,spring pendulum,$(eval $(call seed_aggregate,data/ch4/hnn_$(t)_band.tsv,\
  data/ch4/hnn,$(t)_rollout.tsv,$(CH4_SEEDS),curve)))

# Cranmer et al. 2020, the relativistic particle: LNN, HNN fed (q, qdot),
# black box; width 32, 1500 full-batch steps on 512 states, over CH4_SEEDS
# seeds (about 2 CPU-s each).
CH4_REL_FILES := rel_loss.tsv rel_rollout.tsv rel_summary.tsv rel_timing.tsv
$(eval $(call seeded_experiment,data/ch4/rel,$(CH4_REL_FILES),$(CH4_BIN)/relativistic,\
  --width 32 --steps 1500 --vmax 0.7 --tmax 1 --seed {seed} --out {out}_rel,$(CH4_SEEDS)))
$(eval $(call seed_aggregate,data/ch4/rel_seeds.tsv,data/ch4/rel,rel_summary.tsv,$(CH4_SEEDS),kv))
$(eval $(call seed_aggregate,data/ch4/rel_band.tsv,data/ch4/rel,rel_rollout.tsv,$(CH4_SEEDS),curve))
$(eval $(call seed_aggregate,data/ch4/rel_loss_band.tsv,data/ch4/rel,rel_loss.tsv,$(CH4_SEEDS),curve))

# Greydanus et al. 2019, task 4: the two-body problem, HNN against the
# baseline; width 64, 5000 minibatch steps on 200 orbits (their code: width
# 200, 10000 steps, 1000 orbits), over CH4_SEEDS seeds (about 6 CPU-s each).
CH4_2B_FILES := two_body_loss.tsv two_body_rollout.tsv two_body_summary.tsv two_body_timing.tsv
$(eval $(call seeded_experiment,data/ch4/two_body,$(CH4_2B_FILES),$(CH4_BIN)/two_body,\
  --width 64 --orbits 200 --batch 200 --steps 5000 --seed {seed} --out {out}_two_body,$(CH4_SEEDS)))
$(eval $(call seed_aggregate,data/ch4/two_body_seeds.tsv,data/ch4/two_body,two_body_summary.tsv,$(CH4_SEEDS),kv))
$(eval $(call seed_aggregate,data/ch4/two_body_band.tsv,data/ch4/two_body,two_body_rollout.tsv,$(CH4_SEEDS),curve))
