// Training throughput of every stage kind at the quickstart's sizes, through the real runner: the
// quickstart spec with short stages, run in a temporary root one stage at a time. Per stage: steps/s,
// examples/s, and the share of step time spent outside tensor work (waiting for data, bookkeeping),
// from the loop's own timing metrics (train/data_share, train/compute_share). Aim: under 10%.
// On wasm with the native kernels built, the run is made twice, with them and without
// ($VADAPTER_NATIVE=off), and each stage's speed-up is printed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { NATIVE_ADDON } from '../src/backend/wasm/native.ts';
import { formatTable } from '../src/cli/output.ts';
import type { Benchmark, BenchContext } from './registry.ts';

const BIN = fileURLToPath(new URL('../bin/vadapter.js', import.meta.url));
const SPEC = fileURLToPath(new URL('../experiments/quickstart.yaml', import.meta.url));
const TRAINING = ['vision', 'llm', 'tlm', 'stage1', 'vadapter', 'baseline'];
const BATCH = 16; // the quickstart's batch size

function overrides(steps: number): string[] {
  return TRAINING.flatMap((s) => [`stages.${s}.steps=${steps}`, `++stages.${s}.logEvery=${Math.max(1, steps / 4)}`, `++stages.${s}.validateEvery=${steps * 10}`]).concat(
    ['vadapter', 'baseline'].map((s) => `stages.${s}.eval.every=${steps * 10}`),
    ['stages.eval.limit=1'],
  );
}

interface Row {
  stage: string;
  kind: string;
  key: string;
  value: number;
}

/** The last logged window of each timing metric, per stage. */
function lastWindows(root: string): Map<string, { kind: string; values: Record<string, number> }> {
  const db = new Database(join(root, 'vadapter.db'), { readonly: true });
  const rows = db
    .prepare(
      `SELECT s.name AS stage, s.kind AS kind, m.key AS key, m.value AS value FROM metrics m JOIN stages s ON s.fingerprint = m.fingerprint
       WHERE m.key IN ('train/examples_per_s', 'train/data_share', 'train/compute_share')
         AND m.step = (SELECT MAX(step) FROM metrics WHERE fingerprint = m.fingerprint AND key = m.key)`,
    )
    .all() as Row[];
  db.close();
  const out = new Map<string, { kind: string; values: Record<string, number> }>();
  for (const r of rows) {
    const entry = out.get(r.stage) ?? { kind: r.kind, values: {} };
    entry.values[r.key] = r.value;
    out.set(r.stage, entry);
  }
  return out;
}

type Windows = ReturnType<typeof lastWindows>;

/** The quickstart's stages run `steps` steps each, one at a time, in a fresh root; their timing windows. */
function runStages(ctx: BenchContext, backend: string, steps: number, env: NodeJS.ProcessEnv): Windows {
  const root = mkdtempSync(join(tmpdir(), 'vadapter-bench-stages-'));
  ctx.log(`  ${env.VADAPTER_NATIVE === 'off' ? 'without' : 'with'} native kernels: root ${root}`);
  const result = spawnSync(process.execPath, [BIN, 'run', SPEC, ...overrides(steps), '--root', root, '--jobs', '1', '--backend', backend], { encoding: 'utf8', env: { ...process.env, ...env } });
  if (result.status !== 0) throw new Error(`the bench run failed:\n${result.stderr.slice(-2000)}`);
  return lastWindows(root);
}

const stepsPerS = (w: Windows, stage: string) => {
  const examples = w.get(stage)?.values['train/examples_per_s'];
  return examples === undefined ? undefined : examples / BATCH;
};

async function run(ctx: BenchContext): Promise<void> {
  const steps = ctx.quick ? 8 : 40;
  const backend = ctx.backends[0];
  const engines = backend === 'wasm' && existsSync(NATIVE_ADDON) && process.env.VADAPTER_NATIVE !== 'off';
  ctx.log(`quickstart sizes, ${steps} steps a stage, backend ${backend}, one stage at a time${engines ? '; with the native kernels, then without' : ''}`);
  const windows = runStages(ctx, backend, steps, {});
  const xnnpack = engines ? runStages(ctx, backend, steps, { VADAPTER_NATIVE: 'off' }) : undefined;
  const table = TRAINING.map((stage) => {
    const w = windows.get(stage);
    if (!w) return [stage, '?', 'n/a', 'n/a', 'n/a', 'n/a', ...(xnnpack ? ['n/a', 'n/a'] : [])];
    const v = w.values;
    const examples = v['train/examples_per_s'];
    const row = [stage, w.kind, (examples / BATCH).toFixed(2), examples.toFixed(1), `${(100 * v['train/data_share']).toFixed(1)}%`, `${(100 * (1 - v['train/compute_share'])).toFixed(1)}%`];
    if (!xnnpack) return row;
    const other = stepsPerS(xnnpack, stage);
    return [...row, other?.toFixed(2) ?? 'n/a', other ? `${(examples / BATCH / other).toFixed(2)}x` : 'n/a'];
  });
  const head = ['stage', 'kind', 'steps/s', 'examples/s', 'data wait', 'outside tensor work', ...(xnnpack ? ['steps/s, without native', 'speed-up'] : [])];
  ctx.log(formatTable(head, table));
  ctx.log('(last logged window of each stage; "outside tensor work" = data wait + bookkeeping; aim < 10%)');
}

export const benchmark: Benchmark = {
  name: 'stages',
  description: 'training steps/s and examples/s of each stage kind at the quickstart sizes, and the share of time outside tensor work',
  run,
};
