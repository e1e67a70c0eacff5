# src/bench: benchmark programs and `make bench`.
#
# Every src/bench/bench_<name>.c becomes build/bin/bench-<name> (linked with
# the library), so a new benchmark appears by adding its source file.
# `make bench` runs the GEMM-rate probe, bench-mlp in its four configurations
# and bench-lnn (if its source exists), BENCH_REPEAT times each, then
# bench-table takes medians, writes data/bench/*.tsv and prints the table.

# The elementwise kernels on the training hot path (ReLU, bias, SGD, the
# quantizer) are plain loops.  gcc 12 at -O2 uses the "very cheap" vectorizer
# cost model, which leaves them scalar (and ReLU branchy); the "cheap" model
# vectorizes them.  Elementwise loops only: no reassociation, so the results
# are the same bits.  (A candidate for the global CFLAGS.)
VEC_OBJ := $(addprefix $(BUILD)/obj/nn/,layers.o optim.o ternary.o mlp.o) \
           $(addprefix $(BUILD)/obj/bench/,kernels_f32.o mlp_f32.o)
$(VEC_OBJ): EXTRA_CFLAGS += -fvect-cost-model=cheap

BENCH_SRC  := $(sort $(wildcard src/bench/bench_*.c))
BENCH_BIN  := $(patsubst src/bench/bench_%.c,$(BUILD)/bin/bench-%,$(BENCH_SRC))
BENCH_REPEAT ?= 5
# The benchmark's own code (its float32 kernels and network; not in the
# library): every other src/bench/*.c, linked into the benchmarks and into
# the tests/bench suites.
BENCH_OBJ  := $(patsubst src/%.c,$(BUILD)/obj/%.o,$(filter-out $(BENCH_SRC),$(wildcard src/bench/*.c)))

$(BUILD)/bin/bench-%: src/bench/bench_%.c $(BENCH_OBJ) $(LIB) $(FLAGS_STAMP) | $(DEPS_STAMP)
	@mkdir -p $(@D) $(BUILD)/depfiles/bench
	$(CC) $(ALL_CFLAGS) -MF $(BUILD)/depfiles/bench/$*.d -o $@ $< $(BENCH_OBJ) $(LIB) $(NUM_LIBS)

$(BUILD)/tests/bench/%: tests/bench/%.c $(BENCH_OBJ) $(LIB) $(FLAGS_STAMP) | $(DEPS_STAMP)
	@mkdir -p $(@D) $(BUILD)/depfiles/tests/bench
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -MF $(BUILD)/depfiles/tests/bench/$*.d -o $@ $< $(BENCH_OBJ) \
	  $(LIB) $(TEST_LIBS) $(NUM_LIBS)

-include $(wildcard $(BUILD)/depfiles/bench/*.d) $(BENCH_OBJ:.o=.d)

BENCH_MLP_ARGS := --hidden 256 --epochs 1 --batch 128
BENCH_LNN_ARGS := --width 128 --depth 3 --batch 256 --steps 50
BENCH_RUNS     := $(BUILD)/bench/runs.txt
# PyTorch 1.13 seconds quoted in issue 10 (measured there, not here): shown
# beside our medians as the goal.
BENCH_GOALS    := mlp/fp/f32=0.74,mlp/ternary/f32=1.65,mlp/fp/f64=2.3,lnn/-/f64=0.022

# bench-mlp runs with seeds 1..BENCH_REPEAT (the accuracy of one epoch depends
# on the seed, so its median is the honest figure), then seed 1 once more: the
# two seed-1 runs must end with the same parameter bytes (param_hash).
.PHONY: bench-run
bench-run: $(BENCH_BIN)
	@mkdir -p data/bench $(BUILD)/bench
	@echo "== GEMM rate probe (1 thread)"
	nice $(BUILD)/bin/bench-gemm --repeat $(BENCH_REPEAT) --out data/bench/gemm.tsv
	@rm -f $(BENCH_RUNS).tmp
	@set -e; for cfg in "fp f32" "ternary f32" "fp f64" "ternary f64"; do \
	  set -- $$cfg; \
	  for seed in $$(seq $(BENCH_REPEAT)) 1; do \
	    echo "== bench-mlp --mode $$1 --dtype $$2 $(BENCH_MLP_ARGS) --seed $$seed"; \
	    nice $(BUILD)/bin/bench-mlp --mode $$1 --dtype $$2 $(BENCH_MLP_ARGS) --seed $$seed \
	      > $(BUILD)/bench/out.txt; \
	    sed "s/^/mlp $$1 $$2 $$seed /" $(BUILD)/bench/out.txt >> $(BENCH_RUNS).tmp; \
	    tail -n 1 $(BUILD)/bench/out.txt; \
	  done; \
	done
	@set -e; if [ -x $(BUILD)/bin/bench-lnn ]; then \
	  for i in $$(seq $(BENCH_REPEAT)); do \
	    echo "== bench-lnn $(BENCH_LNN_ARGS)  (run $$i)"; \
	    nice $(BUILD)/bin/bench-lnn $(BENCH_LNN_ARGS) > $(BUILD)/bench/out.txt; \
	    sed "s/^/lnn - f64 1 /" $(BUILD)/bench/out.txt >> $(BENCH_RUNS).tmp; \
	    tail -n 1 $(BUILD)/bench/out.txt; \
	  done; \
	fi
	@mv $(BENCH_RUNS).tmp $(BENCH_RUNS)
	$(BUILD)/bin/bench-table --runs $(BENCH_RUNS) --gemm data/bench/gemm.tsv \
	  --out data/bench/bench.tsv --summary data/bench/summary.tsv --goals $(BENCH_GOALS)

BENCHES += bench-run
