# The one orchestrator of the companion (non-recursive; see Peter Miller,
# "Recursive Make Considered Harmful").  Module fragments are included below:
#
#   src/<module>/module.mk            library modules, the site generator, tools, benchmarks
#   src/experiments/<ch>/module.mk    a chapter's experiments (the templates below)
#   tests/<module>/module.mk          (optional) extra test wiring
#
# Pipelines:
#   src/experiments/<ch>/<name>.c --> build/bin/<ch>/<name> --> data/<ch>/<name>.tsv
#   figures/<name>.gp + the data it names --> figures/<name>.svg
#   chapters/NN-slug.md + figures + data --> site/NN-slug.html (+ site/index.html)
#
# The graph is exact: an experiment depends on its program, on the data it
# reads and on its command line (a command stamp, below), so changing a
# parameter, a seed count or a program reruns exactly the experiments it
# touches, then the figures that read their data, then the pages that show
# them; `make -n` names that chain and nothing else.
#
# ---- For chapter authors: the template API (README.md, "Adding to a chapter")
#
#   $(eval $(call experiment,OUTPUTS,PROGRAM,ARGS[,INPUTS]))
#       One run of PROGRAM (e.g. $(BUILD)/bin/ch6/train) with ARGS, writing
#       every file in OUTPUTS.  INPUTS: the data files it reads.  Its command
#       line is stamped (build/cmd/<first output>.cmd); `$(EXP_LAUNCH)` goes
#       in front when it runs.  The outputs go into DATA (built by `make
#       figures`, compared by `make verify`), except files named *_timing.tsv
#       and those matching DATA_EXCLUDE.  A comma in ARGS would end the
#       argument: pass lists through a variable (CH2_LAMBDAS := 0,1e-3).
#   $(eval $(call seeded_experiment,DIR,FILES,PROGRAM,ARGS,COUNT[,INPUTS]))
#       COUNT separate runs (seeds k = 0..COUNT-1, one make target each, so
#       `make -j` runs them in parallel); run k writes DIR/s<k>_<f> for each f
#       in FILES.  In ARGS, {seed} stands for k and {out} for DIR/s<k>, so
#       `--seed {seed} --curve {out}_curve.tsv`, or `--out {out}` for a
#       program that appends _<f> to a prefix.
#   $(eval $(call seed_aggregate,OUT,DIR,FILE,COUNT,kv|curve))
#       OUT from DIR/s<k>_FILE over the COUNT seeds, by build/bin/seeds
#       (src/tools/seeds.c): kv: n_seeds, then per key <key>_median, _min,
#       _max, _mean, _sd (and _q10, _q90 from 10 seeds); curve: per column of
#       tables sharing their first column, <col>_median, _min, _max (and
#       _q10, _q90), row by row, for a band.
#   $(call seed_files,DIR,FILE,COUNT)   the per-seed files (the INPUTS of a
#       program that reads all seeds itself)
#   SEEDS (default 5) is the seed count; a chapter may keep its own,
#       `CH4_SEEDS ?= $(SEEDS)`, or cap it: `$(call seeds_min,$(SEEDS),3)`.
#   Figures need nothing: figures/<name>.gp draws figures/<name>.svg from
#   every data/....tsv path it names literally (the rule the site generator
#   uses for provenance), so write data file names out in full.
#   DATA_FIRST += a file whose run is long: started first under make -j.
#   A rule that is not an experiment (a copy, say) adds its file to DATA itself.
#
# `make help` lists the targets.

.DEFAULT_GOAL := all
.DELETE_ON_ERROR:
.SUFFIXES:
SHELL := /bin/bash

# Parallel by default, on every core: GNU make >= 4.3 honours -j added to
# MAKEFLAGS inside a makefile (a -j on the command line still wins, so
# `make -j1` or `make JOBS=1` runs one job at a time).  Only the top-level
# make sets it: a sub-make joins its parent's job server instead.
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
ifeq ($(MAKELEVEL),0)
MAKEFLAGS += -j$(JOBS)
endif
# This make's flags and command-line variables without its -j and job server,
# for a make that must run one job at a time (or choose its own -j).
MAKEFLAGS_NOJOBS = $(filter-out -j% --jobserver%,$(MAKEFLAGS))

