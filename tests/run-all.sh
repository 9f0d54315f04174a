#!/usr/bin/env bash
# Runs every test suite of an already-built tree, in parallel.
set -euo pipefail
build=${1:-build}
cd "$(dirname "$0")/.."
exec ctest --test-dir "$build" -j "$(nproc)" --output-on-failure --timeout 600
