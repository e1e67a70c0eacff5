# Chapter 2, "Symmetry and conservation in learning" (Neural Mechanics, NLD):
# its experiments (the `experiment` template of the Makefile; figures follow
# from the data their scripts name).  Each program writes several files in
# one run.  Total: about 1.5 CPU-minutes.

CH2_BIN := $(BUILD)/bin/ch2
# (Lists with commas go through a variable: a comma would end a template argument.)
CH2_LAMBDAS := 0,1e-3,5e-3,1e-2
CH2_BETAS   := 0.9,0.99

# E1: the analytic toys of NM Figs. 2-4.
CH2_TOYS := data/ch2/toy_field.tsv data/ch2/toy_levels.tsv data/ch2/toy_flows.tsv \
            data/ch2/toy_quadratic.tsv data/ch2/toy_summary.tsv
$(eval $(call experiment,$(CH2_TOYS),$(CH2_BIN)/toys,--out-dir data/ch2))

# E2, E4: translation and rescale on the plain MLP; constraints and Hessian.
CH2_PLAIN := data/ch2/translation.tsv data/ch2/rescale.tsv data/ch2/constraints_plain.tsv \
             data/ch2/hessian_plain_translation.tsv data/ch2/hessian_plain_rescale.tsv \
             data/ch2/sgd_plain_summary.tsv
$(eval $(call experiment,$(CH2_PLAIN),$(CH2_BIN)/sgd_charges,\
  --net plain --steps 4000 --lambdas $(CH2_LAMBDAS) --out-dir data/ch2))

# E3: scale on the BatchNorm MLP (eps = 0).
CH2_BN := data/ch2/scale.tsv data/ch2/constraints_bn.tsv data/ch2/hessian_bn_scale.tsv \
          data/ch2/units_bn.tsv data/ch2/sgd_bn_summary.tsv
$(eval $(call experiment,$(CH2_BN),$(CH2_BIN)/sgd_charges,\
  --net bn --steps 4000 --lambdas $(CH2_LAMBDAS) --out-dir data/ch2))

# E5: heavy ball.  eta lambda = 1e-4 as in the brief's example (eta 0.1,
# lambda 1e-3), but eta = 0.01: at eta = 0.1, beta = 0.99 the plain MLP diverges.
CH2_MOM := data/ch2/momentum_translation.tsv data/ch2/momentum_scale.tsv \
           data/ch2/momentum_rescale.tsv data/ch2/momentum_summary.tsv
$(eval $(call experiment,$(CH2_MOM),$(CH2_BIN)/momentum,\
  --eta 0.01 --lambda 1e-2 --betas $(CH2_BETAS) --steps 3000 --out-dir data/ch2))

# NLD: kinetic symmetry breaking, drift against eta.
CH2_KSB := data/ch2/ksb_drift.tsv data/ch2/ksb_summary.tsv
$(eval $(call experiment,$(CH2_KSB),$(CH2_BIN)/ksb_drift,--out-dir data/ch2))
