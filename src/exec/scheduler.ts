// Running a graph of jobs with bounded parallelism: a job starts when all its dependencies are
// done; a failure skips everything downstream of it and nothing else; once `signal` aborts, no
// new job starts, and jobs that never started (stopped, or behind an interrupted one) are
// reported interrupted.

export type JobOutcome = 'done' | 'failed' | 'interrupted';
export type JobResult = JobOutcome | 'skipped';

export interface Job {
  id: string;
  deps: string[]; // ids of jobs in the same list; ids not in the list count as done
}

export interface ScheduleOptions {
  concurrency: number;
  signal?: AbortSignal;
}

export async function runJobs(jobs: Job[], start: (id: string) => Promise<JobOutcome>, opts: ScheduleOptions): Promise<Map<string, JobResult>> {
  const ids = new Set(jobs.map((j) => j.id));
  const results = new Map<string, JobResult>();
  const running = new Map<string, Promise<void>>();
  const depsDone = (j: Job) => j.deps.every((d) => !ids.has(d) || results.get(d) === 'done');
  const finish = (id: string, outcome: JobOutcome) => {
    results.set(id, outcome);
    running.delete(id);
    if (outcome === 'failed') skipDownstream(jobs, id, results);
  };
  for (;;) {
    for (const job of jobs) {
      if (running.size >= opts.concurrency || opts.signal?.aborted) break;
      if (results.has(job.id) || running.has(job.id) || !depsDone(job)) continue;
      running.set(job.id, start(job.id).then((o) => finish(job.id, o), () => finish(job.id, 'failed')));
    }
    if (running.size === 0) break;
    await Promise.race(running.values());
  }
  for (const job of jobs) if (!results.has(job.id)) results.set(job.id, 'interrupted');
  return results;
}

function skipDownstream(jobs: Job[], failed: string, results: Map<string, JobResult>): void {
  for (const job of jobs) {
    if (results.has(job.id) || !job.deps.includes(failed)) continue;
    results.set(job.id, 'skipped');
    skipDownstream(jobs, job.id, results);
  }
}
