// GatherV2 with batchDims > 0: the wasm kernel reads the indices of batch b at b * batchSize
// instead of b * (indices per batch), so it returns garbage or reads out of bounds unless the
// two happen to agree (tfjs 4.22). Such gathers (picking each row's target logit, a beam's
// tokens) run here; batchDims = 0 keeps the wasm kernel.
import { backend_util, GatherV2, util, type KernelConfig, type KernelFunc } from '@tensorflow/tfjs-core';
import type { WasmBackend } from './heap.ts';
import { kernelInputs } from './kernel-inputs.ts';

function assertIndicesBelow(indices: ArrayLike<number>, dim: number): void {
  for (let i = 0; i < indices.length; i++) {
    const index = indices[i];
    util.assert(index >= 0 && index < dim, () => `GatherV2: the index value ${index} is not in [0, ${dim - 1}]`);
  }
}

const batchedGather: KernelFunc = ({ inputs, backend: b, attrs }) => {
  const backend = b as WasmBackend;
  const { x, indices } = kernelInputs(GatherV2, inputs, 'x', 'indices');
  const axis = util.parseAxisParam(attrs?.axis as number, x.shape)[0];
  const info = backend_util.segment_util.collectGatherOpShapeInfo(x, indices, axis, attrs?.batchDims as number);
  // x: [batch, outer, dim, slice], indices: [batch, perBatch] -> out: [batch, outer, perBatch, slice]
  const { batchSize: batch, outerSize: outer, dimSize: dim, sliceSize: slice } = info;
  const perBatch = util.sizeFromShape(indices.shape) / batch;
  assertIndicesBelow(backend.typedArrayFromHeap(indices), dim);
  const out = backend.makeOutput(info.outputShape, x.dtype);
  const src = backend.typedArrayFromHeap(x);
  const idx = backend.typedArrayFromHeap(indices);
  const dst = backend.typedArrayFromHeap(out);
  for (let bi = 0; bi < batch; bi++) {
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < perBatch; i++) {
        const from = ((bi * outer + o) * dim + idx[bi * perBatch + i]) * slice;
        dst.set(src.subarray(from, from + slice), ((bi * outer + o) * perBatch + i) * slice);
      }
    }
  }
  return out;
};

/** GatherV2 for wasm: batched gathers here, the rest to `original` (the backend's own kernel). */
export function gatherV2Config(original: KernelConfig): KernelConfig {
  return {
    ...original,
    kernelFunc: (args) => ((args.attrs?.batchDims as number) > 0 ? batchedGather(args) : original.kernelFunc(args)),
  };
}
