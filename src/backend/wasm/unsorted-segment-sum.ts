// UnsortedSegmentSum, which the wasm backend lacks: it is the gradient of gather, hence of every
// embedding lookup. out[s] = sum of x[i] over the i with segmentIds[i] == s; ids outside
// [0, numSegments) are dropped, as on the cpu backend. One pass over x (the cpu backend's kernel
// makes one pass per segment, which is numSegments times slower).
import { UnsortedSegmentSum, util, type KernelConfig, type KernelFunc } from '@tensorflow/tfjs-core';
import type { WasmBackend } from './heap.ts';
import { kernelInputs } from './kernel-inputs.ts';

const unsortedSegmentSum: KernelFunc = ({ inputs, backend: b, attrs }) => {
  const backend = b as WasmBackend;
  const { x, segmentIds } = kernelInputs(UnsortedSegmentSum, inputs, 'x', 'segmentIds');
  const numSegments = attrs?.numSegments as number;
  // x: [...segmentIds.shape, ...rowShape] -> out: [numSegments, ...rowShape]
  const rowShape = x.shape.slice(segmentIds.shape.length);
  const rowSize = util.sizeFromShape(rowShape);
  const rows = util.sizeFromShape(segmentIds.shape);
  const out = backend.makeOutput([numSegments, ...rowShape], x.dtype);
  // Heap views are taken after the allocation above, which may have moved the heap.
  const src = backend.typedArrayFromHeap(x);
  const ids = backend.typedArrayFromHeap(segmentIds);
  const dst = backend.typedArrayFromHeap(out);
  dst.fill(0);
  for (let r = 0; r < rows; r++) {
    const s = ids[r];
    if (s < 0 || s >= numSegments) continue;
    const from = r * rowSize;
    const to = s * rowSize;
    for (let j = 0; j < rowSize; j++) dst[to + j] += src[from + j];
  }
  return out;
};

export const unsortedSegmentSumConfig: KernelConfig = {
  kernelName: UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSum,
};
