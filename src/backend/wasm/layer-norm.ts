// Layer norm over the last axis and its gradient for wasm as single kernels: the native kernels'
// layerNorm and layerNormGrad on the heap. Registered always; the model asks `hasFusedLayerNorm()`
// (src/backend/fused-layer-norm.ts), true only while the native kernels are active.
import { util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { FUSED_LAYER_NORM, FUSED_LAYER_NORM_GRAD } from '../fused-layer-norm.ts';
import { floatOffset, heapFloats, type WasmBackend } from './heap.ts';
import { kernelInputs } from './kernel-inputs.ts';
import { requireNative } from './native.ts';

/** The rows and width of x, checking that every operand is float32 and each of `likeX` / `perColumn` / `perRow` has as many elements as x / a row / the rows. */
function layout(kernelName: string, x: TensorInfo, likeX: TensorInfo[], perColumn: TensorInfo[], perRow: TensorInfo[]): { rows: number; width: number } {
  const width = x.shape[x.shape.length - 1] ?? 1;
  const rows = util.sizeFromShape(x.shape) / width;
  const wanted = [[x, rows * width], ...likeX.map((t) => [t, rows * width] as const), ...perColumn.map((t) => [t, width] as const), ...perRow.map((t) => [t, rows] as const)] as const;
  for (const [t, want] of wanted) {
    if (t.dtype !== 'float32' || util.sizeFromShape(t.shape) !== want) throw new Error(`${kernelName}: expected float32 operands for x [${x.shape}]; got a ${t.dtype} [${t.shape}]`);
  }
  return { rows, width };
}

const forward: KernelFunc = ({ inputs, backend: b, attrs }) => {
  const backend = b as WasmBackend;
  const native = requireNative(FUSED_LAYER_NORM);
  const { x, gain, bias } = kernelInputs(FUSED_LAYER_NORM, inputs, 'x', 'gain', 'bias');
  const { rows, width } = layout(FUSED_LAYER_NORM, x, [], [gain, bias], []);
  const outs = [backend.makeOutput(x.shape, 'float32'), backend.makeOutput([rows], 'float32'), backend.makeOutput([rows], 'float32')]; // y, mean, rstd
  const [xAt, gainAt, biasAt, yAt, meanAt, rstdAt] = [x, gain, bias, ...outs].map((t) => floatOffset(backend, t));
  if (rows > 0) native.layerNorm(heapFloats(backend), rows, width, xAt, gainAt, biasAt, yAt, meanAt, rstdAt, attrs?.eps as number);
  return outs;
};

const backward: KernelFunc = ({ inputs, backend: b }) => {
  const backend = b as WasmBackend;
  const native = requireNative(FUSED_LAYER_NORM_GRAD);
  const { x, gain, mean, rstd, dy } = kernelInputs(FUSED_LAYER_NORM_GRAD, inputs, 'x', 'gain', 'mean', 'rstd', 'dy');
  const { rows, width } = layout(FUSED_LAYER_NORM_GRAD, x, [dy], [gain], [mean, rstd]);
  const outs = [backend.makeOutput(x.shape, 'float32'), backend.makeOutput(gain.shape, 'float32'), backend.makeOutput(gain.shape, 'float32')]; // dx, dgain, dbias
  const at = [x, gain, mean, rstd, dy, ...outs].map((t) => floatOffset(backend, t));
  if (rows > 0) native.layerNormGrad(heapFloats(backend), rows, width, ...(at as [number, number, number, number, number, number, number, number]));
  return outs;
};

export const fusedLayerNormConfig: KernelConfig = { kernelName: FUSED_LAYER_NORM, backendName: 'wasm', kernelFunc: forward };
export const fusedLayerNormGradConfig: KernelConfig = { kernelName: FUSED_LAYER_NORM_GRAD, backendName: 'wasm', kernelFunc: backward };
