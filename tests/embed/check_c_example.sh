#!/usr/bin/env bash
# Runs the C example (examples/embed/c_example.c, built in-tree against
# signoff_capi) on the data-exports sample request and checks its output.
#   check_c_example.sh C_EXAMPLE_BINARY SOURCE_DIR
set -euo pipefail
binary=$1
src=$2
out=$("$binary" "$src/examples/data-exports" \
  "$src/examples/data-exports/requests/confidential-export.json")
printf '%s\n' "$out"
fail() { echo "FAIL: $*" >&2; exit 1; }
grep -Eq '^backend: (jit|interp)$' <<<"$out" || fail "no backend line"
grep -q '"decision":"require_approval"' <<<"$out" || fail "wrong decision"
grep -q '"rules":\["confidential_exports"\]' <<<"$out" || fail "wrong rules"
grep -q '^not JSON: the request is not valid JSON$' <<<"$out" ||
  fail "no error for a request that is not JSON"
echo PASS
