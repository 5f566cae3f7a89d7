#!/usr/bin/env python3
"""`trace --notation code` on a handout-002 network says, at each backward
step, what handout 002's own program holds under the same name.  The
expected values come from that program written here in NumPy, as the
handout's Notes 2-5 describe it (dz = yhat - y, dW = a.T @ dz + 2*lam*W,
db = dz.sum(0), da = dz @ W.T, no 1/B anywhere), on the spec's parameters
and batch as `trace --format npz` hands them to a student; only the
numbers it prints are taken from backstep.

usage: program_line_test.py BACKSTEP SPECS_DIR
"""
import json
import os
import re
import subprocess
import sys
import tempfile

import numpy as np

bs, specs = sys.argv[1], sys.argv[2]
failures = 0


def fail(msg):
    global failures
    failures += 1
    print("FAIL", msg)


def run(*args):
    return subprocess.run([bs, *args], capture_output=True, text=True)


def num(s):
    return float(s.replace("\u2212", "-"))


spec = os.path.join(specs, "4-5-3-softmax-ce-l2.json")
lam = json.load(open(spec))["l2"]
with tempfile.TemporaryDirectory() as tmp:
    npz = os.path.join(tmp, "net.npz")
    r = run("trace", spec, "--format", "npz", "-o", npz)
    if r.returncode != 0:
        sys.exit("trace --format npz failed: " + r.stderr)
    d = np.load(npz)
    W1, b1, W2, b2, X, Y = (d[k] for k in ("W1", "b1", "W2", "b2", "x", "y"))

# handout 002's program, the way its Notes 2-5 write it
a1 = 1 / (1 + np.exp(-(X @ W1 + b1)))
z2 = a1 @ W2 + b2
e = np.exp(z2 - z2.max(axis=1, keepdims=True))
yhat = e / e.sum(axis=1, keepdims=True)
dz2 = yhat - Y
dW2 = a1.T @ dz2 + 2 * lam * W2
db2 = dz2.sum(axis=0)
da1 = dz2 @ W2.T
dz1 = da1 * a1 * (1 - a1)
dW1 = X.T @ dz1 + 2 * lam * W1
db1 = dz1.sum(axis=0)
program = {"dz2": dz2[0, 0], "dW2": dW2[0, 0], "db2": db2[0], "da1": da1[0, 0],
           "dz1": dz1[0, 0], "dW1": dW1[0, 0], "db1": db1[0]}

for fmt in ("text", "markdown", "html", "latex"):
    r = run("trace", spec, "--notation", "code", "--format", fmt, "--precision", "9")
    if r.returncode != 0:
        fail(f"{fmt}: exit {r.returncode}: {r.stderr}")
        continue
    # the number as each format escapes it: dz2\[1,1\] (Markdown), dz2$[1,1] = -0.69$ (LaTeX)
    plain = r.stdout.replace("\\", "").replace("$", "")
    found = dict(re.findall(r"so there (d[zWbax]\d)\[1,1\] = ([\u2212\-0-9.e]+\d)", plain))
    if set(found) != set(program):
        fail(f"{fmt}: the program's values were named for {sorted(found)}, expected {sorted(program)}")
    for name, want in program.items():
        if name in found and abs(num(found[name]) - want) > 1e-8 * max(1.0, abs(want)):
            fail(f"{fmt}: {name}[1,1]: backstep says the program holds {found[name]}, "
                 f"the program computes {want!r}")

# only in the code notation, and only where the program differs
for args in (("trace", spec), ("trace", spec, "--notation", "partial"),
             ("trace", os.path.join(specs, "4-3-2-1-bce.json"), "--notation", "code"),
             ("trace", os.path.join(specs, "3-4-1-tanh-regression.json"), "--notation", "code")):
    r = run(*args)
    if "program holds" in r.stdout:
        fail(" ".join(args[1:]) + ": names handout 002's program where it does not apply")

print("program_line: %d failure(s)" % failures)
sys.exit(1 if failures else 0)
