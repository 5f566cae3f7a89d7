"""A two-layer net in the style of the Stanford CS231n assignment
(classifiers/neural_net.py), written anew for testing the recipe of
docs/compare.md: row vectors, params = {'W1': (D, H), 'b1': (H,),
'W2': (H, C), 'b2': (C,)}, ReLU, softmax and cross-entropy averaged over
the N examples, and reg * sum(W * W) for each weight matrix (backstep's
"l2" is reg).  loss(X, y, reg) returns (loss, grads), grads keyed like
params.

The recipe imports it as `neural_net` (the assignment's module name):
tests/recipes_test.sh copies it to neural_net.py.
"""
import numpy as np


class TwoLayerNet(object):

    def __init__(self, input_size, hidden_size, output_size, std=1e-4):
        self.params = {}
        self.params['W1'] = std * np.random.randn(input_size, hidden_size)
        self.params['b1'] = np.zeros(hidden_size)
        self.params['W2'] = std * np.random.randn(hidden_size, output_size)
        self.params['b2'] = np.zeros(output_size)

    def loss(self, X, y=None, reg=0.0):
        """X: (N, D); y: (N,) class indices.  Without y the scores (N, C);
        with y (loss, grads)."""
        W1, b1 = self.params['W1'], self.params['b1']
        W2, b2 = self.params['W2'], self.params['b2']
        N, D = X.shape

        # forward pass
        hidden = np.maximum(0, X.dot(W1) + b1)
        scores = hidden.dot(W2) + b2
        if y is None:
            return scores

        # softmax, shifted for stability
        shifted = scores - np.max(scores, axis=1, keepdims=True)
        exp_scores = np.exp(shifted)
        probs = exp_scores / np.sum(exp_scores, axis=1, keepdims=True)
        loss = -np.sum(np.log(probs[np.arange(N), y])) / N
        loss += reg * (np.sum(W1 * W1) + np.sum(W2 * W2))

        # backward pass
        grads = {}
        dscores = probs.copy()
        dscores[np.arange(N), y] -= 1
        dscores /= N
        grads['W2'] = hidden.T.dot(dscores) + 2 * reg * W2
        grads['b2'] = np.sum(dscores, axis=0)
        dhidden = dscores.dot(W2.T)
        dhidden[hidden <= 0] = 0
        grads['W1'] = X.T.dot(dhidden) + 2 * reg * W1
        grads['b1'] = np.sum(dhidden, axis=0)
        return loss, grads
