#!/usr/bin/env bash
# reference_selftest.sh — proves that tests/reference.py can fail.
#
#   bash tests/reference_selftest.sh BACKSTEP_BINARY SOURCE_ROOT
#
# The reference is run on handout 001's spec twice: as it is (it must pass),
# and with one element of g[1W] shifted by 1e-9 through
# BACKSTEP_REFERENCE_CORRUPT (it must fail, naming that element).  A reference
# that passes the shifted trace could not catch a wrong gradient.
set -u
BS=$1
ROOT=$2
PY=python3
SPEC="$ROOT/specs/4-3-2-1-bce.json"
T=$(mktemp -d "${TMPDIR:-/tmp}/backstep-refself.XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT
fail=0

"$PY" "$ROOT/tests/reference.py" "$BS" "$SPEC" >"$T/clean" 2>&1
rc=$?
if [ "$rc" -ne 0 ]; then
    echo "FAIL  the reference fails the unchanged trace (exit $rc):"; cat "$T/clean"; fail=1
fi

BACKSTEP_REFERENCE_CORRUPT="g[1W],2,3,1e-9" "$PY" "$ROOT/tests/reference.py" "$BS" "$SPEC" \
    >"$T/corrupt" 2>&1
rc=$?
if [ "$rc" -ne 1 ]; then
    echo "FAIL  the reference gave exit $rc on a trace with g[1W][2,3] shifted by 1e-9 (expected 1)"
    cat "$T/corrupt"; fail=1
elif ! grep -q 'g\[1W\]\.analytic \[2,3\]' "$T/corrupt"; then
    echo "FAIL  the reference failed, but did not name g[1W] [2,3]:"; cat "$T/corrupt"; fail=1
fi

if [ "$fail" -eq 0 ]; then echo "2 passed, 0 failed"; else echo "failed"; fi
exit "$fail"
