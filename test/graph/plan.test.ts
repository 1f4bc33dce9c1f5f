import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { buildStageGraph } from '../../src/graph/build.ts';
import { fingerprintGraph, type FingerprintInputs } from '../../src/graph/fingerprint.ts';
import { planRun, type PlanHistory } from '../../src/graph/plan.ts';
import { loadSpec } from '../../src/config/load.ts';
import { StageKindRegistry } from '../../src/stages/registry.ts';
import { linreg } from '../fixtures/linreg-kind.ts';
import { specDir } from '../config/helpers.ts';

const SPEC = `name: p
stages:
  base: { kind: linreg, steps: 10 }
  tune: { kind: linreg, steps: 5, init: base }
`;

function trialsOf(overrides: string[]) {
  const registry = new StageKindRegistry();
  registry.register(linreg);
  const spec = loadSpec(join(specDir({ 'p.yaml': SPEC }), 'p.yaml'), overrides);
  return spec.trials.map((t) => {
    const graph = buildStageGraph(t, registry);
    return { graph, stages: fingerprintGraph(graph, { code: 'c1' }) };
  });
}

/** A history holding one earlier run ("r1") of the given trial, all done. */
function historyOf(done: ReturnType<typeof trialsOf>[number], partial: Record<string, number> = {}): PlanHistory {
  const byFp = new Map([...done.stages.values()].map((s) => [s.fingerprint, s]));
  return {
    output: (fp) => {
      const s = byFp.get(fp);
      if (!s) return null;
      if (s.name in partial) return { status: 'interrupted', producer: { run: 'r1', trial: 0, stage: s.name }, lastStep: partial[s.name] };
      return { status: 'done', producer: { run: 'r1', trial: 0, stage: s.name }, lastStep: 10 };
    },
    previous: (_exp, stage): { fingerprint: string; run: string; inputs: FingerprintInputs }[] => {
      const s = done.stages.get(stage);
      return s ? [{ fingerprint: s.fingerprint, run: 'r1', inputs: s.inputs }] : [];
    },
  };
}

const EMPTY: PlanHistory = { output: () => null, previous: () => [] };

test('with no history every stage runs, with the reason', () => {
  const plan = planRun('p', trialsOf([]), EMPTY);
  assert.deepEqual(plan.trials[0].stages.map((s) => [s.stage, s.action, s.reasons]), [
    ['base', 'run', ['no earlier run of stage base in experiment p']],
    ['tune', 'run', ['no earlier run of stage tune in experiment p']],
  ]);
});

test('an unchanged spec is all cached, naming the run it comes from', () => {
  const [t] = trialsOf([]);
  const plan = planRun('p', [t], historyOf(t));
  assert.deepEqual(plan.trials[0].stages.map((s) => [s.action, s.cachedFrom]), [
    ['cached', { run: 'r1', trial: 0, stage: 'base' }],
    ['cached', { run: 'r1', trial: 0, stage: 'tune' }],
  ]);
});

test('a changed key re-runs its stage and its dependents, saying which key and which upstream changed', () => {
  const [old] = trialsOf([]);
  const plan = planRun('p', trialsOf(['+stages.base.lr=0.1']), historyOf(old));
  const [base, tune] = plan.trials[0].stages;
  assert.equal(base.action, 'run');
  assert.match(base.reasons[0], /^differs from [0-9a-f]{16} \(run r1\): config\.lr: 0\.05 -> 0\.1$/);
  assert.equal(tune.action, 'run');
  assert.match(tune.reasons[0], /: upstream init changed \("[0-9a-f]{16}" -> "[0-9a-f]{16}"\)$/);
});

test('an interrupted stage resumes from its last checkpoint', () => {
  const [t] = trialsOf([]);
  const plan = planRun('p', [t], historyOf(t, { tune: 3 }));
  const tune = plan.trials[0].stages[1];
  assert.equal(tune.action, 'resume');
  assert.deepEqual(tune.resumeFrom, { step: 3, run: 'r1' });
});

test('trials sharing a fingerprint run it once: the later ones are cached from the first', () => {
  const plan = planRun('p', trialsOf(['stages.tune.steps=5,6']), EMPTY);
  assert.deepEqual(plan.trials.map((t) => t.stages.map((s) => s.action)), [['run', 'run'], ['cached', 'run']]);
  assert.deepEqual(plan.trials[1].stages[0].cachedFrom, { run: null, trial: 0, stage: 'base' });
});
