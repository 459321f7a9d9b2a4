#!/usr/bin/env bash
# Builds the libFuzzer targets (preset fuzz: clang, ASan + UBSan) and runs each one for a bounded
# time on a copy of its seed corpus in fuzz/corpus/. Fails on a crash, a sanitizer report or a
# broken invariant; the input that did it is kept in the work directory it prints.
#
#   scripts/fuzz.sh [seconds per target, default 60]
#   CONFAB_FUZZ_BUILD_DIR=dir scripts/fuzz.sh   # build elsewhere than build/fuzz
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
seconds=${1:-60}
build=${CONFAB_FUZZ_BUILD_DIR:-$top/build/fuzz}
targets=(protocol http frames)

"$here/setup.sh" --packages-only
cd "$top"
cmake --preset fuzz -B "$build" >/dev/null
cmake --build "$build" --target "${targets[@]/#/fuzz_}"

work=$(mktemp -d "${TMPDIR:-/tmp}/confab-fuzz.XXXXXX")
echo "fuzz: ${seconds}s per target, work directory $work"
status=0
for target in "${targets[@]}"; do
  corpus="$work/$target/corpus"
  mkdir -p "$corpus"
  cp fuzz/corpus/"$target"/* "$corpus/"
  log="$work/$target/log"
  # Leaks are checked too (ASan's default under libFuzzer); one worker, as CI has two cores.
  if "$build/fuzz/fuzz_$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -max_len=4096 -print_final_stats=1 -artifact_prefix="$work/$target/" "$corpus" \
      >"$log" 2>&1 && ! grep -qE 'runtime error|ERROR: (Address|Leak|Undefined)Sanitizer' "$log"; then
    echo "fuzz: $target ok: $(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$log" |
      grep -o '[0-9]*$') runs, corpus $(find "$corpus" -type f | wc -l) inputs"
  else
    status=1
    echo "fuzz: $target FAILED; its log ($log) ends:"
    tail -n 40 "$log"
    ls "$work/$target"/crash-* "$work/$target"/leak-* "$work/$target"/timeout-* 2>/dev/null || true
  fi
done
exit "$status"
