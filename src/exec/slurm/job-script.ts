// The batch script of one stage's Slurm job. The job runs `vadapter stage exec` with its job store
// (track/job-store.ts), appends to the stage's log across requeues, is told USR1 `grace` seconds
// before its time limit (the stage then checkpoints, exits and requeues itself), may be requeued
// (preemption), and is cancelled by Slurm when an upstream job fails (--kill-on-invalid-dep).
// Dependencies are given on sbatch's command line, since the upstream job ids exist only then.
import type { SlurmResources } from '../../config/executor.ts';

export interface JobScript {
  name: string;
  logPath: string;
  workDir: string;
  resources: SlurmResources;
  grace: number;
  command: string[]; // argv of the stage process
}

/** `'a b'` for the shell: arguments are quoted unless plainly safe. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function sbatchLines(r: SlurmResources): string[] {
  const lines: string[] = [];
  const add = (flag: string, value: string | number | undefined) => {
    if (value !== undefined) lines.push(`--${flag}=${value}`);
  };
  add('partition', r.partition);
  add('account', r.account);
  add('qos', r.qos);
  add('time', r.time);
  add('cpus-per-task', r.cpus);
  add('mem', r.mem);
  if (r.gpus) add('gres', `gpu:${r.gpus}`);
  add('constraint', r.constraint);
  return [...lines, ...(r.extra ?? [])];
}

export function renderJobScript(j: JobScript): string {
  const directives = [
    `--job-name=${j.name}`,
    `--output=${j.logPath}`,
    '--open-mode=append',
    `--chdir=${j.workDir}`,
    '--nodes=1',
    '--ntasks=1',
    ...sbatchLines(j.resources),
    `--signal=B:USR1@${j.grace}`,
    '--requeue',
    '--kill-on-invalid-dep=yes',
  ];
  return [
    '#!/bin/bash',
    ...directives.map((d) => `#SBATCH ${d}`),
    '# written by `vadapter run --executor slurm`; USR1 before the time limit makes the stage checkpoint and requeue itself',
    'echo "== slurm job ${SLURM_JOB_ID} (restart ${SLURM_RESTART_COUNT:-0}) on $(hostname) at $(date -u +%FT%TZ)"',
    `exec ${j.command.map(shellQuote).join(' ')}`,
    '',
  ].join('\n');
}
