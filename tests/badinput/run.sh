#!/usr/bin/env bash
# run.sh: the bad-input suite (`make test`, target test-badinput).  Every
# experiment program (build/bin/ch*/*) and benchmark (build/bin/bench-*) is
# run with --help (exit 0), on an unknown option, a malformed number and,
# where it reads files, a missing and a damaged input (Fashion-MNIST through
# NOETHER_FASHION_DIR); the site generator on a malformed directive,
# bad TeX, an unknown citation, a missing figure and an unwritable output
# directory; and two builds are interrupted (a figure's gnuplot, a data
# program).  Each case must exit non-zero with one clear message naming the
# problem (the program and, where there is one, the file and line), leave no
# new file behind (no *.tmp, no data file, no page: a stale page from an
# earlier build is removed too), and an interrupted target must not look
# fresh to `make -q`.  Prints a line per failure and "N checks, N failed".
#
# usage: run.sh   (from the repository root, after the programs are built)
set -uo pipefail
top=$(pwd)
bin=$top/build/bin
scratch=$(mktemp -d "${TMPDIR:-/tmp}/noether-badinput.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
export NOETHER_QUIET=1 OPENBLAS_NUM_THREADS=1
unset MAKEFLAGS MFLAGS MAKELEVEL   # the scratch builds below are not part of this make
nchecks=0 nfail=0

bad() { nfail=$((nfail + 1)); echo "FAIL: $*"; [ -s "$scratch/err" ] && sed 's/^/    | /' "$scratch/err" | head -6; }

# expect NAME REGEX CMD...: runs CMD in an empty directory ($scratch/w, which
# may hold input files made beforehand) and checks exit status, message and
# that no file appeared.
expect() {
  local name=$1 re=$2; shift 2
  nchecks=$((nchecks + 1))
  local before after rc
  before=$(cd "$scratch/w" && find . -mindepth 1 | sort)
  (cd "$scratch/w" && timeout 20 "$@") >/dev/null 2>"$scratch/err" </dev/null
  rc=$?
  after=$(cd "$scratch/w" && find . -mindepth 1 | sort)
  local first
  first=$(head -1 "$scratch/err")
  if [ $rc -eq 0 ]; then bad "$name: exit status 0"
  elif [ $rc -eq 124 ]; then bad "$name: still running after 20 s (input accepted?)"
  elif [ $rc -gt 128 ]; then bad "$name: killed by signal $((rc - 128))"
  elif ! grep -Eq -- "$re" <<<"$first"; then bad "$name: first line of stderr does not match /$re/"
  elif [ "$(wc -l < "$scratch/err")" -gt 8 ]; then bad "$name: more than one message ($(wc -l < "$scratch/err") lines on stderr)"
  elif [ "$before" != "$after" ]; then bad "$name: left files behind: $(comm -13 <(echo "$before") <(echo "$after") | tr '\n' ' ')"
  fi
}

fresh_dir() { rm -rf "$scratch/w"; mkdir -p "$scratch/w"; }

# ------------------------------------------------------------ programs
# Options a program needs before it looks at the others.
required() {
  case $1 in
    ch2/sgd_charges) echo --net plain --out o ;;
    ch2/ksb_adam|ch2/ksb_drift|ch2/momentum) echo --out o ;;
    ch4/dp_eval) echo --lnn none.bin --mlp none.bin ;;
    ch4/dp_train) echo --model lnn --out w ;;
    ch4/hnn) echo --task spring ;;
    ch6/audit|ch6/train) echo --out o.tsv ;;
    ch6/balance|ch6/drift|ch6/translation) echo --out o.tsv --summary s.tsv ;;
    bench-table) echo --runs none.tsv --gemm none.tsv ;;
  esac
}

