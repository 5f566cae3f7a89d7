#!/usr/bin/python3
"""A small NumPy backpropagation, independent of backstep, for testing
`backstep compare`.

usage: numpy_backprop.py SPEC [--backstep PATH] [--notation g|code|partial]
                         [--only params] [--mistake KEY[@STEP]]
                         [--noise STEP] [--dtype float64|float32]
                         [--round float32] [-o FILE]
       numpy_backprop.py SPEC --cases DIR [--backstep PATH]

It implements handout 002's algorithm (lines 134-146 of a1.mlp.3.layers.py:
dz3, dW3, db3, da2, dz2, dW2, db2, da1, dz1, dW1, db1) for any number of
layers, on a batch held as a B x n matrix, one example per row:

    forward:   Z[n] = A[n-1] W[n] + b[n],  A[n] = f_n(Z[n]),  A[0] = X
    loss:      L = r sum_i l(yhat_i, y_i) + lambda sum_n ||W[n]||^2,
               r = 1/B ("mean") or 1 ("sum")
    backward:  dA[L] = r dl/dyhat
               dZ[n] = f_n'(Z[n]) * dA[n]     (elementwise f)
                     = A (dA - rowsum(A * dA)) (softmax: the Jacobian)
                     = r (yhat - y)          (sigmoid + bce, softmax +
                                              cross-entropy: handout 001 and
                                              002's Lemma 2)
               dW[n] = A[n-1]^T dZ[n] + 2 lambda W[n]
               db[n] = sum over the batch of dZ[n]
               dA[n-1] = dZ[n] W[n]^T

The network (convention, layers, activations, loss, batch_reduction, l2) is
read from the spec.  The parameters and the batch are read from the spec
when it gives them all ("params" with every W and b, "x", and "y" or
"labels"); when it draws any of them ("init", "random_batch"), they are
taken from `backstep trace SPEC --format json` (--backstep PATH), which
prints every number it used: backstep's random generator is deliberately
not reimplemented here.

GRADS.json gets the loss and every step (or, with --only params, the
parameter gradients only) named in the chosen notation (g: g[2z], code: dz2,
partial: ∂L/∂z[2]) and written in the spec's convention: B x n matrices and
W[n] as n[n-1] x n[n] in the row convention, their transposes in the column
convention, biases as flat lists.

--mistake KEY@STEP makes one of backstep's catalogued mistakes the way a
student's program makes it, inside the backward pass, so that the steps
computed after STEP inherit it.  STEP is a quantity and a layer: a2, z2, W2,
b2.  Without @STEP the first step (in backward order) where the mistake
changes something is used.

--noise STEP adds seeded random noise (about 30% of the step's scale) to one
step, a mistake no catalogue explains.  --dtype float32 runs the whole
computation in single precision; --round float32 computes in double
precision and rounds every value written to the nearest float32.

--cases DIR writes, for every mistake that can be made on the spec, a few
deliberately wrong gradient files: DIR/N.json (the loss and every step) and
DIR/N.params.json (the parameter gradients only), the notation turning g,
code, partial from one case to the next.  It prints one line per case

    N NOTATION KEY STEP MADE_IN

with STEP the step where the mistake is made, named in the case's notation,
and MADE_IN the comma-separated steps at which the same mistake gives the
same parameter gradients (what `backstep compare` may name as the place of
the mistake when the file gives only the parameter gradients), or "-" when
the parameter gradients come out right; and one line
"# KEY: not tested (REASON)" for a mistake that cannot be made, or changes
nothing, on this spec.  The cases of a mistake are the first step of each
quantity (a, z, W, b) where it changes something, and the lowest layer where
it does.
"""

import json
import subprocess
import sys

import numpy as np

LEAKY = 0.01
KEYS = ["sign", "no-1/B", "1/B-twice", "transpose", "no-derivative", "derivative-at-a",
        "softmax-elementwise", "wrong-activation", "bias-not-summed", "l2-missing",
        "lambda-W", "wrong-layer-weights", "off-by-one-layer", "activation-for-derivative",
        "one-flow"]
# the activation whose derivative a program uses by mistake, for wrong-activation
WRONG_ACT = {"sigmoid": "tanh", "tanh": "sigmoid", "relu": "sigmoid",
             "leaky_relu": "relu", "identity": "sigmoid"}
QTYS = "azWb"


def die(msg):
    sys.stderr.write("numpy_backprop.py: %s\n" % msg)
    sys.exit(2)


