// Reads each GGUF file from the fake hub with @huggingface/gguf (the reference parser) and compares its metadata (values
// and types) and tensor infos with HubClient's `hub inspect --json` output. Exits 1 on any difference.
// Usage: node compare.mjs ENDPOINT REPO OUTDIR FILE...
import { readFileSync } from "node:fs";
import { gguf } from "@huggingface/gguf";

const [endpoint, repo, outDir, ...files] = process.argv.slice(2);
let failures = 0;
let checkedValues = 0;

// Integers of any width (JS number or BigInt) become decimal strings; HubClient's 64-bit integers may exceed 2^53, so
// its JSON is read with large integer literals kept as strings.
const norm = (v) => {
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "number") return Number.isInteger(v) ? v.toString() : v;
  if (Array.isArray(v)) return v.map(norm);
  return v;
};
const parseExact = (text) => JSON.parse(text.replace(/([:\[,]\s*)(-?\d{16,})(?=\s*[,\]\}])/g, '$1"$2"'));
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const fail = (file, what, ours, theirs) => {
  failures++;
  console.error(`DIFF ${file}: ${what}\n  hubclient: ${JSON.stringify(ours)?.slice(0, 300)}\n  reference: ${JSON.stringify(theirs)?.slice(0, 300)}`);
};

for (const file of files) {
  const url = `${endpoint}/${repo}/resolve/main/${file}`;
  const ref = await gguf(url, { typedMetadata: true });
  const ours = parseExact(readFileSync(`${outDir}/${file}.json`, "utf8"));

  const refKeys = Object.keys(ref.typedMetadata).filter((k) => !["version", "tensor_count", "kv_count"].includes(k));
  if (!same(Object.keys(ours.metadata), refKeys)) fail(file, "metadata keys", Object.keys(ours.metadata), refKeys);
  if (!same(norm(ours.version), norm(ref.typedMetadata.version.value))) fail(file, "version", ours.version, ref.typedMetadata.version.value);
  if (!same(norm(ours.kv_count), norm(ref.typedMetadata.kv_count.value))) fail(file, "kv_count", ours.kv_count, ref.typedMetadata.kv_count.value);
  if (!same(norm(ours.tensor_count), norm(ref.typedMetadata.tensor_count.value))) fail(file, "tensor_count", ours.tensor_count, ref.typedMetadata.tensor_count.value);
  for (const key of refKeys) {
    const theirs = ref.typedMetadata[key];
    const mine = ours.metadata[key];
    checkedValues++;
    if (!mine) { fail(file, `missing key ${key}`, undefined, theirs); continue; }
    if (mine.type !== theirs.type) fail(file, `type of ${key}`, mine.type, theirs.type);
    if ((mine.sub_type ?? null) !== (theirs.subType ?? null)) fail(file, `array element type of ${key}`, mine.sub_type, theirs.subType);
    if (!same(norm(mine.value), norm(theirs.value))) fail(file, `value of ${key}`, mine.value, theirs.value);
  }
  const refTensors = ref.tensorInfos.map((t) => ({ name: t.name, n_dims: t.n_dims, shape: norm(t.shape), dtype: t.dtype, offset: norm(t.offset) }));
  const ourTensors = ours.tensor_infos.map((t) => ({ name: t.name, n_dims: t.n_dims, shape: norm(t.shape), dtype: t.dtype, offset: norm(t.offset) }));
  if (!same(ourTensors, refTensors)) fail(file, "tensor infos", ourTensors, refTensors);
  if (!same(norm(ours.tensor_data_offset), norm(ref.tensorDataOffset))) fail(file, "tensor data offset", ours.tensor_data_offset, ref.tensorDataOffset);
  console.log(`${file}: ${refKeys.length} keys, ${refTensors.length} tensors compared`);
}
if (files.length === 0 || checkedValues === 0) {
  console.error("FAIL: nothing was compared");
  process.exit(1);
}
if (failures > 0) {
  console.error(`FAIL: ${failures} difference(s) between HubClient and @huggingface/gguf`);
  process.exit(1);
}
console.log(`@huggingface/gguf agrees with HubClient on ${files.length} files (${checkedValues} metadata values)`);
