#!/usr/bin/env bash
# `backstep handout`: its formats, the refusal of a spec of another
# structure, -o written atomically and never over the spec it reads.
# (The numbers themselves are checked against NumPy by handout_numbers.py.)
#
#   bash tests/handout_test.sh BACKSTEP SOURCE_ROOT
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
backstep=$(realpath "$1")
cd "$2" || exit 2
scratch tmp backstep-handout

# every format, every handout, on the shipped spec
for n in 000 001 002; do
  for f in text markdown latex html json; do
    "$backstep" handout $n --format $f > "$tmp/$n.$f" 2> "$tmp/err"
    rc=$?
    [ $rc -eq 0 ] && [ -s "$tmp/$n.$f" ] && [ ! -s "$tmp/err" ] && ok ||
      bad "handout $n --format $f: exit $rc, $(head -c 300 "$tmp/err")"
  done
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["handout"] == sys.argv[2] and d["passed"] and d["equations"]' \
    "$tmp/$n.json" $n && ok || bad "handout $n: the JSON does not parse or is empty"
  python3 -c 'import sys, xml.dom.minidom as m; m.parse(sys.argv[1])' "$tmp/$n.html" 2>/dev/null && ok ||
    bad "handout $n: the HTML is not well-formed XML"
  grep -q '<math display="block">' "$tmp/$n.html" && ok || bad "handout $n: no MathML in the HTML"
  [ "$(grep -c '^\$\$$' "$tmp/$n.markdown")" -ge 40 ] && ok || bad "handout $n: few display equations in the Markdown"
  grep -q '^Numerical check' "$tmp/$n.text" && grep -q '^PASS ' "$tmp/$n.text" && ok ||
    bad "handout $n: no closing check table and verdict in the text"
  if command -v pdflatex >/dev/null; then
    (cd "$tmp" && cp "$n.latex" "h$n.tex" && timeout 120 pdflatex -interaction=nonstopmode -halt-on-error "h$n.tex" >/dev/null 2>&1) &&
      ok || bad "handout $n: the LaTeX does not compile"
  fi
done

# the derivation reads first: the first equation comes before the check table
first=$(grep -n '^  z_1\[1\] = ' "$tmp/001.text" | head -1 | cut -d: -f1)
table=$(grep -n '^Numerical check' "$tmp/001.text" | cut -d: -f1)
[ -n "$first" ] && [ -n "$table" ] && [ "$first" -lt "$table" ] && ok || bad "the check table is not after the derivation"

# the erratum of the logistic function with its number: 1/(1 − e^(−z_1[3]))
# for z_1[3] = 0.7·a_1[2] − 0.3·a_2[2] + 0.1, computed here from the spec
want=$(python3 -c '
import math
s = lambda z: 1 / (1 + math.exp(-z))
x = [0.5, 0.1, -0.2, 0.3]
W1 = [[0.1, -0.2, 0.3], [0.4, 0.5, -0.6], [-0.7, 0.8, 0.9], [0.2, -0.1, 0.05]]
a1 = [s(sum(x[i] * W1[i][j] for i in range(4)) + b) for j, b in enumerate([0.1, -0.1, 0.2])]
W2 = [[0.3, -0.4], [0.5, 0.6], [-0.2, 0.1]]
a2 = [s(sum(a1[i] * W2[i][j] for i in range(3)) + b) for j, b in enumerate([0.05, -0.05])]
z3 = 0.7 * a2[0] - 0.3 * a2[1] + 0.1
print("%.6g" % (1 / (1 - math.exp(-z3))))')
grep -q "^  1 / (1 − exp(−z_1\[3\])) = 1 / (1 − [0-9.]*) = $want\$" "$tmp/001.text" && ok ||
  bad "handout 001: the printed logistic formula at z_1[3] is not shown as $want"
grep -A2 "^  1 / (1 − exp(−z_1\[3\]))" "$tmp/001.text" | grep -q 'erratum: .*outside (0, 1)' && ok ||
  bad "handout 001: the erratum of the logistic function is not at its equation"
# said whole once, at the first unit (six units evaluate the printed formula)
[ "$(grep -c 'erratum: the handout prints the logistic function' "$tmp/001.text")" -eq 1 ] &&
  [ "$(grep -c 'erratum: the same printed formula: here a value' "$tmp/001.text")" -eq 5 ] && ok ||
  bad "handout 001: the logistic erratum is not said whole once, then briefly at the five other units"
grep -q '^  δ\[2\] = ∂L/∂z\[2\] = ' "$tmp/000.text" && ok || bad "handout 000: δ[2] is not defined with its numbers"

# --lr: the update with α = 0.5, b[3] − 0.5 ∂ℒ/∂b[3] = 0.1 − 0.5 × (a_1[3] − 1)
want=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
g = [n["value"] for e in d["equations"] for n in e["numbers"] if n["ref"] == "gb3[0]"][0]
print("%.6g" % (0.1 - 0.5 * g))' "$tmp/001.json")
"$backstep" handout 001 --lr 0.5 | grep -q "^  b\[3\]_(s+1) = b\[3\]_s − α ∂ℒ/∂b\[3\]_s = \[0.1\] − 0.5 × \[[-−0-9.]*\] = \[$want\]\$" &&
  ok || bad "handout 001 --lr 0.5: the update of b[3] is not [$want]"
"$backstep" handout 001 --lr 0 > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] && ok || bad "--lr 0 was accepted"

