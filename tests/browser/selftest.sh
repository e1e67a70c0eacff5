#!/usr/bin/env bash
# selftest.sh: the browser check must fail on a bad page.  Builds a one-page
# site with a KaTeX error, an external image, a missing stylesheet, a broken
# link and a link to a missing anchor; no viewport meta tag (a phone lays
# it out 980 px wide), an element wider than a phone, a
# display equation whose number covers it, a figure whose text is drawn
# 4 px tall; an image without alt text (axe: critical), faint text (axe:
# serious) and content outside any landmark (axe: moderate, not listed in
# axe-allowed.txt); runs check.js on it, and expects exit status 1 with each
# problem named; then runs it again, which must check the page again (only
# a page that passed is skipped while unchanged).  Usage: selftest.sh WORKDIR
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
<div style="width: 1500px">A line wider than any phone.</div>
<div style="width: 200px; overflow: hidden"><span class="katex-display"><span class="katex"><span class="katex-html"
  style="display: block; position: relative"><span class="katex-base" style="display: inline-block; width: 300px">x = y + z</span><span
  class="katex-tag" style="position: absolute; right: 0; top: 0">(7)</span></span></span></span></div>
<figure id="fig:tiny"><svg class="plot" role="img" aria-label="tiny" viewBox="0 0 640 400" style="width: 200px; height: 125px">
  <text x="10" y="40" font-size="13">tiny label</text></svg></figure>
<p><img src="data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7" width="20" height="20"></p>
<p style="color: #c8c8c8; background: #fff">Faint text.</p>
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
            'Source Serif 4 did not load' \
            '(phone, light): laid out 980 px wide on a 390 px screen' \
            '(phone, dark): the page scrolls sideways' '(desktop, dark): the page scrolls sideways' \
            'display equation overlaps its number: .* (7)' \
            'figure text below 9 px: #fig:tiny: "tiny label" at 4.1 px' \
            '(desktop, light): axe critical image-alt' \
            '(desktop, light): axe serious color-contrast' '(desktop, dark): axe serious color-contrast' \
            'axe moderate region .*not listed in tests/browser/axe-allowed.txt'; do
  grep -q -- "$want" "$dir/out" || { echo "selftest: check.js did not report: $want"; fail=1; }
done
# A second run (with the first run's cache) checks the failed page again.
set +e
node tests/browser/check.js "$dir/site" "$dir/shots" >"$dir/out2" 2>&1
rc=$?
set -e
[ $rc -eq 1 ] && grep -q -- '.katex-error' "$dir/out2" && grep -q -- '0 of the pages unchanged' "$dir/out2" ||
  { echo "selftest: a second run did not check the failed page again (exit $rc)"; cat "$dir/out2"; fail=1; }
if [ $fail -ne 0 ]; then cat "$dir/out"; exit 1; fi
echo "browser selftest: a bad page fails the check, with each of its 15 problems named, and again on a second run"
