#!/bin/bash
# fontfaces.sh: the @font-face rules of the text face, taken from the
# @fontsource package's own CSS, so that the unicode ranges are never copied
# by hand.  Usage: fontfaces.sh CSS_DIR FACE...   where each FACE names a
# file the site ships as assets/fonts/source-serif-4-FACE.woff2 (e.g.
# latin-400-normal).  Prints one rule per FACE, in the order given, with the
# woff2 file under fonts/ as its only source; fails naming a FACE that no
# stylesheet in CSS_DIR defines.
set -euo pipefail
dir=$1; shift
for face in "$@"; do
  rule=$(awk -v name="source-serif-4-$face" '
    $0 == "/* " name " */" { on = 1; next }
    on && /^}/ { print; exit }
    on && /^  src:/ { print "  src: url(fonts/" name ".woff2) format(\"woff2\");"; next }
    on { print }' "$dir"/*.css | head -n 9)
  if [ -z "$rule" ]; then
    echo "fontfaces.sh: no @font-face for source-serif-4-$face in $dir" >&2
    exit 1
  fi
  printf '%s\n' "$rule"
done
