# tests/fuzz: libFuzzer harnesses (clang, with ASan and UBSan) for the parsers
# that read outside input: the IDX reader and the site generator's front end.
# `make fuzz` runs each for FUZZ_RUNS executions over its corpus in
# tests/fuzz/corpus/<name>/; crashers found are kept as regression inputs in
# tests/fuzz/regressions/<name>/, which `make test` replays (test-fuzz-replay).
FUZZ_RUNS ?= 1000000
FUZZ_CC   := clang
FUZZ_FLAGS := -g -O1 -std=c11 -D_POSIX_C_SOURCE=200809L -Isrc -fsanitize=fuzzer,address,undefined \
              -fno-sanitize-recover=all
FUZZ_IDX_SRC := tests/fuzz/fuzz_idx.c src/core/idx.c src/core/util.c src/core/tsv.c

$(BUILD)/fuzz/fuzz_idx: $(FUZZ_IDX_SRC) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $(FUZZ_IDX_SRC) -lz -lm

# The site generator without its main(), the harness driving sitegen_main().
FUZZ_SITEGEN_SRC := tests/fuzz/fuzz_sitegen.c $(SITEGEN_SRC)
$(BUILD)/fuzz/fuzz_sitegen: $(FUZZ_SITEGEN_SRC) src/site/page.h src/site/buf.h src/site/sitegen.h \
                            src/site/katex.h src/site/bib.h src/site/svg.h | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) -DSITEGEN_NO_MAIN -o $@.tmp.$$$$ $(FUZZ_SITEGEN_SRC) -lmd4c && mv $@.tmp.$$$$ $@

FUZZERS := $(BUILD)/fuzz/fuzz_idx $(BUILD)/fuzz/fuzz_sitegen

.PHONY: fuzz test-fuzz-replay
# tests/fuzz/run.sh holds each harness's settings (working directory, length,
# leak checking) and counts the executions.
fuzz: $(FUZZERS)
	@for f in $(FUZZERS); do bash tests/fuzz/run.sh fuzz $$(basename $$f) $$f $(FUZZ_RUNS) || exit 1; done

# Replays every committed corpus and regression input once (fast; part of make test).
test-fuzz-replay: $(FUZZERS)
	@for f in $(FUZZERS); do bash tests/fuzz/run.sh replay $$(basename $$f) $$f || exit 1; done
TEST_RUNS += test-fuzz-replay
TEST_PREREQS += $(FUZZERS)
