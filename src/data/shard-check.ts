// The structure of an Arrow IPC file, checked with bounded memory before apache-arrow decodes any
// of it (apache-arrow trusts the lengths in the metadata and allocates by them). Checked: the magic
// at both ends; the footer's length, and every offset, vector and string in the footer and in each
// record batch's metadata (flatbuffers), within their buffers; each record batch block (offset,
// metadata length, body length) within the file and its message agreeing with the block; each
// buffer within its body and large enough for its column's length; offsets of variable-length and
// list columns starting at or after 0, monotone and within their data. Nothing read is larger than
// the file. Any damage is a UserError naming the file, the place (byte offset where known) and what
// was wrong. Only what apache-arrow's file reader reads is checked (not the leading schema message).
//
//   const { batchLengths } = await checkShardStructure(handle, size, file)
//
// Format: https://arrow.apache.org/docs/format/Columnar.html#ipc-file-format (Footer, Block,
// Message, RecordBatch in File.fbs / Message.fbs / Schema.fbs).
import type { FileHandle } from 'node:fs/promises';
import { userError } from '../util/errors.ts';

const MAGIC = Buffer.from('ARROW1');
const LEAD = 8; // magic + 2 bytes of padding
const TAIL = 10; // int32 footer length + magic
const CONTINUATION = 0xffffffff;
const MAX_FIELDS = 10_000;
const MAX_DEPTH = 64;

type Fail = (message: string) => never;

/** Bounds-checked reads of one flatbuffer; every reference outside it is damage. */
class Flatbuffer {
  private readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    readonly fail: Fail,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private at(pos: number, size: number): number {
    if (!(pos >= 0 && pos + size <= this.bytes.byteLength)) this.fail(`reference to byte ${pos} lies outside the ${this.bytes.byteLength}-byte flatbuffer`);
    return pos;
  }

  u8(pos: number): number {
    return this.view.getUint8(this.at(pos, 1));
  }

  u16(pos: number): number {
    return this.view.getUint16(this.at(pos, 2), true);
  }

  i32(pos: number): number {
    return this.view.getInt32(this.at(pos, 4), true);
  }

  u32(pos: number): number {
    return this.view.getUint32(this.at(pos, 4), true);
  }

  /** An int64 as a number; values beyond ±2^53 are damage. */
  i64(pos: number): number {
    const v = this.view.getBigInt64(this.at(pos, 8), true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) this.fail(`64-bit value ${v} at byte ${pos} is out of range`);
    return Number(v);
  }

  root(): Table {
    return new Table(this, this.u32(0));
  }
}

/** A flatbuffer table: fields found through its vtable, absent fields giving their defaults. */
class Table {
  private readonly vtable: number;
  private readonly vtableSize: number;

  constructor(
    readonly fb: Flatbuffer,
    private readonly pos: number,
  ) {
    this.vtable = pos - fb.i32(pos);
    this.vtableSize = fb.u16(this.vtable);
    const inline = fb.u16(this.vtable + 2);
    if (this.vtableSize < 4 || this.vtableSize % 2 !== 0) fb.fail(`table at byte ${pos} has a vtable of ${this.vtableSize} bytes`);
    fb.u8(this.vtable + this.vtableSize - 1);
    fb.u8(pos + Math.max(inline, 4) - 1);
  }

  private field(index: number): number | undefined {
    const slot = 4 + 2 * index;
    if (slot >= this.vtableSize) return undefined;
    const offset = this.fb.u16(this.vtable + slot);
    return offset === 0 ? undefined : this.pos + offset;
  }

  u8(index: number, fallback = 0): number {
    const p = this.field(index);
    return p === undefined ? fallback : this.fb.u8(p);
  }

  i16(index: number, fallback = 0): number {
    const p = this.field(index);
    return p === undefined ? fallback : (this.fb.u16(p) << 16) >> 16;
  }

