// The benchmark transformer's training steps on wasm in a process of its own, so that the wasm
// backend can be started on $VADAPTER_THREADS threads (a process sets its pool size once).
// Argument: the timing plan as JSON (the parent's). Prints the StepRun as one JSON line.
import { initBackend } from '../../src/backend/index.ts';
import { wasmThreadsInUse } from '../../src/backend/wasm/threads.ts';
import type { TimingPlan } from '../timing.ts';
import { runSteps } from './step.ts';

await initBackend('wasm');
const run = await runSteps(JSON.parse(process.argv[2]) as TimingPlan);
console.log(JSON.stringify({ ...run, threads: await wasmThreadsInUse() }));
