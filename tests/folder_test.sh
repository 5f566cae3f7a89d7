#!/usr/bin/env bash
# folder_test.sh — what `backstep exercise` hands out, its keys and its booklets.
#
# usage: bash tests/folder_test.sh BACKSTEP SOURCE_ROOT
#
#   - students/<id>/ holds only the sheet (every format) and answers.json, the
#     same bytes as <id>/, and no value of any backward step: every value,
#     recomputed here with NumPy from the student's spec.json and printed at
#     the sheet's three significant digits (and at four), is searched for as
#     a number in every file of the folder;
#   - <id>/key.md and <id>/key.html show every step of the forward and the
#     backward pass at three significant digits, equal to NumPy's values
#     within half a unit of the last printed digit, and mark exactly the
#     asked steps with their question numbers;
#   - booklet-sheets.html and booklet-keys.html are well formed, hold one
#     section a student in roster order with a page break after each; a
#     sheet section is the student's own sheet, its numbers that student's
#     spec and no other's; a key section holds that student's NumPy values;
#   - a second run into the set is refused without --force and changes
#     nothing; `--add` adds the late students' folders, keys and booklet
#     pages, leaves every other student's file as it was and rewrites the
#     booklets whole (the same as a run with the whole roster); grading the
#     folder's answers.json, filled with NumPy's values, gives full marks;
#   - "students" is refused as an id.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

BACKSTEP=${1:?usage: folder_test.sh BACKSTEP SOURCE_ROOT}
ROOT=${2:?usage: folder_test.sh BACKSTEP SOURCE_ROOT}
BACKSTEP=$(realpath "$BACKSTEP")
ROOT=$(realpath "$ROOT")
PY=/usr/bin/python3
scratch TMP bs_folder
cd "$TMP" || exit 1

SPEC="$ROOT/specs/4-3-2-1-bce.json"
ASK='g[3z],dW2,g[2b],g[1a],g[1W]'
printf 'ann\nbob\ncarol\ndan\neve\n' >roster.txt

# NumPy's values of every step of a row-convention sigmoid network with
# binary cross-entropy, B = 1 (handout 001), from a spec.json, in the order
# z[1], a[1], …, a[L], L, g[La], g[Lz], g[LW], g[Lb], …, g[1b].
cat >ref.py <<'EOF'
import json
import numpy as np

def steps(spec_path):
    s = json.load(open(spec_path))
    L = len(s["layers"]) - 1
    W = [None] + [np.array(s["params"]["W%d" % l], float) for l in range(1, L + 1)]
    b = [None] + [np.array(s["params"]["b%d" % l], float).reshape(1, -1) for l in range(1, L + 1)]
    a = [np.array(s["x"], float).reshape(1, -1)]
    y = np.array(s["y"], float).reshape(1, -1)
    out, z = [], [None]
    for l in range(1, L + 1):
        z.append(a[l - 1] @ W[l] + b[l])
        a.append(1 / (1 + np.exp(-z[l])))
        out += [("z[%d]" % l, z[l]), ("a[%d]" % l, a[l])]
    yh = a[L]
    loss = -np.sum(y * np.log(yh) + (1 - y) * np.log(1 - yh))
    out.append(("L", np.array([[loss]])))
    ga = -(y / yh - (1 - y) / (1 - yh))
    for l in range(L, 0, -1):
        gz = ga * a[l] * (1 - a[l])
        gW = a[l - 1].T @ gz
        gb = gz
        out += [("g[%da]" % l, ga), ("g[%dz]" % l, gz), ("g[%dW]" % l, gW), ("g[%db]" % l, gb)]
        ga = gz @ W[l].T
    return out

def sig(v, n=3):
    """v to n significant digits, fixed notation, trailing zeros kept."""
    if v == 0:
        return "0"
    e = int(np.floor(np.log10(abs(v))))
    return "%.*f" % (max(0, n - 1 - e), v)
EOF

"$BACKSTEP" exercise "$SPEC" --roster roster.txt -o ex --seed 7 --steps "$ASK" >out 2>err
rc=$?
[ $rc -eq 0 ] && ok || bad "exercise exited $rc: $(cat err)"

