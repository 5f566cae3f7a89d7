#!/usr/bin/python3
"""A student of the column habit (Nielsen, handout 000): examples as columns,
W[n] as n[n] x n[n-1], so every array it saves is the transpose of the row
spec's."""
import numpy as np
from specnumbers import load, args, save

spec, bs, out = args()
W, b, X, Y, reg = load(spec, bs)
W1, W2 = W[1].T, W[2].T          # n1 x n0, n2 x n1
b1, b2 = b[1][:, None], b[2][:, None]
x, y = X.T, Y.T                  # one example per column
B = x.shape[1]
z1 = W1 @ x + b1
a1 = np.maximum(z1, 0)
z2 = W2 @ a1 + b2
e = np.exp(z2 - z2.max(axis=0))
p = e / e.sum(axis=0)
delta2 = (p - y) / B
nabla_w2 = delta2 @ a1.T
nabla_b2 = delta2.sum(axis=1, keepdims=True)
da1 = W2.T @ delta2
delta1 = da1 * (z1 > 0)
save(out, {"dz2": delta2, "dW2": nabla_w2, "db2": nabla_b2, "da1": da1, "dz1": delta1,
           "dW1": delta1 @ x.T, "db1": delta1.sum(axis=1, keepdims=True)})
