#!/usr/bin/env bash
# Cross-checks HubClient's GGUF reader against npm's @huggingface/gguf (the reference parser): a fake hub serves
# generated GGUF files (several architectures' key sets, every value type, arrays of strings, v2 and v3), both read
# them over HTTP, and their metadata (values and types) and tensor infos must agree. Fails loudly on any difference or
# when the reference cannot be installed.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work=$(mktemp -d)
hub_pid=""
cleanup() {
  exec 3>&- 2>/dev/null || true
  [ -n "$hub_pid" ] && kill "$hub_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "-- installing @huggingface/gguf 0.4.x into $work"
(cd "$work" && npm init -y > /dev/null && npm install --no-audit --no-fund --loglevel=error "@huggingface/gguf@~0.4") \
  || { echo "FAIL: could not install @huggingface/gguf from npm" >&2; exit 1; }

echo "-- building the sample server and the hub CLI"
dotnet build tests/HubClient.GgufReferenceCheck -c Release -o "$work/server" > "$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
dotnet build src/HubClient.Cli -c Release -o "$work/cli" > "$work/build-cli.log" 2>&1 || { cat "$work/build-cli.log"; exit 1; }

mkfifo "$work/in" "$work/out"
dotnet "$work/server/HubClient.GgufReferenceCheck.dll" < "$work/in" > "$work/out" &
hub_pid=$!
exec 3> "$work/in"
exec 4< "$work/out"
read -r -t 120 endpoint <&4
read -r -t 10 repo <&4
read -r -t 10 files <&4
echo "-- fake hub at $endpoint serving $repo: $files"

for file in $files; do
  HF_HUB_CACHE="$work/cache" dotnet "$work/cli/hub.dll" inspect "$repo" "$file" --json --endpoint "$endpoint" > "$work/$file.json"
done

cp "$root/tests/HubClient.GgufReferenceCheck/compare.mjs" "$work/compare.mjs"
# shellcheck disable=SC2086
(cd "$work" && node compare.mjs "$endpoint" "$repo" "$work" $files)