# --------------------------------------------------------------------------
# the network and its batch

class Net:
    pass


def examples(v, width):
    """One example (a flat list) or a batch (a list of lists) as a B x width array."""
    if v and isinstance(v[0], list):
        return np.array(v, dtype=float).reshape(len(v), width)
    return np.array(v, dtype=float).reshape(1, width)


def load(spec_path, backstep):
    with open(spec_path, encoding="utf-8") as f:
        spec = json.load(f)
    net = Net()
    net.convention = spec.get("convention", "row")
    net.n = [int(k) for k in spec["layers"]]
    net.L = len(net.n) - 1
    acts = spec["activations"]
    net.act = [None] + (list(acts) if isinstance(acts, list) else [acts] * net.L)
    net.loss = spec["loss"]
    net.mean = spec.get("batch_reduction", "mean") == "mean"
    net.l2 = float(spec.get("l2", 0.0))
    params = spec.get("params", {})
    complete = (all(("W%d" % k) in params and ("b%d" % k) in params
                    for k in range(1, net.L + 1))
                and "x" in spec and ("y" in spec or "labels" in spec))
    if complete:
        src = {"params": params, "x": spec["x"]}
        if "y" in spec:
            src["y"] = spec["y"]
        else:
            labels = spec["labels"]
            labels = labels if isinstance(labels, list) else [labels]
            src["y"] = [[1.0 if t == c else 0.0 for t in range(net.n[-1])] for c in labels]
    else:
        if not backstep:
            die("%s draws its parameters or batch: give --backstep PATH to take them "
                "from its trace" % spec_path)
        out = subprocess.run([backstep, "trace", spec_path, "--format", "json", "--quiet"],
                             stdout=subprocess.PIPE, check=False)
        if out.returncode not in (0, 1):
            die("backstep trace %s failed" % spec_path)
        src = json.loads(out.stdout.decode("utf-8"))
    net.W = [None]
    net.b = [None]
    for k in range(1, net.L + 1):
        w = np.array(src["params"]["W%d" % k], dtype=float)
        net.W.append(w.T.copy() if net.convention == "column" else w)
        net.b.append(np.array(src["params"]["b%d" % k], dtype=float).reshape(1, net.n[k]))
    net.X = examples(src["x"], net.n[0])
    net.Y = examples(src["y"], net.n[-1])
    net.B = net.X.shape[0]
    net.shortcut = ((net.act[net.L] == "sigmoid" and net.loss == "bce")
                    or (net.act[net.L] == "softmax" and net.loss == "cross_entropy"))
    return net


# --------------------------------------------------------------------------
# activations and losses

def act_forward(name, z):
    if name == "sigmoid":
        return 1.0 / (1.0 + np.exp(-z))
    if name == "tanh":
        return np.tanh(z)
    if name == "relu":
        return np.where(z > 0, z, 0.0)
    if name == "leaky_relu":
        return np.where(z > 0, z, LEAKY * z)
    if name == "identity":
        return z.copy()
    if name == "softmax":
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
    die("unknown activation %s" % name)


def act_derivative(name, z):
    """f'(z) for an elementwise f, from z alone."""
    if name == "sigmoid":
        s = act_forward("sigmoid", z)
        return s * (1.0 - s)
    if name == "tanh":
        return 1.0 - np.tanh(z) ** 2
    if name == "relu":
        return np.where(z > 0, 1.0, 0.0)
    if name == "leaky_relu":
        return np.where(z > 0, 1.0, LEAKY)
    if name == "identity":
        return np.ones_like(z)
    die("no elementwise derivative for %s" % name)


