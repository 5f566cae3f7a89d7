#!/usr/bin/env python3
"""Students' own NumPy programs, written as courses teach them, checked by
`backstep compare`.  Each program in tests/students/ is run on its spec's
parameters and batch (from `trace --format npz`) and saves its gradients the
way such a program does (json.dump of .tolist(), np.savez); the expected
verdict comes from what the program was written to do — its convention, or
the one bug put into it — never from backstep's output:

  ng_two_layer.py      deeplearning.ai: X (n_x, m), dZ2 = A2 - Y, 1/m in dW and
                       db, db (n, 1), "cost"; the 1/B-at-dW convention (exit 3);
                       with g'(Z1) left out, the bug at dz1 (exit 1); in float32,
                       the same convention at single precision
  cs231n_net.py        grads = {} keyed W1, b1, ..., 0.5*reg*W*W with reg = 2λ
                       (agrees), with and without keepdims, .npz and .json; with
                       dscores not divided by N, a bug (exit 1)
  torchlike_f32.py     float32 throughout, keys "W1.grad": rounding only, one
                       tolerance for the file that accepts it
  batch_sums.py        handout 002's program: sums, no 1/B (factor B)
  torch_layout_bug.py  dW saved (out, in): the layout convention (exit 3); with
                       sigmoid'(z1) left out too, the bug in dz1 (exit 1)
  row_two_slips.py     sigmoid'(z1) left out, with dW1 transposed (the other dW
                       not) or doubled: both slips said, no tolerance offered for
                       a match the file contradicts

usage: students_test.py BACKSTEP STUDENTS_DIR
"""
import json
import os
import subprocess
import sys
import tempfile

bs, here = sys.argv[1], sys.argv[2]
failures = 0
checks = 0


def fail(msg):
    global failures
    failures += 1
    print("FAIL", msg)


def run(*args):
    return subprocess.run([bs, *args], capture_output=True, text=True)


def program(name, *args):
    r = subprocess.run([sys.executable, os.path.join(here, name), *args],
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"{name} {' '.join(args)} failed: {r.stderr}")


def compare(what, spec, grads, *opts):
    """compare --format json; returns (exit status, report or None)"""
    r = run("compare", spec, grads, "--format", "json", *opts)
    rep = None
    if r.returncode in (0, 1, 3):
        rep = json.loads(r.stdout)
    else:
        fail(f"{what}: exit {r.returncode}: {r.stderr.strip()}")
    return r.returncode, rep


def expect(what, cond, detail=""):
    global checks
    checks += 1
    if not cond:
        fail(f"{what}{': ' + detail if detail else ''}")


def bug_at(rep, made_in, key):
    """the step whose diagnosis names mistake `key` made in `made_in`"""
    for s in rep["steps"]:
        m = s.get("mistake")
        if s["status"] == "disagrees" and m and m["key"] == key and m["made_in"] == made_in:
            return s
    return None


col = os.path.join(here, "3-4-1-tanh-bce-column.json")
row = os.path.join(here, "4-6-3-sigmoid-mse.json")
cs = os.path.join(here, "..", "recipes", "4-5-3-relu-softmax-ce-l2.json")

