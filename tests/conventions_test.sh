#!/usr/bin/env bash
# conventions_test.sh — `backstep compare` on programs written the way
# students write them (tests/conventions/*.py, small NumPy programs, each
# with its own convention), against a spec of the other convention: each
# convention is named once, with what the program does and the change that
# reconciles it, and the verdict is "no bug" (exit 3), or agreement for
# relu'(0) = 1 at an exact kink (exit 0).  Where the spec can express the
# program's convention, the program run against the spec so changed agrees
# (exit 0): the reconciling change is right.  A program that differs by no
# convention (the ε-softmax without 1/N) is a disagreement (exit 1) whose
# closest catalogue explanations are named with how far they are; and
# programs with real bugs are never called conventions.
#
#   bash tests/conventions_test.sh BACKSTEP_BINARY SOURCE_ROOT
#
# Needs Debian's python3-numpy (run with /usr/bin/python3); skipped (exit
# 77) without it.  The last line is "N passed, M failed"; exit status 1 when
# M > 0.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
if [ $# -ne 2 ]; then
    echo "usage: bash tests/conventions_test.sh BACKSTEP_BINARY SOURCE_ROOT" >&2
    exit 2
fi
BS=$(realpath "$1")
ROOT=$(realpath "$2")
PY=/usr/bin/python3
D="$ROOT/tests/conventions"
scratch T
export LC_ALL=C.UTF-8 2>/dev/null || export LC_ALL=C
if ! "$PY" -c 'import numpy' 2>/dev/null; then
    echo "python3-numpy is not installed: skipped"
    exit 77
fi
# program NAME SPEC: runs tests/conventions/NAME.py on SPEC into $T/NAME.json
program() {
    if "$PY" "$D/$1.py" "$2" "$BS" "$T/$1.json" 2>"$T/pyerr"; then pass; else
        fail "$1.py: $(excerpt "$T/pyerr")"
    fi
}
# report DESC SCRIPT ARGS...: a check of the JSON report in $T/out (as r)
report() {
    local desc=$1 script=$2
    shift 2
    if "$PY" -c "import json, sys
r = json.load(open(sys.argv[1], encoding='utf-8'))
conv = {c['key']: c for c in r['conventions']}
steps = {s['name']: s for s in r['steps']}
$script" "$T/out" "$@" >"$T/py" 2>&1; then pass; else fail "$desc: $(excerpt "$T/py")"; fi
}
# convention NAME SPEC KEY RC SAYS CHANGE: the program's file against SPEC
# names convention KEY once (the only finding), saying SAYS and CHANGE, and
# explains every step that differs; exit RC
convention() {
    local name=$1 spec=$2 key=$3 rc=$4 says=$5 change=$6
    program "$name" "$spec"
    compare "$spec" "$T/$name.json"
    assert_rc "$name" "$rc"
    assert_contains "$name" "$T/out" "  $key: "
    assert_contains "$name" "$T/out" "$says"
    assert_contains "$name" "$T/out" "to reconcile: $change"
    assert_lacks "$name" "$T/out" "the bug entered"
    compare "$spec" "$T/$name.json" --format json
    assert_rc "$name json" "$rc"
    report "$name json" "
key = sys.argv[2]
assert list(conv) == [key], list(conv)
assert r['verdict'] == ('agrees' if sys.argv[3] == '0' else 'convention'), r['verdict']
differ = [s for s in r['steps'] if s['status'] in ('disagrees', 'inherits')]
assert differ, 'nothing differs'
assert all(s.get('convention') == key for s in differ), [(s['name'], s.get('convention')) for s in differ]
assert conv[key]['steps'], conv[key]" "$key" "$rc"
}
S="$D/cs231n.json"

# 1. a uniform factor: an averaging program on a summing spec; handout 002's
# program (batch sums, never 1/B) on a mean spec; MSE without the ½
convention average_on_sum "$D/cs231n-sum.json" factor 3 \
    "every step is exactly 1/B = 1/4 of backstep's: the program averages over the batch where the spec sums" \
    'set "batch_reduction": "mean" in the spec'
report "average_on_sum factor" "assert abs(conv['factor']['factor'] - 0.25) < 1e-12"
# the spec changed as said: the same program agrees
compare "$S" "$T/average_on_sum.json"
assert_rc "average_on_sum against the mean spec" 0
convention handout002 "$D/hui3.json" factor 3 \
    "every step is exactly B = 4 times backstep's: the program never applies the 1/B of the batch mean" \
    'set "batch_reduction": "sum" in the spec'
assert_lacks "handout002" "$T/out" "DISAGREES"
sed 's/"mean"/"sum"/' "$D/hui3.json" >"$T/hui3-sum.json"
compare "$T/hui3-sum.json" "$T/handout002.json"
assert_rc "handout002 against the sum spec" 0
REG="$ROOT/specs/3-4-1-tanh-regression.json"
convention mse_no_half "$REG" factor 3 \
    "every step is exactly 2 times backstep's: the program's loss is the squared error without the ½" \
    "the spec's mse has the ½ and cannot leave it out"

# 2. where the 1/B enters: dscores kept as ŷ − y, the 1/N applied at dW, db
convention deferred_invb "$S" 1/B-at-dW 3 \
    "the program keeps the batch sums in dz2, da1 and dz1 (B = 4 times backstep's, dscores = ŷ − y) and applies the 1/B of the batch mean in dW2, db2, dW1 and db1, which agree" \
    "none is needed for the parameters' gradients"
report "deferred_invb" "
assert [s['name'] for s in r['steps'] if s.get('convention')] == ['dz2', 'da1', 'dz1'], steps
assert all(steps[n]['status'] == 'agrees' for n in ('dW2', 'db2', 'dW1', 'db1'))"
compare "$S" "$T/deferred_invb.json" --only dW1,db1,dW2,db2
assert_rc "deferred_invb: the parameters' gradients alone" 3

# 3. orientation: a column-habit program on a row spec, every array transposed
convention transposed "$S" transposed 3 \
    "every matrix is transposed: the file is in the column convention" \
    'set "convention": "column" in the spec'
report "transposed: vectors agree" "
assert steps['db1']['status'] == 'agrees' and steps['db2']['status'] == 'agrees', (steps['db1'], steps['db2'])
assert steps['db1']['given_shape'] == [5, 1], steps['db1']['given_shape']"

# 4. in-place aliasing: dz1 = da1; dz1[z1 <= 0] = 0
convention inplace "$S" in-place 3 \
    "da1 equals your own dz1 element for element, while dz1 and the steps below it agree: da1 was overwritten in place?" \
    "save da1 before the masking, or copy it first (dz1 = da1.copy())"
report "inplace: only da1" "
assert [s['name'] for s in r['steps'] if s['status'] != 'agrees' and s['status'] != 'not_given'] == ['da1'], steps"

# 5. relu'(0) = 1 at an exact kink: accepted, exit 0
convention relu_kink "$D/kink.json" relu-kink 0 \
    "dz1 takes relu'(0) = 1 at 4 elements where z is exactly 0" \
    "none: at an exact kink either one-sided derivative is right"
compare "$D/kink.json" "$T/relu_kink.json"
assert_contains "relu_kink verdict" "$T/out" "verdict: all 7 given steps agree (2 at an exact relu kink, accepted)"

# 6. regularisation: reg·ΣW² with reg = 2λ; biases penalised
L2="$D/cs231n-l2.json"
convention reg_sum "$L2" l2-scale 3 \
    "reg·ΣW² with reg = 2λ = 0.01, where the spec's λ is reg/2" \
    'set "l2": 0.01 in the spec'
sed 's/"l2": 0.005/"l2": 0.01/' "$L2" >"$T/l2-001.json"
compare "$T/l2-001.json" "$T/reg_sum.json"
assert_rc "reg_sum against l2 = 0.01" 0
convention bias_penalised "$L2" bias-penalised 3 \
    "every db is backstep's + 0.01·b: the program penalises the biases too (0.005·Σb², the same λ as the weights)" \
    "the spec cannot penalise biases"

# 7. a near miss: exp/(Σ exp + 1e-6) and no 1/N, N = 6: no convention, no
# catalogue mistake at the default tolerance; the closest named, ranked
program eps_softmax "$D/eps.json"
compare "$D/eps.json" "$T/eps_softmax.json"
assert_rc "eps_softmax" 1
assert_contains "eps_softmax" "$T/out" "closest in the catalogue: 1. dW2 would match backstep's dz2 without the 1/B of the batch mean"
compare "$D/eps.json" "$T/eps_softmax.json" --format json
report "eps_softmax json" "
assert r['conventions'] == [] and r['verdict'] == 'disagrees', r['conventions']
for n in ('dW2', 'db2', 'dW1', 'db1'):
    nm = steps[n].get('near_miss', '')
    assert nm.startswith('1. ' + n + ' would match backstep') and 'without the 1/B' in nm, (n, nm)
    rel = float(nm.split(' to a relative ')[1].split(' ')[0])
    assert 1e-6 < rel < 1e-2, (n, rel)"
# at the rtol the near miss gives, dW1 is named outright (dz2 carried down)
compare "$D/eps.json" "$T/eps_softmax.json" --rtol 1e-2 --format json
report "eps_softmax --rtol 1e-2" "
assert r['verdict'] == 'convention' or steps['dW2']['mistake']['key'] == 'no-1/B', steps['dW2']"

# 8. real bugs are not conventions: the averaging program with a sign flipped
# in dscores, and with one layer's 1/N left out
sed 's/^dscores = (probs - Y) \/ N$/dscores = (Y - probs) \/ N/' "$D/average_on_sum.py" >"$T/sign.py"
cp "$D/specnumbers.py" "$T/"
"$PY" "$T/sign.py" "$S" "$BS" "$T/sign.json" && compare "$S" "$T/sign.json" --format json
assert_rc "sign flipped" 1
report "sign flipped: no convention" "assert r['conventions'] == [] and r['verdict'] == 'disagrees'"
sed 's/^grads\["W1"\] = X.T.dot(dhidden)$/grads["W1"] = X.T.dot(dhidden) * N/' "$D/average_on_sum.py" >"$T/onelayer.py"
"$PY" "$T/onelayer.py" "$S" "$BS" "$T/onelayer.json" && compare "$S" "$T/onelayer.json" --format json
assert_rc "1/N left out of dW1 only" 1
report "1/N left out of dW1 only: no convention" "assert r['conventions'] == [] and r['verdict'] == 'disagrees'"

finish
