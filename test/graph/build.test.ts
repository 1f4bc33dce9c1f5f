import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildStageGraph } from '../../src/graph/build.ts';
import { fingerprintGraph } from '../../src/graph/fingerprint.ts';
import { presetNames } from '../../src/models/presets.ts';
import { loadSpec } from '../../src/config/load.ts';
import { StageKindRegistry } from '../../src/stages/registry.ts';
import { UserError, formatIssue } from '../../src/util/errors.ts';
import { emptyDataset } from '../fixtures/empty-dataset.ts';
import { linreg } from '../fixtures/linreg-kind.ts';
import { specDir } from '../config/helpers.ts';

const SPEC = `name: g
stages:
  base:
    kind: linreg
    steps: 10
  tune:
    kind: linreg
    steps: 5
    init: base
  other: { kind: linreg, steps: 3 }
`;

function registry(): StageKindRegistry {
  const r = new StageKindRegistry();
  r.register(linreg, 'test');
  return r;
}

function graphOf(text: string, overrides: string[] = []) {
  const file = join(specDir({ 'g.yaml': text }), 'g.yaml');
  return buildStageGraph(loadSpec(file, overrides).trials[0], registry());
}

function errorsOf(text: string): string[] {
  try {
    graphOf(text);
  } catch (err) {
    if (err instanceof UserError) return err.issues.map((i) => formatIssue(i).replace(/^.*g\.yaml:/, 'g.yaml:'));
    throw err;
  }
  assert.fail('expected the spec to be rejected');
}

test('stages are ordered after what they reference, with configs parsed by their kind', () => {
  const g = graphOf(SPEC);
  assert.deepEqual(g.order, ['base', 'tune', 'other']);
  assert.deepEqual(g.nodes.get('tune')!.edges, [{ role: 'init', stage: 'base', path: ['stages', 'tune', 'init'] }]);
  assert.equal((g.nodes.get('base')!.config as { lr: number }).lr, 0.05);
});

test("a stage kind's schema errors are positioned in the spec file", () => {
  assert.deepEqual(errorsOf('name: g\nstages:\n  stage1: { kind: linreg, steps: 3 }\n  stage2:\n    kind: linreg\n    steps: ten\n    stpes: 1\n  s3: { kind: linrge, steps: 1 }\n'), [
    'g.yaml:6:5: stages.stage2.steps: expected a positive integer, got "ten"',
    'g.yaml:7:5: stages.stage2.stpes: unknown key "stpes" (did you mean "steps"?)',
    'g.yaml:8:9: stages.s3.kind: unknown stage kind "linrge" (did you mean "linreg"?); known kinds: linreg',
  ]);
});

test('a dangling reference and a cycle name the stages involved', () => {
  assert.deepEqual(errorsOf('name: g\nstages:\n  a: { kind: linreg, steps: 1, init: bsae }\n  base: { kind: linreg, steps: 1 }\n'), [
    'g.yaml:3:32: stages.a.init: stage "a" refers to "bsae", which is not a stage (did you mean "base"?)',
  ]);
  assert.deepEqual(errorsOf('name: g\nstages:\n  a: { kind: linreg, steps: 1, init: c }\n  b: { kind: linreg, steps: 1, init: a }\n  c: { kind: linreg, steps: 1, init: b }\n'), [
    'g.yaml:3:32: stages.a.init: stages refer to each other in a cycle: a -> c -> b -> a',
  ]);
});

test('changing one stage changes its fingerprint and its dependents, not the others', () => {
  const before = fingerprintGraph(graphOf(SPEC), { code: 'c1' });
  const after = fingerprintGraph(graphOf(SPEC, ['stages.base.steps=11']), { code: 'c1' });
  const changed = [...before.keys()].filter((n) => before.get(n)!.fingerprint !== after.get(n)!.fingerprint);
  assert.deepEqual(changed, ['base', 'tune']);
  assert.deepEqual(after.get('tune')!.inputs.upstream, { init: after.get('base')!.fingerprint });
});

