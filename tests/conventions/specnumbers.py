"""The spec's numbers as a student's program loads them, and its gradients
saved as `backstep compare` reads them (docs/compare.md, "Getting the same
numbers into your program")."""

import json
import subprocess
import sys

import numpy as np


def load(spec, backstep):
    """W[1..L], b[1..L] (row convention: W[n] is n[n-1] x n[n]), X (B x n0), Y (B x nL), l2."""
    out = subprocess.run([backstep, "trace", spec, "--format", "json"], check=True,
                         capture_output=True, text=True).stdout
    d = json.loads(out)
    L = len(d["network"]["layers"]) - 1
    W = [None] + [np.array(d["params"]["W%d" % l], dtype=float) for l in range(1, L + 1)]
    b = [None] + [np.array(d["params"]["b%d" % l], dtype=float).reshape(-1)
                  for l in range(1, L + 1)]
    X = np.array(d["x"], dtype=float)
    Y = np.array(d["y"], dtype=float).reshape(X.shape[0], -1)
    return W, b, X, Y, d["network"]["l2"]


def args():
    if len(sys.argv) != 4:
        sys.exit("usage: %s SPEC BACKSTEP OUT.json" % sys.argv[0])
    return sys.argv[1], sys.argv[2], sys.argv[3]


def save(path, grads):
    with open(path, "w") as f:
        json.dump({k: np.asarray(v).tolist() for k, v in grads.items()}, f)
