#!/usr/bin/env bash
# The CI recipes of docs/ci/: the YAML parses (python3-yaml), and the
# commands they run work: build and install from this source tree, check a
# specs/ folder with a JUnit report that a parser reads, the Makefile.
#   bash tests/ci_recipes_test.sh SOURCE_ROOT
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
src=$(realpath "$1")
scratch tmp backstep-ci_recipes

py=python3
$py -c 'import yaml' 2>/dev/null || py=/usr/bin/python3
if $py -c 'import yaml' 2>/dev/null; then
  for f in github-actions.yml gitlab-ci.yml; do
    $py - "$src/docs/ci/$f" <<'PY' && ok || bad "$f does not parse as the job it should be"
import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
text = open(sys.argv[1]).read()
assert "backstep check specs/*.json --format junit > backstep.xml" in text
assert "meson install" in text and "apt-get install" in text
if "gradients" in d and "script" in d["gradients"]:
    assert d["gradients"]["artifacts"]["reports"]["junit"] == "backstep.xml"
else:
    steps = d["jobs"]["gradients"]["steps"]
    assert any("junit" in str(s) for s in steps)
PY
  done
else
  echo "SKIP: python3-yaml not found (the YAML was not parsed)"
fi

# the commands the jobs run: build and install from source into a prefix
git -C "$src" ls-files > /dev/null 2>&1 || { echo "SKIP: not a git checkout"; exit 77; }
mkdir -p "$tmp/src"
(cd "$src" && git ls-files -z --cached --others --exclude-standard | xargs -0 -I{} cp --parents {} "$tmp/src/") 2>/dev/null
if meson setup "$tmp/build" "$tmp/src" --prefix "$tmp/prefix" > "$tmp/log" 2>&1 &&
   meson compile -C "$tmp/build" >> "$tmp/log" 2>&1 &&
   meson install -C "$tmp/build" >> "$tmp/log" 2>&1; then
  ok
else
  tail -20 "$tmp/log"
  bad "build and install from source"
fi
bin="$tmp/prefix/bin/backstep"
mkdir -p "$tmp/course/specs"
cp "$src/specs/4-3-2-1-bce.json" "$src/specs/000-2-3-2-mse.json" "$tmp/course/specs/"
cd "$tmp/course" || exit 2
"$bin" check specs/*.json --format junit > backstep.xml
[ $? -eq 0 ] && ok || bad "backstep check specs/*.json failed"
$py - backstep.xml <<'PY' && ok || bad "the JUnit report"
import sys, xml.etree.ElementTree as ET
r = ET.parse(sys.argv[1]).getroot()
assert r.get("tests") == "2" and r.get("failures") == "0" and r.get("errors") == "0"
PY
cp "$src/docs/ci/Makefile.course" Makefile
make -s check BACKSTEP="$bin" > out 2>&1 && grep -c PASS out | grep -q 2 && ok || bad "make check: $(cat out)"
make -s report BACKSTEP="$bin" > /dev/null 2>&1 && [ -s backstep.xml ] && ok || bad "make report"
finish
