// Compares HubClient's Xet implementation with npm references nobody here wrote (run by check-xet-reference.sh):
//  (a) @huggingface/xetchunk-wasm (xet-core's chunker and hashes): same chunk boundaries, chunk hashes, xorb and file hash;
//  (b) @huggingface/hub (the TypeScript Xet client) downloads Xet-backed files from FakeHub: right bytes, CAS used.
import { spawn, execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { getChunks, hashToHex, hexToBytes, xorbHash, fileHash } from "@huggingface/xetchunk-wasm";
import { downloadFile } from "@huggingface/hub";
import { Hasher } from "@huggingface/blake3-jit";

// The chunk hash key (hub-docs docs/xet/hashing.md).
const DATA_KEY = new Uint8Array([102, 151, 245, 119, 91, 149, 80, 222, 49, 53, 203, 172, 165, 151, 24, 28,
  157, 228, 33, 16, 155, 235, 43, 88, 180, 208, 176, 75, 147, 173, 242, 41]);

const tool = process.env.XET_CHECK_DLL;
const fail = (message) => { console.error("XET REFERENCE CHECK FAILED: " + message); process.exit(1); };

// Seeded inputs (xorshift32), so a failure reproduces.
function seeded(length, seed) {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}
const repetitive = new Uint8Array(3 * 1024 * 1024);
for (let i = 0; i < repetitive.length; i++) repetitive[i] = "the same sentence, again and again. ".charCodeAt(i % 36);
const inputs = {
  empty: new Uint8Array(0),
  one: seeded(1, 1),
  belowMin: seeded(8000, 2),
  random10MiB: seeded(10 * 1024 * 1024, 3),
  repetitive,
  zeros: new Uint8Array(700000),
};

const dir = mkdtempSync(join(tmpdir(), "xet-ref-"));
const files = Object.entries(inputs).map(([name, data]) => { const p = join(dir, name); writeFileSync(p, data); return [name, p, data]; });
const lines = execFileSync("dotnet", [tool, "chunk", ...files.map((f) => f[1])], { encoding: "utf8", maxBuffer: 64 << 20 })
  .trim().split("\n").map((l) => JSON.parse(l));
// xetchunk-wasm 0.2 follows xet-core's chunker from before its fix #487 (boundaries may trigger 64 bytes before the
// 8 KiB minimum); HubClient's "early" mode reproduces it exactly. FakeHub uses current xet-core's rule ("current"),
// whose chunk hashes, xorb hash and file hash are then checked with the reference's own merkle code.
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
for (const [i, [name, , data]] of files.entries()) {
  const ours = lines[i];
  const ref = getChunks(data);
  const refChunks = ref.map((c) => ({ length: c.length, hash: hashToHex(c.hash) }));
  if (!same(refChunks, ours.early.chunks)) {
    const at = refChunks.findIndex((c, k) => !same(c, ours.early.chunks[k]));
    fail(`${name}: chunk ${at} differs: reference ${JSON.stringify(refChunks[at])}, HubClient ${JSON.stringify(ours.early.chunks[at])}`);
  }
  if (data.length > 0 && hashToHex(xorbHash(ref)) !== ours.early.xorbHash) fail(`${name}: xorb hash ${ours.early.xorbHash} != ${hashToHex(xorbHash(ref))}`);
  if (hashToHex(fileHash(ref)) !== ours.early.fileHash) fail(`${name}: file hash ${ours.early.fileHash} != ${hashToHex(fileHash(ref))}`);
  // Current rule: every chunk at least 8 KiB but the last, each chunk hash and the merkle hashes as the reference computes them.
  let offset = 0;
  ours.current.chunks.forEach((c, k) => {
    const bytes = data.subarray(offset, offset + c.length);
    offset += c.length;
    if (k < ours.current.chunks.length - 1 && (c.length < 8192 || c.length > 131072)) fail(`${name}: current chunk ${k} has ${c.length} bytes`);
    if (hashToHex(Hasher.newKeyed(DATA_KEY).update(bytes).finalize(32)) !== c.hash) fail(`${name}: current chunk ${k} hash differs`);
  });
  if (offset !== data.length) fail(`${name}: current chunks cover ${offset} of ${data.length} bytes`);
  const withHashes = ours.current.chunks.map((c) => ({ length: c.length, hash: hexToBytes(c.hash) }));
  if (data.length > 0 && hashToHex(xorbHash(withHashes)) !== ours.current.xorbHash) fail(`${name}: current xorb hash differs from the reference's merkle`);
  if (hashToHex(fileHash(withHashes)) !== ours.current.fileHash) fail(`${name}: current file hash differs from the reference's merkle`);
  console.log(`(a) ${name}: ${ref.length} chunks, file hash ${ours.early.fileHash} — same as @huggingface/xetchunk-wasm; ` +
    `current rule: ${ours.current.chunks.length} chunks, merkle agrees`);
}

// (b) @huggingface/hub against FakeHub.
const hub = spawn("dotnet", [tool, "serve"], { stdio: ["pipe", "pipe", "inherit"] });
const out = createInterface({ input: hub.stdout });
const next = () => new Promise((resolve) => out.once("line", resolve));
const timer = setTimeout(() => { hub.kill(); fail("FakeHub did not start in time"); }, 120000);
const info = JSON.parse(await next());
clearTimeout(timer);
try {
  for (const f of info.files) {
    const blob = await downloadFile({ repo: info.repo, path: f.path, hubUrl: info.endpoint });
    if (!blob) fail(`${f.path}: no blob`);
    const bytes = new Uint8Array(await blob.arrayBuffer());
    const sha = createHash("sha256").update(bytes).digest("hex");
    if (bytes.length !== f.size || sha !== f.sha256) fail(`${f.path}: got ${bytes.length} bytes sha256 ${sha}, expected ${f.size} bytes ${f.sha256}`);
    console.log(`(b) ${f.path}: ${bytes.length} bytes, sha256 ok via @huggingface/hub`);
  }
  hub.stdin.write("log\n");
  const log = JSON.parse(await next());
  console.log(`(b) FakeHub log: ${JSON.stringify(log)}`);
  if (log.cas < 1 || log.xorbs < 1 || log.tokens < 1) fail("@huggingface/hub did not use the CAS (no reconstruction, xorb or token request)");
  if (log.bridge !== 0) fail("@huggingface/hub used the plain-HTTP bridge instead of Xet");
} finally {
  hub.stdin.end();
}
console.log("Xet reference checks passed");
