#!/usr/bin/python3
"""Handout 002's program (lines 134-146 of a1.mlp.3.layers.py): dz3 = yhat - y
and the batch sums dW3 = a2^T dz3, db3 = sum of dz3 (Notes 2-4); the 1/B goes
into the learning rate of its update, not into the gradients."""
import numpy as np
from specnumbers import load, args, save

spec, bs, out = args()
W, b, X, Y, reg = load(spec, bs)
sig = lambda z: 1 / (1 + np.exp(-z))
a1 = sig(X @ W[1] + b[1])
a2 = sig(a1 @ W[2] + b[2])
z3 = a2 @ W[3] + b[3]
yhat = np.exp(z3) / np.exp(z3).sum(axis=1, keepdims=True)
dz3 = yhat - Y
dW3 = a2.T @ dz3
db3 = np.sum(dz3, axis=0, keepdims=True)
da2 = dz3 @ W[3].T
dz2 = da2 * a2 * (1 - a2)
dW2 = a1.T @ dz2
db2 = np.sum(dz2, axis=0, keepdims=True)
da1 = dz2 @ W[2].T
dz1 = da1 * a1 * (1 - a1)
dW1 = X.T @ dz1
db1 = np.sum(dz1, axis=0, keepdims=True)
save(out, {"dz3": dz3, "dW3": dW3, "db3": db3, "da2": da2, "dz2": dz2, "dW2": dW2,
           "db2": db2, "da1": da1, "dz1": dz1, "dW1": dW1, "db1": db1})
