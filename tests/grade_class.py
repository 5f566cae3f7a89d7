#!/usr/bin/env python3
"""A simulated class, graded: backstep exercise, then backstep grade.

usage: python3 tests/grade_class.py BACKSTEP

Two exercise sets are written with `backstep exercise`: 4-3-2-1-bce (three
sigmoid layers, twelve asked steps, a g[1a] whose two terms nearly cancel)
and 4-5-3-softmax-ce-l2 (a batch of four, softmax with cross-entropy, L2:
handout 002's network).  Each student's answers are worked out here, with
NumPy, from the student's DIR/<id>/spec.json alone (backstep's numbers are
never read), the way a student works by hand: the forward pass and every
backward step rounded to 3 significant digits, as the sheet asks, and each
rounded value carried into the next step.  Then:

  * students who round to 3 digits and carry must get every step right;
  * so must those who work g[3z] as handout 001's product g_o'(z[3]) ∘ g[3a]
    from their rounded g[3a], not as the shortcut a[3] − y;
  * a student who makes one catalogue mistake at one step and carries the
    wrong value on loses exactly that step, named with the catalogue key
    that `backstep compare` uses (sign flipped, derivative left out, taken
    at a, the activation for its derivative, transpose, bias not summed, the
    L2 term missing or λW, handout 002's dW2 = B·a1ᵀdz2 + 2λW2);
  * the same with --policy strict: every step computed from the wrong one is
    wrong too, each named with the mistake where the error entered (the
    student who left out 1/B: all eight steps named no-1/B);
  * a student who slips at one step and works the steps below it from the
    right value loses that step alone, under either policy;
  * a submission with garbage fields (an extra key, a comment key, numbers
    written as strings, a flat list of 6 for a 3×2 step, a key left out) is
    graded: the flat list is malformed, the key left out missing, the rest
    right; nothing voids it;
  * the gradebook parses as CSV, one row per roster student, the policy in
    the last column.

The expected values come from this file's NumPy chain and the handouts'
formulas (handout 001: g[La] = r ∂ℓ/∂ŷ, g[nz] = f'(z) ∘ g[na], g[nW] =
a[n−1]ᵀ g[nz] + 2λW, g[nb] = Σ_i g[nz]_i, g[(n−1)a] = g[nz] W[n]ᵀ; r (ŷ − y)
for the fused output pairs).
"""
import csv
import json
import math
import os
import subprocess
import sys
import tempfile

try:
    import numpy as np
except ImportError:
    print("SKIP: %s cannot import numpy (Debian's python3-numpy is not installed)" % sys.executable)
    sys.exit(77)

BACKSTEP = os.path.abspath(sys.argv[1])
FAILURES = []


def check(cond, what):
    if not cond:
        FAILURES.append(what)


def sig(v, n):
    """v rounded to n significant digits, element by element (half away from 0)."""
    def one(x):
        if x == 0 or not math.isfinite(x):
            return x
        e = math.floor(math.log10(abs(x)))
        q = 10.0 ** (n - 1 - e)
        return math.copysign(math.floor(abs(x) * q + 0.5) / q, x)
    return np.vectorize(one, otypes=[float])(np.asarray(v, dtype=float))


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def load(spec_path):
    with open(spec_path) as f:
        s = json.load(f)
    assert s["convention"] == "row"
    L = len(s["layers"]) - 1
    W = [None] + [np.array(s["params"]["W%d" % l], dtype=float) for l in range(1, L + 1)]
    b = [None] + [np.array(s["params"]["b%d" % l], dtype=float) for l in range(1, L + 1)]
    x = np.atleast_2d(np.array(s["x"], dtype=float))
    B = x.shape[0]
    K = s["layers"][-1]
    if "labels" in s:
        y = np.zeros((B, K))
        for i, c in enumerate(s["labels"]):
            y[i, c] = 1.0
    else:
        y = np.array(s["y"], dtype=float).reshape(B, K)
    return dict(L=L, W=W, b=b, x=x, y=y, B=B, acts=s["activations"], loss=s["loss"],
                r=1.0 / B if s.get("batch_reduction", "mean") == "mean" else 1.0,
                l2=float(s.get("l2", 0.0)))