# a spec of another structure: exit 2, one line naming the file and what differs
refuse() { # expected message, then the arguments
  local want=$1
  shift
  "$backstep" handout "$@" > "$tmp/out" 2> "$tmp/err"
  local rc=$?
  [ $rc -eq 2 ] && [ ! -s "$tmp/out" ] && [ "$(wc -l < "$tmp/err")" -eq 1 ] && grep -qF -- "$want" "$tmp/err" && ok ||
    bad "handout $*: exit $rc, \"$(cat "$tmp/err")\", expected \"$want\""
}
refuse "specs/3-4-1-tanh-regression.json: layers: handout 001 needs 3 layers with sigmoid, found 2" 001 specs/3-4-1-tanh-regression.json
refuse "specs/4-3-2-1-bce.json: layers: handout 000 needs 2 layers (n0-n1-n2), found 3" 000 specs/4-3-2-1-bce.json
refuse "specs/3-4-3-relu-softmax-mse.json: activations: handout 000 needs elementwise activations σ and f, found softmax in layer 2" 000 specs/3-4-3-relu-softmax-mse.json
refuse "specs/2-3-3-2-leaky-relu-bce.json: activations: handout 001 needs 3 layers with sigmoid, found leaky_relu in layer 1" 001 specs/2-3-3-2-leaky-relu-bce.json
refuse "handout 001 needs one example, found a batch of" 001 - < <(python3 -c '
import json; s = json.load(open("specs/4-3-2-1-bce.json")); s["x"] = [s["x"], s["x"]]; s["y"] = [[1], [0]]; print(json.dumps(s))')
refuse "specs/4-5-3-softmax-ce-l2.json: layers: handout 002 needs 3 layers (sigmoid, sigmoid, softmax), found 2" 002 specs/4-5-3-softmax-ce-l2.json
refuse "specs/4-3-2-1-bce.json: activations: handout 002 needs sigmoid, sigmoid, softmax, found sigmoid in layer 3" 002 specs/4-3-2-1-bce.json
refuse "activations: handout 002 needs sigmoid, sigmoid, softmax, found relu in layer 1" 002 - < <(python3 -c '
import json; s = json.load(open("specs/mnist-784-200-100-10.json")); s["activations"][0] = "relu"; print(json.dumps(s))')
refuse "batch_reduction: handout 002 needs the batch mean (eq. 1), found sum" 002 - < <(python3 -c '
import json; s = json.load(open("specs/002-4-3-3-3-softmax-ce-l2.json")); s["batch_reduction"] = "sum"; print(json.dumps(s))')
refuse "x: handout 002 needs a batch of at least 2 examples" 002 - < <(python3 -c '
import json; s = json.load(open("specs/002-4-3-3-3-softmax-ce-l2.json")); s["x"] = s["x"][:1]; s["labels"] = s["labels"][:1]; print(json.dumps(s))')
refuse "y: handout 002 needs one-hot labels" 002 - < <(python3 -c '
import json; s = json.load(open("specs/002-4-3-3-3-softmax-ce-l2.json")); del s["labels"]; s["y"] = [[0.5, 0.5, 0], [0, 0, 1], [0, 1, 0]]; print(json.dumps(s))')
refuse 'handout expects 000, 001 or 002, got "3"' 3
refuse "handout writes text, markdown, latex, html or json, not dot" 001 --format dot
refuse "nothing.json" 001 nothing.json

# any spec of the same structure, e.g. handout 001 on 3-2-2-1 from standard input
python3 -c '
import json
print(json.dumps({"layers": [3, 2, 2, 1], "activations": ["sigmoid"] * 3, "loss": "bce",
  "params": {"W1": [[0.1, 0.2], [-0.3, 0.4], [0.5, -0.6]], "b1": [0, 0.1],
             "W2": [[0.2, -0.1], [0.3, 0.4]], "b2": [0.1, 0], "W3": [[0.5], [-0.5]], "b3": [0]},
  "x": [1, 2, 3], "y": [0]}))' > "$tmp/321.json"
"$backstep" handout 001 - < "$tmp/321.json" > "$tmp/out" 2> "$tmp/err" && grep -q '^  z_1\[1\] = W_{1,1}\[1\] · a_1\[0\] + W_{2,1}\[1\] · a_2\[0\] + W_{3,1}\[1\] · a_3\[0\] + b_1\[1\] = ' "$tmp/out" &&
  grep -q "^on the spec <stdin>" "$tmp/out" && ok || bad "handout 001 on a 3-2-2-1 spec from standard input: $(cat "$tmp/err")"

# handout 001 on layers of more than 8: the first and last 3 neurons, neuron by neuron
python3 -c '
import json
L = [20, 12, 10, 1]
w = lambda r, c, s: [[round(((i * 7 + j * 3 + s) % 11 - 5) / 10, 2) for j in range(c)] for i in range(r)]
p = {}
for n in (1, 2, 3):
    p["W%d" % n] = w(L[n - 1], L[n], n)
    p["b%d" % n] = [0.1] * L[n]
print(json.dumps({"layers": L, "activations": ["sigmoid"] * 3, "loss": "bce", "params": p,
                  "x": [round((i % 5) / 5 - 0.4, 2) for i in range(20)], "y": [1]}))' > "$tmp/big001.json"
"$backstep" handout 001 "$tmp/big001.json" > "$tmp/out" 2> "$tmp/err" &&
  grep -q '^  z_1\[1\] = W_{1,1}\[1\] · a_1\[0\] + W_{2,1}\[1\] · a_2\[0\] + W_{3,1}\[1\] · a_3\[0\] + … + W_{18,1}\[1\] · a_18\[0\] + W_{19,1}\[1\] · a_19\[0\] + W_{20,1}\[1\] · a_20\[0\] + b_1\[1\] = ' "$tmp/out" &&
  [ "$(grep -c '^  g_h.(z_[0-9]*\[2\]) = ' "$tmp/out")" -eq 6 ] && grep -q '^  g_h.(z_10\[2\]) = ' "$tmp/out" &&
  grep -q '(20×1)' "$tmp/out" && ok || bad "handout 001 on 20-12-10-1: $(head -c 300 "$tmp/err")"

# handout 002: its labels, the program's values beside the gradients, B times apart
grep -q '^  (19)  dW3 = B · ∂L/∂W\[3\] + 2λ · W\[3\] = ' "$tmp/002.text" && ok || bad "handout 002: no program's dW3 at (19)"
grep -q '^  (13)  ∂L_CE/∂z_0 = ŷ_0 − y_0 = ' "$tmp/002.text" && ok || bad "handout 002: Lemma 2 does not collapse to ŷ_0 − y_0"
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
v = {n["ref"]: n["value"] for e in d["equations"] for n in e["numbers"]}
B = v["B"]
for k in ("dz3[1,2]", "da2[0,1]", "dz1[2,0]"):
    g = "g" + k[1:]
    assert abs(v[k] - B * v[g]) <= 1e-12 * max(1, abs(v[k])), k
labels = {e.get("label") for e in d["equations"]}
for n in list(range(1, 5)) + [7, 8, 9, 10, 12, 13, 15, 18, 19, 20] + list(range(21, 23)) + list(range(27, 39)) + list(range(43, 56)):
    assert any(l and ("(%d)" % n) in l for l in labels), n
' "$tmp/002.json" && ok || bad "handout 002: the program's values are not B times the gradients, or an equation number is missing"
[ "$(grep -c 'erratum:' "$tmp/002.text")" -ge 11 ] && ok || bad "handout 002: fewer than 11 errata shown"
"$backstep" handout 002 specs/002-4-3-3-3-softmax-ce-l2.json --format json | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["spec"] == "specs/002-4-3-3-3-softmax-ce-l2.json"' && ok ||
  bad "handout 002 SPEC does not name the spec"

# handout 002 on the full-size network (784-200-100-10, B = 32): every format,
# within seconds, the true sizes named, large matrices shown by their ends
big=specs/mnist-784-200-100-10.json
for f in text markdown latex html json; do
  t0=$(date +%s%N)
  "$backstep" handout 002 $big --format $f > "$tmp/big.$f" 2> "$tmp/err"
  rc=$?
  ms=$((($(date +%s%N) - t0) / 1000000))
  [ $rc -eq 0 ] && [ -s "$tmp/big.$f" ] && [ ! -s "$tmp/err" ] && ok ||
    bad "handout 002 $big --format $f: exit $rc, $(head -c 300 "$tmp/err")"
  # a quarter of a second on an idle machine; generous for a loaded one
  [ $ms -lt 10000 ] && ok || bad "handout 002 $big --format $f took $ms ms"
done
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["passed"] and len(d["equations"]) > 100' "$tmp/big.json" &&
  ok || bad "handout 002 at full size: the JSON does not parse, fails or is short"
python3 -c 'import sys, xml.dom.minidom as m; m.parse(sys.argv[1])' "$tmp/big.html" 2>/dev/null && ok ||
  bad "handout 002 at full size: the HTML is not well-formed XML"
if command -v pdflatex >/dev/null; then
  (cd "$tmp" && cp big.latex hbig.tex && timeout 120 pdflatex -interaction=nonstopmode -halt-on-error hbig.tex >/dev/null 2>&1) &&
    ok || bad "handout 002 at full size: the LaTeX does not compile"
fi
grep -q '^  Notation  n_0 = 784$' "$tmp/big.text" && grep -q '^  Notation  n_1 = 200$' "$tmp/big.text" &&
  grep -q '^  Notation  K = 10$' "$tmp/big.text" && grep -q '^  Notation  B = 32$' "$tmp/big.text" &&
  grep -q 'this spec has n_0 = 784$' "$tmp/big.text" && grep -q '(here n_0 − 1 = 783)$' "$tmp/big.text" && ok ||
  bad "handout 002 at full size: the Notation sizes or the errata do not name 784, 200, 10, 32"
grep -q '^  (37)  z\[1,0\] = X\[0\] · W\[1\] + b\[1\] = \[[^]]*, …, [^]]*\] (1×784) · \[.*⋮.*\] (784×200) + ' "$tmp/big.text" && ok ||
  bad "handout 002 at full size: (37) does not show X[0] and W[1] by their ends with their shapes"
[ "$(grep -c '^  (3)  ' "$tmp/big.text")" -eq 1 ] && grep -A1 '^  (3)  ' "$tmp/big.text" | grep -q 'example i = 0 of 32' && ok ||
  bad "handout 002 at full size: (3) is not written once, for example 0 of 32"
[ "$(wc -l < "$tmp/big.text")" -lt 400 ] && [ "$(wc -c < "$tmp/big.markdown")" -lt 200000 ] && ok ||
  bad "handout 002 at full size: $(wc -l < "$tmp/big.text") lines of text, $(wc -c < "$tmp/big.markdown") bytes of Markdown"
# a batch of 9 on the small network: the sums over the batch shortened, one example written out
python3 -c '
import json, random
s = json.load(open("specs/002-4-3-3-3-softmax-ce-l2.json"))
r = random.Random(3)
s["x"] = [[round(r.uniform(-1, 1), 2) for _ in range(4)] for _ in range(9)]
s["labels"] = [r.randrange(3) for _ in range(9)]
print(json.dumps(s))' > "$tmp/b9.json"
"$backstep" handout 002 "$tmp/b9.json" > "$tmp/out" 2> "$tmp/err" &&
  grep -q '^  (1)  L = 1 / B · Σ_i L_CE\[i\] = 1 / 9 × ([^…]* + … + [^…]*) = ' "$tmp/out" &&
  [ "$(grep -c '^  (9)  ' "$tmp/out")" -eq 1 ] && grep -q 'example i = 0 of 9' "$tmp/out" &&
  grep -q '^  (19)  B · ∂L/∂W\[3\] = Σ_i ∂L_CE\[i\]/∂W\[3\] = \[[^]]*\] + \[[^]]*\] + \[[^]]*\] + … + ' "$tmp/out" && ok ||
  bad "handout 002 on a batch of 9: $(head -c 300 "$tmp/err")"

# handout 000 on layers of more than 8: Figure 1 drawn for the first and
# last 3 units of each side, saying so; every format
python3 -c '
import json; s = json.load(open("specs/000-2-3-2-mse.json")); s.pop("params", None)
s["layers"] = [12, 20, 10]; s["init"] = {"seed": 1}; s["x"] = [0.1 * i for i in range(12)]; s["y"] = [0.5] * 10
print(json.dumps(s))' > "$tmp/s000.json"
for f in text markdown latex html json; do
  "$backstep" handout 000 "$tmp/s000.json" --format $f > "$tmp/big000.$f" 2> "$tmp/err" && [ ! -s "$tmp/err" ] && ok ||
    bad "handout 000 on 12-20-10 --format $f: $(head -c 300 "$tmp/err")"
done
grep -q '^  Drawn for a_k\[1\], k = 1, 2, 3, 18, 19, 20 of 20, and z_j\[2\], j = 1, 2, 3, 8, 9, 10 of 10: ' "$tmp/big000.text" &&
  grep -q '^  a_20\[1\] = [0-9.]* ─' "$tmp/big000.text" && ! grep -q 'a_4\[1\]' "$tmp/big000.text" &&
  [ "$(wc -l < "$tmp/big000.text")" -lt 250 ] && ok ||
  bad "handout 000 on 12-20-10: the figure is not drawn for units 1-3 and 18-20 of 20, saying so"
python3 -c 'import sys, xml.dom.minidom as m; m.parse(sys.argv[1])' "$tmp/big000.html" 2>/dev/null &&
  grep -q 'Drawn for a_k\[1\], k = 1, 2, 3, 18, 19, 20 of 20' "$tmp/big000.html" && ok ||
  bad "handout 000 on 12-20-10: the HTML is not well-formed or does not say which units are drawn"

# -o: written whole, and never over a file it reads
"$backstep" handout 001 --format json -o "$tmp/o.json" && cmp -s "$tmp/o.json" "$tmp/001.json" && ok ||
  bad "-o FILE differs from standard output"
echo "old" > "$tmp/keep.txt"
"$backstep" handout 001 -o "$tmp/nodir/keep.txt" 2> "$tmp/err"
[ $? -eq 2 ] && [ "$(cat "$tmp/keep.txt")" = old ] && ok || bad "-o into a missing directory"
[ -z "$(ls -A "$tmp" | grep -v -E '^(000|001|002|big)\.|^h(00[012]|big)\.|^big000\.|^s000\.json$|^(err|out|o\.json|keep\.txt|321\.json|b9\.json|big001\.json)$')" ] && ok ||
  bad "a temporary file was left: $(ls -A "$tmp")"
cp specs/4-3-2-1-bce.json "$tmp/spec.json"
before=$(cksum < "$tmp/spec.json")
"$backstep" handout 001 "$tmp/spec.json" -o "$tmp/spec.json" 2> "$tmp/err"
[ $? -eq 2 ] && [ "$(cksum < "$tmp/spec.json")" = "$before" ] && grep -q "refusing to write over it" "$tmp/err" && ok ||
  bad "-o over the spec: $(cat "$tmp/err")"
# the spec this backstep reads for handout 001 (its own shipped specs, which
# need not be this tree's): were the refusal broken, nothing else is written
own="$("$backstep" examples | sed -n 's/^shipped specs in \(.*\):$/\1/p')/4-3-2-1-bce.json"
before=$(cksum < "$own")
"$backstep" handout 001 -o "$own" 2> "$tmp/err"
[ $? -eq 2 ] && [ "$(cksum < "$own")" = "$before" ] && ok ||
  bad "-o over the handout's own shipped spec $own: $(cat "$tmp/err")"

finish
