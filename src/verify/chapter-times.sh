#!/usr/bin/env bash
# chapter-times.sh: the measured time to regenerate each chapter from clean,
# quoted on the index page ("Reproduce this").  In a scratch copy of the
# tracked sources (as they are in the working tree): first the library and
# every program are compiled (timed as "compile"), then, chapter after
# chapter, `make -j2` of that chapter's data files (every data/chN/* and
# data/chN_*/* in $(DATA)); wall seconds of each.  Written as a key/value
# file (keys compile_s, ch1_s, ..., total_s, jobs, cpus).
#
# usage: chapter-times.sh OUT.tsv
set -uo pipefail
out=$1
top=$(pwd)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/noether-times.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
git ls-files -z | xargs -0 cp -P --parents -t "$scratch" 2>/dev/null
mkdir -p "$scratch/build" && touch "$scratch/build/.deps-ok"
ln -s "$top/node_modules" "$scratch/node_modules"
mk() { make -C "$scratch" -s -j2 NOETHER_QUIET=1 "$@"; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

rows=()
load0=$(cut -d" " -f1 /proc/loadavg) commit0=$(git rev-parse --short=12 HEAD)
t0=$(now)
bins=$(mk --no-print-directory --eval 'print-bins: ; @echo $(EXP_BIN)' print-bins)
mk $bins >"$scratch/compile.log" 2>&1 || { tail "$scratch/compile.log" >&2; echo "chapter-times: compile failed" >&2; exit 1; }
t1=$(now); rows+=("compile_s	$(secs "$t0" "$t1")")
total=$(secs "$t0" "$t1")
for ch in $(cd "$top/src/experiments" && ls -d ch* | sort -V); do
  files=$(mk --no-print-directory --eval "print-data: ; @echo \$(filter data/$ch/% data/${ch}_%,\$(DATA))" print-data)
  [ -n "$files" ] || continue
  a=$(now)
  mk $files >"$scratch/$ch.log" 2>&1 || { tail "$scratch/$ch.log" >&2; echo "chapter-times: $ch failed" >&2; exit 1; }
  b=$(now)
  rows+=("${ch}_s	$(secs "$a" "$b")")
  echo "chapter-times: $ch: $(secs "$a" "$b") s ($(echo $files | wc -w) data files)" >&2
done
t2=$(now)
rows+=("total_s	$(secs "$t0" "$t2")" "jobs	2" "cpus	$(nproc)")
{
  echo "# chapter_times.tsv: wall seconds to regenerate each chapter's data from clean"
  echo "# made by src/verify/chapter-times.sh (make reference) from the working tree at commit $commit0"
  echo "# in a scratch copy: compile every program, then make -j2 of each chapter's data files in turn"
  echo "# machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); load average at start: $load0, at end: $(cut -d' ' -f1 /proc/loadavg)"
  printf 'key\tvalue\n'
  printf '%s\n' "${rows[@]}"
} > "$out.tmp" && mv "$out.tmp" "$out"
