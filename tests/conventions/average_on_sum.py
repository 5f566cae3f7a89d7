#!/usr/bin/python3
"""cs231n's two-layer net, as assigned: the loss averaged over the batch.
Run against a spec that sums over the batch (cs231n-sum.json): every
gradient is 1/B of the spec's."""
import numpy as np
from specnumbers import load, args, save

spec, bs, out = args()
W, b, X, Y, reg = load(spec, bs)
N = X.shape[0]
h = np.maximum(0, X.dot(W[1]) + b[1])
scores = h.dot(W[2]) + b[2]
scores -= scores.max(axis=1, keepdims=True)
probs = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
loss = -np.sum(np.log(probs[Y > 0])) / N
dscores = (probs - Y) / N
grads = {"W2": h.T.dot(dscores), "b2": dscores.sum(axis=0)}
dhidden = dscores.dot(W[2].T)
dhidden[h <= 0] = 0
grads["W1"] = X.T.dot(dhidden)
grads["b1"] = dhidden.sum(axis=0)
save(out, grads)
