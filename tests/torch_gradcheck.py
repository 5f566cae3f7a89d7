#!/usr/bin/python3
"""torch_gradcheck.py — PyTorch's torch.autograd.gradcheck beside
`backstep check --full` on the same network, batch and float64.

    /usr/bin/python3 tests/torch_gradcheck.py BACKSTEP [SPEC] [--w1-columns K]
                     [--all] [--runs R]

Reads the network, its parameters and its batch from `BACKSTEP trace SPEC
--format json` (default SPEC: specs/mnist-784-200-100-10.json), builds the
same forward pass and loss in PyTorch (float64: z = a·W + b row by row,
the activations and the loss of the spec, the batch reduction and the
penalty λ Σ ‖W‖²), checks that its loss equals backstep's, and times
torch.autograd.gradcheck in full mode (fast_mode=False: one numerical
derivative per parameter, by central differences) on the parameters.

Checking all 178,110 parameters of the MNIST network takes gradcheck
minutes, so by default it is timed on a subset — W3, b3, b2 and the first K
columns of W1 (default K = 2: 784·2 entries) — through a wrapper that
holds the other parameters fixed, and its time per parameter is multiplied
by the number of parameters; --all times every parameter instead.  Then
`BACKSTEP check --full SPEC` (all 197,950 elements) is timed, best of R
runs (default 3), and the ratio printed.  Needs python3-torch (Debian).
"""
import argparse
import json
import subprocess
import sys
import time

import torch


def load(backstep, spec):
    out = subprocess.run([backstep, "trace", spec, "--format", "json", "--quiet"],
                         check=False, capture_output=True, text=True)
    if out.returncode not in (0, 1):
        sys.exit("torch_gradcheck: %s trace failed: %s" % (backstep, out.stderr.strip()))
    return json.loads(out.stdout)


def tensors(d):
    """The parameters and the batch in the row convention, float64."""
    net = d["network"]
    col = net["convention"] == "column"
    L = len(net["layers"]) - 1

    def t(v):
        return torch.tensor(v, dtype=torch.float64)

    params = {}
    for n in range(1, L + 1):
        W, b = t(d["params"]["W%d" % n]), t(d["params"]["b%d" % n]).reshape(-1)
        params["W%d" % n] = W.T.contiguous() if col else W
        params["b%d" % n] = b
    x, y = t(d["x"]), t(d["y"])
    if col:
        x, y = x.T.contiguous(), y.T.contiguous()
    return net, params, x, y


ACT = {
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "identity": lambda z: z,
    "leaky_relu": lambda z: torch.nn.functional.leaky_relu(z, 0.01),
    "softmax": lambda z: torch.softmax(z, dim=1),
}


def loss_of(net, params, x, y):
    """L = r Σ_i ℓ_i + λ Σ ‖W[n]‖², as the spec defines it."""
    a, L = x, len(net["layers"]) - 1
    z = None
    for n in range(1, L + 1):
        z = a @ params["W%d" % n] + params["b%d" % n]
        a = ACT[net["activations"][n - 1]](z)
    loss = net["loss"]
    if loss == "cross_entropy" and net["activations"][-1] == "softmax":
        ell = -(y * torch.log_softmax(z, dim=1)).sum(dim=1)
    elif loss == "cross_entropy":
        ell = -(y * torch.log(a)).sum(dim=1)
    elif loss == "bce":
        ell = -(y * torch.log(a) + (1 - y) * torch.log1p(-a)).sum(dim=1)
    elif loss == "mse":
        ell = 0.5 * ((a - y) ** 2).sum(dim=1)
    else:
        sys.exit("torch_gradcheck: loss %s is not handled here" % loss)
    r = 1.0 / x.shape[0] if net["batch_reduction"] == "mean" else 1.0
    pen = sum((params["W%d" % n] ** 2).sum() for n in range(1, L + 1))
    return r * ell.sum() + net["l2"] * pen


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("backstep")
    ap.add_argument("spec", nargs="?", default="specs/mnist-784-200-100-10.json")
    ap.add_argument("--w1-columns", type=int, default=2)
    ap.add_argument("--all", action="store_true")
    ap.add_argument("--runs", type=int, default=3)
    o = ap.parse_args()

    d = load(o.backstep, o.spec)
    net, params, x, y = tensors(d)
    total = sum(p.numel() for p in params.values())
    L0 = loss_of(net, params, x, y).item()
    print("spec %s: %d parameters, batch %d, float64; loss %.17g (backstep %.17g)"
          % (o.spec, total, x.shape[0], L0, d["loss"]))
    if abs(L0 - d["loss"]) > 1e-12 * max(1.0, abs(d["loss"])):
        sys.exit("torch_gradcheck: the PyTorch loss differs from backstep's")

    L = len(net["layers"]) - 1
    if o.all:
        names = sorted(params)
        free = [params[k].clone().requires_grad_(True) for k in names]

        def f(*ps):
            return loss_of(net, dict(zip(names, ps)), x, y)
    else:
        # W[L], b[L], b[L-1] whole and the first K columns of W1
        K = o.w1_columns
        names = ["W%d" % L, "b%d" % L, "b%d" % (L - 1)]
        free = [params[k].clone().requires_grad_(True) for k in names]
        free.append(params["W1"][:, :K].clone().requires_grad_(True))
        rest = params["W1"][:, K:]

        def f(*ps):
            p = dict(params)
            p.update(zip(names, ps[:3]))
            p["W1"] = torch.cat([ps[3], rest], dim=1)
            return loss_of(net, p, x, y)
    checked = sum(p.numel() for p in free)
    torch.set_num_threads(torch.get_num_threads())
    best = None
    for _ in range(o.runs if not o.all else 1):
        t0 = time.perf_counter()
        ok = torch.autograd.gradcheck(f, tuple(free), eps=1e-6, atol=1e-8, rtol=1e-4,
                                      fast_mode=False, raise_exception=False)
        dt = time.perf_counter() - t0
        best = dt if best is None else min(best, dt)
        print("  gradcheck (full mode, %d threads) on %d parameters: %.3f s, %s"
              % (torch.get_num_threads(), checked, dt, "passed" if ok else "FAILED"))
    per = best / checked
    torch_all = per * total
    print("gradcheck: %.1f µs per parameter; all %d parameters: %.1f s%s"
          % (per * 1e6, total, torch_all, "" if o.all else " (extrapolated)"))

    times = []
    for _ in range(o.runs):
        t0 = time.perf_counter()
        r = subprocess.run([o.backstep, "check", "--full", "--quiet", o.spec],
                           capture_output=True, text=True)
        times.append(time.perf_counter() - t0)
        if r.returncode != 0:
            sys.exit("torch_gradcheck: backstep check --full failed: " + r.stdout + r.stderr)
    bs = min(times)
    print("backstep check --full (all %s elements, %d parameters): best %.3f s of %s"
          % (d["check"]["elements"], total, bs, ", ".join("%.3f" % t for t in times)))
    print("ratio gradcheck / backstep: %.0f" % (torch_all / bs))


if __name__ == "__main__":
    main()
