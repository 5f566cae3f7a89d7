#!/usr/bin/env bash
# train_test.sh — end-to-end tests of `backstep train`: Matt Mazur's worked
# example to his printed digits, one step against the trace's gradient, frozen
# parameters, determinism, divergence, the JSON's params loaded into a new
# spec, CSV, -o, the progress indicator and bad flags.
#
#   bash tests/train_test.sh BACKSTEP_BINARY SOURCE_ROOT
#
# The expected numbers come from Mazur's post and from python3 arithmetic on
# the outputs of `backstep trace`, not from the training code.  The last line
# is "N passed, M failed"; exit status 1 when M > 0.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
if [ $# -ne 2 ]; then
    echo "usage: bash tests/train_test.sh BACKSTEP_BINARY SOURCE_ROOT" >&2
    exit 2
fi
BS=$(realpath "$1")
ROOT=$(realpath "$2")
SPECS="$ROOT/specs"
MAZUR="$SPECS/2-2-2-mazur-sigmoid-mse.json"
scratch T
export LC_ALL=C.UTF-8 2>/dev/null || export LC_ALL=C
unset NO_COLOR
# py DESC SCRIPT ARGS...: a python3 check; it prints why when it fails
py() {
    local desc=$1 script=$2
    shift 2
    if python3 -c "$script" "$@" >"$T/py" 2>&1; then pass; else fail "$desc: $(excerpt "$T/py")"; fi
}

# ---- 1. Mazur's example ------------------------------------------------------

run train "$MAZUR" --freeze b1,b2 --lr 0.5 --precision 9
assert_rc "train mazur" 0
assert_empty "train mazur: stderr" "$T/err"
cp "$T/out" "$T/mazur.txt"
# his printed values, w5 … w8 and w1 … w4 after the first update
for line in \
    "W_{1,1}[2] = 0.4 − 0.5 × 0.0821670406 = 0.35891648" \
    "W_{2,1}[2] = 0.45 − 0.5 × 0.0826676278 = 0.408666186" \
    "W_{1,2}[2] = 0.5 − 0.5 × (−0.0226025405) = 0.51130127" \
    "W_{2,2}[2] = 0.55 − 0.5 × (−0.0227402422) = 0.561370121" \
    "W_{1,1}[1] = 0.15 − 0.5 × 0.000438567734 = 0.149780716" \
    "W_{2,1}[1] = 0.2 − 0.5 × 0.000877135469 = 0.199561432" \
    "W_{1,2}[1] = 0.25 − 0.5 × 0.000497712735 = 0.249751144" \
    "W_{2,2}[1] = 0.3 − 0.5 × 0.000995425471 = 0.299502287" \
    "b[2]   frozen: stays" "b[1]   frozen: stays" \
    "     0  0.298371109" "TRAINED  1 step, loss 0.298371109 → 0.291027774"; do
    assert_contains "train mazur (text)" "$T/mazur.txt" "$line"
done

# the same update in each notation: Mazur's w5 (0.4 − 0.5 × 0.0821670406 =
# 0.35891648, his printed digits) named W_{1,1}[2] (g, partial) or W2[1,1]
# (code), the rule with the notation's gradient, and the check's worst
# element in that notation
for case in "g|W[2] ← W[2] − α g[2W]|W_{1,1}[2] = 0.4|b[1]   frozen|at g[" \
            "partial|W[2] ← W[2] − α ∂L/∂W[2]|W_{1,1}[2] = 0.4|b[1]   frozen|at ∂L/∂" \
            "code|W2 ← W2 − α dW2|W2[1,1] = 0.4 − 0.5 × 0.0821670406 = 0.35891648|b1   frozen|at d"; do
    IFS='|' read -r nt rule elem frozen worst <<<"$case"
    run train "$MAZUR" --freeze b1,b2 --lr 0.5 --precision 9 --notation "$nt"
    assert_rc "train --notation $nt" 0
    for line in "$rule" "$elem" "$frozen" "$worst"; do
        assert_contains "train --notation $nt" "$T/out" "$line"
    done
done

run train "$MAZUR" --freeze b1,b2 --lr 0.5 --steps 10000 --check-every 2500 --format json
assert_rc "train mazur 10000 json" 0
cp "$T/out" "$T/mazur.json"
py "mazur: his printed digits" '
import json, sys
d = json.load(open(sys.argv[1]))
f = d["first_update"]
W1, W2 = f["W1"]["after"], f["W2"]["after"]
# w1 = W1[0][0], w2 = W1[1][0], w3 = W1[0][1], w4 = W1[1][1]; w5 = W2[0][0], w6 = W2[1][0], ...
printed = [(W2[0][0], "0.35891648"), (W2[1][0], "0.408666186"), (W2[0][1], "0.511301270"),
           (W2[1][1], "0.561370121"), (W1[0][0], "0.149780716"), (W1[1][0], "0.19956143"),
           (W1[0][1], "0.24975114"), (W1[1][1], "0.29950229"),
           (d["losses"][0], "0.298371109"), (d["losses"][9999], "0.0000351085"),
           (f["W2"]["gradient"][0][0], "0.082167041"), (f["W1"]["gradient"][0][0], "0.000438568")]
for v, s in printed:
    decimals = len(s.split(".")[1])
    if abs(v - float(s)) > 0.5 * 10 ** -decimals:
        sys.exit("%r does not round to %s" % (v, s))
assert f["b1"]["after"] == f["b1"]["before"] and f["b2"]["after"] == f["b2"]["before"]
assert d["params"]["b1"] == [0.35, 0.35] and d["params"]["b2"] == [0.6, 0.6]
assert d["training"]["frozen"] == ["b1", "b2"]
assert [c["step"] for c in d["checks"]] == [0, 2500, 5000, 7500, 10000]
assert all(c["passed"] for c in d["checks"]) and d["passed"] is True
assert d["stop"]["reason"] == "completed" and d["steps_done"] == 10000
assert len(d["losses"]) == 10001
' "$T/mazur.json"

# the loss after the first step from his own printed weights, fed forward here
py "mazur: the loss after one step is that of his printed weights" '
import json, math, sys
d = json.load(open(sys.argv[1]))
sig = lambda z: 1 / (1 + math.exp(-z))
w1, w2, w3, w4 = 0.149780716, 0.19956143, 0.24975114, 0.29950229
w5, w6, w7, w8 = 0.35891648, 0.408666186, 0.511301270, 0.561370121
h1 = sig(0.05 * w1 + 0.10 * w2 + 0.35); h2 = sig(0.05 * w3 + 0.10 * w4 + 0.35)
o1 = sig(h1 * w5 + h2 * w6 + 0.6); o2 = sig(h1 * w7 + h2 * w8 + 0.6)
E = 0.5 * (0.01 - o1) ** 2 + 0.5 * (0.99 - o2) ** 2
assert abs(d["losses"][1] - E) < 2e-9, (d["losses"][1], E)
' "$T/mazur.json"

# ---- 2. one step is params − α · (the trace gradient) ----------------------------

for s in 4-5-3-softmax-ce-l2 000-2-3-2-mse 2-3-3-2-leaky-relu-bce; do
    run trace "$SPECS/$s.json" --format json
    cp "$T/out" "$T/trace.json"
    run train "$SPECS/$s.json" --lr 0.3 --format json
    assert_rc "train $s one step" 0
    py "$s: one step equals params − α·g, element by element" '
import json, sys
tr = json.load(open(sys.argv[1])); t = json.load(open(sys.argv[2]))
steps = {s["id"]: s for s in tr["steps"]}
for name, p in tr["params"].items():
    g = steps["g[%s%s]" % (name[1:], name[0])]["analytic"]
    after = t["first_update"][name]["after"]
    if name[0] == "b":
        g = [v for row in g for v in row]
        expect = [x - 0.3 * gx for x, gx in zip(p, g)]
    else:
        expect = [[x - 0.3 * gx for x, gx in zip(r, gr)] for r, gr in zip(p, g)]
    if after != expect:
        sys.exit("%s: %r != %r" % (name, after, expect))
' "$T/trace.json" "$T/out"
done

# frozen parameters are bit-identical after N steps
run train "$SPECS/4-5-3-softmax-ce-l2.json" --lr 0.5 --steps 300 --freeze W2,g[1b] --format json
cp "$T/out" "$T/frozen.json"
run trace "$SPECS/4-5-3-softmax-ce-l2.json" --format json
py "frozen W2 and b1 unchanged after 300 steps" '
import json, sys
t = json.load(open(sys.argv[1])); tr = json.load(open(sys.argv[2]))
assert t["params"]["W2"] == tr["params"]["W2"]
assert t["params"]["b1"] == tr["params"]["b1"]
assert t["params"]["W1"] != tr["params"]["W1"] and t["params"]["b2"] != tr["params"]["b2"]
assert t["training"]["frozen"] == ["b1", "W2"]
' "$T/frozen.json" "$T/out"

# a small α never raises the loss of the tanh regression
run train "$SPECS/3-4-1-tanh-regression.json" --lr 0.02 --steps 500 --format csv
assert_rc "train small lr" 0
py "loss non-increasing for a small α" '
import sys
rows = open(sys.argv[1]).read().splitlines()[1:]
loss = [float(r.split(",")[1]) for r in rows]
assert len(loss) == 501
assert all(b <= a for a, b in zip(loss, loss[1:])), "the loss rose"
assert loss[-1] < 0.9 * loss[0]
' "$T/out"

# byte-identical output on two runs, every format
for f in text json csv; do
    run train "$SPECS/4-5-3-softmax-ce-l2.json" --lr 0.2 --steps 50 --check-every 10 --format $f
    cp "$T/out" "$T/a.$f"
    run train "$SPECS/4-5-3-softmax-ce-l2.json" --lr 0.2 --steps 50 --check-every 10 --format $f
    if cmp -s "$T/a.$f" "$T/out"; then pass; else fail "train twice ($f) differs"; fi
done

# ---- a check whose elements are only unresolved verifies nothing: not a pass
# (exit 1, CHECK UNVERIFIED); with --strict it fails the run ----
run train "$MAZUR" --lr 0.5 --steps 2 --epsilon 0.5
assert_rc "a too-large step verifies nothing: exit 1" 1
assert_contains "a too-large step: CHECK UNVERIFIED" "$T/out" "CHECK UNVERIFIED"
run train "$MAZUR" --lr 0.5 --steps 2 --epsilon 0.5 --strict
assert_rc "--strict fails on unresolved elements" 1
assert_contains "--strict names the failed check" "$T/out" "CHECK FAILED"

# ---- 3. divergence ----------------------------------------------------------------

run train "$SPECS/3-4-1-tanh-regression.json" --lr 1000 --steps 100
assert_rc "huge --lr" 1
assert_contains "huge --lr" "$T/out" "STOPPED at step 1: after step 1 the loss is"
assert_contains "huge --lr" "$T/out" "the learning rate α = 1000 is probably too large"
run train "$SPECS/3-4-1-tanh-regression.json" --lr 5 --steps 100 --format json
assert_rc "large --lr (json)" 1
py "large --lr: stop step and reason in the JSON" '
import json, sys
d = json.load(open(sys.argv[1]))
s = d["stop"]
assert s["reason"] == "diverged" and s["step"] > 1 and d["steps_done"] == s["step"] - 1
assert "step %d" % s["step"] in s["message"] and "too large" in s["message"]
assert d["passed"] is False and len(d["losses"]) == s["step"]
assert d["final_loss"] == d["losses"][-1] <= 1e6 * d["losses"][0]
' "$T/out"
run train "$SPECS/3-4-1-tanh-regression.json" --lr 1000 --format csv
assert_rc "huge --lr (csv)" 1
assert_contains "huge --lr (csv): stderr names the step" "$T/err" "STOPPED at step 1"

# a finite loss (5e307) whose gradient overflows: the check before the first
# step fails and training stops at step 1
cat >"$T/overflow.json" <<'JSON'
{"layers": [1, 1, 1], "activations": "identity", "loss": "mse",
 "params": {"W1": [[1e-10]], "b1": [0], "W2": [[1e10]], "b2": [0]}, "x": [1e154], "y": [0]}
JSON
run train "$T/overflow.json" --lr 0.1 --steps 10
assert_rc "overflowing gradient" 1
assert_contains "overflowing gradient" "$T/out" "before step 1      NON-FINITE"
assert_contains "overflowing gradient" "$T/out" "STOPPED at step 1: the gradient ∂L/∂W_{1,1}[1] at step 1 is not finite"

# ---- 4. the JSON's params in a new spec trace to the reported loss -------------------

for s in 4-5-3-softmax-ce-l2 2-3-3-2-leaky-relu-bce "2-2-2-mazur-sigmoid-mse"; do
    run train "$SPECS/$s.json" --lr 0.4 --steps 30 --freeze b1 --format json
    cp "$T/out" "$T/trained.json"
    py "$s: write a spec with the trained params" '
import json, sys
spec = json.load(open(sys.argv[1])); t = json.load(open(sys.argv[2]))
spec["params"] = t["params"]
spec.pop("claims", None); spec.pop("claims_tolerance", None)
json.dump(spec, open(sys.argv[3], "w"))
' "$SPECS/$s.json" "$T/trained.json" "$T/new.json"
    run trace "$T/new.json" --format json
    assert_rc "trace the new spec of $s" 0
    py "$s: the new spec's loss is the reported final loss" '
import json, sys
t = json.load(open(sys.argv[1])); tr = json.load(open(sys.argv[2]))
assert tr["loss"] == t["final_loss"], (tr["loss"], t["final_loss"])
' "$T/trained.json" "$T/out"
done

# ---- 5. CSV and bad flags --------------------------------------------------------------

run train "$MAZUR" --lr 0.5 --steps 120 --format csv
assert_rc "csv" 0
py "csv: header and one row per step" '
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
assert rows[0] == ["step", "loss"], rows[0]
assert len(rows) == 122, len(rows)
for i, r in enumerate(rows[1:]):
    assert len(r) == 2 and int(r[0]) == i and float(r[1]) > 0, r
' "$T/out"

# refused DESC PHRASE ARGS...: the run is refused (assert_refused), nothing on stdout
refused() {
    local desc=$1 phrase=$2
    shift 2
    run "$@"
    assert_refused "$desc" "$phrase"
    assert_empty "$desc: stdout" "$T/out"
}
refused "--steps 0" '--steps expects a number of steps from 1' train "$MAZUR" --lr 0.5 --steps 0
refused "--steps -3" '--steps expects' train "$MAZUR" --lr 0.5 --steps -3
refused "--lr -1" '--lr expects a learning rate α > 0, got "-1"' train "$MAZUR" --lr -1
refused "--lr abc" '--lr expects a learning rate α > 0, got "abc"' train "$MAZUR" --lr abc
refused "--lr 0" '--lr expects' train "$MAZUR" --lr 0
refused "no --lr" 'train needs a learning rate' train "$MAZUR"
refused "--check-every 0" '--check-every expects' train "$MAZUR" --lr 0.5 --check-every 0
refused "unknown --freeze" 'unknown parameter "bb1" (did you mean "b1"?)' train "$MAZUR" --lr 0.5 --freeze b1,bb1
refused "--freeze of no layer" 'there is no parameter "W3"' train "$MAZUR" --lr 0.5 --freeze W3
refused "--format xml" 'unknown format "xml"' train "$MAZUR" --lr 0.5 --format xml
refused "--terms" 'does not apply' train "$MAZUR" --lr 0.5 --terms
refused "no spec" 'train needs a SPEC' train --lr 0.5
refused "bad spec" 'no such file' train "$T/nonexistent.json" --lr 0.5

# ---- 6. -o, a shipped spec by name, help ---------------------------------------------

run train "$MAZUR" --lr 0.5 --steps 20 --format json
cp "$T/out" "$T/stdout.json"
run train "$MAZUR" --lr 0.5 --steps 20 --format json -o "$T/o.json"
assert_rc "-o" 0
assert_empty "-o: stdout" "$T/out"
if cmp -s "$T/o.json" "$T/stdout.json"; then pass; else fail "-o differs from stdout"; fi
if ls -a "$T" | grep -q '^\.backstep-'; then fail "-o left a temporary file"; else pass; fi
cp "$MAZUR" "$T/spec.json"
run train "$T/spec.json" --lr 0.5 -o "$T/spec.json"
assert_rc "-o over the spec" 2
if cmp -s "$T/spec.json" "$MAZUR"; then pass; else fail "-o over the spec changed it"; fi
(cd "$T" && "$BS" train 2-2-2-mazur-sigmoid-mse --lr 0.5 >"$T/out" 2>"$T/err")
assert_contains "a shipped spec by name" "$T/err" "running the shipped spec"
assert_contains "a shipped spec by name" "$T/out" "TRAINED  1 step"
run help train
assert_rc "help train" 0
for opt in --steps --lr --check-every --freeze --format --quiet -o --precision; do
    assert_contains "help train" "$T/out" "  $opt "
done

# ---- 7. the progress indicator: on a terminal's stderr only, off with --quiet -----------

if command -v script >/dev/null 2>&1; then
    cat >"$T/big.json" <<'JSON'
{"layers": [300, 80, 10], "activations": ["sigmoid", "softmax"], "loss": "cross_entropy",
 "init": {"seed": 3, "scale": 0.1}, "random_batch": {"size": 64, "seed": 4}}
JSON
    (cd "$T" && script -qec "'$BS' train big.json --lr 0.1 --steps 1000 --format csv > out.tty" typescript >/dev/null 2>&1)
    if grep -q "training step [0-9]* of 1000" "$T/typescript"; then pass; else
        fail "no progress on the terminal: $(tr '\r' '\n' <"$T/typescript" | head -3)"
    fi
    (cd "$T" && "$BS" train big.json --lr 0.1 --steps 1000 --format csv >out.pipe 2>err.pipe)
    if cmp -s "$T/out.tty" "$T/out.pipe"; then pass; else fail "stdout differs with the progress indicator"; fi
    assert_empty "progress written to a file" "$T/err.pipe"
    (cd "$T" && script -qec "'$BS' train big.json --lr 0.1 --steps 1000 --quiet --format csv > out.quiet" typescript2 >/dev/null 2>&1)
    if grep -q "training step" "$T/typescript2"; then fail "--quiet still shows progress"; else pass; fi
    if cmp -s "$T/out.quiet" "$T/out.pipe"; then pass; else fail "stdout differs with --quiet"; fi
else
    echo "note: script(1) not found; the progress indicator is not tested"
fi

finish
