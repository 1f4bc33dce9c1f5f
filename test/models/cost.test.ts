import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend/index.ts';
import { ASSEMBLY_KINDS, resolveAssembly, type AssemblyConfigs } from '../../src/models/assembly-config.ts';
import { initAssembly } from '../../src/models/assembly.ts';
import { resolveComponent } from '../../src/models/config.ts';
import { assemblyCosts, vitCost } from '../../src/models/cost.ts';
import { countParams } from '../../src/models/params.ts';
import { buildPresetRegistry, findPreset, VIT_PRESETS } from '../../src/models/presets.ts';
import { summarizeByName } from '../../src/models/summary.ts';
import { TINY_POOLER_ADAPTER, captionBatch, captionTextBatch, frames, tinyConfigs } from './fixtures.ts';
import { clipLoss } from '../../src/models/contrastive.ts';
import { captionLoss } from '../../src/models/vlm.ts';
import { isVlmConfigs } from '../../src/eval/decode/step-model.ts';
import { lmForward, lmLogits } from '../../src/models/lm.ts';
import { weights } from '../../src/models/params.ts';

await initBackend('cpu');

/** Every assembly kind, and the VAdapter with a pooler in front of the TLM (Table 4). */
const VARIANTS: [string, AssemblyConfigs][] = [...ASSEMBLY_KINDS.map((k): [string, AssemblyConfigs] => [k, tinyConfigs(k)]), ['vadapter+pooler', resolveAssembly('vadapter', TINY_POOLER_ADAPTER)]];

test('vit-b and vit-l land on the published encoder sizes, palm2-tiny on ~108M, vit-g on ~1B', () => {
  const params = (name: string) => summarizeByName(name).params;
  assert.equal(params('vit-b'), 85_999_872); // published ViT-B: 86M
  assert.equal(params('vit-l'), 303_569_920); // published ViT-L: 303M
  assert.ok(Math.abs(params('palm2-tiny') / 108e6 - 1) < 0.02, `palm2-tiny ${params('palm2-tiny')}`);
  assert.ok(Math.abs(params('vit-g') / 1.01e9 - 1) < 0.02, `vit-g ${params('vit-g')}`);
});

test('analytic parameter counts equal the initialised parameters, component by component, for every assembly', () => {
  for (const [kind, configs] of VARIANTS) {
    const { params, components } = initAssembly(configs, 0);
    const costs = assemblyCosts(configs, { frames: 2, promptTokens: 4, captionTokens: 6 });
    assert.deepEqual(Object.keys(costs).sort(), Object.keys(components).sort(), kind);
    for (const [name, names] of Object.entries(components)) assert.equal(costs[name].params, countParams(params, names), `${kind}.${name}`);
    tf.dispose([...params.values()]);
  }
});

test('ViT forward FLOPs agree with a hand count (vit-tiny, one frame)', () => {
  // vit-tiny: 32 px, patch 8 -> S = 16 tokens, width d = 64, 2 layers, 4 heads, MLP 128. 2 FLOPs per multiply-add.
  //   patch embedding  2 * S * (8*8*3) * d          = 2*16*192*64        =   393,216
  //   per layer: q,k,v,o 4 * 2 * S * d * d         = 4*2*16*64*64       =   524,288
  //              scores  2 * S * S * d (all heads)  = 2*16*16*64         =    32,768
  //              probs x values, the same          =                        32,768
  //              MLP     2 * 2 * S * d * 128        = 2*2*16*64*128      =   524,288
  //              layer total                                             = 1,114,112
  //   total = 393,216 + 2 * 1,114,112                                    = 2,621,440
  const cost = vitCost(resolveComponent('vit', { preset: 'vit-tiny' }), 1);
  assert.equal(cost.flops, 2_621_440);
  assert.equal(vitCost(resolveComponent('vit', { preset: 'vit-tiny' }), 8).flops, 8 * 2_621_440);
});

