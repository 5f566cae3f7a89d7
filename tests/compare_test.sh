#!/usr/bin/env bash
# compare_test.sh — end-to-end tests of `backstep compare` against an
# independent NumPy implementation of handout 002's algorithm
# (tests/numpy_backprop.py).
#
#   bash tests/compare_test.sh BACKSTEP_BINARY SOURCE_ROOT
#
# For each spec: the program's correct gradients agree, in every notation and
# with the parameter gradients only; every catalogue mistake that can be made
# on the spec, injected into the program's backward pass, is caught at the
# step where it was made and named by its key (and, with the parameter
# gradients only, named with the right step where it was made); random noise
# is reported as matching no mistake, with the largest differences; a copy
# rounded to float32 is reported as single-precision rounding.  The table of
# which mistake is tested on which spec, and why the others are not, is
# printed.  A file that leaves out a required step (dW or db of a layer, or a
# step --only names) fails, and --only naming no step of the network is bad
# usage; a mistake above a step that the file's own steps below it
# contradict is never named (tests/compare-7-sigmoid.json).  First, the
# catalogue of bad gradient files (tests/bad-grads/); then a spec built here
# whose own g[1a] is +inf: no program value agrees with it, and no JSON
# output of backstep on it holds a bare inf or NaN.
# The rest needs Debian's python3-numpy (run with /usr/bin/python3) and is
# skipped (exit 77) without it.  The last line is "N passed, M failed"; exit status 1
# when M > 0.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
if [ $# -ne 2 ]; then
    echo "usage: bash tests/compare_test.sh BACKSTEP_BINARY SOURCE_ROOT" >&2
    exit 2
fi
BS=$(realpath "$1")
ROOT=$(realpath "$2")
PY=/usr/bin/python3
NP="$ROOT/tests/numpy_backprop.py"
scratch T
export LC_ALL=C.UTF-8 2>/dev/null || export LC_ALL=C
# numpy SPEC ARGS...: writes the program's gradients; a failure is a test failure
numpy() {
    local spec=$1
    shift
    if ! "$PY" "$NP" "$spec" --backstep "$BS" "$@" 2>"$T/nperr"; then
        fail "numpy_backprop.py $spec $*: $(excerpt "$T/nperr")"
        return 1
    fi
}
# report DESC SCRIPT ARGS...: a check of the JSON report in $T/out (as r)
report() {
    local desc=$1 script=$2
    shift 2
    if "$PY" -c "import json, sys
r = json.load(open(sys.argv[1], encoding='utf-8'))
bad = [s for s in r['steps'] if s['status'] == 'disagrees']
first = [s for s in r['steps'] if s['name'] == r['first_disagreement']]
first = first[0] if first else None
$script" "$T/out" "$@" >"$T/py" 2>&1; then pass; else fail "$desc: $(excerpt "$T/py")"; fi
}

# --- the catalogue of bad gradient files (tests/bad-grads/MANIFEST.tsv) ----
BADG="$ROOT/tests/bad-grads"
n=0
while IFS=$'\t' read -r file spec code phrase || [ -n "$file" ]; do
    case $file in '' | \#*) continue ;; esac
    n=$((n + 1))
    d="bad-grads $file"
    compare "$ROOT/specs/$spec.json" "$BADG/$file"
    assert_rc "$d" "$code"
    assert_contains "$d" "$T/err" "$phrase"
    if [ "$(head -c 10 "$T/err")" = "backstep: " ] && grep -F -q -e "backstep: $BADG/$file:" "$T/err"; then
        pass
    else
        fail "$d: stderr does not start with backstep: FILE: $(excerpt "$T/err")"
    fi
    if [ "$(wc -l <"$T/err")" -eq 1 ]; then pass; else fail "$d: stderr is not one line: $(excerpt "$T/err")"; fi
    if [ ! -s "$T/out" ]; then pass; else fail "$d: stdout not empty: $(excerpt "$T/out")"; fi
done <"$BADG/MANIFEST.tsv"
for f in "$BADG"/*.json; do
    if cut -f1 "$BADG/MANIFEST.tsv" | grep -F -x -q -e "$(basename "$f")"; then pass; else
        fail "bad-grads: $(basename "$f") is not in MANIFEST.tsv"
    fi
done
if [ "$n" -ge 10 ]; then pass; else fail "bad-grads: only $n entries in MANIFEST.tsv"; fi

# --- a grads dict as cs231n's programs keep it ------------------------------
# {"grads": {"W1": dW1, "b1": db1, ...}}: the values
# are the independent NumPy implementation's (numpy_backprop.py), rewrapped
# here the way a cs231n student saves their dict; they agree, and the report
# says once how the keys were read.
if numpy "$ROOT/specs/4-5-3-softmax-ce-l2.json" --notation code --only params -o "$T/np.json"; then
    "$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
grads = {k[1:]: v for k, v in d.items() if k.startswith("d")}
json.dump({"grads": grads}, open(sys.argv[2], "w"))
' "$T/np.json" "$T/cs231n.json"
    compare "$ROOT/specs/4-5-3-softmax-ce-l2.json" "$T/cs231n.json"
    assert_rc "cs231n grads dict" 0
    assert_contains "cs231n grads dict, said once" "$T/out" "note: the gradients were read from the file's \"grads\"; keys that name a parameter (W1, b1, as in a grads dict) were read as its gradient (dW1, db1)"
    assert_contains "cs231n grads dict, dW1 read" "$T/out" "dW1 "
    compare "$ROOT/specs/4-5-3-softmax-ce-l2.json" "$T/cs231n.json" --format json
    report "cs231n grads dict, JSON" 'assert r["keys_note"].startswith("the gradients were read"), r["keys_note"]
assert not bad, bad'
    compare "$ROOT/specs/4-5-3-softmax-ce-l2.json" "$T/np.json" --format json
    report "step names: no keys note" 'assert r["keys_note"] is None, r["keys_note"]'
fi

# --- a non-finite reference never agrees; JSON never holds a bare inf/nan ---
# One saturated sigmoid under bce, built here: z = 1·1000 + 0, ŷ = σ(1000) = 1
# in double, y = 0, so (by hand) g[1a] = (ŷ − y)/(ŷ(1 − ŷ)) = +inf while
# g[1z] = ŷ − y = 1, g[1W] = x·g[1z] = 1, g[1b] = 1.
cat >"$T/sat.json" <<'EOF_SPEC'
{"layers": [1, 1], "activations": ["sigmoid"], "loss": "bce",
 "params": {"W1": [[1000]], "b1": [0]}, "x": [1], "y": [0]}
EOF_SPEC
# strict FILE: the file is JSON without the bare constants NaN, Infinity
strict() {
    if "$PY" -c 'import json, sys
def bare(c):
    raise ValueError("bare " + c)
json.load(open(sys.argv[1], encoding="utf-8"), parse_constant=bare)' "$2" >"$T/py" 2>&1; then
        pass
    else
        fail "$1: not strict JSON: $(excerpt "$T/py")"
    fi
}
for v in 5 0 -1 -1e308; do
    printf '{"da1": [[%s]], "dz1": [[1]], "dW1": [[1]], "db1": [1]}\n' "$v" >"$T/satg.json"
    compare "$T/sat.json" "$T/satg.json"
    assert_rc "infinite g[1a], program $v" 1
    assert_contains "infinite g[1a], program $v" "$T/out" "da1   1×1       DISAGREES"
    assert_lacks "infinite g[1a], program $v" "$T/out" "agrees (largest difference inf)"
    assert_contains "infinite g[1a], program $v" "$T/out" "dz1   1×1       agrees"
    assert_contains "infinite g[1a], program $v" "$T/out" "diagnosis: backstep's da1 is not finite (inf at [1,1])"
    compare "$T/sat.json" "$T/satg.json" --format json
    assert_rc "infinite g[1a], program $v, json" 1
    strict "infinite g[1a], program $v, json" "$T/out"
    report "infinite g[1a], program $v, json" "
assert r['agrees'] is False and r['first_disagreement'] == 'da1', r['first_disagreement']
s = r['steps'][0]
assert s['max_abs_difference'] == 'Infinity' and s['largest'][0]['backstep'] == 'Infinity', s
assert float(s['largest'][0]['program']) == float(sys.argv[2]), s" "$v"
done
# every JSON output on that spec: trace, check, compare, train, quiz --record
"$BS" trace "$T/sat.json" --format json >"$T/j.json" 2>/dev/null
strict "trace --format json, infinite g[1a]" "$T/j.json"
if grep -q '"Infinity"' "$T/j.json"; then pass; else fail "trace --format json: no \"Infinity\""; fi
"$BS" check "$T/sat.json" --format json >"$T/j.json" 2>/dev/null
strict "check --format json, infinite g[1a]" "$T/j.json"
"$BS" train "$T/sat.json" --lr 0.1 --format json >"$T/j.json" 2>/dev/null
strict "train --format json, infinite g[1a]" "$T/j.json"
printf 'skip\n1\n1\n1\n' | "$BS" quiz "$T/sat.json" --record "$T/j.json" >/dev/null 2>&1
strict "quiz --record, infinite g[1a]" "$T/j.json"

# --- required steps: an empty file, --only naming no step of the network ----
echo '{}' >"$T/empty.json"
compare "$ROOT/specs/4-3-2-1-bce.json" "$T/empty.json"
assert_rc "{} gives no gradient" 2
for only in "dW4" "dW2,dq1" "loss" ","; do
    printf '{"dW3": [[0.1], [0.2]]}\n' >"$T/one.json"
    compare "$ROOT/specs/4-3-2-1-bce.json" "$T/one.json" --only "$only"
    assert_rc "--only $only" 2
    assert_contains "--only $only" "$T/err" "backstep: --only: "
    if [ "$(wc -l <"$T/err")" -eq 1 ]; then pass; else fail "--only $only: stderr is not one line: $(excerpt "$T/err")"; fi
done
compare "$ROOT/specs/4-3-2-1-bce.json" "$T/one.json" --only dW4
assert_contains "--only dW4" "$T/err" '(did you mean "dW3"?)'

if ! "$PY" -c 'import numpy' 2>/dev/null; then
    echo "$pass passed, $fail failed"
    echo "SKIP: $PY cannot import numpy (Debian's python3-numpy is not installed): the rest is skipped"
    [ "$fail" -eq 0 ] || exit 1
    exit 77
fi

SPECS="$ROOT/specs/4-3-2-1-bce.json $ROOT/specs/000-2-3-2-mse.json
$ROOT/specs/4-5-3-softmax-ce-l2.json $ROOT/specs/3-4-1-tanh-regression.json
$ROOT/specs/3-4-3-relu-softmax-mse.json $ROOT/specs/2-3-3-2-leaky-relu-bce.json
$ROOT/tests/compare-3-3-3-3.json"
[ -f "$ROOT/specs/2-2-2-mazur-sigmoid-mse.json" ] &&
    SPECS="$SPECS $ROOT/specs/2-2-2-mazur-sigmoid-mse.json"

# --- the program's correct gradients agree ------------------------------
for spec in $SPECS "$ROOT/specs/mnist-784-200-100-10.json"; do
    name=$(basename "$spec" .json)
    for nt in g code partial; do
        for only in all params; do
            args=(--notation "$nt")
            [ "$only" = params ] && args+=(--only params)
            numpy "$spec" "${args[@]}" -o "$T/right.json" || continue
            compare "$spec" "$T/right.json"
            assert_rc "$name correct ($nt, $only)" 0
            assert_contains "$name correct ($nt, $only)" "$T/out" "verdict: all"
            assert_lacks "$name correct ($nt, $only)" "$T/out" "diagnosis"
            compare "$spec" "$T/right.json" --format json
            report "$name correct ($nt, $only) json" "
assert r['agrees'] is True and r['first_disagreement'] is None, r['first_disagreement']
assert r['notation'] == sys.argv[2], r['notation']
given = [s for s in r['steps'] if s['status'] != 'not_given']
assert given and all(s['status'] == 'agrees' for s in given), given
assert len(given) == (len(r['steps']) // 2 if sys.argv[3] == 'params' else len(r['steps']))
assert (r['loss'] is None) == (sys.argv[3] == 'params')
assert r['loss'] is None or r['loss']['status'] == 'agrees'" "$nt" "$only"
        done
    done
done

# --- every catalogue mistake that applies is caught and named -------------
printf '\n%-28s %-20s %-10s %s\n' "spec" "mistake" "made in" "named in (parameter gradients only; - they come out right)"
for spec in $SPECS; do
    name=$(basename "$spec" .json)
    d="$T/cases-$name"
    mkdir -p "$d"
    if ! "$PY" "$NP" "$spec" --backstep "$BS" --cases "$d" >"$d/table" 2>"$T/nperr"; then
        fail "$name: numpy_backprop.py --cases: $(excerpt "$T/nperr")"
        continue
    fi
    while read -r n nt key step madein; do
        if [ "$n" = "#" ]; then
            printf '%-28s %s\n' "$name" "$nt $key $step $madein"
            continue
        fi
        printf '%-28s %-20s %-10s %s\n' "$name" "$key" "$step" "$madein"
        # every step given: the first that disagrees is where it was made
        compare "$spec" "$d/$n.json" --format json
        assert_rc "$name $key@$step" 1
        report "$name $key@$step" "
key, step = sys.argv[2], sys.argv[3]
assert r['agrees'] is False
assert r['first_disagreement'] == step, ('first disagreement', r['first_disagreement'], step)
assert first['mistake'] is not None, ('no mistake named', first['diagnosis'])
assert first['mistake']['key'] == key, ('named', first['mistake']['key'], first['diagnosis'])
assert first['mistake']['made_in'] == step, ('made in', first['mistake']['made_in'])
assert first['diagnosis'].startswith(step + ' matches '), first['diagnosis']
assert len(bad) == 1, ('more than one step disagrees', [s['name'] for s in bad])
assert all(s['status'] in ('agrees', 'inherits') for s in r['steps'] if s is not first)
assert all(s['inherits_from'] == step for s in r['steps'] if s['status'] == 'inherits')
assert r['loss']['status'] == 'agrees'" "$key" "$step"
        compare "$spec" "$d/$n.json"
        assert_contains "$name $key@$step text" "$T/out" "diagnosis: $step matches "
        # the parameter gradients only
        compare "$spec" "$d/$n.params.json" --format json
        if [ "$madein" = "-" ]; then
            assert_rc "$name $key@$step (params only, unaffected)" 0
            continue
        fi
        # the 1/B left out at the output and carried down, with no loss to
        # say otherwise, is the batch-sum convention of handout 002's
        # program (exit 3), the catalogue still naming it at its step
        want=1
        [ "$key" = "no-1/B" ] && want=3
        assert_rc "$name $key@$step (params only)" $want
        report "$name $key@$step (params only)" "
key, places = sys.argv[2], sys.argv[3].split(',')
assert (r['verdict'], [c['key'] for c in r['conventions']]) == (('convention', ['factor']) if key == 'no-1/B' else ('disagrees', [])), (r['verdict'], r['conventions'])
assert first is not None and first['mistake'] is not None, ('no mistake named', first)
assert first['mistake']['key'] == key, ('named', first['mistake']['key'], first['diagnosis'])
assert first['mistake']['made_in'] in places, ('made in', first['mistake']['made_in'], places)
assert len(bad) == 1, ('more than one step disagrees', [s['name'] for s in bad])" "$key" "$madein"
    done <"$d/table"
done
echo

# the mistakes named on the big network of handout 002 (B = 32, L2)
MNIST="$ROOT/specs/mnist-784-200-100-10.json"
for m in "no-1/B@z3 dz3" "no-derivative@z2 dz2" "l2-missing@W1 dW1" "bias-not-summed@b2 db2"; do
    set -- $m
    if numpy "$MNIST" --mistake "$1" --only params -o "$T/mnist.json"; then
        compare "$MNIST" "$T/mnist.json" --format json
        want=1
        [ "${1%@*}" = "no-1/B" ] && want=3
        assert_rc "mnist $1 (params only)" $want
        report "mnist $1 (params only)" "
key = sys.argv[2].split('@')[0]
assert first['mistake']['key'] == key and first['mistake']['made_in'] == sys.argv[3], first" "$1" "$2"
    fi
done

# --- no mistake fits: noise on one step ----------------------------------
for case in "4-5-3-softmax-ce-l2 W1 dW1" "4-3-2-1-bce z2 dz2" "000-2-3-2-mse a1 da1"; do
    set -- $case
    spec="$ROOT/specs/$1.json"
    numpy "$spec" --noise "$2" -o "$T/noise.json" || continue
    compare "$spec" "$T/noise.json"
    assert_rc "$1 noise on $3" 1
    assert_contains "$1 noise on $3" "$T/out" "first disagreement: $3 — the bug entered here"
    assert_contains "$1 noise on $3" "$T/out" "diagnosis: no mistake in the catalogue reproduces $3"
    assert_contains "$1 noise on $3" "$T/out" "largest differences"
    compare "$spec" "$T/noise.json" --format json
    report "$1 noise on $3 json" "
assert r['first_disagreement'] == sys.argv[2] and first['mistake'] is None, first
assert first['diagnosis'] is None and not first['single_precision'], first
big = first['largest']
assert 1 <= len(big) <= 5, big
d = [abs(e['program'] - e['backstep']) for e in big]
assert d == sorted(d, reverse=True) and abs(d[0] - first['max_abs_difference']) < 1e-15, big
assert len(bad) == 1" "$3"
done

# --- float32 ----------------------------------------------------------------
# every value rounded to float32: at a tolerance tighter than float32, each
# given step that disagrees is single-precision rounding, never a mistake
for spec in $SPECS; do
    name=$(basename "$spec" .json)
    numpy "$spec" --round float32 --notation code -o "$T/f32.json" || continue
    compare "$spec" "$T/f32.json" --rtol 1e-9 --atol 1e-15
    assert_rc "$name rounded to float32" 1
    assert_contains "$name rounded to float32" "$T/out" "only by single-precision rounding"
    assert_contains "$name rounded to float32" "$T/out" "at the level of float32 rounding"
    compare "$spec" "$T/f32.json" --rtol 1e-9 --atol 1e-15 --format json
    report "$name rounded to float32 json" "
assert bad and all(s['single_precision'] and s['mistake'] is None for s in bad), bad
assert all(s['status'] != 'inherits' or s['inherits_from'] for s in r['steps'])"
    # at the default tolerance, rounding to float32 is accepted
    compare "$spec" "$T/f32.json"
    assert_rc "$name rounded to float32, default tolerance" 0
    # computed in float32 throughout: accepted, or single precision
    numpy "$spec" --dtype float32 -o "$T/f32c.json" || continue
    compare "$spec" "$T/f32c.json" --format json
    report "$name computed in float32" "
assert all(s['single_precision'] and s['mistake'] is None for s in bad), bad
assert r['agrees'] == (not bad)"
done

# --- the file's notation names the steps of the report ---------------------
spec="$ROOT/specs/4-3-2-1-bce.json"
for nt in "g g[3z]" "code dz3" "partial ∂L/∂z[3]"; do
    set -- $nt
    numpy "$spec" --notation "$1" --mistake sign@z3 -o "$T/nt.json" || continue
    compare "$spec" "$T/nt.json"
    assert_contains "notation $1" "$T/out" "first disagreement: $2 — the bug entered here"
    compare "$spec" "$T/nt.json" --notation code
    assert_contains "notation $1, --notation code" "$T/out" "first disagreement: dz3 — the bug entered here"
done

# --- required steps: dW and db of every layer, or the steps --only names -----
spec="$ROOT/specs/4-5-3-softmax-ce-l2.json"
if numpy "$spec" --notation code -o "$T/right.json"; then
    # drop KEYS... from the right gradients into $T/part.json
    part() { "$PY" -c 'import json, sys
d = json.load(open(sys.argv[1]))
keep = sys.argv[2].split(",") if sys.argv[2] else None
drop = sys.argv[3].split(",") if sys.argv[3] else []
d = {k: v for k, v in d.items() if (keep is None or k in keep) and k not in drop}
json.dump(d, open(sys.argv[4], "w"))' "$T/right.json" "$1" "$2" "$T/part.json"; }
    part "" dW1
    compare "$spec" "$T/part.json"
    assert_rc "dW1 left out" 1
    assert_contains "dW1 left out" "$T/out" "dW1   4×5       MISSING (required)"
    assert_contains "dW1 left out" "$T/out" "missing: dW1 — "
    assert_contains "dW1 left out" "$T/out" "verdict: incomplete: 1 required step missing; 7 given steps agree"
    assert_lacks "dW1 left out" "$T/out" "verdict: all"
    compare "$spec" "$T/part.json" --format json
    assert_rc "dW1 left out, json" 1
    report "dW1 left out, json" "
assert r['agrees'] is False and r['missing'] == ['dW1'] and r['required'] == 'parameters', r
assert [s['status'] for s in r['steps'] if s['name'] == 'dW1'] == ['missing']"
    part db2 ""
    compare "$spec" "$T/part.json"
    assert_rc "db2 alone" 1
    assert_contains "db2 alone" "$T/out" "missing: dW2, dW1, db1 — "
    # the steps named are required, in any notation; the rest is not
    compare "$spec" "$T/part.json" --only db2
    assert_rc "db2 alone, --only db2" 0
    compare "$spec" "$T/part.json" --only "g[2b]"
    assert_rc "db2 alone, --only g[2b]" 0
    compare "$spec" "$T/part.json" --only "dW2, ∂L/∂b[2]" --format json
    assert_rc "db2 alone, --only dW2,∂L/∂b[2]" 1
    report "db2 alone, --only dW2,∂L/∂b[2]" "
assert r['missing'] == ['dW2'] and r['required'] == 'only', r"
    # a step given beyond --only is compared all the same
    numpy "$spec" --notation code --mistake sign@b2 -o "$T/m.json"
    compare "$spec" "$T/m.json" --only dW1
    assert_rc "--only dW1, db2 wrong" 1
    assert_contains "--only dW1, db2 wrong" "$T/out" "db2   1×3       DISAGREES"
fi

# --- a mistake the file's own steps contradict is never named --------------
# seven sigmoid layers: dW1 and db1 zeroed, every other step right (NumPy's)
spec="$ROOT/tests/compare-7-sigmoid.json"
for only in all params; do
    args=(--notation code)
    [ "$only" = params ] && args+=(--only params)
    numpy "$spec" "${args[@]}" -o "$T/d7.json" || continue
    "$PY" -c 'import json, sys
d = json.load(open(sys.argv[1]))
d["dW1"] = [[0.0] * len(r) for r in d["dW1"]]
d["db1"] = [0.0] * len(d["db1"])
json.dump(d, open(sys.argv[1], "w"))' "$T/d7.json"
    compare "$spec" "$T/d7.json" --format json
    assert_rc "7 layers, dW1 db1 zeroed ($only)" 1
    report "7 layers, dW1 db1 zeroed ($only)" "
assert r['first_disagreement'] == 'dW1', r['first_disagreement']
named = [(s['name'], s['diagnosis']) for s in r['steps'] if s.get('mistake')]
assert not named, named
assert all(s['status'] == 'agrees' for s in r['steps'] if s['name'] not in ('dW1', 'db1') and s['status'] != 'not_given')"
    # a sign flipped in dz7 is still named, from the parameter gradients alone
    numpy "$spec" "${args[@]}" --mistake sign@z7 -o "$T/d7s.json" || continue
    compare "$spec" "$T/d7s.json" --format json
    report "7 layers, sign@z7 ($only)" "
assert first['mistake'] is not None and first['mistake']['key'] == 'sign', first"
done

# --- -o writes the report; standard input -----------------------------------
numpy "$spec" --mistake no-derivative@z2 -o "$T/m.json"
compare "$spec" "$T/m.json" -o "$T/report.txt"
assert_rc "-o" 1
assert_contains "-o" "$T/report.txt" "diagnosis: dz2 matches the result of leaving out sigmoid'(z2) in dz2"
"$BS" compare "$spec" - <"$T/m.json" >"$T/out" 2>"$T/err"
RC=$?
assert_rc "GRADS.json from standard input" 1
assert_contains "GRADS.json from standard input" "$T/out" "<stdin> against"

finish
