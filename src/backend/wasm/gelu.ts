// GELU (tanh form) and its gradient for wasm as single kernels: the native kernels' gelu and
// geluGrad on the heap. Registered always; the model asks `hasFusedGelu()` (src/backend/fused-gelu.ts),
// true only while the native kernels are active.
import { FUSED_GELU, FUSED_GELU_GRAD } from '../fused-gelu.ts';
import { nativeElementwise } from './native-elementwise.ts';

export const fusedGeluConfig = nativeElementwise(FUSED_GELU, ['x'], 1, (n, heap, size, [x, y]) => n.gelu(heap, size, x, y));
export const fusedGeluGradConfig = nativeElementwise(FUSED_GELU_GRAD, ['x', 'dy'], 1, (n, heap, size, [x, dy, dx]) => n.geluGrad(heap, size, x, dy, dx));
