#!/usr/bin/env bash
# cli_test.sh — end-to-end tests of the backstep command line.
#
#   bash tests/cli_test.sh BACKSTEP_BINARY SOURCE_ROOT
#
# SOURCE_ROOT holds specs/ (the shipped specs), tests/bad/ (the catalogue of
# bad inputs, described by tests/bad/MANIFEST.tsv) and src/cli/cli_options.c (whose
# options table the help text is checked against).  Every check counts as one
# pass or one failure; each failure prints one line with the details, and the
# last line is "N passed, M failed".  Exit status 1 when M > 0.  Tests that
# cannot run here (e.g. the unreadable-file test as root) print a note and
# count as neither.

set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [ $# -ne 2 ]; then
    echo "usage: bash tests/cli_test.sh BACKSTEP_BINARY SOURCE_ROOT" >&2
    exit 2
fi

abspath() { (cd "$(dirname "$1")" && printf '%s/%s\n' "$(pwd -P)" "$(basename "$1")"); }
BS=$(abspath "$1")
ROOT=$(cd "$2" && pwd -P) || { echo "cli_test.sh: no such directory: $2" >&2; exit 2; }
if [ ! -x "$BS" ] || [ -d "$BS" ]; then
    echo "cli_test.sh: not an executable: $1" >&2
    exit 2
fi
SPECS="$ROOT/specs"
BAD="$ROOT/tests/bad"
MAIN_C="$ROOT/src/cli/cli_options.c"

export LC_ALL=C      # byte-wise grep; the messages hold UTF-8 (×, λ, …)
unset NO_COLOR       # set explicitly where a test needs it

scratch T backstep-cli
# every run is limited (lib.sh's run), so that a hanging backstep fails the
# suite instead of blocking it (124 is timeout's exit status)
TO=(${LIB_TO[@]+"${LIB_TO[@]}"})

# ---- helpers (beside tests/lib.sh's) ---------------------------------------

note() { printf 'note  %s\n' "$*"; }

# Exactly one line: one newline, and it is the last byte.
is_one_line() { [ "$(wc -l <"$1")" -eq 1 ] && [ -z "$(tail -c 1 "$1" | tr -d '\n')" ]; }
assert_starts_with() { # DESC FILE PREFIX
    local head
    head=$(head -c "${#3}" "$2")
    if [ "$head" = "$3" ]; then pass; else
        fail "$1: $(basename "$2") does not start with \"$3\": $(excerpt "$2")"
    fi
}
assert_no_ansi() { # DESC FILE
    if grep -q "$(printf '\033')\[" "$1" 2>/dev/null || grep -q "$(printf '\033')\[" "$2"; then
        fail "$1: ANSI escape sequences (ESC [) in $(basename "$2")"
    else pass; fi
}
# The last line of FILE starts with PREFIX.
assert_last_line_starts() { # DESC FILE PREFIX
    tail -n 1 "$2" >"$T/last"
    assert_starts_with "$1" "$T/last" "$3"
}
assert_same() { # DESC FILE1 FILE2
    if cmp -s "$2" "$3"; then pass; else
        fail "$1: $(basename "$2") and $(basename "$3") differ ($(cmp "$2" "$3" 2>&1 | head -1))"
    fi
}
assert_true() { # DESC COMMAND...
    local d=$1; shift
    if "$@"; then pass; else fail "$d"; fi
}
# No temporary files of write_atomically left in DIR.
assert_no_leftovers() { # DESC DIR
    local left
    left=$(find "$2" -name '.backstep-*' 2>/dev/null | head -5 | tr '\n' ' ')
    if [ -z "$left" ]; then pass; else fail "$1: temporary files left behind: $left"; fi
}

# Strict JSON (no NaN/Infinity): prints nothing, exits 0 when valid.
json_valid() { python3 -c '
import json, sys
def bad(c): raise ValueError("non-standard JSON constant " + c)
json.load(open(sys.argv[1], encoding="utf-8"), parse_constant=bad)' "$1" 2>"$T/json.err"; }
# Prints the value of a JSON expression such as ["check"]["passed"].
json_get() { python3 -c '
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
for k in sys.argv[2:]:
    d = d[int(k)] if isinstance(d, list) else d[k]
print(json.dumps(d, ensure_ascii=False))' "$@" 2>/dev/null; }
# Prints the names of the backward steps, one per line.
json_backward_names() { python3 -c '
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
for s in d["steps"]:
    if s.get("kind") == "backward":
        print(s["name"])' "$1" 2>/dev/null; }

if ! command -v python3 >/dev/null 2>&1; then
    note "python3 not found: the JSON checks will fail"
fi

# ---- 1. the catalogue of bad inputs ----------------------------------------

if [ ! -f "$BAD/MANIFEST.tsv" ]; then
    fail "catalogue: $BAD/MANIFEST.tsv is missing"
else
    n=0
    while IFS=$'\t' read -r file code phrase || [ -n "$file" ]; do
        [ -z "$file" ] && continue
        case $file in \#*) continue ;; esac
        n=$((n + 1))
        path="$BAD/$file"
        d="catalogue $file"
        if [ ! -f "$path" ]; then
            fail "$d: listed in MANIFEST.tsv but missing"
            continue
        fi
        if [ -z "$phrase" ] || [ -z "$code" ]; then
            fail "$d: MANIFEST.tsv line lacks an exit code or a phrase"
            continue
        fi
        run trace "$path"
        assert_rc "$d: trace exit code" "$code"
        assert_contains "$d: trace stderr phrase" "$T/err" "$phrase"
        assert_starts_with "$d: trace stderr names the file" "$T/err" "backstep: $path:"
        assert_one_line "$d: trace stderr" "$T/err"
        assert_empty "$d: trace stdout" "$T/out"
        run check "$path"
        assert_rc "$d: check exit code" 2
        assert_contains "$d: check stderr phrase" "$T/err" "$phrase"
        assert_contains "$d: check stdout" "$T/out" "$path: ERROR"
    done <"$BAD/MANIFEST.tsv"
    # every file of the catalogue is listed
    for f in "$BAD"/* "$BAD"/.[!.]*; do
        [ -e "$f" ] || continue
        b=$(basename "$f")
        [ "$b" = MANIFEST.tsv ] && continue
        if cut -f1 "$BAD/MANIFEST.tsv" | grep -F -x -q -e "$b"; then pass; else
            fail "catalogue: $b is in tests/bad/ but not in MANIFEST.tsv"
        fi
    done
    if [ "$n" -ge 60 ]; then pass; else fail "catalogue: only $n entries in MANIFEST.tsv, expected at least 60"; fi
fi

# the limit messages name the place and the option that raises the limit
if [ -f "$BAD/memory-limit.json" ]; then
    run trace "$BAD/memory-limit.json"
    assert_contains "memory limit: place" "$T/err" "memory-limit.json: layers: this network"
    assert_contains "memory limit: option" "$T/err" "(raise it with --max-memory)"
fi
if [ -f "$BAD/too-many-layers.json" ]; then
    run trace --max-layers 101 "$BAD/too-many-layers.json"
    assert_rc "--max-layers 101 lets 101 layers through to the next check" 2
    assert_lacks "--max-layers 101 is honoured" "$T/err" "--max-layers"
fi
run check --max-layers 2 "$SPECS/4-3-2-1-bce.json"
assert_rc "check --max-layers 2 on a 3-layer net" 2
assert_contains "check --max-layers 2 message" "$T/err" "layers: 3 layers, more than the limit of 2 (raise it with --max-layers)"
run trace --max-memory 1000 "$SPECS/4-3-2-1-bce.json"
assert_rc "trace --max-memory 1000" 2
assert_contains "trace --max-memory 1000 message" "$T/err" "more than the limit of 1000 bytes (raise it with --max-memory)"
assert_empty "trace --max-memory 1000 stdout" "$T/out"

# control characters in strings of the spec must not reach the terminal raw:
# the message stays one line and holds no escape sequence
printf '{"layers": [2, 1], "activations": "sigmoid\\u001b[2J\\u001b[31m", "loss": "mse", "x": [1, 2], "y": [0]}\n' >"$T/esc.json"
run trace "$T/esc.json"
assert_rc "activation name with ESC: exit code" 2
assert_contains "activation name with ESC: place" "$T/err" "activations: unknown activation"
assert_one_line "activation name with ESC: stderr" "$T/err"
if grep -q "$(printf '\033')" "$T/err"; then
    fail "activation name with ESC: the raw ESC byte from the spec is copied into the message (terminal escape injection)"
else pass; fi

# ---- 2. special inputs made at run time --------------------------------------

mkdir "$T/adir"
run trace "$T/adir"
assert_rc "directory as SPEC" 2
assert_contains "directory as SPEC" "$T/err" "backstep: $T/adir: is a directory"
assert_one_line "directory as SPEC: stderr" "$T/err"
assert_empty "directory as SPEC: stdout" "$T/out"

run trace "$T/no-such-spec.json"
assert_rc "missing file" 2
assert_contains "missing file" "$T/err" "backstep: $T/no-such-spec.json: no such file"
assert_one_line "missing file: stderr" "$T/err"
run check "$T/no-such-dir/spec.json"
assert_rc "missing directory (check)" 2
assert_contains "missing directory (check)" "$T/err" "no such file"

# a 100 MB file that starts like a spec (sparse: the rest is NUL bytes)
prefix='{"layers": [2, 1], "activations": "sigmoid", "loss": "mse", "x": ['
printf '%s' "$prefix" >"$T/big.json"
if truncate -s 100M "$T/big.json" 2>/dev/null; then
    run trace "$T/big.json"
    assert_rc "100 MB spec" 2
    assert_contains "100 MB spec: names the file" "$T/err" "backstep: $T/big.json:"
    assert_contains "100 MB spec: the limit" "$T/err" "more than the limit of 67108864 bytes"
    assert_contains "100 MB spec: the option" "$T/err" "--max-file-size"
    assert_one_line "100 MB spec: stderr" "$T/err"
    run trace --max-file-size 200000000 "$T/big.json"
    assert_rc "100 MB spec under --max-file-size 200000000" 2
    assert_lacks "--max-file-size 200000000 is honoured" "$T/err" "--max-file-size"
    assert_contains "100 MB spec read: first NUL byte" "$T/err" "big.json:1:$((${#prefix} + 1)): unexpected NUL byte"
    rm -f "$T/big.json"
else
    note "truncate failed: the 100 MB file test was skipped"
fi
# the limit also applies to standard input, whose size is not known beforehand
# shellcheck disable=SC2002 # a pipe, so that the size is not known beforehand
cat "$SPECS/4-3-2-1-bce.json" | ${TO[@]+"${TO[@]}"} "$BS" trace --max-file-size 100 - >"$T/out" 2>"$T/err"
RC=$?
assert_rc "stdin over --max-file-size" 2
assert_contains "stdin over --max-file-size" "$T/err" "<stdin>: the input is more than the limit of 100 bytes (raise it with --max-file-size)"

# an unreadable file: root reads anything, so the test needs another user
cp "$SPECS/4-3-2-1-bce.json" "$T/unreadable.json"
chmod 000 "$T/unreadable.json"
if [ "$(id -u)" -eq 0 ]; then
    note "running as root, who can read a mode-000 file: the unreadable-file test was skipped"
else
    run trace "$T/unreadable.json"
    assert_rc "unreadable file" 2
    assert_contains "unreadable file" "$T/err" "backstep: $T/unreadable.json: cannot read the file"
    assert_one_line "unreadable file: stderr" "$T/err"
fi
chmod 600 "$T/unreadable.json"

# standard input
run_in "$SPECS/4-3-2-1-bce.json" trace -
assert_rc "valid spec on stdin" 0
assert_last_line_starts "valid spec on stdin: last line" "$T/out" "PASS"
assert_contains "valid spec on stdin: source named" "$T/out" "<stdin>"
assert_empty "valid spec on stdin: stderr" "$T/err"
printf '{"layers": [2, 1],\n  "loss": }\n' >"$T/bad-stdin.json"
run_in "$T/bad-stdin.json" trace -
assert_rc "invalid spec on stdin" 2
assert_contains "invalid spec on stdin" "$T/err" "backstep: <stdin>:2:11: expected a value"
assert_one_line "invalid spec on stdin: stderr" "$T/err"
assert_empty "invalid spec on stdin: stdout" "$T/out"
run_in /dev/null check -
assert_rc "empty stdin (check)" 2
assert_contains "empty stdin (check)" "$T/err" "<stdin>:1:1: the file is empty"

# ---- 3. the shipped specs ----------------------------------------------------

shipped=()
for s in "$SPECS"/*.json; do [ -f "$s" ] && shipped+=("$s"); done
if [ "${#shipped[@]}" -eq 0 ]; then fail "no specs in $SPECS"; fi

for s in "${shipped[@]}"; do
    b=$(basename "$s")
    for m in central complex; do
        run check --method "$m" "$s"
        assert_rc "check --method $m $b" 0
        assert_one_line "check --method $m $b: stdout" "$T/out"
        assert_starts_with "check --method $m $b: line starts with the file" "$T/out" "$s: "
        assert_contains "check --method $m $b" "$T/out" "PASS"
        assert_contains "check --method $m $b: method named" "$T/out" "($m)"
        assert_empty "check --method $m $b: stderr" "$T/err"
    done

    run trace --format json "$s"
    cp "$T/out" "$T/j1"
    assert_rc "trace --format json $b" 0
    assert_empty "trace --format json $b: stderr" "$T/err"
    if json_valid "$T/j1"; then pass; else fail "trace --format json $b: not valid JSON: $(excerpt "$T/json.err")"; fi
    p=$(json_get "$T/j1" check passed)
    if [ "$p" = true ]; then pass; else fail "trace --format json $b: check.passed is ${p:-missing}, expected true"; fi
    assert_no_ansi "trace --format json $b" "$T/j1"

    run trace "$s"
    cp "$T/out" "$T/t1"
    assert_rc "trace $b" 0
    assert_last_line_starts "trace $b: last line" "$T/t1" "PASS"
    assert_no_ansi "trace $b to a file" "$T/t1"

    # determinism
    run trace "$s"
    assert_same "trace $b twice (text)" "$T/t1" "$T/out"
    run trace --format json "$s"
    assert_same "trace $b twice (json)" "$T/j1" "$T/out"
done

# the names of the backward steps, in order, in the three notations
S4321="$SPECS/4-3-2-1-bce.json"
expect_names() { # NOTATION NAME...
    local notation=$1; shift
    run trace --format json --notation "$notation" "$S4321"
    cp "$T/out" "$T/names.json"
    json_backward_names "$T/names.json" >"$T/names.got"
    printf '%s\n' "$@" >"$T/names.want"
    if [ "$RC" -eq 0 ] && cmp -s "$T/names.got" "$T/names.want"; then pass; else
        fail "trace --notation $notation 4-3-2-1-bce.json: backward steps (exit $RC) are [$(tr '\n' ' ' <"$T/names.got")], expected [$*]"
    fi
}
expect_names g 'g[3a]' 'g[3z]' 'g[3W]' 'g[3b]' 'g[2a]' 'g[2z]' 'g[2W]' 'g[2b]' \
    'g[1a]' 'g[1z]' 'g[1W]' 'g[1b]'
expect_names code da3 dz3 dW3 db3 da2 dz2 dW2 db2 da1 dz1 dW1 db1
expect_names partial '∂L/∂a[3]' '∂L/∂z[3]' '∂L/∂W[3]' '∂L/∂b[3]' '∂L/∂a[2]' '∂L/∂z[2]' \
    '∂L/∂W[2]' '∂L/∂b[2]' '∂L/∂a[1]' '∂L/∂z[1]' '∂L/∂W[1]' '∂L/∂b[1]'
run trace --notation code "$S4321"
assert_contains "trace --notation code (text)" "$T/out" "dz2"
run trace --notation partial "$S4321"
assert_contains "trace --notation partial (text)" "$T/out" "∂L/∂z[2]"

# the text output
run trace "$S4321"
cp "$T/out" "$T/t4321"
assert_contains "trace 4-3-2-1-bce.json" "$T/t4321" "g[2z] = ∂L/∂z[2] = g_h'(z[2]) ∘ g[2a]"
assert_contains "trace 4-3-2-1-bce.json" "$T/t4321" "g[3W] = ∂L/∂W[3] = (a[2])ᵀ · g[3z]"
assert_contains "trace 4-3-2-1-bce.json" "$T/t4321" "1×3"
assert_contains "trace 4-3-2-1-bce.json" "$T/t4321" "4×3"
assert_last_line_starts "trace 4-3-2-1-bce.json: last line" "$T/t4321" "PASS"

run trace "$SPECS/000-2-3-2-mse.json"
assert_contains "trace 000-2-3-2-mse.json (column)" "$T/out" "(W[2])ᵀ · g[2z]"
assert_contains "trace 000-2-3-2-mse.json (column)" "$T/out" "g[2z] · (a[1])ᵀ"

run trace "$SPECS/4-5-3-softmax-ce-l2.json"
assert_contains "trace 4-5-3-softmax-ce-l2.json" "$T/out" "(1/B)"
assert_contains "trace 4-5-3-softmax-ce-l2.json" "$T/out" "2λ W["
assert_contains "trace 4-5-3-softmax-ce-l2.json" "$T/out" "Lemma 2"

run trace "$SPECS/3-4-3-relu-softmax-mse.json"
assert_contains "trace 3-4-3-relu-softmax-mse.json" "$T/out" "J_softmax"
assert_lacks "trace 3-4-3-relu-softmax-mse.json" "$T/out" "Lemma 2"

run trace --precision 3 "$S4321"
assert_rc "trace --precision 3" 0
assert_contains "trace --precision 3" "$T/out" "0.596"
assert_lacks "trace --precision 3" "$T/out" "0.596283"

# ---- 4. check with several specs -------------------------------------------

run check "${shipped[@]}"
assert_rc "check with all shipped specs" 0
if [ "$(wc -l <"$T/out")" -eq "${#shipped[@]}" ]; then pass; else
    fail "check with all shipped specs: $(wc -l <"$T/out") lines, expected ${#shipped[@]}"
fi
i=0
for s in "${shipped[@]}"; do
    i=$((i + 1))
    line=$(sed -n "${i}p" "$T/out")
    case $line in
        "$s: PASS"*) pass ;;
        *) fail "check with all shipped specs: line $i is \"$line\", expected \"$s: PASS ...\"" ;;
    esac
done

good1="$SPECS/4-3-2-1-bce.json"
good2="$SPECS/000-2-3-2-mse.json"
badspec="$BAD/row-W2-rows-off.json"
run check "$good1" "$badspec" "$good2"
assert_rc "check good bad good" 2
if [ "$(wc -l <"$T/out")" -eq 3 ]; then pass; else
    fail "check good bad good: $(wc -l <"$T/out") lines on stdout, expected 3: $(excerpt "$T/out")"
fi
case $(sed -n 1p "$T/out") in "$good1: PASS"*) pass ;; *) fail "check good bad good: line 1 is \"$(sed -n 1p "$T/out")\"" ;; esac
case $(sed -n 2p "$T/out") in "$badspec: ERROR"*) pass ;; *) fail "check good bad good: line 2 is \"$(sed -n 2p "$T/out")\"" ;; esac
case $(sed -n 3p "$T/out") in "$good2: PASS"*) pass ;; *) fail "check good bad good: line 3 is \"$(sed -n 3p "$T/out")\"" ;; esac
assert_one_line "check good bad good: stderr" "$T/err"
assert_contains "check good bad good: stderr" "$T/err" "backstep: $badspec: params.W2: expected 3×2"

# ---- 5. failing checks -------------------------------------------------------

# with no tolerance (or a huge step) the error bars are too wide to decide:
# unresolved, which --strict fails
run trace --rtol 0 --atol 0 --strict --method central "$S4321"
assert_rc "trace --rtol 0 --atol 0 (central)" 1
assert_last_line_starts "trace --rtol 0 --atol 0: last line" "$T/out" "FAIL"
assert_contains "trace --rtol 0 --atol 0" "$T/out" "DISAGREE"
assert_empty "trace --rtol 0 --atol 0: stderr" "$T/err"
run check --rtol 0 --atol 0 --strict --method central "$S4321"
assert_rc "check --rtol 0 --atol 0 (central)" 1
assert_starts_with "check --rtol 0 --atol 0" "$T/out" "$S4321: FAIL"
run trace --epsilon 0.5 --strict "$S4321"
assert_rc "trace --epsilon 0.5" 1
assert_last_line_starts "trace --epsilon 0.5: last line" "$T/out" "FAIL"
run trace --format json --epsilon 0.5 --strict "$S4321"
assert_rc "trace --format json --epsilon 0.5" 1
p=$(json_get "$T/out" check passed)
if [ "$p" = false ]; then pass; else fail "trace --format json --epsilon 0.5: check.passed is ${p:-missing}, expected false"; fi
# one good spec and one failing: check exits 1, both lines printed
run check --epsilon 0.5 --strict "$good2" "$S4321"
assert_rc "check with a failing spec" 1
if [ "$(wc -l <"$T/out")" -eq 2 ]; then pass; else fail "check with a failing spec: $(wc -l <"$T/out") lines, expected 2"; fi
# a value that is not finite
cat >"$T/overflow.json" <<'EOF'
{"layers": [1, 1], "activations": ["identity"], "loss": "mse",
 "params": {"W1": [[1e200]], "b1": [0]}, "x": [1e200], "y": [0]}
EOF
run trace "$T/overflow.json"
assert_rc "trace with an overflow" 1
assert_last_line_starts "trace with an overflow: last line" "$T/out" "NON-FINITE"
run check "$T/overflow.json"
assert_rc "check with an overflow" 1
assert_contains "check with an overflow" "$T/out" "NON-FINITE"

# ---- 6. -o -------------------------------------------------------------------

O="$T/o"
mkdir "$O"
cp "$S4321" "$O/spec.json"
cp "$S4321" "$O/spec.orig"

run trace "$O/spec.json"
cp "$T/out" "$T/expected.txt"
run trace "$O/spec.json" -o "$O/out.txt"
assert_rc "-o out.txt" 0
assert_empty "-o out.txt: stdout" "$T/out"
assert_empty "-o out.txt: stderr" "$T/err"
if [ -f "$O/out.txt" ]; then assert_same "-o out.txt equals stdout" "$T/expected.txt" "$O/out.txt"; else fail "-o out.txt: file not written"; fi
assert_no_ansi "-o out.txt" "$O/out.txt"

run trace --format json "$O/spec.json"
cp "$T/out" "$T/expected.json"
echo "old content" >"$O/out.json"
run trace --format json "$O/spec.json" -o "$O/out.json"
assert_rc "-o replaces an existing file" 0
assert_same "-o out.json equals stdout" "$T/expected.json" "$O/out.json"

# a relative -o lands in the working directory
(cd "$O" && ${TO[@]+"${TO[@]}"} "$BS" trace spec.json -o rel.txt </dev/null >"$T/out" 2>"$T/err")
RC=$?
assert_rc "-o rel.txt (relative)" 0
assert_true "-o rel.txt: written in the working directory" test -f "$O/rel.txt"

run trace "$O/spec.json" -o "$O/nodir/out.txt"
assert_rc "-o into a missing directory" 2
assert_contains "-o into a missing directory: names the target" "$T/err" "$O/nodir/out.txt"
assert_one_line "-o into a missing directory: stderr" "$T/err"
assert_true "-o into a missing directory: nothing created" test ! -e "$O/nodir"

mkdir "$O/adir"
run trace "$O/spec.json" -o "$O/adir"
assert_rc "-o onto a directory" 2
assert_true "-o onto a directory: still a directory" test -d "$O/adir"

run trace "$O/spec.json" -o "$O/spec.json"
assert_rc "-o onto the spec" 2
assert_contains "-o onto the spec" "$T/err" "refusing"
assert_same "-o onto the spec: spec unchanged" "$O/spec.orig" "$O/spec.json"
assert_empty "-o onto the spec: stdout" "$T/out"
run trace "$O/spec.json" -o "$O/../o/./spec.json"
assert_rc "-o onto the spec by another path" 2
assert_contains "-o onto the spec by another path" "$T/err" "refusing"
assert_same "-o onto the spec by another path: spec unchanged" "$O/spec.orig" "$O/spec.json"
run_in "$O/spec.json" trace - -o "$T/stdin-out.txt"
assert_rc "-o with the spec on stdin" 0
assert_contains "-o with the spec on stdin" "$T/stdin-out.txt" "<stdin>"

# a spec that fails to load leaves the target alone
printf '{"layers": [2, 1]\n' >"$O/broken.json"
printf 'precious\n' >"$O/keep.txt"
cp "$O/keep.txt" "$O/keep.orig"
run trace "$O/broken.json" -o "$O/keep.txt"
assert_rc "-o with a broken spec" 2
assert_same "-o with a broken spec: target unchanged" "$O/keep.orig" "$O/keep.txt"
assert_one_line "-o with a broken spec: stderr" "$T/err"
run trace "$O/broken.json" -o "$O/absent.txt"
assert_rc "-o with a broken spec (no target)" 2
assert_true "-o with a broken spec: no file created" test ! -e "$O/absent.txt"
run trace "$BAD/params-W4.json" -o "$O/keep.txt"
assert_rc "-o with an invalid spec" 2
assert_same "-o with an invalid spec: target unchanged" "$O/keep.orig" "$O/keep.txt"

# -o onto a FIFO must write into it (or refuse), never replace it by a file
if mkfifo "$O/fifo" 2>/dev/null; then
    exec 3<>"$O/fifo" # a reader that never blocks the writer
    run trace "$O/spec.json" -o "$O/fifo"
    if [ -p "$O/fifo" ]; then
        pass
        if [ "$RC" -eq 0 ]; then
            size=$(wc -c <"$T/expected.txt")
            ${TO[@]+"${TO[@]}"} head -c "$size" <&3 >"$T/fifo.got"
            assert_same "-o FIFO: content" "$T/expected.txt" "$T/fifo.got"
        else
            assert_rc "-o FIFO refused" 2
        fi
    else
        fail "-o FIFO: the FIFO was replaced by a regular file (exit $RC); -o to a FIFO or device (e.g. -o /dev/null as root) must not rename over it"
    fi
    exec 3>&-
    rm -f "$O/fifo"
else
    note "mkfifo failed: the -o FIFO test was skipped"
fi

# no command writes over one of the files it reads: the one rule, whichever
# command and whichever way the file is named (another path, a symbolic link)
I="$T/inputs"
mkdir "$I"
cp "$S4321" "$I/spec.json"
"$BS" trace "$I/spec.json" --format json --notation code 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
json.dump({s["name"]: s["analytic"] for s in d["steps"] if s["kind"] == "backward"}, sys.stdout)' >"$I/grads.json"
printf 'ada\nbob\n' >"$I/roster.txt"
"$BS" exercise "$I/spec.json" --roster "$I/roster.txt" -o "$I/ex1" >/dev/null 2>&1
mkdir "$I/returned"
cp "$I/ex1/ada/answers.json" "$I/returned/ada.json"
cp "$I/ex1/bob/answers.json" "$I/returned/bob.json"
ln -s grads.json "$I/grads-link.json"
mkdir "$I/rdir"
printf 'ada\nbob\n' >"$I/rdir/exercise.json" # a roster under the name of a file of the set
(cd "$I" && tar cf "$T/inputs.tar" .)
while IFS= read -r line; do
    eval "set -- $line"
    run "$@"
    assert_rc "$line" 2
    assert_contains "$line" "$T/err" "a file this command reads; refusing to write over it"
    assert_one_line "$line: stderr" "$T/err"
    (cd "$I" && tar cf "$T/inputs-now.tar" .)
    assert_same "$line: every input unchanged" "$T/inputs.tar" "$T/inputs-now.tar"
done <<LINES
compare "$I/spec.json" "$I/grads.json" -o "$I/grads.json"
compare "$I/spec.json" "$I/grads.json" -o "$I/grads-link.json"
compare "$I/spec.json" "$I/grads-link.json" -o "$I/grads.json"
grade "$I/ex1" "$I/returned/ada.json" "$I/returned/bob.json" -o "$I/returned/bob.json"
grade "$I/ex1" "$I/returned/ada.json" -o "$I/ex1/exercise.json"
grade "$I/ex1" "$I/returned/ada.json" -o "$I/ex1/bob/spec.json"
exercise "$I/spec.json" --roster "$I/rdir/exercise.json" -o "$I/rdir" --force
train "$I/spec.json" --lr 0.1 --steps 2 -o "$I/spec.json"
sweep "$I/spec.json" "W1[1,1]" -o "$I/spec.json"
quiz "$I/spec.json" --record "$I/spec.json"
LINES
# an exercise written over the directory holding its roster: nothing of the
# set is written (not only the roster is spared)
assert_true "exercise over its roster: nothing of the set written" test ! -e "$I/rdir/ada"

# one rule for symbolic links, for -o and for the files of a set: the link
# is followed, its target replaced (keeping its permissions), the link kept
L="$T/links"
mkdir "$L"
printf 'old\n' >"$L/target.txt"
chmod 640 "$L/target.txt"
ln -s target.txt "$L/link.txt"
run trace "$S4321" -o "$L/link.txt"
assert_rc "-o onto a symbolic link" 0
assert_true "-o onto a symbolic link: still a link" test -L "$L/link.txt"
assert_contains "-o onto a symbolic link: the target written" "$L/target.txt" "4-3-2-1"
assert_true "-o onto a symbolic link: the target's mode kept" test "$(stat -c %a "$L/target.txt")" = 640
"$BS" exercise "$S4321" --roster "$I/roster.txt" -o "$L/ex" >/dev/null 2>&1
printf 'old\n' >"$L/spec-target.json"
rm "$L/ex/ada/spec.json"
ln -s ../../spec-target.json "$L/ex/ada/spec.json"
run exercise "$S4321" --roster "$I/roster.txt" -o "$L/ex" --force
assert_rc "exercise --force over a symbolic link" 0
assert_true "exercise --force over a symbolic link: still a link" test -L "$L/ex/ada/spec.json"
assert_contains "exercise --force over a symbolic link: the target written" "$L/spec-target.json" "layers"

# Ctrl-C, SIGTERM or a hang-up while -o is being written: the temporary file
# is removed and the target is untouched.  A spec scaled up from the MNIST
# one gives about 100 MB of JSON, so the signal comes while it is written.
if [ -f "$SPECS/mnist-784-200-100-10.json" ]; then
    K="$T/killed"
    mkdir "$K"
    python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
d["layers"] = [784, 1000, 500, 10]
json.dump(d, open(sys.argv[2], "w"))' "$SPECS/mnist-784-200-100-10.json" "$K/big.json"
    # a background job of a script starts with SIGINT ignored, which backstep
    # keeps ignored (as under nohup): env gives it the default disposition
    if env --default-signal=INT true 2>/dev/null; then
        SIGS=(INT TERM HUP)
        DFLSIG=(env --default-signal=INT,TERM,HUP)
    else
        SIGS=(TERM HUP)
        DFLSIG=()
        note "env --default-signal is not available: SIGINT during -o was not tested"
    fi
    for sig in "${SIGS[@]}"; do
        printf 'precious\n' >"$K/out.json"
        ${DFLSIG[@]+"${DFLSIG[@]}"} "$BS" trace "$K/big.json" --format json -o "$K/out.json" </dev/null >/dev/null 2>"$T/err" &
        pid=$!
        for _ in $(seq 600); do
            compgen -G "$K/.backstep-*" >/dev/null && break
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.05
        done
        if compgen -G "$K/.backstep-*" >/dev/null; then
            kill -"$sig" "$pid"
            wait "$pid" 2>/dev/null # without the shell's "Hangup" notice
            RC=$?
            case $sig in INT) want=130 ;; TERM) want=143 ;; HUP) want=129 ;; esac
            assert_rc "SIG$sig while -o is written" "$want"
            assert_no_leftovers "SIG$sig while -o is written" "$K"
            assert_true "SIG$sig while -o is written: the target untouched" \
                test "$(cat "$K/out.json")" = precious
        else
            wait "$pid" 2>/dev/null # without the shell's "Hangup" notice
            note "SIG$sig: the temporary file of -o was not seen in time; the test was skipped"
        fi
    done
    rm -rf "$K"
else
    fail "signals: $SPECS/mnist-784-200-100-10.json is missing"
fi

assert_no_leftovers "-o tests" "$O"
assert_no_leftovers "-o tests (temp dir)" "$T"

# ---- 7. output errors --------------------------------------------------------

if [ -c /dev/full ]; then
    ${TO[@]+"${TO[@]}"} "$BS" trace "$S4321" </dev/null >/dev/full 2>"$T/err"
    RC=$?
    assert_rc "trace > /dev/full (an i/o error)" 2
    assert_contains "trace > /dev/full" "$T/err" "writing"
    assert_one_line "trace > /dev/full: stderr" "$T/err"
    ${TO[@]+"${TO[@]}"} "$BS" check "$S4321" </dev/null >/dev/full 2>"$T/err"
    RC=$?
    assert_rc "check > /dev/full" 2
    assert_contains "check > /dev/full" "$T/err" "writing"
    # every command and every path that prints to standard output: a write
    # that did not arrive is exit status 2 and one line, whatever printed it
    printf 'ada\n' >"$T/full-roster.txt"
    rm -rf "$T/full-ex"
    "$BS" exercise "$S4321" --roster "$T/full-roster.txt" -o "$T/full-ex" >/dev/null 2>&1
    printf 'q\n' >"$T/full-q.txt"
    # the gradients of the spec, read back from trace's JSON
    "$BS" trace "$S4321" --format json --notation code 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
json.dump({s["name"]: s["analytic"] for s in d["steps"] if s["kind"] == "backward"}, sys.stdout)' >"$T/full-grads.json"
    while IFS= read -r line; do
        eval "set -- $line"
        rm -f "$T/full-grades.csv"
        rm -rf "$T/full-ex2"
        ${TO[@]+"${TO[@]}"} "$BS" "$@" <"$T/full-q.txt" >/dev/full 2>"$T/err"
        RC=$?
        assert_rc "$line > /dev/full" 2
        assert_contains "$line > /dev/full" "$T/err" "error writing standard output"
        assert_one_line "$line > /dev/full: stderr" "$T/err"
    done <<LINES
help
help trace
--help
--version
trace --help
examples
init 2-1
train "$S4321" --lr 0.1 --steps 3
sweep "$S4321" "W1[1,1]"
compare "$S4321" "$T/full-grads.json"
step "$S4321"
quiz "$S4321"
exercise "$S4321" --roster "$T/full-roster.txt" -o "$T/full-ex2"
grade "$T/full-ex" "$T/full-ex/ada/answers.json"
grade "$T/full-ex" "$T/full-ex/ada/answers.json" -o "$T/full-grades.csv"
LINES
else
    note "/dev/full is not a character device here: the full-disk test was skipped"
fi

${TO[@]+"${TO[@]}"} "$BS" trace "$S4321" </dev/null >&- 2>"$T/err"
RC=$?
assert_rc "trace with stdout closed" 2
assert_contains "trace with stdout closed" "$T/err" "writing"

# a reader that goes away: nothing on stderr (SIGPIPE at its default, as in a
# shell, whatever this script inherited)
if env --default-signal=PIPE true 2>/dev/null; then
    DFL=(env --default-signal=PIPE)
else
    DFL=()
    note "env --default-signal is not available: the closed-pipe test uses the inherited SIGPIPE disposition"
fi
MNIST="$SPECS/mnist-784-200-100-10.json"
if [ -f "$MNIST" ]; then
    ${DFL[@]+"${DFL[@]}"} "$BS" trace "$MNIST" </dev/null 2>"$T/pipe.err" | head -1 >"$T/pipe.out"
    st=("${PIPESTATUS[@]}")
    assert_empty "trace mnist | head -1: stderr" "$T/pipe.err"
    assert_one_line "trace mnist | head -1: stdout" "$T/pipe.out"
    case ${st[0]} in 0 | 141) pass ;; *) fail "trace mnist | head -1: exit code ${st[0]}, expected 0 or 141 (SIGPIPE)" ;; esac
    # 13 MB of JSON: far more than a pipe holds, so the write surely fails
    ${DFL[@]+"${DFL[@]}"} "$BS" trace --format json "$MNIST" </dev/null 2>"$T/pipe.err" | head -1 >/dev/null
    st=("${PIPESTATUS[@]}")
    assert_empty "trace --format json mnist | head -1: stderr" "$T/pipe.err"
    case ${st[0]} in 0 | 141) pass ;; *) fail "trace --format json mnist | head -1: exit code ${st[0]}, expected 0 or 141 (SIGPIPE)" ;; esac
    ${DFL[@]+"${DFL[@]}"} "$BS" check "$MNIST" "$MNIST" "$MNIST" </dev/null 2>"$T/pipe.err" | head -c 0
    assert_empty "check mnist ×3 | head -c 0: stderr" "$T/pipe.err"
    # the same when SIGPIPE is ignored (as under many process supervisors and
    # language runtimes): write() fails with EPIPE, and a reader that went
    # away is still not an error worth a message
    (
        trap '' PIPE
        "$BS" trace --format json "$MNIST" </dev/null 2>"$T/pipe.err" | head -1 >/dev/null
    )
    assert_empty "trace --format json mnist | head -1 with SIGPIPE ignored: stderr" "$T/pipe.err"
else
    fail "closed pipe: $MNIST is missing"
fi

# examples lists what BACKSTEP_SPECS_DIR holds from each spec's JSON alone:
# a FIFO named *.json is skipped (opening it would wait for a writer forever)
# and a spec far too large to build is still listed by its layers
E="$T/specs-dir"
mkdir "$E"
cp "$S4321" "$E/small.json"
printf '{"name": "huge", "layers": [100000, 100000], "activations": ["sigmoid"], "loss": "mse",
 "init": {"seed": 1}, "random_batch": {"size": 1, "seed": 1}}\n' >"$E/huge.json"
if mkfifo "$E/fifo.json" 2>/dev/null; then
    if command -v timeout >/dev/null 2>&1; then ETO=(timeout 20); else ETO=(); fi
    BACKSTEP_SPECS_DIR="$E" ${ETO[@]+"${ETO[@]}"} "$BS" examples </dev/null >"$T/out" 2>"$T/err"
    RC=$?
    assert_rc "examples with a FIFO named *.json" 0
    assert_lacks "examples with a FIFO named *.json" "$T/out" "fifo"
else
    BACKSTEP_SPECS_DIR="$E" "$BS" examples </dev/null >"$T/out" 2>"$T/err"
    RC=$?
    note "mkfifo failed: examples was not tried with a FIFO"
fi
assert_contains "examples: a spec listed" "$T/out" "small                        4-3-2-1"
assert_contains "examples: a spec too large to build, listed by its layers" "$T/out" "huge                         100000-100000"

# the handout column of the shipped specs follows the handouts' conventions:
# 000 is written in column vectors, 001 and 002 in row vectors, and 002 is
# the softmax + cross-entropy network; each tag is checked against the spec's
# own "convention" and "loss", read here with Python's json
"$BS" examples </dev/null >"$T/out" 2>"$T/err"
if python3 - "$ROOT/specs" "$T/out" >"$T/tags" 2>&1 <<'PY'
import json, os, sys
bad = 0
for line in open(sys.argv[2]):
    f = line.split()
    if len(f) < 3 or not os.path.isfile(os.path.join(sys.argv[1], f[0] + ".json")):
        continue
    spec = json.load(open(os.path.join(sys.argv[1], f[0] + ".json")))
    column = spec.get("convention", "row") == "column"
    softmax_ce = spec.get("loss") == "cross_entropy"
    ok = {"000": column, "001": not column and not softmax_ce,
          "002": not column and softmax_ce}.get(f[2], False)
    if not ok:
        print(f"{f[0]}: tagged {f[2]}, convention {spec.get('convention', 'row')}, loss {spec.get('loss')}")
        bad += 1
sys.exit(1 if bad else 0)
PY
then pass "examples: each handout tag matches the spec's convention and loss"
else fail "examples: a handout tag disagrees with its spec: $(cat "$T/tags")"
fi

# a name with a newline or an escape in it cannot break the one-line rule:
# a spec file, a key, an -o target, an unknown command
NL="$T/two
lines.json"
cp "$BAD/params-W4.json" "$NL"
run trace "$NL"
assert_rc "a spec whose name has a newline" 2
assert_one_line "a spec whose name has a newline: stderr" "$T/err"
assert_contains "a spec whose name has a newline: escaped" "$T/err" 'two\nlines.json'
printf '{"layers": [1, 1], "activations": ["sigmoid"], "loss": "mse", "x": [[1]], "y": [[1]],\n "W1": [[1]], "b1": [0], "a\\nb": 1}\n' >"$T/nlkey.json"
run trace "$T/nlkey.json"
assert_rc "a key with a newline" 2
assert_one_line "a key with a newline: stderr" "$T/err"
run trace "$S4321" -o "$T/no
dir/out.txt"
assert_rc "-o into a missing directory with a newline in its name" 2
assert_one_line "-o into a missing directory with a newline in its name: stderr" "$T/err"
run "$(printf 'tra\033[31mce')"
assert_rc "an unknown command with an escape" 2
assert_lacks "an unknown command with an escape" "$T/err" "$(printf '\033')"
run trace "$S4321" --format "$(printf 'te\nxt')"
assert_rc "an unknown format with a newline" 2
assert_one_line "an unknown format with a newline: stderr" "$T/err"

# a hint never suggests what would then be refused: not a key the object
# already has (renaming "X" to "x" next to "x" makes a duplicate), not a key
# for an empty one, not null for NaN (a spec refuses null)
run trace "$BAD/key-typo-of-present-key.json"
assert_lacks "unknown key next to the key it resembles: no hint" "$T/err" "did you mean"
run trace "$BAD/key-empty.json"
assert_lacks "an empty key: no hint" "$T/err" "did you mean"
run trace "$BAD/number-nan.json"
assert_lacks "NaN: the hint does not offer null" "$T/err" "null"

# the memory estimate is an upper bound: the peak resident memory of a
# trace, measured by /usr/bin/time, stays below the figure the limit message
# gives (a spec scaled up from the MNIST one, and MNIST with --full)
if grep -q __asan_init "$BS" 2>/dev/null; then
    note "built with AddressSanitizer (shadow memory, redzones): the memory estimate was not compared with a measured peak"
elif [ -x /usr/bin/time ] && [ -f "$SPECS/mnist-784-200-100-10.json" ]; then
    python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
d["layers"] = [1500, 1500, 500, 10]
json.dump(d, open(sys.argv[2], "w"))' "$SPECS/mnist-784-200-100-10.json" "$T/mem.json"
    for args in "$T/mem.json" "$SPECS/mnist-784-200-100-10.json --full"; do
        # shellcheck disable=SC2086
        est=$("$BS" trace $args --max-memory 1 2>&1 | sed -n 's/.*needs about \([0-9.]*\) \([KMG]iB\).*/\1 \2/p')
        # shellcheck disable=SC2086
        peak=$(/usr/bin/time -f '%M' "$BS" trace $args 2>&1 >/dev/null | tail -1)
        if [ -z "$est" ] || [ -z "$peak" ]; then
            fail "memory estimate of trace $args: no figure (estimate '$est', peak '$peak' KiB)"
            continue
        fi
        if awk -v e="$est" -v p="$peak" 'BEGIN {
                split(e, f, " "); m = f[2] == "GiB" ? 1048576 : f[2] == "MiB" ? 1024 : 1
                exit !(f[1] * m >= p) }'; then
            pass
        else
            fail "memory estimate of trace $args: $est, below the measured peak of $peak KiB"
        fi
    done
else
    note "/usr/bin/time is missing: the memory estimate was not compared with a measured peak"
fi

# ---- 8. colour -----------------------------------------------------------------

"$BS" trace "$S4321" </dev/null 2>&1 | cat >"$T/pipe.txt"
assert_no_ansi "trace to a pipe" "$T/pipe.txt"
"$BS" check "$S4321" </dev/null 2>&1 | cat >"$T/pipe.txt"
assert_no_ansi "check to a pipe" "$T/pipe.txt"
"$BS" trace --rtol 0 --atol 0 --strict "$S4321" </dev/null >"$T/fail.txt" 2>&1
assert_no_ansi "failing trace to a file" "$T/fail.txt"
NO_COLOR=1 "$BS" trace "$S4321" </dev/null >"$T/nc.txt" 2>&1
assert_no_ansi "NO_COLOR=1 trace to a file" "$T/nc.txt"
# on a terminal: colour by default, none with NO_COLOR=1 (needs script(1))
if command -v script >/dev/null 2>&1 &&
    script -qec "$(printf '%q ' "$BS" trace "$S4321")" /dev/null </dev/null >"$T/tty.txt" 2>&1 &&
    grep -q PASS "$T/tty.txt"; then
    if grep -q "$(printf '\033')\[" "$T/tty.txt"; then pass; else
        fail "trace on a terminal: no colour at all (so the no-colour checks prove nothing)"
    fi
    NO_COLOR=1 script -qec "$(printf '%q ' "$BS" trace "$S4321")" /dev/null </dev/null >"$T/tty.txt" 2>&1
    assert_no_ansi "NO_COLOR=1 trace on a terminal" "$T/tty.txt"
    NO_COLOR=1 script -qec "$(printf '%q ' "$BS" check "$S4321")" /dev/null </dev/null >"$T/tty.txt" 2>&1
    assert_no_ansi "NO_COLOR=1 check on a terminal" "$T/tty.txt"
else
    note "script(1) cannot provide a terminal here: the colour-on-a-terminal tests were skipped"
fi

# ---- 9. usage ------------------------------------------------------------------

run
assert_rc "no arguments" 2
assert_contains "no arguments: usage on stderr" "$T/err" "usage: backstep trace SPEC"
assert_empty "no arguments: stdout" "$T/out"

run trase "$S4321"
assert_rc "unknown command trase" 2
assert_contains "unknown command trase" "$T/err" 'unknown command "trase" (did you mean "trace"?)'
assert_empty "unknown command trase: stdout" "$T/out"

run trace --metod central "$S4321"
assert_rc "unknown option --metod" 2
assert_contains "unknown option --metod" "$T/err" 'unknown option "--metod" (did you mean "--method"?)'
assert_one_line "unknown option --metod: stderr" "$T/err"
assert_empty "unknown option --metod: stdout" "$T/out"

run trace --format xml "$S4321"
assert_rc "--format xml" 2
assert_contains "--format xml" "$T/err" 'unknown format "xml"'
assert_one_line "--format xml: stderr" "$T/err"

for args in "--precision 0" "--precision 18" "--precision x" "--epsilon -1" "--epsilon 0" \
    "--epsilon nan" "--rtol -1" "--atol abc" "--max-layers 0" "--max-file-size -5" \
    "--notation latex" "--method backward" "--format"; do
    # shellcheck disable=SC2086
    run trace $args "$S4321"
    assert_rc "trace $args" 2
    assert_one_line "trace $args: stderr" "$T/err"
    assert_empty "trace $args: stdout" "$T/out"
done
run trace --method=complex --format=json "$S4321"
assert_rc "--option=value form" 0
run trace --full=yes "$S4321"
assert_rc "--full=yes" 2
run check --fragment "$S4321"
assert_rc "check --fragment (trace only)" 2
assert_contains "check --fragment (trace only)" "$T/err" "does not apply"
run trace "$S4321" "$good2"
assert_rc "trace with two specs" 2
run trace
assert_rc "trace without a spec" 2
run check
assert_rc "check without a spec" 2
run help frobnicate
assert_rc "help frobnicate" 2

run --help
assert_rc "--help" 0
assert_contains "--help" "$T/out" "backstep trace SPEC"
assert_contains "--help" "$T/out" "backstep check SPEC..."
assert_empty "--help: stderr" "$T/err"

# The options table of src/cli/cli_options.c: {"--name", "ARG" or NULL, CMD_… bits, …}
sed -n '/option_def options\[\] = {/,/{NULL, NULL, 0, NULL}/p' "$MAIN_C" 2>/dev/null |
    grep -oE '\{"-[^"]*", *(NULL|"[^"]*"), *[A-Z_ |]+' |
    sed -E 's/^\{"([^"]*)", *(NULL|"([^"]*)"), *([A-Z_ |]+)$/\1;\3;\4/' >"$T/options.tsv"
nopt=$(wc -l <"$T/options.tsv")
if [ "$nopt" -ge 5 ]; then pass; else
    fail "options table: parsed $nopt options from $MAIN_C, expected at least 5 (did the table's layout change?)"
fi
check_help() { # COMMAND CMD_BIT ARGS...
    local cmd=$1 bit=$2; shift 2
    run "$@"
    assert_rc "$* exit code" 0
    assert_empty "$*: stderr" "$T/err"
    cp "$T/out" "$T/help.txt"
    local name arg bits want
    : >"$T/help.want"
    while IFS=';' read -r name arg bits; do
        case $bits in *"$bit"*) ;; *) continue ;; esac
        echo "$name" >>"$T/help.want"
        want="  $name"
        [ -n "$arg" ] && want="  $name $arg"
        if grep -F -q -e "$want " "$T/help.txt"; then pass; else
            fail "$*: the option \"${want#"  "}\" of the options table is not listed"
        fi
    done <"$T/options.tsv"
    # and nothing is listed that the table lacks for this command
    local listed
    for listed in $(sed -n 's/^  \(-[-a-z0-9]*\).*/\1/p' "$T/help.txt"); do
        if grep -F -x -q -e "$listed" "$T/help.want"; then pass; else
            fail "$*: lists \"$listed\", which the options table does not give to $cmd"
        fi
    done
}
check_help trace CMD_TRACE help trace
check_help check CMD_CHECK help check
check_help trace CMD_TRACE trace --help
check_help check CMD_CHECK check --help
run help trace
cp "$T/out" "$T/help1.txt"
run trace --help
assert_same "help trace = trace --help" "$T/help1.txt" "$T/out"

run --version
assert_rc "--version" 0
if grep -E -q '^backstep [0-9][0-9A-Za-z.+~-]*$' "$T/out" && is_one_line "$T/out"; then pass; else
    fail "--version: expected one line \"backstep VERSION\", got: $(excerpt "$T/out")"
fi

# ---- summary -----------------------------------------------------------------

finish
