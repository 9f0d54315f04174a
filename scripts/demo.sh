#!/usr/bin/env bash
# The demo behind `make demo`: check the example policies, run their tests,
# decide sample requests with explanations, then run the server example (an
# approval by two identities over the API, its grant consumed once).
set -euo pipefail
build=${1:-build}
cd "$(dirname "$0")/.."
signoff="$build/cli/signoff"

bold="" plain=""
if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then bold=$'\033[1m' plain=$'\033[0m'; fi
step() { printf '\n%s$ %s%s\n' "$bold" "$*" "$plain"; "$@"; }

step "$signoff" --version
step "$signoff" check examples/
for set in examples/*/; do
  [ -n "$(ls "$set"*_test.signoff 2>/dev/null)" ] || continue
  step "$signoff" test "$set"
done
step "$signoff" eval --policy examples/data-exports \
  --input examples/data-exports/requests/confidential-export.json --format text --explain
step "$signoff" eval --policy examples/data-exports \
  --input examples/data-exports/requests/confidential-export.json
step "$signoff" eval --policy examples/deploy-pipeline \
  --input examples/deploy-pipeline/requests/weekend-apply.json --format text

# The runtime: the server on the example policies with a fresh SQLite file,
# one request approved by two identities through the API, its grant
# consumed once (examples/server/demo.sh).
printf '\n%s== signoff serve: an approval end to end ==%s\n' "$bold" "$plain"
examples/server/demo.sh "$build"
