#!/usr/bin/env bash
# bench-rebuild.sh: how long `make` takes to bring the site up to date after
# one chapter is touched (the edit-and-look loop of a writer).  Touches the
# first chapter, runs `make -s`, seven times; writes the median, min and max
# wall-clock seconds as key/value TSV (with a provenance header like tsv.h's)
# to the file named by $1.  Run by `make bench` after the site is built.
set -euo pipefail
out=${1:-data/bench/site_rebuild.tsv}
make=${MAKE:-make}
goal=${BENCH_GOAL:-all}     # what `make` is asked for after the touch
runs=7
chapter=$(ls chapters/[0-9][0-9]-*.md 2>/dev/null | head -n 1 || true)
if [ -z "$chapter" ]; then
  echo "bench-rebuild: no chapters/NN-*.md to touch" >&2
  exit 1
fi
$make -s $goal >/dev/null        # start from an up-to-date site
times=()
for i in $(seq $runs); do
  touch "$chapter"
  t0=$(date +%s.%N)
  $make -s $goal >/dev/null
  t1=$(date +%s.%N)
  times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }')")
done
sorted=$(printf '%s\n' "${times[@]}" | sort -g)
median=$(echo "$sorted" | sed -n "$(( (runs + 1) / 2 ))p")
min=$(echo "$sorted" | head -n 1)
max=$(echo "$sorted" | tail -n 1)
mkdir -p "$(dirname "$out")"
{
  echo "# program: bench-rebuild.sh"
  echo "# commit: ${NOETHER_COMMIT:-unknown}"
  echo "# command: bench-rebuild.sh $out"
  echo "# touch $chapter, then make -s $goal; $runs runs; wall-clock seconds; $(nproc) cores"
  printf 'key\tvalue\n'
  printf 'rebuild_median_s\t%.3f\n' "$median"
  printf 'rebuild_min_s\t%.3f\n' "$min"
  printf 'rebuild_max_s\t%.3f\n' "$max"
  printf 'runs\t%d\n' "$runs"
} > "$out.tmp"
mv "$out.tmp" "$out"
echo "bench-site: touch $chapter; make: median $(printf '%.3f' "$median") s (min $min, max $max) -> $out"
