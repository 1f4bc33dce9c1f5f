// The safetensors file format: an 8-byte little-endian header length N, N bytes of JSON
// ({name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {string: string}}), then the
// tensors' raw little-endian bytes, contiguous, offsets relative to the end of the header. Files
// written here open in the Python safetensors library and PyTorch; files read here are validated
// before a byte of tensor data is trusted (see parseHeader).
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { endianness } from 'node:os';
import { userError } from '../util/errors.ts';
import { writeChunksAtomic } from '../util/atomic.ts';

export type DType = 'F32' | 'F16' | 'BF16' | 'F64' | 'I64' | 'I32' | 'I16' | 'I8' | 'U64' | 'U32' | 'U16' | 'U8' | 'BOOL';

export const DTYPE_BYTES: Readonly<Record<DType, number>> = {
  F64: 8, I64: 8, U64: 8, F32: 4, I32: 4, U32: 4, F16: 2, BF16: 2, I16: 2, U16: 2, I8: 1, U8: 1, BOOL: 1,
};

/** One tensor: its dtype, its shape, and its raw little-endian bytes (row-major, `data.byteLength = numel x DTYPE_BYTES[dtype]`). */
export interface TensorRecord {
  dtype: DType;
  shape: number[];
  data: Uint8Array;
}

export interface SafetensorsContents {
  tensors: Record<string, TensorRecord>;
  metadata: Record<string, string>;
}

/** A tensor's header entry, without its data. */
export interface HeaderEntry {
  name: string;
  dtype: DType;
  shape: number[];
  begin: number; // byte offsets into the data section
  end: number;
}

export interface SafetensorsHeader {
  entries: HeaderEntry[];
  metadata: Record<string, string>;
  dataStart: number; // byte offset of the data section in the file: 8 + header length
}

/** The Python library's limit; a longer header is a corrupt or hostile file, not a big model. */
export const MAX_HEADER_BYTES = 100_000_000;
const METADATA_KEY = '__metadata__';
const ENTRY_FIELDS = new Set(['dtype', 'shape', 'data_offsets']);

if (endianness() !== 'LE') throw new Error('vadapter checkpoints assume a little-endian machine');

// ---- writing ----

export function encodeSafetensors(tensors: Record<string, TensorRecord>, metadata?: Record<string, string>): Uint8Array {
  const chunks = [...safetensorsChunks(tensors, metadata)];
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** Write a safetensors file atomically (temp file + fsync + rename), tensor by tensor. */
export function writeSafetensors(path: string, tensors: Record<string, TensorRecord>, metadata?: Record<string, string>): void {
  writeChunksAtomic(path, safetensorsChunks(tensors, metadata));
}

/** The file as a sequence of byte chunks: length prefix, padded header, each tensor's data in order. */
function safetensorsChunks(tensors: Record<string, TensorRecord>, metadata?: Record<string, string>): Uint8Array[] {
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) header[METADATA_KEY] = metadata;
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    checkRecord(name, t);
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = new Uint8Array(Math.ceil(json.byteLength / 8) * 8).fill(0x20); // spaces keep the data 8-byte aligned
  padded.set(json);
  const prefix = new Uint8Array(8);
  new DataView(prefix.buffer).setBigUint64(0, BigInt(padded.byteLength), true);
  return [prefix, padded, ...Object.values(tensors).map((t) => t.data)];
}

function checkRecord(name: string, t: TensorRecord): void {
  if (name.length === 0 || name === METADATA_KEY) throw new Error(`safetensors: invalid tensor name "${name}"`);
  if (!isDType(t.dtype)) throw new Error(`safetensors: tensor "${name}" has unknown dtype ${String(t.dtype)}`);
  const expected = byteLength(t.shape, t.dtype);
  if (expected !== t.data.byteLength) {
    throw new Error(`safetensors: tensor "${name}" ${t.dtype}[${t.shape.join(', ')}] needs ${expected} bytes, got ${t.data.byteLength}`);
  }
}

/** Bytes a tensor of this shape and dtype occupies; undefined if it is not a safe integer. */
export function byteLength(shape: readonly number[], dtype: DType): number | undefined {
  let n = DTYPE_BYTES[dtype];
  for (const d of shape) {
    n *= d;
    if (!Number.isSafeInteger(n)) return undefined;
  }
  return n;
}

// ---- reading ----

export function decodeSafetensors(bytes: Uint8Array, source: string): SafetensorsContents {
  const headerLength = readHeaderLength(bytes.subarray(0, 8), bytes.byteLength, source);
  const header = parseHeader(bytes.subarray(8, 8 + headerLength), bytes.byteLength - 8 - headerLength, source);
  const data = (e: HeaderEntry) => bytes.slice(header.dataStart + e.begin, header.dataStart + e.end);
  return { tensors: tensorsOf(header, data), metadata: header.metadata };
}

/** Read and validate a whole file, tensor by tensor (no single buffer the size of the file). */
export function readSafetensors(path: string): SafetensorsContents {
  return withFile(path, (fd, size) => {
    const header = readHeaderFrom(fd, size, path);
    return { tensors: tensorsOf(header, (e) => readExactly(fd, header.dataStart + e.begin, e.end - e.begin, path)), metadata: header.metadata };
  });
}

/** The records by name (fromEntries: a tensor named "__proto__" is an own key like any other). */
function tensorsOf(header: SafetensorsHeader, data: (e: HeaderEntry) => Uint8Array): Record<string, TensorRecord> {
  return Object.fromEntries(header.entries.map((e) => [e.name, { dtype: e.dtype, shape: e.shape, data: data(e) }]));
}

