// The parts of the wasm backend's internals that the kernels in this folder use: tensor memory on
// the WebAssembly heap, the ids its C++ side knows tensors by, and zero-copy views (C++ tensor ids
// for a range of another tensor's memory). Everything here is valid for @tensorflow/tfjs-backend-wasm 4.x.
import type { DataType, KernelBackend, TensorInfo, TypedArray } from '@tensorflow/tfjs-core';

interface WasmModule {
  HEAPU8: Uint8Array;
  cwrap(name: string, returnType: null, argTypes: string[]): (...args: unknown[]) => void;
  tfjs: { registerTensor(id: number, size: number, memoryOffset: number): void; disposeData(id: number): void };
}

interface TensorData {
  id: number;
  memoryOffset: number;
}

/** The wasm backend as seen by our kernels. */
export interface WasmBackend extends KernelBackend {
  wasm: WasmModule;
  dataIdNextNumber: number;
  dataIdMap: { get(dataId: object): TensorData | undefined };
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): TypedArray;
  incRef(dataId: object): void;
}

const BYTES_PER_ELEMENT: Record<string, number> = { float32: 4, int32: 4, bool: 1 };

function tensorData(backend: WasmBackend, t: TensorInfo): TensorData {
  const data = backend.dataIdMap.get(t.dataId);
  if (!data) throw new Error(`wasm backend: tensor of shape [${t.shape}] has no data (disposed?)`);
  return data;
}

const heapViews = new WeakMap<ArrayBufferLike, Float32Array>();

/** The whole WebAssembly heap as floats (a new view after the heap grows). */
export function heapFloats(backend: WasmBackend): Float32Array {
  const buffer = backend.wasm.HEAPU8.buffer;
  let view = heapViews.get(buffer);
  if (!view) heapViews.set(buffer, (view = new Float32Array(buffer)));
  return view;
}

/** Where float32 tensor `t` starts in `heapFloats`. */
export function floatOffset(backend: WasmBackend, t: TensorInfo): number {
  return tensorData(backend, t).memoryOffset / Float32Array.BYTES_PER_ELEMENT;
}

/** The id the C++ side knows `t` by. */
export function nativeId(backend: WasmBackend, t: TensorInfo): number {
  return tensorData(backend, t).id;
}

/**
 * A C++ tensor id for `size` elements of `t` starting at element `offset`, sharing its memory.
 * Release it with `releaseView` before `t` is disposed.
 */
export function viewOf(backend: WasmBackend, t: TensorInfo, offset: number, size: number): number {
  const id = backend.dataIdNextNumber++;
  const bytes = BYTES_PER_ELEMENT[t.dtype];
  backend.wasm.tfjs.registerTensor(id, size, tensorData(backend, t).memoryOffset + offset * bytes);
  return id;
}

/** Forget a view: the C++ side drops the id (and anything it cached for it); the memory stays. */
export function releaseView(backend: WasmBackend, id: number): void {
  backend.wasm.tfjs.disposeData(id);
}

/** A function exported by the backend's WebAssembly module, wrapped once per backend instance. */
export function nativeFunction(name: string, argTypes: string[]): (backend: WasmBackend) => (...args: unknown[]) => void {
  const cache = new WeakMap<WasmBackend, (...args: unknown[]) => void>();
  return (backend) => {
    let fn = cache.get(backend);
    if (!fn) {
      fn = backend.wasm.cwrap(name, null, argTypes);
      cache.set(backend, fn);
    }
    return fn;
  };
}

/** The bytes of an int32 shape, as the C++ kernels take shapes. */
export function shapeBytes(shape: number[]): Uint8Array {
  return new Uint8Array(new Int32Array(shape).buffer);
}
