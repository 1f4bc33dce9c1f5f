// What a `stage exec` child tells the `run` parent over the IPC channel. Logs go through the
// child's stdout/stderr (into the stage's log file); these are the structured events.

export type ChildMessage =
  | { type: 'started'; resumeFrom: number | null; upstream: string[]; warning?: string } // warning: the damaged checkpoints skipped
  | { type: 'waiting'; owner: string }
  | { type: 'progress'; step: number; total: number; fields: Record<string, number> };

/** Exit codes of `stage exec`. */
export const EXIT = { done: 0, failed: 1, interrupted: 3 } as const;
