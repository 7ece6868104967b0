#!/usr/bin/env bash
# End-to-end transfer benchmark: see bench/README-transfer.md.
# Usage: bench/run-transfer.sh [--size-mib 1024] [--files 2000] [--runs 3] [--work-dir DIR] [--kestrel] [--keep]
# The data goes to a fresh folder under --work-dir (default $TMPDIR or /tmp), deleted at the end unless --keep.
set -euo pipefail
cd "$(dirname "$0")/.."

have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ]; }

# nginx, curl and aria2 from the Debian packages when they are missing and we may install them.
if ! have nginx || ! have curl || ! have aria2c; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing nginx, curl and aria2 from the Debian packages…" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 || true
    apt-get install -y -qq nginx-light curl aria2 >&2 || apt-get install -y -qq nginx curl aria2 >&2 \
      || echo "Could not install them: the benchmark falls back to Kestrel and skips the missing tools." >&2
  else
    echo "nginx/curl/aria2c missing and not root: the benchmark falls back to Kestrel and skips the missing tools." >&2
  fi
fi

dotnet build -c Release --nologo -v quiet bench/HubClient.Benchmarks.Transfer >&2
exec dotnet bench/HubClient.Benchmarks.Transfer/bin/Release/net10.0/HubClient.Benchmarks.Transfer.dll "$@"