  i32(index: number, fallback = 0): number {
    const p = this.field(index);
    return p === undefined ? fallback : this.fb.i32(p);
  }

  i64(index: number, fallback = 0): number {
    const p = this.field(index);
    return p === undefined ? fallback : this.fb.i64(p);
  }

  private target(index: number): number | undefined {
    const p = this.field(index);
    return p === undefined ? undefined : p + this.fb.u32(p);
  }

  table(index: number): Table | undefined {
    const p = this.target(index);
    return p === undefined ? undefined : new Table(this.fb, p);
  }

  /** A vector of `elementSize`-byte elements: where its elements start and how many there are. */
  vector(index: number, elementSize: number): { start: number; length: number } {
    const p = this.target(index);
    if (p === undefined) return { start: 0, length: 0 };
    const length = this.fb.u32(p);
    if (p + 4 + length * elementSize > this.fb.bytes.byteLength) this.fb.fail(`vector at byte ${p} of ${length} elements runs past the end of the ${this.fb.bytes.byteLength}-byte flatbuffer`);
    return { start: p + 4, length };
  }

  tables(index: number): Table[] {
    const { start, length } = this.vector(index, 4);
    return Array.from({ length }, (_, i) => new Table(this.fb, start + 4 * i + this.fb.u32(start + 4 * i)));
  }

  string(index: number): string {
    const { start, length } = this.vector(index, 1);
    return Buffer.from(this.fb.bytes.buffer, this.fb.bytes.byteOffset + start, length).toString('utf8');
  }
}

/** Key-value metadata (footer, schema, field, message): every entry's strings within the buffer. */
function checkMetadata(table: Table, index: number): void {
  for (const kv of table.tables(index)) {
    kv.string(0);
    kv.string(1);
  }
}

/** How a column is laid out in a record batch body. */
type Layout =
  | { name: string; kind: 'null' }
  | { name: string; kind: 'fixed'; bits: number }
  | { name: string; kind: 'variable'; offsetBytes: 4 | 8 }
  | { name: string; kind: 'list'; offsetBytes: 4 | 8; child: Layout }
  | { name: string; kind: 'struct'; children: Layout[] };

const TYPE_NAMES = [
  'NONE', 'Null', 'Int', 'FloatingPoint', 'Binary', 'Utf8', 'Bool', 'Decimal', 'Date', 'Time', 'Timestamp', 'Interval', 'List', 'Struct',
  'Union', 'FixedSizeBinary', 'FixedSizeList', 'Map', 'Duration', 'LargeBinary', 'LargeUtf8', 'LargeList', 'RunEndEncoded', 'BinaryView',
  'Utf8View', 'ListView', 'LargeListView',
];

