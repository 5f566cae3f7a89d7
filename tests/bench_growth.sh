#!/usr/bin/env bash
# tests/bench_growth.sh — how the time of `backstep check SPEC --full` grows
# with the network and the batch: handout 002's network with its layers
# changed to 784-h-h/2-10 and its batch to B examples (every other field as
# in specs/mnist-784-200-100-10.json), for h = 25, 50, 100, 200, 400 and
# B = 8, 32, 128; the best wall time of RUNS runs (default 3) and the
# processor time (user + system) of that run, then a least-squares fit of
# the processor time t ≈ c0 + c1·P·B + c2·P (P weights and biases), and how
# far each run is from it.  Run by `meson test -C BUILD --benchmark`
# (target full-check-growth) or by hand:
#
#   bash tests/bench_growth.sh BACKSTEP [RUNS]
#
# The machine is named first (lscpu, nproc, the load average), since other
# work on it changes wall times.
set -u
backstep=$1
runs=${2:-3}
here=$(cd "$(dirname "$0")" && pwd)
spec=$here/../specs/mnist-784-200-100-10.json
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

lscpu 2>/dev/null | grep -E '^(Model name|CPU\(s\)):' | sed 's/  */ /g'
echo "processors: $(nproc); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

: >"$tmp/rows"
for h in 25 50 100 200 400; do
  for B in 8 32 128; do
    /usr/bin/python3 - "$spec" "$h" "$B" "$tmp/s.json" <<'EOF' || exit 1
import json, sys
s = json.load(open(sys.argv[1]))
h, B = int(sys.argv[2]), int(sys.argv[3])
s["layers"] = [784, h, h // 2, 10]
s["random_batch"]["size"] = B
s["name"] = "784-%d-%d-10, B = %d" % (h, h // 2, B)
json.dump(s, open(sys.argv[4], "w"))
EOF
    best=
    for ((i = 0; i < runs; i++)); do
      TIMEFORMAT='%R %U %S'
      { time "$backstep" check "$tmp/s.json" --full --quiet >"$tmp/out" 2>&1; } 2>"$tmp/t" || {
        echo "backstep check --full (h = $h, B = $B) failed:" >&2
        cat "$tmp/out" >&2
        exit 1
      }
      r=$(awk '{printf "%s %.3f", $1, $2 + $3}' "$tmp/t")
      if [ -z "$best" ] || awk -v a="${r%% *}" -v b="${best%% *}" 'BEGIN {exit !(a < b)}'; then
        best=$r
      fi
    done
    P=$((784 * h + h + h * (h / 2) + h / 2 + (h / 2) * 10 + 10))
    echo "$h $P $B $best" >>"$tmp/rows"
  done
done

/usr/bin/python3 - "$tmp/rows" <<'EOF'
import sys
rows = [l.split() for l in open(sys.argv[1])]
print("| h | P | B | wall (best of runs) | processor |")
print("|---|---|---|---|---|")
for h, P, B, w, c in rows:
    print("| %s | %s | %s | %s s | %s s |" % (h, format(int(P), ","), B, w, c))
try:
    import numpy as np
except ImportError:
    sys.exit(0)
P = np.array([float(r[1]) for r in rows])
B = np.array([float(r[2]) for r in rows])
t = np.array([float(r[4]) for r in rows])
A = np.stack([np.ones_like(P), P * B, P], axis=1)
c, *_ = np.linalg.lstsq(A, t, rcond=None)
fit = A @ c
dev = np.abs(fit - t) / t
print("fit: t = %.3g s + %.3g s * P*B + %.3g s * P; largest deviation %.0f %% (h = %s, B = %s)"
      % (c[0], c[1], c[2], 100 * dev.max(), rows[int(dev.argmax())][0], rows[int(dev.argmax())][2]))
EOF
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
