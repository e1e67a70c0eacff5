#!/usr/bin/env bash
# verify.sh (tests/build): `make verify` cannot be fooled.  src/verify/verify.sh
# compares a small fixture tree (VERIFY_DIR, VERIFY_REF: no regeneration)
# with references summarized from it: the files as they are pass; two rows
# swapped fail, in a file compared exactly (tolerance 0) and in one compared
# with a tolerance (the order-sensitive statistics), in numbers and in words;
# a change below the tolerance passes there and fails where the tolerance is
# 0.  Prints a line per failure and "verify-test: N checks, N failed".
# usage: verify.sh TSVSUM   (from the repository root)
set -uo pipefail
top=$(pwd)
tsvsum=$(realpath "$1")
w=$(mktemp -d "${TMPDIR:-/tmp}/noether-verify-test.XXXXXX")
trap 'rm -rf "$w"' EXIT
nchecks=0 nfail=0
fail() { nfail=$((nfail + 1)); echo "FAIL: $*"; }

mkdir -p "$w/tree/data/fx/exact" "$w/ref"
table() {   # a smooth 400-row curve and a word column
  printf '# program: fixture\n# commit: 0\n# command: fixture\nt\ty\tphase\n'
  awk 'BEGIN { for (i = 0; i < 400; i++) { t = i / 40; printf "%.17g\t%.17g\t%s\n", t, sin(t) * exp(-t / 7) + 2.385, (t < 5 ? "early" : "late") } }'
}
table > "$w/tree/data/fx/curve.tsv"
cp "$w/tree/data/fx/curve.tsv" "$w/tree/data/fx/exact/curve.tsv"
printf '# program: fixture\nkey\tvalue\nwinner\tlnn\nloser\tmlp\nratio\t2.385\n' > "$w/tree/data/fx/summary.tsv"
files="data/fx/curve.tsv data/fx/exact/curve.tsv data/fx/summary.tsv"
printf '# prefix\trtol\treason\ndata/fx/exact/\t0\tfixture\ndata/fx/\t1e-6\tfixture\n' > "$w/ref/tolerances.tsv"
for f in $files; do
  mkdir -p "$(dirname "$w/ref/${f#data/}")"
  (cd "$w/tree" && "$tsvsum" summarize "$f") > "$w/ref/${f#data/}.ref"
done
run() { (cd "$top" && VERIFY_DIR="$w/tree" VERIFY_REF="$w/ref" bash src/verify/verify.sh "$tsvsum" "$@") >"$w/out" 2>&1; }
expect() {   # NAME pass|fail FILE
  nchecks=$((nchecks + 1))
  run "$3"; local rc=$?
  if [ "$2" = pass ] && [ $rc -ne 0 ]; then fail "$1: verify failed"; sed 's/^/    | /' "$w/out" | head -3
  elif [ "$2" = fail ] && [ $rc -eq 0 ]; then fail "$1: verify passed"; sed 's/^/    | /' "$w/out" | head -3
  elif [ "$2" = fail ] && ! grep -q "^$3 .*differs" "$w/out"; then fail "$1: no 'differs' line naming $3"; fi
}
swap() {   # FILE LINE: swap line LINE with the next
  awk -v n="$2" 'NR == n { held = $0; next } NR == n + 1 { print; print held; next } { print }' "$1" > "$1.new" && mv "$1.new" "$1"
}
keep() { cp "$w/tree/$1" "$w/$(basename "$1").orig"; }
back() { cp "$w/$(basename "$1").orig" "$w/tree/$1"; }

nchecks=$((nchecks + 1))
run $files || { fail "the files as summarized do not pass"; sed 's/^/    | /' "$w/out"; }
nchecks=$((nchecks + 1))
grep -q '^3 passed, 0 failed$' "$w/out" || fail "no '3 passed, 0 failed' line"

for f in data/fx/curve.tsv data/fx/exact/curve.tsv; do
  keep $f
  swap "$w/tree/$f" 150;  expect "$f: two neighbouring rows swapped" fail $f; back $f
  swap "$w/tree/$f" 6;    expect "$f: the first two rows swapped" fail $f; back $f
  swap "$w/tree/$f" 203;  expect "$f: rows swapped across the word change" fail $f; back $f
done
f=data/fx/summary.tsv; keep $f
swap "$w/tree/$f" 3; expect "$f: two words swapped" fail $f; back $f

# Below the tolerance: the last digits of one value.
for f in data/fx/curve.tsv data/fx/exact/curve.tsv; do
  keep $f
  awk -F'\t' -v OFS='\t' 'NR == 100 { $2 = sprintf("%.17g", $2 * (1 + 1e-12)) } { print }' "$w/tree/$f" > "$w/x" && mv "$w/x" "$w/tree/$f"
  case $f in */exact/*) expect "$f: 1e-12 change, tolerance 0" fail $f ;; *) expect "$f: 1e-12 change, tolerance 1e-6" pass $f ;; esac
  back $f
done

# A reference in the old format (no digest line) is an error, not a pass.
grep -v '^digest' "$w/ref/fx/summary.tsv.ref" > "$w/x" && mv "$w/x" "$w/ref/fx/summary.tsv.ref"
nchecks=$((nchecks + 1))
run data/fx/summary.tsv && fail "an old-format reference passes"

echo "verify-test: $nchecks checks, $nfail failed"
[ "$nfail" -eq 0 ]