with tempfile.TemporaryDirectory() as tmp:
    def path(name):
        return os.path.join(tmp, name)

    for spec, npz in ((col, "col.npz"), (row, "row.npz"), (cs, "cs.npz")):
        r = run("trace", spec, "--format", "npz", "-o", path(npz))
        if r.returncode != 0:
            sys.exit(f"trace {spec}: {r.stderr}")

    # deeplearning.ai, correct: dZ2 = A2 - Y keeps the sums, 1/m in dW and db
    program("ng_two_layer.py", path("col.npz"), path("ng.json"))
    rc, rep = compare("ng", col, path("ng.json"))
    if rep:
        expect("ng: a correct program is a convention (exit 3)", rc == 3, f"exit {rc}")
        expect("ng: convention 1/B-at-dW", [c["key"] for c in rep["conventions"]] == ["1/B-at-dW"],
               str(rep["conventions"]))
        expect("ng: cost read as the loss", rep["loss"] and rep["loss"]["status"] == "agrees",
               str(rep["loss"]))
        given = {s["name"]: s["key"] for s in rep["steps"] if s["status"] != "not_given"}
        expect("ng: dZ2, dA1, dZ1 read as dz2, da1, dz1",
               given.get("dz2") == "dZ2" and given.get("da1") == "dA1" and given.get("dz1") == "dZ1",
               str(given))

    # deeplearning.ai, g'(Z1) left out: the bug is in dz1, under the convention above
    program("ng_two_layer.py", path("col.npz"), path("ngbug.json"), "no-derivative")
    rc, rep = compare("ng bug", col, path("ngbug.json"))
    if rep:
        expect("ng bug: exit 1", rc == 1, f"exit {rc}")
        expect("ng bug: first disagreement dz1", rep["first_disagreement"] == "dz1",
               str(rep["first_disagreement"]))
        expect("ng bug: named as tanh' left out in dz1", bug_at(rep, "dz1", "no-derivative"),
               str([s.get("diagnosis") for s in rep["steps"] if s["status"] == "disagrees"]))
        expect("ng bug: dz2 is not blamed",
               all(s["status"] != "disagrees" for s in rep["steps"] if s["name"] in ("dz2", "dW2", "db2")),
               str([(s["name"], s["status"]) for s in rep["steps"]]))

    # cs231n, correct (reg = 2λ for 0.5*reg*W*W), every way it may be saved
    for mode, ext in (("", "npz"), ("", "json"), ("keepdims", "npz"), ("keepdims", "json")):
        out = path(f"cs-{mode}.{ext}")
        program("cs231n_net.py", path("cs.npz"), cs, out, *([mode] if mode else []))
        rc, rep = compare(f"cs231n {mode} {ext}", cs, out)
        if rep:
            expect(f"cs231n {mode} {ext}: agrees", rc == 0 and rep["agrees"], f"exit {rc}")

    # cs231n, dscores not divided by N: a bug, never a pass
    program("cs231n_net.py", path("cs.npz"), cs, path("cs-bug.npz"), "no-1/N")
    rc, rep = compare("cs231n no-1/N", cs, path("cs-bug.npz"))
    if rep:
        expect("cs231n no-1/N: exit 1", rc == 1, f"exit {rc}")
        expect("cs231n no-1/N: the 1/B left out in dz2", bug_at(rep, "dz2", "no-1/B"))

    # float32, W1.grad keys: rounding only; the file's one tolerance accepts it
    program("torchlike_f32.py", path("row.npz"), path("f32.npz"), "steps")
    rc, rep = compare("float32", row, path("f32.npz"))
    if rep:
        f32 = [s for s in rep["steps"] if s["status"] == "disagrees"]
        expect("float32: only rounding differs", f32 and all(s["single_precision"] for s in f32),
               str([s.get("diagnosis") for s in f32]))
        tails = {s["diagnosis"].rsplit("? ", 1)[-1] for s in f32}
        expect("float32: one tolerance for the whole file", len(tails) == 1, str(tails))
        if len(tails) == 1:
            opts = tails.pop().replace(" accepts it", "").split()
            rc, rep = compare("float32 " + " ".join(opts), row, path("f32.npz"), *opts)
            expect("float32: the tolerance it names accepts it", rc == 0, f"exit {rc}")

    # deeplearning.ai in float32: rounding and the 1/B-at-dW convention, no bug
    program("ng_two_layer.py", path("col.npz"), path("ng32.json"), "float32")
    rc, rep = compare("ng float32", col, path("ng32.json"))
    if rep:
        f = rep.get("float32")
        expect("ng float32: read as a float32 file", f and f["verdict"] == "convention", str(f))
        if f:
            rc, rep = compare("ng float32 " + f["options"], col, path("ng32.json"),
                              *f["options"].split())
            expect("ng float32: at the options named, the convention (exit 3)", rc == 3,
                   f"exit {rc}")

    # handout 002's program: sums, no 1/B anywhere
    program("batch_sums.py", path("row.npz"), path("sums.json"), "no-loss")
    rc, rep = compare("batch sums", row, path("sums.json"))
    if rep:
        expect("batch sums: a convention (exit 3)", rc == 3, f"exit {rc}")
        expect("batch sums: factor B", [(c["key"], c["factor"]) for c in rep["conventions"]]
               == [("factor", 4)], str(rep["conventions"]))
    # ... with the batch mean as its loss: the gradients are not its loss's; not a pass
    program("batch_sums.py", path("row.npz"), path("sums-loss.json"))
    rc, rep = compare("batch sums with loss", row, path("sums-loss.json"))
    if rep:
        expect("batch sums with its mean loss: not a pass", rc != 0, f"exit {rc}")

    # dW saved (out, in): the layout convention; with a bug, the bug found under it
    program("torch_layout_bug.py", path("row.npz"), path("layout.npz"))
    rc, rep = compare("layout", row, path("layout.npz"))
    if rep:
        expect("layout: a convention (exit 3)", rc == 3, f"exit {rc}")
        expect("layout: params-transposed", [c["key"] for c in rep["conventions"]]
               == ["params-transposed"], str(rep["conventions"]))
    program("torch_layout_bug.py", path("row.npz"), path("layout-bug.npz"), "bug")
    rc, rep = compare("layout bug", row, path("layout-bug.npz"))
    if rep:
        expect("layout bug: exit 1", rc == 1, f"exit {rc}")
        expect("layout bug: sigmoid' left out in dz1", bug_at(rep, "dz1", "no-derivative"),
               str([s.get("diagnosis") for s in rep["steps"] if s["status"] == "disagrees"]))
        expect("layout bug: dW2 not blamed",
               [s["status"] for s in rep["steps"] if s["name"] == "dW2"] == ["agrees"])

    # one dW transposed (the others not) and a bug below it: both said
    program("row_two_slips.py", path("row.npz"), path("two-t.npz"), "transposed")
    rc, rep = compare("dW1 transposed and a bug", row, path("two-t.npz"))
    if rep:
        expect("dW1 transposed and a bug: exit 1", rc == 1, f"exit {rc}")
        expect("dW1 transposed and a bug: sigmoid' left out in dz1",
               bug_at(rep, "dz1", "no-derivative"),
               str([s.get("diagnosis") for s in rep["steps"] if s["status"] == "disagrees"]))
        dw1 = [s for s in rep["steps"] if s["name"] == "dW1"][0]
        expect("dW1 transposed and a bug: dW1's transpose said",
               dw1["status"] == "disagrees" and "transpose" in (dw1["diagnosis"] or ""),
               str(dw1.get("diagnosis")))
    # sigmoid' left out, and dW1 doubled: db1 alone fits the first slip, which dW1
    # contradicts; no tolerance is offered for it
    program("row_two_slips.py", path("row.npz"), path("two-d.npz"), "dW1-doubled")
    rc, rep = compare("dW1 doubled and a bug", row, path("two-d.npz"))
    if rep:
        expect("dW1 doubled and a bug: exit 1", rc == 1, f"exit {rc}")
        misses = " ".join(s.get("near_miss") or "" for s in rep["steps"])
        expect("dW1 doubled and a bug: no tolerance offered for a match the file contradicts",
               "1e-16" not in misses and "relative 0.0e+00" not in misses, misses)

print(f"students: {checks} checks, {failures} failure(s)")
sys.exit(1 if failures else 0)
