# tests/build: the build-graph tests, part of `make test` (a few seconds,
# nothing real runs): graph.sh (a parameter, the seed list, compiler flags,
# EXP_LAUNCH and a chapter's text each remake exactly what depends on them,
# in a scratch copy with a fixture chapter from tests/build/fixture/),
# verify.sh (make verify fails on swapped rows), seeds.sh (the seed
# aggregator's statistics, provenance and errors) and help.sh (make help and
# the README's table of targets agree).
TEST_RUNS    += test-build
TEST_PREREQS += $(SEEDS_BIN) $(TSVSUM)
test-build: $(SEEDS_BIN) $(TSVSUM) | $(DEPS_STAMP)
	@bash tests/build/help.sh
	@bash tests/build/seeds.sh $(SEEDS_BIN)
	@bash tests/build/verify.sh $(TSVSUM)
	@bash tests/build/graph.sh $(SEEDS_BIN)
.PHONY: test-build