/** The layout of one field of the schema (Schema.fbs `Field`), recursively; `count` bounds the total. */
function fieldLayout(field: Table, fail: Fail, depth: number, count: { n: number }): Layout {
  if (++count.n > MAX_FIELDS || depth > MAX_DEPTH) fail(`schema has more than ${MAX_FIELDS} fields or nests deeper than ${MAX_DEPTH}`);
  const name = field.string(0);
  const typeName = TYPE_NAMES[field.u8(2)] ?? `#${field.u8(2)}`;
  const type = field.table(3) ?? fail(`column "${name}" has no type`);
  if (field.table(4)) fail(`column "${name}" is dictionary-encoded, which vadapter does not read`);
  checkMetadata(field, 6);
  const children = field.tables(5).map((child) => fieldLayout(child, fail, depth + 1, count));
  /** A fixed-width column of `bits` per value, `bits` being one of `allowed`. */
  const fixed = (bits: number | undefined, allowed: number[]): Layout => {
    if (bits === undefined || !allowed.includes(bits)) fail(`column "${name}" has a ${typeName} type of ${bits ?? 'unknown'} bits, expected one of ${allowed.join(', ')}`);
    return { name, kind: 'fixed', bits };
  };
  switch (typeName) {
    case 'Null':
      return { name, kind: 'null' };
    case 'Int':
      return fixed(type.i32(0), [8, 16, 32, 64]);
    case 'FloatingPoint':
      return fixed([16, 32, 64][type.i16(0)], [16, 32, 64]);
    case 'Bool':
      return fixed(1, [1]);
    case 'Decimal':
      return fixed(type.i32(2, 128), [32, 64, 128, 256]);
    case 'Date':
      return fixed([32, 64][type.i16(0, 1)], [32, 64]);
    case 'Time':
      return fixed(type.i32(1, 32), [32, 64]);
    case 'Timestamp':
      type.string(1);
      return fixed(64, [64]);
    case 'Duration':
      return fixed(64, [64]);
    case 'Interval':
      return fixed([32, 64, 128][type.i16(0)], [32, 64, 128]);
    case 'FixedSizeBinary': {
      const bits = 8 * type.i32(0);
      return fixed(bits, bits > 0 ? [bits] : []);
    }
    case 'Binary':
    case 'Utf8':
      return { name, kind: 'variable', offsetBytes: 4 };
    case 'LargeBinary':
    case 'LargeUtf8':
      return { name, kind: 'variable', offsetBytes: 8 };
    case 'List':
    case 'LargeList':
      if (children.length !== 1) fail(`list column "${name}" has ${children.length} child fields, expected 1`);
      return { name, kind: 'list', offsetBytes: typeName === 'List' ? 4 : 8, child: children[0] };
    case 'Struct':
      return { name, kind: 'struct', children };
    default:
      return fail(`column "${name}" has Arrow type ${typeName}, which vadapter does not read`);
  }
}

interface Block {
  offset: number;
  metaDataLength: number;
  bodyLength: number;
}

function blocks(footer: Table, index: number): Block[] {
  const { start, length } = footer.vector(index, 24);
  const fb = footer.fb;
  return Array.from({ length }, (_, i) => ({ offset: fb.i64(start + 24 * i), metaDataLength: fb.i32(start + 24 * i + 8), bodyLength: fb.i64(start + 24 * i + 16) }));
}

export interface ShardStructure {
  /** Rows of each record batch, in file order. */
  batchLengths: number[];
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Uint8Array> {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buf, 0, length, position);
  return buf.subarray(0, bytesRead);
}

/** Check the structure of the Arrow IPC file `file` (open as `handle`, `size` bytes); throws a UserError on damage. */
export async function checkShardStructure(handle: FileHandle, size: number, file: string): Promise<ShardStructure> {
  const failAt = (where: string): Fail => (message) => {
    throw userError('corrupt_shard', `${where}${message}`, { file });
  };
  const fail = failAt('');
  if (size < LEAD + TAIL) fail(`not an Arrow IPC file: ${size} bytes is too short for one`);
  const head = await readAt(handle, 0, LEAD);
  const tail = await readAt(handle, size - TAIL, TAIL);
  if (!MAGIC.equals(head.subarray(0, 6))) fail(`not an Arrow IPC file: it does not start with "ARROW1"`);
  if (!MAGIC.equals(tail.subarray(4))) fail(`not an Arrow IPC file (or truncated): it does not end with "ARROW1"`);
  const footerLength = Buffer.from(tail).readInt32LE(0);
  const footerStart = size - TAIL - footerLength;
  if (footerLength <= 0 || footerStart < LEAD) fail(`footer length ${footerLength} (at offset ${size - TAIL}) does not fit in the ${size}-byte file`);

  const footerFb = new Flatbuffer(await readAt(handle, footerStart, footerLength), failAt(`footer at offset ${footerStart}: `));
  const footer = footerFb.root();
  const schema = footer.table(1) ?? footerFb.fail('has no schema');
  if (schema.i16(0) !== 0) footerFb.fail('the schema is big-endian, which vadapter does not read');
  checkMetadata(schema, 2);
  schema.vector(3, 8);
  checkMetadata(footer, 4);
  const count = { n: 0 };
  const layouts = schema.tables(1).map((f) => fieldLayout(f, footerFb.fail, 0, count));
  if (blocks(footer, 2).length > 0) footerFb.fail('lists dictionary batches, which vadapter does not read');

  const batchLengths: number[] = [];
  for (const [index, block] of blocks(footer, 3).entries()) {
    batchLengths.push(await checkRecordBatch(handle, { size, footerStart, file }, index, block, layouts));
  }
  return { batchLengths };
}

