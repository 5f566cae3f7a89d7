# handout-002-style program: dz keeps the batch sums (no 1/B anywhere), the update divides by B
import json, sys
import numpy as np

net, out = sys.argv[1], sys.argv[2]
with_loss = not (len(sys.argv) > 3 and sys.argv[3] == "no-loss")
d = np.load(net)
W1, b1, W2, b2, X, Y = (d[k] for k in ("W1", "b1", "W2", "b2", "x", "y"))
sig = lambda z: 1 / (1 + np.exp(-z))
a1 = sig(X @ W1 + b1)
a2 = sig(a1 @ W2 + b2)
loss = 0.5 * np.sum((a2 - Y) ** 2) / X.shape[0]      # reported as the mean
dz2 = (a2 - Y) * a2 * (1 - a2)
dW2 = a1.T @ dz2
db2 = dz2.sum(axis=0, keepdims=True)
da1 = dz2 @ W2.T
dz1 = da1 * a1 * (1 - a1)
dW1 = X.T @ dz1
db1 = dz1.sum(axis=0, keepdims=True)
with open(out, "w") as f:
    doc = {"loss": float(loss)} if with_loss else {}
    doc.update({k: v.tolist() for k, v in
                dict(dz2=dz2, dW2=dW2, db2=db2, da1=da1, dz1=dz1, dW1=dW1, db1=db1).items()})
    json.dump(doc, f)
