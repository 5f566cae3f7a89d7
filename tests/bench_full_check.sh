#!/usr/bin/env bash
# tests/bench_full_check.sh — the whole command `backstep check SPEC --full` and
# the default sampled check of the same spec, timed in the same run: RUNS
# runs of each, alternating, the median wall and processor (user + system)
# time of each and the ratio of the medians.  Run by
# `meson test -C BUILD --benchmark` (target full-check-command) or by hand:
#
#   bash tests/bench_full_check.sh BACKSTEP [SPEC [RUNS]]
#
# SPEC defaults to handout 002's network (specs/mnist-784-200-100-10.json
# in the source tree), RUNS to 5.  The machine is named first (lscpu, nproc,
# the load average), since other work on it changes wall times.
set -u
backstep=$1
here=$(cd "$(dirname "$0")" && pwd)
spec=${2:-$here/../specs/mnist-784-200-100-10.json}
runs=${3:-5}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

lscpu 2>/dev/null | grep -E '^(Model name|CPU\(s\)):' | sed 's/  */ /g'
echo "processors: $(nproc); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "spec: $spec"

# one timed run: prints "WALL CPU" in seconds; fails when the check fails
timed() {
  local out=$tmp/out
  TIMEFORMAT='%R %U %S'
  { time "$backstep" check "$spec" "$@" --quiet >"$out" 2>&1; } 2>"$tmp/t" || {
    echo "backstep check $* failed:" >&2
    cat "$out" >&2
    return 1
  }
  awk '{printf "%s %.3f\n", $1, $2 + $3}' "$tmp/t"
}

: >"$tmp/full"
: >"$tmp/sampled"
for ((i = 0; i < runs; i++)); do
  timed --full >>"$tmp/full" || exit 1
  timed >>"$tmp/sampled" || exit 1
done

median() { # column of a file
  sort -g -k"$2" "$1" | awk -v c="$2" '{v[NR] = $c} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}
fw=$(median "$tmp/full" 1); fc=$(median "$tmp/full" 2)
sw=$(median "$tmp/sampled" 1); sc=$(median "$tmp/sampled" 2)
echo "check --full: median wall $fw s, processor $fc s (runs: $(cut -d' ' -f1 "$tmp/full" | tr '\n' ' '))"
echo "check (sampled): median wall $sw s, processor $sc s (runs: $(cut -d' ' -f1 "$tmp/sampled" | tr '\n' ' '))"
awk -v a="$fw" -v b="$sw" 'BEGIN {printf "ratio --full / sampled (wall): %.1f\n", a / b}'
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
