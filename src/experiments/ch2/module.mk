# Chapter 2, "Symmetry and conservation in learning" (Neural Mechanics, NLD):
# data rules and figure dependencies.  Each program writes several files in
# one run (grouped targets).  Total: about 1.5 CPU-minutes.

CH2_BIN := $(BUILD)/bin/ch2
CH2_LAMBDAS := 0,1e-3,5e-3,1e-2

# E1: the analytic toys of NM Figs. 2-4.
CH2_TOYS := data/ch2/toy_field.tsv data/ch2/toy_levels.tsv data/ch2/toy_flows.tsv \
            data/ch2/toy_quadratic.tsv data/ch2/toy_summary.tsv
$(CH2_TOYS) &: $(CH2_BIN)/toys
	@mkdir -p $(@D)
	$(CH2_BIN)/toys --out-dir $(@D)

# E2, E4: translation and rescale on the plain MLP; constraints and Hessian.
CH2_PLAIN := data/ch2/translation.tsv data/ch2/rescale.tsv data/ch2/constraints_plain.tsv \
             data/ch2/hessian_plain_translation.tsv data/ch2/hessian_plain_rescale.tsv \
             data/ch2/sgd_plain_summary.tsv
$(CH2_PLAIN) &: $(CH2_BIN)/sgd_charges
	@mkdir -p $(@D)
	$(CH2_BIN)/sgd_charges --net plain --steps 4000 --lambdas $(CH2_LAMBDAS) --out-dir $(@D)

# E3: scale on the BatchNorm MLP (eps = 0).
CH2_BN := data/ch2/scale.tsv data/ch2/constraints_bn.tsv data/ch2/hessian_bn_scale.tsv \
          data/ch2/units_bn.tsv data/ch2/sgd_bn_summary.tsv
$(CH2_BN) &: $(CH2_BIN)/sgd_charges
	@mkdir -p $(@D)
	$(CH2_BIN)/sgd_charges --net bn --steps 4000 --lambdas $(CH2_LAMBDAS) --out-dir $(@D)

# E5: heavy ball.  eta lambda = 1e-4 as in the brief's example (eta 0.1,
# lambda 1e-3), but eta = 0.01: at eta = 0.1, beta = 0.99 the plain MLP diverges.
CH2_MOM := data/ch2/momentum_translation.tsv data/ch2/momentum_scale.tsv \
           data/ch2/momentum_rescale.tsv data/ch2/momentum_summary.tsv
$(CH2_MOM) &: $(CH2_BIN)/momentum
	@mkdir -p $(@D)
	$(CH2_BIN)/momentum --eta 0.01 --lambda 1e-2 --betas 0.9,0.99 --steps 3000 --out-dir $(@D)

# NLD: kinetic symmetry breaking, drift against eta.
CH2_KSB := data/ch2/ksb_drift.tsv data/ch2/ksb_summary.tsv
$(CH2_KSB) &: $(CH2_BIN)/ksb_drift
	@mkdir -p $(@D)
	$(CH2_BIN)/ksb_drift --out-dir $(@D)

figures/ch2_toy_fields.svg: data/ch2/toy_field.tsv data/ch2/toy_levels.tsv data/ch2/toy_flows.tsv
figures/ch2_toy_quadratic.svg: data/ch2/toy_quadratic.tsv
figures/ch2_constraints.svg: data/ch2/constraints_plain.tsv data/ch2/constraints_bn.tsv
figures/ch2_hessian.svg: data/ch2/hessian_plain_translation.tsv data/ch2/hessian_plain_rescale.tsv \
                         data/ch2/hessian_bn_scale.tsv
figures/ch2_translation.svg: data/ch2/translation.tsv
figures/ch2_scale.svg: data/ch2/scale.tsv
figures/ch2_units.svg: data/ch2/units_bn.tsv
figures/ch2_rescale.svg: data/ch2/rescale.tsv
figures/ch2_deviation.svg: data/ch2/scale.tsv
figures/ch2_momentum.svg: data/ch2/momentum_translation.tsv data/ch2/momentum_scale.tsv
figures/ch2_momentum_rescale.svg: data/ch2/momentum_rescale.tsv
figures/ch2_ksb_drift.svg: data/ch2/ksb_drift.tsv

FIGURES += figures/ch2_units.svg figures/ch2_toy_fields.svg figures/ch2_toy_quadratic.svg figures/ch2_constraints.svg \
           figures/ch2_hessian.svg figures/ch2_translation.svg figures/ch2_scale.svg \
           figures/ch2_rescale.svg figures/ch2_deviation.svg figures/ch2_momentum.svg \
           figures/ch2_momentum_rescale.svg figures/ch2_ksb_drift.svg
DATA    += $(CH2_TOYS) $(CH2_PLAIN) $(CH2_BN) $(CH2_MOM) $(CH2_KSB)
