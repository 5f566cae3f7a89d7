#!/usr/bin/python3
"""A regression net written as PyTorch's MSELoss defines it: mean of
(yhat - y)^2, without the 1/2.  Every gradient is 2x the spec's."""
import numpy as np
from specnumbers import load, args, save

spec, bs, out = args()
W, b, X, Y, reg = load(spec, bs)
B = X.shape[0]
a1 = np.tanh(X @ W[1] + b[1])
yhat = a1 @ W[2] + b[2]
dyhat = 2 * (yhat - Y) / B
dz2 = dyhat
dW2 = a1.T @ dz2
db2 = dz2.sum(axis=0)
da1 = dz2 @ W[2].T
dz1 = da1 * (1 - a1 ** 2)
save(out, {"da2": dyhat, "dz2": dz2, "dW2": dW2, "db2": db2, "da1": da1, "dz1": dz1,
           "dW1": X.T @ dz1, "db1": dz1.sum(axis=0)})
