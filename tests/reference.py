#!/usr/bin/env python3
"""Independent reference test for backstep.

usage: python3 tests/reference.py BACKSTEP SPEC...

For every SPEC this runs `BACKSTEP trace SPEC --format json` twice (the
default central-difference check and `--method complex`), takes from the
output only the numbers that were actually used (params, x, y: these may
have been drawn by backstep's own generator, which is deliberately not
reimplemented here) and recomputes everything else with a plain,
element-by-element implementation written from the handouts rather than
from the C code:

  * the network configuration (convention, layers, activations, loss,
    batch reduction, l2) is read from the spec file itself and compared with
    backstep's "network" object; explicit spec params / x / y / labels are
    compared with the numbers backstep reports using;
  * forward pass per example: z_q[n,i] = b_q[n] + sum_p a_p[n-1,i] W_pq[n];
  * loss L = r * sum_i l_i + lambda * sum_n ||W[n]||_F^2, r = 1/B (mean) or 1;
  * backward pass per example, each element an explicit chain-rule sum
    (handout 001 style):
      dL/da_j[L,i]  = r * dl_i/dyhat_j              (the 1/B enters here)
      dL/dz_j[n,i]  = f'(z_j[n,i]) * dL/da_j[n,i]   (elementwise f), or
                    = sum_k dL/da_k[L,i] * J_kj     (softmax, J built
                                                     explicitly as a matrix)
      dL/dW_pq[n]   = sum_i a_p[n-1,i] * dL/dz_q[n,i] + 2 lambda W_pq[n]
      dL/db_q[n]    = sum_i dL/dz_q[n,i]
      dL/da_p[n-1,i]= sum_q W_pq[n] * dL/dz_q[n,i]
    All sums use math.fsum (correctly rounded), so the reference is at least
    as accurate as backstep's plain accumulation.

Every element is compared with |ref - got| <= 1e-12 * max(1, |ref|).
The MNIST-sized spec (784-200-100-10, B = 32) is small enough for this pure
Python implementation (a few seconds), so every element of every step is
compared there too; no subsampling is done.

Further checks on backstep's own numbers:
  * closed forms: for sigmoid+bce and softmax+cross_entropy outputs (and
    identity+mse), g[Lz] == r * (yhat - y) using backstep's a[L] and y;
  * every backward step "passed" is true, "failed" is 0, the overall
    "check" verdict is "pass"/passed true and its method is the one asked for;
  * every backward step's "numeric" has the step's shape, and each non-null
    element n agrees with the analytic value a within the documented
    tolerance: |a - n| <= atol  or  |a - n| / max(|a|, |n|) <= rtol
    (rtol/atol taken from the "check" object); the count of non-null
    elements equals "compared";
  * the steps appear in the order a[0], y, z[1], a[1], ..., a[L], L, then
    g[La], g[Lz], g[LW], g[Lb], g[(L-1)a], ..., g[1b], with the expected
    quantity, layer and displayed shape.

One line is printed for every failed comparison (spec, step, element,
expected, got) and the last line is exactly `N passed, M failed`, where each
(spec, method, check category) counts once.  Exit status 1 if anything
failed, 0 otherwise.

For testing the test: if the environment variable BACKSTEP_REFERENCE_CORRUPT
is set to "STEP_ID,ROW,COL,DELTA" (1-based ROW/COL in the displayed
orientation, e.g. "g[1W],2,3,1e-9"), that element of the parsed JSON
("analytic" of a backward step, "values" of a forward step, plus the
matching "forward" entry) is shifted by DELTA before checking, to confirm
the comparison catches it.
"""

import json
import math
import os
import subprocess
import sys
import time

TOL = 1e-12
LEAKY_SLOPE = 0.01
MAX_REPORT = 20  # failure lines printed per (spec, method, category)

fsum = math.fsum


# ----------------------------------------------------------------------------
# bookkeeping


class Results:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def category(self, label):
        return Category(self, label)


class Category:
    """One (spec, method, check category): passes iff no failure recorded."""

    def __init__(self, results, label):
        self.results = results
        self.label = label
        self.nfail = 0

    def fail(self, where, element, expected, got):
        self.nfail += 1
        if self.nfail <= MAX_REPORT:
            print("FAIL %s: %s %s expected %r got %r"
                  % (self.label, where, element, expected, got))
        elif self.nfail == MAX_REPORT + 1:
            print("FAIL %s: ... (further failures in this category not shown)"
                  % self.label)

    def close(self):
        if self.nfail:
            self.results.failed += 1
        else:
            self.results.passed += 1


