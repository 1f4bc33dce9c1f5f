// Slurm's own commands, run as child processes: sbatch to submit, squeue for live jobs, scontrol for
// recently ended ones (kept for MinJobAge), sacct where the cluster keeps accounting (or a job
// completion log: `sacct --completion`), scancel to cancel or signal. A command that is missing or
// fails is a UserError naming it and what it printed.
import { execFileSync } from 'node:child_process';
import { userError } from '../../util/errors.ts';

export interface JobState {
  state: string; // PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, TIMEOUT, PREEMPTED, NODE_FAIL, OUT_OF_MEMORY, ...
  reason: string | null; // why it waits or ended (e.g. Dependency, DependencyNeverSatisfied)
  exitCode: string | null; // "code:signal"
  restarts: number;
}

/** States after which a job does nothing more (unless requeued, which makes it PENDING again). */
export const ENDED_STATES = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT', 'PREEMPTED', 'NODE_FAIL', 'OUT_OF_MEMORY', 'BOOT_FAIL', 'DEADLINE', 'SPECIAL_EXIT', 'REVOKED']);

function slurm(command: string, args: string[], input?: string): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'], timeout: 60_000 });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string; stdout?: string };
    if (e.code === 'ENOENT') throw userError('no_slurm', `${command} not found: the slurm executor needs Slurm's commands on PATH (scripts/slurm-dev-cluster.sh starts a one-node Slurm here)`);
    const said = `${e.stderr ?? ''}${e.stdout ?? ''}`.trim() || e.message;
    throw userError('slurm_failed', `${command} ${args.join(' ')} failed: ${said}`);
  }
}

/** Whether Slurm's commands are here and a controller answers. */
export function slurmAvailable(): boolean {
  try {
    execFileSync('sinfo', ['-h', '-o', '%P'], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/** Submit a batch script (given on stdin); returns the job id. */
export function sbatch(script: string, args: string[]): string {
  const out = slurm('sbatch', ['--parsable', ...args], script).trim();
  const id = out.split(';')[0];
  if (!/^\d+$/.test(id)) throw userError('slurm_failed', `sbatch printed "${out}", not a job id`);
  return id;
}

/** The jobs of `ids` that squeue still lists, with their states. */
export function queuedStates(ids: string[]): Map<string, JobState> {
  const states = new Map<string, JobState>();
  if (ids.length === 0) return states;
  let out: string;
  try {
    out = slurm('squeue', ['-h', '-j', ids.join(','), '-o', '%i|%T|%r']);
  } catch (err) {
    if (String((err as Error).message).includes('Invalid job id')) return states; // all ended and purged
    throw err;
  }
  for (const line of out.split('\n')) {
    const [id, state, reason] = line.trim().split('|');
    if (id && state) states.set(id, { state, reason: reason && reason !== 'None' ? reason : null, exitCode: null, restarts: 0 });
  }
  return states;
}

/** One job as scontrol describes it (while slurmctld still remembers it), else from sacct, else null. */
export function jobState(id: string): JobState | null {
  try {
    const out = slurm('scontrol', ['show', 'job', '-o', id]);
    const field = (k: string) => new RegExp(`(?:^| )${k}=(\\S*)`).exec(out)?.[1] ?? null;
    const state = field('JobState');
    if (state) return { state, reason: nullIfNone(field('Reason')), exitCode: field('ExitCode'), restarts: Number(field('Restarts') ?? 0) };
  } catch {
    // purged from slurmctld's memory: ask the accounting
  }
  return accountedState(id);
}

function accountedState(id: string): JobState | null {
  for (const extra of [[], ['--completion']]) {
    try {
      const out = slurm('sacct', ['-n', '-P', '-X', '-j', id, '-o', 'JobID,State,ExitCode', ...extra]);
      const line = out.split('\n').map((l) => l.split('|')).find((f) => f[0] === id);
      if (line) return { state: line[1].split(' ')[0], reason: null, exitCode: line[2] ?? null, restarts: 0 };
    } catch {
      // no accounting of this kind
    }
  }
  return null;
}

const nullIfNone = (v: string | null) => (v === null || v === 'None' || v === '(null)' ? null : v);

/** Cancel jobs (or, with `signal`, only signal them; `batch`: the batch shell alone). */
export function scancel(ids: string[], opts: { signal?: string; batch?: boolean } = {}): void {
  if (ids.length === 0) return;
  const args = [...(opts.signal ? [`--signal=${opts.signal}`] : []), ...(opts.batch ? ['--batch'] : []), ...ids];
  slurm('scancel', args);
}

/** Put a job back in the queue (the preemption path: the job is stopped and runs again later). */
export function requeue(id: string): void {
  slurm('scontrol', ['requeue', id]);
}

/** sacct's table of jobs, for people (the accounting database, else the completion log); null without either. */
export function accountingTable(ids: string[]): string | null {
  for (const extra of [[], ['--completion']]) {
    try {
      return slurm('sacct', ['-X', '-j', ids.join(','), '-o', 'JobID,JobName%40,Partition,State,ExitCode,Elapsed', ...extra]);
    } catch {
      // try the next source
    }
  }
  return null;
}
