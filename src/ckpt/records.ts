// Between tfjs tensors / typed arrays and TensorRecords (raw little-endian bytes). Model tensors are
// float32 (F32); int32 (I32), uint32 (U32, e.g. RNG state words), uint8 (U8) and bool (BOOL) are there
// for optimizer and trainer state. Reading also accepts F16, BF16 and F64 (as float32) and the
// narrower or wider integer types (as int32 when every value fits) so public checkpoints import.
import * as tf from '@tensorflow/tfjs-core';
import { userError } from '../util/errors.ts';
import type { DType, TensorRecord } from './safetensors.ts';

export type RecordArray = Float32Array | Float64Array | Int32Array | Int16Array | Int8Array | Uint32Array | Uint16Array | Uint8Array | BigInt64Array | BigUint64Array;

const ARRAY_DTYPE: [new (...args: never[]) => RecordArray, DType][] = [
  [Float32Array, 'F32'], [Float64Array, 'F64'], [Int32Array, 'I32'], [Int16Array, 'I16'], [Int8Array, 'I8'],
  [Uint32Array, 'U32'], [Uint16Array, 'U16'], [Uint8Array, 'U8'], [BigInt64Array, 'I64'], [BigUint64Array, 'U64'],
];

/** A record holding a copy of `array` with the given shape (dtype from the array's type; `bool` turns a Uint8Array into BOOL). */
export function recordFromArray(shape: number[], array: RecordArray, opts: { bool?: boolean } = {}): TensorRecord {
  const found = ARRAY_DTYPE.find(([ctor]) => array instanceof ctor);
  if (!found) throw new Error('recordFromArray: unsupported array type');
  const numel = shape.reduce((a, b) => a * b, 1);
  if (numel !== array.length) throw new Error(`recordFromArray: shape [${shape.join(', ')}] needs ${numel} values, got ${array.length}`);
  const dtype = opts.bool ? 'BOOL' : found[1];
  return { dtype, shape: [...shape], data: new Uint8Array(array.buffer.slice(array.byteOffset, array.byteOffset + array.byteLength)) };
}

/** The record's values as the typed array of its dtype (F16/BF16 widened to Float32Array; BOOL as Uint8Array). */
export function arrayFromRecord(r: TensorRecord): RecordArray {
  const buf = r.data.byteOffset % 8 === 0 ? r.data : r.data.slice();
  const view = <T>(ctor: new (b: ArrayBufferLike, o: number, n: number) => T, bytes: number) => new ctor(buf.buffer, buf.byteOffset, buf.byteLength / bytes);
  switch (r.dtype) {
    case 'F32': return view(Float32Array, 4);
    case 'F64': return view(Float64Array, 8);
    case 'F16': return halfToFloat32(view(Uint16Array, 2));
    case 'BF16': return bfloat16ToFloat32(view(Uint16Array, 2));
    case 'I64': return view(BigInt64Array, 8);
    case 'U64': return view(BigUint64Array, 8);
    case 'I32': return view(Int32Array, 4);
    case 'U32': return view(Uint32Array, 4);
    case 'I16': return view(Int16Array, 2);
    case 'U16': return view(Uint16Array, 2);
    case 'I8': return view(Int8Array, 1);
    case 'U8': case 'BOOL': return view(Uint8Array, 1);
  }
}

function halfToFloat32(h: Uint16Array): Float32Array {
  const out = new Float32Array(h.length);
  for (let i = 0; i < h.length; i++) {
    const sign = h[i] & 0x8000 ? -1 : 1;
    const exp = (h[i] >> 10) & 0x1f;
    const frac = h[i] & 0x3ff;
    if (exp === 0) out[i] = sign * frac * 2 ** -24; // subnormal
    else if (exp === 31) out[i] = frac ? NaN : sign * Infinity;
    else out[i] = sign * (1 + frac / 1024) * 2 ** (exp - 15);
  }
  return out;
}

function bfloat16ToFloat32(h: Uint16Array): Float32Array {
  const bits = new Uint32Array(h.length);
  for (let i = 0; i < h.length; i++) bits[i] = h[i] << 16;
  return new Float32Array(bits.buffer);
}

/** A TensorRecord with a copy of the tensor's values (float32 -> F32, int32 -> I32, bool -> BOOL). */
export async function recordFromTensor(t: tf.Tensor): Promise<TensorRecord> {
  const values = await t.data();
  if (t.dtype === 'float32') return recordFromArray(t.shape, values as Float32Array);
  if (t.dtype === 'int32') return recordFromArray(t.shape, values as Int32Array);
  if (t.dtype === 'bool') return recordFromArray(t.shape, Uint8Array.from(values as Uint8Array), { bool: true });
  throw new Error(`recordFromTensor: cannot store a ${t.dtype} tensor`);
}

/** Records for every named tensor, in the order given. */
export async function recordsFromTensors(named: Map<string, tf.Tensor> | Record<string, tf.Tensor>): Promise<Record<string, TensorRecord>> {
  const entries = named instanceof Map ? [...named.entries()] : Object.entries(named);
  const out: Record<string, TensorRecord> = {};
  for (const [name, t] of entries) out[name] = await recordFromTensor(t);
  return out;
}

/** A tfjs tensor from a record: floating dtypes become float32, integers int32 (an error names any value out of range), BOOL bool. */
export function tensorFromRecord(r: TensorRecord, where: { file: string; name: string }): tf.Tensor {
  const values = arrayFromRecord(r);
  if (r.dtype === 'BOOL') return tf.tensor(values as Uint8Array, r.shape, 'bool');
  if (values instanceof Float32Array) return tf.tensor(values, r.shape, 'float32');
  if (values instanceof Float64Array) return tf.tensor(Float32Array.from(values), r.shape, 'float32');
  return tf.tensor(toInt32(values, where), r.shape, 'int32');
}

function toInt32(values: RecordArray, where: { file: string; name: string }): Int32Array {
  if (values instanceof Int32Array) return values;
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = Number(values[i]);
    if (v < -2147483648 || v > 2147483647) {
      throw userError('checkpoint_value_range', `value ${values[i]} at index ${i} does not fit int32`, { file: where.file, path: [where.name] });
    }
    out[i] = v;
  }
  return out;
}
