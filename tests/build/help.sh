#!/usr/bin/env bash
# help.sh: `make help` and the README's "Other targets" table name the same
# targets (part of `make test`, target test-build).  A target is the first
# word after `make` that is not an option or a VAR=value; the README's two
# opening commands (`make`, `make test`) are in `make help` too.
# usage: help.sh   (from the repository root)
set -euo pipefail
targets() { sed -E 's/make( +(-[^ ]+|[A-Z_]+=[^ ]+))*/make/; s/^make +site\/[^ ]*\.html/make site\/PAGE.html/' |
            grep -oE '^make( +[a-z][-a-z0-9./]*)?' | sed -E 's/^make *//; s/^$/(all)/' | sort -u; }
# a line of make help: the command, two spaces or more, what it does
help=$(make --no-print-directory help | sed -E 's/  +.*//' | targets)
readme=$( { printf 'make\nmake test\n'
            sed -n '/^## Other targets/,/^## /p' README.md | grep -oE '^\| `make[^`]*`' | sed 's/^| `//; s/`$//'; } | targets)
if [ "$help" != "$readme" ]; then
  echo "help: make help and README's Other targets differ (< make help, > README):"
  diff <(echo "$help") <(echo "$readme") | grep '^[<>]'
  exit 1
fi
echo "help: make help and the README name the same $(echo "$help" | wc -l) targets"
