#!/usr/bin/env bash
# race.sh: is `make -j2` from clean race-free?  Builds the whole site N times,
# each from nothing in its own scratch copy of the tracked sources (as they are
# in the working tree), with node_modules linked from here; reports each
# build's wall time and compares every site/ tree with the first, byte for byte.
#
# usage: race.sh N [SCRATCH_ROOT]     (one line per run, then "N identical, N differ")
set -uo pipefail
n=${1:-2}
root=${2:-$(mktemp -d "${TMPDIR:-/tmp}/noether-race.XXXXXX")}
top=$(pwd)
same=0; differ=0
for i in $(seq 1 "$n"); do
  s=$root/run$i
  rm -rf "$s"; mkdir -p "$s"
  git ls-files -z | xargs -0 cp --parents -t "$s" 2>/dev/null
  mkdir -p "$s/build" && touch "$s/build/.deps-ok"
  ln -s "$top/node_modules" "$s/node_modules"
  t0=$(date +%s.%N)
  if ! nice make -C "$s" -j2 -s NOETHER_QUIET=1 >"$s/make.log" 2>&1; then
    echo "run $i: make -j2 FAILED (log: $s/make.log)"; tail -15 "$s/make.log"; differ=$((differ+1)); continue
  fi
  t1=$(date +%s.%N)
  printf 'run %d: make -j2 from clean: %.1f s\n' "$i" "$(echo "$t1 - $t0" | bc)"
  if [ "$i" -gt 1 ]; then
    if diff -r "$root/run1/site" "$s/site" >"$s/site.diff" 2>&1; then
      echo "run $i: site/ identical to run 1"; same=$((same+1))
    else
      echo "run $i: site/ DIFFERS from run 1 ($s/site.diff)"; head -20 "$s/site.diff"; differ=$((differ+1))
    fi
  fi
done
echo "race: $same identical, $differ differ ($root)"
[ "$differ" -eq 0 ]