def close_enough(ref, got):
    if not isinstance(got, (int, float)) or isinstance(got, bool):
        return False
    if not (math.isfinite(ref) and math.isfinite(got)):
        return ref == got
    return abs(ref - got) <= TOL * max(1.0, abs(ref))


def compare_matrix(cat, where, ref, got):
    """ref: list of rows (displayed orientation); got: JSON matrix."""
    if not isinstance(got, list) or len(got) != len(ref) or any(
            not isinstance(g, list) or len(g) != len(r)
            for r, g in zip(ref, got)):
        cat.fail(where, "shape", shape_of(ref), shape_of(got))
        return
    for i, (rr, gr) in enumerate(zip(ref, got)):
        for j, (r, g) in enumerate(zip(rr, gr)):
            if not close_enough(r, g):
                cat.fail(where, "[%d,%d]" % (i + 1, j + 1), r, g)


def compare_scalar(cat, where, ref, got):
    if not close_enough(ref, got):
        cat.fail(where, "value", ref, got)


def shape_of(m):
    if not isinstance(m, list):
        return None
    return [len(m), len(m[0]) if m and isinstance(m[0], list) else 0]


def flatten(v):
    if isinstance(v, list):
        return [t for e in v for t in flatten(e)]
    return [float(v)]


def transpose(m):
    return [list(c) for c in zip(*m)]


# ----------------------------------------------------------------------------
# the spec (configuration only)


def read_config(spec_path):
    with open(spec_path) as f:
        spec = json.load(f)
    layers = [int(n) for n in spec["layers"]]
    L = len(layers) - 1
    acts = spec["activations"]
    if isinstance(acts, str):
        acts = [acts] * L
    return {
        "spec": spec,
        "convention": spec.get("convention", "row"),
        "layers": layers,
        "activations": list(acts),
        "loss": spec["loss"],
        "batch_reduction": spec.get("batch_reduction", "mean"),
        "l2": float(spec.get("l2", 0.0)),
    }


def spec_examples(v, width):
    """x or y of a spec as a list of examples (one flat list = one example,
    except a flat list of scalars for a 1-wide layer = one per example)."""
    if not isinstance(v, list):          # a bare number (width 1 only)
        return [[float(v)]]
    if v and all(isinstance(e, list) for e in v):
        return [[float(t) for t in e] for e in v]
    if width == 1 and len(v) != 1:
        return [[float(t)] for t in v]
    return [[float(t) for t in v]]


# ----------------------------------------------------------------------------
# activations (per example vector) and their derivatives


def act_forward(name, z):
    if name == "sigmoid":
        out = []
        for t in z:
            if t >= 0:
                out.append(1.0 / (1.0 + math.exp(-t)))
            else:
                e = math.exp(t)
                out.append(e / (1.0 + e))
        return out
    if name == "tanh":
        return [math.tanh(t) for t in z]
    if name == "relu":
        return [t if t > 0 else 0.0 for t in z]
    if name == "leaky_relu":
        return [t if t > 0 else LEAKY_SLOPE * t for t in z]
    if name == "identity":
        return list(z)
    if name == "softmax":
        m = max(z)
        e = [math.exp(t - m) for t in z]
        s = fsum(e)
        return [t / s for t in e]
    raise ValueError("unknown activation " + name)


def act_derivative(name, z, a):
    """f'(z) elementwise (not for softmax)."""
    if name == "sigmoid":
        return [s * (1.0 - s) for s in a]
    if name == "tanh":
        return [1.0 - s * s for s in a]
    if name == "relu":
        return [1.0 if t > 0 else 0.0 for t in z]
    if name == "leaky_relu":
        return [1.0 if t > 0 else LEAKY_SLOPE for t in z]
    if name == "identity":
        return [1.0] * len(z)
    raise ValueError("no elementwise derivative for " + name)


def softmax_jacobian(s):
    """J_kj = d s_k / d z_j = s_k (delta_kj - s_j), as an explicit matrix."""
    n = len(s)
    return [[s[k] * ((1.0 if k == j else 0.0) - s[j]) for j in range(n)]
            for k in range(n)]


# ----------------------------------------------------------------------------
# losses per example and dl/dyhat