progs=$(cd "$bin" && ls -d ch*/* bench-* 2>/dev/null | sort)
[ -n "$progs" ] || { echo "badinput: no programs under $bin (build them first)"; exit 1; }
for p in $progs; do
  [ -x "$bin/$p" ] || continue
  name=${p##*/}
  req=$(required "$p")
  nchecks=$((nchecks + 1))
  if ! usage=$("$bin/$p" --help 2>&1); then bad "$p --help: exit status $?"; fi
  # a numeric option: --seed where there is one, else the first integer (N)
  # or real (X) option of the usage
  if grep -q -- '^  --seed ' <<<"$usage"; then num=--seed
  else num=$(grep -oE -- '^  --[a-z0-9-]+ [NX] ' <<<"$usage" | head -1 | awk '{print $1}'); fi
  fresh_dir
  expect "$p: unknown option" "^$name: .*(unknown|unrecognised|unrecognized).*--no-such-option" \
    "$bin/$p" $req --no-such-option 1
  if [ -n "$num" ]; then
    fresh_dir
    expect "$p: malformed number ($num 12x)" "^$name: .*$num.*12x" "$bin/$p" $req "$num" 12x
  else
    echo "note: $p has no numeric option"
  fi
done

# Programs that read Fashion-MNIST, pointed at a missing and at a damaged
# copy by NOETHER_FASHION_DIR: the message names the file.
fashion_progs="ch2/ksb_drift ch2/momentum ch2/sgd_charges ch3/adaptive ch3/constrained
  ch6/audit ch6/balance ch6/drift ch6/train ch6/translation"
