// `vadapter plan SPEC [overrides..]`: what `run` would do for every trial and stage — run, resume
// (from which step) or cached (from which run) — and why, before anything runs. It writes nothing:
// synthetic data that `run` would generate is named (`would generate synthetic data: ...`) and the
// stages reading it are planned as if it were missing.
import type { Argv, CommandModule } from 'yargs';
import { missingDataIssues } from '../graph/missing-data.ts';
import type { Plan, PlannedStage } from '../graph/plan.ts';
import { formatIssue } from '../util/errors.ts';
import type { PrepareOptions, Prepared } from '../exec/prepare.ts';
import type { PendingSynthetic } from '../exec/synthetic-data.ts';
import { resolveRoot } from '../track/root.ts';
import { formatTable, printJson, printLine } from './output.ts';
import { EXECUTORS, type ExecutorKind } from '../config/executor-kinds.ts';

export interface ExperimentArgs {
  spec: string;
  overrides: string[];
  root?: string;
  plugin: string[];
}

/** The arguments `plan` and `run` share. */
export function experimentOptions<T>(y: Argv<T>): Argv<T & ExperimentArgs> {
  return y
    .positional('spec', { type: 'string', demandOption: true, describe: 'experiment spec (YAML)' })
    .positional('overrides', { type: 'string', array: true, default: [], describe: 'key=value overrides, key=a,b,c sweeps, +key=value additions' })
    .option('root', { type: 'string', describe: 'runs directory (default: $VADAPTER_HOME, else ./runs)' })
    .option('plugin', { type: 'string', array: true, default: [], describe: 'a module that registers stage kinds (repeatable)' }) as unknown as Argv<T & ExperimentArgs>;
}

export function prepareOptions(args: ExperimentArgs): PrepareOptions {
  return { specFile: args.spec, overrides: args.overrides.map(String), plugins: args.plugin, root: resolveRoot(args.root), log: (line) => process.stderr.write(`${line}\n`) };
}

export function describeAction(s: PlannedStage): string {
  if (s.action === 'resume') return `resume from step ${s.resumeFrom?.step}`;
  if (s.action === 'cached') return s.cachedFrom?.run ? `cached from run ${s.cachedFrom.run}` : `cached (shared with trial ${s.cachedFrom?.trial})`;
  return s.needsData.length > 0 ? 'run (needs data)' : 'run';
}

/** `would generate synthetic data: webli, vtp, ... under <root>`. */
function describePending(p: PendingSynthetic): string {
  return `would generate synthetic data: ${[...p.datasets, ...(p.tokenizer ? ['tokenizer.json'] : [])].join(', ')} under ${p.root}`;
}

function printPlan(plan: Plan, pending: PendingSynthetic[]): void {
  printLine(`experiment ${plan.experiment}: ${plan.trials.length} trial${plan.trials.length === 1 ? '' : 's'}`);
  for (const p of pending) printLine(describePending(p));
  for (const t of plan.trials) {
    printLine();
    printLine(`trial ${t.index}${t.label ? `: ${t.label}` : ''}`);
    printLine(formatTable(['stage', 'kind', 'fingerprint', 'action', 'why'], t.stages.map((s) => [s.stage, s.kind, s.fingerprint, describeAction(s), s.reasons.join('; ')])));
  }
  const generated = new Set(pending.flatMap((p) => [...p.dirs, ...(p.tokenizer ? [p.tokenizer] : [])]));
  const missing = missingDataIssues(plan.trials.flatMap((t) => t.stages).map((s) => ({ ...s, needsData: s.needsData.filter((m) => !generated.has(m.dir)) })));
  if (missing.length === 0) return;
  printLine();
  printLine('missing data (`vadapter run` refuses to start until it exists):');
  for (const issue of missing) printLine(`  ${formatIssue(issue)}`);
}

/** The plan without the fingerprint inputs (which `vadapter status` and the store's inputs.json show). */
function planJson(plan: Plan, prepared: Prepared) {
  return { ...plan, wouldGenerate: prepared.pendingSynthetic, trials: plan.trials.map((t) => ({ ...t, stages: t.stages.map(({ inputs: _inputs, ...rest }) => rest) })) };
}

/** The batch scripts `run --executor slurm` would submit, in submission order, with their dependencies. */
function printSlurmScripts(scripts: { label: string; dependsOn: string[]; script: string }[]): void {
  printLine();
  if (scripts.length === 0) return printLine('slurm: nothing to submit (every stage is cached)');
  printLine(`slurm: ${scripts.length} job${scripts.length === 1 ? '' : 's'} to submit (<run> is the id the run will get)`);
  for (const j of scripts) {
    printLine();
    printLine(`## ${j.label}: sbatch${j.dependsOn.length > 0 ? ` --dependency=afterok:${j.dependsOn.map((d) => `<job of ${d}>`).join(':')}` : ''}`);
    printLine(j.script.trimEnd());
  }
}

export const planCommand: CommandModule<object, ExperimentArgs & { json: boolean; executor?: ExecutorKind }> = {
  command: 'plan <spec> [overrides..]',
  describe: 'show what run would do for each trial and stage (run | resume | cached) and why',
  builder: (y) =>
    experimentOptions(y)
      .option('json', { type: 'boolean', default: false, describe: 'print the plan as JSON' })
      .option('executor', { type: 'string', choices: EXECUTORS, describe: 'slurm: also print the sbatch script of each job run would submit' })
      .example('$0 plan experiments/quickstart.yaml', 'the plan, explained')
      .example('$0 plan experiments/smoke.yaml --executor slurm +executor.partition=debug', 'and the Slurm jobs it would submit')
      .example('$0 plan experiments/quickstart.yaml stages.stage1.steps=800 seed=1,2', 'after an override and over a seed sweep') as never,
  handler: async (args) => {
    const { planPrepared, prepareExperiment } = await import('../exec/prepare.ts');
    const { openDbIfExists } = await import('../track/db.ts');
    const opts = prepareOptions(args);
    const prepared = await prepareExperiment({ ...opts, synthetic: 'plan' });
    const db = openDbIfExists(opts.root);
    const plan = planPrepared(prepared, db, opts.root);
    db?.close();
    const executor = args.executor ?? prepared.spec.trials[0]?.spec.executor?.kind ?? 'local';
    const scripts = executor === 'slurm' ? (await import('../exec/slurm/job-plan.ts')).plannedScripts(prepared, plan, opts.root) : null;
    if (args.json) printJson({ ...planJson(plan, prepared), ...(scripts ? { slurm: scripts } : {}) });
    else {
      printPlan(plan, prepared.pendingSynthetic);
      if (scripts) printSlurmScripts(scripts);
    }
  },
};
