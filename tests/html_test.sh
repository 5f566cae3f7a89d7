#!/usr/bin/env bash
# html_test.sh — the HTML page: well-formed, self-contained, deterministic,
# and (when chromium is installed) really rendered: a screenshot that is not
# blank and MathML laid out natively.
#
# usage: bash tests/html_test.sh BACKSTEP SOURCE_ROOT
# exit:  0 all passed, 1 some check failed, 77 chromium not found (the
#        checks that need no browser passed)
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

BACKSTEP=${1:?usage: html_test.sh BACKSTEP SOURCE_ROOT}
ROOT=${2:?usage: html_test.sh BACKSTEP SOURCE_ROOT}
SPECS="$ROOT/specs"
scratch TMP bs_html
SAY_OK=1 # each check that holds is said too

HANDOUTS="000-2-3-2-mse 4-3-2-1-bce 4-5-3-softmax-ce-l2 mnist-784-200-100-10"

# ── render ──────────────────────────────────────────────────────────────
# NAME SPEC OPTIONS…: writes $TMP/NAME.html; the exit status of a trace is
# 0 or 1 (a failed check), anything else is an error
render() {
    local name=$1 spec=$2
    shift 2
    "$BACKSTEP" trace "$spec" --format html "$@" >"$TMP/$name.html" 2>"$TMP/$name.err"
    local rc=$?
    if [ $rc -le 1 ] && [ -s "$TMP/$name.html" ]; then
        ok "render $name ($*)"
        PAGES="$PAGES $name"
    else
        bad "render $name ($*): exit $rc: $(head -c 300 "$TMP/$name.err")"
    fi
}

PAGES=""
for h in $HANDOUTS; do
    render "$h" "$SPECS/$h.json" --terms --explain
done
render plain-000 "$SPECS/000-2-3-2-mse.json"
for nt in g partial code; do
    render "notation-$nt" "$SPECS/4-3-2-1-bce.json" --notation "$nt" --terms --explain
done
render "notation-code-453" "$SPECS/4-5-3-softmax-ce-l2.json" --notation code --terms
render "partial-mnist" "$SPECS/mnist-784-200-100-10.json" --notation partial
# a student's claims beside backstep's values, one of them wrong
render claims "$ROOT/tests/claims-4-3-2-1.json"
if [ -s "$TMP/claims.html" ]; then
    n=$(grep -o 'Your claim' "$TMP/claims.html" | wc -l)
    if [ "$n" -eq 5 ] && grep -q '✗ The claim disagrees</strong>: 2 of 2 elements' "$TMP/claims.html"; then
        ok "claims: all five shown, the wrong one named"
    else
        bad "claims: expected 5 claims and the disagreeing one, got $n"
    fi
fi

# a trace whose values overflow, with markup characters in its name
cat >"$TMP/nonfinite.json" <<'EOF'
{
  "name": "overflowing <network> & \"friends\"",
  "convention": "row",
  "layers": [2, 2, 1],
  "activations": ["identity", "sigmoid"],
  "loss": "bce",
  "params": {"W1": [[1e308, 1e308], [1e308, -1e308]], "b1": [0, 0],
             "W2": [[1e308], [1e308]], "b2": [0]},
  "x": [10, 10],
  "y": [1]
}
EOF
render nonfinite "$TMP/nonfinite.json" --terms --explain
if [ -s "$TMP/nonfinite.html" ]; then
    if grep -q 'NON-FINITE' "$TMP/nonfinite.html" &&
        grep -q 'overflowing &lt;network&gt; &amp; &quot;friends&quot;' "$TMP/nonfinite.html"; then
        ok "nonfinite: verdict shown and the name escaped"
    else
        bad "nonfinite: no NON-FINITE verdict or the name is not escaped"
    fi
fi

# ── deterministic ───────────────────────────────────────────────────────
"$BACKSTEP" trace "$SPECS/4-5-3-softmax-ce-l2.json" --format html --terms --explain \
    >"$TMP/again.html" 2>/dev/null
if cmp -s "$TMP/again.html" "$TMP/4-5-3-softmax-ce-l2.html"; then
    ok "deterministic: the same page twice"
else
    bad "deterministic: two runs differ"
fi

# ── well-formed and self-contained ──────────────────────────────────────
for p in $PAGES; do
    f="$TMP/$p.html"
    msg=$(python3 -c '
import sys
from html.parser import HTMLParser
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
        "source", "track", "wbr"}
