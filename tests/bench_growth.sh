#!/usr/bin/env bash
# tests/bench_growth.sh — how the time of `backstep check SPEC --full` grows
# with the network and the batch: handout 002's network with its layers
# changed to 784-h-h/2-10 and its batch to B examples (every other field as
# in specs/mnist-784-200-100-10.json), for h = 25, 50, 100, 200, 400 and
# B = 8, 32, 128; the least wall time and the least processor time (user +
# system) of RUNS runs (default 3), then a least-squares fit of
# the processor time t ≈ c0 + c1·P·B + c2·P2·B + c3·P (P weights and
# biases, P2 those of layer 2) over
# the networks whose layer 2 has the 16 units the column expansion and the
# loss series need (h ≥ 32), how far each run is from it, and the others
# against it.  Run by `meson test -C BUILD --benchmark`
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
    for ((i = 0; i < runs; i++)); do
      TIMEFORMAT='%R %U %S'
      { time "$backstep" check "$tmp/s.json" --full --quiet >"$tmp/out" 2>&1; } 2>"$tmp/t" || {
        echo "backstep check --full (h = $h, B = $B) failed:" >&2
        cat "$tmp/out" >&2
        exit 1
      }
      awk '{printf "%s %.3f\n", $1, $2 + $3}' "$tmp/t" >>"$tmp/runs"
    done
    # the least wall time and the least processor time of the runs
    best=$(sort -g -k1 "$tmp/runs" | head -1 | cut -d' ' -f1)
    best="$best $(sort -g -k2 "$tmp/runs" | head -1 | cut -d' ' -f2)"
    rm -f "$tmp/runs"
    P=$((784 * h + h + h * (h / 2) + h / 2 + (h / 2) * 10 + 10))
    echo "$h $P $B $best" >>"$tmp/rows"
  done
done

/usr/bin/python3 - "$tmp/rows" <<'EOF'
import sys
rows = [l.split() for l in open(sys.argv[1])]
print("| h | P | B | wall (least of the runs) | processor (least) |")
print("|---|---|---|---|---|")
for h, P, B, w, c in rows:
    print("| %s | %s | %s | %s s | %s s |" % (h, format(int(P), ","), B, w, c))
try:
    import numpy as np
except ImportError:
    sys.exit(0)
# the loss series and the column expansion need 16 units in layer 2: the
# fit is over h ≥ 32, and the runs below it are compared with it after
rows_all = rows
rows = [r for r in rows if int(r[0]) // 2 >= 16]
def terms(h, P, B):
    """1, P·B, P2·B, P with P2 = layer 2's weights and biases"""
    P2 = h * (h // 2) + h // 2
    return [1.0, P * B, P2 * B, P]


A = np.array([terms(int(r[0]), float(r[1]), float(r[2])) for r in rows])
t = np.array([float(r[4]) for r in rows])
c, *_ = np.linalg.lstsq(A, t, rcond=None)
if (c < 0).any():  # a cost is never negative: refit without such terms
    keep = c >= 0
    c = np.zeros(4)
    c[keep], *_ = np.linalg.lstsq(A[:, keep], t, rcond=None)
dev = np.abs(A @ c - t) / t
print("fit over h >= 32: t = %.3g s + %.3g s * P*B + %.3g s * P2*B + %.3g s * P (P2 = layer 2's "
      "parameters); largest deviation %.0f %% (h = %s, B = %s)"
      % (c[0], c[1], c[2], c[3], 100 * dev.max(), rows[int(dev.argmax())][0],
         rows[int(dev.argmax())][2]))
for h, P1, B1, w, t1 in rows_all:
    if int(h) // 2 < 16:
        f = float(np.dot(c, terms(int(h), float(P1), float(B1))))
        print("h = %s, B = %s (no expansion): %s s, %.1f times the fit" % (h, B1, t1, float(t1) / f))
EOF
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
