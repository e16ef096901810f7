#!/usr/bin/env bash
# Creates a SoftHSM2 token for p11ca with the full key set and a self-signed root CA certificate.
#
#   scripts/softhsm-init.sh [DATA_DIR]        (default ./p11ca-data)
#
# Layout under DATA_DIR:
#   softhsm/softhsm2.conf, softhsm/tokens/   the token directory (never the system one)
#   softhsm/user.pin, softhsm/so.pin          random PINs, mode 0600, read by the server's config and the CLIs
#   softhsm/env                               `source` it to point SOFTHSM2_CONF at this token directory
#   ca.pem                                    the CA certificate
# Idempotent: on a token that already has everything it changes nothing and says so; an interrupted run is
# completed. Settings: P11CA_TOKEN_LABEL (p11ca), P11CA_CA_KEY_TYPE (rsa2048), P11CA_CA_SUBJECT, P11CA_CA_DAYS.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
data=$(mkdir -p "${1:-./p11ca-data}" && cd "${1:-./p11ca-data}" && pwd)
label=${P11CA_TOKEN_LABEL:-p11ca}
ca_key_type=${P11CA_CA_KEY_TYPE:-rsa2048}
ca_subject=${P11CA_CA_SUBJECT:-CN=p11ca Root CA,O=p11ca}
ca_days=${P11CA_CA_DAYS:-3650}
library=/usr/lib/softhsm/libsofthsm2.so

if [[ ! -f $library ]] || ! command -v softhsm2-util >/dev/null; then
  if [[ $(id -u) -eq 0 ]]; then
    echo "softhsm-init: installing softhsm2"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq softhsm2 >/dev/null
  else
    echo "softhsm-init: SoftHSM2 is missing; run: sudo apt-get install -y softhsm2" >&2
    exit 1
  fi
fi

hsm="$data/softhsm"
mkdir -p "$hsm/tokens"
chmod 700 "$hsm"
export SOFTHSM2_CONF="$hsm/softhsm2.conf"
if [[ ! -f $SOFTHSM2_CONF ]]; then
  printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n' \
    "$hsm/tokens" >"$SOFTHSM2_CONF"
fi
printf 'export SOFTHSM2_CONF=%q\n' "$SOFTHSM2_CONF" >"$hsm/env"

new_pin() { # new_pin <file>: a random PIN, created owner-only before anything is written to it
  if [[ ! -s $1 ]]; then
    (umask 077 && head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24 >"$1")
  fi
  chmod 600 "$1"
}
new_pin "$hsm/user.pin"
new_pin "$hsm/so.pin"

token() { "$root/scripts/p11ca-token" "$@"; }
common=(--library "$library" --token "$label" --pin-file "$hsm/user.pin")
changed=0

if ! softhsm2-util --show-slots 2>/dev/null | grep -qE "^[[:space:]]+Label:[[:space:]]+$label[[:space:]]*$"; then
  token init-token --library "$library" --label "$label" --so-pin-file "$hsm/so.pin" --pin-file "$hsm/user.pin"
  changed=1
fi

objects=$(token list "${common[@]}" --format tsv)
has() { # has <class> <label>
  awk -F'\t' -v c="$1" -v l="$2" 'NR > 1 && $1 == c && $4 == l { found = 1 } END { exit !found }' <<<"$objects"
}
key() { # key <label> <type> <purpose>
  local class=private-key
  [[ $2 == aes* ]] && class=secret-key
  if ! has "$class" "$1"; then
    token generate-key "${common[@]}" --label "$1" --type "$2" --purpose "$3"
    changed=1
  fi
}
key ca-signing "$ca_key_type" ca
key kra-transport rsa2048 kra-transport
key kra-storage aes256 kra-storage
key pop-protection aes256 pop-protection
key shared-secret-protection aes256 shared-secret-protection
key audit-signing ec-p256 audit
key tls-server ec-p256 tls
key ocsp-signing "$ca_key_type" ocsp

objects=$(token list "${common[@]}" --format tsv)
if ! has certificate ca-signing; then
  token self-signed-ca "${common[@]}" --key ca-signing --subject "$ca_subject" --days "$ca_days" --out "$data/ca.pem"
  changed=1
elif [[ ! -f $data/ca.pem ]]; then
  token export-cert "${common[@]}" --label ca-signing --out "$data/ca.pem"
  changed=1
fi

if ((changed)); then
  echo "softhsm-init: token '$label' ready in $hsm; CA certificate at $data/ca.pem"
else
  echo "softhsm-init: token '$label' in $hsm is already initialized; nothing changed"
fi
