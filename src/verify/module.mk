# src/verify: `make verify` regenerates every data file in a scratch copy and
# compares it with data/reference/; `make reference` refreshes the references,
# and measures each chapter's regeneration time from clean
# (data/reference/chapter_times.tsv, quoted on the index page).
TSVSUM := $(BUILD)/bin/tsvsum
$(TSVSUM): src/verify/tsvsum.c $(FLAGS_STAMP) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -MF $(BUILD)/obj/tsvsum.d -o $@ $< -lm
-include $(BUILD)/obj/tsvsum.d

.PHONY: verify reference
# The scratch builds are makes of their own (-j2), not sub-makes of this one:
# they get this make's flags and variables (SEEDS=, EXP_LAUNCH=) but not its
# job server.
verify: $(TSVSUM)
	@MAKEFLAGS='$(MAKEFLAGS_NOJOBS)' bash src/verify/verify.sh $(TSVSUM) $(DATA)

.PHONY: reference-summaries
reference: reference-summaries
	@echo "reference: timing each chapter's regeneration from clean (a scratch copy, make -j2) ..."
	@MAKEFLAGS='$(MAKEFLAGS_NOJOBS)' bash src/verify/chapter-times.sh data/reference/chapter_times.tsv

# Only the summaries (no timing run): what `make verify` compares against.
reference-summaries: $(TSVSUM) $(DATA)
	@for f in $(DATA); do \
	  r=data/reference/$${f#data/}.ref; mkdir -p $$(dirname $$r); \
	  { echo "# summary of $$f (tsvsum), refreshed by make reference"; \
	    $(TSVSUM) summarize $$f; } > $$r.tmp && mv $$r.tmp $$r || exit 1; \
	done; echo "reference: $(words $(DATA)) summaries in data/reference/"
