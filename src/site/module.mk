# src/site/module.mk: the site generator and the site it builds.
#
#   build/bin/sitegen               the generator (C on md4c; src/site/sitegen.c)
#   site/NN-slug.html               one page per chapters/NN-slug.md
#   site/index.html                 title, abstract, chapters, "reproduce this" (src/site/index.md)
#   site/assets/                    water.css, KaTeX's CSS and woff2 fonts, Source Serif 4, site.css
#   site/data/<ch>/<x>.tsv          the data behind each figure and number, for download
#   site/source/<path>.html         every chapter, program and figure script, readable on the site
#   build/site-deps/NN-slug.d       what a page needs: `sitegen deps` lists the figures,
#                                   data and excerpted sources its directives name, so make
#                                   builds them before the page (the .d is remade, and make
#                                   restarts, whenever the chapter or a figure script changes)

SITEGEN      := $(BUILD)/bin/sitegen
SITEGEN_SRC  := $(sort $(wildcard src/site/*.c))
SITEGEN_OBJ  := $(SITEGEN_SRC:src/%.c=$(BUILD)/obj/%.o)
KATEX_JS     := src/site/katex-render.js
SITE_INPUTS  := $(SITEGEN) $(KATEX_JS) chapters/macros.tex chapters/references.bib package-lock.json

# Its objects carry their own flags stamp (same text as $(FLAGS_STAMP)): make
# remakes the pages' dependency files even under -n, and so the generator
# they need, so `make -n CFLAGS=...` does rebuild the generator -- but only
# it, never the experiments' programs.
SITE_FLAGS_STAMP := $(STAMP_DIR)/flags-site
$(call value_stamp,$(SITE_FLAGS_STAMP),$(STAMP_TEXT.$(FLAGS_STAMP)))
$(BUILD)/obj/site/%.o: src/site/%.c $(SITE_FLAGS_STAMP) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(SITEGEN): $(SITEGEN_OBJ)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@.tmp.$$$$ $^ -lmd4c && mv $@.tmp.$$$$ $@

CHAPTERS  := $(sort $(wildcard chapters/[0-9][0-9]-*.md))
PAGES     := $(CHAPTERS:chapters/%.md=site/%.html)
SITE_DEPS := $(CHAPTERS:chapters/%.md=$(BUILD)/site-deps/%.d)
SITE_FRONTS  := $(SITE_DEPS:.d=.front)
CHAPTER_LIST := $(BUILD)/site-deps/chapters.list

# KaTeX renderings of unchanged expressions are reused from $(BUILD)/katex-cache,
# so an edit of the prose does not start node at all.
KATEX_CACHE := --cache $(BUILD)/katex-cache --cache-salt package-lock.json
# A page links to its neighbours by title: it also depends on the chapter list
# and the front matters (which change rarely; a body edit does not touch them).
site/%.html: chapters/%.md $(SITE_INPUTS) $(CHAPTER_LIST) $(SITE_FRONTS) | $(DEPS_STAMP)
	$(SITEGEN) $(KATEX_CACHE) page $< -o $@

$(BUILD)/site-deps/%.d: chapters/%.md $(SITEGEN)
	@$(SITEGEN) deps $< -o $@ --target site/$*.html

# The index needs only the chapters' front matter, which `sitegen deps`
# keeps in build/site-deps/NN-slug.front (rewritten only when it changes).
# The list of chapters is kept in a file rewritten only when it changes, so
# that removing a chapter also rebuilds the index.
#
# The .front is written by the same `sitegen deps` run as the .d (while make
# remakes its included makefiles, before any page), so it is only order-only
# on the .d: a .front older than its .d is not stale (it is older on purpose)
# and `make -n` does not list every page after a body edit.  Only a .front
# deleted alone is rewritten here.
$(BUILD)/site-deps/%.front: | $(BUILD)/site-deps/%.d
	$(SITEGEN) deps chapters/$*.md -o $(BUILD)/site-deps/$*.d --target site/$*.html
site/index.html: src/site/index.md $(SITE_FRONTS) $(CHAPTER_LIST) $(SITE_INPUTS) | $(DEPS_STAMP)
	$(SITEGEN) $(KATEX_CACHE) index src/site/index.md $(CHAPTERS) -o $@
# "Reproduce this" quotes the measured time per chapter (make reference).
site/index.html: data/reference/chapter_times.tsv

# Data shipped beside the pages (the .d files name the ones each page needs).
# A data file that cannot be made is left to the page build, which names the
# chapter line that asks for it.
site/data/%: data/%
	@if [ -f $< ]; then mkdir -p $(@D) && cp $< $@.tmp.$$$$ && mv $@.tmp.$$$$ $@; fi

# Browsable sources: the links under figures and excerpts point here.  The
# set matches site_has_source_view() in sitegen.c.
# Every source under src/ at any depth, as sitegen links any file there.
SOURCE_FILES := $(sort $(wildcard chapters/*.md chapters/*.tex chapters/*.bib figures/*.gp) \
                  $(shell find src -type f \( -name '*.c' -o -name '*.h' -o -name '*.mk' \
                                            -o -name '*.js' -o -name '*.sh' \)))
SOURCE_VIEWS := $(SOURCE_FILES:%=site/source/%.html)
site/source/%.html: % $(SITEGEN)
	@$(SITEGEN) source $< -o $@

# Assets, copied from the pinned npm packages.  KaTeX's CSS lists woff2
# first, so browsers never ask for the woff/ttf files, which are not shipped.
KATEX_FONTS := AMS-Regular Caligraphic-Bold Caligraphic-Regular Fraktur-Bold Fraktur-Regular \
  Main-Bold Main-BoldItalic Main-Italic Main-Regular Math-BoldItalic Math-Italic \
  SansSerif-Bold SansSerif-Italic SansSerif-Regular Script-Regular Size1-Regular \
  Size2-Regular Size3-Regular Size4-Regular Typewriter-Regular
TEXT_FONTS  := latin-400-normal latin-400-italic latin-600-normal latin-600-italic \
  latin-700-normal latin-ext-400-normal latin-ext-400-italic
SITE_ASSETS := site/assets/water.min.css site/assets/katex.min.css site/assets/site.css \
  $(KATEX_FONTS:%=site/assets/fonts/KaTeX_%.woff2) \
  $(TEXT_FONTS:%=site/assets/fonts/source-serif-4-%.woff2)

# Files under node_modules/ appear when the dependency step runs npm ci.
node_modules/%: | $(DEPS_STAMP) ;

site/assets/water.min.css: node_modules/water.css/out/water.min.css
	@mkdir -p $(@D)
	cp $< $@.tmp.$$$$ && mv $@.tmp.$$$$ $@
site/assets/katex.min.css: node_modules/katex/dist/katex.min.css
	@mkdir -p $(@D)
	cp $< $@.tmp.$$$$ && mv $@.tmp.$$$$ $@
# site.css: the text face's @font-face rules, generated from @fontsource's
# own stylesheets for exactly the files TEXT_FONTS ships, then src/site/site.css.
FONTSOURCE := node_modules/@fontsource/source-serif-4
site/assets/site.css: src/site/site.css src/site/fontfaces.sh $(FONTSOURCE)/package.json
	@mkdir -p $(@D)
	{ bash src/site/fontfaces.sh $(FONTSOURCE) $(TEXT_FONTS) && cat $<; } > $@.tmp.$$$$ && mv $@.tmp.$$$$ $@ \
	  || { rm -f $@.tmp.$$$$; exit 1; }
site/assets/fonts/KaTeX_%.woff2: node_modules/katex/dist/fonts/KaTeX_%.woff2
	@mkdir -p $(@D)
	cp $< $@.tmp.$$$$ && mv $@.tmp.$$$$ $@
site/assets/fonts/source-serif-4-%.woff2: $(FONTSOURCE)/files/source-serif-4-%.woff2
	@mkdir -p $(@D)
	cp $< $@.tmp.$$$$ && mv $@.tmp.$$$$ $@

SITE := site/index.html $(PAGES) $(SITE_ASSETS) $(SOURCE_VIEWS)

# The pages' dependency files are read (and so first remade) for every goal
# except those below, which never build a page: nothing under figures/, data/
# or build/ depends on a page, and the .d files add edges only into site/
# (and the .d files' own), so for these goals the graph is the same without
# them; skipping them saves building the generator for `make clean`, a figure
# or a data file.  Any other goal, a new one included, gets the full graph.
SITE_FREE_GOALS := clean distclean help deps figures data verify reference reference-summaries \
                   figures-long test-c test-sanitize fuzz figures/% data/% build/% $(BUILD)/%
ifneq ($(filter-out $(SITE_FREE_GOALS),$(or $(MAKECMDGOALS),all)),)
-include $(SITE_DEPS)
endif
# The list of chapters, rewritten only when it changes (a value stamp).
$(call value_stamp,$(CHAPTER_LIST),$(CHAPTERS))
-include $(SITEGEN_OBJ:.o=.d)

# ---------------------------------------------------------------- tests
# The Criterion suite drives the generator binary on tests/site/fixtures/.
$(BUILD)/tests/site/test_sitegen: $(SITEGEN)
$(BUILD)/tests/site/test_sitegen: private ALL_CFLAGS += -DSITEGEN_BIN='"$(SITEGEN)"'

# Headless Chromium over every page of site/: no katex-error, no broken
# internal link or image, no request outside the site; screenshots of each
# page, light and dark, in build/screenshots/.  A page that passed is checked
# again only when it, a file it loads or the check changes
# (build/screenshots/check-cache.json; CHECK_CACHE=0 checks every page).
TEST_RUNS += test-browser
TEST_PREREQS += $(SITEGEN)
test-browser: $(SITE) $(SITEGEN) | $(DEPS_STAMP)
	@bash tests/browser/selftest.sh $(BUILD)/browser-selftest
	node tests/browser/check.js site $(BUILD)/screenshots
	@bash tests/browser/fixture-site.sh $(SITEGEN) $(BUILD)/site-fixture
	node tests/browser/check.js $(BUILD)/site-fixture $(BUILD)/screenshots/fixture

# `make bench`: the time to rebuild after touching one chapter (median).
BENCHES += bench-site
bench-site: $(SITE)
	@MAKE='$(MAKE)' bash src/site/bench-rebuild.sh data/bench/site_rebuild.tsv

.PHONY: test-browser bench-site

# `make pdf`: the index and every chapter in one PDF, site/companion.pdf,
# printed by headless Chromium from the print stylesheet and joined by qpdf
# (src/site/pdf.js), page numbers running on from chapter to chapter.
PDF := site/companion.pdf
pdf: $(PDF)
$(PDF): site/index.html $(PAGES) $(SITE_ASSETS) src/site/pdf.js src/site/cdp.js | $(DEPS_STAMP)
	node src/site/pdf.js $@ site/index.html $(PAGES)
.PHONY: pdf
