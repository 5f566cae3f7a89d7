#!/usr/bin/env bash
# The progress indicator: on a terminal (a pseudo-terminal made by
# script(1)) long work shows it on stderr; stdout is byte-identical with and
# without it, and with --quiet or stderr in a file nothing appears.
#   bash tests/progress_test.sh BACKSTEP SOURCE_ROOT
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
backstep=$(realpath "$1")
scratch tmp backstep-progress
if ! command -v script >/dev/null; then
  echo "SKIP: script(1) not found"
  exit 77
fi
# a network whose --full check takes more than the half second after which
# the indicator appears (about 1.7 s on two processors in a release build)
cat > "$tmp/spec.json" <<'JSON'
{"layers": [1500, 300, 100, 10], "activations": ["sigmoid", "sigmoid", "softmax"], "loss": "cross_entropy",
 "init": {"seed": 3, "scale": 0.1}, "random_batch": {"size": 32, "seed": 4}}
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
# an exercise set for a large roster: progress per student, the same files
seq -f "s%04g" 1 400 > roster.txt
script -qec "'$backstep' exercise '$2/specs/4-5-3-softmax-ce-l2.json' --roster roster.txt -o ex.tty > ex.out.tty" typescript3 > /dev/null 2>&1
grep -q "exercise: student [0-9]* of 400" typescript3 && ok || bad "no progress for exercise: $(tr '\r' '\n' < typescript3 | head -3)"
"$backstep" exercise "$2/specs/4-5-3-softmax-ce-l2.json" --roster roster.txt -o ex.pipe > ex.out.pipe 2> ex.err.pipe
[ ! -s ex.err.pipe ] && ok || bad "exercise progress written to a file: $(head -c 200 ex.err.pipe)"
sed 's/ex\.tty/ex.pipe/' ex.out.tty | cmp -s - ex.out.pipe && ok || bad "exercise stdout differs with the progress indicator"
diff -r ex.tty ex.pipe > /dev/null && ok || bad "exercise files differ with the progress indicator"
# a terminal that says TERM=dumb gets no escape sequence: no progress line
# (it needs ESC[K to erase itself) and no colour; NO_COLOR removes the colour
script -qec "TERM=dumb '$backstep' check --full spec.json" typescript4 > /dev/null 2>&1
grep -q "checking" typescript4 && bad "TERM=dumb still shows progress" || ok
grep -q "PASS" typescript4 && ok || bad "TERM=dumb: no report: $(head -c 200 typescript4)"
grep -q "$(printf '\033')" typescript4 && bad "TERM=dumb: escape sequences written: $(head -c 200 typescript4 | od -c | head -3)" || ok
script -qec "TERM=dumb '$backstep' trace '$2/specs/4-3-2-1-bce.json'" typescript5 > /dev/null 2>&1
grep -q "$(printf '\033')" typescript5 && bad "TERM=dumb trace: colour written" || ok
script -qec "NO_COLOR=1 TERM=xterm '$backstep' trace '$2/specs/4-3-2-1-bce.json'" typescript6 > /dev/null 2>&1
grep -q "$(printf '\033')" typescript6 && bad "NO_COLOR trace: colour written" || ok
# the check of the tests above: with TERM=xterm the same trace is coloured
script -qec "TERM=xterm '$backstep' trace '$2/specs/4-3-2-1-bce.json'" typescript7 > /dev/null 2>&1
grep -q "$(printf '\033')\[3[12]m" typescript7 && ok || bad "TERM=xterm trace: no colour (the tests above prove nothing)"
finish
