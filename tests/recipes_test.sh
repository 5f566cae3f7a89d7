#!/usr/bin/env bash
# recipes_test.sh — the recipes of docs/compare.md ("Recipes: programs as
# courses write them"), run as the docs print them.
#
#   bash tests/recipes_test.sh BACKSTEP_BINARY SOURCE_ROOT
#
# The code blocks marked <!-- recipe: NAME --> are taken from
# docs/compare.md, so the docs cannot drift from what runs here.  Each
# recipe runs in a fresh directory where `backstep` is the binary under test,
# `python3` is /usr/bin/python3 (Debian's NumPy), specs/ and tests/ are the
# source tree's, and the student's program sits under the name it has in
# its course:
#   Nielsen: tests/recipes/nielsen.py as network.py, on specs/000-2-3-2-mse.json
#   CS231n:  tests/recipes/cs231n.py as neural_net.py, on
#            tests/recipes/4-5-3-relu-softmax-ce-l2.json
# The programs are independent implementations of backpropagation, so the
# expected result is agreement with backstep at every step the program
# saves; each program is then given a real mistake (edited in with sed, and
# checked to have changed the file) and `compare` must fail and place it at
# the step where it is made:
#   Nielsen: sigmoid_prime(zs[-1]) left out of the output error -> dz2,
#            mistake "no-derivative"; sigmoid_prime returning sigmoid(z) ->
#            dz2 (not in the catalogue)
#   CS231n:  dscores /= N left out -> dW2, "no-1/B" made in dz2; the
#            0.5 * reg convention with reg = l2 -> dW2, "lambda-W", and with
#            the docs' reg = 2 * l2 line -> agreement.
# Needs /usr/bin/python3 with NumPy; skipped (exit 77) without it.  The last
# line is "N passed, M failed"; exit status 1 when M > 0.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
if [ $# -ne 2 ]; then
    echo "usage: bash tests/recipes_test.sh BACKSTEP_BINARY SOURCE_ROOT" >&2
    exit 2
fi
BS=$(realpath "$1")
ROOT=$(realpath "$2")
PY=/usr/bin/python3
if ! "$PY" -c 'import numpy' 2>/dev/null; then
    echo "SKIP: $PY has no NumPy (Debian: apt-get install python3-numpy)"
    exit 77
fi
scratch T
export LC_ALL=C.UTF-8 2>/dev/null || export LC_ALL=C

# the docs' blocks, one file each under $T/blocks
mkdir -p "$T/blocks" "$T/bin"
if "$PY" - "$ROOT/docs/compare.md" "$T/blocks" > "$T/extract.err" 2>&1 <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
blocks = re.findall(r"<!-- recipe: (\S+) -->\n```[a-z]*\n(.*?)^```$", text, re.S | re.M)
names = [n for n, _ in blocks]
need = ["nielsen_check.py", "nielsen.sh", "cs231n_check.py", "cs231n.sh", "cs231n-reg-half.py"]
missing = [n for n in need if n not in names]
if missing or len(set(names)) != len(names):
    sys.exit("docs/compare.md: recipe blocks missing or repeated: %s (found %s)" % (missing, names))
for name, body in blocks:
    open(sys.argv[2] + "/" + name, "w", encoding="utf-8").write(body)
PY
then pass; else fail "extracting the recipes: $(excerpt "$T/extract.err")"; fi
ln -s "$BS" "$T/bin/backstep"
ln -s "$PY" "$T/bin/python3"

# fresh DIR PROGRAM MODULE: a working directory with the course's layout
fresh() {
    rm -rf "$1"
    mkdir -p "$1"
    ln -s "$ROOT/specs" "$1/specs"
    ln -s "$ROOT/tests" "$1/tests"
    cp "$ROOT/tests/recipes/$2" "$1/$3"
}
# run_block DIR SCRIPT: the docs' shell block, stopping at the first failing command
run_block() { (cd "$1" && PATH="$T/bin:$PATH" bash -e "$T/blocks/$2" > out 2> err); RC=$?; }
# edit DESC FILE SED-EXPR: a mistake put into the program; fails if nothing changed
edit() {
    cp "$2" "$T/before"
    sed -i "$3" "$2"
    if cmp -s "$T/before" "$2"; then fail "$1: the edit changed nothing in $(basename "$2")"; else pass; fi
}
# verdict DESC DIR SPEC GRADS EXPECTED PYTHON-CONDITION: compare --format json,
# and the condition on r (the report), which must hold
verdict() {
    (cd "$2" && "$BS" compare "$3" "$4" --format json > report.json 2> report.err)
    local rc=$?
    if [ "$rc" -ne "$5" ]; then
        fail "$1: compare exit $rc, expected $5: $(excerpt "$2/report.err")"
        return
    fi
    if "$PY" -c "
import json, sys
r = json.load(open(sys.argv[1]))
given = [s for s in r['steps'] if s['status'] != 'not_given']
ok = $6
sys.exit(0 if ok else 1)" "$2/report.json"; then pass; else fail "$1: $6 does not hold: $(excerpt "$2/report.json")"; fi
}

# --- Nielsen: network.py, column vectors, one example ---------------------
N="$T/nielsen"
fresh "$N" nielsen.py network.py
cp "$T/blocks/nielsen_check.py" "$N/"
run_block "$N" nielsen.sh
if [ "$RC" -eq 0 ]; then pass; else fail "nielsen: the recipe exits $RC: $(excerpt "$N/err") $(excerpt "$N/out")"; fi
grep -q '^verdict: all 6 given steps agree$' "$N/out" && pass || fail "nielsen: $(excerpt "$N/out")"
SPEC=specs/000-2-3-2-mse.json
# every parameter gradient and both deltas given, each agreeing
verdict "nielsen agrees" "$N" $SPEC grads.npz 0 \
    "r['agrees'] and r['missing'] == [] and sorted(s['name'] for s in given) == ['dW1', 'dW2', 'db1', 'db2', 'dz1', 'dz2'] and all(s['status'] == 'agrees' for s in given)"

# mistake: the output error without sigmoid_prime(zs[-1]) (BP1 half-remembered)
fresh "$N" nielsen.py network.py
cp "$T/blocks/nielsen_check.py" "$N/"
edit "nielsen no-derivative" "$N/network.py" 's/^\( *delta = self.cost_derivative(acts\[-1\], y)\) \* sigmoid_prime(zs\[-1\])$/\1/'
run_block "$N" nielsen.sh
[ "$RC" -eq 1 ] && pass || fail "nielsen no-derivative: the recipe exits $RC, expected 1 (compare disagrees)"
grep -q "^diagnosis: dz2 matches the result of leaving out sigmoid'(z2) in dz2$" "$N/out" && pass || fail "nielsen no-derivative: $(excerpt "$N/out")"
verdict "nielsen no-derivative" "$N" $SPEC grads.npz 1 \
    "r['first_disagreement'] == 'dz2' and [(s['mistake'] or {}).get('key') for s in given if s['status'] == 'disagrees'] == ['no-derivative']"

# mistake: sigmoid_prime returning sigmoid(z), wrong in every layer: dz2
# first, named at dz2 and again at dz1 as the activation in place of its
# derivative (a instead of a(1 - a))
fresh "$N" nielsen.py network.py
cp "$T/blocks/nielsen_check.py" "$N/"
edit "nielsen sigmoid for sigmoid'" "$N/network.py" 's/^\( *return sigmoid(z)\) \* (1 - sigmoid(z))$/\1/'
run_block "$N" nielsen.sh
[ "$RC" -eq 1 ] && pass || fail "nielsen sigmoid for sigmoid': the recipe exits $RC, expected 1"
verdict "nielsen sigmoid for sigmoid'" "$N" $SPEC grads.npz 1 \
    "r['first_disagreement'] == 'dz2' and [(s['name'], s['mistake']['key']) for s in given if s['status'] == 'disagrees'] == [('dz2', 'activation-for-derivative'), ('dz1', 'activation-for-derivative')]"
# the same slip made again in layer 1: dz1 disagrees on its own, so dW1 and
# db1 inherit dz1's error, not dz2's, and two steps inherit the first one
verdict "nielsen sigmoid for sigmoid', where each error entered" "$N" $SPEC grads.npz 1 \
    "[(s['name'], s['status'], s.get('inherits_from')) for s in given] == [('dz2', 'disagrees', None), ('dW2', 'inherits', 'dz2'), ('db2', 'inherits', 'dz2'), ('dz1', 'disagrees', None), ('dW1', 'inherits', 'dz1'), ('db1', 'inherits', 'dz1')]"
grep -q '^first disagreement: dz2 — the bug entered here; 2 later steps inherit it$' "$N/out" && pass || fail "nielsen sigmoid for sigmoid': $(excerpt "$N/out")"

# --- CS231n: TwoLayerNet.loss, row vectors, a batch, a grads dict ---------
C="$T/cs231n"
SPEC=tests/recipes/4-5-3-relu-softmax-ce-l2.json
fresh "$C" cs231n.py neural_net.py
cp "$T/blocks/cs231n_check.py" "$C/"
run_block "$C" cs231n.sh
if [ "$RC" -eq 0 ]; then pass; else fail "cs231n: the recipe exits $RC: $(excerpt "$C/err") $(excerpt "$C/out")"; fi
[ "$(grep -c '^verdict: all 4 given steps agree, and the loss$' "$C/out")" -eq 2 ] && pass || fail "cs231n: two agreeing verdicts expected: $(excerpt "$C/out")"
grep -q '^  note: the gradients were read from the file.s "grads"' "$C/out" && pass || fail "cs231n: no note on the \"grads\" object: $(excerpt "$C/out")"
for g in grads.npz grads.json; do
    verdict "cs231n agrees ($g)" "$C" $SPEC $g 0 \
        "r['agrees'] and r['missing'] == [] and r['keys_note'] and r['loss']['status'] == 'agrees' and sorted(s['name'] for s in given) == ['dW1', 'dW2', 'db1', 'db2'] and all(s['status'] == 'agrees' for s in given)"
done

# mistake: dscores not divided by N: every gradient N = 6 times too large,
# made in dz2, which the file does not give
fresh "$C" cs231n.py neural_net.py
cp "$T/blocks/cs231n_check.py" "$C/"
edit "cs231n no-1/N" "$C/neural_net.py" '/^ *dscores \/= N$/d'
run_block "$C" cs231n.sh
[ "$RC" -eq 1 ] && pass || fail "cs231n no-1/N: the recipe exits $RC, expected 1"
for g in grads.npz grads.json; do
    verdict "cs231n no-1/N ($g)" "$C" $SPEC $g 1 \
        "r['first_disagreement'] == 'dW2' and [(s['name'], (s['mistake'] or {}).get('key'), (s['mistake'] or {}).get('made_in')) for s in given if s['status'] == 'disagrees'] == [('dW2', 'no-1/B', 'dz2')] and all(s['status'] == 'inherits' for s in given if s['name'] != 'dW2')"
done

# the 0.5 * reg * sum(W * W) convention, run with the reg = l2 line: the
# catalogue's "lambda W instead of 2 lambda W" at dW2 and dW1 ...
fresh "$C" cs231n.py neural_net.py
cp "$T/blocks/cs231n_check.py" "$C/"
edit "cs231n 0.5 reg" "$C/neural_net.py" 's/^\( *loss += \)reg \* (/\10.5 * reg * (/; s/ + 2 \* reg \* W\([12]\)$/ + reg * W\1/'
[ "$(grep -c -e '0\.5 \* reg \* (' -e ' + reg \* W[12]$' "$C/neural_net.py")" -eq 3 ] && pass || fail "cs231n 0.5 reg: the edit did not reach the loss and both weight gradients"
run_block "$C" cs231n.sh
[ "$RC" -eq 1 ] && pass || fail "cs231n 0.5 reg with reg = l2: the recipe exits $RC, expected 1"
verdict "cs231n 0.5 reg with reg = l2" "$C" $SPEC grads.npz 1 \
    "r['first_disagreement'] == 'dW2' and [(s['name'], (s['mistake'] or {}).get('key')) for s in given if s['status'] == 'disagrees'] == [('dW2', 'lambda-W'), ('dW1', 'lambda-W')]"
# ... and with the docs' reg = 2 * l2 line in place of reg = l2: agreement
"$PY" - "$C/cs231n_check.py" "$T/blocks/cs231n-reg-half.py" <<'PY' && pass || fail "cs231n 0.5 reg: the docs' reg line did not replace exactly one line"
import sys
script, line = sys.argv[1], open(sys.argv[2]).read()
lines = open(script).read().splitlines(True)
at = [i for i, l in enumerate(lines) if l.startswith("reg = ")]
if len(at) != 1 or not line.startswith("reg = ") or line.count("\n") != 1:
    sys.exit(1)
lines[at[0]] = line
open(script, "w").writelines(lines)
PY
run_block "$C" cs231n.sh
[ "$RC" -eq 0 ] && pass || fail "cs231n 0.5 reg with reg = 2 * l2: the recipe exits $RC: $(excerpt "$C/out")"
for g in grads.npz grads.json; do
    verdict "cs231n 0.5 reg with reg = 2 * l2 ($g)" "$C" $SPEC $g 0 \
        "r['agrees'] and r['loss']['status'] == 'agrees' and len(given) == 4 and all(s['status'] == 'agrees' for s in given)"
done

finish
