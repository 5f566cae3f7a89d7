# CS231n assignment 1 "two_layer_net" style: grads = {}, dscores, reg 0.5*reg*W*W
import json, sys
import numpy as np

class TwoLayerNet:
    def __init__(self, params):
        self.params = params

    def loss(self, X, y, reg=0.0, keepdims=False, bug=None):
        W1, b1, W2, b2 = (self.params[k] for k in ("W1", "b1", "W2", "b2"))
        N = X.shape[0]
        hidden = np.maximum(0, X.dot(W1) + b1)
        scores = hidden.dot(W2) + b2
        scores -= scores.max(axis=1, keepdims=True)
        probs = np.exp(scores) / np.sum(np.exp(scores), axis=1, keepdims=True)
        loss = -np.log(probs[np.arange(N), y]).sum() / N
        loss += 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
        grads = {}
        dscores = probs.copy()
        dscores[np.arange(N), y] -= 1
        if bug != "no-1/N":
            dscores /= N
        grads['W2'] = hidden.T.dot(dscores) + reg * W2
        grads['b2'] = np.sum(dscores, axis=0, keepdims=keepdims)
        dhidden = dscores.dot(W2.T)
        dhidden[hidden <= 0] = 0
        grads['W1'] = X.T.dot(dhidden) + reg * W1
        grads['b1'] = np.sum(dhidden, axis=0, keepdims=keepdims)
        return loss, grads

net_npz, spec, out = sys.argv[1], sys.argv[2], sys.argv[3]
mode = sys.argv[4] if len(sys.argv) > 4 else ""
d = np.load(net_npz)
net = TwoLayerNet({k: d[k] for k in ("W1", "b1", "W2", "b2")})
X, y = d["x"], d["y"].argmax(axis=1)
lam = json.load(open(spec))["l2"]
reg = lam if mode == "reg-as-l2" else 2 * lam
loss, grads = net.loss(X, y, reg=reg, keepdims=(mode == "keepdims"), bug=("no-1/N" if mode == "no-1/N" else None))
if out.endswith(".npz"):
    np.savez(out, loss=loss, **grads)
else:
    with open(out, "w") as f:
        json.dump({"loss": loss, **{k: v.tolist() for k, v in grads.items()}}, f)
