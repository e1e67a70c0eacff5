# src/verify: `make verify` regenerates every data file in a scratch copy and
# compares it with data/reference/; `make reference` refreshes the references.
TSVSUM := $(BUILD)/bin/tsvsum
$(TSVSUM): src/verify/tsvsum.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -MF $(BUILD)/obj/tsvsum.d -o $@ $< -lm

.PHONY: verify reference
verify: $(TSVSUM)
	@bash src/verify/verify.sh $(TSVSUM) $(DATA)

reference: $(TSVSUM) $(DATA)
	@for f in $(DATA); do \
	  r=data/reference/$${f#data/}.ref; mkdir -p $$(dirname $$r); \
	  { echo "# summary of $$f (tsvsum), refreshed by make reference"; \
	    $(TSVSUM) summarize $$f; } > $$r.tmp && mv $$r.tmp $$r || exit 1; \
	done; echo "reference: $(words $(DATA)) summaries in data/reference/"