/** Only the header: names, dtypes, shapes and metadata, validated against the file's size. */
export function readSafetensorsHeader(path: string): SafetensorsHeader {
  return withFile(path, (fd, size) => readHeaderFrom(fd, size, path));
}

function withFile<T>(path: string, body: (fd: number, size: number) => T): T {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw userError('checkpoint_unreadable', `cannot open checkpoint: ${code === 'ENOENT' ? 'no such file' : String(err)}`, { file: path });
  }
  try {
    return body(fd, fstatSync(fd).size);
  } finally {
    closeSync(fd);
  }
}

function readHeaderFrom(fd: number, fileSize: number, source: string): SafetensorsHeader {
  const headerLength = readHeaderLength(readExactly(fd, 0, Math.min(8, fileSize), source), fileSize, source);
  return parseHeader(readExactly(fd, 8, headerLength, source), fileSize - 8 - headerLength, source);
}

function readExactly(fd: number, position: number, length: number, source: string): Uint8Array {
  const out = new Uint8Array(length);
  for (let done = 0; done < length; ) {
    const n = readSync(fd, out, done, length - done, position + done);
    if (n === 0) throw corrupt(source, `file ended at byte ${position + done}, expected ${length - done} more bytes`);
    done += n;
  }
  return out;
}

function corrupt(source: string, message: string, tensor?: string) {
  return userError('corrupt_checkpoint', message, { file: source, ...(tensor === undefined ? {} : { path: [tensor] }) });
}

function readHeaderLength(prefix: Uint8Array, fileSize: number, source: string): number {
  if (prefix.byteLength < 8) throw corrupt(source, `not a safetensors file: ${fileSize} bytes, too short for the 8-byte header length`);
  const n = new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_BYTES)) throw corrupt(source, `header length ${n} exceeds the ${MAX_HEADER_BYTES}-byte limit (corrupt or not a safetensors file)`);
  if (Number(n) > fileSize - 8) throw corrupt(source, `header length ${n} runs past the end of the ${fileSize}-byte file`);
  if (n < 2n) throw corrupt(source, `header length ${n} is too short for a JSON object`);
  return Number(n);
}

/** Validate the JSON header against the data section's length: every check a hostile file could need. */
export function parseHeader(headerBytes: Uint8Array, dataLength: number, source: string): SafetensorsHeader {
  const raw = parseJsonObject(headerBytes, source);
  const metadata = parseMetadata(raw[METADATA_KEY], source);
  const entries = Object.entries(raw)
    .filter(([name]) => name !== METADATA_KEY)
    .map(([name, value]) => parseEntry(name, value, dataLength, source));
  checkContiguous(entries, dataLength, source);
  return { entries, metadata, dataStart: 8 + headerBytes.byteLength };
}

function parseJsonObject(headerBytes: Uint8Array, source: string): Record<string, unknown> {
  let text: string;
  let value: unknown;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(headerBytes);
  } catch {
    throw corrupt(source, 'header is not valid UTF-8');
  }
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw corrupt(source, `header is not valid JSON: ${(err as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw corrupt(source, 'header is not a JSON object');
  return value as Record<string, unknown>;
}

function parseMetadata(value: unknown, source: string): Record<string, string> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw corrupt(source, '__metadata__ must be an object of strings', METADATA_KEY);
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw corrupt(source, `__metadata__ value of "${k}" must be a string, got ${JSON.stringify(v)}`, METADATA_KEY);
  }
  return value as Record<string, string>;
}

/** Own keys only: "toString" or "__proto__" is not a dtype. */
function isDType(x: unknown): x is DType {
  return typeof x === 'string' && Object.hasOwn(DTYPE_BYTES, x);
}

function isCount(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

function parseEntry(name: string, value: unknown, dataLength: number, source: string): HeaderEntry {
  const bad = (msg: string) => corrupt(source, msg, name);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw bad('entry must be an object with dtype, shape, data_offsets');
  const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
  const extra = Object.keys(value).find((k) => !ENTRY_FIELDS.has(k));
  if (extra !== undefined) throw bad(`unexpected field "${extra}" (expected dtype, shape, data_offsets)`);
  if (!isDType(dtype)) throw bad(`unknown dtype ${JSON.stringify(dtype)} (known: ${Object.keys(DTYPE_BYTES).join(', ')})`);
  if (!Array.isArray(shape) || !shape.every(isCount)) throw bad(`shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
    throw bad(`data_offsets must be two non-negative integers, got ${JSON.stringify(offsets)}`);
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end) throw bad(`data_offsets [${begin}, ${end}] end before they begin`);
  if (end > dataLength) throw bad(`data_offsets [${begin}, ${end}] run past the end of the ${dataLength}-byte data section (truncated file?)`);
  const need = byteLength(shape, dtype);
  if (need !== end - begin) throw bad(`${dtype}[${shape.join(', ')}] needs ${need ?? 'too many'} bytes but data_offsets [${begin}, ${end}] hold ${end - begin}`);
  return { name, dtype, shape: [...shape], begin, end };
}

function checkContiguous(entries: HeaderEntry[], dataLength: number, source: string): void {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  for (const e of sorted) {
    if (e.begin < expected) throw corrupt(source, `data_offsets [${e.begin}, ${e.end}] overlap the previous tensor, which ends at ${expected}`, e.name);
    if (e.begin > expected) throw corrupt(source, `data_offsets [${e.begin}, ${e.end}] leave a gap: the previous tensor ends at ${expected}`, e.name);
    expected = e.end;
  }
  if (expected !== dataLength) throw corrupt(source, `tensors cover ${expected} bytes but the data section holds ${dataLength} (trailing bytes)`);
}
