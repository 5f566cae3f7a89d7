#!/usr/bin/env bash
# gradebook_test.sh — `backstep exercise` then `backstep grade` on a class of
# six, every gradebook format parsed with Python's csv and json modules.
#
# usage: bash tests/gradebook_test.sh BACKSTEP SOURCE_ROOT
#
# The answers are built here in Python from each student's row of
# key/summary.csv, right or changed on purpose (a transpose, a step left
# null, another student's numbers).  The expected points are worked by hand
# from which steps were made right, with the weights g[3z]=1, g[2z]=1,
# g[2W]=3 (max 5):
#   s01 every step right            5  100.00
#   s02 g[2W] transposed            2   40.00  wrong: transpose
#   s03 s04's right values          0    0.00  other_variant s04
#   s04 g[2z] null                  4   80.00
#   s05 nothing handed in           (missing)
#   s06 not JSON                    (error)
#   zed an id not on the roster     (not on roster)
# Gradescope's results.json is checked against the fields Gradescope
# documents for autograder results (score, output, output_format,
# visibility, tests[] with score, max_score, status, name, output,
# visibility), running the run_autograder script of docs/classroom.md on a
# directory laid out as /autograder.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

BACKSTEP=${1:?usage: gradebook_test.sh BACKSTEP SOURCE_ROOT}
ROOT=${2:?usage: gradebook_test.sh BACKSTEP SOURCE_ROOT}
BACKSTEP=$(realpath "$BACKSTEP")
ROOT=$(realpath "$ROOT")
PY=/usr/bin/python3
scratch TMP bs_gradebook
cd "$TMP" || exit 1

printf 's01\ns02\ns03\ns04\ns05\ns06\n' >roster.txt
"$BACKSTEP" exercise "$ROOT/specs/4-3-2-1-bce.json" --roster roster.txt -o ex1 --seed 7 \
    --steps 'g[3z],g[2z],g[2W]' >/dev/null 2>err || { cat err; echo "FAIL: exercise"; exit 1; }

mkdir returned
$PY - <<'EOF' || bad "building the answers"
import csv, json
rows = {r['id']: r for r in csv.DictReader(open('ex1/key/summary.csv'))}
def val(s):
    m = [[float(v) for v in row.split()] for row in s.split(';')]
    if len(m) == 1 and len(m[0]) == 1:
        return m[0][0]
    return m[0] if len(m) == 1 else m
def claims(i):
    return {k: val(rows[i][k]) for k in ('g[3z]', 'g[2z]', 'g[2W]')}
def put(name, i, c):
    json.dump({'id': i, 'claims': c}, open('returned/' + name, 'w'))
put('s01.json', 's01', claims('s01'))
c = claims('s02'); c['g[2W]'] = [list(r) for r in zip(*c['g[2W]'])]
put('s02.json', 's02', c)
put('s03.json', 's03', claims('s04'))
c = claims('s04'); c['g[2z]'] = None
put('s04.json', 's04', c)
put('zed.json', 'zed', claims('s01'))
open('returned/s06.json', 'w').write('{"id": "s06", "claims": ')
EOF
printf '# points per step\ng[2W]=3\n' >weights.txt

