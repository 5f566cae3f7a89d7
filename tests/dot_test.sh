#!/usr/bin/env bash
# dot_test.sh — tests of the Graphviz renderer (backstep trace --format dot).
#
#   bash tests/dot_test.sh BACKSTEP_BINARY SOURCE_ROOT
#
# Every shipped spec (SOURCE_ROOT/specs/*.json) is rendered in each notation
# and laid out with `dot -Tsvg`, which must succeed without warnings.  The
# 4-3-2-1 network is counted (neurons, weight edges, the loss), the column
# convention's indices and the collapse of the MNIST network are checked,
# and two made-up specs exercise escaping and non-finite values.  The
# renderer's identifiers, which the counts rely on, are described at the top
# of src/render/bs_render_dot.c: neurons "aL_J", collapsed layers "aL", the loss
# "loss"; weight edges id="wL_I_J", collapsed weight edges id="WL".
#
# Each check is one pass or one failure; each failure prints one line, and
# the last line is "N passed, M failed" (exit status 1 when M > 0).  Without
# Graphviz the script prints "SKIP: graphviz not found" and exits 77.

set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [ $# -ne 2 ]; then
    echo "usage: bash tests/dot_test.sh BACKSTEP_BINARY SOURCE_ROOT" >&2
    exit 2
fi

abspath() { (cd "$(dirname "$1")" && printf '%s/%s\n' "$(pwd -P)" "$(basename "$1")"); }
BS=$(abspath "$1")
ROOT=$(cd "$2" && pwd -P) || { echo "dot_test.sh: no such directory: $2" >&2; exit 2; }
if [ ! -x "$BS" ] || [ -d "$BS" ]; then
    echo "dot_test.sh: not an executable: $1" >&2
    exit 2
fi
SPECS="$ROOT/specs"

if ! command -v dot >/dev/null 2>&1; then
    echo "SKIP: graphviz not found"
    exit 77
fi

export LC_ALL=C      # byte-wise grep; the labels hold UTF-8 (₁, ∂, ×, …)

scratch T backstep-dot

# render OUT ARGS...: runs backstep trace ARGS --format dot into OUT; sets RC.
render() {
    local out=$1; shift
    ${LIB_TO[@]+"${LIB_TO[@]}"} "$BS" trace "$@" --format dot </dev/null >"$out" 2>"$T/bs.err"
    RC=$?
}

# layout DESC FILE: dot -Tsvg must exit 0, stay silent and write an <svg>.
layout() {
    local desc=$1 f=$2
    if ! ${LIB_TO[@]+"${LIB_TO[@]}"} dot -Tsvg "$f" >"$f.svg" 2>"$T/dot.err"; then
        fail "$desc: dot -Tsvg failed: $(head -c 300 "$T/dot.err" | tr '\n' '|')"
    elif [ -s "$T/dot.err" ]; then
        fail "$desc: dot -Tsvg warned: $(head -c 300 "$T/dot.err" | tr '\n' '|')"
    elif ! grep -q '<svg' "$f.svg"; then
        fail "$desc: dot -Tsvg wrote no <svg"
    else
        pass
    fi
}

# count FILE REGEX: lines of FILE matching the extended regex.
count() { grep -cE -- "$2" "$1"; }

# expect_count DESC FILE REGEX N
expect_count() {
    local n
    n=$(count "$2" "$3")
    if [ "$n" = "$4" ]; then pass; else fail "$1: expected $4 lines matching /$3/, found $n"; fi
}


NEURON='^ *a[0-9]+_[0-9]+ \[label='
LAYER='^ *a[0-9]+ \[label='
WEIGHT='id="w[0-9]+_[0-9]+_[0-9]+"'
WMATRIX='id="W[0-9]+"'
LOSS='^ *loss \[label="L = '
TOLOSS='-> loss \['

# ---- every shipped spec, every notation -------------------------------------

shopt -s nullglob
specs=("$SPECS"/*.json)
if [ ${#specs[@]} -eq 0 ]; then
    fail "no specs found in $SPECS"
fi
for spec in "${specs[@]}"; do
    name=$(basename "$spec" .json)
    for nt in g partial code; do
        out="$T/$name.$nt.dot"
        render "$out" "$spec" --notation "$nt"
        if [ "$RC" -ne 0 ]; then
            fail "$name ($nt): backstep exited $RC: $(head -c 300 "$T/bs.err" | tr '\n' '|')"
            continue
        fi
        if head -n 1 "$out" | grep -q '^digraph backstep {$' && tail -n 1 "$out" | grep -q '^}$'; then
            pass
        else
            fail "$name ($nt): not a digraph"
        fi
        layout "$name ($nt)" "$out"
        expect_count "$name ($nt): one loss node" "$out" "$LOSS" 1
    done
    # deterministic: the same text twice
    render "$T/again.dot" "$spec"
    if cmp -s "$T/again.dot" "$T/$name.g.dot"; then pass; else fail "$name: output differs between two runs"; fi
done

# ---- 4-3-2-1: every neuron and every weight --------------------------------

f="$T/4-3-2-1-bce.g.dot"
if [ -s "$f" ]; then
    expect_count "4-3-2-1: neurons 4+3+2+1" "$f" "$NEURON" 10
    expect_count "4-3-2-1: weight edges 4·3+3·2+2·1" "$f" "$WEIGHT" 20
    expect_count "4-3-2-1: no collapsed layer" "$f" "$LAYER" 0
    expect_count "4-3-2-1: edges into the loss" "$f" "$TOLOSS" 1
    expect_count "4-3-2-1: clusters" "$f" '^ *subgraph cluster_[0-9]+ \{' 4
    # what Graphviz itself sees: 11 nodes, 21 edges
    if dot -Tplain "$f" >"$T/plain" 2>/dev/null; then
        expect_count "4-3-2-1: nodes laid out" "$T/plain" '^node ' 11
        expect_count "4-3-2-1: edges laid out" "$T/plain" '^edge ' 21
    else
        fail "4-3-2-1: dot -Tplain failed"
    fi
    assert_contains "4-3-2-1: forward value" "$f" 'a[1]₁ = 0.5963'
    assert_contains "4-3-2-1: gradient, g notation" "$f" 'g[1a]₁ = -0.0334'
    assert_contains "4-3-2-1: weight" "$f" 'a0_1 -> a1_1 [id="w1_1_1", label="W[1]₁,₁ = 0.1\ng[1W]₁,₁ = -0.00402"'
    assert_contains "4-3-2-1: target at the output" "$f" 'y₁ = 1'
    assert_contains "4-3-2-1: loss" "$f" 'L = 0.5308'
    assert_contains "4-3-2-1: layer title" "$f" 'label="hidden 1 · a[1] · 3 units · sigmoid"'
    assert_contains "4-3-2-1: left to right" "$f" 'rankdir=LR'
fi
f="$T/4-3-2-1-bce.partial.dot"
[ -s "$f" ] && assert_contains "4-3-2-1: gradient, partial notation" "$f" '∂L/∂a[1]₁ = -0.0334'
f="$T/4-3-2-1-bce.code.dot"
[ -s "$f" ] && assert_contains "4-3-2-1: gradient, code notation" "$f" 'da1₁ = -0.0334'

render "$T/p2.dot" "$SPECS/4-3-2-1-bce.json" --precision 2
if [ "$RC" -eq 0 ]; then
    assert_contains "--precision 2" "$T/p2.dot" 'L = 0.53\n'
    assert_contains "--precision 2, a weight's gradient" "$T/p2.dot" 'g[1W]₁,₁ = -0.004"'
else
    fail "--precision 2: backstep exited $RC"
fi

# ---- column convention: W[n] indexed output first --------------------------

f="$T/000-2-3-2-mse.g.dot"
if [ -s "$f" ]; then
    assert_contains "column convention: W[1]₂,₁ on the edge x₁ → a[1]₂" "$f" \
        'a0_1 -> a1_2 [id="w1_1_2", label="W[1]₂,₁ = 0.35'
    expect_count "2-3-2: weight edges" "$f" "$WEIGHT" 12
fi

# ---- a batch: example 1, said so -------------------------------------------

f="$T/4-5-3-softmax-ce-l2.g.dot"
if [ -s "$f" ]; then
    assert_contains "batch: the graph label says which example" "$f" 'neurons show example 1'
    expect_count "4-5-3: weight edges" "$f" "$WEIGHT" 35
fi

# ---- MNIST: large layers collapse ------------------------------------------

f="$T/mnist-784-200-100-10.g.dot"
if [ -s "$f" ]; then
    if dot -Tplain "$f" >"$T/plain" 2>/dev/null; then
        n=$(count "$T/plain" '^node ')
        if [ "$n" -le 40 ]; then pass; else fail "mnist: $n nodes laid out, expected at most 40"; fi
        n=$(count "$T/plain" '^edge ')
        if [ "$n" -le 40 ]; then pass; else fail "mnist: $n edges laid out, expected at most 40"; fi
    else
        fail "mnist: dot -Tplain failed"
    fi
    expect_count "mnist: collapsed layers 784, 200, 100" "$f" "$LAYER" 3
    expect_count "mnist: output neurons" "$f" "$NEURON" 10
    expect_count "mnist: one edge per weight matrix" "$f" "$WMATRIX" 3
    expect_count "mnist: no single-weight edges" "$f" "$WEIGHT" 0
    assert_contains "mnist: collapsed layer's shape" "$f" 'a[1]: 32×200 (sigmoid)'
    assert_contains "mnist: collapsed edge's shape" "$f" 'W[2], g[2W]: 200×100'
    assert_contains "mnist: into the expanded output layer" "$f" 'lhead=cluster_3'
fi

# ---- escaping and non-finite values ----------------------------------------

cat >"$T/odd.json" <<'EOF'
{"name": "odd \"quoted\" name \\ with a backslash, \\n not a break,\na break and\ta tab",
 "layers": [2, 2, 1], "activations": ["identity", "identity"], "loss": "mse",
 "params": {"W1": [[1e308, 1e308], [1e308, 1e308]], "b1": [0, 0],
            "W2": [[1e308], [-1e308]], "b2": [0]},
 "x": [10, 10], "y": [1]}
EOF
render "$T/odd.dot" "$T/odd.json"
if [ -s "$T/odd.dot" ]; then
    pass
    layout "odd name, non-finite values" "$T/odd.dot"
    assert_contains "escaped quotes and backslashes" "$T/odd.dot" \
        'label="odd \"quoted\" name \\ with a backslash, \\n not a break,\na break and a tab\n'
    assert_contains "quotes survive the layout" "$T/odd.dot.svg" 'odd &quot;quoted&quot; name \ with a backslash, \n not a break,'
    assert_contains "inf printed as text" "$T/odd.dot" '= inf'
    assert_contains "nan printed as text" "$T/odd.dot" '= nan'
else
    fail "odd name, non-finite values: no output (backstep exited $RC)"
fi

finish
