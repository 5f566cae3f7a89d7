#!/usr/bin/env bash
# exercise_test.sh — `backstep exercise` and `backstep grade` end to end.
#
# usage: bash tests/exercise_test.sh BACKSTEP SOURCE_ROOT
#
#   - two runs with the same seed and roster are byte-identical; another seed
#     and other ids give other numbers; a non-empty DIR is refused without
#     --force; bad rosters are named with their line;
#   - every variant traces and passes its own check, for a row and a column
#     spec, ReLU, tanh, softmax and a batch with L2;
#   - sheets and keys render: Markdown display math pairs up, HTML is well
#     formed, and (when pdflatex is installed) a sheet and a key compile;
#   - grading: the key itself scores full marks; mistakes built here in
#     Python from the variant's own trace (not by the catalogue) are named
#     in the gradebook and in the feedback; bad submissions get error rows
#     and the others are still graded.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

BACKSTEP=${1:?usage: exercise_test.sh BACKSTEP SOURCE_ROOT}
ROOT=${2:?usage: exercise_test.sh BACKSTEP SOURCE_ROOT}
BACKSTEP=$(realpath "$BACKSTEP")
ROOT=$(realpath "$ROOT")
scratch TMP bs_exercise
cd "$TMP" || exit 1

printf 'ann\nbob\ncarol\ndan\neve\n' >roster.txt

# ── reproducible, per student ───────────────────────────────────────────
"$BACKSTEP" exercise "$ROOT/specs/4-3-2-1-bce.json" --roster roster.txt -o run1 --seed 7 \
    >out1 2>err1
rc=$?
[ $rc -eq 0 ] && ok || bad "exercise exited $rc: $(cat err1)"
"$BACKSTEP" exercise "$ROOT/specs/4-3-2-1-bce.json" --roster roster.txt -o run2 --seed 7 \
    >/dev/null 2>&1
if diff -r run1 run2 >/dev/null; then ok; else bad "two runs with the same seed differ"; fi
for f in ann/spec.json ann/sheet.md ann/sheet.tex ann/sheet.html ann/answers.json \
    key/ann.md key/ann.tex key/ann.html key/summary.csv exercise.json; do
    [ -s "run1/$f" ] && ok || bad "run1/$f was not written"
done
params() { python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["params"]))' "$1"; }
[ "$(params run1/ann/spec.json)" != "$(params run1/bob/spec.json)" ] && ok ||
    bad "ann and bob got the same weights"
"$BACKSTEP" exercise "$ROOT/specs/4-3-2-1-bce.json" --roster roster.txt -o run3 --seed 8 \
    >/dev/null 2>&1
[ "$(params run1/ann/spec.json)" != "$(params run3/ann/spec.json)" ] && ok ||
    bad "seeds 7 and 8 gave ann the same weights"
# a roster of one student gives that student the same variant as in the class
printf 'bob\n' >one.txt
"$BACKSTEP" exercise "$ROOT/specs/4-3-2-1-bce.json" --roster one.txt -o run4 --seed 7 \
    >/dev/null 2>&1
cmp -s run1/bob/spec.json run4/bob/spec.json && ok || bad "bob's variant depends on the roster"
# the numbers have at most two decimals
python3 - run1/ann/spec.json <<'EOF' && ok || bad "ann's numbers are not rounded to 2 decimals"
import json, sys
s = json.load(open(sys.argv[1]))
vals = [v for k in s["params"] for row in s["params"][k] for v in (row if isinstance(row, list) else [row])]
vals += s["x"]
sys.exit(0 if all(abs(v * 100 - round(v * 100)) < 1e-9 and v != 0 for v in vals) else 1)
EOF
grep -q '"g\[3z\]": null' run1/ann/answers.json && grep -q '"id": "ann"' run1/ann/answers.json &&
    ok || bad "answers.json skeleton: $(cat run1/ann/answers.json)"

# ── refusals ────────────────────────────────────────────────────────────
"$BACKSTEP" exercise "$ROOT/specs/4-3-2-1-bce.json" --roster roster.txt -o run1 >/dev/null 2>err
rc=$?
[ $rc -eq 2 ] && grep -q 'not empty.*--force' err && ok || bad "non-empty DIR: exit $rc: $(cat err)"
"$BACKSTEP" exercise "$ROOT/specs/4-3-2-1-bce.json" --roster roster.txt -o run1 --seed 7 --force \
    >/dev/null 2>err
[ $? -eq 0 ] && diff -r run1 run2 >/dev/null && ok || bad "--force: $(cat err)"
roster_error() { # text expected-message
    printf '%b' "$1" >bad_roster.txt
    "$BACKSTEP" exercise "$ROOT/specs/4-3-2-1-bce.json" --roster bad_roster.txt -o rbad \
        >/dev/null 2>err
    local rc=$?
    if [ $rc -eq 2 ] && grep -q -- "$2" err; then ok; else bad "roster '$1': exit $rc: $(cat err)"; fi
    [ ! -e rbad ] && ok || bad "roster '$1': rbad was written"
}
roster_error 'ann\nb/ob\n' 'bad_roster.txt: line 2: id "b/ob" has the character ./. at 2'
# every bad line is reported, one line each, and nothing is written
roster_error 'ann\n\nb/ob\n# a comment\nAnn\n' 'bad_roster.txt: line 3: id "b/ob"'
grep -q '^backstep: bad_roster.txt: line 5: id "Ann" is already on line 1' err &&
    [ "$(wc -l <err)" -eq 2 ] && ok || bad "every bad roster line: $(cat err)"
