#!/usr/bin/env bash
# run.sh: runs one libFuzzer harness (`make fuzz`) or replays its committed
# inputs once (`make test`, test-fuzz-replay).
#
#   run.sh fuzz   NAME BINARY RUNS   RUNS executions over tests/fuzz/corpus/NAME
#                                    (new inputs kept in build/fuzz-work/NAME,
#                                    crashers written to tests/fuzz/regressions/NAME/)
#   run.sh replay NAME BINARY        every corpus and regression input, once
#
# Per harness: the site generator runs inside tests/site/fixtures/ (small
# data, figures and bibliography, committed, so a replay does not depend on
# what the build has made) and reads at most 4 KiB.  LeakSanitizer is on for
# both: a page that fails unwinds md_parse through its callbacks' return
# values and frees everything.  Prints the executions done and the crashes
# found.
set -uo pipefail
mode=$1 name=$2 bin=$(realpath "$3") runs=${4:-0}
top=$(pwd)
cwd=. opts=(-max_len=4096) chunk=$runs
case $name in
  fuzz_sitegen)
    cwd=tests/site/fixtures opts=(-max_len=4096 -close_fd_mask=2) chunk=100000 ;;
esac
corpus=$top/tests/fuzz/corpus/$name regress=$top/tests/fuzz/regressions/$name
mkdir -p "$top/build/fuzz" "$top/build/fuzz-work/$name" "$regress"
log=$top/build/fuzz/$name.$mode.log

if [ "$mode" = replay ]; then
  inputs=$(ls -d "$corpus"/* "$regress"/* 2>/dev/null)
  [ -z "$inputs" ] && exit 0
  if ! (cd "$cwd" && "$bin" -runs=0 -rss_limit_mb=2048 "${opts[@]}" $inputs) >/dev/null 2>"$log"; then
    tail -20 "$log"; echo "fuzz replay: $name failed (log: $log)"; exit 1
  fi
  echo "fuzz replay: $name: $(echo $inputs | wc -w) inputs, no crash"
  exit 0
fi

done_runs=0
: > "$log"
while [ "$done_runs" -lt "$runs" ]; do
  n=$(( runs - done_runs < chunk ? runs - done_runs : chunk ))
  (cd "$cwd" && nice "$bin" -runs=$n -rss_limit_mb=2048 -print_final_stats=1 "${opts[@]}" \
      -artifact_prefix="$regress/" "$top/build/fuzz-work/$name" "$corpus") >>"$log" 2>&1
  rc=$?
  got=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$')
  done_runs=$(( done_runs + ${got:-0} ))
  if [ $rc -ne 0 ]; then
    grep -E '^==[0-9]+==ERROR|^SUMMARY|Test unit written' "$log" | tail -5
    echo "fuzz: $name: crash after $done_runs executions (input in $regress/, log: $log)"
    exit 1
  fi
done
echo "fuzz: $name: $done_runs executions, 0 crashes"
