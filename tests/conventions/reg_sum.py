#!/usr/bin/python3
"""cs231n's loss with reg * sum(W^2) (one year's assignment) and reg = 0.01,
against a spec written for the other year's 0.5 * reg * sum(W^2): the spec's
lambda is reg/2 = 0.005, so the program's dW has 2 reg W = 4 lambda W."""
import numpy as np
from specnumbers import load, args, save

spec, bs, out = args()
W, b, X, Y, lam = load(spec, bs)
reg = 0.01
N = X.shape[0]
h = np.maximum(0, X.dot(W[1]) + b[1])
scores = h.dot(W[2]) + b[2]
probs = np.exp(scores - scores.max(axis=1, keepdims=True))
probs /= probs.sum(axis=1, keepdims=True)
dscores = (probs - Y) / N
grads = {"W2": h.T.dot(dscores) + 2 * reg * W[2], "b2": dscores.sum(axis=0)}
dhidden = dscores.dot(W[2].T) * (h > 0)
grads["W1"] = X.T.dot(dhidden) + 2 * reg * W[1]
grads["b1"] = dhidden.sum(axis=0)
save(out, grads)
