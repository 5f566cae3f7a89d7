#!/usr/bin/env bash
# meson install into a DESTDIR: the installed binary runs a shipped spec by
# name, `man -l` renders the page without warnings, bash completes
# `backstep tr<TAB>` to `trace train`, and every option the parser accepts is in
# the man page.
#   bash tests/install_test.sh BUILD_DIR SOURCE_ROOT
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
build=$(realpath "$1")
src=$(realpath "$2")
scratch tmp backstep-install

if ! meson install -C "$build" --destdir "$tmp/root" --no-rebuild --quiet >"$tmp/log" 2>&1; then
  cat "$tmp/log"
  echo "0 passed, 1 failed"
  exit 1
fi
prefix=$(meson introspect "$build" --buildoptions | python3 -c 'import json,sys; print([o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"][0])')
datadir=$(meson introspect "$build" --buildoptions | python3 -c 'import json,sys; print([o["value"] for o in json.load(sys.stdin) if o["name"] == "datadir"][0])')
root="$tmp/root$prefix"
bin="$root/bin/backstep"
[ -x "$bin" ] && ok || bad "no installed binary at $bin"
specs="$root/$datadir/backstep/specs"
[ -f "$specs/4-3-2-1-bce.json" ] && ok || bad "shipped specs not installed in $specs"
[ -f "$root/$datadir/doc/backstep/README.md" ] && ok || bad "README not installed"
[ -f "$root/$datadir/doc/backstep/docs/spec-format.md" ] && ok || bad "docs not installed"
# every program (and spec) of tests/ that docs/compare.md offers as an
# example is installed with the docs, where compare.md says it is
examples="$root/$datadir/doc/backstep/examples"
grep -q 'share/doc/backstep/examples/' "$root/$datadir/doc/backstep/docs/compare.md" && ok || bad "compare.md does not say where the examples are installed"
named=$(grep -oE 'tests/(recipes/)?[A-Za-z0-9_.-]+\.(py|json)' "$src/docs/compare.md" | sort -u)
[ -n "$named" ] && ok || bad "compare.md names no example program"
for f in $named; do
  [ -f "$examples/$(basename "$f")" ] && ok || bad "$f, named in docs/compare.md, is not installed in $examples"
done

# a shipped spec by name, from another directory
(cd "$tmp" && BACKSTEP_SPECS_DIR="$specs" "$bin" check 4-3-2-1-bce > "$tmp/out" 2> "$tmp/err")
[ $? -eq 0 ] && grep -q "PASS" "$tmp/out" && ok || bad "installed backstep check 4-3-2-1-bce"
grep -q "running the shipped spec $specs/4-3-2-1-bce.json" "$tmp/err" && ok || bad "no note on stderr: $(cat "$tmp/err")"
(cd "$tmp" && BACKSTEP_SPECS_DIR="$specs" "$bin" examples > "$tmp/ex")
grep -q "^  mnist-784-200-100-10 .*784-200-100-10 .*002" "$tmp/ex" && ok || bad "examples: $(cat "$tmp/ex")"
# a file wins over a name
echo '{"layers": [1, 1], "activations": "identity", "loss": "mse", "params": {"W1": [[1]], "b1": [0]}, "x": [1], "y": [0]}' > "$tmp/4-3-2-1-bce"
(cd "$tmp" && BACKSTEP_SPECS_DIR="$specs" "$bin" check 4-3-2-1-bce > "$tmp/out" 2> "$tmp/err")
grep -q "4 of 4 elements" "$tmp/out" && [ ! -s "$tmp/err" ] && ok || bad "a file did not win over a name"

# the man page
man="$root/$datadir/man/man1/backstep.1"
[ -f "$man" ] && ok || bad "no man page at $man"
if command -v man >/dev/null; then
  MANWIDTH=80 man --warnings -l "$man" > "$tmp/man.txt" 2> "$tmp/man.err"
  [ $? -eq 0 ] && [ ! -s "$tmp/man.err" ] && ok || bad "man warnings: $(cat "$tmp/man.err")"
  grep -q "backstep trace 4-3-2-1-bce" "$tmp/man.txt" && ok || bad "man page lacks the examples"
else
  echo "SKIP: man not found (the page was not rendered)"
fi
# every option of the parser's table is in the man page and in the completion
# (a table this test cannot find is a failure, not an empty loop)
[ "$(grep -cE '^    \{"-[-a-z]+"' "$src/src/cli/cli_options.c")" -ge 10 ] && ok || bad "the options table of src/cli/cli_options.c was not found"
[ "$(grep -cE '\{"[a-z]+", CMD_[A-Z]+, cmd_' "$src/src/cli/main.c")" -ge 5 ] && ok || bad "the commands table of src/cli/main.c was not found"
for opt in $(grep -oE '^    \{"-[-a-z]+"' "$src/src/cli/cli_options.c" | sed -E 's/.*"(-[-a-z]+)"/\1/' | sort -u); do
  esc=$(printf '%s' "$opt" | sed 's/-/\\\\-/g')
  grep -q -- "$esc" "$man" && ok || bad "option $opt missing from the man page"
  grep -q -- "$opt" "$root/$datadir/bash-completion/completions/backstep" && ok || bad "option $opt missing from the completion"
done

# every command of the dispatch table is in the man page's synopsis, the
# completion and `backstep help COMMAND`
for cmd in $(grep -oE '\{"[a-z]+", CMD_[A-Z]+, cmd_' "$src/src/cli/main.c" | sed -E 's/\{"([a-z]+)".*/\1/'); do
  grep -q "^\.B backstep $cmd\$" "$man" && ok || bad "command $cmd missing from the man page's synopsis"
  grep -q "local commands=.*\b$cmd\b" "$root/$datadir/bash-completion/completions/backstep" && ok || bad "command $cmd missing from the completion"
  "$bin" help "$cmd" > /dev/null 2>&1 && ok || bad "backstep help $cmd fails"
done

# bash completion
comp="$root/$datadir/bash-completion/completions/backstep"
out=$(bash -c 'source "$1"; complete -p backstep >/dev/null || exit 3
  COMP_WORDS=(backstep tr); COMP_CWORD=1; _backstep; echo "${COMPREPLY[*]}"' _ "$comp")
[ "$out" = "trace train" ] && ok || bad "backstep tr<TAB> completed to '$out'"
out=$(bash -c 'source "$1"; COMP_WORDS=(backstep trace x --format m); COMP_CWORD=4; _backstep; echo "${COMPREPLY[*]}"' _ "$comp")
[ "$out" = markdown ] && ok || bad "--format m<TAB> completed to '$out'"
out=$(bash -c 'source "$1"; COMP_WORDS=(backstep check x --format j); COMP_CWORD=4; _backstep; echo "${COMPREPLY[*]}"' _ "$comp")
[ "$out" = "json junit" ] && ok || bad "check --format j<TAB> completed to '$out'"
out=$(bash -c 'source "$1"; COMP_WORDS=(backstep init 4-3-1 --activations sigmoid,ta); COMP_CWORD=4; _backstep; echo "${COMPREPLY[*]}"' _ "$comp")
[ "$out" = "sigmoid,tanh" ] && ok || bad "--activations sigmoid,ta<TAB> completed to '$out'"

finish
