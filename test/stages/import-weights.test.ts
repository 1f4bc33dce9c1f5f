// The import-weights stage through the real CLI: an imported CLIP vision tower (a committed fixture,
// test/fixtures/weights/) is the frozen ViT of an align-resampler stage, whose checkpoint records it
// as the source of its `vit`; the stage is cached while the files are unchanged and reruns (with
// everything downstream) when one changes; a path that is not there is shown by `plan` and refused
// by `run`; a relative path is relative to the spec file. With an imported GPT-2 (and the tokenizer it
// brings) as the frozen LLM too, stage 1, stage 2 and the baseline train and evaluate; a data
// tokenizer that is not the LLM's is a plan-time error at data.tokenizer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSafetensors, readSafetensorsHeader, writeSafetensors } from '../../src/ckpt/safetensors.ts';
import { query, runJson, tempDir, vadapter } from '../exec/helpers.ts';

const CLIP = fileURLToPath(new URL('../fixtures/weights/clip-vision', import.meta.url));
const GPT2 = fileURLToPath(new URL('../fixtures/weights/gpt2-bpe', import.meta.url));
const TRAIN = 'batchSize: 4, logEvery: 2, validateEvery: 2, checkpointEvery: 2, validation: { examples: 4 }, schedule: { peak: 0.003, warmupSteps: 1 }';

function writeSpec(dir: string, vision: string): string {
  const file = join(dir, 'spec', 'imported.yaml');
  cpSync(CLIP, join(dir, 'spec', 'clip'), { recursive: true });
  writeFileSync(
    file,
    `name: imported
backend: cpu
data:
  synthetic: { root: ${join(dir, 'synth')}, scale: tiny }
  frames: 2
models:
  llm: { preset: lm-tiny, vocab: 128 }
  perceiver: { preset: resampler-tiny }
stages:
  vision: ${vision}
  llm: { kind: pretrain-lm, model: llm, steps: 2, ${TRAIN} }
  baseline: { kind: align-resampler, vision: vision, llm: llm, resampler: perceiver, steps: 2, ${TRAIN} }
`,
  );
  return file;
}

test('an imported CLIP tower is the frozen ViT of an alignment stage, cached by its files\' digests', async () => {
  const dir = tempDir();
  const root = join(dir, 'runs');
  const spec = writeSpec(dir, '{ kind: import-weights, dir: clip }');
  const first = await runJson(spec, root);
  assert.equal(first.result.code, 0, first.result.stderr);
  assert.deepEqual(first.statuses, { '0/vision': 'done', '0/llm': 'done', '0/baseline': 'done' });
  const [ckpt] = query<{ path: string }>(root, `SELECT c.path FROM checkpoints c JOIN stages s ON s.fingerprint = c.fingerprint WHERE s.name = 'baseline' ORDER BY c.step DESC LIMIT 1`);
  const header = readSafetensorsHeader(join(root, ckpt.path, 'model.safetensors'));
  assert.equal(JSON.parse(header.metadata['vadapter.sources']).vit.stage, 'vision');
  assert.equal(JSON.parse(header.metadata['vadapter.config']).vit.classToken, true, 'the ViT config is the imported one');
  assert.ok(!header.entries.some((e) => e.name.startsWith('vit.')), 'the frozen tower is not copied');
  const [params] = query<{ value: number }>(root, `SELECT m.value FROM metrics m JOIN stages s ON s.fingerprint = m.fingerprint WHERE s.name = 'vision' AND m.key = 'parameters'`);
  assert.equal(params.value, 62400);

  const again = await runJson(spec, root);
  assert.deepEqual(again.statuses, { '0/vision': 'cached', '0/llm': 'cached', '0/baseline': 'cached' });

  const weights = join(dir, 'spec', 'clip', 'model.safetensors');
  const contents = readSafetensors(weights);
  const ln = contents.tensors['pre_layrnorm.weight'];
  const bumped = new Float32Array(ln.data.slice().buffer).map((v) => v * 1.5);
  writeSafetensors(weights, { ...contents.tensors, 'pre_layrnorm.weight': { ...ln, data: new Uint8Array(bumped.buffer) } }, contents.metadata);
  const changed = await runJson(spec, root);
  assert.equal(changed.result.code, 0, changed.result.stderr);
  assert.deepEqual(changed.statuses, { '0/vision': 'done', '0/llm': 'cached', '0/baseline': 'done' });
});

