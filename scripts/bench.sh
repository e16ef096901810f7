#!/usr/bin/env bash
# Benchmarks (not tests): throughput of the CA's building blocks on this machine, in one run.
#
#   scripts/bench.sh hsm [--seconds S] [--repeats R] [--warmup S]
#       token operations per second per backend (sun, iaik), per algorithm, with 1 and 2 threads, on a fresh
#       SoftHSM2 token in a temporary directory; plus the cost of opening a Token (login) and of a token object
#       vs a session object; and, on one thread, a signature's CPU back to back against after 1 ms of other work
#       (register-only; sweeping 8 MiB), as the CA signs (RSA-2048, P-256). Defaults (1 s x 3 repeats, 0.5 s
#       warm-up) take about 3 minutes.
#
#   scripts/bench.sh cmc [--ca-key rsa2048|p256] [--seconds S] [--repeats R] [--warmup S] [--concurrency 1,2,8,32]
#                        [--sessions N] [--subscriber-keys renewed|fresh] [--subscriber-key-type rsa2048|p256]
#                        [--transport https|in-process]
#       end-to-end CMC issuance over HTTPS against the real server (its composition root, in a JVM of its own, on a
#       fresh SoftHSM2 token and data directory in a temporary directory), at each concurrency, interleaved in one
#       run with the raw token sign rate (same CA key, same token, as many threads as the server's token sessions).
#       Requests are built and signed before the timed phase; each worker reuses one kept-alive TLS connection.
#       Defaults (3 s x 3 repeats, 10 s warm-up per trial: the server JIT-compiles for its first ~20 s of load)
#       take about 4 minutes per CA key type. Each identity renews its one subscriber key by default; with
#       --subscriber-keys fresh every request brings an RSA-2048 key no other request had, as real subscribers do.
#       --subscriber-key-type p256 gives the subscribers (their signer certificates and the keys they ask to certify)
#       P-256 keys instead of RSA-2048: the CA then checks the CMC signature and the POP with ECDSA.
#       --transport in-process calls the CA facade (CmcService) in the bench's own JVM instead, on the same token,
#       profiles and kind of database and audit log: what issuance costs without HTTP, TLS and the loopback network.
#
#   scripts/bench.sh kra [--seconds S] [--repeats R] [--warmup S] [--threads 1,2] [--backend iaik|sun]
#       KRA key archival (KeyArchiver.archive: session-key unwrap, private-key unwrap, public-key match, storage
#       wrap, destroys) per second on a fresh SoftHSM2 token, interleaved in one run with the raw token unwraps it
#       is made of, at each thread count; and apart, the database write an archival adds (JdbcArchivedKeyStore.save
#       on a SQLite CaDatabase in the temporary directory). Requests are built in software before timing, each with
#       its own session key. Defaults (2 s x 3 repeats, 1 s warm-up) take about a minute.
#
#   scripts/bench.sh ocsp [--ca-key rsa2048|p256] [--responder-key rsa2048|p256] [--seconds S] [--repeats R]
#       [--warmup S] [--concurrency 1,2,8]
#       OCSP responses per second from the responder in process (OcspResponder.respond: parse, one SQLite read,
#       sign on the token with the CA key, RSA-2048 unless --ca-key p256, or with --responder-key with a delegated
#       responder's key certified by it (ocsp.signer: delegated), verify, encode) over 64 certificate rows
#       (1 in 4 revoked), interleaved in one run with the raw token sign rate of the signing key, per concurrency.
#       Requests (SHA-1 CertID, 16-octet nonce) are built before timing. Defaults (2 s x 3 repeats, 1 s warm-up)
#       take under a minute.
#
#   scripts/bench.sh crl [--sizes 1000,10000,100000] [--repeats R]
#       full CRL generation (CrlPublisher.generateNow: read the revoked rows, build, one signature on the token,
#       verify, store, audit) at each number of revoked entries, on a fresh SoftHSM2 token and a SQLite database in
#       the temporary directory; revoked rows are inserted in bulk for setup. Defaults (5 timed runs per size after
#       one untimed) take about 15 seconds.
#
# Output: `hsm ...` lines (one per measurement: median ops/s, min, max), a summary table, `ratio ...` lines, and
# one `interleave ...` line per key type (CPU per signature: back_to_back_ms, after_1ms_registers_ms,
# after_1ms_memory_ms as median(min..max), and the two extras over back to back).
# cmc prints `raw ...`, one `cmc ...` line per concurrency (issued/s, p50/p99, CPU of load generator and server),
# and one `ratio concurrency=N issuance/raw=X.XX` line per concurrency (0.5 is the ceiling: two signatures each),
# then one `cores ...` line per concurrency: the machine's core time per issuance split into the two signatures,
# the server's other work, the load generator, other processes, idle cores and steal (/proc/stat), and the server's
# other work split into what its signatures cost more than the raw trial's and the CA's own work; then an
# `interleave ...` line (the raw trial's signature on one thread, back to back and after 1 ms of two kinds of other
# work: bounds for that extra with the token alone); last, two `db` lines: every counted issuance is an ISSUED row, and the
# database bytes in use per issued row.
# kra prints one `kra ...` line per operation and thread count (ops/s median, min, max), a `cost` line per thread
# count, and `ratio threads=N archive/raw-unwrap=X.XX` lines.
# ocsp prints `raw ...` and `ocsp ...` lines per concurrency (signer=ca or delegated-<key>; median ops/s, min, max,
# ms per op) and
# `ratio concurrency=N ocsp/raw=X.XX` lines (1.0 is the ceiling: one signature per response).
# crl prints one `crl revoked=N median_ms=... min_ms=... max_ms=... crl_bytes=...` line per size.
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
  cmc   CMC issuance over HTTPS per concurrency vs the raw token sign rate, and their ratio
        options: --ca-key rsa2048|p256 (default rsa2048)  --seconds S (default 3)  --repeats R (default 3)
                 --warmup S (default 10)  --concurrency LIST (default 1,2,8,32)  --sessions N (default 8)
                 --subscriber-keys renewed|fresh (default renewed: each identity renews one key; fresh: every
                 request brings a key the CA has not seen)
                 --subscriber-key-type rsa2048|p256 (default rsa2048: the subscribers' signer and requested keys)
                 --settle S (default 300: load the server first until its JIT compilers use under 2% of its
                 CPU, for at most S seconds; 0 skips)
                 --transport https|in-process (default https; in-process: the CA facade in the bench's JVM,
                 no HTTP, TLS or loopback network)
  kra   KRA key archival per second vs the raw token unwrap it is made of, and the database save, per thread count
        options: --seconds S (default 2)  --repeats R (default 3)  --warmup S (default 1)  --threads LIST (default 1,2)
                 --backend iaik|sun (default iaik)
  ocsp  OCSP responses per second (responder in process) vs the raw token sign rate of the same key
        options: --ca-key rsa2048|p256 (default rsa2048)  --seconds S (default 2)  --repeats R (default 3)
                 --warmup S (default 1)  --concurrency LIST (default 1,2,8)
  crl   full CRL generation time for each number of revoked entries
        options: --sizes LIST (default 1000,10000,100000)  --repeats R (default 5)
USAGE
}

