#!/usr/bin/env bash
# One command from a fresh machine to a working token-backed CA under ./p11ca-data:
# installs what is missing, builds, creates the SoftHSM2 token with the CA, KRA, audit and TLS keys, makes the
# root CA certificate on the token, and prints it.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
data=${P11CA_DATA:-./p11ca-data}
"$root/scripts/install-deps.sh"
(cd "$root" && mvn -B -q install -DskipTests)
"$root/scripts/softhsm-init.sh" "$data"
openssl x509 -in "$data/ca.pem" -noout -subject -issuer -serial -dates -ext basicConstraints,keyUsage