class P(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.errors, self.count = [], [], {}
    def handle_starttag(self, tag, attrs):
        self.count[tag] = self.count.get(tag, 0) + 1
        if tag not in VOID:
            self.stack.append((tag, self.getpos()))
    def handle_startendtag(self, tag, attrs):
        self.count[tag] = self.count.get(tag, 0) + 1
    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack:
            self.errors.append("</%s> at %s closes nothing" % (tag, self.getpos()))
        elif self.stack[-1][0] != tag:
            self.errors.append("</%s> at %s closes <%s> of %s" % (tag, self.getpos(),
                               *self.stack[-1]))
            for i in range(len(self.stack) - 1, -1, -1):
                if self.stack[i][0] == tag:
                    del self.stack[i:]
                    break
        else:
            self.stack.pop()
text = open(sys.argv[1], encoding="utf-8").read()
p = P()
p.feed(text)
p.close()
if p.stack:
    p.errors.append("unclosed: " + ", ".join("<%s> at %s" % t for t in p.stack[-5:]))
if not text.startswith("<!DOCTYPE html>"):
    p.errors.append("no <!DOCTYPE html>")
for tag in ("html", "head", "body", "title", "style", "math", "svg", "section", "table"):
    if not p.count.get(tag):
        p.errors.append("no <%s>" % tag)
print("; ".join(p.errors[:5]))
' "$f" 2>&1)
    if [ -z "$msg" ]; then ok "$p: tags balance"; else bad "$p: $msg"; fi

    msg=$(python3 -c '
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
low = text.lower()
errors = []
for needle in ("http", "src=", "@import", "url(", "<script", "<link", "<iframe",
               "<object", "<embed", "<img"):
    if needle in low:
        errors.append("contains %r" % needle)
for m in re.finditer(r"href\s*=\s*([\"\x27]?)([^\"\x27 >]*)", text, re.I):
    if not m.group(2).startswith("#"):
        errors.append("href to %r" % m.group(2))
ids = set(re.findall(r"\bid=\"([^\"]+)\"", text))
for m in re.finditer(r"href=\"#([^\"]*)\"", text):
    if m.group(1) not in ids:
        errors.append("anchor #%s has no target" % m.group(1))
if "<math" not in text or "<svg" not in text:
    errors.append("no <math or no <svg")
if "<math display=\"block\">" not in text:
    errors.append("no block <math>")
print("; ".join(errors[:5]))
' "$f" 2>&1)
    if [ -z "$msg" ]; then ok "$p: self-contained"; else bad "$p: $msg"; fi
done

# the elements of the MathML used are MathML Core
msg=$(python3 -c '
import re, sys
CORE = {"math", "mrow", "mi", "mn", "mo", "msub", "msup", "msubsup", "mfrac", "mtable",
        "mtr", "mtd", "mtext", "mspace"}
bad = set()
for f in sys.argv[1:]:
    text = open(f, encoding="utf-8").read()
    for block in re.findall(r"<math.*?</math>", text, re.S):
        for tag in re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)", block):
            if tag not in CORE:
                bad.add(tag)
print(" ".join(sorted(bad)))
' $(for p in $PAGES; do echo "$TMP/$p.html"; done) 2>&1)
if [ -z "$msg" ]; then ok "MathML Core elements only"; else bad "MathML elements outside the set: $msg"; fi

# large layers are collapsed and large matrices abbreviated
f="$TMP/mnist-784-200-100-10.html"
if [ -s "$f" ]; then
    if grep -q '784 units' "$f" && grep -q '⋱' "$f" && [ "$(grep -c '<circle' "$f")" -le 40 ]; then
        ok "mnist: layers collapsed, matrices as corners"
    else
        bad "mnist: large layers or matrices are not abbreviated"
    fi
    size=$(wc -c <"$f")
    if [ "$size" -lt 2000000 ]; then ok "mnist: page of $size bytes"; else bad "mnist: page of $size bytes"; fi
fi

# ── in a browser ────────────────────────────────────────────────────────
CHROMIUM=""
for c in chromium chromium-browser google-chrome; do
    if command -v "$c" >/dev/null 2>&1; then
        CHROMIUM=$c
        break
    fi
done
if [ -z "$CHROMIUM" ]; then
    echo "$pass passed, $fail failed"
    [ "$fail" -gt 0 ] && exit 1
    echo "SKIP: chromium not found"
    exit 77
fi

chrome() {
    timeout 180 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic \
        --no-first-run --disable-background-networking --disable-component-update \
        --disable-sync --user-data-dir="$(mktemp -d "$TMP/profile.XXXXXX")" "$@" 2>/dev/null
}

BROWSER_PAGES="000-2-3-2-mse 4-3-2-1-bce 4-5-3-softmax-ce-l2 mnist-784-200-100-10 notation-partial notation-code nonfinite"
for p in $BROWSER_PAGES; do
    f="$TMP/$p.html"
    [ -s "$f" ] || continue

    # a screenshot that is not blank
    rm -f "$TMP/$p.png"
    chrome --screenshot="$TMP/$p.png" --window-size=1280,2000 "file://$f" >/dev/null
    msg=$(python3 -c '
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
if data[:8] != b"\x89PNG\r\n\x1a\n":
    print("not a PNG"); sys.exit()
pos, idat = 8, b""
while pos < len(data):
    n, = struct.unpack(">I", data[pos:pos + 4])
    kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]
    pos += 12 + n
    if kind == b"IHDR":
        w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
    elif kind == b"IDAT":
        idat += body
if depth != 8 or interlace or ctype not in (2, 6):
    print("unexpected PNG format %d/%d/%d" % (depth, ctype, interlace)); sys.exit()
bpp = 3 if ctype == 2 else 4
raw, stride = zlib.decompress(idat), w * bpp
prev, i, colours, ink = bytearray(stride), 0, set(), 0
for y in range(h):
    f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
    i += 1 + stride
    for x in range(stride):
        a = line[x - bpp] if x >= bpp else 0
        b, c = prev[x], (prev[x - bpp] if x >= bpp else 0)
        if f == 1: line[x] = (line[x] + a) & 255
        elif f == 2: line[x] = (line[x] + b) & 255
        elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    for x in range(0, stride, bpp * 2):
        px = bytes(line[x:x + 3])
        colours.add(px)
        if px != b"\xff\xff\xff":
            ink += 1
    prev = line
share = ink / (w * h / 2)
if len(colours) < 50 or share < 0.02:
    print("looks blank: %d colours, %.1f%% not white" % (len(colours), 100 * share))
' "$TMP/$p.png" 2>&1)
    if [ ! -s "$TMP/$p.png" ]; then
        bad "$p: chromium wrote no screenshot"
    elif [ -z "$msg" ]; then
        ok "$p: screenshot is not blank"
    else
        bad "$p: $msg"
    fi

    # MathML laid out natively: a test copy of the page (never the product)
    # measures every <math> and writes the result into the page
    python3 -c '
import sys
src, dst = sys.argv[1], sys.argv[2]
text = open(src, encoding="utf-8").read()
probe = """<span id="bs-line">x</span><script>
(function () {
  var out = [], maths = document.querySelectorAll("math");
  var line = document.getElementById("bs-line").getBoundingClientRect().height;
  var zero = 0, frac = null, stacked = 0, fracs = 0;
  for (var i = 0; i < maths.length; i++) {
    var r = maths[i].getBoundingClientRect();
    if (!(r.width > 0 && r.height > 0)) zero++;
  }
  var blocks = document.querySelectorAll("math[display=block]");
  for (var i = 0; i < blocks.length && frac === null; i++)
    if (blocks[i].querySelector("mfrac")) frac = blocks[i].getBoundingClientRect().height;
  var fr = document.querySelectorAll("mfrac");
  for (var i = 0; i < fr.length; i++) {
    var n = fr[i].children[0].getBoundingClientRect(), d = fr[i].children[1].getBoundingClientRect();
    fracs++;
    if (n.bottom <= d.top + 1 && n.height > 0 && d.height > 0) stacked++;
  }
  var svgs = document.querySelectorAll("svg"), svgok = 0;
  for (var i = 0; i < svgs.length; i++) {
    var r = svgs[i].getBoundingClientRect();
    if (r.width > 100 && r.height > 100) svgok++;
  }
  var res = document.createElement("pre");
  res.id = "bs-result";
  res.textContent = "maths=" + maths.length + " zero=" + zero + " line=" + line.toFixed(1) +
    " frac=" + (frac === null ? -1 : frac.toFixed(1)) + " fracs=" + fracs +
    " stacked=" + stacked + " svgs=" + svgs.length + " svgok=" + svgok;
  document.body.appendChild(res);
})();
</script>"""
open(dst, "w", encoding="utf-8").write(text.replace("</body>", probe + "</body>"))
' "$f" "$TMP/$p.probe.html"
    chrome --window-size=1280,2000 --dump-dom "file://$TMP/$p.probe.html" >"$TMP/$p.dom"
    msg=$(python3 -c '
import re, sys
dom = open(sys.argv[1], encoding="utf-8", errors="replace").read()
m = re.search(r"<pre id=\"bs-result\">([^<]*)</pre>", dom)
if not m:
    print("the probe wrote no result"); sys.exit()
v = dict(kv.split("=") for kv in m.group(1).split())
n, zero = int(v["maths"]), int(v["zero"])
line, frac = float(v["line"]), float(v["frac"])
errors = []
if n == 0:
    errors.append("no <math> in the DOM")
if zero:
    errors.append("%d of %d <math> laid out with no size" % (zero, n))
if frac >= 0 and not frac > 1.3 * line:
    errors.append("a block fraction is %.1fpx high, a line of text %.1fpx" % (frac, line))
if int(v["fracs"]) and int(v["stacked"]) != int(v["fracs"]):
    errors.append("%s of %s fractions have the numerator above the denominator"
                  % (v["stacked"], v["fracs"]))
if int(v["svgs"]) < 2 or int(v["svgok"]) != int(v["svgs"]):
    errors.append("%s of %s diagrams laid out" % (v["svgok"], v["svgs"]))
print("; ".join(errors) if errors else "")
print(m.group(1), file=sys.stderr)
' "$TMP/$p.dom" 2>"$TMP/$p.measure")
    if [ -z "$msg" ]; then
        ok "$p: MathML laid out ($(cat "$TMP/$p.measure"))"
    else
        bad "$p: $msg"
    fi
done

finish
