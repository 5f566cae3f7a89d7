# a student who keeps W as (out, in) like torch.nn.Linear.weight in a row-convention
# program, saves dW in that layout, and has a real bug: sigmoid' left out of dz1
import sys
import numpy as np

net, out = sys.argv[1], sys.argv[2]
bug = len(sys.argv) > 3
d = np.load(net)
W1, W2 = d["W1"].T, d["W2"].T          # (out, in)
b1, b2, X, Y = d["b1"], d["b2"], d["x"], d["y"]
B = X.shape[0]
sig = lambda z: 1 / (1 + np.exp(-z))
a1 = sig(X @ W1.T + b1)
a2 = sig(a1 @ W2.T + b2)
dz2 = (a2 - Y) * a2 * (1 - a2) / B
gW2 = dz2.T @ a1                          # (out, in)
gb2 = dz2.sum(0)
da1 = dz2 @ W2
dz1 = da1 if bug else da1 * a1 * (1 - a1)
gW1 = dz1.T @ X
gb1 = dz1.sum(0)
np.savez(out, dW1=gW1, db1=gb1, dW2=gW2, db2=gb2)
