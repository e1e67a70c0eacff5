#!/usr/bin/env bash
# Installs what the build and the tests need on a Debian machine, and only what
# is missing: apt packages (checked with dpkg-query) and the npm packages pinned
# by package-lock.json (npm ci).  Run by `make` through a stamp file; safe to
# rerun.  Not root and something missing: prints the command to run, exits 1.
set -euo pipefail

APT_PACKAGES=(
  gcc make pkg-config git
  gnuplot-nox
  libmd4c-dev libmd4c-html0-dev
  libcriterion-dev
  libopenblas-dev zlib1g-dev
  dataset-fashion-mnist
  chromium
  librsvg2-bin
  qpdf poppler-utils
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
# Node and npm are checked as commands: a node from another source (e.g. the
# nodesource package, which bundles npm) is fine, and Debian's npm package
# would conflict with it.
if ! command -v node >/dev/null 2>&1; then missing+=(nodejs); fi
if ! command -v npm >/dev/null 2>&1; then missing+=(npm); fi

if ((${#missing[@]})); then
  echo "deps: missing Debian packages: ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "deps: not root; run this, then make again:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "deps: apt-get install -y ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# qpdf joins the pages of `make pdf`; poppler-utils (pdftotext) checks its text.
# npm packages: KaTeX (math at build time), water.css, the text face, and
# axe-core (the browser check's accessibility engine, never shipped).
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "deps: npm ci (KaTeX, water.css, fonts, axe-core; pinned by package-lock.json)"
  npm ci --no-audit --no-fund --loglevel=error
fi
echo "deps: all present"
