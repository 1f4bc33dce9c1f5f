// Fuzzing the safetensors reader: 300 seeded mutations of a real checkpoint file (byte flips,
// truncation, header lengths set huge, zeroed regions, appended bytes, and edits of the JSON
// header's offsets, dtypes, shapes and metadata). Each must end quickly, in-process, either with a
// UserError naming the file or — for a mutation that leaves the structure valid (bytes inside the
// weights) — with a file whose sha256 no longer matches the one a checkpoint records. Never another
// exception, never an allocation beyond the file's size.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordFromArray } from '../../src/ckpt/records.ts';
import { MAX_HEADER_BYTES, decodeSafetensors, encodeSafetensors, readSafetensors } from '../../src/ckpt/safetensors.ts';
import { UserError } from '../../src/util/errors.ts';
import { sha256Hex } from '../../src/util/hash.ts';
import { Rng } from '../../src/util/rng.ts';

const MUTATIONS = 300;
const SEED = 14;
const MAX_MS = 2000; // per mutation, reading the file and decoding the bytes
const MAX_GROWTH_BYTES = 64 * 1024 * 1024; // of external memory (array buffers) over the whole campaign

/** A checkpoint as the training stages write it: float weights of several shapes, optimizer-style integer state, config metadata. */
function realFile(): Uint8Array {
  const rng = new Rng(SEED);
  const floats = (n: number) => Float32Array.from({ length: n }, () => rng.normal());
  return encodeSafetensors({
    'vit.patch.weight': recordFromArray([48, 64], floats(48 * 64)),
    'vit.blocks.0.attn.qkv.weight': recordFromArray([64, 192], floats(64 * 192)),
    'vit.blocks.0.attn.qkv.bias': recordFromArray([192], floats(192)),
    'lm.embed': recordFromArray([100, 32], floats(3200)),
    'rng': recordFromArray([4], new Uint32Array(rng.state())),
    'step': recordFromArray([], new BigInt64Array([400n])),
    'mask': recordFromArray([8], new Uint8Array(8).fill(1), { bool: true }),
    'empty': recordFromArray([0, 16], new Float32Array(0)),
    'half': { dtype: 'F16', shape: [3], data: new Uint8Array([0, 0x3c, 0, 0xc0, 0xff, 0x7b]) },
  }, { 'vadapter.assembly': 'vadapter', 'vadapter.config.vit': JSON.stringify({ width: 64, layers: 1 }) });
}

const ORIGINAL = realFile();
const HEADER_LENGTH = Number(new DataView(ORIGINAL.buffer).getBigUint64(0, true));
const DATA_START = 8 + HEADER_LENGTH;

function setHeaderLength(bytes: Uint8Array, n: bigint): Uint8Array {
  new DataView(bytes.buffer, bytes.byteOffset).setBigUint64(0, n, true);
  return bytes;
}

/** The file with its JSON header replaced by `header` (re-serialized, length prefix fixed), data unchanged. */
function withHeader(header: Record<string, unknown>): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.byteLength + ORIGINAL.byteLength - DATA_START);
  setHeaderLength(out, BigInt(json.byteLength));
  out.set(json, 8);
  out.set(ORIGINAL.subarray(DATA_START), 8 + json.byteLength);
  return out;
}

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[rng.int(items.length)];
}

const HOSTILE_VALUES: unknown[] = [-1, 1.5, 2 ** 53, 1e300, '8', null, true, [], {}, [0], [1, 2, 3], 'F32', '__proto__'];

/** One edit of a tensor entry or the metadata, as a hand-edited or bit-rotted header would have. */
function editHeader(rng: Rng): { what: string; bytes: Uint8Array } {
  const header = JSON.parse(new TextDecoder().decode(ORIGINAL.subarray(8, DATA_START))) as Record<string, Record<string, unknown>>;
  const names = Object.keys(header).filter((k) => k !== '__metadata__');
  const name = pick(rng, names);
  const entry = header[name];
  const [begin, end] = entry.data_offsets as [number, number];
  const edits: [string, () => void][] = [
    ['offsets shifted', () => (entry.data_offsets = [begin + 1 + rng.int(64), end + 1 + rng.int(64)])],
    ['offsets swapped', () => (entry.data_offsets = [end, begin])],
    ['end moved', () => (entry.data_offsets = [begin, end + pick(rng, [-4, -1, 1, 4, 1 << 30])])],
    ['offsets made hostile', () => (entry.data_offsets = pick(rng, HOSTILE_VALUES))],
    ['offsets overlap another', () => (entry.data_offsets = [...(header[pick(rng, names)].data_offsets as number[])])],
    ['dtype changed to another', () => (entry.dtype = pick(rng, ['F64', 'I8', 'U16', 'BF16', 'I64', 'BOOL']))],
    ['dtype unknown', () => (entry.dtype = pick(rng, ['F12', 'f32', '', 'toString', 'constructor', '__proto__', 4, null]))],
    ['shape dim changed', () => (entry.shape = [...(entry.shape as number[]), 2])],
    ['shape made hostile', () => (entry.shape = pick(rng, [[-1], [1.5], [2 ** 40, 2 ** 40], ['4'], 4, null, [NaN]]))],
    ['field removed', () => delete entry[pick(rng, ['dtype', 'shape', 'data_offsets'])]],
    ['field added', () => (entry.extra = 1)],
    ['entry replaced', () => (header[name] = pick(rng, HOSTILE_VALUES) as Record<string, unknown>)],
    ['tensor removed', () => delete header[name]],
    ['metadata value not a string', () => (header.__metadata__ = { ...header.__metadata__, step: pick(rng, [3, null, [], {}]) })],
    ['metadata not an object', () => (header.__metadata__ = pick<unknown>(rng, [[], 'x', 7]) as Record<string, unknown>)],
  ];
  const [what, edit] = pick(rng, edits);
  edit();
  return { what: `header: ${what} (${name})`, bytes: withHeader(header) };
}

