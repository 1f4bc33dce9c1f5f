import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { checkSpec, loadSpec } from '../../src/config/load.ts';
import { parseOverride } from '../../src/config/overrides.ts';
import { formatIssue } from '../../src/util/errors.ts';
import { specDir } from './helpers.ts';

const SPEC = `name: ov
seed: 0
models:
  vit: { preset: vit-tiny, width: 64 }
stages:
  stage1: { kind: fake, steps: 10, lr: 0.5, tags: [a] }
  stage2: { kind: fake, steps: 20, from: stage1 }
`;

function spec(extra = ''): string {
  return join(specDir({ 'ov.yaml': SPEC + extra }), 'ov.yaml');
}

function errorsOf(file: string, overrides: string[]): string[] {
  const r = checkSpec(file, overrides);
  assert.equal(r.ok, false, 'expected the overrides to be rejected');
  return r.ok ? [] : r.issues.map(formatIssue);
}

test('override values are YAML scalars; commas sweep, brackets and quotes do not', () => {
  assert.deepEqual(parseOverride('a.b=3').values, [3]);
  assert.deepEqual(parseOverride('a.b=1,2.5,x').values, [1, 2.5, 'x']);
  assert.deepEqual(parseOverride('a.b=[1, 2]').values, [[1, 2]]);
  assert.deepEqual(parseOverride('a.b="x,y",true').values, ['x,y', true]);
  assert.deepEqual(parseOverride('a.b=').values, ['']);
  assert.equal(parseOverride('+a.b=1').op, 'add');
  assert.equal(parseOverride('++a.b=1').op, 'force');
  assert.deepEqual(parseOverride('stages.s.list.0=1').path, ['stages', 's', 'list', 0]);
});

test('an override replaces an existing key and its position points at the command line', () => {
  const t = loadSpec(spec(), ['stages.stage2.steps=5', 'models.vit.preset=vit-small', 'seed=7']).trials[0];
  assert.equal(t.spec.stages.stage2.steps, 5);
  assert.equal(t.spec.models.vit.preset, 'vit-small');
  assert.equal(t.spec.seed, 7);
  assert.deepEqual(t.map.at(['stages', 'stage2', 'steps']), { file: 'override stages.stage2.steps=5' });
});

test('a number-like value for a string key stays the string written', () => {
  const t = loadSpec(spec(), ['models.vit.preset=1e3']).trials[0];
  assert.equal(t.spec.models.vit.preset, '1e3');
});

test('an override must name an existing key (did-you-mean) and keep its type', () => {
  assert.deepEqual(errorsOf(spec(), ['stages.stage2.stpes=10', 'stages.stage1.steps=ten', 'stages.stage1.tags=x', 'stages.stage1.extra=1', 'nokey']), [
    'override nokey: expected key=value (or +key=value to add a key, key=a,b,c to sweep)',
    'override stages.stage2.stpes=10: stages.stage2.stpes: no key "stages.stage2.stpes" in the spec (did you mean "stages.stage2.steps"?)',
    'override stages.stage1.steps=ten: stages.stage1.steps: expected a number like the current value 10, got "ten"',
    'override stages.stage1.tags=x: stages.stage1.tags: expected a list like the current one, got "x"',
    'override stages.stage1.extra=1: stages.stage1.extra: no key "stages.stage1.extra" in the spec; to add it, write +stages.stage1.extra=...',
  ]);
});

test('+key adds a key that is absent and refuses one that exists; ++key does either', () => {
  const t = loadSpec(spec(), ['+stages.stage1.extra=1', '++stages.stage1.lr=0.1', '++stages.stage2.every=4']).trials[0];
  assert.equal(t.spec.stages.stage1.extra, 1);
  assert.equal(t.spec.stages.stage1.lr, 0.1);
  assert.equal(t.spec.stages.stage2.every, 4);
  assert.deepEqual(errorsOf(spec(), ['+stages.stage1.lr=1']), [
    'override +stages.stage1.lr=1: stages.stage1.lr: key already exists; write stages.stage1.lr=... to replace it',
  ]);
});

test('command-line sweeps expand to the grid, first axis slowest', () => {
  const s = loadSpec(spec(), ['stages.stage1.lr=0.1,0.2', 'seed=1,2,3']);
  assert.deepEqual(
    s.trials.map((t) => [t.index, t.label, t.spec.stages.stage1.lr, t.spec.seed]),
    [
      [0, 'stages.stage1.lr=0.1 seed=1', 0.1, 1],
      [1, 'stages.stage1.lr=0.1 seed=2', 0.1, 2],
      [2, 'stages.stage1.lr=0.1 seed=3', 0.1, 3],
      [3, 'stages.stage1.lr=0.2 seed=1', 0.2, 1],
      [4, 'stages.stage1.lr=0.2 seed=2', 0.2, 2],
      [5, 'stages.stage1.lr=0.2 seed=3', 0.2, 3],
    ],
  );
  assert.deepEqual(s.trials[4].assignments, { 'stages.stage1.lr': 0.2, seed: 2 });
});

test('a sweep: block expands with seeds; the command line replaces or fixes an axis', () => {
  const file = spec('sweep:\n  models.vit.preset: [vit-tiny, vit-small]\n  seeds: [0, 1]\n');
  assert.deepEqual(loadSpec(file).trials.map((t) => t.label), [
    'models.vit.preset=vit-tiny seed=0',
    'models.vit.preset=vit-tiny seed=1',
    'models.vit.preset=vit-small seed=0',
    'models.vit.preset=vit-small seed=1',
  ]);
  assert.deepEqual(loadSpec(file, ['seed=5,6,7']).trials.map((t) => t.label).slice(0, 3), [
    'models.vit.preset=vit-tiny seed=5',
    'models.vit.preset=vit-tiny seed=6',
    'models.vit.preset=vit-tiny seed=7',
  ]);
  const fixed = loadSpec(file, ['models.vit.preset=vit-base']);
  assert.deepEqual(fixed.trials.map((t) => [t.label, t.spec.models.vit.preset]), [
    ['seed=0', 'vit-base'],
    ['seed=1', 'vit-base'],
  ]);
});

test('sweep block values are checked like overrides, at their own positions; an unknown key once, at the key', () => {
  const file = spec('sweep:\n  stages.stage1.stepz: [1, 2]\n  stages.stage1.steps: [1, two]\n');
  const errors = errorsOf(file, []);
  assert.equal(errors.length, 2);
  assert.match(errors[0], /ov\.yaml:9:3: stages\.stage1\.stepz: no key "stages\.stage1\.stepz" in the spec \(did you mean "stages\.stage1\.steps"\?\)$/);
  assert.match(errors[1], /ov\.yaml:10:28: stages\.stage1\.steps: expected a number like the current value 10, got "two"$/);
});

test('a swept value that fails the common schema is reported once at the sweep position', () => {
  const file = spec('sweep:\n  seeds: [1, -2]\n');
  const errors = errorsOf(file, []);
  assert.equal(errors.length, 1);
  assert.match(errors[0], /ov\.yaml:9:14: seed: expected a non-negative integer, got -2$/);
});

test('+key=a,b sweeps over a key the spec does not have', () => {
  const trials = loadSpec(spec(), ['+stages.stage1.extra=1,2']).trials;
  assert.deepEqual(trials.map((t) => (t.spec.stages.stage1 as Record<string, unknown>).extra), [1, 2]);
  assert.throws(() => loadSpec(spec(), ['+stages.stage1.lr=0.1,0.2']), /key already exists/);
});