interface FileInfo {
  size: number;
  footerStart: number;
  file: string;
}

/** Check record batch `index` (its block, message and body layout); returns its row count. */
async function checkRecordBatch(handle: FileHandle, f: FileInfo, index: number, block: Block, layouts: Layout[]): Promise<number> {
  const fail: Fail = (message) => {
    throw userError('corrupt_shard', `record batch ${index} ${message}`, { file: f.file });
  };
  const end = (what: string, at: number, length: number): void => {
    if (at < LEAD || length < 0 || at + length > f.footerStart) fail(`${what} at offset ${at} (length ${length}) runs past the end of the ${f.size}-byte file's data (its footer starts at ${f.footerStart})`);
  };
  end('metadata', block.offset, block.metaDataLength);
  end('body', block.offset + block.metaDataLength, block.bodyLength);
  const prefix = Buffer.from(await readAt(handle, block.offset, 8));
  const continued = prefix.readUInt32LE(0) === CONTINUATION;
  const prefixBytes = continued ? 8 : 4;
  const length = continued ? prefix.readInt32LE(4) : prefix.readInt32LE(0);
  if (length <= 0 || prefixBytes + length !== block.metaDataLength) fail(`metadata at offset ${block.offset} is ${length} bytes, the footer's block says ${block.metaDataLength - prefixBytes}`);
  const where = block.offset + prefixBytes;
  const fb = new Flatbuffer(await readAt(handle, where, length), (message) => fail(`metadata at offset ${where}: ${message}`));
  const message = fb.root();
  if (message.u8(1) !== 3) fb.fail(`is a ${['NONE', 'Schema', 'DictionaryBatch'][message.u8(1)] ?? `#${message.u8(1)}`} message, not a RecordBatch`);
  if (message.i64(3) !== block.bodyLength) fb.fail(`says the body is ${message.i64(3)} bytes, the footer's block says ${block.bodyLength}`);
  checkMetadata(message, 4);
  const batch = message.table(2) ?? fb.fail('has no RecordBatch header');
  if (batch.table(3)) fb.fail('has a compressed body, which vadapter does not read');
  batch.vector(4, 8);
  const rows = batch.i64(0);
  if (rows < 0) fb.fail(`has ${rows} rows`);
  const body = new Body(handle, block.offset + block.metaDataLength, block.bodyLength, batch, fb, (message) => fail(`body at offset ${block.offset + block.metaDataLength}: ${message}`));
  for (const layout of layouts) await body.checkColumn(layout, rows, true);
  body.checkAllUsed();
  return rows;
}

/** A record batch body: its field nodes and buffers taken in schema order, as apache-arrow's loader takes them. */
class Body {
  private nodeIndex = 0;
  private bufferIndex = 0;
  private readonly nodes: { start: number; length: number };
  private readonly buffers: { start: number; length: number };

  constructor(
    private readonly handle: FileHandle,
    private readonly at: number,
    private readonly bodyLength: number,
    batch: Table,
    private readonly fb: Flatbuffer,
    private readonly fail: Fail,
  ) {
    this.nodes = batch.vector(1, 16);
    this.buffers = batch.vector(2, 16);
  }

  private nextNode(name: string): { length: number; nullCount: number } {
    if (this.nodeIndex >= this.nodes.length) this.fail(`has ${this.nodes.length} field nodes, too few for the schema (column "${name}")`);
    const p = this.nodes.start + 16 * this.nodeIndex++;
    return { length: this.fb.i64(p), nullCount: this.fb.i64(p + 8) };
  }

  private nextBuffer(name: string): { offset: number; length: number } {
    if (this.bufferIndex >= this.buffers.length) this.fail(`has ${this.buffers.length} buffers, too few for the schema (column "${name}")`);
    const i = this.bufferIndex++;
    const p = this.buffers.start + 16 * i;
    const offset = this.fb.i64(p);
    const length = this.fb.i64(p + 8);
    if (offset < 0 || length < 0 || offset + length > this.bodyLength) this.fail(`buffer ${i} (column "${name}") at offset ${offset} (length ${length}) runs past the end of the ${this.bodyLength}-byte body`);
    return { offset, length };
  }

  private needs(buffer: { length: number }, bytes: number, what: string, name: string): void {
    if (buffer.length < bytes) this.fail(`column "${name}" needs ${bytes} bytes of ${what}, its buffer has ${buffer.length}`);
  }

  /** The `count + 1` offsets of a column, checked to start at or after 0 and never decrease; returns the last. */
  private async lastOffset(buffer: { offset: number; length: number }, count: number, bytes: 4 | 8, name: string): Promise<number> {
    if (count === 0) return 0;
    this.needs(buffer, (count + 1) * bytes, 'offsets', name);
    const data = Buffer.from(await readAt(this.handle, this.at + buffer.offset, (count + 1) * bytes));
    let previous = 0;
    for (let i = 0; i <= count; i++) {
      const value = bytes === 4 ? data.readInt32LE(4 * i) : Number(data.readBigInt64LE(8 * i));
      if (!(value >= previous) || (i === 0 && value < 0)) this.fail(`column "${name}": offset ${i} is ${value}, after ${previous} (offsets must start at 0 or more and never decrease)`);
      previous = value;
    }
    return previous;
  }

  /** Check one column of at least `rows` values (exactly `rows` at the top level), with its children. */
  async checkColumn(layout: Layout, rows: number, top: boolean): Promise<void> {
    const { name } = layout;
    const node = this.nextNode(name);
    if (top ? node.length !== rows : node.length < rows) this.fail(`column "${name}" has ${node.length} values, the record batch has ${rows} rows`);
    if (node.nullCount < 0 || node.nullCount > node.length) this.fail(`column "${name}" has ${node.nullCount} nulls among ${node.length} values`);
    if (layout.kind === 'null') return;
    const validity = this.nextBuffer(name);
    if (node.nullCount > 0) this.needs(validity, Math.ceil(node.length / 8), 'validity bitmap', name);
    switch (layout.kind) {
      case 'fixed':
        this.needs(this.nextBuffer(name), Math.ceil((node.length * layout.bits) / 8), 'values', name);
        return;
      case 'variable': {
        const offsets = this.nextBuffer(name);
        const data = this.nextBuffer(name);
        const last = await this.lastOffset(offsets, node.length, layout.offsetBytes, name);
        if (last > data.length) this.fail(`column "${name}": the last offset ${last} is past the end of its ${data.length}-byte data buffer`);
        return;
      }
      case 'list':
        return this.checkColumn(layout.child, await this.lastOffset(this.nextBuffer(name), node.length, layout.offsetBytes, name), false);
      case 'struct':
        for (const child of layout.children) await this.checkColumn(child, node.length, false);
    }
  }

  checkAllUsed(): void {
    if (this.nodeIndex !== this.nodes.length || this.bufferIndex !== this.buffers.length) {
      this.fail(`has ${this.nodes.length} field nodes and ${this.buffers.length} buffers, the schema has ${this.nodeIndex} and ${this.bufferIndex}`);
    }
  }
}
