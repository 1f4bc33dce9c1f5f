import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { UserError } from '../../src/util/errors.ts';
import {
  type TensorRecord, decodeSafetensors, encodeSafetensors, readSafetensors, readSafetensorsHeader, writeSafetensors,
} from '../../src/ckpt/safetensors.ts';
import { arrayFromRecord, recordFromArray } from '../../src/ckpt/records.ts';

const dir = mkdtempSync(join(tmpdir(), 'vadapter-st-'));

function sample(): Record<string, TensorRecord> {
  const f32 = new Float32Array([1.5, -0, NaN, Infinity, 1e-45, -3.4028234663852886e38]);
  const nanPayload = new Uint32Array(f32.buffer);
  nanPayload[2] = 0x7fc01234; // a NaN with a payload must survive bit for bit
  return {
    'vit.blocks.0.attn.q.weight': recordFromArray([2, 3], f32),
    'step': recordFromArray([], new BigInt64Array([123456789012345n])),
    'rng': recordFromArray([4], new Uint32Array([0xffffffff, 0, 1, 0x80000000])),
    'ids': recordFromArray([3], new Int32Array([-1, 0, 2147483647])),
    'mask': recordFromArray([2], new Uint8Array([1, 0]), { bool: true }),
    'empty': recordFromArray([0, 4], new Float32Array(0)),
    'half': { dtype: 'F16', shape: [1], data: new Uint8Array([0x00, 0x3c]) },
    'f64': recordFromArray([2], new Float64Array([Math.PI, -1e300])),
  };
}

function headerLength(bytes: Uint8Array): number {
  return Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
}

