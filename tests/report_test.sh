#!/usr/bin/env bash
# The reports of `backstep check --format json|tap|junit`: well-formed for
# any mix of passing, failing and unloadable specs (JUnit checked with a real
# XML parser, xmllint), with the right counts and exit codes.
#   bash tests/report_test.sh BACKSTEP SOURCE_ROOT
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
backstep=$(realpath "$1")
cd "$2" || exit 2
scratch tmp backstep-report

# a spec whose file name holds the characters XML and TAP care about
weird="$tmp/a&b<c>\"d'#e.json"
cp specs/4-3-2-1-bce.json "$weird"
good=specs/000-2-3-2-mse.json
broken=tests/bad/activation-typo.json

# JUnit: 2 passes, 1 error; then 1 failure forced by a huge step
"$backstep" check "$good" "$weird" "$broken" --format junit > "$tmp/a.xml" 2> "$tmp/a.err"
[ $? -eq 2 ] && ok || bad "junit with a bad spec should exit 2"
if command -v xmllint >/dev/null; then
  xmllint --noout "$tmp/a.xml" && ok || bad "junit report is not well-formed XML"
else
  echo "SKIP: xmllint not found (the XML is checked with python3 only)"
fi
python3 - "$tmp/a.xml" <<'PY' && ok || bad "junit content"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "testsuites" and root.get("tests") == "3", root.attrib
assert root.get("errors") == "1" and root.get("failures") == "0", root.attrib
cases = root.findall("./testsuite/testcase")
assert [len(c.findall("error")) for c in cases] == [0, 0, 1]
assert "a&b<c>\"d'#e.json" in cases[1].get("name")
assert "unknown activation" in cases[2].find("error").get("message")
PY
"$backstep" check "$good" --epsilon 0.5 --strict --format junit > "$tmp/b.xml" 2>/dev/null
[ $? -eq 1 ] && ok || bad "junit with a failing check should exit 1"
python3 - "$tmp/b.xml" <<'PY' && ok || bad "junit failure names the element"
import sys, re, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.get("failures") == "1" and root.get("errors") == "0"
f = root.find("./testsuite/testcase/failure")
assert re.match(r"g\[\d[azWb]\]\[\d+,\d+\]: analytic .*, numeric ", f.get("message")), f.get("message")
PY

# TAP version 13: plan, numbering, ok / not ok, YAML block
"$backstep" check "$good" "$weird" "$broken" --format tap > "$tmp/a.tap" 2>/dev/null
[ $? -eq 2 ] && ok || bad "tap with a bad spec should exit 2"
python3 - "$tmp/a.tap" <<'PY' && ok || bad "tap structure"
import sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
assert lines[0] == "TAP version 13" and lines[1] == "1..3", lines[:2]
tests = [l for l in lines if l.startswith("ok ") or l.startswith("not ok ")]
assert [t.split(" - ")[0] for t in tests] == ["ok 1", "ok 2", "not ok 3"], tests
assert all("#" not in t for t in tests), "a '#' would start a TAP directive"
i = lines.index(tests[2])
assert lines[i + 1] == "  ---" and "status: error" in lines[i + 2]
assert "unknown activation" in lines[i + 3] and lines[i + 4] == "  ..."
PY

# JSON
"$backstep" check "$good" "$weird" "$broken" --format json > "$tmp/a.json" 2>/dev/null
[ $? -eq 2 ] && ok || bad "json with a bad spec should exit 2"
python3 - "$tmp/a.json" <<'PY' && ok || bad "json content"
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
assert [s["status"] for s in d["specs"]] == ["pass", "pass", "error"]
assert d["summary"] == {"specs": 3, "passed": 2, "failed": 0, "unverified": 0, "nonfinite": 0, "errors": 1}
assert d["specs"][0]["compared"] == d["specs"][0]["elements"] == 27
assert "unknown activation" in d["specs"][2]["error"]
PY
"$backstep" check "$good" --epsilon 0.5 --strict --format json > "$tmp/b.json" 2>/dev/null
[ $? -eq 1 ] && ok || bad "json with a failing check should exit 1"
python3 - "$tmp/b.json" <<'PY' && ok || bad "json failure"
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
s = d["specs"][0]
assert s["status"] == "fail" and s["failed"] > 0 and "failure" in s
assert s["failure"]["step"].startswith("g[") and len(s["failure"]["index"]) == 2
PY

# the same reports are byte-identical run to run
"$backstep" check "$good" --format junit > "$tmp/c1" 2>/dev/null
"$backstep" check "$good" --format junit > "$tmp/c2" 2>/dev/null
cmp -s "$tmp/c1" "$tmp/c2" && ok || bad "junit report differs between runs"
# an unknown report format
"$backstep" check "$good" --format xml > /dev/null 2> "$tmp/e"
[ $? -eq 2 ] && grep -q "unknown report format" "$tmp/e" && ok || bad "--format xml for check"

finish
