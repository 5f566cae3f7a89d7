#!/usr/bin/env bash
# Regenerates docs/walkthroughs/NNN.md (an introduction from
# docs/walkthroughs/intro/NNN.md followed by `backstep handout NNN --format
# markdown`) and
# fails when a page in the repository is stale.
#
#   bash tests/walkthroughs.sh BACKSTEP SOURCE_ROOT            check
#   bash tests/walkthroughs.sh BACKSTEP SOURCE_ROOT --update   rewrite the pages
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
backstep=$(realpath "$1")
cd "$2" || exit 2
update=${3:-}
page() { # number, then backstep's arguments
  local n=$1
  shift
  local out
  out=$({ cat "docs/walkthroughs/intro/$n.md"; "$backstep" "$@"; } 2>/dev/null; printf x)
  out=${out%x}
  if [ "$update" = "--update" ]; then
    printf '%s' "$out" > "docs/walkthroughs/$n.md"
    pass=$((pass + 1))
  elif printf '%s' "$out" | cmp -s - "docs/walkthroughs/$n.md"; then
    pass=$((pass + 1))
  else
    echo "FAIL docs/walkthroughs/$n.md is stale: run bash tests/walkthroughs.sh BACKSTEP . --update"
    fail=$((fail + 1))
  fi
}
page 000 handout 000 --format markdown
page 001 handout 001 --format markdown
page 002 handout 002 --format markdown
finish