test('the stage name is not part of the fingerprint; the seed and the code version are', () => {
  const a = fingerprintGraph(graphOf(SPEC), { code: 'c1' });
  const renamed = fingerprintGraph(graphOf(SPEC.replace(/other/g, 'renamed')), { code: 'c1' });
  assert.equal(a.get('other')!.fingerprint, renamed.get('renamed')!.fingerprint);
  const reseeded = fingerprintGraph(graphOf(`seed: 4\n${SPEC}`), { code: 'c1' });
  assert.notEqual(a.get('other')!.fingerprint, reseeded.get('other')!.fingerprint);
  assert.notEqual(a.get('other')!.fingerprint, fingerprintGraph(graphOf(SPEC), { code: 'c2' }).get('other')!.fingerprint);
});

test("a dataset's manifest fingerprint enters the fingerprint; a directory without a manifest is an error at the key naming it", () => {
  const dir = specDir({});
  const d1 = emptyDataset(join(dir, 'data', 'd1'), 'image-text');
  emptyDataset(join(dir, 'data', 'd2'), 'video-text');
  mkdirSync(join(dir, 'data', 'empty'));
  const spec = (d: string) => `name: g\nstages:\n  s: { kind: linreg, steps: 1, dataset: ${join(dir, 'data', d)} }\n`;
  const f1 = fingerprintGraph(graphOf(spec('d1')), { code: 'c' }).get('s')!;
  assert.deepEqual(f1.inputs.datasets, [d1]);
  assert.deepEqual(f1.missing, []);
  assert.notEqual(f1.fingerprint, fingerprintGraph(graphOf(spec('d2')), { code: 'c' }).get('s')!.fingerprint);
  assert.throws(() => fingerprintGraph(graphOf(spec('empty')), { code: 'c' }), /g\.yaml:3:32: stages\.s\.dataset: .*empty: no dataset\.json here: not a dataset directory/);
});

test("a kind's seed hook replaces the experiment seed in the fingerprint: a pinned stage is one cache entry across seeds", () => {
  const pinned = { ...linreg, kind: 'pinned', seed: () => 0 };
  const r = registry();
  r.register(pinned, 'test');
  const spec = 'name: g\nstages:\n  a: { kind: pinned, steps: 1 }\n  b: { kind: linreg, steps: 1, init: a }\n';
  const [s0, s5] = loadSpec(join(specDir({ 'g.yaml': spec }), 'g.yaml'), ['seed=0,5']).trials.map((t) => fingerprintGraph(buildStageGraph(t, r), { code: 'c' }));
  assert.equal(s0.get('a')!.fingerprint, s5.get('a')!.fingerprint);
  assert.equal(s5.get('a')!.inputs.seed, 0);
  assert.notEqual(s0.get('b')!.fingerprint, s5.get('b')!.fingerprint);
  assert.deepEqual([s0.get('b')!.inputs.seed, s5.get('b')!.inputs.seed], [0, 5]);
});

test("a stage's fingerprint follows the model it reads and no other; a bad model is a positioned error", () => {
  const spec = 'name: g\nmodels:\n  vit: { preset: vit-tiny }\n  llm: { preset: lm-tiny }\nstages:\n  v: { kind: linreg, steps: 1, model: vit }\n  l: { kind: linreg, steps: 1, model: llm }\n';
  const before = fingerprintGraph(graphOf(spec), { code: 'c' });
  const after = fingerprintGraph(graphOf(spec, ['models.llm.preset=lm-small']), { code: 'c' });
  assert.equal(after.get('v')!.fingerprint, before.get('v')!.fingerprint);
  assert.notEqual(after.get('l')!.fingerprint, before.get('l')!.fingerprint);
  assert.deepEqual(errorsOf(spec.replace('lm-tiny', 'lm-tiny2')), [
    `g.yaml:4:10: models.llm.preset: unknown model preset "lm-tiny2" (did you mean "lm-tiny"?); known: ${presetNames().join(', ')}`,
  ]);
  assert.throws(() => fingerprintGraph(graphOf(spec.replace('model: llm', 'model: tlm')), { code: 'c' }), (err: unknown) =>
    err instanceof UserError && formatIssue(err.issues[0]).endsWith('g.yaml:2:1: models: no model "tlm" in the models block'));
});
