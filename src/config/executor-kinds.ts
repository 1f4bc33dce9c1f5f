// The executors a spec's `executor.kind` and `--executor` may name (config/executor.ts has the block).
export const EXECUTORS = ['local', 'slurm'] as const;
export type ExecutorKind = (typeof EXECUTORS)[number];
