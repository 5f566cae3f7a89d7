# a row-convention program (X is (B, n0), W1 (n0, n1)) with two slips at once:
#   transposed:  sigmoid'(z1) left out of dz1, and dW1 computed as dz1.T @ X,
#                the transpose of X.T @ dz1
#   dW1-doubled: sigmoid'(z1) left out of dz1, and dW1 counted twice
import sys
import numpy as np

net, out, mode = sys.argv[1], sys.argv[2], sys.argv[3]
d = np.load(net)
W1, b1, W2, b2, X, Y = (d[k] for k in ("W1", "b1", "W2", "b2", "x", "y"))
B = X.shape[0]
sig = lambda z: 1 / (1 + np.exp(-z))
a1 = sig(X @ W1 + b1)
a2 = sig(a1 @ W2 + b2)
dz2 = (a2 - Y) * a2 * (1 - a2) / B
dW2 = a1.T @ dz2
db2 = dz2.sum(axis=0)
da1 = dz2 @ W2.T
dz1 = da1                                # sigmoid'(z1) left out
dW1 = dz1.T @ X if mode == "transposed" else 2 * (X.T @ dz1)
db1 = dz1.sum(axis=0)
np.savez(out, dW1=dW1, db1=db1, dW2=dW2, db2=db2)
