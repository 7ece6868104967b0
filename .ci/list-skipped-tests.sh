#!/usr/bin/env bash
# Prints every test that did not run, with the reason it gives, from the TRX files under $1 (dotnet test --logger trx),
# so that CI shows what it did not check. Fails when there is no TRX file (then nothing was reported at all).
set -euo pipefail
dir=${1:?usage: .ci/list-skipped-tests.sh RESULTS_DIR}
mapfile -t trx < <(find "$dir" -name '*.trx')
if [ ${#trx[@]} -eq 0 ]; then
  echo "list-skipped-tests: no .trx file under $dir" >&2
  exit 1
fi
node - "${trx[@]}" <<'JS'
const fs = require('fs');
const decode = s => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&#xA;/g, ' ').replace(/&amp;/g, '&');
const skipped = [];
let total = 0;
for (const file of process.argv.slice(2)) {
  const xml = fs.readFileSync(file, 'utf8');
  for (const m of xml.matchAll(/<UnitTestResult\b([^>]*?)(?:\/>|>([\s\S]*?)<\/UnitTestResult>)/g)) {
    total++;
    const attrs = m[1];
    if (!/outcome="NotExecuted"/.test(attrs)) continue;
    const name = decode((attrs.match(/testName="([^"]*)"/) || [])[1] || '?');
    const body = m[2] || '';
    const reason = (body.match(/<Message>([\s\S]*?)<\/Message>/) || body.match(/<StdOut>([\s\S]*?)<\/StdOut>/) || [])[1];
    skipped.push(`  ${name}\n      reason: ${reason ? decode(reason).replace(/\s+/g, ' ').trim() : '(none given)'}`);
  }
}
if (total === 0) {
  console.error('list-skipped-tests: the TRX files list no test results');
  process.exit(1);
}
console.log(`Tests that did not run: ${skipped.length} of ${total}`);
if (skipped.length) console.log(skipped.join('\n'));
JS