damaged_fashion() {   # DIR: the four files cut to 300 bytes (a truncated gzip stream)
  mkdir -p "$1"
  for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
    head -c 300 /usr/share/datasets/fashion-mnist/$f.gz > "$1/$f.gz" 2>/dev/null || printf 'x' > "$1/$f.gz"
  done
}
for p in $fashion_progs; do
  [ -x "$bin/$p" ] || { bad "$p: not built"; continue; }
  name=${p##*/}
  fresh_dir
  expect "$p: missing Fashion-MNIST directory" "^$name: .*nodata/" \
    env NOETHER_FASHION_DIR=nodata "$bin/$p" $(required "$p")
  fresh_dir; damaged_fashion "$scratch/w/fm"
  expect "$p: damaged Fashion-MNIST files" "^$name: .*fm/.*-ubyte\.gz" \
    env NOETHER_FASHION_DIR=fm "$bin/$p" $(required "$p")
done

# Programs that read files: missing and damaged inputs.
fresh_dir
expect "ch4/dp_eval: missing weights" "^dp_eval: .*none\.bin" "$bin/ch4/dp_eval" --lnn none.bin --mlp none.bin
fresh_dir; printf 'garbage\n' > "$scratch/w/bad.bin"
expect "ch4/dp_eval: damaged weights" "^dp_eval: .*bad\.bin" "$bin/ch4/dp_eval" --lnn bad.bin --mlp bad.bin
fresh_dir
expect "ch4/dp_train: unknown input map" "^dp_train: .*features.*polar" "$bin/ch4/dp_train" --model lnn --out w --features polar
fresh_dir
expect "ch4/dp_budget: missing run directory" "^dp_budget: .*norun/lnn_train\.tsv" "$bin/ch4/dp_budget" --out b norun
fresh_dir; mkdir -p "$scratch/w/run"
printf '# x\nkey\tvalue\nsteps\t100\nseed\t0\ntest_l1\t1.5\n' > "$scratch/w/run/lnn_train.tsv"
printf '# x\nkey\tvalue\nsteps\t100\nseed\t0\nwidth\t64\ntest_l1\t1.5x\n' > "$scratch/w/run/mlp_train.tsv"
expect "ch4/dp_budget: malformed value" "^dp_budget: .*run/mlp_train\.tsv:6: .*test_l1" "$bin/ch4/dp_budget" --out b run
fresh_dir; mkdir -p "$scratch/w/run"
printf 'key\tvalue\nsteps\t100\nseed\t0\n' > "$scratch/w/run/lnn_train.tsv"
printf 'key\tvalue\nsteps\t200\nseed\t0\nwidth\t64\n' > "$scratch/w/run/mlp_train.tsv"
expect "ch4/dp_budget: unequal steps" "^dp_budget: .*run: .*different steps" "$bin/ch4/dp_budget" --out b run
fresh_dir
expect "bench-table: missing runs file" "^bench-table: .*none\.tsv" "$bin/bench-table" --runs none.tsv --gemm none.tsv
fresh_dir; printf 'not\ta\nbenchmark file\n' > "$scratch/w/bad.tsv"; printf '# gemm\nshape\tgflops\nx\ty\n' > "$scratch/w/gemm.tsv"
expect "bench-table: damaged runs file" "^bench-table: .*bad\.tsv" "$bin/bench-table" --runs bad.tsv --gemm gemm.tsv --out o.tsv --summary s.tsv
fresh_dir
expect "bench-mlp: missing data directory" "^bench-mlp: .*nodata" "$bin/bench-mlp" --data nodata
fresh_dir; damaged_fashion "$scratch/w/fm"
expect "bench-mlp: truncated IDX files" "^bench-mlp: .*fm/" "$bin/bench-mlp" --data fm

# ------------------------------------------------------------ site generator
# A page build on the fixture site; each failure must name chapter and line,
# and remove a page left by an earlier build.
site=$scratch/site
cp -r "$top/tests/site/fixtures" "$site"
page_case() {   # NAME REGEX BODY
  local name=$1 re=$2 body=$3
  printf -- '---\ntitle: Bad\ndate: 2026-01-01\nabstract: A bad page.\n---\n\nSome text.\n\n%s\n' "$body" \
    > "$site/chapters/01-bad.md"
  fresh_dir
  mkdir -p "$site/out" && echo "stale page" > "$site/out/01-bad.html"
  nchecks=$((nchecks + 1))
  (cd "$site" && timeout 30 "$bin/sitegen" --katex "$top/src/site/katex-render.js" \
     page chapters/01-bad.md -o out/01-bad.html) >/dev/null 2>"$scratch/err"
  local rc=$?
  if [ $rc -eq 0 ] || [ $rc -gt 128 ]; then bad "sitegen: $name: exit status $rc"
  elif ! head -1 "$scratch/err" | grep -Eq -- "$re"; then bad "sitegen: $name: message does not match /$re/"
  elif [ -e "$site/out/01-bad.html" ]; then bad "sitegen: $name: the stale page survived the failed build"
  elif [ -n "$(ls "$site/out")" ]; then bad "sitegen: $name: left $(ls "$site/out")"
  fi
}
page_case "malformed directive" '^chapters/01-bad\.md:9: ' $'```figure\nid: x\ncaption: no svg line\nalt: nothing\n```'
page_case "malformed value directive" '^chapters/01-bad\.md:9: ' 'The value is `=fx/summary`.'
page_case "bad TeX" '^chapters/01-bad\.md:9: .*KaTeX' 'Broken $\frac{1}{$ math.'
page_case "unknown citation" '^chapters/01-bad\.md:9: .*nosuchkey2099' 'As shown [@nosuchkey2099].'
page_case "missing figure" '^chapters/01-bad\.md:11: .*no_such_fig' $'```figure\nid: x\nsvg: no_such_fig\ncaption: c\nalt: a\n```'
# unwritable output directory: a path through a regular file (root may write anywhere else)
printf -- '---\ntitle: Good\ndate: 2026-01-01\nabstract: Fine.\n---\n\nText.\n' > "$site/chapters/01-bad.md"
echo file > "$site/blocker"
nchecks=$((nchecks + 1))
(cd "$site" && "$bin/sitegen" --katex "$top/src/site/katex-render.js" page chapters/01-bad.md -o blocker/out/01-bad.html) \
  >/dev/null 2>"$scratch/err"
rc=$?
if [ $rc -eq 0 ] || [ $rc -gt 128 ]; then bad "sitegen: unwritable output directory: exit status $rc"
elif ! grep -q "cannot write blocker/out/01-bad.html" "$scratch/err"; then bad "sitegen: unwritable output directory: message"
fi
nchecks=$((nchecks + 1))
(cd "$site" && "$bin/sitegen" deps chapters/01-bad.md -o blocker/01-bad.d --target site/01-bad.html) >/dev/null 2>"$scratch/err"
rc=$?
if [ $rc -eq 0 ] || [ $rc -gt 128 ] || ! grep -q "cannot write blocker/01-bad\.\(d\|front\)" "$scratch/err"; then
  bad "sitegen deps: unwritable output: exit $rc"; fi

# ------------------------------------------------------------ interrupted builds
# A scratch copy of the tracked sources; the dependency step marked done.
repo=$scratch/repo
mkdir -p "$repo"
(cd "$top" && git ls-files -z | xargs -0 cp -P --parents -t "$repo" 2>/dev/null)
mkdir -p "$repo/build" && touch "$repo/build/.deps-ok"
# killafter CMD...: runs make in the background, waits for the pid file the
# stand-in writes when it is mid-run, kills the stand-in, waits for make.
interrupt() {   # PIDFILE SIGNAL TARGET(S-to-group?) -- make args
  local pidfile=$1 how=$2; shift 2
  rm -f "$pidfile"
  (cd "$repo" && exec setsid make --no-print-directory "$@") >"$scratch/make.log" 2>&1 &
  local mk=$! i
  for i in $(seq 1 200); do [ -s "$pidfile" ] && break; sleep 0.05; done
  if [ ! -s "$pidfile" ]; then kill -TERM -- -$mk 2>/dev/null; wait $mk; return 1; fi
  if [ "$how" = child ]; then kill -TERM "$(cat "$pidfile")"
  else kill -INT -- -$mk; fi          # Ctrl-C: the whole process group
  wait $mk
  return 0
}
# A temporary file left when the whole build is interrupted (Ctrl-C kills the
# recipe's shell before its clean-up runs) is only noted: make never takes it
# for a target, and .gitignore covers it.  Left after the program alone was
# killed, it is a failure (the recipe should have removed it).
notfresh() {   # NAME child|group -- make -q args
  local name=$1 how=$2; shift 2
  nchecks=$((nchecks + 1))
  if (cd "$repo" && make -q --no-print-directory "$@" 2>/dev/null); then
    bad "$name: make -q considers $* fresh after the interruption"
  fi
  local left
  left=$(cd "$repo" && find figures data -name '*.tmp*' 2>/dev/null)
  nchecks=$((nchecks + 1))
  if [ -n "$left" ]; then
    if [ "$how" = group ]; then echo "note: $name: temporary file left behind: $left"
    else bad "$name: temporary files left behind: $left"; fi
    (cd "$repo" && rm -f $left)
  fi
}

# A figure: its data is given (older than everything, -o), gnuplot is a
# stand-in that draws the figure, then stalls until it is killed.
mkdir -p "$repo/data/ch1"
"$bin/ch1/kepler_order" --kmin 5 --kmax 8 --out "$repo/data/ch1/kepler_order.tsv" \
  --summary "$repo/data/ch1/order_summary.tsv" 2>/dev/null
cat > "$scratch/slow-gnuplot" <<GP
#!/bin/bash
gnuplot "\$@"; echo \$\$ > $scratch/gp.pid; exec sleep 30
GP
chmod +x "$scratch/slow-gnuplot"
for how in child group; do
  interrupt "$scratch/gp.pid" $how -o data/ch1/kepler_order.tsv GNUPLOT="$scratch/slow-gnuplot" figures/ch1_order.svg \
    || bad "figure: the stand-in gnuplot never started ($how)"
  notfresh "figure killed ($how)" $how -o data/ch1/kepler_order.tsv figures/ch1_order.svg
done

# A data program: a stand-in that writes half of its first output straight
# to the target, then stalls until it is killed (a real program writes a temp
# file and renames it; this is the worst case make must still catch).
mkdir -p "$repo/build/bin/ch1"
cat > "$repo/build/bin/ch1/kepler_order" <<ST
#!/bin/bash
while [ \$# -gt 0 ]; do [ "\$1" = --out ] && out=\$2; shift; done
printf '# half a file\nn\terr\n1\t' > "\$out"; echo \$\$ > $scratch/prog.pid; exec sleep 30
ST
chmod +x "$repo/build/bin/ch1/kepler_order"
rm -f "$repo"/data/ch1/*
for how in child group; do
  interrupt "$scratch/prog.pid" $how -o build/bin/ch1/kepler_order data/ch1/kepler_order.tsv \
    || bad "data program: the stand-in never started ($how)"
  notfresh "data program killed ($how)" $how -o build/bin/ch1/kepler_order data/ch1/kepler_order.tsv
  nchecks=$((nchecks + 1))
  [ ! -e "$repo/data/ch1/kepler_order.tsv" ] || { bad "data program killed ($how): the half-written data file is still there"; rm -f "$repo/data/ch1/kepler_order.tsv"; }
done

echo "badinput: $nchecks checks, $nfail failed"
[ "$nfail" -eq 0 ]
