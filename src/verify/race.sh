#!/usr/bin/env bash
# race.sh: is `make -j2` from clean race-free?  Builds the whole site N times,
# each from nothing in its own scratch copy of one snapshot of the tracked
# sources (taken once, as they are in the working tree, so that edits made
# meanwhile do not count as differences), with node_modules linked from here;
# reports each build's wall time and compares every site/ tree with the
# first, byte for byte.  With PARALLEL=1 the N builds run at the same time
# (each still make -j2), which also shakes the timing harder.
#
# usage: race.sh N [SCRATCH_ROOT]     (one line per run, then "N identical, N differ")
set -uo pipefail
n=${1:-2}
root=${2:-$(mktemp -d "${TMPDIR:-/tmp}/noether-race.XXXXXX")}
top=$(pwd)
same=0; differ=0
snap=$root/snapshot
rm -rf "$snap"; mkdir -p "$snap"
git ls-files -z | xargs -0 cp -pP --parents -t "$snap" 2>/dev/null
build() {   # I: one clean build, its time in runI/time
  local s=$root/run$1
  rm -rf "$s"; cp -a "$snap" "$s"
  mkdir -p "$s/build" && touch "$s/build/.deps-ok"
  ln -s "$top/node_modules" "$s/node_modules"
  local t0 t1
  t0=$(date +%s.%N)
  nice make -C "$s" -j2 -s NOETHER_QUIET=1 >"$s/make.log" 2>&1 || { echo failed > "$s/time"; return; }
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc > "$s/time"
}
if [ "${PARALLEL:-0}" = 1 ]; then
  for i in $(seq 1 "$n"); do build "$i" & done; wait
fi
for i in $(seq 1 "$n"); do
  s=$root/run$i
  [ "${PARALLEL:-0}" = 1 ] || build "$i"
  if [ "$(cat "$s/time")" = failed ]; then
    echo "run $i: make -j2 FAILED (log: $s/make.log)"; tail -15 "$s/make.log"; differ=$((differ+1)); continue
  fi
  printf 'run %d: make -j2 from clean: %.1f s\n' "$i" "$(cat "$s/time")"
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
