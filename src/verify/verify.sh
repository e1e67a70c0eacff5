#!/usr/bin/env bash
# verify.sh: `make verify`.  Copies the tracked sources (as they are in the
# working tree) into a scratch directory, regenerates every data file there
# from nothing, and compares each with its committed summary under
# data/reference/ (made by `make reference`), with the tolerance that
# data/reference/tolerances.tsv gives for it.  One line per data file, then
# "N passed, N failed"; exits 1 if anything differs or is missing.
#
# usage: verify.sh TSVSUM DATA_FILE...
set -uo pipefail
tsvsum=$(realpath "$1"); shift
top=$(pwd)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/noether-verify.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

git ls-files -z | xargs -0 cp -P --parents -t "$scratch" 2>/dev/null || {
  echo "verify: cannot copy the sources into $scratch" >&2; exit 1; }
# The dependencies are installed already (this make checked them): mark them so.
mkdir -p "$scratch/build" && touch "$scratch/build/.deps-ok"
echo "verify: regenerating ${#} data files in $scratch ..."
if ! make -C "$scratch" -s -j2 NOETHER_QUIET=1 "$@" >"$scratch/make.log" 2>&1; then
  tail -20 "$scratch/make.log" >&2
  echo "verify: the experiments failed to run (log above)" >&2
  echo "0 passed, ${#} failed"
  exit 1
fi

# rtol for a data file: the first line of tolerances.tsv whose prefix matches.
tolerance() {
  local f=$1 prefix rtol
  while IFS=$'\t' read -r prefix rtol _; do
    [[ -z "$prefix" || "$prefix" == \#* ]] && continue
    [[ "$f" == "$prefix"* ]] && { echo "$rtol"; return; }
  done < "$top/data/reference/tolerances.tsv"
  echo 0
}

pass=0; failn=0
for f in "$@"; do
  ref="$top/data/reference/${f#data/}.ref"
  if [ ! -f "$ref" ]; then
    printf '%-44s no reference (run make reference)\n' "$f"; failn=$((failn+1)); continue
  fi
  if (cd "$scratch" && "$tsvsum" compare "$ref" "$f" "$(tolerance "$f")"); then
    pass=$((pass+1))
  else
    failn=$((failn+1))
  fi
done
echo "verify: ${pass} passed, ${failn} failed"
echo "${pass} passed, ${failn} failed"
[ "$failn" -eq 0 ]
