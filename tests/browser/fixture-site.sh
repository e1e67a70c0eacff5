#!/usr/bin/env bash
# fixture-site.sh: builds the fixture chapter of tests/site/fixtures/ (which
# uses every directive) into a small site of its own, with the real assets,
# so the browser check also covers figures, citations and excerpts before
# (and besides) the real chapters.  Usage: fixture-site.sh SITEGEN OUTDIR
set -euo pipefail
sitegen=$(realpath "$1")
out=$(realpath -m "$2")
fx=tests/site/fixtures
rm -rf "$out.tmp"
mkdir -p "$out.tmp/data/fx"
cp -r site/assets "$out.tmp/assets"
"$sitegen" -C "$fx" page chapters/01-fixture.md -o "$out.tmp/01-fixture.html"
"$sitegen" -C "$fx" index "$PWD/src/site/index.md" chapters/01-fixture.md -o "$out.tmp/index.html"
cp "$fx/data/fx/wave.tsv" "$fx/data/fx/seeds.tsv" "$out.tmp/data/fx/"
for f in chapters/01-fixture.md figures/fx_wave.gp src/fx/demo.c src/experiments/fx/wave.c; do
  "$sitegen" -C "$fx" source "$f" -o "$out.tmp/source/$f.html"
done
rm -rf "$out"
mv "$out.tmp" "$out"
