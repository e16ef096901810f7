#!/usr/bin/env bash
# Installs what building and testing p11ca needs on a Debian machine: a JDK 17, Maven, SoftHSM2, and the
# independent checkers the tests call (openssl, pkcs11-tool from opensc, p11tool from gnutls-bin), and curl, with
# which the quickstart fetches the CRL as a relying party would.
# Installs only what is missing. As root it uses apt-get; otherwise it prints the command and exits 1.
set -euo pipefail

missing=()
need() { # need <command-or-path> <debian-package>
  if [[ "$1" == /* ]]; then [[ -e "$1" ]] || missing+=("$2"); else command -v "$1" >/dev/null 2>&1 || missing+=("$2"); fi
}
need javac openjdk-17-jdk-headless
need mvn maven
need /usr/lib/softhsm/libsofthsm2.so softhsm2
need softhsm2-util softhsm2
need pkcs11-tool opensc
need p11tool gnutls-bin
need openssl openssl
need curl curl

if ((${#missing[@]} == 0)); then
  exit 0
fi
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
if [[ $(id -u) -ne 0 ]]; then
  echo "install-deps: missing packages; run: sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
