import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { checkSpec, loadSpec } from '../../src/config/load.ts';
import { formatIssue } from '../../src/util/errors.ts';
import { specDir } from './helpers.ts';

function errorsOf(file: string, overrides: string[] = []): string[] {
  const r = checkSpec(file, overrides);
  assert.equal(r.ok, false, 'expected the spec to be rejected');
  return r.ok ? [] : r.issues.map(formatIssue);
}

const BASE = `name: demo
seed: 3
models:
  vit: { preset: vit-tiny, layers: 2 }
stages:
  stage1:
    kind: fake
    steps: 10
`;

test('a spec loads with defaults applied and positions kept for every key', () => {
  const dir = specDir({ 'x.yaml': BASE });
  const spec = loadSpec(join(dir, 'x.yaml'));
  assert.equal(spec.trials.length, 1);
  const t = spec.trials[0];
  assert.equal(t.label, '');
  assert.deepEqual(t.spec.stages, { stage1: { kind: 'fake', steps: 10 } });
  assert.equal(t.spec.backend, 'auto');
  assert.deepEqual(t.spec.data, {});
  assert.deepEqual(t.map.at(['stages', 'stage1', 'steps']), { file: t.map.at([]).file, line: 8, col: 5 });
  assert.deepEqual(t.map.at(['models', 'vit', 'layers']), { file: t.map.at([]).file, line: 4, col: 28 });
});

test('the experiment name defaults to the file name', () => {
  const dir = specDir({ 'my-exp.yaml': 'stages: { a: { kind: fake } }\n' });
  assert.equal(loadSpec(join(dir, 'my-exp.yaml')).name, 'my-exp');
});

test('includes merge underneath the including file, which wins, and positions point into each file', () => {
  const dir = specDir({
    'shared/models.yaml': 'models:\n  vit: { preset: vit-tiny }\n  llm: { preset: lm-small }\nseed: 1\n',
    'x.yaml': 'include: shared/models.yaml\nname: inc\nmodels:\n  llm: { preset: lm-tiny }\nstages: { a: { kind: fake } }\n',
  });
  const spec = loadSpec(join(dir, 'x.yaml'));
  const t = spec.trials[0];
  assert.deepEqual(t.spec.models, { vit: { preset: 'vit-tiny' }, llm: { preset: 'lm-tiny' } });
  assert.equal(t.spec.seed, 1);
  assert.match(t.map.at(['models', 'vit']).file ?? '', /shared\/models\.yaml$/);
  assert.equal(t.map.at(['models', 'llm', 'preset']).line, 4);
  assert.equal(spec.files.length, 2);
});

test('an include cycle is an error naming the chain', () => {
  const dir = specDir({ 'a.yaml': 'include: b.yaml\nstages: { s: { kind: fake } }\n', 'b.yaml': 'include: [a.yaml]\n' });
  const [message] = errorsOf(join(dir, 'a.yaml'));
  assert.match(message, /b\.yaml:1:11: include: include cycle: .*a\.yaml -> .*b\.yaml -> .*a\.yaml$/);
});

test('a missing include names the including file and position', () => {
  const dir = specDir({ 'a.yaml': 'name: a\ninclude:\n  - nothere.yaml\nstages: { s: { kind: fake } }\n' });
  const [message] = errorsOf(join(dir, 'a.yaml'));
  assert.match(message, /a\.yaml:3:5: include: included file not found: .*nothere\.yaml$/);
});

test('bad values, unknown keys and bad names are all reported with file:line:col and the expectation', () => {
  const dir = specDir({
    'x.yaml': `name: demo
seed: -1
backend: wsam
data:
  frame: 8
models:
  vit: { presett: vit-tiny }
stages:
  bad.name: { kind: fake }
  ok: { steps: 3 }
`,
  });
  const file = join(dir, 'x.yaml');
  const f = errorsOf(file)[0].split(':')[0];
  assert.deepEqual(errorsOf(file), [
    `${f}:2:1: seed: expected a non-negative integer, got -1`,
    `${f}:3:1: backend: expected one of "auto", "tensorflow", "webgpu", "wasm", "cpu", got "wsam" (did you mean "wasm"?)`,
    `${f}:5:3: data.frame: unknown key "frame" (did you mean "frames"?)`,
    `${f}:7:3: models.vit.preset: missing required key; expected a non-empty string`,
    `${f}:9:3: stages.bad.name: invalid name "bad.name"; expected a name of letters, digits, "-" and "_" starting with a letter`,
    `${f}:10:3: stages.ok.kind: missing required key; expected a non-empty string`,
  ]);
});

test('YAML tags are rejected rather than interpreted, and syntax errors are positioned', () => {
  const dir = specDir({ 't.yaml': 'name: t\nstages:\n  a: !include other.yaml\n', 's.yaml': 'name: s\nstages: [1,\n' });
  assert.match(errorsOf(join(dir, 't.yaml'))[0], /t\.yaml:3:3: stages\.a: YAML tags are not supported \(found !include\)/);
  assert.match(errorsOf(join(dir, 's.yaml'))[0], /s\.yaml:\d+:\d+: /);
});

test('a duplicate key is a syntax error at its position', () => {
  const dir = specDir({ 'd.yaml': 'name: d\nseed: 1\nseed: 2\nstages: { a: { kind: fake } }\n' });
  assert.match(errorsOf(join(dir, 'd.yaml'))[0], /d\.yaml:3:1: Map keys must be unique/);
});
