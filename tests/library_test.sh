#!/usr/bin/env bash
# libbackstep as another program sees it: meson install into a DESTDIR; the
# shared library exports exactly the API of backstep.h (nm -D) and carries
# its version in the soname (readelf -d); it calls no exit() and no
# printing function of its own; backstep.h compiles on its own;
# docs/example.c builds with `cc example.c $(pkg-config --cflags --libs
# backstep)` against the installed files, runs, and names the planted
# mistake; the same program links the static library too.
#   bash tests/library_test.sh BUILD_DIR SOURCE_ROOT CC SANITIZE
# CC is the build's compiler and SANITIZE its b_sanitize option ("none", or
# e.g. "address,undefined"), so that a sanitized library links.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
build=$(realpath "$1")
src=$(realpath "$2")
cc=${3:-cc}
sanitize=${4:-none}
scratch tmp backstep-library

for tool in nm readelf pkg-config; do
  if ! command -v "$tool" >/dev/null; then
    echo "FAIL: $tool is needed"
    exit 1
  fi
done

if ! meson install -C "$build" --destdir "$tmp/root" --no-rebuild --quiet >"$tmp/log" 2>&1; then
  cat "$tmp/log"
  echo "0 passed, 1 failed"
  exit 1
fi
option() {
  meson introspect "$build" --buildoptions |
    python3 -c 'import json,sys; print([o["value"] for o in json.load(sys.stdin) if o["name"] == sys.argv[1]][0])' "$1"
}
prefix=$(option prefix)
libdir=$(option libdir)
includedir=$(option includedir)
version=$(meson introspect "$build" --projectinfo | python3 -c 'import json,sys; print(json.load(sys.stdin)["version"])')
root="$tmp/root$prefix"
case "$libdir" in /*) lib="$tmp/root$libdir" ;; *) lib="$root/$libdir" ;; esac

so="$lib/libbackstep.so.$version"
[ -f "$so" ] && ok || bad "no shared library at $so"
[ -L "$lib/libbackstep.so.0" ] && [ -L "$lib/libbackstep.so" ] && ok || bad "no libbackstep.so.0 and libbackstep.so links in $lib"
[ -f "$lib/libbackstep.a" ] && ok || bad "no static library in $lib"
[ -f "$root/$includedir/backstep.h" ] && ok || bad "backstep.h not installed in $root/$includedir"
pc="$lib/pkgconfig/backstep.pc"
[ -f "$pc" ] && ok || bad "backstep.pc not installed in $lib/pkgconfig"

# the soname carries the major version
soname=$(readelf -d "$so" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
[ "$soname" = "libbackstep.so.0" ] && ok || bad "soname is '$soname', expected libbackstep.so.0"

# exported: the API of backstep.h, and nothing else
nm -D --defined-only "$so" | awk '$2 ~ /^[A-Za-z]$/ {print $3}' | sort > "$tmp/exported"
others=$(grep -v '^bs_' "$tmp/exported" | tr '\n' ' ')
[ -z "$others" ] && ok || bad "symbols exported without the bs_ prefix: $others"
sed -n 's/^BS_API [^(]*[ *]\(bs_[a-z_]*\)(.*/\1/p' "$src/src/api/backstep.h" | sort > "$tmp/declared"
[ "$(wc -l < "$tmp/declared")" -ge 30 ] && ok || bad "read only $(wc -l < "$tmp/declared") declarations from backstep.h"
if diff "$tmp/declared" "$tmp/exported" > "$tmp/diff"; then ok; else bad "exported ≠ declared: $(tr '\n' ' ' < "$tmp/diff")"; fi
for f in bs_spec_load_file bs_spec_load_string bs_run_create bs_run_check bs_run_find \
         bs_grad_set_put bs_run_compare bs_comparison_step bs_run_render bs_run_render_string; do
  grep -qx "$f" "$tmp/exported" && ok || bad "$f is not exported"
done
for f in bs_trace_build bs_net_load_file bs_compare_run bs_render cJSON_Parse; do
  grep -qx "$f" "$tmp/exported" && bad "internal $f is exported" || ok
done

# the library never prints on its own nor exits: it calls none of these
nm -D --undefined-only "$so" | awk '{print $2}' | sed 's/@.*//' > "$tmp/undefined"
for f in exit _exit abort printf puts putchar fprintf fputs perror stdout stderr; do
  grep -qx "$f" "$tmp/undefined" && bad "the shared library calls $f" || ok
