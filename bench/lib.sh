# Shared by bench/run and bench/peers/cedar/run (sourced, not run).
#
# SIGNOFF_BENCH_BUILD  the build tree (default: build-bench/ in the checkout)
# JOBS                 parallel compile jobs (default 2: the machine is shared)

SIGNOFF_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SIGNOFF_BENCH_BUILD=${SIGNOFF_BENCH_BUILD:-$SIGNOFF_ROOT/build-bench}
# Share the compiler cache with the other build trees (as the Makefile does).
export CCACHE_BASEDIR=$SIGNOFF_ROOT
export CCACHE_NOHASHDIR=1

# bench_build TARGET...: installs missing Debian packages, configures the
# build tree with the benchmarks on (tests off) and builds the targets.
# Compiler output goes to a log, shown only when the build fails.
bench_build() {
  "$SIGNOFF_ROOT/scripts/install-deps.sh"
  local log="$SIGNOFF_BENCH_BUILD/bench-build.log"
  mkdir -p "$SIGNOFF_BENCH_BUILD"
  if ! grep -qs '^SIGNOFF_BUILD_BENCH:BOOL=ON' "$SIGNOFF_BENCH_BUILD/CMakeCache.txt"; then
    if ! (cd "$SIGNOFF_ROOT" && cmake --preset default -B "$SIGNOFF_BENCH_BUILD" \
          -DSIGNOFF_BUILD_BENCH=ON -DSIGNOFF_BUILD_TESTS=OFF) >"$log" 2>&1; then
      cat "$log" >&2
      echo "bench: configuring $SIGNOFF_BENCH_BUILD failed" >&2
      return 1
    fi
  fi
  echo "bench: building $* in ${SIGNOFF_BENCH_BUILD#"$SIGNOFF_ROOT"/} (-j ${JOBS:-2})" >&2
  if ! cmake --build "$SIGNOFF_BENCH_BUILD" -j "${JOBS:-2}" --target "$@" >"$log" 2>&1; then
    tail -n 60 "$log" >&2
    echo "bench: build failed (full log: $log)" >&2
    return 1
  fi
}