CC       ?= gcc
CFLAGS   ?= -O2 -g
# -ffp-contract=off: no fused multiply-add, so data files are the same bytes on
# every x86-64 machine; no -ffast-math, no -march=native.  The exceptions are
# written out, not left to the compiler: src/nn/tile.c (which src/nn/hvp.c
# calls for every product) computes each entry as one explicit fma() chain in
# increasing k, in AVX-512, AVX2 or libm's fma.  An fma rounds once by IEEE 754
# wherever it runs, so those three give the same bytes while the SIMD kernels
# use the FMA units; what the flag forbids is a contraction the compiler
# chooses, which differs between compilers, -O levels and target flags.
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

# ---------------------------------------------------------------- stamps
# A value stamp is a file under $(BUILD)/cmd/ holding a text the makefiles
# compute (a command line, the compiler flags, the chapter list).  When the
# file is missing or holds another text, a rule rewrites it, and whatever
# depends on it is remade; when it holds the same text there is no rule and
# it keeps its old time.  The comparison reads the file at parse time
# ($(file <), no process), so `make -n` knows exactly which stamps change,
# and writes nothing.  (`make -t` only touches a stamp: to mark a tree up to
# date after editing commands, run `make stamps` first, then `make -t`.)
STAMP_DIR := $(BUILD)/cmd
STAMPS    :=
# $(call value_stamp,FILE,TEXT): declare FILE as a stamp of TEXT.
value_stamp = $(eval STAMPS += $(1))$(eval STAMP_TEXT.$(1) := $$(strip $(2)))
shell_quote_ = $(subst ','\'',$(1))
streq_ = $(and $(findstring |$(1)|,|$(2)|),$(findstring |$(2)|,|$(1)|))
define stamp_rule_
$(1): FORCE
	@mkdir -p $$(@D) && printf '%s\n' '$$(call shell_quote_,$$(STAMP_TEXT.$$@))' > $$@.tmp && mv $$@.tmp $$@
endef
# Called once, at the end of this file, when every stamp is declared.
# (The file's text is stripped too: make 4.3's $(file <) sometimes keeps the
# final newline.)
stamp_rules_ = $(foreach s,$(STAMPS),$(if $(call streq_,$(strip $(file <$(s))),$(STAMP_TEXT.$(s))),,\
                 $(eval $(call stamp_rule_,$(s)))))
.PHONY: FORCE
FORCE:

# Compiler flags: every object depends on this stamp, so changing CC, CFLAGS,
# EXTRA_CFLAGS or LDFLAGS rebuilds objects, programs, and the data they made.
FLAGS_STAMP := $(STAMP_DIR)/flags
$(call value_stamp,$(FLAGS_STAMP),$(CC) $(ALL_CFLAGS) | $(LDFLAGS) $(NUM_LIBS))

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

$(BUILD)/obj/%.o: src/%.c $(FLAGS_STAMP) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJ)
	@mkdir -p $(@D)
	tmp=$@.tmp.$$$$; rm -f $$tmp && ar rcs $$tmp $^ && mv $$tmp $@