def loss_value(name, yhat, y):
    if name == "mse":
        return 0.5 * fsum((yj - aj) ** 2 for aj, yj in zip(yhat, y))
    if name == "bce":
        terms = []
        for aj, yj in zip(yhat, y):
            if yj != 0.0:
                terms.append(yj * math.log(aj))
            if yj != 1.0:
                terms.append((1.0 - yj) * math.log(1.0 - aj))
        return -fsum(terms)
    if name == "cross_entropy":
        return -fsum(yj * math.log(aj) for aj, yj in zip(yhat, y) if yj != 0.0)
    raise ValueError("unknown loss " + name)


def loss_gradient(name, yhat, y):
    if name == "mse":
        return [aj - yj for aj, yj in zip(yhat, y)]
    if name == "bce":
        out = []
        for aj, yj in zip(yhat, y):
            g = 0.0
            if yj != 0.0:
                g -= yj / aj
            if yj != 1.0:
                g += (1.0 - yj) / (1.0 - aj)
            out.append(g)
        return out
    if name == "cross_entropy":
        return [-(yj / aj) if yj != 0.0 else 0.0 for aj, yj in zip(yhat, y)]
    raise ValueError("unknown loss " + name)


# ----------------------------------------------------------------------------
# the reference computation, in "math" orientation:
#   A[n][i]  = activations of layer n for example i (list of n_n numbers)
#   W[n][p][q] = weight from unit p of layer n-1 to unit q of layer n
#   b[n][q]


def reference(cfg, W, b, X, Y):
    layers = cfg["layers"]
    L = len(layers) - 1
    acts = cfg["activations"]
    B = len(X)
    r = 1.0 / B if cfg["batch_reduction"] == "mean" else 1.0
    lam = cfg["l2"]

    # forward
    A = {0: [list(x) for x in X]}
    Z = {}
    for n in range(1, L + 1):
        cols = transpose(W[n])  # cols[q][p] = W_pq
        Z[n] = []
        A[n] = []
        for i in range(B):
            a_prev = A[n - 1][i]
            z = [fsum([b[n][q]] + list(map(float.__mul__, a_prev, cols[q])))
                 for q in range(layers[n])]
            Z[n].append(z)
            A[n].append(act_forward(acts[n - 1], z))

    data_loss = r * fsum(loss_value(cfg["loss"], A[L][i], Y[i])
                         for i in range(B))
    penalty = lam * fsum(w * w for n in range(1, L + 1)
                         for row in W[n] for w in row)
    loss = data_loss + penalty

    # backward
    gA, gZ, gW, gB = {}, {}, {}, {}
    gA[L] = [[r * g for g in loss_gradient(cfg["loss"], A[L][i], Y[i])]
             for i in range(B)]
    for n in range(L, 0, -1):
        name = acts[n - 1]
        gZ[n] = []
        for i in range(B):
            if name == "softmax":
                J = softmax_jacobian(A[n][i])
                ga = gA[n][i]
                gZ[n].append([fsum(ga[k] * J[k][j] for k in range(len(ga)))
                              for j in range(len(ga))])
            else:
                d = act_derivative(name, Z[n][i], A[n][i])
                gZ[n].append([dj * gj for dj, gj in zip(d, gA[n][i])])
        # dL/dW_pq = sum_i a_p[n-1,i] dL/dz_q[n,i] + 2 lambda W_pq
        a_cols = transpose(A[n - 1])   # a_cols[p][i]
        gz_cols = transpose(gZ[n])     # gz_cols[q][i]
        gW[n] = [[fsum(list(map(float.__mul__, a_cols[p], gz_cols[q]))
                       + [2.0 * lam * W[n][p][q]])
                  for q in range(layers[n])]
                 for p in range(layers[n - 1])]
        gB[n] = [fsum(gz_cols[q]) for q in range(layers[n])]
        if n > 1:
            gA[n - 1] = [[fsum(list(map(float.__mul__, W[n][p], gZ[n][i])))
                          for p in range(layers[n - 1])]
                         for i in range(B)]
    return {"A": A, "Z": Z, "loss": loss, "data_loss": data_loss,
            "penalty": penalty, "gA": gA, "gZ": gZ, "gW": gW, "gB": gB,
            "r": r}


# ----------------------------------------------------------------------------
# displayed orientation


