#!/usr/bin/env python3
"""A student taking `backstep quiz` the way a student works by hand: the
forward values read off the quiz's opening (6 significant digits), and each
backward step rounded to 3 significant digits and carried into the next.

usage: python3 tests/quiz_rounding.py BACKSTEP SOURCE_ROOT

For twenty variants each of two sigmoid networks in the row convention
(handout 001's 4-3-2-1 with binary cross-entropy, and Mazur's 2-2-2 with
squared error), drawn by `backstep exercise`, the student's answers are
worked here with NumPy from the variant's spec.json alone: g[La] from the
rounded ŷ, g[nz] = a(1 − a) ∘ g[na] (the handout's product form, also at
the output), g[nW] = a[n−1]ᵀ g[nz], g[nb] = Σ_i g[nz]_i, g[(n−1)a] =
g[nz] W[n]ᵀ, each rounded.  Such a student makes no mistake, so the quiz
must give 12/12 (4-3-2-1) or 8/8 (2-2-2) at the first try.  Rounding drifts:
on some variants a carried answer lies past the quiz's tolerance from the
exact value, and only a quiz that judges it against the student's own
values above it gives full marks.  The same student leaving out the
derivative at g[2z] (a catalogue mistake) must be told that g[2z] is not
right, and lose the full score.

The same chain worked without rounding must equal the exact values of
`backstep trace --format json` (to 1e-9): that checks this file's model of
the network, not the quiz.
"""
import json
import os
import subprocess
import sys
import tempfile

try:
    import numpy as np
except ImportError:
    print("SKIP: %s cannot import numpy (Debian's python3-numpy is not installed)" % sys.executable)
    sys.exit(77)

BS = os.path.abspath(sys.argv[1])
ROOT = os.path.abspath(sys.argv[2])
FAILURES = []
ORDER = ["a", "z", "W", "b"]


def sig(v, d):
    v = np.asarray(v, dtype=float)
    return np.vectorize(lambda t: float("%.*g" % (d, t)))(v)


def work(spec, digits, slip=None):
    """The backward steps, each rounded to `digits` significant digits (None:
    exact) and carried; the forward values as the quiz shows them, to 6."""
    rnd = (lambda v: sig(v, digits)) if digits else (lambda v: np.asarray(v, dtype=float))
    fwd = (lambda v: sig(v, 6)) if digits else rnd
    W = {l: np.array(spec["params"]["W%d" % l], dtype=float) for l in range(1, 10)
         if "W%d" % l in spec["params"]}
    b = {l: np.array(spec["params"]["b%d" % l], dtype=float).reshape(1, -1) for l in W}
    L = len(W)
    x = np.atleast_2d(np.array(spec["x"], dtype=float))
    B = x.shape[0]
    y = np.array(spec["y"], dtype=float).reshape(B, -1)
    r = 1.0 / B if spec.get("batch_reduction", "mean") == "mean" else 1.0
    a = [x]
    for l in range(1, L + 1):
        z = fwd(a[l - 1] @ W[l] + b[l])
        a.append(fwd(1.0 / (1.0 + np.exp(-z))))
    yh = a[L]
    if spec["loss"] == "bce":
        ga = rnd(r * (yh - y) / (yh * (1 - yh)))
    else:  # mse: ½ Σ (ŷ − y)²
        ga = rnd(r * (yh - y))
    out = []
    for l in range(L, 0, -1):
        gz = rnd(ga if slip == "g[%dz]" % l else a[l] * (1 - a[l]) * ga)
        out += [("g[%da]" % l, ga), ("g[%dz]" % l, gz),
                ("g[%dW]" % l, rnd(a[l - 1].T @ gz)),
                ("g[%db]" % l, rnd(gz.sum(axis=0, keepdims=True)))]
        ga = rnd(gz @ W[l].T)
    return out


def line(v):
    return "; ".join(" ".join(repr(float(t)) for t in row) for row in np.atleast_2d(v))


def exact_values(path):
    p = subprocess.run([BS, "trace", path, "--format", "json", "--quiet"],
                       capture_output=True, text=True)
    doc = json.loads(p.stdout)
    vals = {}
    for st in doc["steps"]:
        vals[st["id"]] = np.array(st.get("analytic", st.get("values")), dtype=float)
    return vals


def verdict_at(text, name):
    """The start of the quiz's verdict on the first answer to `name`: the
    line after the echoed answer line "name = <numbers>"."""
    lines = text.splitlines()
    for k, t in enumerate(lines[:-1]):
        if t.startswith(name + " = ") and t[len(name) + 3:][:1] in "-0123456789.":
            return lines[k + 1][:len("✗ not right")]
    return None


def main():
    with tempfile.TemporaryDirectory() as tmp:
        for spec_name, steps in (("4-3-2-1-bce", 12), ("2-2-2-mazur-sigmoid-mse", 8)):
            roster = os.path.join(tmp, spec_name + ".txt")
            with open(roster, "w") as f:
                f.write("".join("s%02d\n" % i for i in range(20)))
            out = os.path.join(tmp, spec_name)
            p = subprocess.run([BS, "exercise", os.path.join(ROOT, "specs", spec_name + ".json"),
                                "--roster", roster, "-o", out, "--quiet"],
                               capture_output=True, text=True)
            if p.returncode != 0:
                FAILURES.append("%s: exercise exited %d: %s" % (spec_name, p.returncode, p.stderr))
                continue
            for i in range(20):
                path = os.path.join(out, "s%02d" % i, "spec.json")
                spec = json.load(open(path))
                exact = exact_values(path)
                for name, v in work(spec, None):
                    got = exact.get(name)
                    if got is None or got.size != v.size or \
                            not np.allclose(got.reshape(v.shape), v, rtol=1e-9, atol=1e-12):
                        FAILURES.append("%s s%02d: this file's %s %s is not backstep's %s"
                                        % (spec_name, i, name, v.tolist(), got))
                answers = "".join(line(v) + "\n" for _, v in work(spec, 3))
                q = subprocess.run([BS, "quiz", path], input=answers, capture_output=True,
                                   text=True)
                slipped = "".join(line(v) + "\n" for _, v in work(spec, 3, "g[2z]"))
                q2 = subprocess.run([BS, "quiz", path], input=slipped, capture_output=True,
                                    text=True)
                if verdict_at(q2.stdout, "g[2z]") != "✗ not right" or \
                        "score: %d/%d" % (steps, steps) in q2.stdout:
                    FAILURES.append("%s s%02d: g[2z] without the derivative was not caught"
                                    % (spec_name, i))
                want = "score: %d/%d steps right at the first try" % (steps, steps)
                if want not in q.stdout:
                    score = [t for t in q.stdout.splitlines() if t.startswith("score:")]
                    wrong = [t for t in q.stdout.splitlines() if "not right" in t]
                    FAILURES.append("%s s%02d (3 digits, carried): %s %s"
                                    % (spec_name, i, score, wrong[:2]))
    for f in FAILURES:
        print("FAIL: " + f)
    if FAILURES:
        print("%d failure(s)" % len(FAILURES))
        return 1
    print("quiz_rounding: every check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
