#!/usr/bin/env bash
# quiz_bench.sh — the quiz's worst case, for `meson test --benchmark`: every
# backward step of handout 002's MNIST network (784-200-100-10, a batch of 32)
# answered with numbers no catalogue mistake reproduces (1.5 times the
# value), so that each answer is read, compared and put through the whole
# mistake catalogue before it is skipped.
#
#   bash tests/quiz_bench.sh BACKSTEP_BINARY SOURCE_ROOT
set -eu
BS=$(realpath "$1")
SPEC=$(realpath "$2")/specs/mnist-784-200-100-10.json
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
"$BS" trace "$SPEC" --format json --quiet >"$T/trace.json"
python3 - "$T/trace.json" >"$T/answers" <<'EOF'
import json, sys
for s in json.load(open(sys.argv[1]))["steps"]:
    if s["kind"] == "backward":
        print("; ".join(" ".join("%.4g" % (1.5 * v) for v in r) for r in s["analytic"]))
        print("skip")
EOF
start=$(date +%s.%N)
"$BS" quiz "$SPEC" <"$T/answers" >"$T/out"
end=$(date +%s.%N)
grep -q "^score: 0/12 steps right at the first try; mistakes: not in the catalogue ×12$" "$T/out"
python3 -c 'import sys; print("quiz of 12 MNIST steps, every answer diagnosed: %.3f s" % (float(sys.argv[2]) - float(sys.argv[1])))' "$start" "$end"
