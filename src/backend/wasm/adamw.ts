// The fused AdamW update for wasm: the native kernels' adamw over the parameter, its moments and
// its gradient on the heap, into three new tensors. Registered always; the optimizer asks
// `hasFusedAdamW()` (src/backend/fused-adamw.ts), true only while the native kernels are active.
import { FUSED_ADAMW, type AdamWStep } from '../fused-adamw.ts';
import { nativeElementwise } from './native-elementwise.ts';

export const fusedAdamWConfig = nativeElementwise(FUSED_ADAMW, ['p', 'm', 'v', 'g'], 3, (native, heap, size, at, attrs) => {
  const s = attrs as unknown as AdamWStep;
  const [p, m, v, g, pOut, mOut, vOut] = at;
  native.adamw(heap, size, p, m, v, g, pOut, mOut, vOut, s.lr, s.beta1, s.beta2, s.epsilon, s.weightDecay, s.correction1, s.correction2);
});