def work(net, digits=None, slip=None, slips=None):
    """The asked steps as a student works them: every value rounded to
    `digits` significant digits (None: exact) and carried; `slip` is
    (step, kind): one catalogue mistake made at one step; `slips` a set of
    kinds made wherever they apply."""
    rnd = (lambda v: sig(v, digits)) if digits else (lambda v: np.asarray(v, dtype=float))
    slips = set(slips or ())
    L, W, bb, y, B, lam = net["L"], net["W"], net["b"], net["y"], net["B"], net["l2"]
    r = net["r"]
    a = [net["x"]]
    z = [None]
    for l in range(1, L + 1):
        z.append(rnd(a[l - 1] @ W[l] + bb[l]))
        f = sigmoid if net["acts"][l - 1] == "sigmoid" else softmax
        a.append(rnd(f(z[l])))
    out = {}

    def made(step, kind):
        return (slip == (step, kind)) or kind in slips

    ga = gz = None
    for l in range(L, 0, -1):
        rr = 1.0 if made("g[%da]" % l, "no-1/B") else r
        yh = a[L]
        if l == L:
            if net["loss"] == "bce":
                v = rr * (-y / yh + (1 - y) / (1 - yh))
            else:
                v = rr * (-y / yh)
        else:
            v = gz @ W[l + 1].T
        ga = v
        name = "g[%da]" % l
        if made(name, "sign"):
            ga = -ga
        ga = rnd(ga)
        out[name] = ga
        name = "g[%dz]" % l
        if l == L and made(name, "product-form") and net["acts"][L - 1] == "sigmoid":
            # handout 001's first form: g_o'(z) = a(1 − a) times the rounded g[3a]
            # carried, not the shortcut a − y; right, with g[3a]'s rounding in it
            v = a[L] * (1 - a[L]) * ga
        elif l == L:
            rz = 1.0 if made(name, "no-1/B") else r
            v = rz * (a[L] - y)  # sigmoid + bce, softmax + cross-entropy
        elif made(name, "no-derivative"):
            v = ga
        elif made(name, "derivative-at-a"):
            v = sigmoid(a[l]) * (1 - sigmoid(a[l])) * ga
        elif made(name, "activation-for-derivative"):
            v = a[l] * ga
        else:
            v = a[l] * (1 - a[l]) * ga
        if made(name, "sign"):
            v = -v
        gz = rnd(v)
        out[name] = gz
        name = "g[%dW]" % l
        data = a[l - 1].T @ gz
        if made(name, "handout-002"):
            v = B * data + 2 * lam * W[l]
        elif made(name, "l2-missing"):
            v = data
        elif made(name, "lambda-W"):
            v = data + lam * W[l]
        else:
            v = data + 2 * lam * W[l]
        if made(name, "sign"):
            v = -v
        v = rnd(v)
        if made(name, "arithmetic"):
            v = v.copy()
            v[0, 0] = rnd(v[0, 0] * 1.03)  # one product 3 % off, no catalogue mistake
        out[name] = v.T if made(name, "transpose") else v
        name = "g[%db]" % l
        v = gz if made(name, "bias-not-summed") else gz.sum(axis=0, keepdims=True)
        if made(name, "sign"):
            v = -v
        out[name] = rnd(v)
    return out


def as_json(v):
    v = np.asarray(v)
    if v.shape == (1, 1):
        return float(v[0, 0])
    if v.shape[0] == 1:
        return [float(t) for t in v[0]]
    return [[float(t) for t in row] for row in v]


def submit(path, sid, steps, edit=None):
    doc = {"id": sid, "claims": {k: as_json(v) for k, v in steps.items()}}
    if edit:
        edit(doc)
    with open(path, "w") as f:
        json.dump(doc, f)


