#!/usr/bin/env bash
# Runs every test: unit, contract (both PKCS#11 backends against SoftHSM2) and end-to-end.
# Installs what is missing first (scripts/install-deps.sh), so it works on a fresh Debian machine.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/scripts/install-deps.sh"
cd "$root"
exec mvn -B verify "$@"
