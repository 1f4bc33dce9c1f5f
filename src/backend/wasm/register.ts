// Kernels the wasm backend lacks or runs slowly, registered before it is first used.
let registered = false;

export function registerWasmKernels(): void {
  if (registered) return;
  registered = true;
}
