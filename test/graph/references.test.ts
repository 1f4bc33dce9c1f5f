// Typed references: a kind declares which config keys name stages and what those must produce; the
// graph reads the names from the parsed config and rejects, at the referencing key, a stage of a kind
// that produces none of it. `ctx.upstream` is typed from the same declaration.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { buildStageGraph } from '../../src/graph/build.ts';
import { loadSpec } from '../../src/config/load.ts';
import { StageKindRegistry } from '../../src/stages/registry.ts';
import type { StageKind, UpstreamRef } from '../../src/stages/types.ts';
import { UserError, formatIssue, type Issue } from '../../src/util/errors.ts';
import { linreg } from '../fixtures/linreg-kind.ts';
import { specDir } from '../config/helpers.ts';

const BIN = new URL('../../bin/vadapter.js', import.meta.url).pathname;
const QUICKSTART = new URL('../../experiments/quickstart.yaml', import.meta.url).pathname;

const references = {
  vision: { produces: ['vision'] },
  start: { produces: ['lm', 'captioner'], optional: true },
  'more.from': { produces: ['vision'], optional: true },
  inputs: { produces: ['vision'], list: true, optional: true },
} as const;

const configSchema = z.strictObject({
  vision: z.string(),
  start: z.string().nullable().optional(),
  more: z.strictObject({ from: z.string() }).optional(),
  inputs: z.array(z.string()).optional(),
});

function kind(name: string, produces?: string[]): StageKind {
  return { kind: name, describe: name, configSchema: z.strictObject({}), produces, totalSteps: () => 1, run: async () => {} };
}

const reader: StageKind<z.output<typeof configSchema>, typeof references> = {
  kind: 'reader', describe: 'reads', configSchema, references, totalSteps: () => 1,
  run: async (ctx) => {
    const vision: UpstreamRef = ctx.upstream.vision;
    const start: UpstreamRef | undefined = ctx.upstream.start;
    const inputs: UpstreamRef[] | undefined = ctx.upstream.inputs;
    // @ts-expect-error an optional reference may be absent
    void ctx.upstream.start.stage;
    // @ts-expect-error a role the kind does not declare
    void ctx.upstream.visoin;
    void [vision, start, inputs];
  },
};

function registry(): StageKindRegistry {
  const r = new StageKindRegistry();
  for (const k of [kind('encoder', ['vision']), kind('lang', ['lm']), kind('both', ['lm', 'vision']), kind('sink'), reader, linreg]) r.register(k, 'test');
  return r;
}

const HEAD = 'name: g\nstages:\n  enc: { kind: encoder }\n  lm: { kind: lang }\n  sink: { kind: sink }\n';

function graphOf(stages: string) {
  const file = join(specDir({ 'g.yaml': HEAD + stages }), 'g.yaml');
  return buildStageGraph(loadSpec(file).trials[0], registry());
}

function issuesOf(stages: string): Issue[] {
  try {
    graphOf(stages);
  } catch (err) {
    if (err instanceof UserError) return err.issues;
    throw err;
  }
  assert.fail('expected the spec to be rejected');
}

function errorsOf(stages: string): string[] {
  return issuesOf(stages).map((i) => formatIssue(i).replace(/^.*g\.yaml:/, 'g.yaml:'));
}

test('references are read from the config as declared: optional ones left out or null are absent, lists stay lists, dotted keys nest', () => {
  const g = graphOf('  r: { kind: reader, vision: enc, start: null, more: { from: enc }, inputs: [enc] }\n  s: { kind: both }\n  t: { kind: reader, vision: s, start: s }\n');
  assert.deepEqual(g.nodes.get('r')!.references, { vision: 'enc', 'more.from': 'enc', inputs: ['enc'] });
  assert.deepEqual(g.nodes.get('r')!.edges.map((e) => [e.role, e.stage, e.path.join('.')]), [
    ['vision', 'enc', 'stages.r.vision'], ['more.from', 'enc', 'stages.r.more.from'], ['inputs.0', 'enc', 'stages.r.inputs.0'],
  ]);
  assert.deepEqual(g.nodes.get('t')!.references, { vision: 's', start: 's' }); // one of what it expects is enough
});

test('a reference to a stage that produces none of what it expects is an error at its key, naming both sides', () => {
  assert.deepEqual(errorsOf('  r: { kind: reader, vision: lm, start: enc, more: { from: sink }, inputs: [enc, lm] }\n'), [
    'g.yaml:6:22: stages.r.vision: "lm" is a lang stage, which produces a language model; vision expects a stage that produces a vision encoder (encoder)',
    'g.yaml:6:34: stages.r.start: "enc" is an encoder stage, which produces a vision encoder; start expects a stage that produces a language model (lang) or a stage-1 captioner',
    'g.yaml:6:54: stages.r.more.from: "sink" is a sink stage, which produces nothing a stage can read; more.from expects a stage that produces a vision encoder (encoder)',
    'g.yaml:6:82: stages.r.inputs[1]: "lm" is a lang stage, which produces a language model; inputs expects a stage that produces a vision encoder (encoder)',
  ]);
});

test('a reference without `produces` takes any stage; dangling references and cycles are reported as before, not as wrong products', () => {
  assert.equal(graphOf('  a: { kind: linreg, steps: 1, init: sink }\n').nodes.get('a')!.edges[0].stage, 'sink');
  assert.deepEqual(issuesOf('  r: { kind: reader, vision: enk }\n').map((i) => [i.code, i.line, i.col]), [['unknown_stage', 6, 22]]);
  assert.deepEqual(errorsOf('  a: { kind: linreg, steps: 1, init: b }\n  b: { kind: linreg, steps: 1, init: a }\n  r: { kind: reader, vision: a }\n'), [
    'g.yaml:6:32: stages.a.init: stages refer to each other in a cycle: a -> b -> a',
  ]);
});

test("a kind whose schema disagrees with its declaration is a bug, not the user's error", () => {
  const r = registry();
  r.register({ ...kind('odd'), configSchema: z.strictObject({ vision: z.number() }), references: { vision: {} } }, 'test');
  const file = join(specDir({ 'g.yaml': 'name: g\nstages:\n  o: { kind: odd, vision: 3 }\n' }), 'g.yaml');
  assert.throws(() => buildStageGraph(loadSpec(file).trials[0], r), (err: unknown) => !(err instanceof UserError) && /stage kind "odd" declares reference "vision", but its parsed config holds 3 there/.test(String(err)));
});

test('`stage1.vision: llm` in a copy of the quickstart: `vadapter plan` prints the positioned error and exits 2', () => {
  const text = readFileSync(QUICKSTART, 'utf8');
  const wrong = text.replace('    kind: align-decoder\n    vision: vision\n', '    kind: align-decoder\n    vision: llm\n');
  assert.notEqual(wrong, text);
  const dir = specDir({ 'quickstart.yaml': wrong });
  const r = spawnSync(process.execPath, [BIN, 'plan', 'quickstart.yaml', '--root', join(dir, 'runs')], { cwd: dir, encoding: 'utf8' });
  const line = wrong.split('\n').indexOf('    vision: llm') + 1;
  assert.equal(r.stderr, `✖ quickstart.yaml:${line}:5: stages.stage1.vision: "llm" is a pretrain-lm stage, which produces a language model; vision expects a stage that produces a vision encoder (pretrain-vision)\n`);
  assert.equal(r.status, 2);
});
