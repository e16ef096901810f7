#!/usr/bin/env bash
# README command 1: from a fresh machine to a running, token-backed CA and a first certificate issued over CMC.
#
#   scripts/quickstart.sh [--once] [DATA_DIR]          (default ./p11ca-data; --once or P11CA_ONCE=1: stop after
#                                                       the demo enrollment and exit 0)
#
# 1. installs what is missing (scripts/install-deps.sh) and builds the jars;
# 2. creates the SoftHSM2 token (CA, KRA, audit and TLS keys, root CA certificate) and DATA_DIR/p11ca.yaml;
# 3. bootstraps a demo user certificate (UID=demo) with `p11ca bootstrap`, as an operator issues a first signer;
# 4. starts the CA on https://localhost:${P11CA_PORT:-8443} (0 = any free port), with its CRL and OCSP responder
#    on http://localhost:${P11CA_STATUS_PORT:-8080} for relying parties (the URLs its certificates carry);
# 5. enrolls once as Dogtag's tools would: a new key and CRMF request with signature POP, a Full PKI Request signed
#    with the demo user's certificate, submitted over HTTPS with that certificate as TLS client certificate;
# 6. prints the issued certificate (DATA_DIR/demo/cert.pem) and checks it with openssl against DATA_DIR/ca.pem,
#    then as a relying party would: its status by OCSP and the CRL, both from the URLs in the certificate.
# Run again, it reuses the token, database and demo user, and enrolls once more.
set -euo pipefail

once=${P11CA_ONCE:-}
args=()
for a in "$@"; do
  case "$a" in
    --once) once=1 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit 0 ;;
    -*) echo "quickstart: unknown option $a" >&2; exit 2 ;;
    *) args+=("$a") ;;
  esac
done
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
data_arg=${args[0]:-${P11CA_DATA:-./p11ca-data}}
port=${P11CA_PORT:-8443}
status_port=${P11CA_STATUS_PORT:-8080}
if [[ ! $status_port =~ ^[1-9][0-9]*$ ]]; then
  # Not 0: the certificates carry this port in their CRL and OCSP URLs, written before the server picks one.
  echo "quickstart: P11CA_STATUS_PORT must be a port number, not '$status_port'" >&2
  exit 2
fi

"$root/scripts/install-deps.sh"

jars=("$root/server/target/p11ca-server.jar" "$root/client/target/p11ca-cmc.jar" "$root/tokens/target/p11ca-token.jar")
stale=
for jar in "${jars[@]}"; do
  if [[ ! -f $jar ]] || [[ -n $(find "$root" -path "$root/p11ca-data" -prune -o \( -name '*.java' -o -name pom.xml \
      -o -name '*.yaml' -o -name '*.sql' \) -path '*/src/main/*' -newer "$jar" -print -quit) ]]; then
    stale=1
  fi
done
if [[ -n $stale ]]; then
  echo "quickstart: building (mvn package, tests skipped; scripts/test.sh runs them)"
  (cd "$root" && mvn -B -q package -DskipTests)
fi

"$root/scripts/softhsm-init.sh" "$data_arg"
data=$(cd "$data_arg" && pwd)
# shellcheck source=/dev/null
source "$data/softhsm/env"
p11ca() { java -jar "$root/server/target/p11ca-server.jar" "$@"; }
cmc() { java -jar "$root/client/target/p11ca-cmc.jar" "$@"; }

config="$data/p11ca.yaml"
if [[ ! -f $config ]]; then
  cat >"$config" <<YAML
# Written by scripts/quickstart.sh; see server/README.md for every setting.
dataDir: .
token:
  label: ${P11CA_TOKEN_LABEL:-p11ca}
  pinFile: softhsm/user.pin
http:
  port: $port
  tlsHostNames: [localhost]
  statusPort: $status_port
# Put in every certificate whose profile names no URLs of its own; served on statusPort over plain HTTP.
locations:
  crlDistributionPoint: http://localhost:$status_port/ca/ee/ca/getCRL
  ocsp: http://localhost:$status_port/ocsp
YAML
fi

