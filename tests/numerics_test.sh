#!/usr/bin/env bash
# The numerical methods and the verdict from the command line: every method
# passes every shipped spec; a huge step is unresolved (the check
# unverified, exit 1; a failure with --strict) and named as a step too large;
# steps and tolerances that cannot verify anything are refused; a numerical
# value that cannot be trusted is named as such; a relu pre-activation exactly at
# 0 is a consistent kink; `backstep sweep` in text and SVG, its ELEMENT in
# every notation, and its errors.
#   bash tests/numerics_test.sh BACKSTEP SOURCE_ROOT
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
backstep=$(realpath "$1")
cd "$2" || exit 2
scratch tmp backstep-numerics

for m in forward central richardson complex; do
  "$backstep" check specs/*.json --method "$m" --strict --quiet > "$tmp/out" 2>&1
  [ $? -eq 0 ] && ok || bad "check --method $m --strict on the shipped specs: $(head -c 400 "$tmp/out")"
  grep -q "($m)" "$tmp/out" && ok || bad "check --method $m does not name the method"
done

# a huge step: every element unresolved, so nothing was verified: UNVERIFIED,
# exit 1, never a pass; with --strict a failure that says why
"$backstep" check specs/4-3-2-1-bce.json --epsilon 0.5 > "$tmp/out" 2>&1
[ $? -eq 1 ] && ok || bad "--epsilon 0.5 verifies nothing and should exit 1"
grep -q "UNVERIFIED .*38 unresolved.* nothing was verified: " "$tmp/out" && ok ||
  bad "--epsilon 0.5: $(cat "$tmp/out")"
grep -q "PASS" "$tmp/out" && bad "--epsilon 0.5 says PASS: $(cat "$tmp/out")" || ok
for f in json tap junit; do
  "$backstep" check specs/4-3-2-1-bce.json --epsilon 0.5 --format $f > "$tmp/out.$f" 2>&1
  [ $? -eq 1 ] && ok || bad "--epsilon 0.5 --format $f should exit 1"
done
grep -q '"status": "unverified"' "$tmp/out.json" && grep -q '"passed": 0, .*"unverified": 1' "$tmp/out.json" &&
  ok || bad "--format json of an unverified check: $(cat "$tmp/out.json")"
grep -q "^not ok 1 " "$tmp/out.tap" && ok || bad "--format tap of an unverified check: $(cat "$tmp/out.tap")"
grep -q 'failures="1"' "$tmp/out.junit" && ok || bad "--format junit of an unverified check"
"$backstep" check specs/4-3-2-1-bce.json --epsilon 0.5 --strict > "$tmp/out" 2>&1
[ $? -eq 1 ] && ok || bad "--epsilon 0.5 --strict should exit 1"
grep -q "FAIL.*the step was too large: |analytic − numeric| shrinks like h²" "$tmp/out" && ok ||
  bad "--epsilon 0.5 --strict: $(cat "$tmp/out")"
[ "$(wc -l < "$tmp/out")" -eq 1 ] && ok || bad "check prints more than one line per spec"
"$backstep" check specs/4-3-2-1-bce.json --epsilon 0.5 --method complex > "$tmp/out" 2>&1
[ $? -eq 1 ] && ok || bad "complex step with h = 0.5 should disagree"
grep -q "analytic -1.70028.*numeric .*the step was too large" "$tmp/out" && ok ||
  bad "complex --epsilon 0.5: $(cat "$tmp/out")"

# a relu pre-activation at exactly 0: a consistent kink, not a failure
cat > "$tmp/kink.json" <<'SPEC'
{"layers": [1, 1, 1], "activations": ["relu", "identity"], "loss": "mse",
 "params": {"W1": [[1]], "b1": [-1], "W2": [[2]], "b2": [0]}, "x": [1], "y": [1]}
SPEC
for m in forward central richardson; do
  "$backstep" trace "$tmp/kink.json" --method "$m" > "$tmp/out" 2>&1
  [ $? -eq 0 ] && ok || bad "kink with $m: exit $?"
  grep -q "3 at a kink (consistent)" "$tmp/out" && ok || bad "kink with $m: $(tail -1 "$tmp/out")"
  grep -qE "g\[1z\]\[1,1\] is at a kink: one-sided differences 0 \(left\), -(1\.99|2 )" "$tmp/out" && ok ||
    bad "kink with $m: no one-sided differences"
done
"$backstep" trace "$tmp/kink.json" --format json > "$tmp/out.json"
python3 - "$tmp/out.json" <<'PY' && ok || bad "kink in JSON"
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
z = [s for s in d["steps"] if s["id"] == "g[1z]"][0]
assert z["verdicts"] == [["kink-consistent"]], z["verdicts"]
assert z["kinks"][0]["index"] == [1, 1] and z["kinks"][0]["left"] == 0
assert abs(z["kinks"][0]["right"] + 2) < 1e-4 and z["kinks"][0]["consistent"] is True
assert d["check"]["kinks_consistent"] == 3 and d["check"]["agree"] == 5
assert len(z["numeric_error"][0]) == 1 and z["numeric_error"][0][0] > 0
PY

# sweep: every notation names the same element
"$backstep" sweep specs/4-3-2-1-bce.json 'W1[2,3]' > "$tmp/ref.txt" 2> "$tmp/err"
[ $? -eq 0 ] && ok || bad "sweep W1[2,3]: $(cat "$tmp/err")"
for e in 'W[1][2,3]' 'g[1W][2,3]' 'dW1[2,3]' 'dL/dW1[2,3]' '∂L/∂W[1][2,3]'; do
  "$backstep" sweep specs/4-3-2-1-bce.json "$e" --quiet > "$tmp/out" 2>&1
  cmp -s "$tmp/ref.txt" "$tmp/out" && ok || bad "sweep $e differs from sweep W1[2,3]"
done
grep -q "sweep of g\[1W\]\[2,3\]" "$tmp/ref.txt" && ok || bad "sweep names its element"
for w in forward central richardson complex "┤" "truncation slope"; do
  grep -q "$w" "$tmp/ref.txt" && ok || bad "sweep text lacks $w"
done
[ "$(grep -c '^   *[0-9]\.[0-9]e-[0-9][0-9] ' "$tmp/ref.txt")" -eq 31 ] && ok ||
  bad "sweep table: expected 31 steps"
# SVG, to a file, well-formed, byte-identical run to run
"$backstep" sweep 4-3-2-1-bce 'g[3z][1,1]' --format svg -o "$tmp/a.svg" 2>/dev/null
[ $? -eq 0 ] && ok || bad "sweep --format svg -o"
"$backstep" sweep 4-3-2-1-bce 'g[3z][1,1]' --format svg > "$tmp/b.svg" 2>/dev/null
cmp -s "$tmp/a.svg" "$tmp/b.svg" && ok || bad "sweep SVG differs between runs"
python3 - "$tmp/a.svg" <<'PY' && ok || bad "sweep SVG"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "{http://www.w3.org/2000/svg}svg", root.tag
lines = root.findall(".//{http://www.w3.org/2000/svg}polyline")
assert len(lines) == 4, len(lines)
PY
# bad ELEMENT and usage: exit 2, one line saying what was expected
for e in 'W1' 'W1[5,1]' 'W9[1,1]' 'Q[1,1]'; do
  "$backstep" sweep specs/4-3-2-1-bce.json "$e" > "$tmp/out" 2> "$tmp/err"
  [ $? -eq 2 ] && ok || bad "sweep $e should exit 2"
  [ "$(wc -l < "$tmp/err")" -eq 1 ] && grep -qF "element \"$e\"" "$tmp/err" && ok ||
    bad "sweep $e: $(cat "$tmp/err")"
  [ -s "$tmp/out" ] && bad "sweep $e wrote output" || ok
done
"$backstep" sweep specs/4-3-2-1-bce.json > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] && grep -q "sweep takes a SPEC and an ELEMENT" "$tmp/err" && ok || bad "sweep without ELEMENT"
"$backstep" sweep specs/4-3-2-1-bce.json 'W1[1,1]' --format png > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] && ok || bad "sweep --format png should exit 2"
"$backstep" help sweep > "$tmp/out" && grep -q -- "--format FORMAT" "$tmp/out" && ok || bad "help sweep"

# ---- steps and tolerances that cannot verify anything are refused (exit 2,
# one line, the reason); the smallest steps are worked by hand from
# DBL_EPSILON = 2^-52: central 1e-3·∛ε = 6.1e-09, forward 1e-3·√ε = 1.5e-11,
# richardson 1e-3·ε^(1/5) = 7.4e-07, complex DBL_MIN/ε = 1e-292 ----
refused() { # DESC EXPECTED-STDERR-PATTERN COMMAND...
  local desc=$1 want=$2
  shift 2
  "$backstep" "$@" > "$tmp/out" 2> "$tmp/err"
  local rc=$?
  [ $rc -eq 2 ] && ok || bad "$desc: exit $rc, expected 2: $(head -c 300 "$tmp/out")"
  [ "$(wc -l < "$tmp/err")" -eq 1 ] && grep -q -- "$want" "$tmp/err" && ok ||
    bad "$desc: stderr: $(cat "$tmp/err")"
  [ -s "$tmp/out" ] && bad "$desc wrote output" || ok
}
S=specs/4-3-2-1-bce.json
for cmd in "check $S" "trace $S" "train $S --lr 0.1 --check-every 1"; do
  # shellcheck disable=SC2086
  refused "$cmd --epsilon 1e-300" "too small a step for central differences: below 6.1e-09" $cmd --epsilon 1e-300
  # 5e-324 is a positive (subnormal) number: refused as too small, not as "not positive"
  refused "$cmd --epsilon 5e-324" "--epsilon 5e-324: too small a step for central differences" $cmd --epsilon 5e-324
  refused "$cmd --epsilon 1e-400" "--epsilon 1e-400: too small a step" $cmd --epsilon 1e-400
  refused "$cmd --method forward --epsilon 1e-11" "forward differences: below 1.5e-11" $cmd --method forward --epsilon 1e-11
  refused "$cmd --epsilon 7e-7 --method richardson" "Richardson extrapolation: below 7.4e-07" $cmd --epsilon 7e-7 --method richardson
  refused "$cmd --method complex --epsilon 1e-300" "the complex step: below 1e-292" $cmd --method complex --epsilon 1e-300
  refused "$cmd --rtol 1e308" "--rtol 1e308: the relative tolerance must be below 1" $cmd --rtol 1e308
  refused "$cmd --rtol 1" "--rtol 1: the relative tolerance must be below 1" $cmd --rtol 1
  refused "$cmd --atol 1e308" "--atol 1e308: the absolute tolerance must be at most 0.001" $cmd --atol 1e308
done
refused "compare --rtol 1e308" "--rtol 1e308: the relative tolerance must be below 1" compare $S tests/claims-4-3-2-1.json --rtol 1e308
refused "compare --atol 1e308" "--atol 1e308: the absolute tolerance must be at most" compare $S tests/claims-4-3-2-1.json --atol 1e308
# what parse_double used to misread, each with its own message
refused "--epsilon 0x1p-3" 'expects a decimal number, got "0x1p-3"' check $S --epsilon 0x1p-3
refused "--epsilon 1e" 'expects a number, got "1e"' check $S --epsilon 1e
refused "--epsilon ' 1'" 'expects a number, got " 1"' check $S --epsilon ' 1'
refused "--epsilon inf" 'expects a finite number, got "inf"' check $S --epsilon inf
refused "--epsilon 1e400" 'expects a finite number, got "1e400" (beyond the largest double)' check $S --epsilon 1e400
refused "--epsilon nan" 'expects a number, got "nan" (not a number)' check $S --epsilon nan
refused "--epsilon -0" 'expects a positive number, got "-0"' check $S --epsilon -0
refused "--rtol 0x1" 'expects a decimal number, got "0x1"' check $S --rtol 0x1
# the bounds themselves are accepted
for a in "--epsilon 6.1e-9" "--rtol 0.999" "--atol 1e-3" "--method complex --epsilon 1.1e-292"; do
  # shellcheck disable=SC2086
  "$backstep" check $S $a > "$tmp/out" 2>&1
  [ $? -eq 0 ] && grep -q "PASS" "$tmp/out" && ok || bad "check $a: $(cat "$tmp/out")"
done

# ---- softmax + cross-entropy whose third output underflows to exactly 0: by
# hand ŷ = [1, e^-500, 0], the loss −log ŷ1 has no term in ŷ3 (y3 = 0), so
# ∂L/∂ŷ3 = 0; every analytic value is finite and every method agrees ----
cat > "$tmp/softmax0.json" <<'SPEC'
{"layers": [2, 3], "activations": ["softmax"], "loss": "cross_entropy",
 "params": {"W1": [[500, -500, 0], [0, 500, -500]], "b1": [0, 0, 0]},
 "x": [1, 1], "y": [1, 0, 0]}
SPEC
for m in central forward richardson complex; do
  "$backstep" check "$tmp/softmax0.json" --method $m > "$tmp/out" 2>&1
  [ $? -eq 0 ] && grep -q "PASS  15 of 15" "$tmp/out" && ok || bad "softmax output 0, $m: $(cat "$tmp/out")"
  "$backstep" check "$tmp/softmax0.json" --method $m --directions 4 > "$tmp/out" 2>&1
  [ $? -eq 0 ] && ok || bad "softmax output 0, $m, --directions: $(cat "$tmp/out")"
done

# ---- x = [1e308, 1e308], W1 = [[1], [-1]]: z = 0, and by hand g[1W][1,1] =
# x1·(ŷ − y)·ŷ(1 − ŷ) = 1e308·(−1/2)·(1/4) = −1.25e307, right; every step
# saturates the sigmoid, so the numeric side is what cannot be trusted ----
cat > "$tmp/saturated.json" <<'SPEC'
{"layers": [2, 1], "activations": ["sigmoid"], "loss": "mse",
 "params": {"W1": [[1], [-1]], "b1": [0]}, "x": [1e308, 1e308], "y": [1]}
SPEC
"$backstep" check "$tmp/saturated.json" > "$tmp/out" 2>&1
[ $? -eq 1 ] && ok || bad "saturated: should exit 1 (unverified)"
grep -q "UNVERIFIED.*g\[1W\]\[1,1\]: analytic -1.25e+307.*the numeric estimate is unreliable at this element, not the analytic value" "$tmp/out" &&
  ok || bad "saturated: $(cat "$tmp/out")"
grep -q "analytic side is wrong" "$tmp/out" && bad "saturated blames the analytic side" || ok
for m in forward richardson complex; do
  "$backstep" check "$tmp/saturated.json" --method $m --directions 3 > "$tmp/out" 2>&1
  [ $? -eq 1 ] && grep -q "UNVERIFIED.*numeric estimate is unreliable" "$tmp/out" && ok ||
    bad "saturated, $m, --directions 3: $(cat "$tmp/out")"
done

finish
