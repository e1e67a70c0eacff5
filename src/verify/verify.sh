#!/usr/bin/env bash
# verify.sh: `make verify`.  Copies the tracked sources (as they are in the
# working tree) into a scratch directory, regenerates every data file there
# from nothing, and compares each with its committed summary under
# data/reference/ (made by `make reference`) by `tsvsum compare`, with the
# tolerance that data/reference/tolerances.tsv gives for it: with tolerance 0
# the order-sensitive digest must match (the same bytes); otherwise the
# order-sensitive statistics and the text hash too (tsvsum.c says which).
# Then the chapters' claims (the hook below).  One line per data file, then
# "N passed, N failed"; exits 1 if anything differs or is missing.
#
# usage: verify.sh TSVSUM DATA_FILE...
#   VERIFY_DIR=DIR   compare the files under DIR instead of regenerating them
#                    (no scratch copy, no claims; the tests use it)
#   VERIFY_REF=DIR   the references (default data/reference)
set -uo pipefail
tsvsum=$(realpath "$1"); shift
top=$(pwd)
ref_dir=$(realpath "${VERIFY_REF:-data/reference}")

if [ -n "${VERIFY_DIR:-}" ]; then
  scratch=$(realpath "$VERIFY_DIR")
else
  scratch=$(mktemp -d "${TMPDIR:-/tmp}/noether-verify.XXXXXX")
  trap 'rm -rf "$scratch"' EXIT
  git ls-files -z | xargs -0 cp -P --parents -t "$scratch" 2>/dev/null || {
    echo "verify: cannot copy the sources into $scratch" >&2; exit 1; }
  # The dependencies are installed already (this make checked them): mark them so.
  mkdir -p "$scratch/build" && touch "$scratch/build/.deps-ok"
  echo "verify: regenerating ${#} data files in $scratch ..."
  # Two jobs, whatever the caller had (make verify passes its flags without its job server).
  if ! make -C "$scratch" -s -j2 NOETHER_QUIET=1 "$@" \
       >"$scratch/make.log" 2>&1; then
    tail -20 "$scratch/make.log" >&2
    echo "verify: the experiments failed to run (log above)" >&2
    echo "0 passed, ${#} failed"
    exit 1
  fi
fi

# rtol for a data file: the first line of tolerances.tsv whose prefix matches.
tolerance() {
  local f=$1 prefix rtol
  while IFS=$'\t' read -r prefix rtol _; do
    [[ -z "$prefix" || "$prefix" == \#* ]] && continue
    [[ "$f" == "$prefix"* ]] && { echo "$rtol"; return; }
  done < "$ref_dir/tolerances.tsv"
  echo 0
}

pass=0; failn=0
for f in "$@"; do
  ref="$ref_dir/${f#data/}.ref"
  if [ ! -f "$ref" ]; then
    printf '%-44s no reference (run make reference)\n' "$f"; failn=$((failn+1)); continue
  fi
  if (cd "$scratch" && "$tsvsum" compare "$ref" "$f" "$(tolerance "$f")"); then
    pass=$((pass+1))
  else
    failn=$((failn+1))
  fi
done

# ---------------------------------------------------------------- claims
# HOOK: the chapters' `claim` blocks, checked on the data just regenerated.
# `sitegen claims chapters/NN-slug.md` prints one line per claim, then
# "N passed, N failed" (exit status non-zero if one failed); its two counts
# are added to the totals below, so a claim the new data no longer supports
# fails `make verify` like a data file that moved.  Until the generator has
# the command (its usage lists "claims"), this prints a note and counts
# nothing.  Skipped with VERIFY_DIR (no scratch build).
check_claims() {
  [ -z "${VERIFY_DIR:-}" ] || return 0
  local sitegen="$scratch/build/bin/sitegen" ch out last cp cf
  make -C "$scratch" -s build/bin/sitegen \
    >>"$scratch/make.log" 2>&1 || { echo "verify: claims: cannot build the site generator" >&2; failn=$((failn+1)); return; }
  if ! "$sitegen" 2>&1 | grep -q '^ *claims '; then
    echo "verify: claims not checked (the site generator has no claims command yet)"
    return 0
  fi
  for ch in "$scratch"/chapters/[0-9][0-9]-*.md; do
    out=$(cd "$scratch" && "$sitegen" claims "chapters/${ch##*/}" 2>&1)
    last=$(printf '%s\n' "$out" | tail -n 1)
    printf '%s\n' "$out" | sed '$d'
    if [[ "$last" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
      cp=${BASH_REMATCH[1]} cf=${BASH_REMATCH[2]}
      printf '%-44s claims: %d passed, %d failed\n' "chapters/${ch##*/}" "$cp" "$cf"
      pass=$((pass+cp)); failn=$((failn+cf))
    else
      printf '%-44s claims: no summary line (%s)\n' "chapters/${ch##*/}" "$last"
      failn=$((failn+1))
    fi
  done
}
check_claims

echo "verify: ${pass} passed, ${failn} failed"
echo "${pass} passed, ${failn} failed"
[ "$failn" -eq 0 ]