roster_error 'ann\nAnn\n' 'bad_roster.txt: line 2: id "Ann" is already on line 1'
roster_error 'key\n' 'bad_roster.txt: line 1: id "key" is a name the exercise directory uses'
roster_error 'name,email\nann,a@x\n' 'bad_roster.txt: line 1: .*has commas but no such column'
roster_error 'name,id\n"Lee, Ann",ann\nBob,ann\n' 'bad_roster.txt: line 3: id "ann" is already on line 2'
"$BACKSTEP" exercise "$ROOT/specs/4-3-2-1-bce.json" --roster roster.txt -o rbad --steps 'g[2z],dW7' \
    >/dev/null 2>err
[ $? -eq 2 ] && grep -q -- '--steps: "dW7" is not a backward step' err && ok || bad "--steps dW7: $(cat err)"
"$BACKSTEP" exercise "$ROOT/specs/mnist-784-200-100-10.json" --roster roster.txt -o rbad \
    >/dev/null 2>err
[ $? -eq 2 ] && grep -q 'at most 600' err && ok || bad "mnist exercise: $(cat err)"
# a CSV roster with quoted fields
printf 'name,ID,email\n"Lee, Ann",ann,a@x\nBob,bob,b@x\n' >roster.csv
"$BACKSTEP" exercise "$ROOT/specs/4-3-2-1-bce.json" --roster roster.csv -o rcsv --seed 7 \
    --formats markdown >/dev/null 2>err
[ $? -eq 0 ] && cmp -s rcsv/ann/spec.json run1/ann/spec.json && [ ! -e rcsv/ann/sheet.html ] &&
    ok || bad "CSV roster: $(cat err)"

# ── every variant traces and passes its own check ───────────────────────
SPECS="4-3-2-1-bce 000-2-3-2-mse 2-3-3-2-leaky-relu-bce 3-4-1-tanh-regression
       3-4-3-relu-softmax-mse 4-5-3-softmax-ce-l2"
for s in $SPECS; do
    "$BACKSTEP" exercise "$ROOT/specs/$s.json" --roster roster.txt -o "v-$s" \
        >/dev/null 2>err || { bad "exercise $s: $(cat err)"; continue; }
    for id in ann bob carol; do
        "$BACKSTEP" check "v-$s/$id/spec.json" >out 2>&1 && ok || bad "check $s $id: $(cat out)"
        "$BACKSTEP" trace "v-$s/$id/spec.json" >/dev/null 2>&1 && ok || bad "trace $s $id"
        python3 - "$ROOT/specs/$s.json" "v-$s/$id/spec.json" <<'EOF' && ok || bad "$s $id: not the same network"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for k in ("layers", "activations", "loss", "convention"):
    if a.get(k, "row" if k == "convention" else None) != b.get(k):
        sys.exit("%s differs" % k)
sys.exit(0 if b.get("l2", 0) == a.get("l2", 0) else "l2 differs")
EOF
    done
done

# ── sheets and keys render ──────────────────────────────────────────────
for f in run1/ann/sheet.md run1/key/ann.md v-4-5-3-softmax-ce-l2/bob/sheet.md \
    v-2-3-3-2-leaky-relu-bce/carol/sheet.md; do
    n=$(grep -c '^\$\$$' "$f")
    [ $((n % 2)) -eq 0 ] && [ "$n" -gt 0 ] && ok || bad "$f: $n lines of \$\$"
