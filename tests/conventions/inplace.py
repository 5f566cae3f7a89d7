#!/usr/bin/python3
"""The ReLU backward written in place: dz1 = da1 names the same array, so
masking dz1 masks da1 too, and the da1 saved is the masked one."""
import numpy as np
from specnumbers import load, args, save

spec, bs, out = args()
W, b, X, Y, reg = load(spec, bs)
N = X.shape[0]
z1 = X @ W[1] + b[1]
a1 = np.maximum(0, z1)
z2 = a1 @ W[2] + b[2]
p = np.exp(z2 - z2.max(axis=1, keepdims=True))
p /= p.sum(axis=1, keepdims=True)
dz2 = (p - Y) / N
da1 = dz2 @ W[2].T
dz1 = da1
dz1[z1 <= 0] = 0
save(out, {"dz2": dz2, "dW2": a1.T @ dz2, "db2": dz2.sum(axis=0), "da1": da1, "dz1": dz1,
           "dW1": X.T @ dz1, "db1": dz1.sum(axis=0)})
