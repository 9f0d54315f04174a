#!/usr/bin/env bash
# The package config works from outside: installs a built tree into a
# temporary prefix, configures and builds examples/embed/ against it with
# find_package(signoff CONFIG), runs both programs and checks their output.
#   run.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/signoff-embed.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$tmp/prefix" >"$tmp/install.log" ||
  { cat "$tmp/install.log"; fail "cmake --install"; }
test -f "$tmp/prefix/lib/cmake/signoff/signoffConfig.cmake" ||
  fail "no signoffConfig.cmake in the prefix"
test -f "$tmp/prefix/include/signoff/runtime/engine/engine.h" ||
  fail "no engine.h in the prefix"

# The example sees only the prefix: not this source tree, not this build.
generator=()
if command -v ninja >/dev/null; then generator=(-G Ninja); fi
cmake -S "$src/examples/embed" -B "$tmp/build" "${generator[@]}" \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$tmp/prefix" \
  >"$tmp/configure.log" 2>&1 ||
  { cat "$tmp/configure.log"; fail "configuring examples/embed"; }
cmake --build "$tmp/build" -j 2 >"$tmp/build.log" 2>&1 ||
  { cat "$tmp/build.log"; fail "building examples/embed"; }

request="$src/examples/data-exports/requests/confidential-export.json"
out=$("$tmp/build/embed_example" "$src/examples/data-exports" "$request")
printf '%s\n' "$out"
grep -Eq '^backend: (jit|interp)' <<<"$out" || fail "no backend line"
grep -q '"decision": "require_approval"' <<<"$out" || fail "wrong decision"
grep -q '^builder: require_approval (same decision)$' <<<"$out" ||
  fail "the builder's decision differs"

c_out=$("$tmp/build/embed_c_example" "$src/examples/data-exports" "$request")
printf '%s\n' "$c_out"
grep -q '"decision":"require_approval"' <<<"$c_out" || fail "C: wrong decision"
echo PASS
