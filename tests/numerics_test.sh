#!/usr/bin/env bash
# The numerical methods and the verdict from the command line: every method
# passes every shipped spec; a huge step is unresolved (a failure with
# --strict) and named as a step too large; a relu pre-activation exactly at
# 0 is a consistent kink; `backstep sweep` in text and SVG, its ELEMENT in
# every notation, and its errors.
#   bash tests/numerics_test.sh BACKSTEP SOURCE_ROOT
set -u
backstep=$(realpath "$1")
cd "$2" || exit 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }

for m in forward central richardson complex; do
  "$backstep" check specs/*.json --method "$m" --strict --quiet > "$tmp/out" 2>&1
  [ $? -eq 0 ] && ok || bad "check --method $m --strict on the shipped specs: $(head -c 400 "$tmp/out")"
  grep -q "($m)" "$tmp/out" && ok || bad "check --method $m does not name the method"
done

# a huge step: unresolved (exit 0), and with --strict a failure that says why
"$backstep" check specs/4-3-2-1-bce.json --epsilon 0.5 > "$tmp/out" 2>&1
[ $? -eq 0 ] && ok || bad "--epsilon 0.5 should pass with unresolved elements"
grep -q "38 unresolved" "$tmp/out" && ok || bad "--epsilon 0.5: $(cat "$tmp/out")"
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

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