test('import-weights: a missing path is shown by plan and refused by run; a bad block is a positioned error', async () => {
  const dir = tempDir();
  const spec = writeSpec(dir, '{ kind: import-weights, dir: not-there }');
  const plan = await vadapter(['plan', spec, '--root', join(dir, 'runs')]);
  assert.equal(plan.code, 0, plan.stderr);
  assert.match(plan.stdout, /not-there/);
  const run = await vadapter(['run', spec, '--root', join(dir, 'runs')]);
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /spec\/not-there/);
  const both = writeSpec(tempDir(), '{ kind: import-weights, dir: clip, file: clip/model.safetensors }');
  const bad = await vadapter(['plan', both]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /imported\.yaml:\d+:\d+.*exactly one of dir .* and file/s);
});

function writeImportedSpec(dir: string, tokenizer: string): string {
  const file = join(dir, 'both.yaml');
  writeFileSync(
    file,
    `name: imported-both
backend: cpu
data:
  synthetic: { root: ${join(dir, 'synth')}, scale: tiny }
  tokenizer: ${tokenizer}
  frames: 2
models:
  tlm: { preset: lm-tiny, vocab: 520, layers: 1 }
  pooler: { preset: pooler-tiny }
  resampler: { preset: resampler-1layer-tiny }
  perceiver: { preset: resampler-tiny }
stages:
  vision: { kind: import-weights, dir: ${CLIP} }
  llm: { kind: import-weights, dir: ${GPT2} }
  tlm: { kind: pretrain-lm, model: tlm, steps: 2, ${TRAIN} }
  stage1: { kind: align-decoder, vision: vision, decoder: tlm, pooler: pooler, steps: 2, ${TRAIN} }
  vadapter: { kind: align-adapter, vision: vision, llm: llm, adapter: stage1, resampler: resampler, steps: 2, ${TRAIN} }
  baseline: { kind: align-resampler, vision: vision, llm: llm, resampler: perceiver, steps: 2, ${TRAIN} }
  eval: { kind: evaluate, adapters: [vadapter, baseline], tasks: [caption, vqa], limit: 2, maxTokens: 4 }
`,
  );
  return file;
}

test('an imported CLIP tower and an imported GPT-2 with its tokenizer: stage 1, stage 2 and the baseline train and evaluate', async () => {
  const dir = tempDir();
  const root = join(dir, 'runs');
  const run = await runJson(writeImportedSpec(dir, join(GPT2, 'tokenizer.json')), root);
  assert.equal(run.result.code, 0, run.result.stderr);
  assert.deepEqual(Object.values(run.statuses), Array(7).fill('done'));
  const llm = query<{ value: number }>(root, `SELECT m.value FROM metrics m JOIN stages s ON s.fingerprint = m.fingerprint WHERE s.name = 'vadapter' AND m.key = 'val/loss' ORDER BY m.step`);
  assert.ok(llm.length >= 2 && llm.every((r) => Number.isFinite(r.value)), 'stage 2 validated through the imported LLM');
  const cider = query<{ key: string }>(root, `SELECT DISTINCT key FROM metrics WHERE key LIKE '%/eval/coco/CIDEr' ORDER BY key`).map((r) => r.key);
  assert.deepEqual(cider, ['baseline/eval/coco/CIDEr', 'vadapter/eval/coco/CIDEr']);

  const wrong = await vadapter(['plan', writeImportedSpec(tempDir(), join(dir, 'synth', 'tokenizer.json')), '--root', root]);
  assert.equal(wrong.code, 2, wrong.stderr);
  assert.match(wrong.stderr, /both\.yaml:5:\d+: data\.tokenizer: .*is not the tokenizer of the LLM .*set data\.tokenizer: .*gpt2-bpe\/tokenizer\.json/s);
});
