import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend/index.ts';
import { loadAllParams, loadComponent, saveParams } from '../../src/ckpt/params.ts';
import { readSafetensors } from '../../src/ckpt/safetensors.ts';
import { buildAssembly } from '../../src/models/assembly.ts';
import { type ConfigsOf, resolveAssembly } from '../../src/models/assembly-config.ts';
import { lmForward, lmLogits } from '../../src/models/lm.ts';
import { weights } from '../../src/models/params.ts';
import { continueDecoding, startDecoding, visualTokens } from '../../src/models/vlm.ts';
import { TINY, captionBatch, tinyConfigs } from './fixtures.ts';

await initBackend('cpu');
const dir = mkdtempSync(join(tmpdir(), 'vadapter-vlm-'));

test('incremental decoding (visual prefix + prompt cached) gives the logits of one full forward pass', () => {
  for (const kind of ['captioner', 'vadapter', 'perceiver'] as const) {
    const a = buildAssembly(tinyConfigs(kind), 0);
    const batch = captionBatch(2);
    const dec = kind === 'captioner' ? 'tlm' : 'llm';
    const config = a.configs.kind === 'captioner' ? a.configs.tlm : a.configs.llm;
    tf.tidy(() => {
      const w = weights(a.params, dec);
      const caption = tf.slice(batch.targetIds, [0, 0], [2, 3]);
      const sequence = tf.concat([tf.gather(w.get('embed.weight'), batch.beforeIds), visualTokens(a.params, a.configs, batch.frames), tf.gather(w.get('embed.weight'), batch.afterIds), tf.gather(w.get('embed.weight'), caption)], 1);
      const full = lmLogits(w, lmForward(w, config, { embeddings: sequence }).hidden).arraySync() as number[][][];
      const promptLength = 3 + 4 + 1;
      let step = startDecoding(a.params, a.configs, batch);
      for (let t = 0; t <= 3; t++) {
        const logits = step.logits.arraySync() as number[][];
        for (let b = 0; b < 2; b++) {
          const want = full[b][promptLength - 1 + t];
          assert.ok(logits[b].every((x, i) => Math.abs(x - want[i]) < 1e-3), `${kind}: example ${b}, caption token ${t}`);
        }
        if (t < 3) step = continueDecoding(a.params, a.configs, tf.slice(caption, [0, t], [2, 1]), step.cache);
      }
    });
    a.dispose();
  }
});

test('an assembly saved with its configs loads back into a fresh one and gives the same loss', async () => {
  const a = buildAssembly(tinyConfigs('vadapter'), 1);
  const path = join(dir, 'vadapter.safetensors');
  await saveParams(path, a.params, a.configs);
  const b = buildAssembly(tinyConfigs('vadapter'), 2);
  const batch = captionBatch(2);
  const loss = (x: typeof a) => tf.tidy(() => x.loss(batch).dataSync()[0]);
  assert.notEqual(loss(a), loss(b));
  loadAllParams(b.params, path, b.configs);
  assert.equal(loss(a), loss(b));
  a.dispose();
  b.dispose();
});

test('progressive alignment wiring: ViT from contrastive pretraining, TLM from stage 1, LLM from language-only pretraining', async () => {
  const clip = buildAssembly(tinyConfigs('contrastive'), 3);
  const stage1 = buildAssembly(tinyConfigs('captioner'), 4);
  const llm = buildAssembly(resolveAssembly('lm', { lm: TINY.llm }) as ConfigsOf<'lm'>, 5);
  const paths = { clip: join(dir, 'clip.safetensors'), stage1: join(dir, 'stage1.safetensors'), llm: join(dir, 'llm.safetensors') };
  await saveParams(paths.clip, clip.params, clip.configs);
  await saveParams(paths.stage1, stage1.params, stage1.configs);
  await saveParams(paths.llm, llm.params, llm.configs);
  const v = buildAssembly(tinyConfigs('vadapter'), 6);
  loadComponent(v.params, readSafetensors(paths.clip), paths.clip, { component: 'vit' });
  loadComponent(v.params, readSafetensors(paths.stage1), paths.stage1, { component: 'tlm' });
  loadComponent(v.params, readSafetensors(paths.llm), paths.llm, { component: 'llm', from: 'lm' });
  const same = (x: Map<string, tf.Variable>, xName: string, y: Map<string, tf.Variable>, yName: string) => assert.deepEqual(x.get(xName)!.dataSync(), y.get(yName)!.dataSync(), yName);
  same(clip.params, 'vit.blocks.0.attn.q.weight', v.params, 'vit.blocks.0.attn.q.weight');
  same(stage1.params, 'tlm.blocks.0.mlp.gate.weight', v.params, 'tlm.blocks.0.mlp.gate.weight');
  same(llm.params, 'lm.embed.weight', v.params, 'llm.embed.weight');
  for (const x of [clip, stage1, llm, v]) x.dispose();
});

test('loading a checkpoint of another shape names both shapes and the config fields that differ', async () => {
  const small = buildAssembly(tinyConfigs('captioner'), 0);
  const path = join(dir, 'captioner.safetensors');
  await saveParams(path, small.params, small.configs);
  const wide = buildAssembly(resolveAssembly('vadapter', { ...TINY, tlm: { ...TINY.tlm, mlp: 80 } }) as ConfigsOf<'vadapter'>, 0);
  assert.throws(() => loadComponent(wide.params, readSafetensors(path), path, { component: 'tlm', config: wide.configs.tlm }), (err: Error) => {
    assert.match(err.message, /captioner\.safetensors: tlm\.blocks\.0\.mlp\.gate\.weight: checkpoint has shape \[32, 64\], the model expects \[32, 80\]/);
    assert.match(err.message, /captioner\.safetensors: tlm: config differs from the model's: mlp: checkpoint 64, model 80/);
    return true;
  });
  small.dispose();
  wide.dispose();
});

test("visualNorm 'embedding' puts every visual token at the RMS of the frozen LLM's token embeddings; 'none' leaves the FC's output", () => {
  for (const kind of ['vadapter', 'perceiver'] as const) {
    const scaled = buildAssembly(tinyConfigs(kind) as ConfigsOf<typeof kind>, 0);
    const raw = buildAssembly({ ...(tinyConfigs(kind) as ConfigsOf<typeof kind>), visualNorm: 'none' }, 0);
    assert.equal(scaled.configs.visualNorm, 'embedding'); // the default
    const batch = captionBatch(3);
    tf.tidy(() => {
      const embedRms = Math.sqrt(tf.mean(tf.square(scaled.params.get('llm.embed.weight')!)).dataSync()[0]);
      const tokens = visualTokens(scaled.params, scaled.configs, batch.frames); // [B, V, llm width]
      const perToken = tf.sqrt(tf.mean(tf.square(tokens), -1)).dataSync();
      for (const r of perToken) assert.ok(Math.abs(r - embedRms) < 1e-4 * embedRms, `${kind}: token RMS ${r} vs embedding RMS ${embedRms}`);
      const plain = visualTokens(raw.params, raw.configs, batch.frames);
      const direction = (t: tf.Tensor) => tf.div(t, tf.norm(t, 'euclidean', -1, true));
      assert.ok(tf.max(tf.abs(tf.sub(direction(plain), direction(tokens)))).dataSync()[0] < 1e-4, `${kind}: same directions`);
      assert.ok(Math.abs(tf.sqrt(tf.mean(tf.square(plain))).dataSync()[0] - embedRms) > 10 * embedRms * 1e-4, `${kind}: 'none' is not rescaled`);
    });
    scaled.dispose();
    raw.dispose();
  }
});
