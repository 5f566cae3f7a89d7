# deeplearning.ai course 1 week 3 "planar data classification" style:
# X is (n_x, m), W1 (n_h, n_x), b1 (n_h, 1), tanh hidden, sigmoid out, cross-entropy cost
import json, sys
import numpy as np

def forward_propagation(X, parameters):
    W1, b1, W2, b2 = (parameters[k] for k in ("W1", "b1", "W2", "b2"))
    Z1 = np.dot(W1, X) + b1
    A1 = np.tanh(Z1)
    Z2 = np.dot(W2, A1) + b2
    A2 = 1 / (1 + np.exp(-Z2))
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}

def compute_cost(A2, Y):
    m = Y.shape[1]
    logprobs = np.multiply(np.log(A2), Y) + np.multiply(np.log(1 - A2), 1 - Y)
    return float(np.squeeze(-np.sum(logprobs) / m))

def backward_propagation(parameters, cache, X, Y, bug=None):
    m = X.shape[1]
    W2 = parameters["W2"]
    A1, A2 = cache["A1"], cache["A2"]
    dZ2 = A2 - Y
    dW2 = (1 / m) * np.dot(dZ2, A1.T)
    db2 = (1 / m) * np.sum(dZ2, axis=1, keepdims=True)
    dA1 = np.dot(W2.T, dZ2)
    if bug == "no-derivative":
        dZ1 = dA1                         # forgot g'(Z1)
    else:
        dZ1 = dA1 * (1 - np.power(A1, 2))
    dW1 = (1 / m) * np.dot(dZ1, X.T)
    db1 = (1 / m) * np.sum(dZ1, axis=1, keepdims=True)
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2, "dZ2": dZ2, "dA1": dA1, "dZ1": dZ1}

net, out = sys.argv[1], sys.argv[2]
bug = sys.argv[3] if len(sys.argv) > 3 else None
d = np.load(net)
dt = np.float32 if bug == "float32" else np.float64
parameters = {"W1": d["W1"].astype(dt), "b1": d["b1"].reshape(-1, 1).astype(dt),
              "W2": d["W2"].astype(dt), "b2": d["b2"].reshape(-1, 1).astype(dt)}
X, Y = d["x"].astype(dt), d["y"].astype(dt)
A2, cache = forward_propagation(X, parameters)
cost = compute_cost(A2, Y)
grads = backward_propagation(parameters, cache, X, Y, bug)
doc = {"cost": cost}
doc.update({k: v.tolist() for k, v in grads.items()})
with open(out, "w") as f:
    json.dump(doc, f)
