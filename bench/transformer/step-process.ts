// The benchmark transformer's training steps on wasm in a process of its own, so that the wasm
// backend can be started on $VADAPTER_THREADS threads (a process sets its pool size once).
// Argument: "quick" or "full" (the timing plan). Prints the StepRun as one JSON line.
import { initBackend } from '../../src/backend/index.ts';
import { wasmThreadsInUse } from '../../src/backend/wasm/threads.ts';
import { runSteps } from './step.ts';

await initBackend('wasm');
const plan = process.argv[2] === 'quick' ? { warmup: 1, minSteps: 1, minSeconds: 0 } : { warmup: 2, minSteps: 5, minSeconds: 3 };
const run = await runSteps(plan);
console.log(JSON.stringify({ ...run, threads: await wasmThreadsInUse() }));