# ── the student folder ──────────────────────────────────────────────────
for id in ann bob carol dan eve; do
    got=$(cd "ex/students/$id" 2>/dev/null && ls | tr '\n' ' ')
    [ "$got" = "answers.json sheet.html sheet.md sheet.tex " ] && ok ||
        bad "students/$id holds '$got', not the sheets and answers.json alone"
    for f in answers.json sheet.html sheet.md sheet.tex; do
        cmp -s "ex/students/$id/$f" "ex/$id/$f" && ok || bad "students/$id/$f differs from $id/$f"
    done
done
msg=$("$PY" - ex <<'EOF'
import os, re, sys
sys.path.insert(0, ".")
from ref import steps, sig
ex = sys.argv[1]
NUM = re.compile(r"(?<![\w.])-?\d+\.\d+(?![\w.])")
problems = []
for sid in sorted(os.listdir(os.path.join(ex, "students"))):
    folder = os.path.join(ex, "students", sid)
    tokens = set()
    for f in os.listdir(folder):
        text = open(os.path.join(folder, f), encoding="utf-8").read().replace("\u2212", "-")
        tokens |= set(NUM.findall(text))
    for name, v in steps(os.path.join(ex, sid, "spec.json")):
        if not name.startswith("g"):
            continue
        for x in v.ravel():
            for n in (3, 4):
                if sig(x, n) in tokens:
                    problems.append("%s: %s of %s is in the folder" % (sid, sig(x, n), name))
print("; ".join(problems[:5]))
EOF
)
[ -z "$msg" ] && ok || bad "a right value is in a student folder: $msg"
[ ! -e ex/students/ann/spec.json ] && ok || bad "the student folder holds spec.json"

# ── keys: every step, the asked ones marked, the values NumPy's ─────────
for id in ann dan; do
    for fmt in md html; do
        msg=$("$PY" - "ex/$id" "$fmt" <<'EOF'
import re, sys
sys.path.insert(0, ".")
from ref import steps
d, fmt = sys.argv[1], sys.argv[2]
want = steps(d + "/spec.json")
asked = {"g[3z]": 1, "g[2W]": 2, "g[2b]": 3, "g[1a]": 4, "g[1W]": 5}
text = open(d + "/key." + fmt, encoding="utf-8").read().replace("\u2212", "-")
blocks = []
if fmt == "md":
    for m in re.finditer(r"^### \$(.*?)\$, (\d+)×(\d+)([^\n]*)\n\n\$\$\n(.*?)\n\$\$", text, re.M | re.S):
        q = re.search(r"asked, question (\d+)", m.group(4))
        body = m.group(5).split("=", 1)[1]
        rows = [re.findall(r"-?\d+(?:\.\d+)?", r) for r in body.split("\\\\")]
        blocks.append((m.group(1), int(m.group(2)), int(m.group(3)), q and int(q.group(1)), rows))
else:
    for m in re.finditer(r"<h3>(.*?)</h3>\n<table class=\"key\">\n(.*?)</table>", text, re.S):
        q = re.search(r"asked, question (\d+)", m.group(1))
        sh = re.search(r"(\d+) × (\d+)", m.group(1))
        rows = [re.findall(r"<td>(.*?)</td>", r) for r in re.findall(r"<tr>(.*?)</tr>", m.group(2))]
        blocks.append((m.group(1), int(sh.group(1)), int(sh.group(2)), q and int(q.group(1)), rows))
errs = []
if len(blocks) != len(want):
    errs.append("%d steps, expected %d" % (len(blocks), len(want)))
for (name, v), (head, r, c, q, rows) in zip(want, blocks):
    if (r, c) != v.shape:
        errs.append("%s: %d×%d, expected %s" % (name, r, c, v.shape))
        continue
    if q != asked.get(name):
        errs.append("%s: marked question %s, expected %s" % (name, q, asked.get(name)))
    for i in range(r):
        for j in range(c):
            t = rows[i][j]
            dec = len(t.split(".")[1]) if "." in t else 0
            digits = len(t.lstrip("-").replace(".", "").lstrip("0"))
            if abs(float(t) - v[i, j]) > 0.5 * 10 ** -dec + 1e-12 or digits not in (3, 4):
                errs.append("%s[%d,%d]: %s, NumPy %.6g" % (name, i + 1, j + 1, t, v[i, j]))
print("; ".join(errs[:5]))
EOF
)
        [ -z "$msg" ] && ok || bad "$id/key.$fmt: $msg"
    done
