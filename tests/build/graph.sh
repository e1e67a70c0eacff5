#!/usr/bin/env bash
# graph.sh: the build-graph tests (`make test`, target test-build).  In a
# scratch copy of the tracked sources, plus a fixture chapter whose
# "program" is a shell script (tests/build/fixture/), every target is first
# marked up to date without running anything: the site generator is built
# (it writes the pages' dependency files), the command stamps are written,
# `make -t` creates the rest, and every file gets one time stamp.  Then:
#
#   baseline   make -n has nothing to do, make -q agrees;
#   parameter  one parameter of a real experiment edited in its module.mk:
#              make -n names exactly that experiment, the figures whose
#              scripts name its data, and the pages that show them (and the
#              page of the edited source) -- the set derived here by grep
#              from the figure scripts and the pages' dependency files;
#   seeds      SEEDS 3 -> 4 and 3 -> 2 on the fixture: exactly the new
#              seed's run, the aggregates, their figure and page;
#   chapter    touching a chapter's text rebuilds only its page;
#   flags      CFLAGS, EXTRA_CFLAGS, LDFLAGS: every object is rebuilt;
#   launcher   EXP_LAUNCH changes nothing already made; a real run of the
#              fixture through a launcher that logs its calls runs every
#              experiment command through it, and the aggregates hold the
#              medians and bands of the fake seeds; with make -n every real
#              experiment's command starts with the launcher;
#   SEEDS=2    a real `make SEEDS=2` of the fixture's band figure.
#
# Nothing real runs: no experiment, no gnuplot of a real figure, no page.
# Prints a line per failure and "graph: N checks, N failed".
# usage: graph.sh SEEDS_BIN   (from the repository root)
set -uo pipefail
top=$(pwd)
seeds_bin=$(realpath "$1")
scratch=$(mktemp -d "${TMPDIR:-/tmp}/noether-graph.XXXXXX")
[ -n "${GRAPH_KEEP:-}" ] && echo "graph: scratch tree kept in $scratch" || trap 'rm -rf "$scratch"' EXIT
unset MAKEFLAGS MFLAGS MAKELEVEL   # the scratch makes are not part of this make
export CFLAGS=-O0 NOETHER_QUIET=1  # the scratch's own flags (quick to compile), the same for every make below
nchecks=0 nfail=0
fx=tests/build/fixture

fail() { nfail=$((nfail + 1)); echo "FAIL: $*"; }
check() {   # NAME COMMAND...: the command must succeed
  local name=$1; shift
  nchecks=$((nchecks + 1))
  "$@" || fail "$name"
}
seeds=3
mk() { make -C "$scratch" --no-print-directory SEEDS=$seeds "$@"; }
# The targets `make -n ARGS` would remake (one per line, sorted): the files
# whose recipes would run, from --trace.
remade() {
  mk -n --trace "$@" 2>&1 | sed -n -e "s/.*: update target '\([^']*\)' due to:.*/\1/p" \
    -e "s/.*: target '\([^']*\)' does not exist$/\1/p" | sort -u
}
same_set() {   # NAME EXPECTED GOT (newline-separated)
  nchecks=$((nchecks + 1))
  if [ "$2" != "$3" ]; then
    fail "$1: make -n names another set of targets"
    diff <(printf '%s\n' "$2") <(printf '%s\n' "$3") | sed -n 's/^</    missing:/p; s/^>/    extra:  /p'
  fi
}