# The jar shades the hsm, ca-core and server modules, so their sources count too.
build_if_stale() {
  if [[ ! -f $jar ]] || [[ -n $(find "$root/bench/src" "$root/hsm/src/main" "$root/ca-core/src/main" \
      "$root/server/src/main" "$root/bench/pom.xml" "$root/hsm/pom.xml" "$root/ca-core/pom.xml" \
      "$root/server/pom.xml" "$root/pom.xml" -newer "$jar" -print -quit) ]]; then
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

run_benchmark() { # run_benchmark <hsm|cmc|kra|crl> [options]
  local benchmark=$1 start=$SECONDS status=0
  shift
  if [[ ! -f $softhsm_library ]] || ! command -v softhsm2-util >/dev/null; then
    echo "softhsm2 is missing: run scripts/install-deps.sh" >&2
    exit 1
  fi
  build_if_stale
  # A token directory of its own: the benchmark initializes tokens, and must never see the system's. bench cmc and
  # bench kra and bench crl also keep the CA's database here, on the same disk as /tmp: its fsyncs are real.
  token_dir=$(mktemp -d "${TMPDIR:-/tmp}/p11ca-bench.XXXXXX")
  trap 'rm -rf "$token_dir"' EXIT
  mkdir "$token_dir/tokens"
  printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n' \
    "$token_dir/tokens" >"$token_dir/softhsm2.conf"
  export SOFTHSM2_CONF="$token_dir/softhsm2.conf"
  print_environment "scripts/bench.sh $benchmark${*:+ $*}"
  echo "# java -jar bench/target/p11ca-bench.jar $benchmark --library $softhsm_library${*:+ $*}"
  java -jar "$jar" "$benchmark" --library "$softhsm_library" "$@" || status=$?
  echo "# wall_time_s=$((SECONDS - start)) (whole run: build if stale, JVM start, setup, measurements)"
  return "$status"
}

case "${1:-}" in
  hsm | cmc | kra | crl | ocsp)
    run_benchmark "$@"
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