/** One seeded mutation of the original file. */
function mutate(rng: Rng): { what: string; bytes: Uint8Array } {
  const bytes = ORIGINAL.slice();
  const at = (lo: number, hi: number) => lo + rng.int(hi - lo);
  switch (rng.int(7)) {
    case 0: {
      const n = 1 + rng.int(8);
      const inHeader = rng.float() < 0.5;
      for (let i = 0; i < n; i++) bytes[inHeader ? at(0, DATA_START) : at(DATA_START, bytes.length)] ^= 1 + rng.int(255);
      return { what: `${n} byte(s) flipped in the ${inHeader ? 'prefix or header' : 'data'}`, bytes };
    }
    case 1: {
      const length = at(0, bytes.length);
      return { what: `truncated to ${length} bytes`, bytes: bytes.slice(0, length) };
    }
    case 2: {
      const n = pick(rng, [2n ** 64n - 1n, 2n ** 63n, BigInt(MAX_HEADER_BYTES) + 1n, BigInt(MAX_HEADER_BYTES), BigInt(bytes.length), BigInt(HEADER_LENGTH + 1 + rng.int(1 << 20)), 0n, 1n]);
      return { what: `header length set to ${n}`, bytes: setHeaderLength(bytes, n) };
    }
    case 3: {
      const inHeader = rng.float() < 0.5;
      const from = inHeader ? at(0, DATA_START) : at(DATA_START, bytes.length);
      const to = Math.min(bytes.length, from + 1 + rng.int(inHeader ? 64 : 4096));
      return { what: `bytes ${from}..${to} zeroed in the ${inHeader ? 'prefix or header' : 'data'}`, bytes: bytes.fill(0, from, to) };
    }
    case 4: {
      const extra = new Uint8Array(1 + rng.int(64)).map(() => rng.int(256));
      const out = new Uint8Array(bytes.length + extra.length);
      out.set(bytes);
      out.set(extra, bytes.length);
      return { what: `${extra.length} bytes appended`, bytes: out };
    }
    default:
      return editHeader(rng);
  }
}

type Outcome = 'rejected' | 'valid structure, sha256 differs' | 'unchanged';

test(`${MUTATIONS} seeded mutations of a safetensors file each end quickly with a UserError naming the file (or a sha256 mismatch)`, (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vadapter-st-fuzz-'));
  const rng = new Rng(SEED);
  const recorded = sha256Hex(ORIGINAL);
  const counts: Record<Outcome, number> = { rejected: 0, 'valid structure, sha256 differs': 0, unchanged: 0 };
  const byKind = new Map<string, number>();
  const baseline = process.memoryUsage().arrayBuffers;
  let peakGrowth = 0;
  let slowest = 0;
  for (let i = 0; i < MUTATIONS; i++) {
    const { what, bytes } = mutate(rng);
    const path = join(dir, `mutation-${String(i).padStart(3, '0')}.safetensors`);
    writeFileSync(path, bytes);
    const t0 = performance.now();
    const outcomes = [() => readSafetensors(path), () => decodeSafetensors(bytes, path)].map((read): Outcome => {
      try {
        read();
      } catch (err) {
        assert.ok(err instanceof UserError, `mutation ${i} (${what}): not a UserError: ${String(err instanceof Error ? err.stack : err)}`);
        assert.ok(err.message.startsWith(`${path}: `), `mutation ${i} (${what}): the message names the file: ${err.message}`);
        return 'rejected';
      }
      return sha256Hex(bytes) === recorded ? 'unchanged' : 'valid structure, sha256 differs';
    });
    const ms = performance.now() - t0;
    assert.equal(outcomes[0], outcomes[1], `mutation ${i} (${what}): reading the file and decoding the bytes agree`);
    assert.ok(ms < MAX_MS, `mutation ${i} (${what}) took ${ms.toFixed(0)} ms`);
    slowest = Math.max(slowest, ms);
    peakGrowth = Math.max(peakGrowth, process.memoryUsage().arrayBuffers - baseline);
    counts[outcomes[0]] += 1;
    const kind = `${what.replace(/\d+/g, 'N').replace(/ \(.*\)$/, '')}: ${outcomes[0]}`;
    byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
    rmSync(path);
  }
  t.diagnostic(`${MUTATIONS} mutations: ${JSON.stringify(counts)}; slowest ${slowest.toFixed(1)} ms; peak array-buffer growth ${(peakGrowth / 1024).toFixed(0)} KiB`);
  t.diagnostic(`by mutation and outcome: ${JSON.stringify(Object.fromEntries([...byKind].sort()))}`);
  assert.ok(peakGrowth < MAX_GROWTH_BYTES, `memory stayed bounded (${peakGrowth} bytes)`);
  assert.ok(counts.rejected >= MUTATIONS * 0.6, `most mutations damage the structure (${counts.rejected} rejected)`);
  assert.equal(counts.unchanged, 0, 'every mutation changed the file');
});