# ---------------------------------------------------------------- programs
# src/experiments/ch1/kepler.c -> build/bin/ch1/kepler
EXP_SRC := $(sort $(wildcard src/experiments/*/*.c))
EXP_BIN := $(EXP_SRC:src/experiments/%.c=$(BUILD)/bin/%)

EXP_OBJ := $(EXP_SRC:src/%.c=$(BUILD)/obj/%.o)

# Chapter-local library code: src/experiments/<ch>/lib/*.c compiles to objects
# collected in build/lib/<ch>.a, which is linked into every program of that
# chapter (before the shared library).  Its headers stay short (declarations).
EXP_CHAPTERS := $(sort $(notdir $(patsubst %/,%,$(dir $(EXP_SRC)))))
CHLIB_SRC    := $(sort $(wildcard src/experiments/*/lib/*.c))
CHLIB_OBJ    := $(CHLIB_SRC:src/%.c=$(BUILD)/obj/%.o)
chlib_of = $(if $(filter src/experiments/$(1)/lib/%,$(CHLIB_SRC)),$(BUILD)/lib/$(1).a)
.SECONDARY: $(EXP_OBJ) $(CHLIB_OBJ)

define EXP_LINK_RULE
$(BUILD)/lib/$(1).a: $(filter $(BUILD)/obj/experiments/$(1)/lib/%,$(CHLIB_OBJ))
	@mkdir -p $$(@D)
	tmp=$$@.tmp.$$$$$$$$; rm -f $$$$tmp && ar rcs $$$$tmp $$^ && mv $$$$tmp $$@
$(BUILD)/bin/$(1)/%: $(BUILD)/obj/experiments/$(1)/%.o $(call chlib_of,$(1)) $(LIB)
	@mkdir -p $$(@D)
	$$(CC) $$(LDFLAGS) -o $$@ $$< $(call chlib_of,$(1)) $(LIB) $$(NUM_LIBS)
endef
$(foreach c,$(EXP_CHAPTERS),$(eval $(call EXP_LINK_RULE,$(c))))

# ---------------------------------------------------------------- experiments
# EXP_LAUNCH goes in front of every experiment's command: `nice` by default,
# or a cluster launcher, `make -j64 figures EXP_LAUNCH='srun -n1 -c1'`.  It is
# not part of the command stamp: it decides where and at which priority a
# program runs, not what it computes (the programs are deterministic, one BLAS
# thread, and record their own command line without it), so switching
# launchers must not rerun anything.
EXP_LAUNCH ?= nice
DATA       :=
DATA_FIRST :=
EXP_OUTPUTS :=
# Outputs that `make verify` does not compare and `make figures` does not
# build on purpose: run-time measurements (*_timing.tsv, which vary from run to
# run), and what a chapter adds (opt-in long runs).
DATA_EXCLUDE := %_timing.tsv

# One run writes every file of OUTPUTS.  The rule is on the first one; the
# others depend on it with an empty recipe, and are touched after the run (so
# none is ever older than the first).  Grouped targets (&:) would say the
# same, but GNU make 4.3 forgets under -n that a group was remade, so `make -n`
# would stop at the data and not name the figures and pages that follow.  If
# any output is missing (deleted alone), the run is due (FORCE, decided at
# parse time).  Its stamp is named after the first output.
exp_stamp_ = $(STAMP_DIR)/$(firstword $(1)).cmd
define experiment
$(call value_stamp,$(call exp_stamp_,$(1)),$(2) $(3))
$(firstword $(1)): $(strip $(2)) $(call exp_stamp_,$(1)) $(strip $(4)) \
  $(if $(filter-out $(wildcard $(1)),$(1)),FORCE)
	@mkdir -p $(sort $(dir $(1)))
	$$(EXP_LAUNCH) $$(STAMP_TEXT.$(call exp_stamp_,$(1)))
$(if $(word 2,$(1)),	@touch -c $(wordlist 2,$(words $(1)),$(1))
$(wordlist 2,$(words $(1)),$(1)): $(firstword $(1)) ;)
EXP_OUTPUTS += $(1)
DATA += $(filter-out $(DATA_EXCLUDE),$(1))
endef

# Seeds: SEEDS runs of every seeded experiment (a count; k = 0..SEEDS-1).
SEEDS ?= 5
SEEDS_BIN := $(BUILD)/bin/seeds
# $(call seq,N): 0 1 ... N-1
seq = $(if $(call is_count_,$(1)),$(call seq_,$(1),),$(error seed count '$(1)' is not a whole number (SEEDS, or a chapter's count)))
seq_ = $(if $(filter $(1),$(words $(2))),$(2),$(call seq_,$(1),$(2) $(words $(2))))
is_count_ = $(and $(filter 1,$(words $(1))),$(if $(call drop_digits_,$(1),0 1 2 3 4 5 6 7 8 9),,1))
drop_digits_ = $(if $(2),$(call drop_digits_,$(subst $(firstword $(2)),,$(1)),$(wordlist 2,10,$(2))),$(1))
seeds_min = $(words $(wordlist 1,$(2),$(call seq,$(1))))
seed_files = $(foreach k,$(call seq,$(3)),$(1)/s$(k)_$(2))
seed_args_ = $(subst {out},$(1)/s$(2),$(subst {seed},$(2),$(3)))
seeded_experiment = $(foreach k,$(call seq,$(5)),$(eval $(call experiment,\
  $(foreach f,$(2),$(1)/s$(k)_$(f)),$(3),$(call seed_args_,$(1),$(k),$(4)),$(6))))
seed_aggregate = $(call experiment,$(1),$(SEEDS_BIN),$(5) --out $(1) $(call seed_files,$(2),$(3),$(4)),\
                   $(call seed_files,$(2),$(3),$(4)))
# ---------------------------------------------------------------- figures
# Every figures/<name>.gp but style.gp draws figures/<name>.svg.  style.gp
# (terminal, palette) is loaded first, then the output is set, then the
# figure's own script runs; a script never sets the terminal or the output.
# A figure depends on each data file its script names literally: a
# "data/....tsv" not preceded by a letter, digit, _ or / (the rule of
# gp_data_files() in src/site/directives.c, which writes the provenance).
GNUPLOT := gnuplot
FIGURE_GP := $(filter-out figures/style.gp,$(sort $(wildcard figures/*.gp)))
FIGURES   := $(FIGURE_GP:.gp=.svg)
figures/%.svg: figures/%.gp figures/style.gp | $(DEPS_STAMP)
	@tmp=$@.tmp.$$$$; trap 'rm -f $$tmp' EXIT INT TERM; echo "gnuplot $< -> $@"; \
	$(GNUPLOT) -e "load 'figures/style.gp'; set output '$$tmp'" $< && mv $$tmp $@ \
	  || { rm -f $$tmp; exit 1; }

hash_   := \#
comma_  := ,
lparen_ := (
rparen_ := )
# Characters that end a path in gp_data_files(); each becomes a space.
GP_SEPARATORS_ := ' " ` ; : [ ] { } < > = ! ? * & | ^ ~ % @ \ $$ $(hash_) $(comma_) $(lparen_) $(rparen_)
gp_split_ = $(if $(2),$(call gp_split_,$(subst $(firstword $(2)), ,$(1)),$(wordlist 2,$(words $(2)),$(2))),$(1))
# "-data/", ".data/" and "+data/" start a name too (the character before is not
# a letter, digit, _ or /).
gp_data = $(sort $(filter data/%.tsv,$(subst -data/,- data/,$(subst .data/,. data/,$(subst +data/,+ data/,\
            $(call gp_split_,$(file <$(1)),$(GP_SEPARATORS_)))))))
$(foreach g,$(FIGURE_GP),$(eval $(g:.gp=.svg): $(call gp_data,$(g))))

# Chapters append to these in their module.mk.
TESTS   :=
BENCHES :=
TEST_RUNS :=
# What the TEST_RUNS need built (built in parallel before any test runs).
TEST_PREREQS :=

# ---------------------------------------------------------------- tests
# tests/<module>/test_<name>.c -> build/tests/<module>/test_<name>, linked with
# the library and Criterion.  `make test` runs each one.
TEST_SRC := $(sort $(wildcard tests/*/test_*.c))
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)

