# tests/badinput: the bad-input suite (tests/badinput/run.sh), part of `make
# test`: bad options, malformed numbers, missing and damaged inputs for every
# program; malformed chapters and unwritable outputs for the site generator;
# interrupted figure and data builds.  A few seconds.
TEST_RUNS += test-badinput
TEST_PREREQS += $(EXP_BIN) $(BENCH_BIN) $(SITEGEN)
test-badinput: $(EXP_BIN) $(BENCH_BIN) $(SITEGEN) | $(DEPS_STAMP)
	@bash tests/badinput/run.sh
.PHONY: test-badinput
