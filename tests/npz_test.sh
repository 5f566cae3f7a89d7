#!/usr/bin/env bash
# npz_test.sh — end-to-end tests of NumPy's .npz files: `backstep compare`
# reading gradients saved with np.savez, and `backstep trace --format npz`
# writing the trace as arrays, both against the independent NumPy
# implementation of tests/numpy_backprop.py.
#
#   bash tests/npz_test.sh BACKSTEP_BINARY SOURCE_ROOT
#
# (1) The program's correct gradients, saved with np.savez and
#     np.savez_compressed, as float32 and in Fortran order, agree; a wrong
#     step is found and named as in a JSON file.
# (2) trace --format npz: np.load gives every array, each equal to NumPy's
#     value (numpy_backprop.py's forward and backward passes, the spec's own
#     parameters and batch) in the spec's displayed shapes; two runs give the
#     same bytes; a terminal is refused.
# (3) Bad files: each exits 2 with one line naming the file, the member and
#     what was expected.
# Needs Debian's python3-numpy (run with /usr/bin/python3); skipped (exit 77)
# without it.  The last line is "N passed, M failed"; exit status 1 when M > 0.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
if [ $# -ne 2 ]; then
    echo "usage: bash tests/npz_test.sh BACKSTEP_BINARY SOURCE_ROOT" >&2
    exit 2
fi
BS=$(realpath "$1")
ROOT=$(realpath "$2")
PY=/usr/bin/python3
NP="$ROOT/tests/numpy_backprop.py"
scratch T
export LC_ALL=C.UTF-8 2>/dev/null || export LC_ALL=C
# py DESC SCRIPT ARGS...: a Python check (numpy as np, sys.argv[1:] the ARGS)
py() {
    local desc=$1 script=$2
    shift 2
    if "$PY" -c "import sys
import numpy as np
sys.path.insert(0, '$ROOT/tests')
$script" "$@" >"$T/py" 2>&1; then pass; else fail "$desc: $(excerpt "$T/py")"; fi
}

if ! "$PY" -c 'import numpy' 2>/dev/null; then
    echo "SKIP: $PY cannot import numpy (Debian's python3-numpy is not installed)"
    exit 77
fi

# specs that give their parameters and batch: numpy_backprop.py reads them
# from the spec itself, without backstep
SPECS="4-3-2-1-bce 000-2-3-2-mse 2-3-3-2-leaky-relu-bce 3-4-3-relu-softmax-mse"

# --- (1) compare reads np.savez files ---------------------------------------
# The gradients are numpy_backprop.py's (code notation), saved as NumPy
# arrays in the ways a program saves them.
# One NumPy process saves every spec's files, into a folder per spec.
SAVE='import json, os
import numpy_backprop as nb
for spec, d in zip(sys.argv[1::2], sys.argv[2::2]):
    os.makedirs(d)
    net = nb.load(spec, None)
    Z, A, loss = nb.forward(net, np.float64)
    g = nb.backward(net, Z, A, np.float64)
    nb.write(net, g, loss, "code", False, d + "/g.json")
    a = {k: np.array(v) for k, v in json.load(open(d + "/g.json")).items()}
    np.savez(d + "/plain.npz", **a)
    np.savez_compressed(d + "/compressed.npz", **a)
    np.savez(d + "/float32.npz", **{k: v.astype(np.float32) for k, v in a.items()})
    np.savez(d + "/fortran.npz", **{k: np.asfortranarray(v) for k, v in a.items()})
    np.savez(d + "/bigendian.npz", **{k: v.astype(">f8") for k, v in a.items()})
    w = dict(a)
    w["dz2"] = -w["dz2"]
    np.savez(d + "/wrong.npz", **w)
    json.dump({k: v.tolist() for k, v in w.items()}, open(d + "/wrong.json", "w"))'
pairs=()
for name in $SPECS; do pairs+=("$ROOT/specs/$name.json" "$T/saved-$name"); done
py "saving every spec's gradients with np.savez" "$SAVE" "${pairs[@]}"
for name in $SPECS; do
    spec="$ROOT/specs/$name.json"
    D="$T/saved-$name"
    for kind in plain compressed float32 fortran bigendian; do
        compare "$spec" "$D/$kind.npz"
        assert_rc "$name: $kind.npz" 0
        assert_contains "$name: $kind.npz" "$T/out" "given steps agree, and the loss"
    done
# a wrong step: the same report as the same numbers in JSON (file names aside)
    compare "$spec" "$D/wrong.npz"
    assert_rc "$name: wrong.npz" 1
    assert_contains "$name: wrong.npz" "$T/out" "first disagreement: dz2"
    sed "s|$D/wrong.npz|FILE|g" "$T/out" >"$T/from-npz"
    compare "$spec" "$D/wrong.json"
    sed "s|$D/wrong.json|FILE|g" "$T/out" >"$T/from-json"
    if cmp -s "$T/from-npz" "$T/from-json"; then pass; else
        fail "$name: the report on wrong.npz differs from the one on wrong.json: $(diff "$T/from-npz" "$T/from-json" | head -5 | tr '\n' '|')"
    fi
    # from standard input
    "$BS" compare "$spec" - <"$D/compressed.npz" >"$T/out" 2>"$T/err"
    RC=$?
    assert_rc "$name: .npz from standard input" 0
done

# --- (2) trace --format npz --------------------------------------------------
CHECK='import io, zipfile
import numpy_backprop as nb
def check(spec, path):
    net = nb.load(spec, None)
    Z, A, loss = nb.forward(net, np.float64)
    g = nb.backward(net, Z, A, np.float64)
    col = net.convention == "column"
    disp = lambda m: m.T if col else m
    want = {"x": disp(net.X), "y": disp(net.Y), "yhat": disp(A[net.L]), "loss": np.float64(loss)}
    for k in range(1, net.L + 1):
        want["W%d" % k] = disp(net.W[k])
        want["b%d" % k] = net.b[k].ravel()
        want["z%d" % k] = disp(Z[k])
        want["a%d" % k] = disp(A[k])
        for q in "azWb":
            want["d%s%d" % (q, k)] = disp(g[(q, k)])
    d = np.load(path)
    assert sorted(d.files) == sorted(want), (sorted(d.files), sorted(want))
    for k, v in want.items():
        got = d[k]
        assert got.dtype == np.dtype("<f8"), (k, got.dtype)
        assert got.shape == np.shape(v), (k, got.shape, np.shape(v))
        assert np.allclose(got, v, rtol=1e-12, atol=1e-15), (k, got, v)
    # each member is what np.save writes for the same array
    z = zipfile.ZipFile(path)
    for info in z.infolist():
        b = io.BytesIO()
        np.save(b, d[info.filename[:-4]])
        assert z.read(info) == b.getvalue(), info.filename
        assert info.compress_type == zipfile.ZIP_STORED, info.filename
        assert info.date_time == (1980, 1, 1, 0, 0, 0), (info.filename, info.date_time)'
# every spec's trace first, then one NumPy process checks them all, then
# (one second later) every spec again
for name in $SPECS; do
    spec="$ROOT/specs/$name.json"
    "$BS" trace "$spec" --format npz -o "$T/$name.npz" >"$T/out" 2>"$T/err"
    RC=$?
    assert_rc "$name: trace --format npz -o" 0
done
CHECKALL='import traceback
failed = []
for spec, path in zip(sys.argv[1::2], sys.argv[2::2]):
    try:
        check(spec, path)
    except Exception:
        failed.append(spec + ": " + traceback.format_exc().strip().splitlines()[-1])
print("\n".join(failed))
sys.exit(1 if failed else 0)'
pairs=()
for name in $SPECS; do pairs+=("$ROOT/specs/$name.json" "$T/$name.npz"); done
py "trace --format npz against numpy_backprop.py" "$CHECK
$CHECKALL" "${pairs[@]}"
sleep 1 # a later time of day must not change the bytes
for name in $SPECS; do
    spec="$ROOT/specs/$name.json"
    "$BS" trace "$spec" --format npz >"$T/again.npz" 2>"$T/err"
    RC=$?
    assert_rc "$name: trace --format npz > FILE" 0
    if cmp -s "$T/$name.npz" "$T/again.npz"; then pass; else fail "$name: two runs of trace --format npz differ"; fi
done
# refused to a terminal, when one is at hand (script(1) gives one)
if command -v script >/dev/null 2>&1; then
    script -qec "$BS trace $ROOT/specs/4-3-2-1-bce.json --format npz; echo rc=\$?" /dev/null \
        >"$T/tty" 2>&1
    assert_contains "npz to a terminal" "$T/tty" "--format npz writes binary NumPy arrays: give -o FILE"
    assert_contains "npz to a terminal" "$T/tty" "rc=2"
fi

# --- (3) bad files: exit 2, one line naming the file, the member, the trouble
spec="$ROOT/specs/4-3-2-1-bce.json"
py "making bad files" 'import zipfile
d = sys.argv[1]
good = np.zeros((4, 3))
np.savez(d + "/good.npz", dW1=good)
raw = open(d + "/good.npz", "rb").read()
open(d + "/truncated.npz", "wb").write(raw[: len(raw) // 2])
open(d + "/notzip.npz", "wb").write(b"PK\x03\x04 but nothing after")
with zipfile.ZipFile(d + "/text.npz", "w") as z:
    z.writestr("dW1.npy", raw[:0] + b"dW1 = [[0, 0, 0]]")
with zipfile.ZipFile(d + "/notnpy.npz", "w") as z:
    z.writestr("README.txt", "hello")
np.savez(d + "/object.npz", dW1=np.array([1, "a"], dtype=object))
np.savez(d + "/threed.npz", dW1=np.zeros((4, 3, 1)))
np.savez(d + "/complex.npz", dW1=np.zeros((4, 3), dtype=complex))
np.savez(d + "/bool.npz", dW1=np.zeros((4, 3), dtype=bool))
np.savez(d + "/shape.npz", dW1=np.zeros((2, 2)))
np.savez(d + "/nan.npz", dW1=np.full((4, 3), np.nan))
np.savez(d + "/unknown.npz", dQ1=np.zeros((4, 3)))
np.save(d + "/bare.npy", good)' "$T"
while IFS='|' read -r file phrase; do
    compare "$spec" "$T/$file"
    assert_rc "bad $file" 2
    assert_contains "bad $file" "$T/err" "backstep: $T/$file: $phrase"
    if [ "$(wc -l <"$T/err")" -eq 1 ]; then pass; else fail "bad $file: stderr is not one line: $(excerpt "$T/err")"; fi
    if [ ! -s "$T/out" ]; then pass; else fail "bad $file: stdout not empty"; fi
done <<'EOF'
truncated.npz|is not a readable .npz archive
notzip.npz|is not a readable .npz archive
text.npz|dW1.npy: is not a .npy array (it does not start with \x93NUMPY)
notnpy.npz|README.txt: is not a .npy array: expected an .npz archive of NumPy arrays only
object.npz|dW1.npy: holds Python objects (dtype '|O'): expected real numbers
threed.npz|dW1.npy: is a 3-dimensional array of shape (4, 3, 1): expected a number, a vector or a matrix
complex.npz|dW1.npy: holds complex numbers (dtype '<c16')
bool.npz|dW1.npy: holds booleans (dtype '|b1')
shape.npz|dW1: expected 4×3 (row convention, as in the trace), got 2×2
nan.npz|dW1: holds a value that is not finite
unknown.npz|dQ1: unknown step "dQ1"
bare.npy|is a single NumPy array (.npy), which has no name: save the gradients by name with np.savez("grads.npz", dW1=dW1, db1=db1, ...)
EOF

finish
