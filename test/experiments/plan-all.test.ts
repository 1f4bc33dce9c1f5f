// Every experiment spec under experiments/ plans: a schema change cannot silently break one. Files
// that say "Include-only fragment" on their first line are planned through the specs that include them,
// not on their own (a spec may include another spec, as experiments/small/base.yaml includes the
// quickstart). Synthetic data is generated at the tiny scale into a
// temporary directory; the paper-scale specs plan without their datasets (marked as needing data).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { planPrepared, prepareExperiment } from '../../src/exec/prepare.ts';
import type { Plan } from '../../src/graph/plan.ts';
import { loadDocument } from '../../src/config/include.ts';
import { loadSpec } from '../../src/config/load.ts';

process.env.VADAPTER_CODE_VERSION = 'plan-all'; // others editing src/ meanwhile cannot change fingerprints mid-test

const ROOT = fileURLToPath(new URL('../../experiments/', import.meta.url));
const SYNTH = mkdtempSync(join(tmpdir(), 'vadapter-plan-all-'));
const PRETRAINING = ['vision', 'llm', 'tlm', 'stage1'];

const yamlFiles = readdirSync(ROOT, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.yaml')).map((f) => join(ROOT, f)).sort();
const fragments = new Set(yamlFiles.filter((f) => readFileSync(f, 'utf8').startsWith('# Include-only fragment')));
const specs = yamlFiles.filter((f) => !fragments.has(f));
const name = (f: string) => relative(ROOT, f);

/** Plan a spec as `vadapter plan` does, with no run history; synthetic data goes to the tiny scale in SYNTH. */
async function planOf(file: string, overrides: string[] = []): Promise<Plan> {
  const synthetic = loadSpec(file).trials[0].spec.data.synthetic;
  const synth = synthetic ? [`data.synthetic.root=${SYNTH}`, 'data.synthetic.scale=tiny'] : [];
  const prepared = await prepareExperiment({ specFile: file, overrides: [...synth, ...overrides], plugins: [], root: join(SYNTH, 'runs') });
  return planPrepared(prepared, null, join(SYNTH, 'runs'));
}

const plans = new Map<string, Plan>();
async function plan(file: string): Promise<Plan> {
  if (!plans.has(file)) plans.set(file, await planOf(file));
  return plans.get(file)!;
}

test('every spec is planned, and every include-only fragment is included by one', () => {
  for (const f of ['quickstart.yaml', ...[1, 2, 3, 4].flatMap((t) => [`paper/table${t}.yaml`, `small/table${t}.yaml`])]) assert.ok(specs.map(name).includes(f), f);
  assert.deepEqual([...fragments].map(name).sort(), ['paper/base.yaml', 'paper/pretrain.yaml', 'paper/public.yaml', 'small/base.yaml']);
  const included = new Set(specs.flatMap((f) => loadDocument(f).files.slice(1)));
  for (const f of fragments) if (!name(f).endsWith('pretrain.yaml')) assert.ok(included.has(f), `${name(f)} is included by a spec`);
});

test('the paper tables with the trained substitutes (pretrain.yaml in place of public.yaml) plan too', async () => {
  for (const t of [1, 2, 3, 4]) {
    const dir = mkdtempSync(join(tmpdir(), 'vadapter-pretrain-'));
    const text = readFileSync(join(ROOT, `paper/table${t}.yaml`), 'utf8')
      .replace(/^include: .*$/m, `include: [${join(ROOT, 'paper/base.yaml')}, ${join(ROOT, 'paper/pretrain.yaml')}]`)
      .replace(/stages\.vision\.dir: \[.*\]/, 'models.vit.preset: [vit-b, vit-l]');
    writeFileSync(join(dir, `table${t}.yaml`), text);
    const p = await planOf(join(dir, `table${t}.yaml`));
    const kinds = new Set(p.trials[0].stages.filter((s) => s.stage === 'vision' || s.stage === 'llm').map((s) => s.kind));
    assert.deepEqual([...kinds].sort(), ['pretrain-lm', 'pretrain-vision'], `table ${t}`);
  }
});

for (const file of specs) {
  test(`${name(file)} plans: every stage of every trial has a fingerprint`, async () => {
    const p = await plan(file);
    assert.ok(p.trials.length > 0);
    for (const t of p.trials) for (const s of t.stages) assert.match(s.fingerprint, /^[0-9a-f]{16}$/, `trial ${t.index} ${s.stage}`);
  });
}

test('the paper specs plan without their datasets and weights: stages that read them are marked, naming the spec key', async () => {
  const p = await planOf(join(ROOT, 'paper/table2.yaml'), ['data.train.webli=/nonexistent/webli']);
  const stage1 = p.trials[0].stages.find((s) => s.stage === 'stage1')!;
  assert.deepEqual(stage1.needsData.find((m) => m.dir === '/nonexistent/webli')?.key, 'data.train.webli');
  assert.match(stage1.reasons[0], /^needs data: .*\/nonexistent\/webli/);
  const vision = p.trials.map((t) => t.stages.find((s) => s.stage === 'vision')!);
  assert.deepEqual(vision.map((v) => v.kind), ['import-weights', 'import-weights']);
  assert.match(vision[1].reasons[0], /weights\/clip-vit-large-patch14 does not exist/);
});

test('pretraining and stage 1 are one cache entry across every small table and seed; the adapters follow the seed', async () => {
  const fingerprints = new Map(PRETRAINING.map((stage) => [stage, new Set<string>()]));
  for (const file of specs.filter((f) => name(f).startsWith('small/'))) {
    const trials = (await plan(file)).trials.filter((t) => !t.label.includes('vit-small'));
    for (const s of trials.flatMap((t) => t.stages)) fingerprints.get(s.stage)?.add(s.fingerprint);
  }
  for (const [stage, found] of fingerprints) assert.equal(found.size, 1, `${stage}: ${[...found].join(', ')}`);
  const table2 = (await plan(join(ROOT, 'small/table2.yaml'))).trials.filter((t) => t.label.includes('vit-tiny'));
  assert.deepEqual(table2.map((t) => t.label), ['models.vit.preset=vit-tiny seed=0', 'models.vit.preset=vit-tiny seed=1', 'models.vit.preset=vit-tiny seed=2']);
  for (const stage of ['vadapter', 'baseline']) assert.equal(new Set(table2.map((t) => t.stages.find((s) => s.stage === stage)!.fingerprint)).size, 3, `one ${stage} per seed`);
});
