# src/tools: build helpers.  build/bin/seeds (seeds.c) aggregates the per-seed
# runs of a seeded experiment (the Makefile's seed_aggregate template);
# deps.sh installs what a fresh machine lacks; svg2png.sh renders a figure.
$(SEEDS_BIN): src/tools/seeds.c $(LIB) $(FLAGS_STAMP) | $(DEPS_STAMP)
	@mkdir -p $(@D) $(BUILD)/depfiles/tools
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -MF $(BUILD)/depfiles/tools/seeds.d -o $@ $< $(LIB) $(NUM_LIBS)
-include $(wildcard $(BUILD)/depfiles/tools/*.d)
