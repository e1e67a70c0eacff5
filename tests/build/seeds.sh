#!/usr/bin/env bash
# seeds.sh: the seed aggregator (build/bin/seeds, src/tools/seeds.c) on small
# fixtures: key/value statistics and curves against values worked out by
# hand (type-7 quantiles), its provenance header, and its errors (file:line,
# no output left behind).  Prints a line per failure and "seeds: N checks,
# N failed".
# usage: seeds.sh SEEDS_BIN
set -uo pipefail
seeds=$(realpath "$1")
w=$(mktemp -d "${TMPDIR:-/tmp}/noether-seeds.XXXXXX")
trap 'rm -rf "$w"' EXIT
cd "$w" || exit 1
nchecks=0 nfail=0
fail() { nfail=$((nfail + 1)); echo "FAIL: $*"; }
kv() { awk -F'\t' -v k="$2" '$1 == k { print $2; f = 1 } END { if (!f) print "missing" }' "$1"; }
near() {   # NAME GOT WANT: |got - want| <= 1e-13 max(|want|, 1)
  nchecks=$((nchecks + 1))
  awk -v g="$2" -v w="$3" 'BEGIN { d = g - w; if (d < 0) d = -d; s = w < 0 ? -w : w; if (s < 1) s = 1;
                                   exit !(g != "missing" && d <= 1e-13 * s) }' || fail "$1: got $2, want $3"
}
is() { nchecks=$((nchecks + 1)); [ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"; }
summary() {   # FILE A B [SEED]
  { printf '# program: fake\n# commit: c0ffee\n# command: fake --seed %s\n' "${4:-0}"
    printf 'key\tvalue\na\t%s\nmethod\tsgd\nb\t%s\n' "$2" "$3"; } > "$1"
}

# ------------------------------------------------------------ kv, 3 seeds
summary s0.tsv 2.385 1 0; summary s1.tsv -1.207 nan 1; summary s2.tsv 7.93 3 2
"$seeds" kv --out agg.tsv s0.tsv s1.tsv s2.tsv 2>err.txt || fail "kv: exit status $? ($(cat err.txt))"
is "kv: n_seeds" "$(kv agg.tsv n_seeds)" 3
near "kv: median" "$(kv agg.tsv a_median)" 2.385
near "kv: min" "$(kv agg.tsv a_min)" -1.207
near "kv: max" "$(kv agg.tsv a_max)" 7.93
near "kv: mean" "$(kv agg.tsv a_mean)" 3.036
near "kv: sd" "$(kv agg.tsv a_sd)" 4.603155765341859        # sample sd, n - 1
is "kv: no q10 below 10 seeds" "$(kv agg.tsv a_q10)" missing
is "kv: a word is copied" "$(kv agg.tsv method)" sgd
is "kv: NaN propagates" "$(kv agg.tsv b_median)" nan
is "kv: provenance" "$(sed -n '1p;3p' agg.tsv | tr '\n' '|')" "# program: seeds|# command: seeds kv --out agg.tsv s0.tsv s1.tsv s2.tsv|"
nchecks=$((nchecks + 1))
grep -qF '# input s1.tsv: fake as `fake --seed 1` at commit c0ffee' agg.tsv || fail "kv: the inputs' provenance is not in the header"
is "kv: column line" "$(grep -v '^#' agg.tsv | head -1)" "$(printf 'key\tvalue')"

# ------------------------------------------------------------ kv, 10 seeds: q10, q90
vals=(2.385 -1.207 7.93 0.4471 3.116 5.5512 -0.093 4.0219 1.873 6.667)
for i in "${!vals[@]}"; do summary t$i.tsv "${vals[$i]}" 1 $i; done
"$seeds" kv --out agg10.tsv t{0..9}.tsv 2>err.txt || fail "kv10: exit status $? ($(cat err.txt))"
# sorted: -1.207 -0.093 0.4471 1.873 2.001... h = 9p: q10 = x(0) + 0.9 (x(1) - x(0))
near "kv10: q10" "$(kv agg10.tsv a_q10)" -0.2044
near "kv10: median" "$(kv agg10.tsv a_median)" 2.7505    # (2.385 + 3.116) / 2
near "kv10: q90" "$(kv agg10.tsv a_q90)" 6.7933          # 6.667 + 0.1 (7.93 - 6.667)
is "kv10: n_seeds" "$(kv agg10.tsv n_seeds)" 10

# ------------------------------------------------------------ curves
curve() {   # FILE OFFSET
  { printf '# program: fake\n# commit: c0ffee\n# command: fake\nx\ty\tz\n'
    for x in 0 0.5 1 1.5; do awk -v x=$x -v o=$2 'BEGIN { printf "%.17g\t%.17g\t%.17g\n", x, 2.385 * x + o, -o }'; done; } > "$1"
}
curve c0.tsv 0.25; curve c1.tsv -0.75; curve c2.tsv 1.5
"$seeds" curve --out band.tsv c0.tsv c1.tsv c2.tsv 2>err.txt || fail "curve: exit status $? ($(cat err.txt))"
is "curve: columns" "$(grep -v '^#' band.tsv | head -1)" "$(printf 'x\ty_median\ty_min\ty_max\tz_median\tz_min\tz_max')"
row=$(awk -F'\t' '!/^#/ && $1 == "1" { print $2, $3, $4, $5, $6, $7 }' band.tsv)
set -- $row
near "curve: median at x = 1" "${1:-missing}" 2.635      # 2.385 + 0.25
near "curve: min at x = 1" "${2:-missing}" 1.635
near "curve: max at x = 1" "${3:-missing}" 3.885
near "curve: z median" "${4:-missing}" -0.25
is "curve: rows" "$(grep -vc '^#' band.tsv)" 5

# ------------------------------------------------------------ errors
err() {   # NAME REGEX ARGS...: fails, says REGEX, leaves no output
  local name=$1 re=$2; shift 2
  rm -f out.tsv out.tsv.tmp
  nchecks=$((nchecks + 1))
  if "$seeds" "$@" 2>err.txt >/dev/null; then fail "$name: exit status 0"
  elif ! grep -qE "$re" err.txt; then fail "$name: message '$(head -1 err.txt)' does not match /$re/"
  elif [ -e out.tsv ] || [ -e out.tsv.tmp ]; then fail "$name: output left behind"
  fi
}
{ printf 'key\tvalue\na\t1\nc\t2\n'; } > other.tsv
err "kv: another key" "^seeds: other.tsv:3: key 'c' where s0.tsv:6 has 'method'" kv --out out.tsv s0.tsv other.tsv
{ printf 'key\tvalue\na\t1\nmethod\tadam\nb\t2\n'; } > word.tsv
err "kv: words differ" "^seeds: word.tsv:3: 'method' is 'adam' here but 'sgd' in s0.tsv:6" kv --out out.tsv s0.tsv word.tsv
{ printf 'x\ty\n1\t2\n'; } > notkv.tsv
err "kv: not a key/value file" "^seeds: notkv.tsv:1: expected the column line" kv --out out.tsv notkv.tsv
{ printf 'key\tvalue\na\t1\na\t2\n'; } > dup.tsv
err "kv: a key twice" "^seeds: dup.tsv:3: key 'a' given twice \(first at line 2\)" kv --out out.tsv dup.tsv
awk '!/^#/ && $1 == "1" { $1 = "1.25" } { print }' OFS='\t' c1.tsv > shifted.tsv
err "curve: another x" "^seeds: shifted.tsv:7: x = 1.25, but c0.tsv:7 has 1" curve --out out.tsv c0.tsv shifted.tsv
sed '5s/0\.25/zero/' c0.tsv > word_cell.tsv
err "curve: a word in a cell" "^seeds: word_cell.tsv:5: column 'y': '.*' is not a number" curve --out out.tsv word_cell.tsv c1.tsv
head -n 6 c1.tsv > short.tsv
err "curve: fewer rows" "^seeds: short.tsv:6: 2 rows, but c0.tsv has 4" curve --out out.tsv c0.tsv short.tsv
err "a missing input" "^seeds: cannot open nothing.tsv" kv --out out.tsv s0.tsv nothing.tsv
err "an unknown mode" "^seeds: unknown mode 'mean'" mean --out out.tsv s0.tsv
err "no inputs" "^seeds: expected a mode, --out OUT.tsv and at least one input" kv --out out.tsv

echo "seeds: $nchecks checks, $nfail failed"
[ "$nfail" -eq 0 ]