def disp_act(cfg, per_example):
    """B x n (row) or n x B (column)."""
    m = [list(e) for e in per_example]
    return m if cfg["convention"] == "row" else transpose(m)


def disp_W(cfg, w):
    """n_{n-1} x n_n (row) or n_n x n_{n-1} (column)."""
    return [list(r) for r in w] if cfg["convention"] == "row" else transpose(w)


def disp_b(cfg, v):
    return [list(v)] if cfg["convention"] == "row" else [[t] for t in v]


def expected_steps(cfg, B):
    layers = cfg["layers"]
    L = len(layers) - 1
    row = cfg["convention"] == "row"

    def act_shape(n):
        return [B, layers[n]] if row else [layers[n], B]

    fwd = [("a[0]", "forward", "a", 0, act_shape(0)),
           ("y", "forward", "y", 0, act_shape(L))]
    for n in range(1, L + 1):
        fwd.append(("z[%d]" % n, "forward", "z", n, act_shape(n)))
        fwd.append(("a[%d]" % n, "forward", "a", n, act_shape(n)))
    fwd.append(("L", "loss", "loss", 0, [1, 1]))
    bwd = []
    for n in range(L, 0, -1):
        w_shape = [layers[n - 1], layers[n]] if row else [layers[n], layers[n - 1]]
        b_shape = [1, layers[n]] if row else [layers[n], 1]
        bwd.append(("g[%da]" % n, "backward", "a", n, act_shape(n)))
        bwd.append(("g[%dz]" % n, "backward", "z", n, act_shape(n)))
        bwd.append(("g[%dW]" % n, "backward", "W", n, w_shape))
        bwd.append(("g[%db]" % n, "backward", "b", n, b_shape))
    return fwd + bwd


# ----------------------------------------------------------------------------
# one spec, one method


def run_backstep(backstep, spec_path, method):
    cmd = [backstep, "trace", spec_path, "--format", "json"]
    if method != "central":
        cmd += ["--method", method]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace")


def corrupt(doc):
    spec = os.environ.get("BACKSTEP_REFERENCE_CORRUPT")
    if not spec:
        return
    sid, row, col, delta = spec.split(",")
    row, col, delta = int(row) - 1, int(col) - 1, float(delta)
    targets = []
    for s in doc.get("steps", []):
        if s.get("id") == sid:
            targets.append(s["analytic" if s.get("kind") == "backward"
                             else "values"])
    fw = doc.get("forward", {})
    if sid in fw:   # forward values appear twice; shift the "forward" copy too
        targets.append(fw[sid])
    if not targets:
        sys.exit("BACKSTEP_REFERENCE_CORRUPT: no step %s" % sid)
    for m in targets:
        if not (0 <= row < len(m) and 0 <= col < len(m[row])):
            sys.exit("BACKSTEP_REFERENCE_CORRUPT: %s has no element [%d,%d]"
                     % (sid, row + 1, col + 1))
        m[row][col] += delta


def check_one(results, backstep, spec_path, method):
    tag = "%s [%s]" % (spec_path, method)
    cats = {}

    def cat(name):
        if name not in cats:
            cats[name] = results.category("%s %s" % (tag, name))
        return cats[name]

    rc, out, err = run_backstep(backstep, spec_path, method)
    run_cat = cat("run")
    if rc != 0:
        run_cat.fail("backstep", "exit status", 0, rc)
        if err.strip():
            print("  stderr: " + err.strip().splitlines()[-1])
    try:
        doc = json.loads(out)
    except ValueError as e:
        run_cat.fail("backstep", "json", "valid JSON", str(e))
        run_cat.close()
        return
    corrupt(doc)

    try:
        _check_doc(doc, spec_path, method, cat)
    except Exception as e:  # a malformed document is a failure, not a crash
        cat("structure").fail("document", "exception", "well-formed output",
                              "%s: %s" % (type(e).__name__, e))
    for c in cats.values():
        c.close()


_REFERENCE_CACHE = {}


