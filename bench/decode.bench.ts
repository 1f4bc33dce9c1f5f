// Greedy decoding with the KV cache (frames and prompt run once, then one position a token)
// against full re-forwarding (frames, prompt and every generated token again for each new token),
// on a CPU-size VAdapter (vit-tiny, lm-tiny TLM, lm-small LLM), per available backend.
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/backend/index.ts';
import { formatTable } from '../src/cli/output.ts';
import type { StepModel } from '../src/eval/decode/step-model.ts';
import { decode, type Hypothesis } from '../src/eval/generate.ts';
import { vlmStepModel } from '../src/eval/decode/step-model.ts';
import { buildAssembly } from '../src/models/assembly.ts';
import { crossAttentionOf, resolveAssembly, type ConfigsOf } from '../src/models/assembly-config.ts';
import type { Params } from '../src/models/params.ts';
import { startDecoding, type PromptBatch, type VlmConfigs } from '../src/models/vlm.ts';
import { Rng } from '../src/util/rng.ts';
import type { Benchmark, BenchContext } from './registry.ts';
import { timeSteps } from './timing.ts';

const BATCH = 8;
const FRAMES = 8;
const TOKENS = 24;
const SLOW = ['cpu'];

function promptBatch(image: number): PromptBatch {
  const rng = new Rng(7);
  const frames = Float32Array.from({ length: BATCH * FRAMES * image * image * 3 }, () => rng.float());
  const ids = (row: number[]) => tf.tensor2d(Array.from({ length: BATCH }, () => row), [BATCH, row.length], 'int32');
  return { frames: tf.tensor(frames, [BATCH, FRAMES, image, image, 3]), beforeIds: ids([1, 10, 11, 12]), afterIds: ids([13]) };
}

/** The decoder without a cache: the state is the tokens so far, and each step runs everything again. */
function reforwarding(params: Params, configs: VlmConfigs, batch: PromptBatch): StepModel<tf.Tensor> {
  const step = (generated: tf.Tensor) => ({
    logits: startDecoding(params, configs, { ...batch, afterIds: tf.concat([batch.afterIds, generated], 1) }).logits, // [B, vocab]
    state: tf.clone(generated), // [B, n]
  });
  return {
    start: () => tf.tidy(() => step(tf.zeros([BATCH, 0], 'int32'))),
    next: (ids, generated) => tf.tidy(() => step(tf.concat([generated, tf.reshape(ids, [-1, 1])], 1))),
  };
}

async function run(ctx: BenchContext): Promise<void> {
  const configs = resolveAssembly('vadapter', { vit: { preset: 'vit-tiny' }, tlm: { preset: 'lm-tiny' }, llm: { preset: 'lm-small' }, resampler: { preset: 'resampler-1layer-tiny' } }) as ConfigsOf<'vadapter'>;
  ctx.log(`VAdapter vit-tiny / lm-tiny / lm-small, batch ${BATCH}, ${FRAMES} frames, prompt 4 + ${crossAttentionOf(configs).config.queries} visual + 1 tokens, ${TOKENS} tokens greedy\n`);
  const rows: string[][] = [];
  for (const backend of ctx.backends.filter((b) => ctx.backendsNamed || !SLOW.includes(b))) {
    await initBackend(backend);
    const a = buildAssembly(configs, 0);
    const batch = promptBatch(configs.vit.image);
    const o = { method: 'greedy' as const, maxTokens: TOKENS, stopIds: [] };
    const cases: [string, () => Promise<Hypothesis[]>][] = [
      ['KV cache', () => decode(vlmStepModel(a.params, configs, batch), o)],
      ['full re-forwarding', () => decode(reforwarding(a.params, configs, batch), o)],
    ];
    const tokens = async (i: number) => (await cases[i][1]()).map((h) => h.ids.join()).join();
    const same = (await tokens(0)) === (await tokens(1));
    const times = [];
    for (const [label, f] of cases) {
      const t = await timeSteps(f, ctx.quick ? { warmup: 0, minSteps: 1, minSeconds: 0 } : { warmup: 1, minSteps: 3, minSeconds: 3 });
      times.push(t.medianMs);
      rows.push([backend, label, t.medianMs.toFixed(0), ((BATCH * TOKENS) / (t.medianMs / 1000)).toFixed(0), `${(t.medianMs / times[0]).toFixed(2)}x`, same ? 'yes' : 'NO']);
    }
    tf.dispose(Object.values(batch));
    a.dispose();
  }
  ctx.log(formatTable(['backend', 'decoder', 'ms (median)', 'tokens/s', 'time vs cache', 'same tokens'], rows));
}

export const benchmark: Benchmark = {
  name: 'decode',
  description: 'greedy decoding tokens/s with the KV cache vs full re-forwarding (CPU-size VAdapter, batch 8, 24 tokens)',
  run,
};
