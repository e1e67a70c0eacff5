#!/usr/bin/env bash
# selftest.sh: the browser check must fail on a bad page.  Builds a one-page
# site with a KaTeX error, an external image, a missing stylesheet, a broken
# link and a link to a missing anchor, runs check.js on it, and expects exit
# status 1 with each problem named.  Usage: selftest.sh WORKDIR
set -euo pipefail
dir=$(realpath -m "$1")
rm -rf "$dir"
mkdir -p "$dir/site"
cat > "$dir/site/bad.html" <<'HTML'
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>bad</title>
<link rel="stylesheet" href="assets/missing.css"></head>
<body><p><span class="katex-error" title="ParseError: bad">\frac{</span></p>
<p><img src="https://example.invalid/x.png" alt="x"></p>
<p><a href="nowhere.html">broken</a> <a href="bad.html#no-such-anchor">anchor</a></p>
</body></html>
HTML
set +e
node tests/browser/check.js "$dir/site" "$dir/shots" >"$dir/out" 2>&1
rc=$?
set -e
fail=0
[ $rc -eq 1 ] || { echo "selftest: check.js exited $rc on a bad page"; fail=1; }
for want in '.katex-error' 'request outside the site: https://example.invalid/x.png' \
            'missing.css' 'broken link file://.*nowhere.html' 'missing anchor .*#no-such-anchor' \
            'Source Serif 4 did not load'; do
  grep -q -- "$want" "$dir/out" || { echo "selftest: check.js did not report: $want"; fail=1; }
done
if [ $fail -ne 0 ]; then cat "$dir/out"; exit 1; fi
echo "browser selftest: a bad page fails the check, with each of its 6 problems named"
