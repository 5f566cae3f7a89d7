"""A network in the style of Michael Nielsen's network.py ("Neural Networks
and Deep Learning", chapter 2), written anew for testing the recipe of
docs/compare.md: column vectors, sizes = [n0, n1, ..., nL], weights[l] of
shape (n_out, n_in), biases[l] of shape (n_out, 1), sigmoid on every layer,
the quadratic cost C = 1/2 ||a - y||^2, and backprop(x, y) for ONE example
returning (nabla_b, nabla_w), lists ordered like biases and weights.

The recipe imports it as `network` (the book's module name):
tests/recipes_test.sh copies it to network.py.
"""
import numpy as np


class Network(object):

    def __init__(self, sizes):
        """sizes[0] inputs, sizes[-1] outputs; Gaussian random parameters."""
        self.num_layers = len(sizes)
        self.sizes = sizes
        self.biases = [np.random.randn(n_out, 1) for n_out in sizes[1:]]
        self.weights = [np.random.randn(n_out, n_in)
                        for n_in, n_out in zip(sizes[:-1], sizes[1:])]

    def feedforward(self, a):
        """The output for the input column a."""
        for w, b in zip(self.weights, self.biases):
            a = sigmoid(w @ a + b)
        return a

    def backprop(self, x, y):
        """(nabla_b, nabla_w): the gradient of the cost C_x of one example
        x with target y (columns), layer by layer like biases and weights."""
        nabla_b = [None] * len(self.biases)
        nabla_w = [None] * len(self.weights)
        # forward, keeping every weighted input z and activation a
        acts = [x]
        zs = []
        for w, b in zip(self.weights, self.biases):
            zs.append(w @ acts[-1] + b)
            acts.append(sigmoid(zs[-1]))
        # the output error (BP1), then back through the layers (BP2);
        # BP3 and BP4 give the gradients of the biases and weights
        delta = self.cost_derivative(acts[-1], y) * sigmoid_prime(zs[-1])
        last = len(self.weights) - 1
        for l in range(last, -1, -1):
            if l < last:
                delta = (self.weights[l + 1].T @ delta) * sigmoid_prime(zs[l])
            nabla_b[l] = delta
            nabla_w[l] = delta @ acts[l].T
        return (nabla_b, nabla_w)

    def cost_derivative(self, output_activations, y):
        """dC_x/da for the quadratic cost."""
        return output_activations - y


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def sigmoid_prime(z):
    return sigmoid(z) * (1 - sigmoid(z))