/** FLOPs of every matmul the backend actually ran: 2 x (elements of A) x (columns of the output). */
async function profiledMatmulFlops(run: () => tf.Tensor): Promise<number> {
  const info = await tf.profile(() => tf.tidy(run));
  return info.kernels
    .filter((k) => k.name === 'BatchMatMul' || k.name === '_FusedMatMul')
    .reduce((n, k) => n + 2 * k.inputShapes[0].reduce((a, b) => a * b, 1) * k.outputShapes[0][k.outputShapes[0].length - 1], 0);
}

function perExampleFlops(c: AssemblyConfigs, shape: { frames: number; promptTokens: number; captionTokens: number }): number {
  return Object.values(assemblyCosts(c, shape)).reduce((n, x) => n + x.flops, 0);
}

test('forward FLOPs per example equal the matmul FLOPs the backend runs, for every assembly', async () => {
  const caption = captionBatch(2);
  for (const [kind, c] of VARIANTS) {
    if (!isVlmConfigs(c)) continue;
    const { params } = initAssembly(c, 0);
    const measured = await profiledMatmulFlops(() => captionLoss(params, c, caption));
    assert.equal(measured, 2 * perExampleFlops(c, { frames: 2, promptTokens: 4, captionTokens: 6 }), kind);
    tf.dispose([...params.values()]);
  }
  const lm = tinyConfigs('lm');
  const lmParams = initAssembly(lm, 0).params;
  const text = captionTextBatch();
  const measuredLm = await profiledMatmulFlops(() => lmLogits(weights(lmParams, 'lm'), lmForward(weights(lmParams, 'lm'), lm.lm, { ids: tf.slice(text.ids, [0, 0], [2, 5]) }).hidden));
  assert.equal(measuredLm, 2 * perExampleFlops(lm, { frames: 0, promptTokens: 0, captionTokens: 6 }));
  const clip = tinyConfigs('contrastive');
  const clipParams = initAssembly(clip, 0).params;
  const measuredClip = await profiledMatmulFlops(() => clipLoss(clipParams, clip, { frames: frames(2, 2, 16, 3), textIds: text.ids, textMask: text.mask }));
  const pairScores = 2 * 2 * 2 * clip.embedDim; // the [B, B] similarity matrix, not a per-example cost
  assert.equal(measuredClip, 2 * perExampleFlops(clip, { frames: 2, promptTokens: 0, captionTokens: 6 }) + pairScores);
});

test('an unknown preset lists the known ones with a suggestion; a name registered twice is an error', () => {
  assert.throws(() => findPreset('vit-bb', 'vit'), /unknown vit preset "vit-bb" \(did you mean "vit-b"\?\); known: vit-tiny, vit-small, vit-b, vit-l, vit-g/);
  assert.throws(() => findPreset('vit-b', 'lm'), /unknown lm preset "vit-b"; known: lm-tiny, lm-small, palm2-tiny, lm-1b/);
  assert.throws(() => buildPresetRegistry([VIT_PRESETS, { 'vit-b': VIT_PRESETS['vit-tiny'] }]), /model preset "vit-b" registered twice/);
});

test('a config override must name a known field and keep the rules (did-you-mean, divisibility)', () => {
  assert.throws(() => resolveComponent('lm', { preset: 'lm-tiny', hedas: 3 }, {}, ['models', 'tlm']), /models\.tlm\.hedas: unknown key "hedas" \(did you mean "heads"\?\)/);
  assert.throws(() => resolveComponent('lm', { preset: 'lm-tiny', kvHeads: 3 }, {}, ['models', 'tlm']), /models\.tlm\.kvHeads: heads must be a multiple of kvHeads/);
  assert.throws(() => resolveComponent('vit', { preset: 'vit-tiny', patch: 7 }), /vit\.patch: image must be a multiple of patch/);
  assert.deepEqual(resolveComponent('lm', { preset: 'lm-tiny', layers: 3 }).layers, 3);
});