demo="$data/demo"
mkdir -p "$demo"
chmod 700 "$demo"
pass="$demo/p12.pass"
if [[ ! -s $pass ]]; then
  (umask 077 && head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' >"$pass")
fi
user="UID=demo,O=p11ca Demo"
if [[ ! -f $demo/user.pem ]]; then
  echo "quickstart: bootstrapping the demo user's first certificate ($user)"
  rm -f "$demo/user.p12" "$demo/user.csr"
  cmc pkcs10 --new-key rsa:2048 --key-p12 "$demo/user.p12" --password-file "$pass" --subject "$user" \
    --out "$demo/user.csr" >/dev/null
  p11ca bootstrap --config "$config" --csr "$demo/user.csr" --profile caFullCMCUserCert --operator quickstart \
    --out "$demo/user.pem"
  cmc import-cert --key-p12 "$demo/user.p12" --password-file "$pass" --cert "$demo/user.pem" \
    --chain "$data/ca.pem" >/dev/null
fi

log="$data/server.log"
# Emptied here, not by the background redirection: that one runs later in the child, and the wait below could
# meanwhile read the previous run's "listening" line.
: >"$log"
java -jar "$root/server/target/p11ca-server.jar" serve --config "$config" >"$log" 2>&1 &
server=$!
stop_server() {
  if kill -0 "$server" 2>/dev/null; then
    kill -TERM "$server"
    wait "$server" 2>/dev/null || true
  fi
}
trap stop_server EXIT
for _ in $(seq 1 300); do
  if grep -q '^p11ca: listening on https://' "$log"; then break; fi
  if ! kill -0 "$server" 2>/dev/null; then
    echo "quickstart: the CA did not start:" >&2
    cat "$log" >&2
    exit 1
  fi
  sleep 0.2
done
url=$(grep -m1 '^p11ca: listening on https://' "$log" | sed 's/^p11ca: listening on //')
[[ -n $url ]] || { echo "quickstart: the CA did not start within 60 s; see $log" >&2; exit 1; }
echo "quickstart: CA listening on $url (log: $log)"

# As a relying party: the certificate's own OCSP and CRL URLs, answered by the CA's status listener. A data
# directory made before the quickstart configured one has certificates without them; nothing to check there.
check_status() {
  local cert=$1 ocsp crl
  ocsp=$(openssl x509 -in "$cert" -noout -ocsp_uri)
  crl=$(openssl x509 -in "$cert" -noout -ext crlDistributionPoints | sed -n 's/^ *URI://p' | head -1)
  if [[ -z $ocsp || -z $crl ]]; then
    echo "quickstart: the certificate names no OCSP or CRL URL (a configuration made before they were set)"
    return 0
  fi
  local answer
  answer=$(openssl ocsp -issuer "$data/ca.pem" -cert "$cert" -url "$ocsp" -CAfile "$data/ca.pem" 2>&1) || {
    echo "quickstart: OCSP at $ocsp failed: $answer" >&2
    return 1
  }
  echo "quickstart: OCSP at $ocsp: $(grep -F "$cert:" <<<"$answer" | sed "s|^$cert: ||")"
  curl -fsS -o "$run/crl.der" "$crl" || { echo "quickstart: cannot fetch the CRL at $crl" >&2; return 1; }
  openssl crl -inform DER -in "$run/crl.der" -CAfile "$data/ca.pem" -noout 2>&1 | grep -q '^verify OK' || {
    echo "quickstart: the CRL at $crl does not verify against $data/ca.pem" >&2
    return 1
  }
  echo "quickstart: CRL at $crl: signed by the CA, $(openssl crl -inform DER -in "$run/crl.der" -noout -text \
    | grep -c 'Serial Number:') revoked"
}

run="$demo/enroll-$(date -u +%Y%m%dT%H%M%SZ)-$$"
mkdir -p "$run"
cmc crmf --new-key rsa:2048 --key-p12 "$run/key.p12" --password-file "$pass" --subject "$user" --pop signature \
  --out "$run/crmf.der" >/dev/null
cmc request --in "$run/crmf.der" --signer-p12 "$demo/user.p12" --password-file "$pass" --dogtag-nonce \
  --out "$run/cmc.der" >/dev/null
cmc submit --url "$url/ca/ee/ca/profileSubmitUserSignedCMCFull" --ca "$data/ca.pem" \
  --client-p12 "$demo/user.p12" --password-file "$pass" --in "$run/cmc.der" --out "$run/response.der" >/dev/null
cmc response --in "$run/response.der" --ca "$data/ca.pem" --write-cert "$run/cert.pem" >"$run/response.txt"
cmc import-cert --key-p12 "$run/key.p12" --password-file "$pass" --cert "$run/cert.pem" --chain "$data/ca.pem" \
  >/dev/null
cp "$run/cert.pem" "$demo/cert.pem"

echo "quickstart: issued over CMC, signed on the token (key and request in $run):"
openssl x509 -in "$demo/cert.pem" -noout -subject -issuer -serial -dates -ext keyUsage,extendedKeyUsage
openssl verify -CAfile "$data/ca.pem" "$demo/cert.pem"
check_status "$demo/cert.pem"
echo "quickstart: CA certificate $data/ca.pem, demo certificate $demo/cert.pem"

if [[ -n $once ]]; then
  stop_server
  trap - EXIT
  echo "quickstart: stopped the CA (--once)"
  exit 0
fi
trap - EXIT
trap 'stop_server; exit 0' INT TERM
echo "quickstart: the CA keeps running (pid $server); Ctrl-C stops it"
wait "$server"
