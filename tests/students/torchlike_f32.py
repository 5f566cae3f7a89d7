# "PyTorch-like" numpy: float32 everywhere, Linear layers with weight (out, in),
# gradients saved under the names p.grad would have: "W1.grad", "b1.grad"
import sys
import numpy as np

net, out = sys.argv[1], sys.argv[2]
mode = sys.argv[3] if len(sys.argv) > 3 else ""
d = np.load(net)
f32 = np.float32
W1, b1, W2, b2 = (d[k].astype(f32) for k in ("W1", "b1", "W2", "b2"))   # row spec: (in, out)
X, Y = d["x"].astype(f32), d["y"].astype(f32)
B = X.shape[0]
sig = lambda z: 1 / (1 + np.exp(-z))
a1 = sig(X @ W1 + b1)
a2 = sig(a1 @ W2 + b2)
loss = 0.5 * np.sum((a2 - Y) ** 2) / B
da2 = (a2 - Y) / B
dz2 = da2 * a2 * (1 - a2)
dW2 = a1.T @ dz2
db2 = dz2.sum(axis=0)
da1 = dz2 @ W2.T
dz1 = da1 * a1 * (1 - a1)
dW1 = X.T @ dz1
db1 = dz1.sum(axis=0)
grads = {"W1.grad": dW1, "b1.grad": db1, "W2.grad": dW2, "b2.grad": db2}
if mode == "steps":
    grads.update({"dz2": dz2, "da1": da1, "dz1": dz1})
np.savez(out, loss=np.float32(loss), **grads)
