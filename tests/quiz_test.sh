#!/usr/bin/env bash
# quiz_test.sh — end-to-end tests of `backstep step` and `backstep quiz`
# driven through a pipe with scripted commands and answers: stepping forward
# and back, why/terms/forward, the end of input; right answers, an answer that
# leaves out the activation derivative, a transposed one, a wrongly shaped one,
# one B times too large, hint, skip, quit, the end of input, --record, bad
# flags and bad specs; every shipped spec stepped through and quizzed with
# full marks; and once through a real pseudo-terminal with tmux (skipped, and
# said so, where tmux is missing).
#
#   bash tests/quiz_test.sh BACKSTEP_BINARY SOURCE_ROOT
#
# The right answers are the values of `backstep trace --format json` rounded
# to 4 significant digits; the wrong ones are made from them by python3
# arithmetic (the transpose, ×B, the step above), not by the quiz's code.  The
# last line is "N passed, M failed"; exit status 1 when M > 0.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
if [ $# -ne 2 ]; then
    echo "usage: bash tests/quiz_test.sh BACKSTEP_BINARY SOURCE_ROOT" >&2
    exit 2
fi
BS=$(realpath "$1")
ROOT=$(realpath "$2")
SPECS="$ROOT/specs"
H001="$SPECS/4-3-2-1-bce.json"
TANH="$SPECS/3-4-1-tanh-regression.json"
scratch T
# each tmux session below has a server of its own on a socket in $T
TMUX_SOCK="$T/tmux-quiz.sock"
stop_tmux() {
    local sock
    for sock in "$T"/tmux-*.sock; do
        if [ -S "$sock" ]; then tmux -S "$sock" kill-server 2>/dev/null; fi
    done
}
on_exit stop_tmux
export LC_ALL=C.UTF-8 2>/dev/null || export LC_ALL=C
assert_count() {
    local n
    n=$(grep -F -c -e "$3" -- "$2")
    if [ "$n" -eq "$4" ]; then pass; else fail "$1: \"$3\" on $n lines, expected $4"; fi
}
py() {
    local desc=$1 script=$2
    shift 2
    if python3 -c "$script" "$@" >"$T/py" 2>&1; then pass; else fail "$desc: $(excerpt "$T/py")"; fi
}

# answers SPEC OUT: one line per backward step, "id<TAB>answer" in answer
# syntax, 4 significant digits, from the trace's JSON
answers() {
    "$BS" trace "$1" --format json --quiet >"$T/trace.json" 2>/dev/null
    python3 - "$T/trace.json" >"$2" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
for s in d["steps"]:
    if s["kind"] != "backward":
        continue
    rows = s["analytic"]
    print(s["id"] + "\t" + "; ".join(" ".join("%.4g" % v for v in r) for r in rows))
EOF
}
# ans FILE ID: the answer for step ID
ans() { awk -F '\t' -v id="$2" '$1 == id { print $2 }' "$1"; }

answers "$H001" "$T/h001"
answers "$TANH" "$T/tanh"

# ---- step ----------------------------------------------------------------

printf '\n\nb\nwhy\nterms\nforward\nleap\nq\n' >"$T/in"
run_in "$T/in" step "$H001"
assert_rc "step, then q" 0
assert_contains "step header 1" "$T/out" "step 1 of 12: g[3a]"
assert_contains "step header 2" "$T/out" "step 2 of 12: g[3z]"
assert_contains "step header 3" "$T/out" "step 3 of 12: g[3W]"
assert_count "b shows step 2 again" "$T/out" "step 2 of 12: g[3z]" 2
assert_lacks "no step 4 after q" "$T/out" "step 4 of 12"
assert_contains "the forward pass first" "$T/out" "Forward pass"
assert_count "forward shows it again" "$T/out" "Forward pass" 2
assert_contains "why" "$T/out" "  why: "
assert_contains "terms" "$T/out" "term by term"
assert_contains "terms of g[3z]" "$T/out" "∂L/∂z_1[3] = ŷ_1 − y_1 = 0.588137 − 1 = −0.411863"
assert_contains "unknown command" "$T/out" "unknown command \"leap\""
assert_contains "q" "$T/out" "stopped at step 2 of 12"
assert_contains "the prompt and the command, echoed" "$T/out" "step 2/12> why"
assert_lacks "no verdict after q" "$T/out" "PASS"

# the end of input shows the remaining steps, each exactly as trace shows it
printf '\n' >"$T/in"
run_in "$T/in" step "$H001" --terms --explain
assert_rc "step to the end of input" 0
assert_count "every step, once" "$T/out" " of 12: g[" 12
assert_contains "the verdict" "$T/out" "PASS  38 of 38 elements compared"
"$BS" trace "$H001" --terms --explain --quiet >"$T/trace.txt" 2>/dev/null
py "each step as trace shows it" '
import sys
trace = open(sys.argv[1]).read()
step = open(sys.argv[2]).read()
back = trace[trace.index("\ng[3a] = "):trace.rindex("\n\nPASS")]
blocks = back.strip("\n").split("\n\n")
assert len(blocks) == 12, len(blocks)
for b in blocks:
    assert b in step, b[:60]
' "$T/trace.txt" "$T/out"

printf '\n\n\n\n\n' >"$T/in"
run_in "$T/in" step "$H001" --notation code
assert_contains "step in code notation" "$T/out" "step 6 of 12: dz2"
assert_contains "its formula in code notation" "$T/out" "dz2 = sigmoid'(z2) ∘ da2"

# ---- quiz: right answers -------------------------------------------------

cut -f2 "$T/h001" >"$T/in"
run_in "$T/in" quiz "$H001"
assert_rc "quiz, every answer right" 0
assert_contains "full marks" "$T/out" "score: 12/12 steps right at the first try; mistakes: none"
assert_count "12 right" "$T/out" "✓ right" 12
assert_contains "the first question" "$T/out" "question 1 of 12: g[3a] = ∂L/∂a[3], 1×1"
assert_contains "what is known" "$T/out" "known so far (and the forward pass above):"
assert_contains "the shape asked" "$T/out" "type g[2W]: 3 rows of 2 numbers, rows separated by ;"

# ---- quiz: a scripted session with mistakes ------------------------------

{
    ans "$T/h001" "g[3a]"
    ans "$T/h001" "g[3a]"          # g[3z] without g_o'(z[3])
    ans "$T/h001" "g[3z]"
    ans "$T/h001" "g[3W]"
    echo hint
    ans "$T/h001" "g[3b]"
    ans "$T/h001" "g[2a]"
    ans "$T/h001" "g[2a]"          # g[2z] without g_h'(z[2])
    echo "1 2 3"                   # wrong shape
    echo "0.5 zero"                # unreadable: not a try
    ans "$T/h001" "g[2z]"
    python3 -c '
import sys
rows = [[float(v) for v in r.split()] for r in sys.argv[1].split(";")]
print("; ".join(" ".join(repr(r[j]) for r in rows) for j in range(len(rows[0]))))
' "$(ans "$T/h001" "g[2W]")"      # g[2W] transposed
    echo skip
    echo quit
} >"$T/in"
run_in "$T/in" quiz "$H001" --record "$T/record.json"
assert_rc "quiz with mistakes" 0
assert_contains "derivative left out, named" "$T/out" "mistake: activation derivative left out: your g[3z] equals g[3a] without the factor g_o'(z[3]) = a[3] ∘ (1 − a[3])"
assert_contains "derivative left out in g[2z]" "$T/out" "your g[2z] equals g[2a] without the factor g_h'(z[2]) = a[2] ∘ (1 − a[2])"
assert_contains "which elements are wrong" "$T/out" "2 of 2 elements wrong: [1,1] [1,2]"
assert_contains "try again" "$T/out" "try again: 2 tries left"
assert_contains "the prompt of the second try" "$T/out" "g[3z] (try 2 of 3) = "
assert_contains "wrong shape, named" "$T/out" "✗ wrong shape: g[2z] is 1×2 (2 numbers), your answer is 1×3 (3 numbers)"
assert_contains "unreadable, said so" "$T/out" "could not read that as an answer: column 5: expected a number, got \"zero\""
assert_contains "transpose, named" "$T/out" "your answer is 2×3, transposed; g[2W] is 3×2 (3 rows of 2 numbers)"
assert_contains "transpose, the catalogue's name" "$T/out" "mistake: missing or extra transpose"
assert_contains "hint" "$T/out" "g[3b] = g[3z]"
assert_contains "skip reveals" "$T/out" "skipped g[2W]"
assert_contains "the answer revealed" "$T/out" "    g[2W] = (a[1])ᵀ · g[2z]"
assert_contains "quit" "$T/out" "quiz ended at question 8 of 12"
SCORE="score: 4/12 steps right at the first try; mistakes: activation derivative left out ×2, wrong shape ×1, missing or extra transpose ×1"
assert_contains "the score line" "$T/out" "$SCORE"
assert_count "one score line" "$T/out" "score: " 1
py "the record" '
import json, sys
r = json.load(open(sys.argv[1]))
assert r["spec"].endswith("4-3-2-1-bce.json"), r["spec"]
assert r["tolerance"] == 0.005
s = r["steps"]
assert len(s) == 12
assert [x["outcome"] for x in s] == ["right"] * 6 + ["skipped"] + ["unanswered"] * 5, [x["outcome"] for x in s]
assert [x["first_try"] for x in s[:7]] == [True, False, True, True, True, False, False]
z3 = s[1]
assert z3["tries"] == 2 and z3["answers"][0]["mistake"] == "no-derivative", z3
assert z3["answers"][0]["mistake_name"] == "activation derivative left out"
assert "without the factor" in z3["answers"][0]["diagnosis"]
assert z3["answers"][1]["right"] is True
z2 = s[5]
assert [a["mistake"] for a in z2["answers"]] == ["no-derivative", "wrong-shape", None], z2
assert z2["answers"][1]["values"] == [[1, 2, 3]]
assert s[6]["answers"][0]["mistake"] == "transpose"
assert s[3]["hints"] == 1
sc = r["score"]
assert sc["first_try"] == 4 and sc["steps"] == 12 and sc["asked"] == 8, sc
assert sc["mistakes"] == {"no-derivative": 2, "wrong-shape": 1, "transpose": 1}, sc
assert r["score_line"] == sys.argv[2], r["score_line"]
' "$T/record.json" "$SCORE"

# three wrong tries reveal the answer and the reason; the end of input ends
printf '1\n2\n3\n' >"$T/in"
run_in "$T/in" quiz "$H001" --only dz3
assert_rc "three wrong tries" 0
assert_contains "revealed" "$T/out" "  the answer:"
assert_contains "the reason" "$T/out" "  why: "
assert_contains "only one question" "$T/out" "question 1 of 1: g[3z] = ∂L/∂z[3], 1×1 (step 2 of 12)"
assert_contains "score after three tries" "$T/out" "score: 0/1 steps right at the first try; mistakes: not in the catalogue ×3"

# a row vector typed as a column is read as the row, said so, and right
# (the values are the trace's g[2a] to 4 digits, the orientation changed by
# the test); an empty entry between commas costs no try
{ echo "1,,2"; ans "$T/h001" "g[2a]" | tr ' ' ';'; } >"$T/in"
run_in "$T/in" quiz "$H001" --only 'g[2a]'
assert_rc "vector typed as a column" 0
assert_contains "empty entry, its column" "$T/out" "could not read that as an answer: column 3: an empty entry"
assert_contains "the column read as the row" "$T/out" "(g[2a] is a row vector, 1×2: your column was read as that row)"
assert_contains "and right at the first try" "$T/out" "score: 1/1 steps right at the first try; mistakes: none"

# the derivative half remembered (handout 001's g[2z] multiplied by a[2]
# where a[2] ∘ (1 − a[2]) belongs): the product is worked here from the
# trace's a[2] and g[2a] to 4 digits, and the quiz names the mistake
"$BS" trace "$H001" --format json --quiet | python3 -c '
import json, sys
d = {s["id"]: s for s in json.load(sys.stdin)["steps"]}
a, g = d["a[2]"]["values"][0], d["g[2a]"]["analytic"][0]
print(" ".join("%.4g" % (x * y) for x, y in zip(a, g)))' >"$T/in"
run_in "$T/in" quiz "$H001" --only 'g[2z]'
assert_rc "a instead of a(1 - a)" 0
assert_contains "a instead of a(1 - a), named" "$T/out" "mistake: the activation in place of its derivative: your g[2z] matches the result of multiplying by g_h(z[2]) = a[2], the activation itself, instead of its derivative g_h'(z[2]) in g[2z]"

# end of input in the middle
ans "$T/h001" "g[3a]" >"$T/in"
run_in "$T/in" quiz "$H001"
assert_rc "end of input" 0
assert_contains "end of input, said so" "$T/out" "end of input at question 2 of 12"
assert_contains "the score so far" "$T/out" "score: 1/12 steps right at the first try; mistakes: none"

# B times too large: a batch of 3 with the mean, g[2a] = (ŷ − y)/B answered as ŷ − y
python3 -c '
import sys
print("; ".join(" ".join(repr(3 * float(v)) for v in r.split()) for r in sys.argv[1].split(";")))
' "$(ans "$T/tanh" "g[2a]")" >"$T/in"
run_in "$T/in" quiz "$TANH"
assert_rc "B times too large" 0
assert_contains "1/B missing, named" "$T/out" "mistake: 1/B of the batch mean missing: your g[2a] matches the right g[2a] without the 1/B of the batch mean: your gradient is B = 3 times too large"
assert_contains "its score line" "$T/out" "score: 0/8 steps right at the first try; mistakes: 1/B of the batch mean missing ×1"

# another notation: names in the questions and the answers' diagnosis
ans "$T/h001" "g[3a]" >"$T/in"
ans "$T/h001" "g[3a]" >>"$T/in"
run_in "$T/in" quiz "$H001" --notation partial --tolerance 0.01
assert_contains "partial notation" "$T/out" "question 2 of 12: ∂L/∂z[3], 1×1"
assert_contains "partial notation, the diagnosis" "$T/out" "your ∂L/∂z[3] equals ∂L/∂a[3] without the factor f'(z[3])"
assert_contains "the tolerance shown" "$T/out" "within a relative 0.01 of the value"

# ---- every shipped spec: step to the end, quiz with full marks -----------

for spec in "$SPECS"/*.json; do
    name=$(basename "$spec" .json)
    printf '\n' >"$T/in"
    run_in "$T/in" step "$spec"
    assert_rc "step $name" 0
    n=$(grep -c -E '^step [0-9]+ of [0-9]+: ' "$T/out")
    [ "$n" -gt 0 ] && grep -q -E "^step $n of $n: g\[1b\]" "$T/out" && pass || fail "step $name: $n steps shown"
    answers "$spec" "$T/ans"
    cut -f2 "$T/ans" >"$T/in"
    run_in "$T/in" quiz "$spec"
    assert_rc "quiz $name" 0
    steps=$(wc -l <"$T/ans")
    assert_contains "quiz $name, full marks" "$T/out" "score: $steps/$steps steps right at the first try; mistakes: none"
done

# ---- a step whose value is not finite -------------------------------------
# One saturated sigmoid under bce: ŷ = σ(1000) = 1 in double, y = 0, so by hand
# g[1a] = (ŷ − y)/(ŷ(1 − ŷ)) = +inf, g[1z] = ŷ − y = 1, g[1W] = x g[1z] = 1,
# g[1b] = 1.  No answer to g[1a] is right; the right later ones are.
cat >"$T/sat.json" <<'EOF_SPEC'
{"layers": [1, 1], "activations": ["sigmoid"], "loss": "bce",
 "params": {"W1": [[1000]], "b1": [0]}, "x": [1], "y": [0]}
EOF_SPEC
printf '5\n-1e308\n0\n1\n1\n1\n' >"$T/in"
run_in "$T/in" quiz "$T/sat.json" --record "$T/sat-record.json"
assert_rc "quiz, infinite g[1a]" 0
assert_lacks "quiz, infinite g[1a]" "$T/out" "✓ right: g[1a]"
assert_contains "quiz, infinite g[1a]" "$T/out" "✓ right: g[1z]"
assert_contains "quiz, infinite g[1a]" "$T/out" "score: 3/4 steps right at the first try"
py "quiz --record, infinite g[1a], strict JSON" '
import json, sys
def bare(c):
    raise ValueError("bare " + c)
r = json.load(open(sys.argv[1], encoding="utf-8"), parse_constant=bare)
assert [s["outcome"] for s in r["steps"]] == ["revealed", "right", "right", "right"], r["steps"]' "$T/sat-record.json"
printf 'inf\nnan\nquit\n' >"$T/in"
run_in "$T/in" quiz "$T/sat.json"
assert_count "quiz, answers inf and nan" "$T/out" "expected a number, got" 2
assert_lacks "quiz, answers inf and nan" "$T/out" "✓ right"

# ---- bad flags, bad specs ------------------------------------------------

run quiz "$H001" --tolerance 0
assert_rc "--tolerance 0" 2
assert_contains "--tolerance 0, said so" "$T/err" "--tolerance expects a relative tolerance between 0 and 1"
run quiz "$H001" --tolerance abc
assert_rc "--tolerance abc" 2
run quiz "$H001" --only 'g[9z]'
assert_rc "--only g[9z]" 2
assert_contains "--only, named" "$T/err" "--only: \"g[9z]\" is not a backward step of this network"
assert_one_line "--only g[9z]" "$T/err"
run quiz "$H001" --explain
assert_rc "quiz --explain" 2
run step "$H001" --record x.json
assert_rc "step --record" 2
run quiz
assert_rc "quiz without SPEC" 2
run step
assert_rc "step without SPEC" 2
run quiz - --only g[3z]
assert_rc "quiz -" 2
assert_contains "quiz - refused" "$T/err" "quiz reads the answers from standard input"
run step "$T/missing.json"
assert_rc "step, no such file" 2
assert_one_line "step, no such file" "$T/err"
printf '{"layers": [2, 1], "activations": "sigmoid", "loss": "mse",\n "params": {"W1": [[1, 2, 3]]}}\n' >"$T/bad.json"
run quiz "$T/bad.json"
assert_rc "quiz, bad spec" 2
assert_contains "quiz, bad spec, named" "$T/err" "bad.json"
assert_one_line "quiz, bad spec" "$T/err"
run quiz "$H001" --record "$T/no/such/dir/r.json"
assert_rc "--record into a missing directory" 2
run quiz "$H001" --record "$H001"
assert_rc "--record over the spec" 2
run help quiz
assert_rc "help quiz" 0
assert_contains "help quiz, --record" "$T/out" "--record FILE"
assert_contains "help quiz, --only" "$T/out" "--only LIST"
run help step
assert_contains "help step, --terms" "$T/out" "--terms"
run help
assert_contains "help lists quiz" "$T/out" "quiz SPEC"

# ---- a real pseudo-terminal ----------------------------------------------

# wait_for TEXT [-x]: polls the tmux pane, up to 15 s, for TEXT (with -x: for
# a line that is TEXT, the pane's trailing spaces dropped, as a prompt is)
wait_for() {
    local i
    for i in $(seq 1 150); do
        tmux -S "$TMUX_SOCK" capture-pane -p -t bs -S -200 >"$T/pane" 2>/dev/null
        if grep -F -q ${2:-} -e "$1" "$T/pane"; then return 0; fi
        sleep 0.1
    done
    return 1
}
if command -v tmux >/dev/null 2>&1; then
    tmux -S "$TMUX_SOCK" new-session -d -s bs -x 160 -y 50 \
        "'$BS' quiz '$H001' --only g[3z]; echo \"exit status \$?\"; sleep 30"
    if wait_for "g[3z] =" -x; then pass; else fail "tty: no quiz prompt: $(tail -5 "$T/pane" | tr '\n' '|')"; fi
    tmux -S "$TMUX_SOCK" send-keys -t bs -l -- "$(ans "$T/h001" "g[3a]")"
    tmux -S "$TMUX_SOCK" send-keys -t bs Enter
    if wait_for "mistake: activation derivative left out"; then pass; else fail "tty: no diagnosis: $(tail -5 "$T/pane" | tr '\n' '|')"; fi
    if wait_for "g[3z] (try 2 of 3) =" -x; then pass; else fail "tty: no second prompt"; fi
    tmux -S "$TMUX_SOCK" send-keys -t bs -l -- "$(ans "$T/h001" "g[3z]")"
    tmux -S "$TMUX_SOCK" send-keys -t bs Enter
    if wait_for "score: 0/1 steps right at the first try; mistakes: activation derivative left out ×1"; then pass; else fail "tty: no score line: $(tail -5 "$T/pane" | tr '\n' '|')"; fi
    if wait_for "exit status 0"; then pass; else fail "tty: quiz exit status"; fi
    tmux -S "$TMUX_SOCK" kill-server 2>/dev/null

    TMUX_SOCK="$T/tmux-step.sock"
    tmux -S "$TMUX_SOCK" new-session -d -s bs -x 160 -y 50 \
        "'$BS' step '$H001'; echo \"exit status \$?\"; sleep 30"
    if wait_for "step 1/12>" -x; then pass; else fail "tty: no step prompt: $(tail -5 "$T/pane" | tr '\n' '|')"; fi
    tmux -S "$TMUX_SOCK" send-keys -t bs Enter
    if wait_for "step 2 of 12: g[3z]"; then pass; else fail "tty: Enter did not show step 2"; fi
    tmux -S "$TMUX_SOCK" send-keys -t bs q Enter
    if wait_for "stopped at step 2 of 12"; then pass; else fail "tty: q did not stop"; fi
    if wait_for "exit status 0"; then pass; else fail "tty: step exit status"; fi
    tmux -S "$TMUX_SOCK" kill-server 2>/dev/null
else
    echo "SKIP: tmux not found; the prompts at a real terminal are not tested (.ci/run installs it)"
fi

finish
