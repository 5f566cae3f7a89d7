#!/usr/bin/env python3
"""Independent check of every number `backstep handout` shows.

usage: python3 tests/handout_numbers.py BACKSTEP SOURCE_ROOT

For handouts 000 and 001, on the shipped spec and on specs of the same
structure with other sizes and numbers (written here), this runs
`BACKSTEP handout N [SPEC] --format json --lr ALPHA` and recomputes every
number of its "numbers" lists from the spec alone, with NumPy and the
handouts' own formulas (nothing is read from backstep but the reference of
each number, e.g. "gW2[0,1]"):

  forward   z[n] = a[n-1] W[n] + b[n] (row) / W[n] a[n-1] + b[n] (column)
  loss      001: -[(1-y) log(1-yhat) + y log(yhat)];  000: 1/2 ||y - yhat||^2
  backward  dL/dyhat, then dL/dz[n] = f'(z[n]) o dL/da[n],
            dL/dW[n] = outer products, dL/da[n-1] = W[n]^T dL/dz[n]
  001 also  e^(-z), the printed 1/(1 - e^(-z)), 1/2 (y - yhat)^2, W - alpha dW

For handout 000 it also checks Figure 1's edges (the "figure" object): one
edge W_{j,k}[2] for each j, k, carrying dL/dz_j[2] and a_k[1] from NumPy
and their product dL/dW[2][j,k] = (dL/dz[2] a[1]^T)[j,k], also from NumPy.

Each number must agree to 1e-9 (relative, or absolute below 1).  Every
equation must carry numbers, every reference must be known, and the check
table must say that every gradient agrees.  It also checks that each label
of docs/handouts.md's coverage map (section | left-hand side) is the label of
an equation of the output, and a row `(figure)` that the section has the
figure.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

import numpy as np

ACT = {
    "sigmoid": (lambda z: 1 / (1 + np.exp(-z)), lambda z, a: a * (1 - a)),
    "tanh": (np.tanh, lambda z, a: 1 - a * a),
    "identity": (lambda z: z, lambda z, a: np.ones_like(z)),
    "relu": (lambda z: np.maximum(z, 0), lambda z, a: (z > 0).astype(float)),
    "leaky_relu": (lambda z: np.where(z > 0, z, 0.01 * z), lambda z, a: np.where(z > 0, 1.0, 0.01)),
}


def reference(spec, handout, lr):
    """Every quantity the handout shows, by reference name."""
    L = len(spec["layers"]) - 1
    col = spec.get("convention", "row") == "column"
    # weights as a 'row convention' matrix: input i, output j
    W = {}
    for n in range(1, L + 1):
        w = np.array(spec["params"]["W%d" % n], dtype=float)
        W[n] = w.T if col else w
    b = {n: np.array(spec["params"]["b%d" % n], dtype=float) for n in range(1, L + 1)}
    x = np.array(spec["x"], dtype=float).reshape(-1)
    y = np.array(spec["y"], dtype=float).reshape(-1)
    acts = spec["activations"]
    a = {0: x}
    z, d = {}, {}
    for n in range(1, L + 1):
        z[n] = a[n - 1] @ W[n] + b[n]
        f, df = ACT[acts[n - 1]]
        a[n] = f(z[n])
        d[n] = df(z[n], a[n])
    yh = a[L]
    ga, gz, gW, gb = {}, {}, {}, {}
    if spec["loss"] == "bce":
        Lval = -np.sum((1 - y) * np.log(1 - yh) + y * np.log(yh))
        ga[L] = (1 - y) / (1 - yh) - y / yh
    else:
        Lval = 0.5 * np.sum((y - yh) ** 2)
        ga[L] = yh - y
    for n in range(L, 0, -1):
        gz[n] = d[n] * ga[n]
        gW[n] = np.outer(a[n - 1], gz[n])
        gb[n] = gz[n]
        if n > 1:
            ga[n - 1] = W[n] @ gz[n]
    R = {"L": Lval, "lr": lr}

    def vec(name, v):
        for k, e in enumerate(v):
            R["%s[%d]" % (name, k)] = e

    def mat(name, M):
        for r in range(M.shape[0]):
            for c in range(M.shape[1]):
                R["%s[%d,%d]" % (name, r, c)] = M[r, c]

    # the handout's orientation of matrices: 001 as stored (input, output),
    # 000 transposed (output, input)
    orient = (lambda M: M) if handout == 1 else (lambda M: M.T)
    vec("y", y)
    for n in range(0, L + 1):
        vec("a%d" % n, a[n])
    vec("x", x)
    for n in range(1, L + 1):
        vec("z%d" % n, z[n])
        vec("b%d" % n, b[n])
        vec("d%d" % n, d[n])
        vec("ga%d" % n, ga[n])
        vec("gz%d" % n, gz[n])
        vec("gb%d" % n, gb[n])
        mat("W%d" % n, orient(W[n]))
        mat("gW%d" % n, orient(gW[n]))
        if handout == 1:
            mat("newW%d" % n, W[n] - lr * gW[n])
            vec("newb%d" % n, b[n] - lr * gb[n])
            vec("expnz%d" % n, np.exp(-z[n]))
            vec("printed%d" % n, 1 / (1 - np.exp(-z[n])))
    if handout == 1:
        R["Lv"] = 0.5 * np.sum((y - yh) ** 2)
    else:
        vec("gyhat", yh - y)
        mat("J2", np.diag(d[L]))
    return R


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


class Ref002:
    """Every quantity handout 002 shows, from its own equations: (1)-(4),
    Lemmas 1-4, Notes 2-5, with examples as rows and indices from 0.  Kept
    as whole arrays and looked up by reference ("pgW1[0,783,199]"), so that
    the full-size network needs no table of every entry; the slices of the
    tensors dz/dW and the identity I are worked out entry by entry."""

    def __init__(self, spec):
        W = {n: np.array(spec["params"]["W%d" % n], dtype=float) for n in (1, 2, 3)}
        b = {n: np.array(spec["params"]["b%d" % n], dtype=float).reshape(-1) for n in (1, 2, 3)}
        X = np.array(spec["x"], dtype=float)
        B = X.shape[0]
        K = W[3].shape[1]
        Y = np.eye(K)[spec["labels"]] if "labels" in spec else np.array(spec["y"], dtype=float)
        lam = spec.get("l2", 0.0)
        a, z = {0: X}, {}
        for n in (1, 2):
            z[n] = a[n - 1] @ W[n] + b[n]          # (21), (37)
            a[n] = sigmoid(z[n])                   # (22), (38)
        z[3] = a[2] @ W[3] + b[3]                  # (3)
        e = np.exp(z[3] - z[3].max(axis=1, keepdims=True))
        a[3] = e / e.sum(axis=1, keepdims=True)    # (4)
        self.a = a
        R = {"n0": X.shape[1], "n1": W[1].shape[1], "n2": W[2].shape[1], "K": K, "B": B,
             "lambda": lam}
        A = {}

        def put(name, M):
            A[name] = np.asarray(M)

        put("x", X)
        put("y", Y)
        for n in (1, 2, 3):
            put("W%d" % n, W[n])
            put("b%d" % n, b[n])
            put("z%d" % n, z[n])
            put("a%d" % n, a[n])
        LCE = -np.sum(Y * np.log(a[3]), axis=1)    # (2)
        put("LCE", LCE)
        R["Ldata"] = LCE.mean()                    # (1)
        for n in (1, 2, 3):
            R["sqW%d" % n] = np.sum(W[n] ** 2)
        R["Llambda"] = R["Ldata"] + lam * sum(R["sqW%d" % n] for n in (1, 2, 3))  # (53)
        # Lemma 1 on example 0: (7) and (12)
        s0 = a[3][0]
        J = np.diag(s0) - np.outer(s0, s0)
        put("J", J[None])
        # (10): -sum_t y_t / yhat_t * d yhat_t / dz_j
        put("sum10", (-(Y[0] / s0) @ J)[None])
        pgz = {3: a[3] - Y}                        # (9)
        pga = {}
        for n in (3, 2, 1):
            if n < 3:
                pga[n] = pgz[n + 1] @ W[n + 1].T   # (28), (44)
                d = a[n] * (1 - a[n])              # (29), (45)
                pgz[n] = pga[n] * d                # (30), (46)
                put("pga%d" % n, pga[n])
                put("Jsig%d" % n, np.stack([np.diag(r) for r in d[:8]]))  # examples shown
                put("da%d" % n, pga[n])
                put("ga%d" % n, pga[n] / B)
            # (18), (33), (49): example i's (a[n-1,i])^T (dL_CE/dz[n,i]), for
            # the examples a batch sum shows (the first and last 3 of a large one)
            shown = sorted(set(range(min(B, 3))) | set(range(max(B - 3, 0), B))) if B > 8 else range(B)
            pgW = np.zeros((B,) + W[n].shape)
            for i in shown:
                pgW[i] = np.outer(a[n - 1][i], pgz[n][i])
            put("pgW%d" % n, pgW)
            put("pgz%d" % n, pgz[n])
            put("pgb%d" % n, pgz[n])
            sumW, sumb = a[n - 1].T @ pgz[n], pgz[n].sum(axis=0)  # (19)-(20), (35)-(36), (51)-(52)
            put("sumW%d" % n, sumW)
            put("sumb%d" % n, sumb)
            put("dz%d" % n, pgz[n])                # Notes 2-4: the program's rows
            put("gz%d" % n, pgz[n] / B)
            put("dW%d" % n, sumW + 2 * lam * W[n])  # the program's dW, with line 157's 2 lambda W
            put("gW%d" % n, sumW / B + 2 * lam * W[n])  # (55)
            put("dataW%d" % n, sumW / B)
            put("db%d" % n, sumb)
            put("gb%d" % n, sumb / B)
        self.R, self.A = R, A
        self.shown_pgW = set(shown)

    def __contains__(self, ref):
        return self.get(ref) is not None

    def __getitem__(self, ref):
        return self.get(ref)

    def get(self, ref):
        if ref in self.R:
            return self.R[ref]
        m = re.fullmatch(r"([A-Za-z_0-9]+)\[([0-9,]+)\]", ref)
        if not m:
            return None
        name, idx = m.group(1), tuple(int(k) for k in m.group(2).split(","))
        if name.startswith("pgW") and idx[0] not in self.shown_pgW:
            return None  # a term the batch sum leaves out is never shown
        if name in self.A:
            M = self.A[name]
            if len(idx) != M.ndim or any(k >= s for k, s in zip(idx, M.shape)):
                return None
            return M[idx]
        t = re.fullmatch(r"dzdW([123])_([0-9]+)", name)
        if t and len(idx) == 3 and idx[0] == 0:
            # (16), (32), (48): entry (q, r) of the slice t of dz[n,0]/dW[n]
            n, tt, q, r = int(t.group(1)), int(t.group(2)), idx[1], idx[2]
            nin, nout = self.A["W%d" % n].shape
            if q >= nin or r >= nout or tt >= nout:
                return None
            return self.a[n - 1][0][q] if r == tt else 0.0
        if name == "I" and len(idx) == 2:
            return float(idx[0] == idx[1])
        return None


def close(got, want):
    if not (np.isfinite(got) and np.isfinite(want)):
        return False
    return abs(got - want) <= 1e-9 * max(1.0, abs(want))


def run(backstep, handout, spec_path, spec, lr, failures):
    args = [backstep, "handout", "%03d" % handout]
    if spec_path:
        args.append(spec_path)
    args += ["--format", "json", "--lr", repr(lr)]
    p = subprocess.run(args, capture_output=True, text=True)
    where = "handout %03d on %s" % (handout, spec_path or "its shipped spec")
    if p.returncode != 0:
        failures.append("%s: exit %d: %s" % (where, p.returncode, p.stderr.strip()))
        return None
    out = json.loads(p.stdout)
    R = Ref002(spec) if handout == 2 else reference(spec, handout, lr)
    checked = 0
    for e in out["equations"]:
        if not e["numbers"]:
            failures.append("%s: %s has no numbers" % (where, e["lhs"]))
        for n in e["numbers"]:
            ref = n["ref"]
            want = R.get(ref)
            if want is None:
                failures.append("%s: %s: unknown number %s" % (where, e["lhs"], ref))
            elif not close(n["value"], want):
                failures.append("%s: %s: %s = %r, NumPy %r" % (where, e["lhs"], ref, n["value"], want))
            checked += 1
    if handout == 0:
        checked += figure(out, R, where, failures)
    for c in out["check"]:
        if not c["passed"] or c["agree"] != c["compared"] or c["compared"] < 1:
            failures.append("%s: check of %s: %r" % (where, c["gradient"], c))
    if not out["passed"]:
        failures.append("%s: not passed" % where)
    print("%s: %d equations, %d numbers agree with NumPy" % (where, len(out["equations"]), checked))
    return out


def drawn(n):
    """The units of a layer of n the figure draws: all up to 8, else the
    first and last 3 (the rule of large matrices, bs_matrix_shown)."""
    return list(range(n)) if n <= 8 else [0, 1, 2, n - 3, n - 2, n - 1]


def figure(out, R, where, failures):
    """Figure 1 of handout 000: its edges as NumPy has them, one per drawn
    pair of units, named by their indices in the layer."""
    f = out.get("figure")
    if not f:
        failures.append("%s: no figure" % where)
        return 0
    n1 = len([k for k in R if k.startswith("a1[")])
    n2 = len([k for k in R if k.startswith("gz2[")])
    ks, js = drawn(n1), drawn(n2)
    if n1 > 8 or n2 > 8:
        if f.get("drawn_of") != {"left": n1, "right": n2}:
            failures.append("%s: figure: drawn_of %r, not %d and %d" % (where, f.get("drawn_of"), n1, n2))
    elif "drawn_of" in f:
        failures.append("%s: figure: drawn_of on a figure drawn whole" % where)
    seen, checked = set(), 0
    for k, u in zip(ks, f["left"]):
        if u["unit"] != "a_%d[1]" % (k + 1) or not close(u["value"], R["a1[%d]" % k]):
            failures.append("%s: figure: left unit %r, NumPy a1[%d] = %r" % (where, u, k, R["a1[%d]" % k]))
        checked += 1
    for j, u in zip(js, f["right"]):
        if u["unit"] != "z_%d[2]" % (j + 1) or not close(u["gradient"], R["gz2[%d]" % j]):
            failures.append("%s: figure: right unit %r, NumPy gz2[%d] = %r" % (where, u, j, R["gz2[%d]" % j]))
        checked += 1
    for e in f["edges"]:
        j, k = e["row"] - 1, e["column"] - 1
        seen.add((j, k))
        want = {"dL_dz": R["gz2[%d]" % j], "a": R["a1[%d]" % k], "value": R["gW2[%d,%d]" % (j, k)]}
        if e["weight"] != "W_{%d,%d}[2]" % (j + 1, k + 1) or e["ref"] != "gW2[%d,%d]" % (j, k) \
                or e["from"] != "a_%d[1]" % (k + 1) or e["to"] != "z_%d[2]" % (j + 1):
            failures.append("%s: figure: edge %r is not named as W_{%d,%d}[2]" % (where, e, j + 1, k + 1))
        for key, w in want.items():
            if not close(e[key], w):
                failures.append("%s: figure: edge %s %s = %r, NumPy %r" % (where, e["weight"], key, e[key], w))
            checked += 1
    if seen != {(j, k) for j in js for k in ks} or len(f["edges"]) != len(js) * len(ks):
        failures.append("%s: figure: the edges are not one per drawn W_{j,k}[2] (%d of %dx%d)"
                        % (where, len(f["edges"]), len(js), len(ks)))
    if len(f["left"]) != len(ks) or len(f["right"]) != len(js):
        failures.append("%s: figure: %d and %d units, not %d and %d"
                        % (where, len(f["left"]), len(f["right"]), len(ks), len(js)))
    return checked


def coverage(root, outs, failures):
    """Each row of the coverage map names a label (section | lhs) the output has."""
    path = os.path.join(root, "docs", "handouts.md")
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    handout, n = None, 0
    for line in lines:
        if line.startswith("## Handout 000"):
            handout = 0
        elif line.startswith("## Handout 001"):
            handout = 1
        elif line.startswith("## Handout 002"):
            handout = 2
        elif line.startswith("## "):
            handout = None
        if handout is None or not line.startswith("| ") or line.startswith("| handout"):
            continue
        cells = [c.strip().replace("\0", "|")
                 for c in line.strip().replace("\\|", "\0").strip("|").split("|")]
        if len(cells) < 3 or cells[1].startswith("—") or cells[1].startswith("-"):
            continue
        section, lhs = cells[1].strip("`"), cells[2].strip("`")
        if lhs == "(figure)":  # a drawing, not an equation
            f = outs[handout].get("figure")
            if not f or f.get("section") != section:
                failures.append("docs/handouts.md: handout %03d has no figure in %s" % (handout, section))
            n += 1
            continue
        if handout == 2:  # labelled by the handout's own numbers
            labels = {(e.get("label"), e["lhs"]) for e in outs[handout]["equations"]}
        else:
            labels = {(e["section"], e["lhs"]) for e in outs[handout]["equations"]}
        if (section, lhs) not in labels:
            failures.append("docs/handouts.md: handout %03d has no equation %s | %s" % (handout, section, lhs))
        n += 1
    if n < 20:
        failures.append("docs/handouts.md: only %d mapped labels found" % n)
    print("coverage map: %d labels checked" % n)


def full_size(backstep, root, failures):
    """Handout 002 on the full-size network: every number shown against NumPy.
    Its weights and batch are drawn by backstep from the spec's init and
    random_batch, so they (the inputs alone) are read from `trace --format
    json`; every other number is worked out here.  A large matrix is shown
    by its first and last 3 rows and columns, a large batch's sums by their
    first and last 3 terms: the last entries must be there, named by their
    true indices."""
    mnist = os.path.join(root, "specs", "mnist-784-200-100-10.json")
    p = subprocess.run([backstep, "trace", mnist, "--format", "json", "--quiet"],
                       capture_output=True, text=True)
    if p.returncode != 0:
        failures.append("trace %s: exit %d" % (mnist, p.returncode))
        return
    d = json.loads(p.stdout)
    spec = {"params": d["params"], "x": d["x"], "y": d["y"], "l2": d["network"]["l2"]}
    out = run(backstep, 2, mnist, spec, 0.1, failures)
    if not out:
        return
    refs = {n["ref"]: n["value"] for e in out["equations"] for n in e["numbers"]}
    for ref, want in (("n0", 784), ("n1", 200), ("n2", 100), ("K", 10), ("B", 32)):
        if refs.get(ref) != want:
            failures.append("full size: %s = %r, expected %r" % (ref, refs.get(ref), want))
    for ref in ("W1[783,199]", "x[0,783]", "z1[0,199]", "pgW1[0,783,199]", "pgW1[31,783,199]",
                "sumW1[783,199]", "dW1[783,199]", "gW1[783,199]", "dz3[31,9]", "da1[31,199]",
                "LCE[31]", "dzdW1_199[0,783,199]", "Jsig1[0,199,199]", "J[0,9,9]"):
        if ref not in refs:
            failures.append("full size: %s is not shown" % ref)
    for ref in ("W1[3,0]", "pgW1[3,0,0]", "LCE[3]", "dzdW1_3[0,0,3]"):
        if ref in refs:
            failures.append("full size: %s is shown, though it lies in the part left out" % ref)
    most = max(len(e["numbers"]) for e in out["equations"])
    if most > 6 * 49 + 2:
        failures.append("full size: an equation shows %d numbers" % most)


def main():
    backstep, root = sys.argv[1], sys.argv[2]
    failures = []
    outs = {}
    for handout, name in ((0, "000-2-3-2-mse.json"), (1, "4-3-2-1-bce.json"),
                          (2, "002-4-3-3-3-softmax-ce-l2.json")):
        with open(os.path.join(root, "specs", name)) as f:
            spec = json.load(f)
        outs[handout] = run(backstep, handout, None, spec, 0.1, failures)
    rng = np.random.default_rng(7)
    others = [
        (1, {"convention": "row", "layers": [3, 4, 2, 1], "activations": ["sigmoid"] * 3,
             "loss": "bce", "y": [0]}),
        (1, {"convention": "column", "layers": [2, 2, 3, 1], "activations": ["sigmoid"] * 3,
             "loss": "bce", "y": [1]}),
        # layers of more than 8: their first and last 3 neurons, inputs and terms
        (1, {"convention": "row", "layers": [20, 12, 10, 1], "activations": ["sigmoid"] * 3,
             "loss": "bce", "y": [1]}),
        (0, {"convention": "column", "layers": [3, 4, 2], "activations": ["tanh", "identity"],
             "loss": "mse", "y": [0.5, -1]}),
        (0, {"convention": "row", "layers": [2, 2, 3], "activations": ["sigmoid", "sigmoid"],
             "loss": "mse", "y": [1, 0, 1]}),
        # layers of more than 8: the figure and the matrices by their ends
        (0, {"convention": "column", "layers": [12, 20, 10], "activations": ["sigmoid", "sigmoid"],
             "loss": "mse", "y": [0.5] * 10}),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        # handout 002 on other sizes, batches and penalties; the last with a
        # batch and layers of more than 8, shown by their ends
        for k, (sizes, B, lam) in enumerate((([3, 4, 2, 4], 2, 0.05), ([2, 3, 5, 2], 4, 0.0),
                                             ([11, 9, 4, 10], 9, 0.02))):
            spec = {"convention": "row", "layers": sizes,
                    "activations": ["sigmoid", "sigmoid", "softmax"], "loss": "cross_entropy",
                    "batch_reduction": "mean", "l2": lam, "params": {}}
            for n in range(1, 4):
                spec["params"]["W%d" % n] = np.round(rng.uniform(-1, 1, (sizes[n - 1], sizes[n])), 2).tolist()
                spec["params"]["b%d" % n] = np.round(rng.uniform(-0.5, 0.5, sizes[n]), 2).tolist()
            spec["x"] = np.round(rng.uniform(-1, 1, (B, sizes[0])), 2).tolist()
            spec["labels"] = [int(c) for c in rng.integers(0, sizes[3], B)]
            path = os.path.join(tmp, "spec002_%d.json" % k)
            with open(path, "w") as f:
                json.dump(spec, f)
            run(backstep, 2, path, spec, 0.1, failures)
        for k, (handout, spec) in enumerate(others):
            sizes = spec["layers"]
            col = spec["convention"] == "column"
            spec["params"] = {}
            for n in range(1, len(sizes)):
                shape = (sizes[n], sizes[n - 1]) if col else (sizes[n - 1], sizes[n])
                spec["params"]["W%d" % n] = np.round(rng.uniform(-1, 1, shape), 2).tolist()
                spec["params"]["b%d" % n] = np.round(rng.uniform(-0.5, 0.5, sizes[n]), 2).tolist()
            spec["x"] = np.round(rng.uniform(-1, 1, sizes[0]), 2).tolist()
            path = os.path.join(tmp, "spec%d.json" % k)
            with open(path, "w") as f:
                json.dump(spec, f)
            run(backstep, handout, path, spec, 0.25, failures)
    full_size(backstep, root, failures)
    if outs.get(0) and outs.get(1) and outs.get(2):
        coverage(root, outs, failures)
    for f in failures:
        print("FAIL " + f)
    print("%d failures" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
