#!/usr/bin/env bash
# keys_test.sh — `backstep compare` reads gradients as real programs hold
# them (docs/compare.md): a cs231n-style grads dict keyed W1, b1, W2, b2
# (saved with np.savez, as JSON, nested under "grads" or "gradients"), keys
# with a program's decoration (grad_W1, d_b1, W2_grad), near names refused
# with a hint (dscores, dhidden), the gradient of the input (dX) and a
# Nielsen-style program's per-example gradients (--example I).
#
#   bash tests/keys_test.sh BACKSTEP_BINARY SOURCE_ROOT
#
# Every expected gradient comes from a NumPy program run here: the
# cs231n-style two-layer net of tests/recipes/cs231n.py, a dX computed from
# its own backward pass, and Nielsen's per-example backprop of
# tests/recipes/nielsen.py on each example of a column spec written here;
# the batches (and the Nielsen spec's parameters) are read from the spec JSON
# by NumPy; the cs231n spec's drawn parameters from `backstep trace --format
# npz`.  Needs /usr/bin/python3 with NumPy (exit 77 without it).  The
# last line is "N passed, M failed"; exit status 1 when M > 0.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
if [ $# -ne 2 ]; then
    echo "usage: bash tests/keys_test.sh BACKSTEP_BINARY SOURCE_ROOT" >&2
    exit 2
fi
BS=$(realpath "$1")
ROOT=$(realpath "$2")
PY=/usr/bin/python3
if ! "$PY" -c 'import numpy' 2>/dev/null; then
    echo "skipped: /usr/bin/python3 has no NumPy"
    exit 77
fi
scratch T
export LC_ALL=C.UTF-8 2>/dev/null || export LC_ALL=C
# report DESC SCRIPT: a check of the JSON report in $T/out (as r)
report() {
    if "$PY" -c "import json, sys
r = json.load(open(sys.argv[1], encoding='utf-8'))
st = {s['name']: s for s in r['steps']}
$2" "$T/out" >"$T/py" 2>&1; then pass; else fail "$1: $(excerpt "$T/py")"; fi
}
# py SCRIPT ARGS...: runs a NumPy program; a failure is a test failure
py() {
    if ! "$PY" "$@" 2>"$T/pyerr"; then
        fail "python $*: $(excerpt "$T/pyerr")"
        return 1
    fi
}

# --- cs231n: a grads dict keyed by the parameters ----------------------------
SPEC="$ROOT/tests/recipes/4-5-3-relu-softmax-ce-l2.json"
cp "$ROOT/tests/recipes/cs231n.py" "$T/neural_net.py"
cat >"$T/cs231n_keys.py" <<'EOF'
# The cs231n-style net of tests/recipes/cs231n.py on the spec's numbers (read
# from the spec itself), its grads dict saved as students save it.
import json, sys
import numpy as np
sys.path.insert(0, sys.argv[2])
from neural_net import TwoLayerNet
spec = json.load(open(sys.argv[1]))
out = sys.argv[2]
d = np.load(out + "/net.npz")                     # the spec's drawn parameters
P = {k: d[k] for k in ("W1", "b1", "W2", "b2")}
X = np.array(spec["x"], dtype=float)
y = np.array(spec["labels"])
N = X.shape[0]
net = TwoLayerNet(P["W1"].shape[0], P["W1"].shape[1], P["W2"].shape[1])
for k in ("W1", "b1", "W2", "b2"):
    net.params[k] = P[k]
reg = spec.get("l2", 0.0)
loss, grads = net.loss(X, y, reg=reg)
J = lambda g: {k: np.asarray(v).tolist() for k, v in g.items()}
np.savez(out + "/grads.npz", loss=loss, **grads)
json.dump({"loss": float(loss), "grads": J(grads)}, open(out + "/nested.json", "w"))
json.dump({"loss": float(loss), "gradients": J(grads)}, open(out + "/gradients.json", "w"))
json.dump({"dW2": J(grads)["W2"], "grads": J(grads)}, open(out + "/both.json", "w"))
json.dump({"grad_W1": J(grads)["W1"], "d_b1": J(grads)["b1"], "W2_grad": J(grads)["W2"],
           "grad_b2": J(grads)["b2"]}, open(out + "/decorated.json", "w"))
wrong = dict(grads)
wrong["W2"] = -grads["W2"]
np.savez(out + "/wrong.npz", **wrong)
# the backward pass again, to have the steps the dict does not keep
W1, b1, W2, b2 = P["W1"], P["b1"], P["W2"], P["b2"]
hidden = np.maximum(0, X @ W1 + b1)
scores = hidden @ W2 + b2
p = np.exp(scores - scores.max(axis=1, keepdims=True))
p /= p.sum(axis=1, keepdims=True)
dscores = p.copy()
dscores[np.arange(N), y] -= 1
dscores /= N
dhidden = dscores @ W2.T
json.dump({"dscores": dscores.tolist(), **J(grads)}, open(out + "/dscores.json", "w"))
json.dump({"dhidden": dhidden.tolist(), **J(grads)}, open(out + "/dhidden.json", "w"))
dz1 = dhidden * (hidden > 0)
dX = dz1 @ W1.T                                   # the gradient of the input
np.savez(out + "/dx.npz", dX=dX, **grads)
np.savez(out + "/dx-nomask.npz", dX=dhidden @ W1.T, **grads)    # the mask left out in dX only
# the mask left out in dz1: dz1, dW1, db1 and dX all from the unmasked dhidden
bad = {"dW2": grads["W2"], "db2": grads["b2"], "dz1": dhidden,
       "dW1": X.T @ dhidden + 2 * reg * W1, "db1": dhidden.sum(axis=0), "dX": dhidden @ W1.T}
np.savez(out + "/dx-inherits.npz", **bad)
EOF
# the spec draws its parameters ("init"): the program takes them from
# backstep's npz output, as the recipe of docs/compare.md does; every gradient
# is computed by the program
"$BS" trace "$SPEC" --format npz -o "$T/net.npz" || fail "trace --format npz"
if py "$T/cs231n_keys.py" "$SPEC" "$T"; then
    compare "$SPEC" "$T/grads.npz"
    assert_rc "W1 keys, npz" 0
    assert_contains "W1 keys, npz: said once" "$T/out" "note: keys that name a parameter (W1, b1, as in a grads dict) were read as its gradient (dW1, db1)"
    compare "$SPEC" "$T/nested.json" --format json
    assert_rc "nested grads" 0
    report "nested grads, JSON" 'assert r["agrees"] and r["loss"]["status"] == "agrees"
assert r["keys_note"].startswith("the gradients were read from the file'"'"'s \"grads\""), r["keys_note"]
assert all(st[n]["status"] == "agrees" for n in ("dW1", "db1", "dW2", "db2")), st'
    compare "$SPEC" "$T/gradients.json"
    assert_rc "nested gradients" 0
    assert_contains "nested gradients: said" "$T/out" "note: the gradients were read from the file's \"gradients\""
    compare "$SPEC" "$T/both.json"
    assert_refused "W2 and dW2 both" "both.json: grads.W2: is read as the gradient dW2, which the file gives already as \"dW2\""
    compare "$SPEC" "$T/decorated.json" --format json
    assert_rc "decorated keys" 0
    report "decorated keys, JSON" 'assert r["keys_note"] == "keys read as the steps they spell: grad_W1 as dW1, d_b1 as db1, W2_grad as dW2, grad_b2 as db2", r["keys_note"]
assert st["dW1"]["key"] == "grad_W1" and st["dW1"]["status"] == "agrees", st["dW1"]'
    compare "$SPEC" "$T/dscores.json"
    assert_refused "dscores" "dscores: unknown step \"dscores\" (did you mean \"dz2\"?"
    compare "$SPEC" "$T/dhidden.json"
    assert_refused "dhidden" "dhidden: unknown step \"dhidden\" (did you mean \"da1\"?"
    compare "$SPEC" "$T/wrong.npz"
    assert_rc "W2 keys, dW2's sign flipped" 1
    assert_contains "W2 keys, dW2's sign flipped: placed" "$T/out" "first disagreement: dW2"

    # --- dX: the gradient of the input -------------------------------------
    compare "$SPEC" "$T/dx.npz" --format json
    assert_rc "dX" 0
    report "dX, JSON" 'assert st["da0"]["status"] == "agrees" and st["da0"]["key"] == "dX", st["da0"]
assert st["da0"]["id"] == "g[0a]" and st["da0"]["shape"] == [6, 4], st["da0"]'
    compare "$SPEC" "$T/dx.npz"
    assert_contains "dX, text" "$T/out" "  da0   6×4       agrees"
    compare "$SPEC" "$T/dx-nomask.npz" --format json
    assert_rc "dX without the mask" 1
    report "dX without the mask, JSON" 'assert r["first_disagreement"] == "da0" and st["da0"]["status"] == "disagrees", st["da0"]
assert all(st[n]["status"] == "agrees" for n in ("dW1", "db1", "dW2", "db2"))'
    compare "$SPEC" "$T/dx-inherits.npz" --format json
    assert_rc "dz1 without the mask, dX from it" 1
    report "dz1 without the mask: dX inherits" 'assert r["first_disagreement"] == "dz1", r["first_disagreement"]
assert st["da0"]["status"] == "inherits" and st["da0"]["inherits_from"] == "dz1", st["da0"]'
fi

# --- Nielsen: one example at a time, column vectors (--example I) -----------
cp "$ROOT/tests/recipes/nielsen.py" "$T/network.py"
cat >"$T/col.json" <<'EOF'
{"convention": "column", "layers": [2, 3, 2], "activations": ["sigmoid", "sigmoid"],
 "loss": "mse", "batch_reduction": "mean",
 "params": {"W1": [[0.15, -0.25], [0.35, 0.45], [-0.55, 0.2]], "b1": [0.1, 0.0, -0.1],
            "W2": [[0.3, -0.6, 0.2], [-0.4, 0.5, 0.7]], "b2": [0.05, -0.05]},
 "x": [[0.8, -0.4], [0.1, 0.9], [-0.7, 0.3]],
 "y": [[1, 0], [0, 1], [1, 1]]}
EOF
sed 's/"mean"/"sum"/' "$T/col.json" >"$T/col-sum.json"
cat >"$T/nielsen_keys.py" <<'EOF'
# Nielsen's network.py backprop(x, y) for each example of the spec (read from
# the spec itself): one file per example, saved as nielsen_check.py does.
import json, sys
import numpy as np
sys.path.insert(0, sys.argv[2])
import network
spec = json.load(open(sys.argv[1]))
out = sys.argv[2]
P = spec["params"]
net = network.Network(spec["layers"])
L = len(spec["layers"]) - 1
net.weights = [np.array(P[f"W{l}"], dtype=float) for l in range(1, L + 1)]
net.biases = [np.array(P[f"b{l}"], dtype=float).reshape(-1, 1) for l in range(1, L + 1)]
for i, (x, y) in enumerate(zip(spec["x"], spec["y"]), start=1):
    nabla_b, nabla_w = net.backprop(np.array(x, float).reshape(-1, 1),
                                    np.array(y, float).reshape(-1, 1))
    grads = {}
    for l in range(1, L + 1):
        grads[f"dW{l}"] = nabla_w[l - 1]
        grads[f"db{l}"] = nabla_b[l - 1]
        grads[f"dz{l}"] = nabla_b[l - 1]
    np.savez(f"{out}/ex{i}.npz", **grads)
EOF
if py "$T/nielsen_keys.py" "$T/col.json" "$T"; then
    for i in 1 2 3; do
        compare "$T/col.json" "$T/ex$i.npz" --example $i
        assert_rc "Nielsen, example $i of a mean" 0
        assert_contains "Nielsen, example $i: said" "$T/out" "note: example $i of the spec's 3 alone"
        compare "$T/col-sum.json" "$T/ex$i.npz" --example $i
        assert_rc "Nielsen, example $i of a sum" 0
    done
    compare "$T/col.json" "$T/ex2.npz" --example 2 --format json
    report "Nielsen, example 2, JSON" 'assert r["agrees"] and r["example"] == 2 and r["batch"] == 3, r
assert all(s["status"] == "agrees" for s in r["steps"] if s["status"] != "not_given")'
    compare "$T/col.json" "$T/ex1.npz" --example 2
    assert_rc "Nielsen, example 1 against example 2" 1
    compare "$T/col.json" "$T/ex1.npz"
    # one example's gradients are not the batch's: refused (exit 2), which a
    # crash (exit 128 and above) is not
    assert_rc "Nielsen, one example against the batch" 2
    compare "$T/col.json" "$T/ex1.npz" --example 4
    assert_refused "--example 4 of 3" "--example: there is no example 4: the spec's batch has 3 examples"
    compare "$T/col.json" "$T/ex1.npz" --example 0
    assert_refused "--example 0" "--example expects an example of the batch, counted from 1"
fi

# --- dX in the column convention: n0×B, the batch's columns ----------------
# handout 000's formulas by hand in NumPy on the whole batch (mean of ½‖a − y‖²)
cat >"$T/colx.py" <<'EOF'
import json, sys
import numpy as np
s = json.load(open(sys.argv[1]))
P = {k: np.array(v, dtype=float) for k, v in s["params"].items()}
X = np.array(s["x"], dtype=float).T               # n0 x B
Y = np.array(s["y"], dtype=float).T
B = X.shape[1]
sig = lambda z: 1 / (1 + np.exp(-z))
a1 = sig(P["W1"] @ X + P["b1"][:, None])
a2 = sig(P["W2"] @ a1 + P["b2"][:, None])
dz2 = (a2 - Y) / B * a2 * (1 - a2)
dz1 = (P["W2"].T @ dz2) * a1 * (1 - a1)
np.savez(sys.argv[2], dW2=dz2 @ a1.T, db2=dz2.sum(axis=1, keepdims=True), dW1=dz1 @ X.T,
         db1=dz1.sum(axis=1, keepdims=True), dX=P["W1"].T @ dz1)
EOF
if py "$T/colx.py" "$T/col.json" "$T/colx.npz"; then
    compare "$T/col.json" "$T/colx.npz" --format json
    assert_rc "dX, column convention" 0
    report "dX, column convention: n0×B" 'assert st["da0"]["status"] == "agrees" and st["da0"]["shape"] == [2, 3], st["da0"]'
fi

# --- --example with the penalty kept whole, and with a spec's labels --------
# Nielsen's per-example gradient plus 2λW (the derivative of λ‖W‖², the
# spec's "l2"): example 3 of a spec with l2 0.1
sed 's/"mean",/"mean", "l2": 0.1,/' "$T/col.json" >"$T/col-l2.json"
cat >"$T/nielsen_l2.py" <<'EOF'
import json, sys
import numpy as np
sys.path.insert(0, sys.argv[2])
import network
spec = json.load(open(sys.argv[1]))
P = spec["params"]
net = network.Network(spec["layers"])
net.weights = [np.array(P["W1"], float), np.array(P["W2"], float)]
net.biases = [np.array(P["b1"], float).reshape(-1, 1), np.array(P["b2"], float).reshape(-1, 1)]
nabla_b, nabla_w = net.backprop(np.array(spec["x"][2], float).reshape(-1, 1),
                                np.array(spec["y"][2], float).reshape(-1, 1))
lam = spec["l2"]
np.savez(sys.argv[2] + "/ex3-l2.npz", dW1=nabla_w[0] + 2 * lam * net.weights[0],
         db1=nabla_b[0], dW2=nabla_w[1] + 2 * lam * net.weights[1], db2=nabla_b[1])
EOF
if py "$T/nielsen_l2.py" "$T/col-l2.json" "$T"; then
    compare "$T/col-l2.json" "$T/ex3-l2.npz" --example 3
    assert_rc "Nielsen with the spec's penalty, example 3" 0
    assert_contains "Nielsen with the penalty: said" "$T/out" "own loss and the L2 penalty, without the batch's 1/B"
fi
# the cs231n net on example 4 of its batch alone (a batch of one: its mean is
# that example's loss), the labels of the spec read by NumPy
cat >"$T/cs231n_one.py" <<'EOF'
import json, sys
import numpy as np
sys.path.insert(0, sys.argv[2])
from neural_net import TwoLayerNet
spec = json.load(open(sys.argv[1]))
d = np.load(sys.argv[2] + "/net.npz")
net = TwoLayerNet(4, 5, 3)
for k in ("W1", "b1", "W2", "b2"):
    net.params[k] = d[k]
X = np.array(spec["x"], dtype=float)[3:4]
y = np.array(spec["labels"])[3:4]
loss, grads = net.loss(X, y, reg=spec.get("l2", 0.0))
np.savez(sys.argv[2] + "/one.npz", loss=loss, **grads)
EOF
if py "$T/cs231n_one.py" "$SPEC" "$T"; then
    compare "$SPEC" "$T/one.npz" --example 4 --format json
    assert_rc "cs231n on example 4 alone" 0
    report "cs231n on example 4 alone, JSON" 'assert r["agrees"] and r["loss"]["status"] == "agrees" and r["example"] == 4 and r["batch"] == 6, r'
    compare "$SPEC" "$T/one.npz" --example 3
    assert_rc "cs231n, example 4 against example 3" 1
fi

finish
