#!/usr/bin/python3
"""A penalty lambda * (||W||^2 + ||b||^2): the biases are penalised too, so
db = the spec's + 2 lambda b."""
import numpy as np
from specnumbers import load, args, save

spec, bs, out = args()
W, b, X, Y, lam = load(spec, bs)
N = X.shape[0]
h = np.maximum(0, X @ W[1] + b[1])
s = h @ W[2] + b[2]
p = np.exp(s - s.max(axis=1, keepdims=True))
p /= p.sum(axis=1, keepdims=True)
d2 = (p - Y) / N
d1 = (d2 @ W[2].T) * (h > 0)
save(out, {"dW2": h.T @ d2 + 2 * lam * W[2], "db2": d2.sum(axis=0) + 2 * lam * b[2],
           "dW1": X.T @ d1 + 2 * lam * W[1], "db1": d1.sum(axis=0) + 2 * lam * b[1]})
