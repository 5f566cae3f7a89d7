#!/usr/bin/python3
"""A real cs231n submission's softmax: exp / (sum exp + 1e-6), scores not
shifted, and the 1/N forgotten.  Its gradients are N x the spec's to a few
1e-5 relative: no mistake reproduces them at the default tolerance, the
closest ones are named."""
import numpy as np
from specnumbers import load, args, save

spec, bs, out = args()
W, b, X, Y, reg = load(spec, bs)
h = np.maximum(0, X.dot(W[1]) + b[1])
scores = h.dot(W[2]) + b[2]
probs = np.exp(scores) / (np.sum(np.exp(scores), axis=1, keepdims=True) + 1e-6)
dscores = probs - Y
dhidden = dscores.dot(W[2].T) * (h > 0)
save(out, {"W2": h.T.dot(dscores), "b2": dscores.sum(axis=0),
           "W1": X.T.dot(dhidden), "b1": dhidden.sum(axis=0)})