done
grep -q '^### 12\. \$g^{\[1b\]}\$, 1×3$' run1/ann/sheet.md && ok || bad "sheet.md lacks question 12"
for f in run1/ann/sheet.html run1/key/ann.html v-2-3-3-2-leaky-relu-bce/carol/sheet.html; do
    msg=$(python3 - "$f" <<'EOF'
import sys
from html.parser import HTMLParser
VOID = {"br", "meta", "link", "img", "hr", "input", "col", "wbr"}
class P(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack, self.errors = [], []
    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append(tag)
    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append("</%s> at %s" % (tag, self.getpos()))
        else:
            self.stack.pop()
p = P()
p.feed(open(sys.argv[1], encoding="utf-8").read())
p.close()
if p.errors or p.stack:
    print(p.errors[:3], p.stack[:3])
EOF
)
    [ -z "$msg" ] && ok || bad "$f is not well formed: $msg"
done
grep -c '<table class="blank">' run1/ann/sheet.html | grep -qx 12 && ok || bad "sheet.html: not 12 blanks"
if command -v pdflatex >/dev/null; then
    for f in run1/ann/sheet.tex run1/key/ann.tex v-2-3-3-2-leaky-relu-bce/carol/sheet.tex; do
        d=$(dirname "$f")
        if (cd "$d" && pdflatex -interaction=nonstopmode -halt-on-error "$(basename "$f")" \
            >latex.log 2>&1); then ok; else bad "$f does not compile: $(grep -m3 '^!' "$d/latex.log")"; fi
    done
else
    echo "SKIP: pdflatex not found (the LaTeX sheets were not compiled)"
fi

# ── grading ─────────────────────────────────────────────────────────────
# answers built from each variant's own trace; mistakes made here by hand and
# carried into the steps below them (grade marks against the student's own
# values above each step: one slip costs one step)
cat >make_answers.py <<'EOF'
import json, math, subprocess, sys
backstep, dirname, spec, mode = sys.argv[1:5]
ids = sys.argv[5:]
def trace(id):
    out = subprocess.run([backstep, "trace", "%s/%s/spec.json" % (dirname, id), "--format", "json"],
                         capture_output=True, text=True).stdout
    t = json.loads(out)
    steps = {s["id"]: s for s in t["steps"]}
    return t, steps
def T(m): return [list(r) for r in zip(*m)]
def sig(v): return 1 / (1 + math.exp(-v))
for id in ids:
    t, st = trace(id)
    val = lambda k: st[k]["analytic"]
    claims = {k: val(k) for k in st if st[k]["kind"] == "backward"}
    # each mistake carried: the steps below it worked out from the wrong value
    # (sigmoid hidden layers, row convention: handout 001's formulas)
    lam = t["network"].get("l2", 0)
    def mm(A, Bm): return [[sum(x * y for x, y in zip(r, c)) for c in zip(*Bm)] for r in A]
    def from_z(n, gz):
        W = t["params"]
        claims["g[%dz]" % n] = gz
        claims["g[%dW]" % n] = [[g + 2 * lam * w for g, w in zip(gr, wr)] for gr, wr in
                                zip(mm(T(st["a[%d]" % (n - 1)]["values"]), gz), W["W%d" % n])]
        claims["g[%db]" % n] = [[sum(c) for c in zip(*gz)]]
        if n > 1:
            ga = mm(gz, T(W["W%d" % n]))
            claims["g[%da]" % (n - 1)] = ga
            a = st["a[%d]" % (n - 1)]["values"]
            from_z(n - 1, [[g * x * (1 - x) for g, x in zip(gr, ar)] for gr, ar in zip(ga, a)])
    if mode == "mistakes-4321" and id == "ann":
        from_z(2, val("g[2a]"))                               # derivative left out
        claims["g[2W]"] = T(claims["g[2W]"])                  # transposed
        claims["g[3W]"] = [[-v for v in r] for r in val("g[3W]")]  # sign
    if mode == "mistakes-4321" and id == "bob":
        a = st["a[1]"]["values"]
        ga = val("g[1a]")
        from_z(1, [[g * sig(x) * (1 - sig(x)) for g, x in zip(gr, ar)] for gr, ar in zip(ga, a)])
        claims["g[3a]"] = None
    if mode == "mistakes-453" and id == "ann":
        B = len(val("g[2z]"))
        W2, W1 = t["params"]["W2"], t["params"]["W1"]
        from_z(2, [[B * v for v in r] for r in val("g[2z]")])                 # no 1/B
        claims["g[2b]"] = claims["g[2z]"]                                     # not summed
        claims["g[2W]"] = [[g - 2 * lam * w for g, w in zip(gr, wr)]          # no 2λW
                           for gr, wr in zip(claims["g[2W]"], W2)]
        claims["g[1W]"] = [[g - lam * w for g, w in zip(gr, wr)]              # λW
                           for gr, wr in zip(claims["g[1W]"], W1)]
    if mode == "rounded":
        claims = {k: [[float("%.3g" % v) for v in r] for r in m] for k, m in claims.items()}
    json.dump({"id": id, "claims": claims}, open("%s-%s.json" % (mode, id), "w"), indent=1)
EOF

python3 make_answers.py "$BACKSTEP" run1 4-3-2-1-bce key ann bob carol dan eve || bad "make_answers key"
"$BACKSTEP" grade run1 key-ann.json key-bob.json key-carol.json key-dan.json key-eve.json \
    -o book.csv >out 2>err
rc=$?
[ $rc -eq 0 ] && ok || bad "grade of the key exited $rc: $(cat err)"
[ "$(grep -c ',graded,12/12,' book.csv)" -eq 5 ] && ok || bad "the key did not score 12/12: $(cat book.csv)"
grep -q 'graded 5 of 5 students from 5 files (0 missing' out && ok || bad "grade summary: $(cat out)"
for id in ann bob carol; do
    grep -q 'Every step is right' "run1/feedback/$id.md" && ok || bad "feedback/$id.md: $(cat "run1/feedback/$id.md")"
done
python3 make_answers.py "$BACKSTEP" run1 4-3-2-1-bce rounded ann || bad "make_answers rounded"
rm -rf run1/feedback
"$BACKSTEP" grade run1 rounded-ann.json >book.csv 2>err
grep -q '^ann,rounded-ann.json,1,graded,12/12,' book.csv && ok ||
    bad "answers rounded to 3 digits are not right: $(cat book.csv)"

python3 make_answers.py "$BACKSTEP" run1 4-3-2-1-bce mistakes-4321 ann bob || bad "make_answers mistakes"
rm -rf run1/feedback
"$BACKSTEP" grade run1 mistakes-4321-ann.json mistakes-4321-bob.json >book.csv 2>err
rc=$?
[ $rc -eq 0 ] && ok || bad "grade with mistakes exited $rc: $(cat err)"
row_has() { # id text
    grep "^$1," book.csv | grep -q -- "$2" && ok || bad "gradebook row $1 lacks '$2': $(grep "^$1," book.csv)"
}
row_has ann ',1,graded,9/12,'
row_has ann 'wrong: no-derivative'
row_has ann 'wrong: transpose'
row_has ann 'wrong: sign'
row_has ann 'activation derivative left out (g\[2z\])'
row_has bob ',1,graded,10/12,10,12,83.33,,missing,'  # 10 of 12 steps of weight 1: 83.33 %
row_has bob 'wrong: derivative-at-a'
grep -q "Your g\[2z\] matches the result of leaving out g_h'(z\[2\]) in g\[2z\]" run1/feedback/ann.md &&
    ok || bad "feedback/ann.md does not name the derivative: $(cat run1/feedback/ann.md)"
grep -q 'transpose' run1/feedback/ann.md && grep -q 'sign flipped' run1/feedback/ann.md && ok ||
    bad "feedback/ann.md lacks the transpose or the sign"
grep -q 'You gave a 2×3 answer; the step is 3×2' run1/feedback/ann.md && ok || bad "feedback: shape of the transpose"
grep -q 'instead of z' run1/feedback/bob.md && grep -q '| `g\[3a\]` | not answered |' run1/feedback/bob.md &&
    ok || bad "feedback/bob.md: $(cat run1/feedback/bob.md)"

"$BACKSTEP" exercise "$ROOT/specs/4-5-3-softmax-ce-l2.json" --roster roster.txt -o b453 \
    --formats markdown >/dev/null 2>&1
python3 make_answers.py "$BACKSTEP" b453 4-5-3 mistakes-453 ann || bad "make_answers 453"
"$BACKSTEP" grade b453 mistakes-453-ann.json >book.csv 2>err
row_has ann 'wrong: no-1/B'
row_has ann 'wrong: bias-not-summed'
row_has ann 'wrong: l2-missing'
row_has ann 'wrong: lambda-W'
grep -q 'B = 4 times too large' b453/feedback/ann.md && grep -q 'λW instead of 2λW' b453/feedback/ann.md &&
    ok || bad "feedback 453: $(cat b453/feedback/ann.md)"

# ── bad submissions are reported, the rest graded ───────────────────────
rm -rf run1/feedback
echo '{"id": "ann", "claims": ' >notjson.json
python3 - <<'EOF'
import json
k = json.load(open("key-bob.json"))
json.dump({"id": "dave", "claims": k["claims"]}, open("unknown.json", "w"))
c = json.load(open("key-carol.json"))
shape = dict(c, claims=dict(c["claims"], **{"g[2W]": [[0.1, 0.2], [0.3, 0.4]]}))
json.dump(shape, open("shape.json", "w"))
d = json.load(open("key-dan.json"))
extra = dict(d, claims=dict(d["claims"], **{"g[4z]": [0.5]}))
json.dump(extra, open("extra.json", "w"))
e = json.load(open("key-eve.json"))
missing = dict(e, claims={n: v for n, v in e["claims"].items() if n != "g[1b]"})
json.dump(missing, open("missing.json", "w"))
EOF
"$BACKSTEP" grade run1 notjson.json unknown.json shape.json key-ann.json key-ann.json extra.json \
    missing.json key-bob.json -o book.csv >out 2>err
rc=$?
[ $rc -eq 1 ] && ok || bad "grade with bad submissions exited $rc"
# one row per roster student in roster order, then the files of nobody on it
[ "$(wc -l <book.csv)" -eq 8 ] && ok || bad "gradebook has $(wc -l <book.csv) lines, expected 8"
line_has() { # n text
    sed -n "$1p" book.csv | grep -q -- "$2" && ok || bad "gradebook line $1 lacks '$2': $(sed -n "$1p" book.csv)"
}
line_has 2 '^ann,key-ann.json,2,graded,12/12,'
line_has 3 '^bob,key-bob.json,1,graded,12/12,'
# a bad field costs its step, not the submission: a 2×2 answer for a 3×2 step
# is malformed, a key not asked is ignored, a key left out is not answered
line_has 4 '^carol,shape.json,1,graded,11/12,11,12,91.67,,right,right,right,right,right,right,malformed,'
line_has 5 '^dan,extra.json,1,graded,12/12,'
line_has 6 '^eve,missing.json,1,graded,11/12,.*,missing,,,carry$'
line_has 7 '^,notjson.json,1,error,.*not valid JSON: 2:1'
line_has 8 '^dave,unknown.json,1,not on roster,.*unknown id ""dave"": not on the exercise.s roster'
[ "$(grep -c 'backstep: .*\.json: ' err)" -eq 5 ] && ok || bad "stderr: $(cat err)"
grep -q 'graded 5 of 5 students from 8 files (0 missing, 2 other rows' out && ok || bad "summary: $(cat out)"
grep -qF 'backstep: extra.json: warning: claims: "g[4z]" is not one of the asked steps (did you mean "g[3z]"?): ignored' err &&
    grep -q '^backstep: missing.json: warning: claims: the key "g\[1b\]" is missing' err &&
    grep -q '^backstep: shape.json: claims.g\[2W\]: expected 3×2.* (marked malformed)$' err && ok ||
    bad "stderr of the partly graded files: $(cat err)"
grep -q '`g\[2W\]` could not be read: claims.g\[2W\]: expected 3×2' run1/feedback/carol.md && ok ||
    bad "feedback/carol.md: $(cat run1/feedback/carol.md 2>&1)"
[ ! -e run1/feedback/dave.md ] && ok || bad "feedback written for an unknown id"
"$BACKSTEP" grade nodir key-ann.json >/dev/null 2>err
[ $? -eq 2 ] && grep -q 'nodir/exercise.json' err && ok || bad "grade of a missing DIR: $(cat err)"

# ── a feedback file that cannot be written loses nothing else ───────────
# (the tests run as root, which a read-only directory does not stop: each
# case blocks the path itself)
feedback_blocked() { # how-to-block description
    rm -rf run1/feedback book.csv
    eval "$1"
    "$BACKSTEP" grade run1 key-ann.json key-bob.json key-carol.json -o book.csv >out 2>err
    local rc=$?
    [ $rc -eq 2 ] && ok || bad "$2: exit $rc, expected 2: $(cat err)"
    # the gradebook is whole: the header and the three graded rows
    [ "$(grep -c ',graded,12/12,' book.csv 2>/dev/null)" -eq 3 ] && ok ||
        bad "$2: gradebook: $(cat book.csv 2>&1)"
    grep -q 'graded 3 of 5 students from 3 files.*some not written' out && ok || bad "$2: summary: $(cat out)"
}
feedback_blocked 'mkdir -p run1/feedback/bob.md' 'feedback/bob.md a directory'
grep -q 'Every step is right' run1/feedback/ann.md && grep -q 'Every step is right' run1/feedback/carol.md &&
    ok || bad "the other feedback files were not written"
[ "$(wc -l <err)" -eq 1 ] && grep -q '^backstep: run1/feedback/bob.md: is a directory' err && ok ||
    bad "feedback/bob.md a directory: stderr: $(cat err)"
feedback_blocked 'touch run1/feedback' 'feedback a regular file'
[ "$(grep -c '^backstep: run1/feedback/[a-z]*\.md: cannot create its directory run1/feedback: exists and is not a directory$' err)" -eq 3 ] &&
    ok || bad "feedback a regular file: stderr: $(cat err)"
feedback_blocked 'ln -s "$TMP/no/such/dir" run1/feedback' 'feedback a dangling symbolic link'
[ "$(grep -c '^backstep: run1/feedback/[a-z]*\.md: ' err)" -eq 3 ] && ok ||
    bad "feedback a dangling symbolic link: stderr: $(cat err)"
rm -rf run1/feedback

# ── the gradebook is never written over what grade reads or writes ──────
cp key-ann.json key-ann.copy
for o in key-ann.json run1/exercise.json run1/ann/spec.json ./run1/../run1/ann/spec.json \
    run1/feedback/ann.md; do
    cp run1/exercise.json manifest.copy
    cp run1/ann/spec.json variant.copy
    "$BACKSTEP" grade run1 key-ann.json -o "$o" >/dev/null 2>err
    rc=$?
    [ $rc -eq 2 ] && grep -Eq "^backstep: $o: is .*; refusing to write (the gradebook )?over it$" err &&
        ok || bad "grade -o $o: exit $rc: $(cat err)"
    cmp -s key-ann.json key-ann.copy && cmp -s run1/exercise.json manifest.copy &&
        cmp -s run1/ann/spec.json variant.copy && ok || bad "grade -o $o wrote over an input"
done
[ ! -e run1/feedback ] && ok || bad "grade -o over an input wrote feedback"
# the glob slip: "grade run1 -o ret/*.json" makes the first answers file the
# output, which grade never reads; an existing file that is not a gradebook is
# never replaced (a gradebook, or an empty file, is)
mkdir -p slip && cp key-ann.json slip/a.json && cp key-ann.json slip/b.json
"$BACKSTEP" grade run1 -o slip/a.json slip/b.json >/dev/null 2>err
rc=$?
[ $rc -eq 2 ] && grep -q "^backstep: slip/a.json: is an existing file that is not a gradebook" err &&
    cmp -s slip/a.json key-ann.json && ok || bad "grade -o over an answers file (glob slip): exit $rc: $(cat err)"
"$BACKSTEP" grade run1 slip/b.json -o slip/book.csv >/dev/null 2>err &&
    "$BACKSTEP" grade run1 slip/b.json -o slip/book.csv >/dev/null 2>>err && ok ||
    bad "grade -o over its own earlier gradebook: $(cat err)"
rm -rf slip run1/feedback

# ── an empty -o or path is refused, never taken for / ────────────────────
# (the spec does not exist, so that a backstep without the refusal fails
# here without writing into /; check_exercise's test_write_empty_dir holds
# that an empty directory is not the root directory)
OUTDIR=
"$BACKSTEP" exercise no-such-spec.json --roster roster.txt -o "$OUTDIR" >/dev/null 2>err
rc=$?
[ $rc -eq 2 ] && grep -q 'option "-o" needs a value: DIR, got an empty string' err && ok ||
    bad "exercise -o '': exit $rc: $(cat err)"
"$BACKSTEP" exercise "$ROOT/specs/4-3-2-1-bce.json" --roster= -o rempty >/dev/null 2>err
[ $? -eq 2 ] && grep -q 'option "--roster" needs a value' err && [ ! -e rempty ] && ok ||
    bad "exercise --roster=: $(cat err)"
"$BACKSTEP" grade run1 key-ann.json -o "" >out 2>err
[ $? -eq 2 ] && grep -q 'option "-o" needs a value: FILE' err && [ ! -s out ] && ok ||
    bad "grade -o '': $(cat err)"
"$BACKSTEP" quiz "$ROOT/specs/4-3-2-1-bce.json" --record "" </dev/null >/dev/null 2>err
[ $? -eq 2 ] && grep -q 'option "--record" needs a value' err && ok || bad "quiz --record '': $(cat err)"

# ── one CSV for every reader: fields, formulas, failed then valid ───────
python3 - <<'EOF'
import json
k = json.load(open("key-ann.json"))
ids = ["=1+1", "+SUM(2,3)", "@SUM(1+1)", "-1+2", "\t=1", 'a,"b"', "../x"]
for i, id in enumerate(ids):
    json.dump({"id": id, "claims": k["claims"]}, open("odd%d.json" % i, "w"))
# ann: first a file that cannot be graded (its claims a list), then a valid one
json.dump(dict(k, claims=[k["claims"]]), open("ann-extra.json", "w"))
json.dump(json.load(open("key-bob.json")), open("=cmd|' -C calc'!A0.json", "w"))
EOF
rm -rf run1/feedback
"$BACKSTEP" grade run1 ann-extra.json key-ann.json odd0.json odd1.json odd2.json odd3.json \
    odd4.json odd5.json odd6.json "=cmd|' -C calc'!A0.json" -o book.csv >out 2>err
rc=$?
[ $rc -eq 1 ] && ok || bad "grade with odd ids exited $rc: $(cat err)"
python3 - book.csv <<'EOF' && ok || bad "gradebook as CSV: see above"
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
head, body = rows[0], rows[1:]
# 5 + points, max_points, percent, other_variant + 12 asked steps + mistakes
# + error + policy, counted from the header
bad = [r for r in body if len(r) != len(head) or len(head) != 24]
if bad:
    sys.exit("rows with other than %d fields: %s" % (len(head), bad))
# the 5 roster students, then the 7 odd ids
if len(body) != 12:
    sys.exit("expected 12 rows, got %d" % len(body))
ann = body[0]
if ann[:5] != ["ann", "key-ann.json", "2", "graded", "12/12"]:
    sys.exit("ann: a failed file blocked the valid one: %s" % ann)
# OWASP: no cell starts with a formula character; the ids show as text
for r in body:
    for c in r:
        if c[:1] in ("=", "+", "-", "@", "\t", "\r"):
            sys.exit("cell %r starts a formula" % c)
# (an id that cannot be an id is shown as in messages: a quote as \"; the
# spaces around an id are not part of it)
want = ["'=1+1", "'+SUM(2,3)", "'@SUM(1+1)", "'-1+2", "'=1", 'a,\\"b\\"', "../x"]
got = [r[0] for r in body[5:12]]
if got != want:
    sys.exit("ids %r, expected %r" % (got, want))
if {r[3] for r in body[5:12]} != {"not on roster"}:
    sys.exit("odd ids: %r" % body[5:12])
if body[1][:4] != ["bob", "'=cmd|' -C calc'!A0.json", "1", "graded"]:
    sys.exit("file name: %r" % body[1])
if [r[3] for r in body[2:5]] != ["missing"] * 3:
    sys.exit("carol, dan, eve: %r" % body[2:5])
EOF
grep -q 'Every step is right' run1/feedback/ann.md && ok ||
    bad "feedback/ann.md is not that of the graded file: $(cat run1/feedback/ann.md)"
[ -z "$(find "$TMP" -name 'x.md')" ] && [ "$(ls run1/feedback | sort | tr '\n' ' ')" = "ann.md bob.md " ] &&
    ok || bad "feedback written outside feedback/<roster id>.md: $(ls -R run1/feedback)"
# key/summary.csv: the same field count on every row, its numbers numbers
python3 - run1/key/summary.csv <<'EOF' && ok || bad "key/summary.csv as CSV"
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
if any(len(r) != len(rows[0]) for r in rows):
    sys.exit("rows of different lengths")
for r in rows[1:]:
    float(r[3])  # the loss
    for c in r[4:]:
        if " " not in c and ";" not in c:
            float(c)  # a step of one element is a number (-0.0113 stays a number)
EOF

# ── exercise --force: other files kept; a write that stops is not a set ─
"$BACKSTEP" exercise "$ROOT/specs/4-3-2-1-bce.json" --roster roster.txt -o run5 --seed 7 \
    --formats markdown >/dev/null 2>&1
echo notes >run5/notes.txt
"$BACKSTEP" exercise "$ROOT/specs/4-3-2-1-bce.json" --roster roster.txt -o run5 --seed 8 \
    --formats markdown --force >/dev/null 2>err
[ $? -eq 0 ] && [ "$(cat run5/notes.txt)" = notes ] && ok || bad "--force lost notes.txt: $(cat err)"
rm run5/carol/sheet.md
mkdir run5/carol/sheet.md
"$BACKSTEP" exercise "$ROOT/specs/4-3-2-1-bce.json" --roster roster.txt -o run5 --seed 9 \
    --formats markdown --force >/dev/null 2>err
rc=$?
[ $rc -eq 2 ] && grep -q 'run5/carol/sheet.md: is a directory' err && ok ||
    bad "a blocked file of --force: exit $rc: $(cat err)"
[ ! -e run5/exercise.json ] && ok || bad "a set written halfway kept its old exercise.json"
"$BACKSTEP" grade run5 key-ann.json >/dev/null 2>err
[ $? -eq 2 ] && grep -q 'run5/exercise.json' err && ok || bad "grade of a set written halfway: $(cat err)"

# ── exercise never writes over its spec or its roster ────────────────────
rmdir run5/carol/sheet.md
cp run5/ann/spec.json variant.copy
"$BACKSTEP" exercise run5/ann/spec.json --roster roster.txt -o run5 --formats markdown --force \
    >/dev/null 2>err
rc=$?
[ $rc -eq 2 ] && grep -q '^backstep: run5/ann/spec.json: is .*reads; refusing' err &&
    cmp -s run5/ann/spec.json variant.copy && ok || bad "exercise over its spec: exit $rc: $(cat err)"
cp roster.txt run5/exercise.json
"$BACKSTEP" exercise "$ROOT/specs/4-3-2-1-bce.json" --roster ./run5/exercise.json -o run5 \
    --formats markdown --force >/dev/null 2>err
rc=$?
[ $rc -eq 2 ] && grep -q '^backstep: run5/exercise.json: is .*reads; refusing' err &&
    cmp -s run5/exercise.json roster.txt && ok || bad "exercise over its roster: exit $rc: $(cat err)"

# ── a class of 30: roster typed in an editor, resubmissions, a typo'd id ─
# (the roster: a header, a comment, CRLF line ends, blank lines)
{ printf 'id\r\n# section A\r\n'; for i in $(seq -w 1 30); do printf 's0%s\r\n' "$i"; done; printf '\r\n\r\n'; } >class.txt
"$BACKSTEP" exercise "$ROOT/specs/4-3-2-1-bce.json" --roster class.txt -o class --seed 3 \
    --steps 'g[3z]' --formats markdown >/dev/null 2>err && ok || bad "class roster: $(cat err)"
[ "$(python3 -c 'import json; print(len(json.load(open("class/exercise.json"))["ids"]))')" = 30 ] &&
    ok || bad "class: not 30 ids"
# right answers: g[3z] = (a[3] - y)/B for sigmoid + bce (handout 001), worked
# here in Python from each variant's own numbers
cat >answer.py <<'EOF'
import json, math, sys
spec, id, out = sys.argv[1:4]
s = json.load(open(spec))
a = s["x"] if isinstance(s["x"][0], list) else [s["x"]]
for l in (1, 2, 3):
    W, b = s["params"]["W%d" % l], s["params"]["b%d" % l]
    a = [[1 / (1 + math.exp(-(sum(r[i] * W[i][j] for i in range(len(r))) + b[j])))
          for j in range(len(b))] for r in a]
y = s["y"] if isinstance(s["y"], list) else [s["y"]]
y = y if isinstance(y[0], list) else [y]
B = len(a)
json.dump({"id": id, "claims": {"g[3z]": [[(p - t) / B for p, t in zip(r, yr)] for r, yr in zip(a, y)]}}, open(out, "w"))
EOF
mkdir -p returned
for i in $(seq -w 1 29); do python3 answer.py "class/s0$i/spec.json" "s0$i" "returned/s0$i.json"; done
# s030 handed nothing in; s022's file carries s001's id (a typo)
python3 answer.py class/s022/spec.json s001 returned/s022.json
# s005 handed in twice: an older wrong file, a newer right one (uppercase id)
python3 - <<'EOF'
import json
json.dump({"id": "s005", "claims": {"g[3z]": [[0.5]]}}, open("returned/s005-old.json", "w"))
k = json.load(open("returned/s005.json")); k["id"] = " S005 "
json.dump(k, open("returned/s005.json", "w"))
EOF
touch -d '2026-01-02 10:00' returned/s005-old.json
touch -d '2026-01-02 11:00' returned/s005.json
for order in forward reverse; do
    files=$(ls returned/*.json)
    [ $order = reverse ] && files=$(ls returned/*.json | sort -r)
    rm -rf class/feedback
    "$BACKSTEP" grade class $files -o class.csv >out 2>err
    rc=$?
    [ $rc -eq 1 ] && ok || bad "class grade ($order) exited $rc: $(cat err)"
    python3 - class.csv <<'EOF' && ok || bad "class gradebook ($order): see above"
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
head, body = rows[0], rows[1:]
if any(len(r) != len(head) for r in body):
    sys.exit("a row without the header's fields")
ids = ["s0%02d" % i for i in range(1, 31)]
if [r[0] for r in body[:30]] != ids:
    sys.exit("not one row per roster id in roster order: %r" % [r[0] for r in body])
row = {r[0]: r for r in body[:30]}
if row["s001"][1:5] != ["returned/s001.json", "1", "graded", "1/1"]:
    sys.exit("s001: %r" % row["s001"])
if row["s005"][1:5] != ["returned/s005.json", "2", "graded", "1/1"]:
    sys.exit("s005: %r" % row["s005"])
if row["s022"][3] != "missing" or "returned/s022.json" not in row["s022"][head.index("error")]:
    sys.exit("s022: %r" % row["s022"])
if row["s030"][2:4] != ["0", "missing"]:
    sys.exit("s030: %r" % row["s030"])
if len(body) != 31 or body[30][1] != "returned/s022.json" or body[30][3] != "check":
    sys.exit("the typo'd file: %r" % body[30:])
EOF
    grep -q '^backstep: returned/s022.json: the file.s name says s022 but its id says s001' err &&
        ok || bad "class ($order): no warning for s022: $(cat err)"
    grep -q 'returned/s001.json' class/feedback/s001.md && [ ! -e class/feedback/s022.md ] &&
        ok || bad "class ($order): feedback of s001 or s022"
done
"$BACKSTEP" grade class returned/s005-old.json returned/s005.json --resubmissions first >first.csv 2>/dev/null
grep -q '^s005,returned/s005-old.json,2,graded,0/1,' first.csv && ok || bad "--resubmissions first: $(grep s005 first.csv)"
"$BACKSTEP" grade class returned/s005-old.json returned/s005.json --resubmissions error >err.csv 2>/dev/null
[ $? -eq 1 ] && grep -q '^s005,,2,error,.*2 files handed in' err.csv && ok || bad "--resubmissions error: $(grep s005 err.csv)"
# a 64-character id is never cut
long=$(printf 'x%.0s' $(seq 64))
printf '%s\nann\n' "$long" >long.txt
"$BACKSTEP" exercise "$ROOT/specs/4-3-2-1-bce.json" --roster long.txt -o longset --steps 'g[3z]' \
    --formats markdown >/dev/null 2>&1
python3 answer.py "longset/$long/spec.json" "$long" long.json
"$BACKSTEP" grade longset long.json >long.csv 2>err
grep -q "^$long,long.json,1,graded,1/1," long.csv && [ -e "longset/feedback/$long.md" ] && ok ||
    bad "a 64-character id: $(cat long.csv err)"
# an edited variant is named and not trusted
cp class/s002/spec.json class/s001/spec.json
"$BACKSTEP" grade class returned/s001.json >one.csv 2>err
grep -q '^backstep: class/s001/spec.json: differs from the variant drawn from the seed' err &&
    grep -q '^s001,returned/s001.json,1,graded,1/1,' one.csv && ok || bad "edited variant: $(cat err one.csv)"
# the manifest is checked: one line, the JSON path, exit 2
cp class/exercise.json manifest.good
sed -i 's/"g\[3z\]"\]/"g[3z]", "g[3z]"]/' class/exercise.json
"$BACKSTEP" grade class returned/s001.json >/dev/null 2>err
[ $? -eq 2 ] && [ "$(wc -l <err)" -eq 1 ] && grep -q '^backstep: class/exercise.json: steps\[1\]: g\[3z\] is asked twice' err &&
    ok || bad "duplicate step in the manifest: $(cat err)"
cp manifest.good class/exercise.json
# a late student: exercise DIR --add; the others' files are untouched
cp -r class class.before
printf 's031\n' >late.txt
"$BACKSTEP" exercise class --add late.txt >out 2>err && ok || bad "--add: $(cat err)"
for f in s001/spec.json s001/answers.json s030/sheet.md key/s030.md; do
    cmp -s "class/$f" "class.before/$f" && ok || bad "--add changed $f"
done
[ -s class/s031/spec.json ] && python3 answer.py class/s031/spec.json s031 s031.json &&
    "$BACKSTEP" grade class returned/s002.json s031.json >add.csv 2>err &&
    grep -q '^s031,s031.json,1,graded,1/1,' add.csv && grep -q '^s002,returned/s002.json,1,graded,1/1,' add.csv &&
    ok || bad "grading after --add: $(cat err add.csv)"
printf 'S031\n' >again.txt
"$BACKSTEP" exercise class --add again.txt >/dev/null 2>err
[ $? -eq 2 ] && grep -q 'again.txt: line 1: id "S031" is already in the exercise set' err && ok ||
    bad "--add of an id in the set: $(cat err)"

finish