$(BUILD)/tests/%: tests/%.c $(LIB) $(FLAGS_STAMP) | $(DEPS_STAMP)
	@mkdir -p $(@D) $(BUILD)/depfiles/tests/$(*D)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -MF $(BUILD)/depfiles/tests/$*.d -o $@ $< $(LIB) $(TEST_LIBS) $(NUM_LIBS)

# ---------------------------------------------------------------- fragments
include $(sort $(wildcard src/*/module.mk src/experiments/*/module.mk tests/*/module.mk))

.PHONY: all deps figures data test test-all test-c test-sanitize bench clean distclean help

# The site fragment (src/site/module.mk) sets SITE to every page it builds.
# DATA_FIRST comes first only to start the longest runs early under -j.
all: $(DATA_FIRST) $(SITE)
figures: $(DATA_FIRST) $(FIGURES) $(DATA)
data: $(DATA_FIRST) $(DATA)

# Runs every Criterion suite; each is a separate binary so a crash in one does
# not hide the others.  TEST_RUNS (from fragments) adds further checks.
test-c: $(TEST_BIN)
	@fail=0; for t in $(TEST_BIN); do \
	  echo "== $$t"; ./$$t --jobs 2 || fail=1; \
	done; exit $$fail
# Everything the tests need is built in parallel by this make; then the
# suites run one after another (each uses the cores itself, and their reports
# stay readable), in a sub-make without the job server.  This is a sequence
# of actions after the graph, not a second graph: `make test-all` alone is the
# same run.
test: $(TEST_BIN) $(SITE) $(TEST_PREREQS)
	@MAKEFLAGS='$(MAKEFLAGS_NOJOBS)' $(MAKE) --no-print-directory -j1 test-all
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
	@for b in $(BENCHES); do \
	  MAKEFLAGS='$(MAKEFLAGS_NOJOBS)' $(MAKE) --no-print-directory -j1 $$b || exit 1; \
	done

clean:
	rm -rf $(BUILD) site figures/*.svg $(filter-out data/reference,$(wildcard data/*))

distclean: clean
	rm -rf node_modules

help:
	@echo "make                 build the site (site/index.html), running every experiment it needs"
	@echo "make site/NN-slug.html   one chapter's page (and what it needs)"
	@echo "make figures         run the experiments and draw every figure"
	@echo "make figures SEEDS=20    the same with 20 seeds per seeded experiment (default 5)"
	@echo "make figures EXP_LAUNCH='srun -n1 -c1' -j64   each experiment through a launcher (default nice)"
	@echo "make figures-long    chapter 4's longer training run (its summaries are committed)"
	@echo "make data            run every experiment, draw nothing"
	@echo "make pdf             the index and every chapter as one PDF, site/companion.pdf"
	@echo "make stamps          write the command and value stamps (build/cmd) without running anything"
	@echo "make test            Criterion suites, build-graph tests, fuzz-corpus replay and the headless-browser check"
	@echo "make test-c          only the Criterion suites (build/tests/)"
	@echo "make test-build      only the build-graph tests (tests/build/: graph, verify, seeds)"
	@echo "make test-badinput   only the damaged-input suite (tests/badinput/)"
	@echo "make test-fuzz-replay    only the replay of the fuzz corpora"
	@echo "make test-browser    only the headless-Chromium check of site/ (screenshots in build/screenshots/)"
	@echo "make test-sanitize   the C suites under AddressSanitizer and UBSan (leak detection on)"
	@echo "make fuzz            libFuzzer on the IDX reader and the site generator (FUZZ_RUNS=1000000)"
	@echo "make bench           benchmarks (medians of repeated runs), written to data/bench/"
	@echo "make verify          regenerate every data file in a scratch copy, compare with data/reference/"
	@echo "make reference       refresh data/reference/ deliberately"
	@echo "make deps            install missing apt and npm dependencies"
	@echo "make clean           remove everything generated (build/, site/, figures/*.svg, data/*)"
	@echo "make distclean       clean, and remove node_modules/"
	@echo "make JOBS=1          one job at a time (default: every core)"
	@echo "make help            this list"

# Every stamp is declared by now: the rules of those that change.
$(stamp_rules_)
.PHONY: stamps
stamps: $(STAMPS)

-include $(LIB_OBJ:.o=.d) $(EXP_SRC:src/%.c=$(BUILD)/obj/%.d) $(CHLIB_OBJ:.o=.d) \
         $(wildcard $(BUILD)/depfiles/tests/*/*.d)
