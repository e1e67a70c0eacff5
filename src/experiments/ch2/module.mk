# Chapter 2, "Symmetry and conservation in learning" (Neural Mechanics, NLD):
# its experiments (the `experiment` template of the Makefile; figures follow
# from the data their scripts name).  Each program writes several files in
# one run; every program but the toys runs once per seed (CH2_SEEDS).
# Total at 5 seeds: about 170 CPU-seconds (SEEDS=2: about 70).

CH2_BIN := $(BUILD)/bin/ch2
# (Lists with commas go through a variable: a comma would end a template argument.)

# The analytic toys of NM Figs. 2-4.
CH2_TOYS := data/ch2/toy_field.tsv data/ch2/toy_levels.tsv data/ch2/toy_flows.tsv \
            data/ch2/toy_quadratic.tsv data/ch2/toy_summary.tsv
$(eval $(call experiment,$(CH2_TOYS),$(CH2_BIN)/toys,--out-dir data/ch2))

# Seeds (init, batches, checks): run k writes data/ch2/s<k>_<file>; the
# aggregates give medians and intervals (kv) and bands (curve).
CH2_SEEDS ?= $(SEEDS)

# Translation and rescale on the plain MLP; constraints, Hessian, and the
# per-sample gradient noise along the generators at the end of the lambda = 0 run.
CH2_PLAIN_LAMBDAS := 0,2e-2
CH2_PLAIN := sgd_plain_translation.tsv sgd_plain_rescale.tsv sgd_plain_constraints.tsv \
             sgd_plain_hessian_translation.tsv sgd_plain_hessian_rescale.tsv \
             sgd_plain_noise.tsv sgd_plain_summary.tsv
$(eval $(call seeded_experiment,data/ch2,$(CH2_PLAIN),$(CH2_BIN)/sgd_charges,\
  --net plain --seed {seed} --steps 2000 --lambdas $(CH2_PLAIN_LAMBDAS) --resid-run 1 \
  --noise-samples 512 --out {out}_sgd_plain,$(CH2_SEEDS)))
$(eval $(call seed_aggregate,data/ch2/sgd_plain_seeds.tsv,data/ch2,sgd_plain_summary.tsv,$(CH2_SEEDS),kv))

# Scale on the BatchNorm MLP (eps = 0), eta lambda K = 0, 0.4, 2, 4; the
# minibatch noise along the generators and its share of the drive (lambda = 0).
CH2_BN_LAMBDAS := 0,2e-3,1e-2,2e-2
CH2_BN := sgd_bn_scale.tsv sgd_bn_units.tsv sgd_bn_noise_share.tsv sgd_bn_constraints.tsv \
          sgd_bn_hessian_scale.tsv sgd_bn_noise.tsv sgd_bn_summary.tsv
$(eval $(call seeded_experiment,data/ch2,$(CH2_BN),$(CH2_BIN)/sgd_charges,\
  --net bn --seed {seed} --steps 2000 --lambdas $(CH2_BN_LAMBDAS) --resid-run 3 \
  --out {out}_sgd_bn,$(CH2_SEEDS)))
$(eval $(call seed_aggregate,data/ch2/sgd_bn_seeds.tsv,data/ch2,sgd_bn_summary.tsv,$(CH2_SEEDS),kv))
$(eval $(call seed_aggregate,data/ch2/sgd_bn_scale_band.tsv,data/ch2,sgd_bn_scale.tsv,$(CH2_SEEDS),curve))
$(eval $(call seed_aggregate,data/ch2/sgd_bn_noise_share_band.tsv,data/ch2,sgd_bn_noise_share.tsv,$(CH2_SEEDS),curve))

# Heavy ball: eta lambda = 1e-4 as in the authors' momentum runs (eta 0.1,
# lambda 1e-3), at eta = 0.01, lambda = 1e-2: the oscillator's step counts
# depend on eta and lambda only through eta lambda (derived in the chapter).
CH2_BETAS := 0.9,0.99
CH2_MOM := momentum_translation.tsv momentum_scale.tsv momentum_rescale.tsv momentum_summary.tsv
$(eval $(call seeded_experiment,data/ch2,$(CH2_MOM),$(CH2_BIN)/momentum,\
  --seed {seed} --eta 0.01 --lambda 1e-2 --betas $(CH2_BETAS) --steps 2000 --out {out},$(CH2_SEEDS)))
$(eval $(call seed_aggregate,data/ch2/momentum_seeds.tsv,data/ch2,momentum_summary.tsv,$(CH2_SEEDS),kv))

# NLD: kinetic symmetry breaking by the finite step, drift against eta, and
# the charge equation with its inertial term (smooth network, full batch).
CH2_KSB := ksb_drift.tsv ksb_summary.tsv nld_inertia.tsv nld_inertia_summary.tsv
$(eval $(call seeded_experiment,data/ch2,$(CH2_KSB),$(CH2_BIN)/ksb_drift,\
  --seed {seed} --out {out},$(CH2_SEEDS)))
$(eval $(call seed_aggregate,data/ch2/ksb_seeds.tsv,data/ch2,ksb_summary.tsv,$(CH2_SEEDS),kv))
$(eval $(call seed_aggregate,data/ch2/ksb_band.tsv,data/ch2,ksb_drift.tsv,$(CH2_SEEDS),curve))
$(eval $(call seed_aggregate,data/ch2/nld_inertia_seeds.tsv,data/ch2,nld_inertia_summary.tsv,$(CH2_SEEDS),kv))
$(eval $(call seed_aggregate,data/ch2/nld_inertia_band.tsv,data/ch2,nld_inertia.tsv,$(CH2_SEEDS),curve))

# NLD: kinetic symmetry breaking by an adaptive metric (Adam) on a two-layer
# linear network, against GD and the Adam flow.
CH2_ADAM := ksb_adam.tsv ksb_adam_summary.tsv
$(eval $(call seeded_experiment,data/ch2,$(CH2_ADAM),$(CH2_BIN)/ksb_adam,\
  --seed {seed} --out {out},$(CH2_SEEDS)))
$(eval $(call seed_aggregate,data/ch2/ksb_adam_seeds.tsv,data/ch2,ksb_adam_summary.tsv,$(CH2_SEEDS),kv))
$(eval $(call seed_aggregate,data/ch2/ksb_adam_band.tsv,data/ch2,ksb_adam.tsv,$(CH2_SEEDS),curve))
