#!/usr/bin/env bash
# Benchmarks (not tests): throughput of the CA's building blocks on this machine, in one run.
#
#   scripts/bench.sh hsm [--seconds S] [--repeats R] [--warmup S]
#       token operations per second per backend (sun, iaik), per algorithm, with 1 and 2 threads, on a fresh
#       SoftHSM2 token in a temporary directory; plus the cost of opening a Token (login) and of a token object
#       vs a session object. Defaults (1 s x 3 repeats, 0.5 s warm-up) take about 3 minutes.
#
# Output: `hsm ...` lines (one per measurement: median ops/s, min, max), a summary table, and `ratio ...` lines.
# Compare ratios within one run: on a shared machine absolute numbers drift from run to run, ratios much less.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
jar="$root/bench/target/p11ca-bench.jar"
softhsm_library=/usr/lib/softhsm/libsofthsm2.so
token_dir= # the temporary SoftHSM2 token directory of a run; global so the EXIT trap still sees it

usage() {
  cat >&2 <<'USAGE'
usage: scripts/bench.sh <benchmark> [options]
  hsm   token operations per second, per backend and algorithm, 1 and 2 threads
        options: --seconds S (per measurement, default 1)  --repeats R (default 3)  --warmup S (default 0.5)
USAGE
}

# The jar shades the hsm module, so hsm's sources count too.
build_if_stale() {
  if [[ ! -f $jar ]] || [[ -n $(find "$root/bench/src" "$root/hsm/src/main" "$root/bench/pom.xml" \
      "$root/hsm/pom.xml" "$root/pom.xml" -newer "$jar" -print -quit) ]]; then
    echo "# building $jar" >&2
    (cd "$root" && mvn -B -q -pl bench -am package -DskipTests)
  fi
}

print_environment() { # print_environment <exact command line>
  echo "# command: $1"
  echo "env nproc=$(nproc)"
  echo "env java='$(java -version 2>&1 | head -n 1)'"
  echo "env softhsm=$(softhsm2-util --version)"
  echo "env date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
}

run_hsm() {
  local start=$SECONDS status=0
  if [[ ! -f $softhsm_library ]] || ! command -v softhsm2-util >/dev/null; then
    echo "softhsm2 is missing: run scripts/install-deps.sh" >&2
    exit 1
  fi
  build_if_stale
  # A token directory of its own: the benchmark initializes tokens, and must never see the system's.
  token_dir=$(mktemp -d "${TMPDIR:-/tmp}/p11ca-bench.XXXXXX")
  trap 'rm -rf "$token_dir"' EXIT
  mkdir "$token_dir/tokens"
  printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n' \
    "$token_dir/tokens" >"$token_dir/softhsm2.conf"
  export SOFTHSM2_CONF="$token_dir/softhsm2.conf"
  print_environment "scripts/bench.sh hsm${*:+ $*}"
  echo "# java -jar bench/target/p11ca-bench.jar hsm --library $softhsm_library${*:+ $*}"
  java -jar "$jar" hsm --library "$softhsm_library" "$@" || status=$?
  echo "# wall_time_s=$((SECONDS - start)) (whole run: build if stale, JVM start, setup, measurements)"
  return "$status"
}

case "${1:-}" in
  hsm)
    shift
    run_hsm "$@"
    ;;
  "")
    usage
    exit 2
    ;;
  *)
    echo "bench: unknown benchmark '$1'" >&2
    usage
    exit 2
    ;;
esac