# ------------------------------------------------------------ the scratch tree
(git ls-files -z; printf '%s\0' $fx/*) | xargs -0 cp -P --parents -t "$scratch" 2>/dev/null
mkdir -p "$scratch/src/experiments/fx"
cp $fx/module.mk "$scratch/src/experiments/fx/module.mk"
cp $fx/fx_line.gp $fx/fx_band.gp "$scratch/figures/"
cp $fx/90-fixture.md "$scratch/chapters/"
ln -s "$top/node_modules" "$scratch/node_modules"
mkdir -p "$scratch/build" && touch "$scratch/build/.deps-ok"

# Up to date without running anything.
if ! mk -s build/bin/sitegen >"$scratch/setup.log" 2>&1 || ! mk -s stamps >>"$scratch/setup.log" 2>&1; then
  tail "$scratch/setup.log"; echo "graph: cannot set up the scratch tree"; exit 1
fi
print() { mk -s --eval "print-it: ; @echo $1" print-it; }
outputs=$(print '$(EXP_OUTPUTS)')
(cd "$scratch" && mkdir -p $(print '$(sort $(dir $(EXP_OUTPUTS) $(LIB_OBJ) $(EXP_OBJ) $(CHLIB_OBJ) $(EXP_BIN) $(SITE) $(SITEGEN_OBJ) $(LIB) $(FIGURES) $(SEEDS_BIN)) $(BUILD)/lib/)') \
   $(grep -ho 'site/[^ ]*' build/site-deps/*.d | xargs -n1 dirname | sort -u))
mk -s -t all $outputs >>"$scratch/setup.log" 2>&1
(cd "$scratch" && touch $outputs)        # outputs that no goal named
stamp_time=$(date +%s)
(cd "$scratch" && find . -path ./node_modules -prune -o -exec touch -h -d "@$stamp_time" {} +)
restore() { touch -h -d "@$stamp_time" "$scratch/$1"; }

# ------------------------------------------------------------ baseline
same_set "baseline: an up-to-date tree" "" "$(remade)"
check "baseline: make -q finds the tree up to date" mk -q
same_set "baseline: make -n figures" "" "$(remade figures)"

# ------------------------------------------------------------ a parameter
# The issue's own example, moved to a single run that remains: chapter 6's
# e3_wide run at eta 0.3 instead of 0.1.
param_mk=src/experiments/ch6/module.mk
param_outputs="data/ch6/run_e3_wide.tsv data/ch6/run_e3_wide_curve.tsv data/ch6/run_e3_wide_summary.tsv"
cp "$scratch/$param_mk" "$scratch/param.bak"
sed -i 's/^\(CH6_OPT_e3_wide *:= .*--eta \)0\.1 /\10.3 /' "$scratch/$param_mk"
if cmp -s "$scratch/$param_mk" "$scratch/param.bak"; then
  fail "parameter: the edit of CH6_OPT_e3_wide (--eta 0.1) no longer applies to $param_mk: update tests/build/graph.sh"
else
  # Expected: the stamp and the run, each figure whose script names one of
  # the outputs, each page whose dependency file names those figures or
  # outputs, the copies of the outputs that page ships, the edited file's page.
  figs=$(cd "$scratch" && for o in $param_outputs; do grep -lF "$o" figures/*.gp; done | sort -u | sed 's/\.gp$/.svg/')
  exp="build/cmd/${param_outputs%% *}.cmd"$'\n'"${param_outputs%% *}"$'\n'"site/source/$param_mk.html"
  for f in $figs; do exp+=$'\n'"$f"; done
  for d in "$scratch"/build/site-deps/*.d; do
    page=site/$(basename "$d" .d).html hit=0
    for x in $figs $param_outputs; do grep -q "^  $x \\\\\?$" "$d" && hit=1; done
    [ $hit = 1 ] || continue
    exp+=$'\n'"$page"
    for o in $param_outputs; do grep -q "^  site/$o \\\\\?$" "$d" && exp+=$'\n'"site/$o"; done
  done
  exp=$(printf '%s\n' "$exp" | sort -u)
  nchecks=$((nchecks + 1))
  case "$exp" in *figures/*site/[0-9]*) ;; *) fail "parameter: the expected set has no figure or no page (vacuous): $exp" ;; esac
  same_set "parameter: CH6_OPT_e3_wide --eta 0.3" "$exp" "$(remade)"
  nchecks=$((nchecks + 1))
  [ "$(mk -n 2>&1 | grep -c -- '^nice .*--eta 0.3 --sigma 3 --steps 600 --out data/ch6/run_e3_wide.tsv')" = 1 ] ||
    fail "parameter: make -n does not run the edited command once"
fi
cp "$scratch/param.bak" "$scratch/$param_mk"; restore "$param_mk"
same_set "parameter: reverted, nothing to do" "" "$(remade)"

# ------------------------------------------------------------ the seed list
agg="build/cmd/data/fx/runs_curve.tsv.cmd
build/cmd/data/fx/runs_summary.tsv.cmd
data/fx/runs_curve.tsv
data/fx/runs_summary.tsv
figures/fx_band.svg
site/90-fixture.html
site/data/fx/runs_curve.tsv
site/data/fx/runs_summary.tsv"
# The real chapters follow SEEDS too: their own counts stay pinned at 3 here,
# so that the checks name the fixture's chain only.
pins=$(for v in $(print '$(filter-out FX_SEEDS,$(filter %_SEEDS,$(.VARIABLES)))'); do printf '%s=3 ' "$v"; done)
seeds=4
same_set "seeds 3 -> 4" "$(printf '%s\n' "$agg" build/cmd/data/fx/runs/s3_curve.tsv.cmd data/fx/runs/s3_curve.tsv | sort)" "$(remade $pins)"
seeds=2
same_set "seeds 3 -> 2" "$agg" "$(remade $pins)"
seeds=4
same_set "seeds 4, the chapter's own count kept at 3" "" "$(remade $pins FX_SEEDS=3)"
seeds=3

# ------------------------------------------------------------ a chapter's text
ch=$(cd "$scratch" && ls chapters/0[1-9]-*.md | sed -n 2p)
touch "$scratch/$ch"
stem=$(basename "$ch" .md)
same_set "chapter: touching $ch" "$(printf '%s\n' build/site-deps/$stem.d site/$stem.html site/source/$ch.html | sort)" "$(remade)"
restore "$ch"   # (make -n remade its dependency file: a makefile)


# ------------------------------------------------------------ compiler flags
lib_objs=$(print '$(LIB_OBJ)' | tr ' ' '\n' | sort)
for v in CFLAGS=-O1 EXTRA_CFLAGS=-DNOETHER_GRAPH_TEST LDFLAGS=-Wl,-O1; do
  got=$(remade "$v")
  nchecks=$((nchecks + 1))
  missing=$(comm -23 <(printf '%s\n' $lib_objs build/cmd/flags data/ch1/kepler_long.tsv | sort) <(printf '%s\n' "$got"))
  [ -z "$missing" ] || fail "flags: $v does not rebuild: $(echo $missing)"
done

# make -n remade the pages' dependency files, and so rebuilt the site
# generator with those flags (and only it): build it back, equal times again.
mk -s build/bin/sitegen >>"$scratch/setup.log" 2>&1
mk -s stamps >>"$scratch/setup.log" 2>&1
(cd "$scratch" && find . -path ./node_modules -prune -o -exec touch -h -d "@$stamp_time" {} +)
same_set "flags: back to the tree's flags, nothing to do" "" "$(remade)"

# ------------------------------------------------------------ the launcher
same_set "launcher: switching EXP_LAUNCH reruns nothing" "" "$(remade "EXP_LAUNCH=srun -n1 -c1")"
install -m 755 "$seeds_bin" "$scratch/build/bin/seeds" && restore build/bin/seeds
cat > "$scratch/launch.sh" <<EOF
#!/usr/bin/env bash
printf '%s\n' "\$*" >> "$scratch/launch.log"
exec "\$@"
EOF
chmod +x "$scratch/launch.sh"
rm -rf "$scratch/data/fx" "$scratch/launch.log"
fx_goals="data/fx/line_curve.tsv data/fx/runs_summary.tsv data/fx/runs_curve.tsv"
if ! mk -s EXP_LAUNCH="$scratch/launch.sh" $fx_goals >"$scratch/launch.out" 2>&1; then
  fail "launcher: the fixture run failed"; sed 's/^/    | /' "$scratch/launch.out" | tail -5
fi
want="tests/build/fixture/fake_exp.sh --gain 2.385 --out data/fx/line"
for k in 0 1 2; do want+=$'\n'"tests/build/fixture/fake_exp.sh --gain 1.5 --seed $k --out data/fx/runs/s$k"; done
want+=$'\n'"build/bin/seeds kv --out data/fx/runs_summary.tsv data/fx/runs/s0_summary.tsv data/fx/runs/s1_summary.tsv data/fx/runs/s2_summary.tsv"
want+=$'\n'"build/bin/seeds curve --out data/fx/runs_curve.tsv data/fx/runs/s0_curve.tsv data/fx/runs/s1_curve.tsv data/fx/runs/s2_curve.tsv"
nchecks=$((nchecks + 1))
[ "$(sort "$scratch/launch.log" 2>/dev/null)" = "$(printf '%s\n' "$want" | sort)" ] ||
  { fail "launcher: the logged calls are not the fixture's commands"; diff <(printf '%s\n' "$want" | sort) <(sort "$scratch/launch.log" 2>/dev/null) | sed 's/^/    /'; }
check "launcher: the fixture is up to date after the run" mk -q $fx_goals
# The aggregates: offsets k/8 for seeds 0, 1, 2; slope 1.5 in every seed.
kv() { awk -F'\t' -v k="$2" '$1 == k { print $2 }' "$scratch/$1"; }
nchecks=$((nchecks + 1))
got="$(kv data/fx/runs_summary.tsv n_seeds) $(kv data/fx/runs_summary.tsv offset_median) $(kv data/fx/runs_summary.tsv offset_min) $(kv data/fx/runs_summary.tsv offset_max) $(kv data/fx/runs_summary.tsv slope_median) $(kv data/fx/runs_summary.tsv slope_sd)"
[ "$got" = "3 0.125 0 0.25 1.5 0" ] || fail "launcher: runs_summary holds '$got', not '3 0.125 0 0.25 1.5 0'"
nchecks=$((nchecks + 1))
got=$(awk -F'\t' '!/^#/ && $1 == "2" { print $2, $3, $4 }' "$scratch/data/fx/runs_curve.tsv")
[ "$got" = "3.125 3 3.25" ] || fail "launcher: runs_curve at x = 2 holds '$got', not '3.125 3 3.25'"
# Every experiment's command goes through EXP_LAUNCH (make -n -B: every recipe).
nchecks=$((nchecks + 1))
mk -n -B EXP_LAUNCH=LAUNCHER $outputs >"$scratch/all.n" 2>&1
n=0 bad=0
while IFS= read -r stamp; do
  cmd=$(cat "$stamp"); n=$((n + 1))
  grep -qxF "LAUNCHER $cmd" "$scratch/all.n" && ! grep -qxF "$cmd" "$scratch/all.n" || { bad=$((bad + 1)); echo "    not launched: $cmd"; }
done < <(find "$scratch/build/cmd/data" -name '*.cmd')
[ "$bad" = 0 ] && [ "$n" -gt 50 ] || fail "launcher: $bad of $n experiment commands not behind EXP_LAUNCH"

# ------------------------------------------------------------ SEEDS=2 for real
seeds=2
if ! mk -s figures/fx_band.svg >"$scratch/seeds2.out" 2>&1; then
  fail "SEEDS=2: make figures/fx_band.svg failed"; sed 's/^/    | /' "$scratch/seeds2.out" | tail -5
fi
nchecks=$((nchecks + 1))
grep -q '^# curves over 2 seeds' "$scratch/data/fx/runs_curve.tsv" && [ -s "$scratch/figures/fx_band.svg" ] ||
  fail "SEEDS=2: the band is not drawn from 2 seeds"
seeds=3

echo "graph: $nchecks checks, $nfail failed"
[ "$nfail" -eq 0 ]
