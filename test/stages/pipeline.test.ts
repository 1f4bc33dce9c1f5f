// The quickstart's pipeline in miniature, through the real CLI: synthetic data generated on first
// use, ViT and LM pretraining, progressive stages 1 and 2, the resampler baseline, evaluation; a
// second run all cached; a run killed mid-stage resumed bit-identically.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSafetensorsHeader } from '../../src/ckpt/safetensors.ts';
import { finished, query, runJson, start, tempDir, waitFor } from '../exec/helpers.ts';

const TRAIN = 'batchSize: 4, logEvery: 2, validateEvery: 2, checkpointEvery: 2, validation: { examples: 4 }, schedule: { peak: 0.003, warmupSteps: 1 }';

const STAGES = `  vision: { kind: pretrain-vision, text: text, steps: 4, ${TRAIN} }
  llm: { kind: pretrain-lm, model: llm, steps: 4, ${TRAIN} }
  tlm: { kind: pretrain-lm, model: tlm, steps: 4, ${TRAIN} }
  stage1: { kind: align-decoder, vision: vision, decoder: tlm, pooler: pooler, steps: 4, ${TRAIN} }
  vadapter: { kind: align-adapter, vision: vision, llm: llm, adapter: stage1, resampler: resampler, steps: 4, eval: { every: 4, limit: 2, tasks: [caption] }, ${TRAIN} }
  baseline: { kind: align-resampler, vision: vision, llm: llm, resampler: perceiver, steps: 4, ${TRAIN} }
  eval: { kind: evaluate, adapters: [vadapter, baseline], limit: 3, maxTokens: 6 }
`;

function writeMiniSpec(dir: string, synth: string, stages = STAGES): string {
  const file = join(dir, 'mini.yaml');
  writeFileSync(
    file,
    `name: mini
backend: cpu
data:
  synthetic: { root: ${synth}, scale: tiny }
  frames: 2
models:
  vit: { preset: vit-tiny, layers: 1 }
  text: { preset: lm-tiny, vocab: 128, layers: 1 }
  llm: { preset: lm-tiny, vocab: 128 }
  tlm: { preset: lm-tiny, vocab: 128, layers: 1 }
  pooler: { preset: pooler-tiny }
  resampler: { preset: resampler-1layer-tiny }
  perceiver: { preset: resampler-tiny }
stages:
${stages}`,
  );
  return file;
}

function lastCheckpointDir(root: string, stage: string): string {
  const [row] = query<{ path: string }>(
    root,
    `SELECT c.path FROM checkpoints c JOIN checkpoint_tags t ON t.checkpoint_id = c.id AND t.tag = 'last'
     JOIN stages s ON s.fingerprint = c.fingerprint WHERE s.name = ? LIMIT 1`,
    stage,
  );
  return join(root, row.path);
}

test('the miniature pipeline trains every stage, records it, evaluates both adapters, and is all cached the second time', async () => {
  const dir = tempDir();
  const root = join(dir, 'runs');
  const spec = writeMiniSpec(dir, join(dir, 'synth'));
  const first = await runJson(spec, root, ['--jobs', '2']);
  assert.equal(first.result.code, 0, first.result.stderr);
  assert.deepEqual(Object.values(first.statuses), Array(7).fill('done'));
  assert.match(first.result.stderr, /generated synthetic webli/);

  const val = query<{ stage: string; steps: string }>(
    root,
    `SELECT s.name AS stage, GROUP_CONCAT(m.step) AS steps FROM metrics m JOIN stages s ON s.fingerprint = m.fingerprint
     WHERE m.key = 'val/loss' GROUP BY s.name ORDER BY s.name`,
  );
  assert.deepEqual(val.map((v) => [v.stage, v.steps]), ['baseline', 'llm', 'stage1', 'tlm', 'vadapter', 'vision'].map((s) => [s, '0,2,4']));
  const cider = query<{ key: string }>(root, `SELECT DISTINCT key FROM metrics WHERE key LIKE '%/CIDEr' ORDER BY key`).map((r) => r.key);
  assert.deepEqual(cider, ['baseline/eval/coco/CIDEr', 'baseline/eval/msrvtt/CIDEr', 'eval/coco/CIDEr', 'vadapter/eval/coco/CIDEr', 'vadapter/eval/msrvtt/CIDEr']);

  // stage 2 owns its resampler, TLM and FCs; the frozen ViT and LLM are recorded as sources
  const header = readSafetensorsHeader(join(lastCheckpointDir(root, 'vadapter'), 'model.safetensors'));
  const components = [...new Set(header.entries.map((e) => e.name.split('.')[0]))].sort();
  assert.deepEqual(components, ['fc_in', 'fc_out', 'resampler', 'tlm']);
  const sources = JSON.parse(header.metadata['vadapter.sources']);
  assert.deepEqual(Object.fromEntries(Object.entries(sources).map(([c, s]) => [c, (s as { stage: string; from: string }).stage + ':' + (s as { from: string }).from])), {
    vit: 'vision:vit',
    llm: 'llm:lm',
    tlm: 'stage1:tlm',
  });

  const second = await runJson(spec, root);
  assert.equal(second.result.code, 0, second.result.stderr);
  assert.deepEqual(second.summary.stages.map((s) => s.action), Array(7).fill('cached'));
});

test('a training stage killed mid-run resumes from its checkpoint and ends bit-identical', async () => {
  const dir = tempDir();
  const synth = join(dir, 'synth');
  const spec = writeMiniSpec(dir, synth, `  llm: { kind: pretrain-lm, model: llm, steps: 120, ${TRAIN} }\n`);
  const reference = join(dir, 'reference');
  const straight = await runJson(spec, reference);
  assert.equal(straight.result.code, 0, straight.result.stderr);

  const killed = join(dir, 'killed');
  const victim = start(['run', spec, '--root', killed], { detached: true });
  const closed = finished(victim);
  const llmStep = () => {
    try {
      return query<{ s: number | null }>(killed, `SELECT MAX(c.step) AS s FROM checkpoints c JOIN stages s ON s.fingerprint = c.fingerprint WHERE s.name = 'llm'`)[0].s ?? 0;
    } catch {
      return 0;
    }
  };
  await waitFor(() => llmStep() >= 6, 120_000, 'an llm checkpoint at step 6');
  process.kill(-victim.pid!, 'SIGKILL');
  await closed;
  const at = llmStep();
  assert.ok(at >= 6 && at < 120, `killed mid-stage (last llm checkpoint at step ${at})`);

  const again = await runJson(spec, killed);
  assert.equal(again.result.code, 0, again.result.stderr);
  const llm = again.summary.stages.find((s) => s.stage === 'llm')!;
  assert.equal(llm.action, 'resume');

  const finals = (root: string) =>
    query<{ name: string; sha256: string }>(
      root,
      `SELECT s.name, c.sha256 FROM checkpoints c JOIN checkpoint_tags t ON t.checkpoint_id = c.id AND t.tag = 'last'
       JOIN stages s ON s.fingerprint = c.fingerprint GROUP BY s.name ORDER BY s.name`,
    );
  assert.deepEqual(finals(killed), finals(reference), 'every stage ends with byte-identical checkpoints');
  const losses = (root: string) => query(root, `SELECT fingerprint, key, step, value FROM metrics WHERE key IN ('train/loss', 'val/loss') ORDER BY 1, 2, 3`);
  assert.deepEqual(losses(killed), losses(reference));
});
