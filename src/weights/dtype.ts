// Stored floating-point tensors as float32, the dtype vadapter computes in: F32 as it is, F16 and BF16
// widened exactly (every half and bfloat16 value is a float32 value), F64 rounded.
import type { TensorRecord } from '../ckpt/safetensors.ts';
import { userError } from '../util/errors.ts';

const F16_TO_F32 = (() => {
  const table = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >> 10) & 0x1f;
    const frac = h & 0x3ff;
    table[h] = exp === 0 ? sign * 2 ** -14 * (frac / 1024) : exp === 31 ? (frac ? NaN : sign * Infinity) : sign * 2 ** (exp - 15) * (1 + frac / 1024);
  }
  return table;
})();

/** The values of `t` as float32; a non-float dtype is an error naming the tensor. */
export function toFloat32(t: TensorRecord, where: { file: string; name: string }): Float32Array {
  const bytes = t.data;
  const n = t.shape.reduce((a, b) => a * b, 1);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(n);
  switch (t.dtype) {
    case 'F32':
      for (let i = 0; i < n; i++) out[i] = view.getFloat32(i * 4, true);
      return out;
    case 'F16':
      for (let i = 0; i < n; i++) out[i] = F16_TO_F32[view.getUint16(i * 2, true)];
      return out;
    case 'BF16': {
      const word = new DataView(new ArrayBuffer(4));
      for (let i = 0; i < n; i++) {
        word.setUint32(0, view.getUint16(i * 2, true) << 16);
        out[i] = word.getFloat32(0);
      }
      return out;
    }
    case 'F64':
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(i * 8, true);
      return out;
    default:
      throw userError('bad_dtype', `tensor has dtype ${t.dtype}; a weight must be F32, F16, BF16 or F64`, { file: where.file, path: [where.name] });
  }
}

/** A row-major [rows, cols] matrix transposed to [cols, rows]. */
export function transpose2d(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c];
  return out;
}

/** Columns [from, from + n) of a row-major [rows, cols] matrix (a 1-D tensor is one row). */
export function sliceColumns(values: Float32Array, cols: number, from: number, n: number): Float32Array {
  const rows = values.length / cols;
  const out = new Float32Array(rows * n);
  for (let r = 0; r < rows; r++) out.set(values.subarray(r * cols + from, r * cols + from + n), r * n);
  return out;
}

/** A row-major tensor of `shape` with its axes reordered: output axis i is input axis `axes[i]`. */
export function permute(values: Float32Array, shape: number[], axes: number[]): Float32Array {
  const outShape = axes.map((a) => shape[a]);
  const inStrides = shape.map((_, i) => shape.slice(i + 1).reduce((x, y) => x * y, 1));
  const strides = axes.map((a) => inStrides[a]); // input stride of each output axis
  const out = new Float32Array(values.length);
  const index = new Array<number>(outShape.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let offset = 0;
    for (let d = 0; d < index.length; d++) offset += index[d] * strides[d];
    out[o] = values[offset];
    for (let d = index.length - 1; d >= 0 && ++index[d] === outShape[d]; d--) index[d] = 0;
  }
  return out;
}