def run(args, ok=(0, 1)):
    p = subprocess.run([BACKSTEP] + args, capture_output=True, text=True)
    if p.returncode not in ok:
        print("backstep %s: exit %d\n%s" % (" ".join(args), p.returncode, p.stderr))
        sys.exit(1)
    return p


def gradebook(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    head = rows[0]
    check(head[-1] == "policy", "%s: the last column is %r, not policy" % (path, head[-1]))
    for row in rows[1:]:
        check(len(row) == len(head), "%s: a row of %d fields under %d" % (path, len(row), len(head)))
    return head, {row[0]: dict(zip(head, row)) for row in rows[1:]}


def write_class(tmp, spec, steps, students, label):
    """Writes the exercise and the students' files; returns the directory and the files."""
    ex = os.path.join(tmp, label)
    roster = os.path.join(tmp, label + ".txt")
    with open(roster, "w") as f:
        f.write("\n".join(s[0] for s in students) + "\n")
    run(["exercise", spec, "--roster", roster, "-o", ex, "--seed", "2026", "--steps", steps],
        ok=(0,))
    ret = os.path.join(tmp, label + "-returned")
    os.makedirs(ret, exist_ok=True)
    files = []
    for sid, fn in students:
        net = load(os.path.join(ex, sid, "spec.json"))
        out = os.path.join(ret, sid + ".json")
        fn(net, out, sid)
        files.append(out)
    return ex, files


def grade(tmp, ex, files, policy, label):
    book = os.path.join(tmp, label + "-" + policy + ".csv")
    run(["grade", ex, "--policy", policy, "-o", book] + files)
    return gradebook(book)


def rounder(d):
    return lambda net, out, sid: submit(out, sid, work(net, d))


def slipper(step, kind):
    return lambda net, out, sid: submit(out, sid, work(net, 3, slip=(step, kind)))


def fixer(step, kind):
    """A slip at one step, the steps below it worked from the right value
    (the student set it right on the way, or copied): only that step is
    wrong, under either policy."""
    def f(net, out, sid):
        steps = work(net, 3)
        steps[step] = work(net, 3, slip=(step, kind))[step]
        submit(out, sid, steps)
    return f


def all_slips(kinds):
    return lambda net, out, sid: submit(out, sid, work(net, 3, slips=kinds))


def garbage(net, out, sid):
    def edit(doc):
        c = doc["claims"]
        c["g[9z]"] = [1, 2]                         # a key that is not an asked step
        c["$comment"] = "checked twice"             # a comment key
        doc["name"] = "Ann Example"                 # an extra key beside id and claims
        c["g[3z]"] = str(c["g[3z]"])                # a number written as a string
        c["g[2b]"] = [str(t) for t in c["g[2b]"]]   # a list of strings
        c["g[2W]"] = [t for row in c["g[2W]"] for t in row]  # a flat list of 6, 3×2 step
        del c["g[1b]"]                              # a key left out
    submit(out, sid, work(net, 3), edit)


A_STEPS = ("g[3a],g[3z],g[3W],g[3b],g[2a],g[2z],g[2W],g[2b],g[1a],g[1z],g[1W],g[1b]")
B_STEPS = "g[2a],g[2z],g[2W],g[2b],g[1a],g[1z],g[1W],g[1b]"
C_STEPS = "g[2W],g[2b],g[1W],g[1b]"


def main():
    with tempfile.TemporaryDirectory() as tmp:
        # --- 4-3-2-1-bce: twelve steps -----------------------------------
        a_slips = [("g[3z]", "sign"), ("g[2z]", "no-derivative"), ("g[1z]", "derivative-at-a"),
                   ("g[2z]", "activation-for-derivative"), ("g[2W]", "transpose"),
                   ("g[1a]", "sign"), ("g[3W]", "sign"), ("g[2W]", "arithmetic")]
        a_keys = {"no-derivative": "no-derivative", "derivative-at-a": "derivative-at-a",
                  "activation-for-derivative": "activation-for-derivative",
                  "transpose": "transpose", "sign": "sign", "arithmetic": None}
        students = [("r%02d" % i, rounder(3)) for i in range(20)]
        students += [("s%02d" % i, slipper(*sl)) for i, sl in enumerate(a_slips)]
        students += [("g00", garbage)]
        students += [("f00", fixer("g[2z]", "sign"))]
        students += [("d%02d" % i, rounder(2)) for i in range(10)]
        students += [("m%02d" % i, all_slips({"product-form"})) for i in range(20)]
        ex, files = write_class(tmp, "4-3-2-1-bce", A_STEPS, students, "a")
        for policy in ("carry", "strict"):
            head, rows = grade(tmp, ex, files, policy, "a")
            step_cols = A_STEPS.split(",")
            check(len(rows) == len(students), "a: %d rows for %d students" % (len(rows), len(students)))
            for sid, row in rows.items():
                check(row["policy"] == policy, "a %s: %s policy %r" % (policy, sid, row["policy"]))
            for i in range(20):
                row = rows["r%02d" % i]
                check(row["status"] == "graded" and row["score"] == "12/12",
                      "a %s: r%02d (3 digits, carried) scored %s: %s" %
                      (policy, i, row["score"], {k: row[k] for k in step_cols if row[k] != "right"}))
            # g[3z] worked as g_o'(z[3]) ∘ g[3a] from the rounded g[3a]
            # (handout 001's first form) is as right as the shortcut a − y
            for i in range(20):
                row = rows["m%02d" % i]
                check(row["status"] == "graded" and row["score"] == "12/12",
                      "a %s: m%02d (g[3z] as the product, 3 digits, carried) scored %s: %s" %
                      (policy, i, row["score"], {k: row[k] for k in step_cols if row[k] != "right"}))
            for i, (step, kind) in enumerate(a_slips):
                row = rows["s%02d" % i]
                wrong = {k: row[k] for k in step_cols if row[k] != "right"}
                cell = "wrong: " + a_keys[kind] if a_keys[kind] else "wrong"
                if policy == "carry":
                    check(wrong == {step: cell},
                          "a carry: s%02d (%s at %s, carried) got %s" % (i, kind, step, wrong))
                else:
                    check(wrong.get(step) == cell and all(v == cell for v in wrong.values()),
                          "a strict: s%02d (%s at %s) got %s" % (i, kind, step, wrong))
            # the sign slip at g[3z] carried: under strict every step below it is wrong
            if policy == "strict":
                row = rows["s00"]
                check(row["score"] == "1/12", "a strict: the sign slip at g[3z] scored %s, "
                      "expected 1/12 (g[3a] alone above it)" % row["score"])
            # two significant digits is not what the sheet asks: the bound does not
            # stretch to it (most of these students lose a step)
            short = sum(rows["d%02d" % i]["score"] != "12/12" for i in range(10))
            check(short >= 5, "a %s: only %d of 10 students rounding to 2 digits lost a step"
                  % (policy, short))
            # the true value is right under carry too, whatever the student's
            # own answer above it
            row = rows["f00"]
            wrong = {k: row[k] for k in step_cols if row[k] != "right"}
            check(wrong == {"g[2z]": "wrong: sign"},
                  "a %s: f00 (sign slip at g[2z], the rest from the right value) got %s"
                  % (policy, wrong))
            row = rows["g00"]
            cells = {k: row[k] for k in step_cols}
            expect = {k: "right" for k in step_cols}
            expect["g[2W]"] = "malformed"
            expect["g[1b]"] = "missing"
            check(row["status"] == "graded" and cells == expect,
                  "a %s: the garbage fields graded as %s %s" % (policy, row["status"], cells))
        # --- 4-5-3-softmax-ce-l2: a batch of 4, L2 ------------------------
        b_slips = [("g[2W]", "l2-missing"), ("g[1W]", "lambda-W"),
                   ("g[1b]", "bias-not-summed"), ("g[1z]", "no-derivative"),
                   ("g[2z]", "sign"), ("g[2z]", "no-1/B")]
        b_keys = {"l2-missing": "l2-missing", "lambda-W": "lambda-W",
                  "bias-not-summed": "bias-not-summed", "no-derivative": "no-derivative",
                  "sign": "sign", "no-1/B": "no-1/B"}
        students = [("q%02d" % i, rounder(3)) for i in range(20)]
        students += [("t%02d" % i, slipper(*sl)) for i, sl in enumerate(b_slips)]
        students += [("noinvb", all_slips({"no-1/B"}))]
        ex, files = write_class(tmp, "4-5-3-softmax-ce-l2", B_STEPS, students, "b")
        for policy in ("carry", "strict"):
            head, rows = grade(tmp, ex, files, policy, "b")
            step_cols = B_STEPS.split(",")
            check(len(rows) == len(students), "b: %d rows for %d students" % (len(rows), len(students)))
            for i in range(20):
                row = rows["q%02d" % i]
                check(row["status"] == "graded" and row["score"] == "8/8",
                      "b %s: q%02d (3 digits, carried) scored %s: %s" %
                      (policy, i, row["score"], {k: row[k] for k in step_cols if row[k] != "right"}))
            for i, (step, kind) in enumerate(b_slips):
                row = rows["t%02d" % i]
                wrong = {k: row[k] for k in step_cols if row[k] != "right"}
                if policy == "carry":
                    check(wrong == {step: "wrong: " + b_keys[kind]},
                          "b carry: t%02d (%s at %s, carried) got %s" % (i, kind, step, wrong))
                else:
                    check(wrong.get(step) == "wrong: " + b_keys[kind] and
                          all(v == "wrong: " + b_keys[kind] for v in wrong.values()),
                          "b strict: t%02d (%s at %s) got %s" % (i, kind, step, wrong))
            row = rows["noinvb"]
            wrong = {k: row[k] for k in step_cols if row[k] != "right"}
            if policy == "carry":
                # left out where it enters, g[2a] and g[2z] (each worked from ŷ), then carried
                check(wrong == {"g[2a]": "wrong: no-1/B", "g[2z]": "wrong: no-1/B"},
                      "b carry: 1/B left out everywhere got %s" % wrong)
            else:
                check(len(wrong) == 8 and all(v == "wrong: no-1/B" for v in wrong.values()),
                      "b strict: 1/B left out everywhere got %s" % wrong)
        # --- handout 002's program: the parameter gradients only ---------
        # dz2 = ŷ − y without the 1/B (not asked), so dW2 = B·a1ᵀdz2 + 2λW2 and
        # every gradient below is B times too large in its data term
        asked = C_STEPS.split(",")

        def params_only(slip=None):
            return lambda net, out, sid: submit(
                out, sid, {k: v for k, v in work(net, 3, slip=slip).items() if k in asked})
        students = [("p%02d" % i, params_only()) for i in range(5)]
        students += [("h002", params_only(("g[2z]", "no-1/B")))]
        ex, files = write_class(tmp, "4-5-3-softmax-ce-l2", C_STEPS, students, "c")
        for policy in ("carry", "strict"):
            head, rows = grade(tmp, ex, files, policy, "c")
            step_cols = C_STEPS.split(",")
            for i in range(5):
                row = rows["p%02d" % i]
                check(row["score"] == "4/4", "c %s: p%02d scored %s" % (policy, i, row["score"]))
            row = rows["h002"]
            wrong = {k: row[k] for k in step_cols if row[k] != "right"}
            if policy == "carry":
                check(wrong == {"g[2W]": "wrong: no-1/B"},
                      "c carry: handout 002's dW2 got %s" % wrong)
            else:
                check(wrong == {k: "wrong: no-1/B" for k in step_cols},
                      "c strict: handout 002's gradients got %s" % wrong)
    if FAILURES:
        for f in FAILURES:
            print("FAIL:", f)
        print("%d failure(s)" % len(FAILURES))
        sys.exit(1)
    print("grade_class: every check passed")


main()
