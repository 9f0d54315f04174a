#!/bin/sh
# The `sarif_schema` test: renders sample diagnostics to SARIF and validates
# them against the official schema; deliberately broken logs must be rejected.
#
#   run.sh SOURCE_DIR NODE NPM SAMPLES_PROGRAM OUT_DIR SIGNOFF PROJECT_DIR
# Besides the samples, `signoff check --format sarif` of every golden
# diagnostic test and of the examples is validated too.
# Exits 77 (ctest: skipped) when the validator's packages cannot be installed.
set -eu
src=$1 node=$2 npm=$3 samples=$4 out=$5 signoff=$6 project=$7

if [ ! -d "$src/node_modules/@microsoft/jest-sarif" ] || [ ! -d "$src/node_modules/ajv" ]; then
  if ! "$npm" ci --prefix "$src" --no-audit --no-fund; then
    echo "sarif_schema: skipped, \`npm ci\` failed (is the npm registry reachable?)" >&2
    exit 77
  fi
fi

rm -rf "$out"
mkdir -p "$out"
"$samples" "$out"
mkdir -p "$out/cli"
for f in "$project"/tests/golden/check/*.signoff; do
  (cd "$project" && "$signoff" check --format sarif "${f#"$project"/}" \
     > "$out/cli/$(basename "$f" .signoff).sarif") || true
done
(cd "$project" && "$signoff" check --format sarif examples/ > "$out/cli/examples.sarif")
"$node" "$src/validate.js" "$out"/cli/*.sarif
"$node" "$src/validate.js" "$out"/valid/*.sarif
"$node" "$src/validate.js" --expect-invalid "$out"/invalid/*.sarif
