#!/usr/bin/env bash
# Developer aid: render figures/<name>.svg to build/png/<name>.png with the
# light palette (sentinel colours mapped as the site maps them), to look at a
# figure outside the page.  Needs rsvg-convert (Debian librsvg2-bin).
set -euo pipefail
mkdir -p build/png
for svg in "$@"; do
  name=$(basename "$svg" .svg)
  sed -e 's/#010101/#0072b2/g; s/#020202/#d55e00/g; s/#030303/#009e73/g;
          s/#040404/#cc79a7/g; s/#050505/#e69f00/g; s/#060606/#56b4e9/g;
          s/rgb(  1,   1,   1)/#0072b2/g; s/rgb(  2,   2,   2)/#d55e00/g;
          s/rgb(  3,   3,   3)/#009e73/g; s/rgb(  4,   4,   4)/#cc79a7/g;
          s/rgb(  5,   5,   5)/#e69f00/g; s/rgb(  6,   6,   6)/#56b4e9/g' "$svg" \
    | rsvg-convert -b white -w 960 -o "build/png/$name.png"
  echo "build/png/$name.png"
done
