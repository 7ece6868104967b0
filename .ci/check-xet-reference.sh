#!/usr/bin/env bash
# Checks HubClient's Xet hashing/chunking and FakeHub's Xet CAS against npm reference implementations published by
# Hugging Face (see check-xet-reference.mjs). Installs the npm packages into a temp folder; fails loudly.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

command -v node >/dev/null || { echo "check-xet-reference: node is required" >&2; exit 1; }
dotnet build tests/HubClient.XetCheck -c Release -o "$work/tool" > "$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
(cd "$work" && npm init -y > /dev/null && npm install --no-audit --no-fund --silent @huggingface/xetchunk-wasm@0.2 @huggingface/hub@2.17) \
  || { echo "check-xet-reference: npm install failed" >&2; exit 1; }
cp "$root/.ci/check-xet-reference.mjs" "$work/check.mjs"
(cd "$work" && XET_CHECK_DLL="$work/tool/HubClient.XetCheck.dll" node check.mjs)