done

# ── booklets ────────────────────────────────────────────────────────────
wellformed() {
    "$PY" - "$1" <<'EOF'
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
}
for b in booklet-sheets booklet-keys; do
    msg=$(wellformed "ex/$b.html")
    [ -f "ex/$b.html" ] && [ -z "$msg" ] && ok || bad "ex/$b.html is missing or not well formed: $msg"
    if command -v xmllint >/dev/null; then
        # libxml2 knows no HTML5 element names; anything else is an error
        msg=$(xmllint --html --noout "ex/$b.html" 2>&1 | grep 'error' | grep -v 'Tag [a-z]* invalid')
        [ -z "$msg" ] && ok || bad "xmllint: ex/$b.html: $msg"
    fi
    grep -q 'section.student{break-after:page}' "ex/$b.html" && ok || bad "$b: no page break"
    grep -q 'table.blank td{width:11.5em' "ex/$b.html" && ok || bad "$b: not the sheet's print CSS"
done
msg=$("$PY" - ex <<'EOF'
import json, re, sys
sys.path.insert(0, ".")
from ref import steps
ex = sys.argv[1]
ids = ["ann", "bob", "carol", "dan", "eve"]
errs = []
def sections(path, prefix):
    text = open(path, encoding="utf-8").read()
    return re.findall(r'<section class="student" id="%s-([^"]+)">\n(.*?)</section>\n(?=<section class="student"|</main>)' % prefix, text, re.S)
def spec_numbers(sid):
    s = json.load(open("%s/%s/spec.json" % (ex, sid)))
    nums = []
    for l in (1, 2, 3):
        nums += list(map(float, sum(s["params"]["W%d" % l], [])))
        nums += list(map(float, s["params"]["b%d" % l]))
    return nums + list(map(float, s["x"]))
def mn_numbers(html):
    return [float(t.replace("\u2212", "-")) for t in re.findall(r"<mn>([^<]*\.[^<]*)</mn>", html)]
sh = sections(ex + "/booklet-sheets.html", "sheet")
if [s for s, _ in sh] != ids:
    errs.append("sheet sections %s" % [s for s, _ in sh])
for sid, body in sh:
    own = open("%s/%s/sheet.html" % (ex, sid), encoding="utf-8").read()
    main = own.split("<main>\n", 1)[1].split("</main>", 1)[0]
    if body != main:
        errs.append("%s: the booklet's sheet is not the student's sheet" % sid)
    for other in ids:
        same = mn_numbers(body) == spec_numbers(other)
        if same != (other == sid):
            errs.append("%s's sheet section %s %s's numbers" % (sid, "has" if same else "lacks", other))
ky = sections(ex + "/booklet-keys.html", "key")
if [s for s, _ in ky] != ids:
    errs.append("key sections %s" % [s for s, _ in ky])
def key_numbers(html):
    return [float(t.replace("\u2212", "-")) for t in re.findall(r"<td>([^<]*)</td>", html)]
for sid, body in ky:
    for other in ids:
        want = [x for _, v in steps("%s/%s/spec.json" % (ex, other)) for x in v.ravel()]
        got = key_numbers(body)
        same = len(got) == len(want) and all(abs(g - w) <= 6e-3 * abs(w) + 1e-12 for g, w in zip(got, want))
        if same != (other == sid):
            errs.append("%s's key section %s %s's values" % (sid, "has" if same else "lacks", other))
print("; ".join(errs[:5]))
EOF
)
[ -z "$msg" ] && ok || bad "booklets: $msg"