done

san=()
if [ "$sanitize" != none ] && [ -n "$sanitize" ]; then
  san=("-fsanitize=$sanitize")
fi

# the public header stands alone: C11 and C++ (when there is one), pedantic
printf '#include <backstep.h>\nint main(void) { bs_lib_error e; (void)e; return 0; }\n' > "$tmp/alone.c"
$cc -std=c11 -Wall -Wextra -pedantic -Werror -fsyntax-only -I"$root/$includedir" "$tmp/alone.c" \
  2> "$tmp/alone.err" && ok || bad "backstep.h does not compile alone: $(cat "$tmp/alone.err")"

# docs/example.c against the installed library, as its manual says
export PKG_CONFIG_PATH="$lib/pkgconfig"
pkgc=(pkg-config --define-variable=prefix="$root")
flags=$("${pkgc[@]}" --cflags --libs backstep)
echo "$flags" | grep -q -- "-I$root/$includedir" && echo "$flags" | grep -q -- "-L$lib" && ok ||
  bad "pkg-config --cflags --libs gave '$flags'"
grep -q '^Requires.private:.*libcjson' "$pc" && grep -q '^Libs.private:.*-lm' "$pc" && ok ||
  bad "backstep.pc lacks libcjson or -lm: $(cat "$pc")"
cp "$src/docs/example.c" "$tmp/example.c"
if (cd "$tmp" && $cc "${san[@]}" example.c $flags -o example) 2> "$tmp/cc.err"; then ok; else
  bad "cc example.c \$(pkg-config --cflags --libs backstep): $(cat "$tmp/cc.err")"
fi
if [ -x "$tmp/example" ]; then
  readelf -d "$tmp/example" | grep -q 'NEEDED.*\[libbackstep.so.0\]' && ok ||
    bad "the example does not load libbackstep.so.0"
  LD_LIBRARY_PATH="$lib" "$tmp/example" > "$tmp/right.out" 2> "$tmp/right.err"
  rc=$?
  [ $rc -eq 0 ] && grep -q "all 12 gradients agree" "$tmp/right.out" && [ ! -s "$tmp/right.err" ] && ok ||
    bad "example without the mistake: exit $rc, $(cat "$tmp/right.out" "$tmp/right.err")"
  LD_LIBRARY_PATH="$lib" "$tmp/example" --plant > "$tmp/plant.out" 2> "$tmp/plant.err"
  rc=$?
  [ $rc -eq 1 ] && ok || bad "example --plant exited $rc, expected 1: $(cat "$tmp/plant.err")"
  grep -q "^first wrong step: dz2; mistake: no-derivative (activation derivative left out)$" \
    "$tmp/plant.out" && ok || bad "example --plant did not name the mistake: $(cat "$tmp/plant.out")"
  grep -q "dz2 matches the result of leaving out sigmoid'(z2) in dz2" "$tmp/plant.out" && ok ||
    bad "example --plant lacks the diagnosis: $(cat "$tmp/plant.out")"
  grep -q "^  dW2   3×2       inherits the error of dz2" "$tmp/plant.out" && ok ||
    bad "example --plant: dW2 does not inherit: $(cat "$tmp/plant.out")"
fi

# the same program against the static library (pkg-config --static)
static_libs=$("${pkgc[@]}" --static --libs-only-l --libs-only-other backstep | sed 's/-lbackstep//')
if (cd "$tmp" && $cc "${san[@]}" example.c $("${pkgc[@]}" --cflags backstep) \
      $("${pkgc[@]}" --libs-only-L backstep) -Wl,-Bstatic -lbackstep -Wl,-Bdynamic $static_libs \
      -o example-static) 2> "$tmp/cc-static.err"; then
  ok
  readelf -d "$tmp/example-static" | grep -q 'libbackstep' && bad "example-static loads libbackstep.so" || ok
  "$tmp/example-static" --plant > "$tmp/static.out" 2>&1
  [ $? -eq 1 ] && grep -q "mistake: no-derivative" "$tmp/static.out" && ok ||
    bad "example-static --plant: $(cat "$tmp/static.out")"
else
  bad "static link: $(cat "$tmp/cc-static.err")"
fi

finish
