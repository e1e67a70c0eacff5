# The one orchestrator of the companion (non-recursive; see Peter Miller,
# "Recursive Make Considered Harmful").  Module fragments are included below:
#
#   src/<module>/module.mk            library modules, the site generator, benchmarks
#   src/experiments/<ch>/module.mk    a chapter's data rules and figure dependencies
#   tests/<module>/module.mk          (optional) extra test wiring
#
# Pipelines:
#   src/experiments/<ch>/<name>.c --> build/bin/<ch>/<name> --> data/<ch>/<name>.tsv
#   figures/<name>.gp + data      --> figures/<name>.svg
#   chapters/NN-slug.md + figures + data --> site/NN-slug.html (+ site/index.html)
#
# `make help` lists the targets.

.DEFAULT_GOAL := all
.DELETE_ON_ERROR:
.SUFFIXES:
SHELL := /bin/bash

CC       ?= gcc
CFLAGS   ?= -O2 -g
# -ffp-contract=off: no fused multiply-add, so data files are the same bytes on
# every x86-64 machine; no -ffast-math, no -march=native.
ALL_CFLAGS  = -std=c11 -D_POSIX_C_SOURCE=200809L -ffp-contract=off -Wall -Wextra \
              -Wno-unused-parameter -Isrc -MMD -MP $(CFLAGS) $(EXTRA_CFLAGS)
LDFLAGS  ?=
NUM_LIBS  = -lopenblas -lz -lm
TEST_LIBS = -lcriterion

BUILD   := build
LIB     := $(BUILD)/libnoether.a
# Provenance: every TSV header records the commit it was made from.
export NOETHER_COMMIT := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
# One BLAS thread: results do not depend on the machine's core count.
export OPENBLAS_NUM_THREADS := 1
# `make -s` silences the progress lines of long experiments.
export NOETHER_QUIET := $(if $(findstring s,$(firstword -$(MAKEFLAGS))),1,)

# ---------------------------------------------------------------- dependencies
# Installs what a fresh Debian machine lacks (apt packages, npm ci), once.
DEPS_STAMP := build/.deps-ok
$(DEPS_STAMP): src/tools/deps.sh package.json package-lock.json
	@mkdir -p $(@D)
	@bash src/tools/deps.sh
	@touch $@
deps: $(DEPS_STAMP)

# ---------------------------------------------------------------- the library
# Every .c file under src/core, src/nn and src/physics goes into one static
# library; dependencies point down only (experiments -> nn/physics -> core).
LIB_SRC := $(sort $(wildcard src/core/*.c src/nn/*.c src/physics/*.c))
LIB_OBJ := $(LIB_SRC:src/%.c=$(BUILD)/obj/%.o)

$(BUILD)/obj/%.o: src/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJ)
	@mkdir -p $(@D)
	tmp=$@.tmp.$$$$; rm -f $$tmp && ar rcs $$tmp $^ && mv $$tmp $@

# ---------------------------------------------------------------- experiments
# src/experiments/ch1/kepler.c -> build/bin/ch1/kepler
EXP_SRC := $(sort $(wildcard src/experiments/*/*.c))
EXP_BIN := $(EXP_SRC:src/experiments/%.c=$(BUILD)/bin/%)

EXP_OBJ := $(EXP_SRC:src/%.c=$(BUILD)/obj/%.o)
.SECONDARY: $(EXP_OBJ) $(CHLIB_OBJ)

# Chapter-local library code: src/experiments/<ch>/lib/*.c compiles to objects
# collected in build/lib/<ch>.a, which is linked into every program of that
# chapter (before the shared library).  Its headers stay short (declarations).
EXP_CHAPTERS := $(sort $(notdir $(patsubst %/,%,$(dir $(EXP_SRC)))))
CHLIB_SRC    := $(sort $(wildcard src/experiments/*/lib/*.c))
CHLIB_OBJ    := $(CHLIB_SRC:src/%.c=$(BUILD)/obj/%.o)
chlib_of = $(if $(filter src/experiments/$(1)/lib/%,$(CHLIB_SRC)),$(BUILD)/lib/$(1).a)

define EXP_LINK_RULE
$(BUILD)/lib/$(1).a: $(filter $(BUILD)/obj/experiments/$(1)/lib/%,$(CHLIB_OBJ))
	@mkdir -p $$(@D)
	tmp=$$@.tmp.$$$$$$$$; rm -f $$$$tmp && ar rcs $$$$tmp $$^ && mv $$$$tmp $$@
$(BUILD)/bin/$(1)/%: $(BUILD)/obj/experiments/$(1)/%.o $(call chlib_of,$(1)) $(LIB)
	@mkdir -p $$(@D)
	$$(CC) $$(LDFLAGS) -o $$@ $$< $(call chlib_of,$(1)) $(LIB) $$(NUM_LIBS)
endef
$(foreach c,$(EXP_CHAPTERS),$(eval $(call EXP_LINK_RULE,$(c))))

# Figures: figures/style.gp (terminal, palette) is loaded first, then the
# output is set, then the figure's own script runs.  A script never sets the
# terminal or the output.  Its data dependencies are declared in the chapter's
# module.mk as `figures/foo.svg: data/chN/foo.tsv`.
GNUPLOT := gnuplot
figures/%.svg: figures/%.gp figures/style.gp | $(DEPS_STAMP)
	@tmp=$@.tmp.$$$$; trap 'rm -f $$tmp' EXIT INT TERM; echo "gnuplot $< -> $@"; \
	$(GNUPLOT) -e "load 'figures/style.gp'; set output '$$tmp'" $< && mv $$tmp $@ \
	  || { rm -f $$tmp; exit 1; }

# Chapters append to these in their module.mk.
FIGURES :=
DATA    :=
TESTS   :=
BENCHES :=

# ---------------------------------------------------------------- tests
# tests/<module>/test_<name>.c -> build/tests/<module>/test_<name>, linked with
# the library and Criterion.  `make test` runs each one.
TEST_SRC := $(sort $(wildcard tests/*/test_*.c))
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)