/** A file from a hand-written header and a data section. */
function fileOf(header: unknown, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

test('round trip through bytes and through a file is bit-exact, metadata included', () => {
  const tensors = sample();
  const meta = { 'vadapter.config': '{"vit":{"width":8}}', format: 'pt' };
  const bytes = encodeSafetensors(tensors, meta);
  const decoded = decodeSafetensors(bytes, 'mem');
  assert.deepEqual(decoded.metadata, meta);
  assert.deepEqual(Object.keys(decoded.tensors), Object.keys(tensors));
  for (const [name, t] of Object.entries(tensors)) {
    assert.equal(decoded.tensors[name].dtype, t.dtype, name);
    assert.deepEqual(decoded.tensors[name].shape, t.shape, name);
    assert.deepEqual(Buffer.from(decoded.tensors[name].data), Buffer.from(t.data), name);
  }
  const path = join(dir, 'a.safetensors');
  writeSafetensors(path, tensors, meta);
  assert.deepEqual(readFileSync(path), Buffer.from(bytes));
  const read = readSafetensors(path);
  assert.deepEqual(read.metadata, meta);
  for (const [name, t] of Object.entries(tensors)) assert.deepEqual(Buffer.from(read.tensors[name].data), Buffer.from(t.data), name);
  assert.equal(new Uint32Array(read.tensors['vit.blocks.0.attn.q.weight'].data.slice().buffer)[2], 0x7fc01234);
});

test('the layout is the format: u64 LE header length, 8-aligned space-padded JSON header, contiguous offsets', () => {
  const bytes = encodeSafetensors({ a: recordFromArray([2], new Float32Array([1, 2])), b: recordFromArray([1], new Uint8Array([7])) }, { k: 'v' });
  const n = headerLength(bytes);
  assert.equal(n % 8, 0);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  assert.deepEqual(header, {
    __metadata__: { k: 'v' },
    a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
    b: { dtype: 'U8', shape: [1], data_offsets: [8, 9] },
  });
  assert.deepEqual([...bytes.subarray(8 + n)], [0, 0, 0x80, 0x3f, 0, 0, 0, 0x40, 7]);
});

test('a hand-made file (as another writer would produce it) decodes to its values', () => {
  const data = new Uint8Array([0x00, 0x3c, 0x00, 0xc0, 0xff, 0x7b, 0x01, 0x00, /* bf16 */ 0x80, 0x3f, /* i8 */ 0xff]);
  const file = fileOf({ h: { dtype: 'F16', shape: [2, 2], data_offsets: [0, 8] }, b: { dtype: 'BF16', shape: [1], data_offsets: [8, 10] }, i: { dtype: 'I8', shape: [], data_offsets: [10, 11] } }, data);
  const { tensors, metadata } = decodeSafetensors(file, 'hand.safetensors');
  assert.deepEqual(metadata, {});
  assert.deepEqual([...arrayFromRecord(tensors.h)], [1, -2, 65504, 2 ** -24]);
  assert.deepEqual([...arrayFromRecord(tensors.b)], [1]);
  assert.deepEqual([...arrayFromRecord(tensors.i)], [-1]);
});

const HOSTILE: [string, Uint8Array, RegExp][] = [
  ['too short', new Uint8Array(5), /f: not a safetensors file: 5 bytes, too short/],
  ['huge header length', (() => { const b = new Uint8Array(16); new DataView(b.buffer).setBigUint64(0, 2n ** 63n, true); return b; })(), /f: header length 9223372036854775808 exceeds the 100000000-byte limit/],
  ['header past end of file', (() => { const b = fileOf({}); new DataView(b.buffer).setBigUint64(0, 1000n, true); return b; })(), /f: header length 1000 runs past the end of the 10-byte file/],
  ['invalid JSON', fileOf('{"a": [1,'), /f: header is not valid JSON/],
  ['JSON array', fileOf('[1, 2]'), /f: header is not a JSON object/],
  ['invalid UTF-8', (() => { const b = fileOf('{"?": 1}'); b[10] = 0xff; return b; })(), /f: header is not valid UTF-8/],
  ['negative offset', fileOf({ a: { dtype: 'U8', shape: [1], data_offsets: [-1, 0] } }, new Uint8Array(1)), /f: a: data_offsets must be two non-negative integers, got \[-1,0\]/],
  ['non-integer shape', fileOf({ a: { dtype: 'U8', shape: [1.5], data_offsets: [0, 1] } }, new Uint8Array(1)), /f: a: shape must be an array of non-negative integers, got \[1.5\]/],
  ['string shape', fileOf({ a: { dtype: 'U8', shape: '3', data_offsets: [0, 3] } }, new Uint8Array(3)), /f: a: shape must be an array of non-negative integers, got "3"/],
  ['unknown dtype', fileOf({ a: { dtype: 'F12', shape: [1], data_offsets: [0, 1] } }, new Uint8Array(1)), /f: a: unknown dtype "F12" \(known: F64, I64/],
  ['inherited name as dtype', fileOf({ a: { dtype: 'toString', shape: [1], data_offsets: [0, 1] } }, new Uint8Array(1)), /f: a: unknown dtype "toString"/],
  ['offsets past the data', fileOf({ a: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, new Uint8Array(8)), /f: a: data_offsets \[0, 16\] run past the end of the 8-byte data section \(truncated file\?\)/],
  ['size mismatch', fileOf({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, new Uint8Array(8)), /f: a: F32\[3\] needs 12 bytes but data_offsets \[0, 8\] hold 8/],
  ['overflowing shape', fileOf({ a: { dtype: 'F32', shape: [2 ** 40, 2 ** 40], data_offsets: [0, 8] } }, new Uint8Array(8)), /f: a: F32\[1099511627776, 1099511627776\] needs too many bytes/],
  ['overlap', fileOf({ a: { dtype: 'U8', shape: [4], data_offsets: [0, 4] }, b: { dtype: 'U8', shape: [2], data_offsets: [2, 4] } }, new Uint8Array(4)), /f: b: data_offsets \[2, 4\] overlap the previous tensor, which ends at 4/],
  ['gap', fileOf({ a: { dtype: 'U8', shape: [2], data_offsets: [0, 2] }, b: { dtype: 'U8', shape: [2], data_offsets: [3, 5] } }, new Uint8Array(5)), /f: b: data_offsets \[3, 5\] leave a gap: the previous tensor ends at 2/],
  ['trailing bytes', fileOf({ a: { dtype: 'U8', shape: [2], data_offsets: [0, 2] } }, new Uint8Array(3)), /f: tensors cover 2 bytes but the data section holds 3/],
  ['reversed offsets', fileOf({ a: { dtype: 'U8', shape: [0], data_offsets: [2, 1] } }, new Uint8Array(2)), /f: a: data_offsets \[2, 1\] end before they begin/],
  ['non-string metadata', fileOf({ __metadata__: { step: 3 } }), /f: __metadata__: __metadata__ value of "step" must be a string, got 3/],
  ['extra entry field', fileOf({ a: { dtype: 'U8', shape: [1], data_offsets: [0, 1], evil: 1 } }, new Uint8Array(1)), /f: a: unexpected field "evil"/],
];

for (const [what, bytes, message] of HOSTILE) {
  test(`a corrupt or hostile file is rejected with a clear error: ${what}`, () => {
    assert.throws(() => decodeSafetensors(bytes, 'f'), (err: unknown) => err instanceof UserError && message.test(err.message) && err.issues[0].code === 'corrupt_checkpoint');
    const path = join(dir, `hostile-${what.replaceAll(' ', '-')}.safetensors`);
    writeFileSync(path, bytes);
    assert.throws(() => readSafetensors(path), (err: unknown) => err instanceof UserError && err.message.startsWith(path));
  });
}

test('a tensor named __proto__ is an ordinary tensor', () => {
  const file = fileOf({ ['__proto__']: { dtype: 'U8', shape: [2], data_offsets: [0, 2] } }, new Uint8Array([7, 9]));
  const { tensors } = decodeSafetensors(file, 'f');
  assert.deepEqual(Object.keys(tensors), ['__proto__']);
  assert.deepEqual([...tensors['__proto__'].data], [7, 9]);
});

test('a truncated file is rejected naming the file and the tensor', () => {
  const bytes = encodeSafetensors(sample());
  const path = join(dir, 'truncated.safetensors');
  writeFileSync(path, bytes.subarray(0, bytes.length - 3));
  assert.throws(() => readSafetensors(path), /truncated\.safetensors: f64: data_offsets \[\d+, \d+\] run past the end of the \d+-byte data section \(truncated file\?\)/);
});

test('a missing file is a user error naming it', () => {
  assert.throws(() => readSafetensors(join(dir, 'nope.safetensors')), (err: unknown) => err instanceof UserError && /nope\.safetensors: cannot open checkpoint: no such file/.test(err.message));
});

test('the header alone can be read without the data', () => {
  const path = join(dir, 'h.safetensors');
  writeSafetensors(path, sample(), { a: 'b' });
  const h = readSafetensorsHeader(path);
  assert.deepEqual(h.metadata, { a: 'b' });
  assert.deepEqual(h.entries.map((e) => [e.name, e.dtype, e.shape]).slice(0, 2), [['vit.blocks.0.attn.q.weight', 'F32', [2, 3]], ['step', 'I64', []]]);
});

test('rewriting a checkpoint replaces it whole and leaves no temporary files', () => {
  const sub = mkdtempSync(join(dir, 'atomic-'));
  const path = join(sub, 'm.safetensors');
  writeSafetensors(path, sample());
  writeSafetensors(path, { x: recordFromArray([1], new Float32Array([2])) });
  assert.deepEqual(Object.keys(readSafetensors(path).tensors), ['x']);
  assert.deepEqual(readdirSync(sub), ['m.safetensors']);
});

test('writing refuses a record whose bytes do not match its shape', () => {
  assert.throws(() => encodeSafetensors({ a: { dtype: 'F32', shape: [3], data: new Uint8Array(8) } }), /tensor "a" F32\[3\] needs 12 bytes, got 8/);
});

const python = spawnSync('python3', ['-c', 'import struct, json'], { encoding: 'utf8' });
test('a written file opens in an independent Python reader (dev-time cross-check)', { skip: python.status !== 0 && 'python3 not available' }, () => {
  const path = join(dir, 'py.safetensors');
  writeSafetensors(path, { w: recordFromArray([2, 2], new Float32Array([0.25, -1, 3, 1e-30])), n: recordFromArray([2], new Int32Array([-5, 7])) }, { 'vadapter.config': '{}' });
  const script = new URL('./cross-check/read_safetensors.py', import.meta.url).pathname;
  const r = spawnSync('python3', [script, path], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const read = JSON.parse(r.stdout);
  assert.deepEqual(read.metadata, { 'vadapter.config': '{}' });
  assert.deepEqual(read.tensors.w, { dtype: 'F32', shape: [2, 2], values: [0.25, -1, 3, Math.fround(1e-30)] });
  assert.deepEqual(read.tensors.n, { dtype: 'I32', shape: [2], values: [-5, 7] });
});