# ── nothing overwritten; --add; grading the folder's answers ───────────
cp -r ex ex.before
"$BACKSTEP" exercise "$SPEC" --roster roster.txt -o ex --seed 8 >/dev/null 2>err
rc=$?
[ $rc -eq 2 ] && diff -r ex ex.before >/dev/null && ok ||
    bad "a second run into ex/ exited $rc or changed it without --force"
printf 'frank\nGina\n' >late.txt
"$BACKSTEP" exercise ex --add late.txt >/dev/null 2>err
rc=$?
[ $rc -eq 0 ] && ok || bad "exercise --add exited $rc: $(cat err)"
changed=$(diff -rq ex.before ex | grep -v -e 'Only in ex/students: frank' -e 'Only in ex/students: Gina' \
    -e 'Only in ex: frank' -e 'Only in ex: Gina' -e 'Only in ex/key: frank' -e 'Only in ex/key: Gina' \
    -e 'ex/booklet-sheets.html differ' -e 'ex/booklet-keys.html differ' \
    -e 'ex/key/summary.csv differ' -e 'ex/exercise.json differ')
[ -z "$changed" ] && ok || bad "--add changed other files: $changed"
printf 'ann\nbob\ncarol\ndan\neve\nfrank\nGina\n' >all.txt
"$BACKSTEP" exercise "$SPEC" --roster all.txt -o whole --seed 7 --steps "$ASK" >/dev/null 2>&1
diff -r ex whole >/dev/null && ok || bad "--add gives other files than a run with the whole roster"
[ -f ex/students/Gina/answers.json ] && [ -f ex/Gina/key.html ] &&
    grep -q 'id="key-Gina"' ex/booklet-keys.html && grep -q 'id="sheet-frank"' ex/booklet-sheets.html &&
    ok || bad "--add did not add Gina's and frank's folders, keys and booklet pages"
"$PY" - ex/students/bob/answers.json ex/bob/spec.json >bob.json <<'EOF'
import json, sys
sys.path.insert(0, ".")
from ref import steps
a = json.load(open(sys.argv[1]))
v = dict(steps(sys.argv[2]))
names = {"g[3z]": "g[3z]", "g[2W]": "g[2W]", "g[2b]": "g[2b]", "g[1a]": "g[1a]", "g[1W]": "g[1W]"}
for k in a["claims"]:
    a["claims"][k] = v[names[k]].tolist()
print(json.dumps(a))
EOF
"$BACKSTEP" grade ex bob.json -o book.csv >/dev/null 2>err
rc=$?
row=$(grep '^bob,' book.csv 2>/dev/null | cut -d, -f4,5)
[ $rc -eq 0 ] && [ "$row" = "graded,5/5" ] && ok ||
    bad "grading the folder's answers.json filled with NumPy's values: exit $rc, '$row' $(cat err)"

# the formats asked for: Markdown alone gives no booklets and no HTML key
"$BACKSTEP" exercise "$SPEC" --roster roster.txt -o md --formats markdown >/dev/null 2>&1
got=$(cd md/students/ann 2>/dev/null && ls | tr '\n' ' ')
[ "$got" = "answers.json sheet.md " ] && [ -f md/ann/key.md ] && [ ! -e md/ann/key.html ] &&
    [ ! -e md/booklet-sheets.html ] && [ ! -e md/booklet-keys.html ] && ok ||
    bad "--formats markdown: students/ann holds '$got', or an HTML key or booklet was written"
if command -v pdflatex >/dev/null; then
    (cd ex/ann && timeout 120 pdflatex -interaction=nonstopmode -halt-on-error key.tex \
        >/dev/null 2>&1) && ok || bad "ex/ann/key.tex does not compile with pdflatex"
fi

printf 'ann\nstudents\n' >clash.txt
"$BACKSTEP" exercise "$SPEC" --roster clash.txt -o clash >/dev/null 2>err
rc=$?
[ $rc -eq 2 ] && grep -q 'clash.txt.*line 2.*students' err && ok ||
    bad "the id \"students\" was not refused (exit $rc): $(cat err)"

finish