$(BUILD)/tests/%: tests/%.c $(LIB) | $(DEPS_STAMP)
	@mkdir -p $(@D) $(BUILD)/depfiles/tests/$(*D)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -MF $(BUILD)/depfiles/tests/$*.d -o $@ $< $(LIB) $(TEST_LIBS) $(NUM_LIBS)

# ---------------------------------------------------------------- fragments
include $(sort $(wildcard src/*/module.mk src/experiments/*/module.mk tests/*/module.mk))

.PHONY: all build-site deps figures build-figures data test test-all test-c test-sanitize bench clean distclean help

# `make`, `make figures` and `make test` run independent experiments in
# parallel by themselves (GNU make 4.3 cannot raise -j from inside a makefile,
# so each re-enters make with -j$(JOBS)); `make JOBS=1` runs one at a time.
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
SUBMAKE = $(MAKE) --no-print-directory -j$(JOBS)

# The site fragment (src/site/module.mk) sets SITE to every page it builds.
all:
	@$(SUBMAKE) build-site
build-site: $(SITE)
figures:
	@$(SUBMAKE) build-figures
build-figures: $(FIGURES)
data: $(DATA)

# Runs every Criterion suite; each is a separate binary so a crash in one does
# not hide the others.  TEST_RUNS (from fragments) adds further checks.
test-c: $(TEST_BIN)
	@fail=0; for t in $(TEST_BIN); do \
	  echo "== $$t"; ./$$t --jobs 2 || fail=1; \
	done; exit $$fail
# Build everything the tests need in parallel, then run the suites in order.
test:
	@$(SUBMAKE) $(TEST_BIN) $(SITE)
	@$(MAKE) --no-print-directory test-all
test-all: test-c $(TEST_RUNS)

# The C suites again, built with AddressSanitizer and UndefinedBehaviorSanitizer
# in their own build tree (any report fails the run).
SANITIZE := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
test-sanitize: | $(DEPS_STAMP)
	$(MAKE) --no-print-directory BUILD=build/sanitize EXTRA_CFLAGS='$(SANITIZE)' \
	  LDFLAGS='$(SANITIZE)' build/sanitize/libnoether.a
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	$(MAKE) --no-print-directory BUILD=build/sanitize EXTRA_CFLAGS='$(SANITIZE)' \
	  LDFLAGS='$(SANITIZE)' test-c

# Benchmarks run one after another even under -j (timings would interfere).
bench:
	@for b in $(BENCHES); do $(MAKE) --no-print-directory -j1 $$b || exit 1; done

clean:
	rm -rf $(BUILD) site figures/*.svg $(filter-out data/reference,$(wildcard data/*))

distclean: clean
	rm -rf node_modules

help:
	@echo "make                 build the site (site/index.html), running every experiment it needs"
	@echo "make site/NN-slug.html   one chapter's page (and what it needs)"
	@echo "make figures         run the experiments and draw every figure"
	@echo "make test            Criterion suites, fuzz-corpus replay and the headless-browser check"
	@echo "make test-browser    only the headless-Chromium check of site/ (screenshots in build/screenshots/)"
	@echo "make test-sanitize   the C suites under AddressSanitizer and UBSan"
	@echo "make fuzz            libFuzzer on the IDX reader and the site generator (FUZZ_RUNS=1000000)"
	@echo "make bench           benchmarks (medians of repeated runs), written to data/bench/"
	@echo "make verify          regenerate every data file in a scratch copy, compare with data/reference/"
	@echo "make reference       refresh data/reference/ deliberately"
	@echo "make deps            install missing apt and npm dependencies"
	@echo "make clean           remove everything generated (build/, site/, figures/*.svg, data/*)"

-include $(LIB_OBJ:.o=.d) $(EXP_SRC:src/%.c=$(BUILD)/obj/%.d) $(CHLIB_OBJ:.o=.d) \
         $(wildcard $(BUILD)/depfiles/tests/*/*.d)
