// `vadapter run SPEC [overrides..] [--jobs N]`: plan, then run every stage that is not cached, with
// live progress; Ctrl-C stops cleanly (a second Ctrl-C exits at once); exit code 0 when all
// stages finished, 1 when one failed, 130 when interrupted.
import type { CommandModule } from 'yargs';
import type { Plan } from '../graph/plan.ts';
import { ProgressBoard, formatDuration } from '../exec/progress-view.ts';
import type { RunObserver, RunSummary, StageRef } from '../exec/run.ts';
import { describeAction, experimentOptions, prepareOptions, type ExperimentArgs } from './plan.ts';
import { printJson } from './output.ts';
import { EXECUTORS, type ExecutorKind } from '../config/executor-kinds.ts';
import type { InterruptChoice } from '../exec/slurm/watch.ts';
import { numberOptions, POSITIVE_INTEGER, POSITIVE_NUMBER } from './options.ts';

interface RunArgs extends ExperimentArgs {
  jobs: number;
  json: boolean;
  progressEvery: number;
  backend?: string;
  executor?: ExecutorKind;
  detach: boolean;
  cancelOnExit: boolean;
}

function labelOf(plan: Plan, s: { trial: number; stage: string }): string {
  return plan.trials.length > 1 ? `t${s.trial}/${s.stage}` : s.stage;
}

function observerFor(board: ProgressBoard): RunObserver {
  let plan: Plan = { experiment: '', trials: [] };
  const key = (s: StageRef) => `${s.trial}/${s.stage}`;
  return {
    planned(runId, p) {
      plan = p;
      const stages = p.trials.flatMap((t) => t.stages);
      const count = (a: string) => stages.filter((s) => s.action === a).length;
      board.line(`run ${runId}: experiment ${p.experiment}, ${p.trials.length} trial(s), ${stages.length} stages: ${count('run')} to run, ${count('resume')} to resume, ${count('cached')} cached`);
      for (const s of stages) if (s.action === 'cached') board.line(`  ${labelOf(plan, s)}: ${describeAction(s)}`);
    },
    started(s, info) {
      if (info.warning) board.line(`! ${info.warning}`);
      board.line(`▶ ${labelOf(plan, s)}${info.resumeFrom !== null ? ` resuming after step ${info.resumeFrom}` : ''}`);
      board.start(key(s), labelOf(plan, s), info.total, info.resumeFrom ?? 0);
    },
    waiting: (s, owner) => board.line(`… ${labelOf(plan, s)} waits for ${owner}, which is computing the same output`),
    note: (s, text) => board.line(`· ${labelOf(plan, s)}: ${text}`),
    line: (text) => board.line(text),
    progress: (s, p) => board.update(key(s), p.step, p.total, p.fields),
    finished(s, end) {
      board.end(key(s));
      const mark = end.status === 'failed' ? '✖' : end.status === 'interrupted' ? '■' : '✔';
      board.line(`${mark} ${labelOf(plan, s)} ${end.status} in ${formatDuration(end.seconds)}`);
      if (end.status === 'skipped') board.line(`  ${end.error ?? ''}`);
      if (end.status === 'failed') {
        board.line(`  ${end.error?.split('\n')[0] ?? ''}`);
        board.line(`  last lines of ${end.logPath}:`);
        for (const l of end.logTail ?? []) board.line(`  | ${l}`);
      }
    },
  };
}

function summaryLine(s: RunSummary): string {
  const counts = Object.entries(s.counts).map(([status, n]) => `${n} ${status}`).join(', ');
  if (s.status === 'running') return `run ${s.runId}: jobs submitted and running (${counts}); follow with \`vadapter status --run ${s.runId}\`, cancel with \`vadapter cancel ${s.runId}\``;
  return `run ${s.runId} ${s.status} in ${formatDuration(s.seconds)}: ${counts}`;
}

/** After Ctrl-C with Slurm jobs in flight: cancel them? (asked on a terminal; --cancel-on-exit answers yes; otherwise they keep running) */
function interruptChoice(cancelOnExit: boolean): () => Promise<InterruptChoice> {
  return async () => {
    if (cancelOnExit) return 'cancel';
    if (!process.stdin.isTTY) return 'leave';
    const { createInterface } = await import('node:readline/promises');
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      const answer = await rl.question('cancel the submitted slurm jobs? [y/N] ');
      return /^y(es)?$/i.test(answer.trim()) ? 'cancel' : 'leave';
    } finally {
      rl.close();
    }
  };
}

/** Ctrl-C once: stop cleanly; twice: exit now (children see their parent go and stop too). */
function interruptController(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\nstopping: waiting for running stages to reach a step boundary (Ctrl-C again to exit now)\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  return { signal: controller.signal, dispose: () => { process.off('SIGINT', onSigint); process.off('SIGTERM', onSigint); } };
}

export const runCommand: CommandModule<object, RunArgs> = {
  command: 'run <spec> [overrides..]',
  describe: 'run an experiment: every stage not already cached, resuming interrupted ones',
  builder: (y) =>
    experimentOptions(y)
      .options(numberOptions({
        jobs: { rule: POSITIVE_INTEGER, alias: 'j', default: 1, describe: 'stages (and sweep trials) to run at once' },
        'progress-every': { rule: POSITIVE_NUMBER, default: 10, describe: 'seconds between progress lines when not on a terminal' },
      }))
      .option('json', { type: 'boolean', default: false, describe: 'print the run summary as JSON (live lines go to stderr)' })
      .option('executor', { type: 'string', choices: EXECUTORS, describe: 'where stages run: local child processes, or one Slurm job each (default: the spec\'s executor.kind, else local)' })
      .option('detach', { type: 'boolean', default: false, describe: 'slurm: submit the jobs and return the run id (follow with `vadapter status`)' })
      .option('cancel-on-exit', { type: 'boolean', default: false, describe: 'slurm: Ctrl-C cancels the jobs instead of asking (without a terminal they keep running)' })
      .example('$0 run experiments/quickstart.yaml', 'run, reusing whatever is cached')
      .example('$0 run experiments/scaling.yaml models.vit.preset=vit-tiny,vit-small seed=1,2 -j 2', 'a sweep, two stages at a time')
      .example('$0 run experiments/smoke.yaml --executor slurm', 'each stage as a Slurm job, waiting with live progress (docs/cluster.md)')
      .example('$0 run experiments/small/table2.yaml --executor slurm --detach +executor.partition=gpu +stages.vision.slurm.gpus=1', 'submit, with resources, and return') as never,
  handler: async (args) => {
    const out = args.json ? process.stderr : process.stdout;
    const board = new ProgressBoard({ write: (t) => out.write(t), isTTY: !!out.isTTY, columns: out.columns }, args.progressEvery * 1000);
    const interrupt = interruptController();
    const { runExperiment } = await import('../exec/run.ts');
    try {
      const summary = await runExperiment({
        ...prepareOptions(args), jobs: args.jobs, backend: args.backend, signal: interrupt.signal, executor: args.executor, detach: args.detach,
        onInterrupt: interruptChoice(args.cancelOnExit),
      }, observerFor(board));
      board.line(summaryLine(summary));
      if (args.json) printJson(summary);
      process.exitCode = summary.status === 'done' || summary.status === 'running' ? 0 : summary.status === 'interrupted' ? 130 : 1;
    } finally {
      board.close();
      interrupt.dispose();
    }
  },
};
