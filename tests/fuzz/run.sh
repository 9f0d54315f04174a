#!/usr/bin/env bash
# Builds the libFuzzer target with clang and fuzzes parse+check from a seed
# corpus of every .signoff file in the repository.
#   FUZZ_SECONDS=600 tests/fuzz/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! dpkg-query -W -f='${Status}' libclang-rt-14-dev 2>/dev/null | grep -q "install ok installed"; then
  apt-get install -y -qq clang libclang-rt-14-dev >/dev/null
fi
cmake --preset fuzz >/dev/null
cmake --build build-fuzz --target signoff_parse_check_fuzzer -j "$(nproc)"
corpus=build-fuzz/corpus
mkdir -p "$corpus"
git ls-files '*.signoff' | while read -r f; do cp "$f" "$corpus/$(echo "$f" | tr / _)"; done
exec build-fuzz/tests/fuzz/signoff_parse_check_fuzzer "$corpus" \
  -max_total_time="${FUZZ_SECONDS:-600}" -max_len=8192 -timeout=10 -rss_limit_mb=4096 \
  -print_final_stats=1
