# tests/lib.sh — what the test scripts share.  A script sources it first,
# from its own directory, so that it still runs alone
# (bash tests/NAME_test.sh ARGS…) as well as under meson:
#
#     . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#
# The count: ok (or pass) counts a check that held; bad (or fail) one that
# did not, printing "FAIL: " and its message; finish prints the last line,
# "N passed, M failed", and returns 1 when M > 0, so a script that ends with
# it fails when one of its checks did.
#
# scratch VAR [NAME]: a new directory under $TMPDIR (or /tmp), its path put
# into VAR, removed when the script exits (with whatever on_exit adds).
#
# The runs of backstep ($BS): run ARGS… and run_in FILE ARGS… (standard
# input from FILE, else none), compare ARGS… (backstep compare); each puts
# the exit status into RC, the output into $T/out and $T/err, and gives up
# after 300 s (timeout's 124) so that a hanging run fails a check rather
# than blocking the suite.  The checks after a run: assert_rc,
# assert_contains, assert_lacks, assert_empty, assert_one_line,
# assert_refused.

# python3 is the interpreter found once, on the first call, past any shim
# in front of it: a version manager's shim (pyenv's) starts a few hundred
# processes on each call, which made the python3 checks of the scripts cost
# more than the runs of backstep they check.  The same interpreter answers.
# The path is kept in a file, for the calls made in subshells ($(python3 …)).
# Under meson it is found once for all scripts and given as LIB_PYTHON3
# (the default test setup of tests/meson.build).
LIB_PYCACHE="${TMPDIR:-/tmp}/backstep-python3.$$"
python3() {
    if [ -z "${LIB_PYTHON3:-}" ] && [ -s "$LIB_PYCACHE" ]; then
        IFS= read -r LIB_PYTHON3 <"$LIB_PYCACHE"
    fi
    if [ -z "${LIB_PYTHON3:-}" ]; then
        LIB_PYTHON3=$(command python3 -c 'import sys; print(sys.executable)' 2>/dev/null)
        if [ -n "$LIB_PYTHON3" ] && [ -x "$LIB_PYTHON3" ]; then
            printf '%s\n' "$LIB_PYTHON3" >"$LIB_PYCACHE"
        else
            LIB_PYTHON3=
            command python3 "$@"
            return
        fi
    fi
    "$LIB_PYTHON3" "$@"
}

pass=0
fail=0
ok() {
    pass=$((pass + 1))
    if [ -n "${SAY_OK:-}" ]; then echo "ok   $*"; fi
}
bad() {
    fail=$((fail + 1))
    echo "FAIL: $*"
}
pass() { ok "$@"; }
fail() { bad "$@"; }
finish() {
    echo "$pass passed, $fail failed"
    [ "$fail" -eq 0 ]
}

LIB_CLEANUP=("rm -f '$LIB_PYCACHE'")
trap lib_exit EXIT
lib_exit() {
    local c
    for c in ${LIB_CLEANUP[@]+"${LIB_CLEANUP[@]}"}; do eval "$c"; done
}
# on_exit COMMAND: run COMMAND (a string) when the script exits, before the
# scratch directories are removed
on_exit() { LIB_CLEANUP=("$1" ${LIB_CLEANUP[@]+"${LIB_CLEANUP[@]}"}); }
scratch() { # VAR [NAME]
    local d
    d=$(mktemp -d "${TMPDIR:-/tmp}/${2:-backstep-test}.XXXXXX") || exit 2
    printf -v "$1" '%s' "$d"
    LIB_CLEANUP+=("rm -rf '$d'")
    trap lib_exit EXIT
    trap 'exit 130' INT TERM
}

# excerpt FILE [BYTES]: the start of a file on one line, control characters
# dropped
excerpt() { head -c "${2:-400}" "$1" | tr '\n' '|' | tr -d '\000-\010\013-\037\177'; }

if command -v timeout >/dev/null 2>&1; then LIB_TO=(timeout 300); else LIB_TO=(); fi
run() { ${LIB_TO[@]+"${LIB_TO[@]}"} "$BS" "$@" </dev/null >"$T/out" 2>"$T/err"; RC=$?; }
run_in() {
    local in=$1
    shift
    ${LIB_TO[@]+"${LIB_TO[@]}"} "$BS" "$@" <"$in" >"$T/out" 2>"$T/err"
    RC=$?
}
compare() { run compare "$@"; }

assert_rc() { # DESC EXPECTED
    if [ "$RC" -eq "$2" ]; then ok; else
        bad "$1: exit code $RC, expected $2; out: $(excerpt "$T/out") err: $(excerpt "$T/err")"
    fi
}
assert_contains() { # DESC FILE TEXT
    if grep -F -q -e "$3" -- "$2"; then ok; else
        bad "$1: $(basename "$2") lacks \"$3\"; it starts: $(excerpt "$2")"
    fi
}
assert_lacks() { # DESC FILE TEXT
    if grep -F -q -e "$3" -- "$2"; then
        bad "$1: $(basename "$2") has \"$3\": $(grep -F -m1 -e "$3" -- "$2" | head -c 200 | tr -d '\000-\010\013-\037\177')"
    else ok; fi
}
assert_empty() { # DESC FILE
    if [ ! -s "$2" ]; then ok; else bad "$1: $(basename "$2") is not empty: $(excerpt "$2")"; fi
}
assert_one_line() { # DESC FILE: one line, ended by its newline
    if [ "$(wc -l <"$2")" -eq 1 ] && [ -z "$(tail -c 1 "$2" | tr -d '\n')" ]; then ok; else
        bad "$1: $(basename "$2") is not one line: $(excerpt "$2")"
    fi
}
# assert_refused DESC TEXT: the run was refused as bad input or usage, exit 2
# with one line on stderr holding TEXT (three checks)
assert_refused() {
    assert_rc "$1" 2
    assert_one_line "$1" "$T/err"
    assert_contains "$1" "$T/err" "$2"
}
