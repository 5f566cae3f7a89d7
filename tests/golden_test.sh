#!/usr/bin/env bash
# Golden-file tests: every case in tests/golden/CASES is run from the source
# root and its standard output compared byte for byte with tests/golden/NAME.
#
#   bash tests/golden_test.sh BACKSTEP SOURCE_ROOT            compare
#   bash tests/golden_test.sh BACKSTEP SOURCE_ROOT --update   rewrite the files
#
# After --update, review the changes with `git diff tests/golden` like code.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
backstep=$(realpath "$1")
root=$2
update=${3:-}
cd "$root" || exit 2
while IFS=$'\t' read -r name args; do
  case "$name" in ''|'#'*) continue ;; esac
  # shellcheck disable=SC2086
  out=$("$backstep" $args 2>/dev/null; printf x)
  out=${out%x}
  if [ "$update" = "--update" ]; then
    printf '%s' "$out" > "tests/golden/$name"
    pass=$((pass + 1))
  elif [ ! -f "tests/golden/$name" ]; then
    echo "FAIL $name: no golden file (run with --update and review it)"
    fail=$((fail + 1))
  elif printf '%s' "$out" | cmp -s - "tests/golden/$name"; then
    pass=$((pass + 1))
  else
    echo "FAIL $name: output differs from tests/golden/$name:"
    printf '%s' "$out" | diff -u "tests/golden/$name" - | head -20
    fail=$((fail + 1))
  fi
done < tests/golden/CASES
finish