# ── backstep's CSV with points ──────────────────────────────────────────
"$BACKSTEP" grade ex1 returned/*.json --weights weights.txt --summary summary.md \
    -o book.csv >out 2>err
rc=$?
[ $rc -eq 1 ] && ok || bad "grade exited $rc (expected 1: an error row and one not on the roster): $(cat err)"
$PY - <<'EOF' && ok || bad "gradebook CSV: see above"
import csv, sys
rows = list(csv.reader(open('book.csv', newline='')))
head = rows[0]
want = ['id', 'file', 'handed_in', 'status', 'score', 'points', 'max_points', 'percent',
        'other_variant', 'g[3z]', 'g[2z]', 'g[2W]', 'mistakes', 'error', 'policy']
bad = []
if head != want:
    bad.append('header %r' % head)
if any(len(r) != len(head) for r in rows):
    bad.append('a row without the header\'s fields')
book = {r[0]: dict(zip(head, r)) for r in rows[1:]}
if [r[0] for r in rows[1:]] != ['s01', 's02', 's03', 's04', 's05', 's06', 'zed']:
    bad.append('rows %r' % [r[0] for r in rows[1:]])
expect = {  # worked by hand: weights 1, 1, 3
    's01': ('graded', '5', '5', '100.00', ''),
    's02': ('graded', '2', '5', '40.00', ''),
    's03': ('graded', '0', '5', '0.00', 's04'),
    's04': ('graded', '4', '5', '80.00', ''),
    's05': ('missing', '', '5', '', ''),
    's06': ('error', '', '5', '', ''),
    'zed': ('not on roster', '', '5', '', ''),
}
for i, e in expect.items():
    r = book.get(i, {})
    got = (r.get('status'), r.get('points'), r.get('max_points'), r.get('percent'),
           r.get('other_variant'))
    if got != e:
        bad.append('%s: %r, expected %r' % (i, got, e))
if book.get('s02', {}).get('g[2W]') != 'wrong: transpose':
    bad.append('s02 g[2W]: %r' % book.get('s02', {}).get('g[2W]'))
if book.get('s04', {}).get('g[2z]') != 'missing':
    bad.append('s04 g[2z]: %r' % book.get('s04', {}).get('g[2z]'))
for b in bad:
    print('FAIL:', b)
sys.exit(1 if bad else 0)
EOF

# ── the class summary ───────────────────────────────────────────────────
grep -qF '| missing or extra transpose | 1 | s02 |' summary.md && ok ||
    bad "summary lacks the transpose of s02: $(cat summary.md)"
grep -qF -- '- s03: s04'"'"'s variant' summary.md && ok || bad "summary lacks s03 → s04"
# g[2z]: s01, s02 right; s03 wrong; s04 null (hand count of the answers above)
grep -A2 -F '## g[2z]' summary.md | grep -qF '2 right, 1 not answered, 1 wrong.' && ok ||
    bad "summary g[2z] counts: $(grep -A2 -F '## g[2z]' summary.md)"
grep -qF 'another student'"'"'s variant, not with your own' ex1/feedback/s03.md &&
    ! grep -q 's04' ex1/feedback/s03.md && ok ||
    bad "feedback/s03.md: the signal, without the other student's id: $(cat ex1/feedback/s03.md)"
! grep -q 'Check your numbers' ex1/feedback/s01.md ex1/feedback/s02.md && ok ||
    bad "the signal on a student who worked from their own sheet"

# ── Canvas and Moodle ───────────────────────────────────────────────────
"$BACKSTEP" grade ex1 returned/*.json --weights 'g[2W]=3' --format canvas \
    --assignment 'Backprop 1 (4711)' -o canvas.csv >/dev/null 2>&1
"$BACKSTEP" grade ex1 returned/*.json --weights 'g[2W]=3' --format moodle \
    --assignment 'Backprop, part 1' -o moodle.csv >/dev/null 2>&1
$PY - <<'EOF' && ok || bad "canvas/moodle CSV: see above"
import csv, sys
bad = []
grades = {'s01': '5', 's02': '2', 's03': '0', 's04': '4', 's05': '', 's06': ''}
c = list(csv.DictReader(open('canvas.csv', newline='')))
head = list(c[0].keys()) if c else []
if head != ['Student', 'ID', 'SIS User ID', 'SIS Login ID', 'Section', 'Backprop 1 (4711)']:
    bad.append('canvas header %r' % head)
got = {r['SIS User ID']: r['Backprop 1 (4711)'] for r in c}
if got != grades:
    bad.append('canvas grades %r' % got)
m = list(csv.reader(open('moodle.csv', newline='')))
if m[0] != ['ID number', 'Backprop, part 1']:
    bad.append('moodle header %r' % m[0])
if dict((r[0], r[1]) for r in m[1:]) != grades or any(len(r) != 2 for r in m):
    bad.append('moodle rows %r' % m[1:])
for b in bad:
    print('FAIL:', b)
sys.exit(1 if bad else 0)
EOF

# ── Gradescope: the run_autograder script of docs/classroom.md ──────────
AG="$TMP/gs/autograder"
mkdir -p "$AG/source" "$AG/submission" "$AG/results" bin
cp -r ex1 "$AG/source/ex1"
rm -rf "$AG/source/ex1/feedback" # of the runs above
cp returned/s02.json "$AG/submission/answers.json"
ln -s "$BACKSTEP" bin/backstep
# the script as the docs give it, with /autograder moved under $TMP
$PY - "$ROOT/docs/classroom.md" "$AG" >run_autograder <<'EOF'
import sys
doc = open(sys.argv[1]).read()
block = doc.split('<!-- run_autograder -->\n```\n', 1)[1].split('```', 1)[0]
sys.stdout.write(block.replace('/autograder', sys.argv[2]))
EOF
[ "$(grep -c . run_autograder)" -eq 3 ] && ok || bad "run_autograder is not three lines: $(cat run_autograder)"
PATH="$TMP/bin:$PATH" sh run_autograder >/dev/null 2>err && ok ||
    bad "run_autograder failed: $(cat err)"
gradescope_check() { # FILE SCORE VISIBILITY HINTS
    $PY - "$@" <<'EOF'
import json, re, sys
path, score, vis, hints = sys.argv[1], float(sys.argv[2]), sys.argv[3], sys.argv[4] == '1'
r = json.load(open(path))
# Gradescope's documented fields of results.json and of each test
top = {'score', 'execution_time', 'output', 'output_format', 'test_output_format',
       'test_name_format', 'visibility', 'stdout_visibility', 'extra_data', 'tests',
       'leaderboard'}
test = {'score', 'max_score', 'status', 'name', 'name_format', 'number', 'output',
        'output_format', 'tags', 'visibility', 'extra_data'}
visibilities = {'visible', 'hidden', 'after_due_date', 'after_published'}
bad = []
if set(r) - top:
    bad.append('unknown fields %r' % (set(r) - top))
if not isinstance(r.get('score'), (int, float)) or r['score'] != score:
    bad.append('score %r, expected %r' % (r.get('score'), score))
if r.get('visibility') != vis or vis not in visibilities:
    bad.append('visibility %r' % r.get('visibility'))
if r.get('output_format') not in ('text', 'html', 'simple_format', 'md', 'ansi'):
    bad.append('output_format %r' % r.get('output_format'))
if not isinstance(r.get('output'), str) or not r['output']:
    bad.append('no output')
tests = r.get('tests', [])
if [t.get('name') for t in tests] != ['g[3z]', 'g[2z]', 'g[2W]']:
    bad.append('tests %r' % [t.get('name') for t in tests])
for t in tests:
    if set(t) - test:
        bad.append('unknown test fields %r' % (set(t) - test))
    if not (0 <= t['score'] <= t['max_score']) or t.get('visibility') != vis:
        bad.append('test %r' % t)
    if t.get('status') not in ('passed', 'failed'):
        bad.append('status %r' % t.get('status'))
if abs(sum(t['score'] for t in tests) - r['score']) > 1e-12:
    bad.append('the tests do not add up to the score')
if [t['max_score'] for t in tests] != [1, 1, 1]:
    bad.append('max_score %r' % [t['max_score'] for t in tests])
w = tests[2] if len(tests) == 3 else {}
if w.get('status') != 'failed' or 'transpose' not in w.get('output', ''):
    bad.append('g[2W] %r' % w)
text = r['output'] + ''.join(t['output'] for t in tests)
if hints and re.search(r'yours|right -?[0-9]', text):
    bad.append('a value in hints: %r' % text)
if not hints and 'yours' not in r['output'] + w.get('output', '') and 'You gave' not in w.get('output', ''):
    bad.append('answers without detail: %r' % w)
for b in bad:
    print('FAIL:', b)
sys.exit(1 if bad else 0)
EOF
}
# s02: g[3z] and g[2z] right, g[2W] transposed: 2 of 3 points (weight 1 each)
gradescope_check "$AG/results/results.json" 2 visible 0 && ok || bad "results.json: see above"
"$BACKSTEP" grade ex1 returned/s02.json --format gradescope --feedback hints \
    --visibility after_published -o hints.json >/dev/null 2>&1
gradescope_check hints.json 2 after_published 1 && ok || bad "results.json with hints: see above"
[ ! -e "$AG/source/ex1/feedback" ] && ok || bad "gradescope wrote feedback files into the source"
"$BACKSTEP" grade ex1 returned/s01.json returned/s02.json --format gradescope >/dev/null 2>err
[ $? -eq 2 ] && ok || bad "gradescope with two files is not a usage error"
# a file that cannot be graded still gives a results.json, scored 0
"$BACKSTEP" grade ex1 returned/zed.json --format gradescope -o zed.json >/dev/null 2>&1
$PY -c "import json,sys; r=json.load(open('zed.json')); sys.exit(not (r['score']==0 and 'roster' in r['output']))" &&
    ok || bad "results.json of an unknown id: $(cat zed.json)"

# ── hints in the feedback files ─────────────────────────────────────────
"$BACKSTEP" grade ex1 returned/s02.json returned/s03.json --feedback hints -o hints.csv \
    >/dev/null 2>&1
grep -q 'yours\|right -\?[0-9]' ex1/feedback/s03.md && bad "hints show values: $(cat ex1/feedback/s03.md)" || ok
grep -q '`g\[2z\]\[1,1\]`' ex1/feedback/s03.md && ok || bad "hints do not name the elements"

# ── weights refused ─────────────────────────────────────────────────────
"$BACKSTEP" grade ex1 returned/s01.json --weights 'g[9z]=2' >/dev/null 2>err
[ $? -eq 2 ] && grep -qF -- '--weights: "g[9z]" is not one of the asked steps (did you mean' err &&
    [ "$(wc -l <err)" -eq 1 ] && ok || bad "unknown step in --weights: $(cat err)"
printf 'g[3z]=2\ng[2z]=-1\n' >w2.txt
"$BACKSTEP" grade ex1 returned/s01.json --weights w2.txt >/dev/null 2>err
[ $? -eq 2 ] && grep -qF 'w2.txt:2:1:' err && ok || bad "bad weight in a file: $(cat err)"
"$BACKSTEP" grade ex1 returned/s01.json --weights 'dz2=2,g[2z]=1' >/dev/null 2>err
[ $? -eq 2 ] && grep -qF 'twice' err && ok || bad "a step weighted twice: $(cat err)"

# ── --check before handing in ───────────────────────────────────────────
"$BACKSTEP" grade ex1 --check returned/s01.json >out 2>err
[ $? -eq 0 ] && grep -q 'ready to hand in' out && ok || bad "--check of a good file: $(cat out err)"
"$BACKSTEP" grade ex1 --check ex1/s04/answers.json >/dev/null 2>err
[ $? -eq 0 ] && ok || bad "--check of the handed-out skeleton: $(cat err)"
printf '{"id": "s02", "extra": 1, "claims": {"g[3z]": "0.5", "g[2z]": [1, 2, 3], "g[2V]": null}}' >bad.json
"$BACKSTEP" grade ex1 --check bad.json >/dev/null 2>err
rc=$?
# five problems: the extra key, a string, 1×3 for 1×2, g[2V], g[2W] missing
[ $rc -eq 2 ] && [ "$(wc -l <err)" -eq 5 ] && ok || bad "--check bad.json (exit $rc): $(cat err)"
grep -qF 'claims.g[2z]: expected 1×2' err && grep -qF 'the key "g[2W]" is missing' err &&
    grep -qF '"g[2V]" is not one of the asked steps (did you mean "g[2' err && ok || bad "--check lines: $(cat err)"
"$BACKSTEP" grade ex1 --check returned/s02.json >/dev/null 2>err
[ $? -eq 2 ] && grep -qF 'claims.g[2W]: expected 3×2' err && ok || bad "--check of a transpose: $(cat err)"
# no right value leaks: none of s02's key values appears in what --check says
$PY - <<'EOF' && ok || bad "--check shows a right value"
import csv, sys
row = [r for r in csv.DictReader(open('ex1/key/summary.csv')) if r['id'] == 's02'][0]
text = open('err').read()
vals = [v for k in ('g[3z]', 'g[2z]', 'g[2W]') for v in row[k].replace(';', ' ').split()]
sys.exit(1 if any(v in text for v in vals) else 0)
EOF

# ── the HTML sheet on paper ──────────────────────────────────────────────
# W[l] and b[l] are two display blocks in a wrapping row (b goes under W
# when both do not fit: nothing is cut at the page's edge), no display
# block scrolls vertically, and print has its own rules (checked by eye in
# Chromium for a 6-8-8-3 network at a page's width: b[1] whole under W[1]).
$PY - ex1/s01/sheet.html <<'EOF' && ok || bad "sheet.html for print: see above"
import re, sys
html = open(sys.argv[1]).read()
style = html.split('<style>', 1)[1].split('</style>', 1)[0]
bad = []
for rule in re.findall(r'math\[display=block\]\{([^}]*)\}', style):
    if 'overflow-x:auto' in rule and 'overflow-y:hidden' not in rule:
        bad.append('a display block that scrolls vertically: %s' % rule)
if '@media print' not in style:
    bad.append('no print rules')
pairs = re.findall(r'<div class="pair">(.*?)</div>', html, re.S)
# 3 layers (W, b) and the inputs with the targets
if len(pairs) != 4 or any(p.count('<math display="block">') != 2 for p in pairs):
    bad.append('%d pairs: %r' % (len(pairs), [p.count('<math') for p in pairs]))
for b in bad:
    print('FAIL:', b)
sys.exit(1 if bad else 0)
EOF

finish
