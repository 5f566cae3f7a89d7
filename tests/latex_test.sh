#!/usr/bin/env bash
# latex_test.sh — the Markdown and LaTeX renderers on the handouts' specs.
#
# usage: bash tests/latex_test.sh BACKSTEP SOURCE_ROOT
#
# For each spec and notation, with --terms --explain:
#   - the Markdown output is well formed: "$$" lines pair up, every table row
#     has as many '|' as its header, no raw nan/inf breaks a table, the
#     verdict line is there;
#   - the LaTeX output (a full document, and a --fragment wrapped in a
#     minimal document) compiles with pdflatex -halt-on-error and is ASCII;
#     overfull boxes are counted and reported, not failed.
# Without pdflatex the LaTeX checks are skipped; if nothing could run at all
# the script exits 77 (meson's skip code).
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [ $# -ne 2 ]; then
    echo "usage: $0 BACKSTEP SOURCE_ROOT" >&2
    exit 2
fi
BACKSTEP=$1
ROOT=$2
SPECS="000-2-3-2-mse.json 4-3-2-1-bce.json 4-5-3-softmax-ce-l2.json mnist-784-200-100-10.json"
NOTATIONS="g partial code"

scratch TMP backstep-latex

# ---------------------------------------------------------------- Markdown

check_markdown() { # file label
    local f=$1 label=$2 problems
    problems=$(awk '
        /^\$\$$/ { dollars++; inmath = !inmath; next }
        inmath { if ($0 == "") print "blank line inside display math at line " NR; next }
        /^\|/ {
            n = gsub(/\|/, "|")
            if (!intable) { intable = 1; want = n; next }
            if (n != want) print "table row with " n " bars, header has " want " at line " NR
            row = $0
            if (row ~ /\| *(nan|-nan|inf|-inf) *\|/) print "raw non-finite value in a table at line " NR
            next
        }
        { intable = 0 }
        END {
            if (dollars % 2) print "odd number of $$ lines (" dollars ")"
            if (inmath) print "display math left open"
        }' "$f")
    if [ -n "$problems" ]; then
        bad "markdown $label: $(echo "$problems" | head -3 | tr '\n' ';')"
        return
    fi
    if ! grep -q '^## Verdict' "$f" || ! grep -q '^## Step 1 of' "$f"; then
        bad "markdown $label: missing the step sections or the verdict"
        return
    fi
    ok
}

for spec in $SPECS; do
    for nt in $NOTATIONS; do
        label="$spec $nt"
        out="$TMP/md.md"
        if ! "$BACKSTEP" trace "$ROOT/specs/$spec" --format markdown --notation "$nt" \
                --terms --explain >"$out" 2>"$TMP/err"; then
            # a failing check exits non-zero but still renders; empty output is an error
            if [ ! -s "$out" ]; then
                bad "markdown $label: no output ($(head -c 200 "$TMP/err"))"
                continue
            fi
        fi
        check_markdown "$out" "$label"
    done
done

# determinism
"$BACKSTEP" trace "$ROOT/specs/4-5-3-softmax-ce-l2.json" --format markdown --terms >"$TMP/d1" 2>/dev/null
"$BACKSTEP" trace "$ROOT/specs/4-5-3-softmax-ce-l2.json" --format markdown --terms >"$TMP/d2" 2>/dev/null
if cmp -s "$TMP/d1" "$TMP/d2" && [ -s "$TMP/d1" ]; then ok; else bad "markdown is not deterministic"; fi

# non-finite values: a spec whose forward pass overflows
cat >"$TMP/overflow.json" <<'EOF'
{
  "name": "overflow",
  "layers": [2, 2, 1],
  "activations": ["identity", "identity"],
  "loss": "mse",
  "params": {
    "W1": [[1e200, 1e200], [1e200, 1e200]],
    "b1": [0, 0],
    "W2": [[1e200], [-1e200]],
    "b2": [0]
  },
  "x": [1e200, 1e200],
  "y": [1]
}
EOF
"$BACKSTEP" trace "$TMP/overflow.json" --format markdown --terms --explain >"$TMP/nf.md" 2>/dev/null
if [ -s "$TMP/nf.md" ]; then
    check_markdown "$TMP/nf.md" "non-finite"
else
    bad "markdown non-finite: no output"
fi

# ------------------------------------------------------------------ LaTeX

if ! command -v pdflatex >/dev/null 2>&1; then
    echo "SKIP: pdflatex not found"
    echo "$pass passed, $fail failed"
    if [ "$fail" -gt 0 ]; then exit 1; fi
    exit 77
fi

compile() { # dir label: compiles $dir/doc.tex
    local dir=$1 label=$2 overfull
    if ! (cd "$dir" && pdflatex -interaction=nonstopmode -halt-on-error doc.tex \
            >/dev/null 2>&1 </dev/null); then
        bad "latex $label: pdflatex failed: $(grep -m1 -A2 '^!' "$dir/doc.log" | tr '\n' ' ')"
        return 1
    fi
    if [ ! -s "$dir/doc.pdf" ]; then
        bad "latex $label: no PDF"
        return 1
    fi
    overfull=$(grep -c 'Overfull \\hbox' "$dir/doc.log")
    if [ "$overfull" -gt 0 ]; then
        echo "note: latex $label: $overfull overfull hbox(es)"
    fi
    ok
}

ascii_only() { # file label
    if LC_ALL=C grep -q '[^ -~	]' "$1"; then
        bad "latex $2: non-ASCII output: $(LC_ALL=C grep -n -m1 '[^ -~	]' "$1" | head -c 120)"
        return 1
    fi
    ok
}

run_latex() { # spec-path label extra-args...
    local spec=$1 label=$2 dir
    shift 2
    dir="$TMP/tex-$(echo "$label" | tr -c 'A-Za-z0-9' '_')"
    mkdir -p "$dir"
    "$BACKSTEP" trace "$spec" --format latex "$@" >"$dir/doc.tex" 2>"$dir/err"
    if [ ! -s "$dir/doc.tex" ]; then
        bad "latex $label: no output ($(head -c 200 "$dir/err"))"
        return
    fi
    ascii_only "$dir/doc.tex" "$label" || return
    compile "$dir" "$label"
    rm -rf "$dir"
}

for spec in $SPECS; do
    for nt in $NOTATIONS; do
        run_latex "$ROOT/specs/$spec" "$spec $nt" --notation "$nt" --terms --explain
    done
done
run_latex "$ROOT/specs/000-2-3-2-mse.json" "000 plain"
run_latex "$TMP/overflow.json" "non-finite" --terms --explain
run_latex "$ROOT/tests/claims-4-3-2-1.json" "claims"

# a fragment has no preamble and compiles inside a minimal document
dir="$TMP/fragment"
mkdir -p "$dir"
"$BACKSTEP" trace "$ROOT/specs/4-5-3-softmax-ce-l2.json" --format latex --fragment --terms \
    --explain >"$dir/body.tex" 2>/dev/null
if grep -q 'documentclass\|begin{document}' "$dir/body.tex" || [ ! -s "$dir/body.tex" ]; then
    bad "latex fragment: has a preamble or is empty"
else
    ok
    {
        printf '\\documentclass{article}\n\\usepackage{amsmath,amssymb,booktabs}\n'
        printf '\\begin{document}\n\\input{body}\n\\end{document}\n'
    } >"$dir/doc.tex"
    compile "$dir" "fragment"
fi

finish