def _check_doc(doc, spec_path, method, cat):
    cfg = read_config(spec_path)
    layers = cfg["layers"]
    L = len(layers) - 1
    row = cfg["convention"] == "row"

    # -- network configuration -----------------------------------------------
    c = cat("network")
    net = doc["network"]
    for key in ("convention", "layers", "activations", "loss",
                "batch_reduction"):
        if net.get(key) != cfg[key]:
            c.fail("network", key, cfg[key], net.get(key))
    compare_scalar(c, "network", cfg["l2"], net.get("l2"))

    # -- the numbers used: params, x, y (taken from backstep's output) --------
    P = doc["params"]
    W, b = {}, {}
    for n in range(1, L + 1):
        wd = [[float(t) for t in r] for r in P["W%d" % n]]
        W[n] = wd if row else transpose(wd)   # math orientation p x q
        b[n] = [float(t) for t in P["b%d" % n]]
        want = [layers[n - 1], layers[n]]
        if [len(W[n]), len(W[n][0])] != want or len(b[n]) != layers[n]:
            c.fail("params", "W%d/b%d shape" % (n, n), want,
                   [len(W[n]), len(W[n][0]), len(b[n])])
    X = [[float(t) for t in e] for e in doc["x"]]
    Y = [[float(t) for t in e] for e in doc["y"]]
    B = len(X)
    if len(Y) != B or net.get("batch_size") != B:
        c.fail("network", "batch_size", B, [net.get("batch_size"), len(Y)])
    if any(len(e) != layers[0] for e in X) or any(len(e) != layers[-1] for e in Y):
        c.fail("x/y", "widths", [layers[0], layers[-1]], "other")
    spec = cfg["spec"]
    if "params" in spec:   # explicit parameters: reported exactly as given
        for n in range(1, L + 1):
            compare_matrix(c, "params W%d vs spec" % n,
                           [[float(t) for t in r] for r in spec["params"]["W%d" % n]],
                           P["W%d" % n])
            compare_matrix(c, "params b%d vs spec" % n,
                           [flatten(spec["params"]["b%d" % n])],
                           [P["b%d" % n]])
    if "x" in spec:
        compare_matrix(c, "x vs spec", spec_examples(spec["x"], layers[0]),
                       doc["x"])
    if "labels" in spec:
        onehot = [[1.0 if j == int(k) else 0.0 for j in range(layers[-1])]
                  for k in spec["labels"]]
        compare_matrix(c, "y vs spec labels", onehot, doc["y"])
    elif "y" in spec:
        compare_matrix(c, "y vs spec", spec_examples(spec["y"], layers[-1]),
                       doc["y"])

    # the central and complex runs of a spec use the same numbers: the
    # reference is worked once for them (the MNIST spec's takes seconds)
    key = (spec_path, json.dumps([W, b, X, Y]))
    ref = _REFERENCE_CACHE.get(key)
    if ref is None:
        ref = reference(cfg, W, b, X, Y)
        _REFERENCE_CACHE.clear()
        _REFERENCE_CACHE[key] = ref

    # -- step order, kinds, quantities, layers, shapes ------------------------
    c = cat("order")
    steps = doc["steps"]
    exp = expected_steps(cfg, B)
    got_ids = [s.get("id") for s in steps]
    if got_ids != [e[0] for e in exp]:
        c.fail("steps", "ids", [e[0] for e in exp], got_ids)
    by_id = {s.get("id"): s for s in steps}
    for sid, kind, qty, layer, shape in exp:
        s = by_id.get(sid)
        if s is None:
            continue
        got = (s.get("kind"), s.get("quantity"), s.get("layer"), s.get("shape"))
        if got != (kind, qty, layer, shape):
            c.fail(sid, "kind/quantity/layer/shape", (kind, qty, layer, shape),
                   got)

    # -- forward values ------------------------------------------------------
    c = cat("forward")
    fwd_ref = {"a[0]": disp_act(cfg, X), "y": disp_act(cfg, Y)}
    for n in range(1, L + 1):
        fwd_ref["z[%d]" % n] = disp_act(cfg, ref["Z"][n])
        fwd_ref["a[%d]" % n] = disp_act(cfg, ref["A"][n])
    fwd_obj = doc["forward"]
    for sid, m in fwd_ref.items():
        compare_matrix(c, "forward." + sid, m, fwd_obj.get(sid))
        if sid in by_id:
            compare_matrix(c, sid + ".values", m, by_id[sid].get("values"))

    # -- loss ----------------------------------------------------------------
    c = cat("loss")
    compare_scalar(c, "loss", ref["loss"], doc.get("loss"))
    compare_scalar(c, "data_loss", ref["data_loss"], doc.get("data_loss"))
    compare_scalar(c, "penalty", ref["penalty"], doc.get("penalty"))
    compare_matrix(c, "forward.L", [[ref["loss"]]], fwd_obj.get("L"))
    if "L" in by_id:
        compare_matrix(c, "L.values", [[ref["loss"]]], by_id["L"].get("values"))

    # -- analytic gradients --------------------------------------------------
    c = cat("gradients")
    for n in range(L, 0, -1):
        want = {
            "g[%da]" % n: disp_act(cfg, ref["gA"][n]),
            "g[%dz]" % n: disp_act(cfg, ref["gZ"][n]),
            "g[%dW]" % n: disp_W(cfg, ref["gW"][n]),
            "g[%db]" % n: disp_b(cfg, ref["gB"][n]),
        }
        for sid, m in want.items():
            s = by_id.get(sid)
            if s is None:
                c.fail(sid, "step", "present", "missing")
                continue
            compare_matrix(c, sid + ".analytic", m, s.get("analytic"))

    # -- closed forms from backstep's own numbers -----------------------------
    out_act, loss_name = cfg["activations"][-1], cfg["loss"]
    if (out_act, loss_name) in (("sigmoid", "bce"),
                                ("softmax", "cross_entropy"),
                                ("identity", "mse")):
        c = cat("closed_form")
        yhat = fwd_obj["a[%d]" % L]
        yy = fwd_obj["y"]
        r = ref["r"]
        closed = [[r * (a - t) for a, t in zip(ra, ry)]
                  for ra, ry in zip(yhat, yy)]
        s = by_id.get("g[%dz]" % L, {})
        compare_matrix(c, "g[%dz] vs r(yhat - y)" % L, closed, s.get("analytic"))

    # -- verdicts ------------------------------------------------------------
    c = cat("verdict")
    chk = doc["check"]
    if chk.get("method") != method:
        c.fail("check", "method", method, chk.get("method"))
    if chk.get("verdict") != "pass":
        c.fail("check", "verdict", "pass", chk.get("verdict"))
    if chk.get("passed") is not True:
        c.fail("check", "passed", True, chk.get("passed"))
    if chk.get("failed") != 0:
        c.fail("check", "failed", 0, chk.get("failed"))
    for s in steps:
        if s.get("finite") is not True:
            c.fail(s.get("id"), "finite", True, s.get("finite"))
        if s.get("kind") != "backward":
            continue
        if s.get("passed") is not True:
            c.fail(s.get("id"), "passed", True, s.get("passed"))
        if s.get("failed") != 0:
            c.fail(s.get("id"), "failed", 0, s.get("failed"))

    # -- numeric gradients within the documented tolerance ---------------------
    c = cat("numeric")
    rtol, atol = float(chk["rtol"]), float(chk["atol"])
    total_compared = 0
    for s in steps:
        if s.get("kind") != "backward":
            continue
        sid = s.get("id")
        an, nu = s.get("analytic"), s.get("numeric")
        if shape_of(nu) != s.get("shape") or shape_of(an) != s.get("shape"):
            c.fail(sid, "numeric shape", s.get("shape"), shape_of(nu))
            continue
        ncmp = 0
        for i, (ra, rn) in enumerate(zip(an, nu)):
            for j, (a, v) in enumerate(zip(ra, rn)):
                if v is None:
                    continue
                ncmp += 1
                d = abs(a - v)
                m = max(abs(a), abs(v))
                rel = 0.0 if m == 0.0 else d / m
                if not (d <= atol or rel <= rtol):
                    c.fail(sid + ".numeric", "[%d,%d]" % (i + 1, j + 1), a, v)
        if ncmp != s.get("compared"):
            c.fail(sid, "compared", ncmp, s.get("compared"))
        total_compared += ncmp
    if total_compared != chk.get("compared"):
        c.fail("check", "compared", total_compared, chk.get("compared"))


def main(argv):
    if len(argv) < 3:
        sys.stderr.write("usage: python3 tests/reference.py BACKSTEP SPEC...\n")
        return 2
    backstep, specs = argv[1], argv[2:]
    results = Results()
    for spec_path in specs:
        t0 = time.time()
        for method in ("central", "complex"):
            check_one(results, backstep, spec_path, method)
        sys.stderr.write("%s: %.2f s\n" % (spec_path, time.time() - t0))
    print("%d passed, %d failed" % (results.passed, results.failed))
    return 1 if results.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
