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
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
BS=$1
ROOT=$2
PY=python3
SPEC="$ROOT/specs/4-3-2-1-bce.json"
scratch T backstep-refself

"$PY" "$ROOT/tests/reference.py" "$BS" "$SPEC" >"$T/clean" 2>&1
rc=$?
if [ "$rc" -ne 0 ]; then
    bad "the reference fails the unchanged trace (exit $rc):"; cat "$T/clean"
else
    ok
fi

BACKSTEP_REFERENCE_CORRUPT="g[1W],2,3,1e-9" "$PY" "$ROOT/tests/reference.py" "$BS" "$SPEC" \
    >"$T/corrupt" 2>&1
rc=$?
if [ "$rc" -ne 1 ]; then
    bad "the reference gave exit $rc on a trace with g[1W][2,3] shifted by 1e-9 (expected 1)"
    cat "$T/corrupt"
elif ! grep -q 'g\[1W\]\.analytic \[2,3\]' "$T/corrupt"; then
    bad "the reference failed, but did not name g[1W] [2,3]:"; cat "$T/corrupt"
else
    ok
fi

finish
