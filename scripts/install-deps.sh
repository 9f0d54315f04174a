#!/usr/bin/env bash
# Installs the Debian packages Signoff builds and tests with, when missing.
# Idempotent and quiet when everything is already there.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git curl
  antlr4 libantlr4-runtime-dev default-jre-headless
  libabsl-dev nlohmann-json3-dev libre2-dev libssl-dev libsimdjson-dev
  libsqlite3-dev libcpp-httplib-dev
  libgtest-dev libgmock-dev libbenchmark-dev libyaml-cpp-dev
  llvm-19-dev
  nodejs npm
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# npm may come with the machine's own Node.js rather than Debian's.
if command -v npm >/dev/null 2>&1; then
  missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
  cleaned=(); for p in "${missing[@]}"; do [ -n "$p" ] && cleaned+=("$p"); done
  missing=("${cleaned[@]+"${cleaned[@]}"}")
fi

if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
