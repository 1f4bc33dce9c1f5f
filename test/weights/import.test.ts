import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../src/backend/index.ts';
import { readSafetensors, writeSafetensors } from '../../src/ckpt/safetensors.ts';
import * as tf from '@tensorflow/tfjs-core';
import { lmCost, vitCost } from '../../src/models/cost.ts';
import { weights } from '../../src/models/params.ts';
import { applyVit, applyVitToPixels, initVit, type VitConfig } from '../../src/models/vit.ts';
import type { LmConfig } from '../../src/models/lm.ts';
import { loadTokenizer } from '../../src/data/tokenizer.ts';
import { importWeights } from '../../src/weights/import.ts';
import { inspectWeights } from '../../src/weights/inspect.ts';
import { runModel } from '../../src/weights/run-model.ts';

await initBackend('cpu');

// Made by scripts/make-weight-fixtures.py with transformers 5.18 (tiny random LLaMA models, norm scales
// and projections far from their init; one untied in float32, one tied in float16 over two shards;
// two GPT-2 models saved with their head, one in float32, one in bfloat16 with its own n_inner; a CLIP
// vision tower alone in float32 with a preprocessor_config.json, a whole two-tower CLIP in float16
// with exact-erf GELU, a SigLIP vision tower with its pooling head in bfloat16).
const FIXTURES = join(import.meta.dirname, '../fixtures/weights');
const BIN = join(import.meta.dirname, '../../bin/vadapter.js');
const dir = mkdtempSync(join(tmpdir(), 'vadapter-weights-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

function floats(file: string, name: string): Float32Array {
  const t = readSafetensors(file).tensors[name];
  return new Float32Array(t.data.slice().buffer);
}

function relativeL2(got: Float32Array, want: Float32Array): number {
  let [d, n] = [0, 0];
  for (let i = 0; i < want.length; i++) {
    d += (got[i] - want[i]) ** 2;
    n += want[i] ** 2;
  }
  return Math.sqrt(d / n);
}

for (const name of ['llama-untied', 'llama-tied-f16-sharded']) {
  test(`${name}: inspect names the format and config; the import reproduces transformers' logits within 1e-4 (relative L2)`, () => {
    const path = join(FIXTURES, name);
    const report = inspectWeights(path);
    const f16 = name.includes('f16');
    assert.equal(report.format, 'llama');
    assert.equal(report.files.length, f16 ? 2 : 1);
    assert.deepEqual(report.dtypes, f16 ? { F16: 29 } : { F32: 30 });
    const config = report.mapsTo!.config as LmConfig;
    assert.deepEqual([config.vocab, config.width, config.layers, config.heads, config.kvHeads, config.mlp, config.ropeBase, config.normEps, config.tiedHead], [61, 48, 3, 6, 2, 72, 500, 1e-5, f16]);
    assert.equal(report.parameters, lmCost(config, 1, 1).params, 'the stored tensors are exactly the parameters the config implies');
    const out = join(dir, `${name}.safetensors`);
    const result = importWeights(path, { out });
    assert.equal(result.parameters, report.parameters);
    const logits = join(dir, `${name}-logits.safetensors`);
    const reference = join(path, 'reference.safetensors');
    assert.deepEqual(runModel(out, reference, logits), { logits: [2, 7, 61] });
    const error = relativeL2(floats(logits, 'logits'), floats(reference, 'logits'));
    assert.ok(error < 1e-4, `relative L2 error ${error}`);
  });
}

for (const name of ['gpt2', 'gpt2-bf16']) {
  test(`${name}: Conv1D weights and the fused c_attn map; the import reproduces transformers' logits within 1e-4 (relative L2)`, () => {
    const path = join(FIXTURES, name);
    const report = inspectWeights(path);
    const bf16 = name.endsWith('bf16');
    assert.equal(report.format, 'gpt2');
    assert.deepEqual(report.dtypes, bf16 ? { BF16: 40 } : { F32: 40 });
    const config = report.mapsTo!.config as LmConfig;
    assert.deepEqual([config.vocab, config.width, config.layers, config.heads, config.mlp, config.maxPositions, config.positions, config.activation, config.bias, config.norm], [61, 48, 3, 4, bf16 ? 80 : 192, 16, 'learned', 'gelu', true, 'layer']);
    assert.equal(report.parameters, lmCost(config, 1, 1).params, 'the stored tensors are exactly the parameters the config implies');
    const out = join(dir, `${name}.safetensors`);
    importWeights(path, { out });
    const ours = readSafetensors(out).tensors;
    const stored = readSafetensors(join(path, 'model.safetensors')).tensors;
    if (!bf16) {
      const fused = new Float32Array(stored['transformer.h.1.attn.c_attn.weight'].data.slice().buffer); // [48, 144], columns q | k | v
      assert.equal(floats(out, 'lm.blocks.1.attn.k.weight')[2 * 48 + 5], fused[2 * 144 + 48 + 5], 'k = the middle third of c_attn, row for row');
      assert.deepEqual(ours['lm.blocks.1.attn.v.bias'].shape, [48]);
    }
    const logits = join(dir, `${name}-logits.safetensors`);
    const reference = join(path, 'reference.safetensors');
    assert.deepEqual(runModel(out, reference, logits), { logits: [2, 7, 61] });
    const error = relativeL2(floats(logits, 'logits'), floats(reference, 'logits'));
    assert.ok(error < 1e-4, `relative L2 error ${error}`);
  });
}

const TOWERS = [
  { name: 'clip-vision', format: 'clip', dtypes: { F32: 55 }, tokens: 17, activation: 'quick_gelu', mean: [0.4, 0.5, 0.6] },
  { name: 'clip-two-tower-f16', format: 'clip', dtypes: { F16: 78 }, tokens: 17, activation: 'gelu_exact', mean: [0.48145466, 0.4578275, 0.40821073] },
  { name: 'siglip-vision-bf16', format: 'siglip', dtypes: { BF16: 64 }, tokens: 16, activation: 'gelu', mean: [0.5, 0.5, 0.5] },
];
for (const tower of TOWERS) {
  test(`${tower.name}: the vision tower imports (the rest of the file skipped) and reproduces transformers' last_hidden_state within 1e-4 (relative L2)`, () => {
    const path = join(FIXTURES, tower.name);
    const report = inspectWeights(path);
    assert.equal(report.format, tower.format);
    assert.deepEqual(report.dtypes, tower.dtypes);
    const config = report.mapsTo!.config as VitConfig;
    assert.equal(report.mapsTo!.component, 'vit');
    assert.deepEqual([config.image, config.patch, config.width, config.layers, config.heads, config.mlp, config.activation, config.mean], [32, 8, 48, 3, 4, 80, tower.activation, tower.mean]);
    assert.equal(config.classToken === true, tower.format === 'clip');
    const out = join(dir, `${tower.name}.safetensors`);
    const result = importWeights(path, { out });
    assert.equal(result.parameters, vitCost(config, 1).params, 'the imported tensors are exactly the parameters the config implies');
    assert.equal(readSafetensors(out).metadata['vadapter.assembly'], 'vision');
    const hidden = join(dir, `${tower.name}-hidden.safetensors`);
    const reference = join(path, 'reference.safetensors');
    assert.deepEqual(runModel(out, reference, hidden), { last_hidden_state: [2, tower.tokens, 48] });
    const error = relativeL2(floats(hidden, 'last_hidden_state'), floats(reference, 'last_hidden_state'));
    assert.ok(error < 1e-4, `relative L2 error ${error}`);
  });
}

test('frames in [0, 1] are normalised by the imported mean and std before the tower, and the patch kernel keeps (row, column, channel) order', () => {
  const config = inspectWeights(join(FIXTURES, 'clip-vision')).mapsTo!.config as VitConfig;
  const w = weights(initVit(config, 5));
  tf.tidy(() => {
    const frames = tf.randomUniform([1, 1, 32, 32, 3], 0, 1, 'float32', 9);
    const mean = tf.tensor1d([0.4, 0.5, 0.6]);
    const std = tf.tensor1d([0.2, 0.25, 0.3]);
    const a = applyVit(w, config, frames).dataSync();
    const b = applyVitToPixels(w, config, tf.div(tf.sub(frames, mean), std)).dataSync();
    assert.ok(relativeL2(a as Float32Array, b as Float32Array) < 1e-6);
  });
  const kernel = readSafetensors(join(FIXTURES, 'clip-vision', 'model.safetensors')).tensors['embeddings.patch_embedding.weight']; // [48, 3, 8, 8], saved without the vision_model. prefix by a tower alone
  const stored = new Float32Array(kernel.data.slice().buffer);
  const ours = floats(join(dir, 'clip-vision.safetensors'), 'vit.patch.weight'); // [8*8*3, 48]
  const [o, c, y, x] = [7, 2, 5, 1];
  assert.equal(ours[((y * 8 + x) * 3 + c) * 48 + o], stored[((o * 3 + c) * 8 + y) * 8 + x]);
});

test('a GPT-2 with its byte-level BPE tokenizer: vadapter tokenizes the reference text as tokenizers does, and the logits match', () => {
  const path = join(FIXTURES, 'gpt2-bpe');
  const { text, ids } = JSON.parse(readFileSync(join(path, 'reference-text.json'), 'utf8')) as { text: string; ids: number[] };
  const tok = loadTokenizer(join(path, 'tokenizer.json'));
  assert.deepEqual(tok.encode(text), ids);
  assert.equal(tok.decode(ids), text);
  const out = join(dir, 'gpt2-bpe.safetensors');
  importWeights(path, { out });
  const logits = join(dir, 'gpt2-bpe-logits.safetensors');
  runModel(out, join(path, 'reference.safetensors'), logits);
  const error = relativeL2(floats(logits, 'logits'), floats(join(path, 'reference.safetensors'), 'logits'));
  assert.ok(error < 1e-4, `relative L2 error ${error}`);
});

test('a config.json alone: the paper stand-ins are sized by their architectures (docs/experiments.md\'s table)', () => {
  const PUBLIC = join(import.meta.dirname, '../../experiments/paper/public');
  const sized = (file: string) => {
    const r = inspectWeights(join(PUBLIC, file));
    assert.deepEqual([r.files, r.tensors, r.parameters], [[], [], 0]);
    return [r.format, r.mapsTo!.component, r.mapsTo!.parameters];
  };
  assert.deepEqual(sized('clip-vit-base-patch16.config.json'), ['clip', 'vit', 85_797_888]);
  assert.deepEqual(sized('clip-vit-large-patch14.config.json'), ['clip', 'vit', 303_177_728]);
  assert.deepEqual(sized('tinyllama-1.1b.config.json'), ['llama', 'lm', 1_100_048_384]); // TinyLlama's published total
  const cli = spawnSync(process.execPath, [BIN, 'weights', 'inspect', join(PUBLIC, 'clip-vit-large-patch14.config.json')], { encoding: 'utf8' });
  assert.equal(cli.status, 0, cli.stderr);
  assert.match(cli.stdout, /a config alone \(no weights\)\nformat: clip -> vadapter vit .*"classToken":true.*; 303177728 parameters by this config/);
});

test('a GPT-2 saved without its head (no transformer. prefix) imports to the same checkpoint; more tokens than its position table is an exit-2 error', () => {
  const folder = join(dir, 'gpt2-base');
  cpSync(join(FIXTURES, 'gpt2'), folder, { recursive: true });
  const contents = readSafetensors(join(folder, 'model.safetensors'));
  const bare = Object.fromEntries(Object.entries(contents.tensors).map(([n, t]) => [n.replace(/^transformer\./, ''), t]));
  writeSafetensors(join(folder, 'model.safetensors'), bare, contents.metadata);
  importWeights(folder, { out: join(dir, 'gpt2-base.safetensors') });
  importWeights(join(FIXTURES, 'gpt2'), { out: join(dir, 'gpt2-head.safetensors') });
  const [a, b] = [readSafetensors(join(dir, 'gpt2-base.safetensors')).tensors, readSafetensors(join(dir, 'gpt2-head.safetensors')).tensors];
  assert.deepEqual(Object.keys(a).sort(), Object.keys(b).sort());
  for (const name of Object.keys(a)) assert.deepEqual(a[name].data, b[name].data, name);
  const long = join(dir, 'long-ids.safetensors');
  const ids = new Int32Array(17).map((_, i) => i % 61);
  writeSafetensors(long, { input_ids: { dtype: 'I32', shape: [1, 17], data: new Uint8Array(ids.buffer) } });
  const r = spawnSync(process.execPath, [BIN, 'model', 'run', join(dir, 'gpt2-head.safetensors'), '--inputs', long, '--out', join(dir, 'long-out.safetensors')], { encoding: 'utf8' });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /long-ids\.safetensors.*17 tokens.*16 positions/s);
});

test('the CLI imports and runs a fixture; bad files are exit-2 errors naming the file and the tensor', () => {
  const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  const ok = cli('weights', 'import', join(FIXTURES, 'llama-untied'), '--out', join(dir, 'cli.safetensors'), '--json');
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(JSON.parse(ok.stdout).format, 'llama');
  const ran = cli('model', 'run', join(dir, 'cli.safetensors'), '--inputs', join(FIXTURES, 'llama-untied', 'reference.safetensors'), '--out', join(dir, 'cli-logits.safetensors'));
  assert.equal(ran.status, 0, ran.stderr);
  assert.ok(relativeL2(floats(join(dir, 'cli-logits.safetensors'), 'logits'), floats(join(FIXTURES, 'llama-untied', 'reference.safetensors'), 'logits')) < 1e-4);

  const broken = (label: string, edit: (folder: string) => void) => {
    const folder = join(dir, label);
    cpSync(join(FIXTURES, 'llama-untied'), folder, { recursive: true });
    edit(folder);
    const r = cli('weights', 'import', folder, '--out', join(dir, `${label}.safetensors`));
    assert.equal(r.status, 2, `${label}: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/, `${label}: no stack trace`);
    return r.stderr;
  };
  const model = (folder: string) => join(folder, 'model.safetensors');
  const rewrite = (folder: string, change: (t: ReturnType<typeof readSafetensors>['tensors']) => void) => {
    const contents = readSafetensors(model(folder));
    change(contents.tensors);
    writeSafetensors(model(folder), contents.tensors, contents.metadata);
  };
  assert.match(broken('truncated', (f) => truncateSync(model(f), 100_000)), /model\.safetensors/);
  assert.match(
    broken('lying-header', (f) => {
      const bytes = readFileSync(model(f));
      const text = bytes.toString('latin1').replace('"data_offsets":[0,', '"data_offsets":[8,');
      writeFileSync(model(f), Buffer.from(text, 'latin1'));
    }),
    /model\.safetensors/,
  );
  assert.match(broken('missing-tensor', (f) => rewrite(f, (t) => delete t['model.norm.weight'])), /no tensor "model\.norm\.weight" \(vadapter's lm\.ln\.scale/);
  assert.match(broken('wrong-shape', (f) => writeFileSync(join(f, 'config.json'), readFileSync(join(f, 'config.json'), 'utf8').replace('"intermediate_size": 72', '"intermediate_size": 70'))), /model\.layers\.0\.mlp\.gate_proj\.weight.*shape \[72, 48\]; config\.json implies \[70, 48\]/s);
  assert.match(
    broken('int-weight', (f) =>
      rewrite(f, (t) => {
        t['model.norm.weight'] = { ...t['model.norm.weight'], dtype: 'I32' };
      }),
    ),
    /model\.norm\.weight.*dtype I32; a weight must be F32, F16, BF16 or F64/s,
  );
  assert.match(broken('unknown', (f) => writeFileSync(join(f, 'config.json'), JSON.stringify({ model_type: 'bert' }))), /no known format has model_type "bert"; importable: llama, gpt2, clip, siglip/);
  assert.match(broken('clip-no-vision', (f) => writeFileSync(join(f, 'config.json'), JSON.stringify({ model_type: 'clip' }))), /config\.json.*a two-tower config needs a "vision_config" object/s);
  assert.match(broken('as-gpt2', (f) => writeFileSync(join(f, 'config.json'), readFileSync(join(FIXTURES, 'gpt2', 'config.json')))), /no tensor "wte\.weight"/);
  assert.match(broken('extra', (f) => rewrite(f, (t) => (t['model.layers.0.self_attn.q_proj.bias'] = t['model.norm.weight']))), /does not map, e\.g\. "model\.layers\.0\.self_attn\.q_proj\.bias"/);
});
