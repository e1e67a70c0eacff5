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

FUZZERS := $(BUILD)/fuzz/fuzz_idx

.PHONY: fuzz test-fuzz-replay
fuzz: $(FUZZERS)
	@for f in $(FUZZERS); do n=$$(basename $$f); \
	  mkdir -p build/fuzz-work/$$n tests/fuzz/regressions/$$n; \
	  echo "== $$n: $(FUZZ_RUNS) runs"; \
	  ./$$f -runs=$(FUZZ_RUNS) -max_len=4096 -rss_limit_mb=2048 -artifact_prefix=tests/fuzz/regressions/$$n/ \
	     build/fuzz-work/$$n tests/fuzz/corpus/$$n 2>&1 | tail -3 || exit 1; \
	done

# Replays every committed corpus and regression input once (fast; part of make test).
test-fuzz-replay: $(FUZZERS)
	@for f in $(FUZZERS); do n=$$(basename $$f); \
	  inputs=$$(ls -d tests/fuzz/corpus/$$n/* tests/fuzz/regressions/$$n/* 2>/dev/null); \
	  [ -z "$$inputs" ] && continue; \
	  ./$$f -runs=0 -rss_limit_mb=2048 $$inputs >/dev/null 2>build/fuzz/$$n.replay.log || \
	    { tail -20 build/fuzz/$$n.replay.log; echo "fuzz replay: $$n failed"; exit 1; }; \
	  echo "fuzz replay: $$n: $$(echo $$inputs | wc -w) inputs, no crash"; \
	done
TEST_RUNS += test-fuzz-replay
