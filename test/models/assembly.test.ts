import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend/index.ts';
import { buildAssembly, type Assembly, type BatchOf } from '../../src/models/assembly.ts';
import { visualTokens } from '../../src/models/vlm.ts';
import { AdamW, adamwSchema } from '../../src/train/adamw.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadComponent, saveParams } from '../../src/ckpt/params.ts';
import { readSafetensors } from '../../src/ckpt/safetensors.ts';
import { type AssemblyKind, type ConfigsOf, resolveAssembly } from '../../src/models/assembly-config.ts';
import { TINY, captionBatch, captionTextBatch, frames, tinyConfigs } from './fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'vadapter-assembly-'));

const VLM_KINDS = ['captioner', 'vadapter', 'perceiver'] as const;
/** Steps to a 10x fall: the captioner trains its own decoder; the others must steer a frozen LLM through visual tokens alone. */
const STEPS = { captioner: 60, vadapter: 150, perceiver: 150 };
const TRAINED: Record<(typeof VLM_KINDS)[number], string[]> = {
  captioner: ['pooler', 'tlm'],
  vadapter: ['fc_in', 'resampler', 'tlm', 'fc_out'],
  perceiver: ['fc_in', 'resampler', 'fc_out'],
};

function snapshot<K extends AssemblyKind>(a: Assembly<K>, names: string[]): Map<string, Float32Array> {
  return new Map(names.map((n) => [n, a.params.get(n)!.dataSync() as Float32Array]));
}

/** tf.variableGrads over the named parameters, keyed by parameter name (it keys by variable name). */
function gradsByName<K extends AssemblyKind>(a: Assembly<K>, names: string[], loss: () => tf.Scalar) {
  const paramName = new Map(names.map((n) => [a.params.get(n)!.name, n]));
  const { value, grads } = tf.variableGrads(loss, names.map((n) => a.params.get(n)!));
  return { value, grads: new Map(Object.entries(grads).map(([v, g]) => [paramName.get(v)!, g])) };
}

/** Train the assembly's trainable parameters on one batch; returns [first loss, last loss]. */
function overfit<K extends AssemblyKind>(a: Assembly<K>, batch: BatchOf[K], steps: number, lr: number): [number, number] {
  const trainable = new Map(a.trainable.map((n) => [n, a.params.get(n)!]));
  const opt = new AdamW(adamwSchema.parse({ weightDecay: 0 }), trainable);
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    const { value, grads } = gradsByName(a, a.trainable, () => a.loss(batch));
    losses.push(value.dataSync()[0]);
    opt.apply(trainable, grads, lr);
    tf.dispose([value, ...grads.values()]);
  }
  opt.dispose();
  return [losses[0], losses[losses.length - 1]];
}

/** Stage 0 in miniature: the LLM learns the captions as text, and is saved as a checkpoint. */
async function pretrainedLlm(backend: string): Promise<string> {
  const lm = buildAssembly(resolveAssembly('lm', { lm: TINY.llm }) as ConfigsOf<'lm'>, 7);
  overfit(lm, captionTextBatch(), 60, 1e-2);
  const path = join(dir, `llm-${backend}.safetensors`);
  await saveParams(path, lm.params, { lm: lm.configs.lm });
  lm.dispose();
  return path;
}

for (const backend of ['cpu', 'wasm'] as const) {
  let llmCheckpoint: Promise<string> | undefined;
  for (const kind of VLM_KINDS) {
    test(`${backend}: ${kind}: an image (1 frame x 8) and an 8-frame clip give visual tokens of the decoder's width`, async () => {
      await initBackend(backend);
      const a = buildAssembly(tinyConfigs(kind), 0);
      const decoderWidth = kind === 'captioner' ? 32 : 48;
      for (const image of [true, false]) {
        const v = tf.tidy(() => visualTokens(a.params, a.configs, frames(3, 8, 16, 5, image)));
        assert.deepEqual(v.shape, [3, 4, decoderWidth]);
        assert.ok(v.dataSync().every(Number.isFinite));
        v.dispose();
      }
      a.dispose();
    });

    test(`${backend}: ${kind}: gradients reach exactly the trainable parameters, frozen ones never move, the loss falls 10x`, async (t) => {
      await initBackend(backend);
      const a = buildAssembly(tinyConfigs(kind), 0);
      const components = Object.keys(a.components).filter((c) => TRAINED[kind].includes(c));
      assert.deepEqual(components, TRAINED[kind].filter((c) => c in a.components));
      const expected = components.flatMap((c) => a.components[c]).filter((n) => !(kind === 'vadapter' && n === 'tlm.embed.weight'));
      assert.deepEqual([...a.trainable].sort(), expected.sort());
      const { value, grads } = gradsByName(a, a.trainable, () => a.loss(captionBatch(8)));
      assert.deepEqual([...grads.keys()].sort(), [...a.trainable].sort());
      for (const [name, g] of grads) assert.ok(tf.max(tf.abs(g)).dataSync()[0] > 0, `${name} gets a nonzero gradient`);
      tf.dispose([value, ...grads.values()]);

      if (a.configs.kind !== 'captioner') {
        const path = await (llmCheckpoint ??= pretrainedLlm(backend));
        loadComponent(a.params, readSafetensors(path), path, { component: 'llm', from: 'lm', config: a.configs.llm });
      }
      const frozenNames = [...a.params.keys()].filter((n) => !a.trainable.includes(n));
      const before = snapshot(a, frozenNames);
      const trainableBefore = snapshot(a, a.trainable);
      const [first, last] = overfit(a, captionBatch(2), STEPS[kind], 1e-2);
      t.diagnostic(`loss ${first.toFixed(3)} -> ${last.toFixed(3)} in ${STEPS[kind]} steps`);
      assert.ok(last < first / 10, `loss ${first.toFixed(3)} -> ${last.toFixed(3)} falls 10x`);
      for (const [name, values] of before) assert.deepEqual(a.params.get(name)!.dataSync(), values, `${name} is frozen`);
      for (const [name, values] of trainableBefore) assert.notDeepEqual(a.params.get(name)!.dataSync(), values, `${name} is trained`);
      a.dispose();
    });
  }
}
