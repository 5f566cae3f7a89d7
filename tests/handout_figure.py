#!/usr/bin/env python3
"""Handout 000's Figure 1 in every format of `backstep handout`.

usage: python3 tests/handout_figure.py BACKSTEP SOURCE_ROOT

On the shipped spec and on specs of handout 000's structure written here
(one with values of very different widths, one hidden unit, one output
unit, 8 and 8 units), this checks the figure "from scalars to linear algebra":

  text      the diagram lines up: every edge label starts in one column,
            every group's joint stands in one column, each a_k[1]'s vertical
            line stays in its column from a_k[1] to its last edge, and the
            matrix's columns and closing bracket line up; each edge's
            numbers (dL/dz_j[2] x a_k[1] = dL/dW_{j,k}[2]) and each entry of
            the matrix agree with NumPy (tests/handout_numbers.py's reference,
            to the 6 digits shown)
  markdown  the same text diagram, fenced
  html      well-formed XML, an inline <svg> with one edge per W_{j,k}[2]
            whose tooltip value agrees with NumPy
  latex     compiles with pdflatex (when present) and draws every edge
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.dom.minidom

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from handout_numbers import reference  # noqa: E402

NUM = r"\(?([−-]?[0-9.]+(?:e[+−-]?[0-9]+)?|nan|inf)\)?"


def val(t):
    return float(t.replace("−", "-").strip("()"))


def near(got, want, digits=6):
    return np.isfinite(got) and abs(got - want) <= 10 ** (1 - digits) * max(abs(want), 1e-300) * 1.0001


def run(args):
    p = subprocess.run(args, capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def text_figure(out):
    """The lines of the figure in the text output (from its titles to the matrix's last row)."""
    lines = out.splitlines()
    try:
        start = lines.index("Figure 1: from scalars to linear algebra") + 2
    except ValueError:
        return None
    end = start
    while end < len(lines) and not lines[end].startswith("  ∂L/∂W_{1,1}[2] = ∂L/∂z_1[2]"):
        end += 1
    fig = lines[start:end]
    while fig and fig[-1] == "":
        fig.pop()
    return fig


def check_text(fig, R, n1, n2, where, failures):
    if not fig:
        failures.append("%s: no text figure" % where)
        return
    rows = n2 * (n1 + 1) - 1
    diagram = fig[2:2 + rows]
    if len(diagram) < rows:
        failures.append("%s: the diagram has %d rows, not %d" % (where, len(diagram), rows))
        return
    label_col, joint_col = set(), set()
    bus0 = None
    for r, line in enumerate(diagram):
        j, k = divmod(r, n1 + 1)
        if k == n1:  # a blank row between groups: the vertical lines only
            if line.strip(" │") != "":
                failures.append("%s: row %d between groups is %r" % (where, r, line))
            continue
        m = re.search(r"∂L/∂W_\{(\d+),(\d+)\}\[2\] = " + NUM + " × " + NUM + " = " + NUM, line)
        if not m:
            failures.append("%s: row %d has no edge label: %r" % (where, r, line))
            continue
        if (int(m.group(1)), int(m.group(2))) != (j + 1, k + 1):
            failures.append("%s: row %d labels W_{%s,%s}, expected W_{%d,%d}" % (where, r, m.group(1), m.group(2), j + 1, k + 1))
        label_col.add(m.start())
        for g, ref in ((3, "gz2[%d]" % j), (4, "a1[%d]" % k), (5, "gW2[%d,%d]" % (j, k))):
            if not near(val(m.group(g)), R[ref]):
                failures.append("%s: edge W_{%d,%d}: %s shown, NumPy %s = %r" % (where, j + 1, k + 1, m.group(g), ref, R[ref]))
        arrow = line.find("─▶")
        jc = arrow - 1 if arrow >= 0 else len(line) - 1
        joint_col.add(jc)
        if line[jc] not in "┐┤┘┬┴┼─":
            failures.append("%s: row %d ends in %r, not a joint" % (where, r, line[jc]))
        if (arrow >= 0) != (k == (n1 - 1) // 2):
            failures.append("%s: row %d: the arrow to z_%d[2] is not on the group's middle row" % (where, r, j + 1))
        if arrow >= 0:
            mz = re.search(r"─▶ z_(\d+)\[2\]: ∂L/∂z_(\d+)\[2\] = " + NUM + "$", line)
            if not mz or int(mz.group(1)) != j + 1 or not near(val(mz.group(3)), R["gz2[%d]" % j]):
                failures.append("%s: row %d: z_%d[2] and its gradient are not %r" % (where, r, j + 1, R["gz2[%d]" % j]))
        if j == 0:
            ma = re.match(r"  a_(\d+)\[1\] = " + NUM + " ─", line)
            if not ma or int(ma.group(1)) != k + 1 or not near(val(ma.group(2)), R["a1[%d]" % k]):
                failures.append("%s: row %d does not start with a_%d[1] = %r" % (where, r, k + 1, R["a1[%d]" % k]))
            if k == 0:
                bus0 = line.find("┬") if n2 > 1 else None
    if len(label_col) > 1:
        failures.append("%s: the edge labels start in columns %s" % (where, sorted(label_col)))
    if len(joint_col) > 1:
        failures.append("%s: the joints stand in columns %s" % (where, sorted(joint_col)))
    # each a_k[1]'s vertical line: in its own column from a_k[1]'s row to its last edge
    if n2 > 1:
        if bus0 is None or bus0 < 0:
            failures.append("%s: a_1[1]'s line does not turn down" % where)
        else:
            for c in range(n1):
                x = bus0 + 2 * c
                first, last = c, (n2 - 1) * (n1 + 1) + c
                for r in range(first, last + 1):
                    ch = diagram[r][x] if x < len(diagram[r]) else " "
                    j, k = divmod(r, n1 + 1)
                    want = "┬" if r == first else "└" if r == last else "├" if k == c else "┼│"
                    if ch not in want:
                        failures.append("%s: a_%d[1]'s line: row %d column %d is %r, expected %r" % (where, c + 1, r, x, ch, want))
    # the matrix: two heads, then one row per z_j[2]
    try:
        h = next(i for i, l in enumerate(fig) if l.startswith("  ∂L/∂W[2] = ∂L/∂z[2] (a[1])ᵀ"))
    except StopIteration:
        failures.append("%s: no matrix under the diagram" % where)
        return
    mat = [l for l in fig[h + 1:] if l.strip()]
    if len(mat) != 2 + n2:
        failures.append("%s: the matrix has %d lines, not %d" % (where, len(mat), 2 + n2))
        return
    ends = []
    for i, line in enumerate(mat):
        if i >= 2:
            m = re.match(r"  ∂L/∂z_(\d+)\[2\] = " + NUM + r" +[\[⎡⎢⎣] ", line)
            if not m or not near(val(m.group(2)), R["gz2[%d]" % (i - 2)]):
                failures.append("%s: matrix row %d: %r" % (where, i - 1, line))
                continue
            body = line[m.end():]
            off = m.end()
        else:
            body, off = line, 0
        toks = [(t.group(), off + t.end()) for t in re.finditer(r"\S+", body) if t.group() not in "]⎤⎥⎦"]
        if len(toks) != n1:
            failures.append("%s: matrix line %d has %d columns, not %d: %r" % (where, i, len(toks), n1, line))
            continue
        ends.append([e for _, e in toks])
        for k, (t, _) in enumerate(toks):
            ref = "a1[%d]" % k if i == 1 else "gW2[%d,%d]" % (i - 2, k) if i >= 2 else None
            if i == 0 and t != "a_%d[1]" % (k + 1):
                failures.append("%s: matrix column %d is headed %r" % (where, k + 1, t))
            if ref and not near(val(t), R[ref]):
                failures.append("%s: matrix %s = %s, NumPy %r" % (where, ref, t, R[ref]))
    if ends and any(e != ends[0] for e in ends):
        failures.append("%s: the matrix's columns do not line up: %s" % (where, ends))
    closing = {len(l) for l in mat[2:]}
    if len(closing) > 1:
        failures.append("%s: the matrix's closing brackets stand in columns %s" % (where, sorted(closing)))


def check_html(html, R, n1, n2, where, failures):
    try:
        doc = xml.dom.minidom.parseString(html)
    except Exception as e:  # noqa: BLE001
        failures.append("%s: the HTML is not well-formed: %s" % (where, e))
        return
    svgs = [s for s in doc.getElementsByTagName("svg") if s.getAttribute("class") == "outer"]
    if len(svgs) != 1:
        failures.append("%s: %d figure SVGs, not 1" % (where, len(svgs)))
        return
    if doc.getElementsByTagName("script"):
        failures.append("%s: a script in the page" % where)
    edges = {}
    for line in svgs[0].getElementsByTagName("line"):
        t = line.getElementsByTagName("title")
        if not t:
            continue
        m = re.match(r"∂L/∂W_\{(\d+),(\d+)\}\[2\] = (\S+)$", t[0].firstChild.data)
        if m:
            edges[(int(m.group(1)) - 1, int(m.group(2)) - 1)] = float(m.group(3))
    if set(edges) != {(j, k) for j in range(n2) for k in range(n1)}:
        failures.append("%s: the SVG's edges are %s" % (where, sorted(edges)))
    for (j, k), v in edges.items():
        if not near(v, R["gW2[%d,%d]" % (j, k)]):
            failures.append("%s: SVG edge W_{%d,%d}: %r, NumPy %r" % (where, j + 1, k + 1, v, R["gW2[%d,%d]" % (j, k)]))


def one(backstep, path, spec, where, failures, tmp):
    R = reference(spec, 0, 0.1)
    n1, n2 = spec["layers"][1], spec["layers"][2]
    base = [backstep, "handout", "000"] + ([path] if path else [])
    rc, text, err = run(base)
    if rc != 0:
        failures.append("%s: exit %d: %s" % (where, rc, err.strip()))
        return
    fig = text_figure(text)
    check_text(fig, R, n1, n2, where + " (text)", failures)
    rc, md, _ = run(base + ["--format", "markdown"])
    fenced = re.search(r"## Figure 1: from scalars to linear algebra\n\n```text\n(.*?)```\n", md, re.S)
    if not fenced or fig is None or fenced.group(1).splitlines() != fig:
        failures.append("%s: the Markdown does not fence the text figure" % where)
    rc, html, _ = run(base + ["--format", "html"])
    check_html(html, R, n1, n2, where + " (html)", failures)
    rc, tex, _ = run(base + ["--format", "latex"])
    if tex.count("\\bsfill}") != n1 * n2:
        failures.append("%s: the LaTeX draws %d edges, not %d" % (where, tex.count("\\bsfill}"), n1 * n2))
    if shutil.which("pdflatex"):
        name = "fig%d" % abs(hash(where))
        with open(os.path.join(tmp, name + ".tex"), "w") as f:
            f.write(tex)
        p = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", name + ".tex"],
                           cwd=tmp, capture_output=True, text=True, timeout=120)
        if p.returncode != 0:
            failures.append("%s: the LaTeX does not compile: %s" % (where, p.stdout[-500:]))
    print("%s: figure of %d edges checked" % (where, n1 * n2))


def main():
    backstep, root = os.path.abspath(sys.argv[1]), sys.argv[2]
    failures = []
    with open(os.path.join(root, "specs", "000-2-3-2-mse.json")) as f:
        shipped = json.load(f)
    # values of very different widths: a tiny activation (7.5e-08), weights
    # of 1e-3 and 1e2, an identity output far from y
    wide = {"convention": "column", "layers": [2, 5, 3], "activations": ["tanh", "identity"],
            "loss": "mse",
            "params": {"W1": [[1e-7, 0], [0.5, -0.25], [2, 1], [-3, 0.125], [0.001, 0.002]],
                       "b1": [0, 0.1, -0.2, 0.3, 0],
                       "W2": [[45.5, -0.001, 0.5, 2, -7.25], [0.001, 0.02, -98.7654, 1, 0],
                              [1, -1, 1, -1, 1]],
                       "b2": [0, 30, -0.5]},
            "x": [0.75, -1.5], "y": [0.5, -2, 1e-3]}
    one_hidden = {"convention": "column", "layers": [3, 1, 2], "activations": ["sigmoid", "sigmoid"],
                  "loss": "mse", "params": {"W1": [[0.2, -0.4, 0.6]], "b1": [0.1],
                                            "W2": [[1.5], [-2.5]], "b2": [0, 0.2]},
                  "x": [1, 0.5, -1], "y": [0, 1]}
    one_output = {"convention": "row", "layers": [2, 4, 1], "activations": ["relu", "sigmoid"],
                  "loss": "mse", "params": {"W1": [[0.3, -0.2, 0.5, 0.1], [0.4, 0.6, -0.3, 0.2]],
                                            "b1": [0.1, 0, -0.1, 0.2],
                                            "W2": [[0.7], [-0.5], [0.25], [1]], "b2": [0.05]},
                  "x": [1, -0.5], "y": [1]}
    # the largest the command accepts: 8 hidden units, 8 outputs
    rng = np.random.default_rng(3)
    largest = {"convention": "column", "layers": [2, 8, 8], "activations": ["tanh", "sigmoid"],
               "loss": "mse",
               "params": {"W1": np.round(rng.uniform(-1, 1, (8, 2)), 3).tolist(),
                          "b1": np.round(rng.uniform(-1, 1, 8), 3).tolist(),
                          "W2": np.round(rng.uniform(-1, 1, (8, 8)), 3).tolist(),
                          "b2": np.round(rng.uniform(-1, 1, 8), 3).tolist()},
               "x": [0.3, -0.7], "y": np.round(rng.uniform(0, 1, 8), 2).tolist()}
    with tempfile.TemporaryDirectory() as tmp:
        one(backstep, None, shipped, "handout 000 on its shipped spec", failures, tmp)
        for name, spec in (("wide", wide), ("2-1-2", one_hidden), ("2-4-1", one_output),
                           ("2-8-8", largest)):
            path = os.path.join(tmp, name + ".json")
            with open(path, "w") as f:
                json.dump(spec, f)
            one(backstep, path, spec, "handout 000 on %s" % name, failures, tmp)
    for f in failures:
        print("FAIL " + f)
    print("%d failures" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