def loss_value(name, yhat, y):
    """The per-example losses, a vector of B values."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if name == "mse":
            return 0.5 * ((y - yhat) ** 2).sum(axis=1)
        if name == "bce":
            t1 = np.where(y != 0, y * np.log(yhat), 0.0)
            t2 = np.where(y != 1, (1 - y) * np.log(1 - yhat), 0.0)
            return -(t1 + t2).sum(axis=1)
        if name == "cross_entropy":
            return -np.where(y != 0, y * np.log(yhat), 0.0).sum(axis=1)
    die("unknown loss %s" % name)


def loss_gradient(name, yhat, y):
    """dl/dyhat, B x n."""
    if name == "mse":
        return yhat - y
    if name == "bce":
        return (yhat - y) / (yhat * (1.0 - yhat))
    if name == "cross_entropy":
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(y != 0, -y / yhat, 0.0)
    die("unknown loss %s" % name)


# --------------------------------------------------------------------------
# the forward and backward passes, with an optional mistake

def forward(net, dt):
    A = [net.X.astype(dt)]
    Z = [None]
    for k in range(1, net.L + 1):
        Z.append(A[k - 1] @ net.W[k].astype(dt) + net.b[k].astype(dt))
        A.append(act_forward(net.act[k], Z[k]))
    r = 1.0 / net.B if net.mean else 1.0
    data = r * loss_value(net.loss, A[net.L], net.Y.astype(dt)).sum()
    pen = net.l2 * sum((net.W[k].astype(dt) ** 2).sum() for k in range(1, net.L + 1))
    return Z, A, data + pen


def backward(net, Z, A, dt, mistake=None, truth=None):
    """Every step g[(q, n)] in the row convention.  mistake = (key, q, n)
    replaces that step's value by the mistaken one; the steps after it are
    computed from it, as a program would."""
    L, B = net.L, net.B
    r = dt(1.0 / B if net.mean else 1.0)
    Y = net.Y.astype(dt)
    W = [None] + [w.astype(dt) for w in net.W[1:]]
    g = {}

    def wrong(q, k):
        return mistake is not None and mistake[1] == q and mistake[2] == k

    def off_by_one(q, k):
        for m in (k + 1, k - 1):
            if (q, m) in truth and truth[(q, m)].shape == truth[(q, k)].shape:
                return truth[(q, m)].copy()
        return None

    dZ_above = None
    for k in range(L, 0, -1):
        key = mistake[0] if mistake else None
        # g[ka]
        if k == L:
            dA = r * loss_gradient(net.loss, A[L], Y)
        else:
            dA = dZ_above @ W[k + 1].T
        if wrong("a", k):
            if key == "sign":
                dA = -dA
            elif key == "no-1/B" and k == L and net.mean and B > 1:
                dA = loss_gradient(net.loss, A[L], Y)
            elif key == "1/B-twice" and k == L and net.mean and B > 1:
                dA = dA / B
            elif key == "transpose" and k < L and W[k + 1].shape[0] == W[k + 1].shape[1]:
                dA = dZ_above @ W[k + 1]
            elif key == "wrong-layer-weights" and k < L:
                others = [m for m in range(1, L + 1)
                          if m != k + 1 and W[m].shape == W[k + 1].shape]
                if not others:
                    return None
                dA = dZ_above @ W[others[0]].T
            elif key == "off-by-one-layer" and off_by_one("a", k) is not None:
                dA = off_by_one("a", k)
            elif key == "one-flow" and k < L and W[k + 1].shape[1] >= 2:
                # the flow through the first unit of layer k + 1 alone
                dA = dZ_above[:, [0]] @ W[k + 1][:, [0]].T
            else:
                return None
        g[("a", k)] = dA
        # g[kz]
        f = net.act[k]
        if k == L and net.shortcut:
            dZ = r * (A[L] - Y)
        elif f == "softmax":
            dZ = A[k] * (dA - (A[k] * dA).sum(axis=1, keepdims=True))
        else:
            dZ = act_derivative(f, Z[k]) * dA
        if wrong("z", k):
            if key == "sign":
                dZ = -dZ
            elif key == "no-1/B" and k == L and net.mean and B > 1:
                dZ = dZ * B
            elif key == "1/B-twice" and k == L and net.mean and B > 1:
                dZ = dZ / B
            elif key == "no-derivative":
                dZ = dA.copy()
            elif key == "derivative-at-a" and f != "softmax":
                dZ = act_derivative(f, A[k]) * dA
            elif key == "softmax-elementwise" and f == "softmax":
                dZ = A[k] * (1.0 - A[k]) * dA
            elif key == "wrong-activation" and f != "softmax":
                dZ = act_derivative(WRONG_ACT[f], Z[k]) * dA
            elif key == "off-by-one-layer" and off_by_one("z", k) is not None:
                dZ = off_by_one("z", k)
            elif key == "activation-for-derivative" and f != "softmax":
                dZ = A[k] * dA   # sigma(z) where sigma'(z) belongs
            else:
                return None
        g[("z", k)] = dZ
        # g[kW]
        data = A[k - 1].T @ dZ
        dW = data + 2 * net.l2 * W[k]
        if wrong("W", k):
            if key == "sign":
                dW = -dW
            elif key == "1/B-twice" and net.mean and B > 1:
                dW = data / B + 2 * net.l2 * W[k]
            elif key == "transpose" and min(dW.shape) > 1:
                dW = dW.T.copy()
            elif key == "l2-missing" and net.l2 != 0:
                dW = data
            elif key == "lambda-W" and net.l2 != 0:
                dW = data + net.l2 * W[k]
            elif key == "off-by-one-layer" and off_by_one("W", k) is not None:
                dW = off_by_one("W", k)
            else:
                return None
        g[("W", k)] = dW
        # g[kb]
        db = dZ.sum(axis=0, keepdims=True)
        if wrong("b", k):
            if key == "sign":
                db = -db
            elif key == "1/B-twice" and net.mean and B > 1:
                db = db / B
            elif key == "bias-not-summed" and B > 1:
                db = dZ.copy()
            elif key == "off-by-one-layer" and off_by_one("b", k) is not None:
                db = off_by_one("b", k)
            else:
                return None
        g[("b", k)] = db
        dZ_above = dZ
    return g


def order(net):
    """The steps in backward order: a L, z L, W L, b L, a L-1, ..."""
    return [(q, k) for k in range(net.L, 0, -1) for q in QTYS]


def parse_step(s):
    if len(s) < 2 or s[0] not in QTYS or not s[1:].isdigit():
        die("bad step %r: expected a quantity and a layer, e.g. z2, W1" % s)
    return (s[0], int(s[1:]))


def differs(a, b):
    if a.shape != b.shape:
        return True
    scale = max(np.abs(b).max(), 1e-300)
    return np.abs(a - b).max() > 1e-6 * scale


# --------------------------------------------------------------------------
# writing GRADS.json

def name(q, k, notation):
    if notation == "g":
        return "g[%d%s]" % (k, q)
    if notation == "partial":
        return "∂L/∂%s[%d]" % (q, k)
    return "d%s%d" % (q, k)


def displayed(net, q, m):
    """The spec's orientation: the column convention shows every matrix
    transposed; biases are written as flat lists."""
    if q == "b" and m.shape[0] == 1:
        return [float(v) for v in m.ravel()]
    if net.convention == "column":
        m = m.T
    return [[float(v) for v in row] for row in m]


def write(net, g, loss, notation, only_params, out):
    doc = {}
    if not only_params:
        doc["loss"] = float(loss)
    for q, k in order(net):
        if only_params and q not in "Wb":
            continue
        doc[name(q, k, notation)] = displayed(net, q, g[(q, k)])
    text = json.dumps(doc, indent=1, ensure_ascii=False) + "\n"
    if out == "-":
        sys.stdout.write(text)
    else:
        with open(out, "w", encoding="utf-8") as f:
            f.write(text)


# --------------------------------------------------------------------------
# which mistakes the compare test injects

REASONS = {
    "no-1/B": "the 1/B of a batch mean: needs \"mean\" and B > 1",
    "1/B-twice": "the 1/B of a batch mean: needs \"mean\" and B > 1",
    "transpose": "no matrix with two dimensions above 1",
    "no-derivative": "no layer where leaving out the derivative changes anything",
    "derivative-at-a": "f'(a) = f'(z) for every activation of this spec",
    "softmax-elementwise": "no softmax layer",
    "wrong-activation": "no elementwise layer outside a fused output",
    "bias-not-summed": "B = 1",
    "l2-missing": "no L2 term (l2 = 0)",
    "lambda-W": "no L2 term (l2 = 0)",
    "wrong-layer-weights": "no two layers with weights of the same shape",
    "off-by-one-layer": "no two adjacent layers with steps of the same shape",
    "activation-for-derivative": "no elementwise layer",
    "one-flow": "no hidden layer under a layer of two units or more",
}


def params_of(net, g):
    return [g[(q, k)] for q, k in order(net) if q in "Wb"]


def cases(net):
    """The (key, step, made_in) the compare test injects: for each mistake,
    the first step of each quantity (a, z, W, b) where it changes something,
    and the lowest layer where it does."""
    Z, A, _ = forward(net, np.float64)
    truth = backward(net, Z, A, np.float64)
    out = []
    for key in KEYS:
        hits = []
        for q, k in order(net):
            g = backward(net, Z, A, np.float64, (key, q, k), truth)
            if g is not None and differs(g[(q, k)], truth[(q, k)]):
                hits.append(((q, k), g))
        if not hits:
            out.append((key, None, REASONS.get(key, "never applies")))
            continue
        chosen = []
        for q in QTYS:
            first = [h for h in hits if h[0][0] == q]
            if first:
                chosen.append(first[0])
        if all(h[0][1] != hits[-1][0][1] for h in chosen):
            chosen.append(hits[-1])
        for (q, k), g in chosen:
            mine = params_of(net, g)
            if all(not differs(u, v) for u, v in zip(mine, params_of(net, truth))):
                out.append((key, (q, k), []))  # the parameter gradients are right
                continue
            made_in = ["%s%d" % (q, k)]
            for (q2, k2), g2 in hits:
                if (q2, k2) != (q, k) and q2 in "az" and all(
                        not differs(u, v) for u, v in zip(params_of(net, g2), mine)):
                    made_in.append("%s%d" % (q2, k2))
            out.append((key, (q, k), made_in))
    return out


def write_cases(net, directory):
    """Writes DIR/N.json (every step, the loss) and DIR/N.params.json (the
    parameter gradients) for every case, the notation turning g, code,
    partial from one case to the next, and prints the table."""
    Z, A, loss = forward(net, np.float64)
    truth = backward(net, Z, A, np.float64)
    notations = ["g", "code", "partial"]
    n = 0
    for key, step, made_in in cases(net):
        if step is None:
            print("# %s: not tested (%s)" % (key, made_in))
            continue
        n += 1
        nt = notations[n % 3]
        g = backward(net, Z, A, np.float64, (key,) + step, truth)
        write(net, g, loss, nt, False, "%s/%d.json" % (directory, n))
        write(net, g, loss, nt, True, "%s/%d.params.json" % (directory, n))
        print("%d %s %s %s %s" % (n, nt, key, name(step[0], step[1], nt),
                                  ",".join(name(s[0], int(s[1:]), nt) for s in made_in)
                                  or "-"))


# --------------------------------------------------------------------------

def main(argv):
    spec = None
    backstep = None
    notation = "code"
    only_params = False
    mistake = None
    noise = None
    dtype = "float64"
    rounding = None
    out = "-"
    cases_dir = None
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in ("--backstep", "--notation", "--only", "--mistake", "--noise", "--dtype", "-o",
                 "--cases", "--round"):
            if i + 1 >= len(argv):
                die("%s needs a value" % a)
            v = argv[i + 1]
            i += 2
            if a == "--backstep":
                backstep = v
            elif a == "--notation":
                if v not in ("g", "code", "partial"):
                    die("--notation: expected g, code or partial")
                notation = v
            elif a == "--only":
                if v != "params":
                    die("--only: expected params")
                only_params = True
            elif a == "--mistake":
                mistake = v
            elif a == "--noise":
                noise = parse_step(v)
            elif a == "--round":
                if v != "float32":
                    die("--round: expected float32")
                rounding = np.float32
            elif a == "--cases":
                cases_dir = v
            elif a == "--dtype":
                if v not in ("float64", "float32"):
                    die("--dtype: expected float64 or float32")
                dtype = v
            else:
                out = v
            continue
        if a.startswith("-") and a != "-":
            die("unknown option %s" % a)
        elif spec is None:
            spec = a
        else:
            die("one SPEC only")
        i += 1
    if spec is None:
        die(__doc__.strip().splitlines()[3])
    net = load(spec, backstep)
    if cases_dir:
        write_cases(net, cases_dir)
        return 0
    dt = np.float32 if dtype == "float32" else np.float64
    Z, A, loss = forward(net, dt)
    Z64, A64, _ = forward(net, np.float64)
    truth = backward(net, Z64, A64, np.float64)
    m = None
    if mistake:
        key, _, step = mistake.partition("@")
        if key not in KEYS:
            die("unknown mistake %s: expected one of %s" % (key, ", ".join(KEYS)))
        steps = [parse_step(step)] if step else order(net)
        for q, k in steps:
            g = backward(net, Z, A, dt, (key, q, k), truth)
            if g is not None and differs(g[(q, k)], truth[(q, k)]):
                m = (key, q, k)
                break
        if m is None:
            die("mistake %s cannot be made on %s" % (mistake, spec))
    g = backward(net, Z, A, dt, m, truth)
    if noise:
        rng = np.random.default_rng(7)
        v = g[noise]
        g[noise] = v + 0.3 * np.abs(v).max() * rng.standard_normal(v.shape)
    if rounding:
        g = {k: v.astype(rounding).astype(np.float64) for k, v in g.items()}
        loss = float(rounding(loss))
    write(net, g, loss, notation, only_params, out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
