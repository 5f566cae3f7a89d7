#!/usr/bin/env bash
# The progress indicator: on a terminal (a pseudo-terminal made by
# script(1)) long work shows it on stderr; stdout is byte-identical with and
# without it, and with --quiet or stderr in a file nothing appears.
#   bash tests/progress_test.sh BACKSTEP
set -u
backstep=$(realpath "$1")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! command -v script >/dev/null; then
  echo "SKIP: script(1) not found"
  exit 77
fi
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }
cat > "$tmp/spec.json" <<'JSON'
{"layers": [600, 150, 60, 10], "activations": ["sigmoid", "sigmoid", "softmax"], "loss": "cross_entropy",
 "init": {"seed": 3, "scale": 0.1}, "random_batch": {"size": 16, "seed": 4}}
JSON
cd "$tmp" || exit 2
# stderr on the pseudo-terminal, stdout in a file
script -qec "'$backstep' check --full spec.json > out.tty" typescript > /dev/null 2>&1
grep -q "checking [0-9]* of [0-9]* elements" typescript && ok || bad "no progress on the terminal: $(tr '\r' '\n' < typescript | head -3)"
grep -q "left" typescript && ok || bad "no time left shown"
"$backstep" check --full spec.json > out.pipe 2> err.pipe
cmp -s out.tty out.pipe && ok || bad "stdout differs with the progress indicator"
[ ! -s err.pipe ] && ok || bad "progress written to a file: $(head -c 200 err.pipe)"
script -qec "'$backstep' check --full --quiet spec.json > out.quiet" typescript2 > /dev/null 2>&1
grep -q "checking" typescript2 && bad "--quiet still shows progress" || ok
cmp -s out.quiet out.pipe && ok || bad "stdout differs with --quiet"
grep -q "PASS" out.pipe && ok || bad "the check did not pass: $(cat out.pipe)"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
