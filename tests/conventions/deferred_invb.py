#!/usr/bin/python3
"""cs231n's two-layer net with dscores = probs - y kept as it is and the
1/N applied where the parameters' gradients are formed: dW and db agree
with the spec, dscores, dhidden and the masked dhidden are N x the spec's."""
import numpy as np
from specnumbers import load, args, save

spec, bs, out = args()
W, b, X, Y, reg = load(spec, bs)
N = X.shape[0]
h = np.maximum(0, X.dot(W[1]) + b[1])
scores = h.dot(W[2]) + b[2]
probs = np.exp(scores - scores.max(axis=1, keepdims=True))
probs /= probs.sum(axis=1, keepdims=True)
dscores = probs - Y
dW2 = h.T.dot(dscores) / N
db2 = np.sum(dscores, axis=0) / N
dhidden = dscores.dot(W[2].T)
drelu = dhidden * (h > 0)
dW1 = X.T.dot(drelu) / N
db1 = np.sum(drelu, axis=0) / N
save(out, {"dz2": dscores, "dW2": dW2, "db2": db2, "da1": dhidden, "dz1": drelu,
           "dW1": dW1, "db1": db1})
