#!/usr/bin/env bash
# backstep init: every scaffold traces cleanly, for many shapes, activations,
# losses, conventions and seeds; the same arguments give the same bytes; an
# existing file is kept unless --force; bad arguments are named.
#   bash tests/init_test.sh BACKSTEP
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
backstep=$(realpath "$1")
scratch tmp backstep-init

# each scaffold into a file of its own; then one check of them all, which
# passes only when every one traces cleanly (one process instead of one a
# scaffold); when it does not, each is checked alone to name the failures
refusable='needs (a softmax output layer|outputs in \(0, 1\))|single output'
specs=()
names=()
n=0
for layers in 1-1 2-1 4-3-2-1 2-3-2 3-5-4-3 8-16-8-4-2; do
  for acts in "" sigmoid tanh relu leaky_relu; do
    for loss in "" mse bce cross_entropy; do
      # every shape, activation and loss together; the convention and the
      # seed take their four pairs in turn, each on a quarter of them (a
      # process costs more than the scaffold it makes)
      for conv in $( ((n % 2)) && echo column || echo row); do
        for seed in $( ((n / 2 % 2)) && echo 7 || echo 1); do
          args=(init "$layers" --convention "$conv" --seed "$seed")
          [ -n "$acts" ] && args+=(--activations "$acts")
          [ -n "$loss" ] && args+=(--loss "$loss")
          n=$((n + 1))
          "$backstep" "${args[@]}" > "$tmp/s$n.json" 2> "$tmp/err"
          rc=$?
          if [ "$rc" -eq 2 ]; then
            # only combinations the spec format forbids may be refused: a
            # hidden-layer activation as a log loss's output, softmax or
            # cross_entropy on one output
            err=
            IFS= read -r -d '' err < "$tmp/err"
            if [[ $err =~ $refusable ]]; then
              ok
            else
              bad "init ${args[*]} refused: $(cat "$tmp/err")"
            fi
            continue
          fi
          [ "$rc" -eq 0 ] || { bad "init ${args[*]} exited $rc"; continue; }
          specs+=("$tmp/s$n.json")
          names+=("${args[*]}")
        done
      done
    done
  done
done
if "$backstep" check "${specs[@]}" > "$tmp/out" 2>&1; then
  for s in "${specs[@]}"; do ok; done
else
  for i in "${!specs[@]}"; do
    if "$backstep" check "${specs[$i]}" > "$tmp/out" 2>&1; then
      ok
    else
      bad "init ${names[$i]} does not trace cleanly: $(cat "$tmp/out")"
    fi
  done
fi

# determinism, and different seeds give different numbers
"$backstep" init 4-3-2-1 --seed 5 > "$tmp/a"; "$backstep" init 4-3-2-1 --seed 5 > "$tmp/b"
cmp -s "$tmp/a" "$tmp/b" && ok || bad "init is not deterministic"
"$backstep" init 4-3-2-1 --seed 6 > "$tmp/c"
cmp -s "$tmp/a" "$tmp/c" && bad "seeds 5 and 6 gave the same spec" || ok
# every field carries a comment
for f in convention layers activations loss batch_reduction l2 params x y; do
  grep -q "\"//$f\"" "$tmp/a" && ok || bad "no //$f comment"
done

# -o, refusing to overwrite, --force
"$backstep" init 2-2-1 -o "$tmp/new.json" && [ -s "$tmp/new.json" ] && ok || bad "-o did not write"
echo keep > "$tmp/old.json"
"$backstep" init 2-2-1 -o "$tmp/old.json" 2> "$tmp/err"
[ $? -eq 2 ] && grep -q "refusing to overwrite" "$tmp/err" && [ "$(cat "$tmp/old.json")" = keep ] \
  && ok || bad "an existing file was not kept"
"$backstep" init 2-2-1 -o "$tmp/old.json" --force && "$backstep" check "$tmp/old.json" >/dev/null \
  && ok || bad "--force did not replace the file with a working spec"
ls "$tmp"/.backstep-* >/dev/null 2>&1 && bad "a temporary file was left behind" || ok

# bad arguments name what is wrong
check_bad() { # expected phrase, then arguments
  local phrase=$1
  shift
  "$backstep" init "$@" > /dev/null 2> "$tmp/err"
  [ $? -eq 2 ] && grep -q -- "$phrase" "$tmp/err" && ok || bad "init $* → $(cat "$tmp/err")"
}
check_bad "like 4-3-2-1" 4-x
check_bad "like 4-3-2-1" 4
check_bad "at least 1" 4-0-1
check_bad 'did you mean "sigmoid"' 3-3 --activations sigmoide
check_bad "expected 2 names" 3-3-1 --activations sigmoid,tanh,relu
check_bad 'did you mean "bce"' 3-1 --loss bec
check_bad "at most 64 units" 3-100-1
check_bad "needs the layer sizes"
check_bad 'unknown convention' 3-1 --convention diagonal

finish
