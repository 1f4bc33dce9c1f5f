import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { UserError } from '../../src/util/errors.ts';
import { checkpointConfigs } from '../../src/ckpt/layout.ts';
import { loadAllParams, loadComponent, saveParams } from '../../src/ckpt/params.ts';
import { readSafetensors } from '../../src/ckpt/safetensors.ts';
import { recordFromTensor, tensorFromRecord } from '../../src/ckpt/records.ts';

await tf.setBackend('cpu');
const dir = mkdtempSync(join(tmpdir(), 'vadapter-params-'));

function params(prefix: string, width: number, seed: number): Map<string, tf.Variable> {
  return new Map([
    [`${prefix}.embed.weight`, tf.variable(tf.randomNormal([5, width], 0, 1, 'float32', seed))],
    [`${prefix}.norm.scale`, tf.variable(tf.randomNormal([width], 0, 1, 'float32', seed + 1))],
  ]);
}

function same(a: Map<string, tf.Variable>, b: Map<string, tf.Variable>): boolean {
  return [...a].every(([n, v]) => Buffer.from(v.dataSync().buffer).equals(Buffer.from(b.get(n)!.dataSync().buffer)));
}

test('saved parameters load back bit-exactly, with the config in the metadata', async () => {
  const a = params('lm', 4, 1);
  const path = join(dir, 'a.safetensors');
  await saveParams(path, a, { lm: { width: 4, layers: 1 } }, { step: '7' });
  const meta = readSafetensors(path).metadata;
  assert.equal(meta.step, '7');
  assert.deepEqual(checkpointConfigs(meta), { lm: { layers: 1, width: 4 } });
  const b = params('lm', 4, 99);
  assert.ok(!same(a, b));
  loadAllParams(b, path);
  assert.ok(same(a, b));
});

test('loading into a model of another shape names both shapes and the differing config fields, and assigns nothing', async () => {
  const path = join(dir, 'b.safetensors');
  await saveParams(path, params('lm', 4, 1), { lm: { width: 4, layers: 1 } });
  const other = params('lm', 6, 2);
  const before = other.get('lm.norm.scale')!.dataSync().slice();
  assert.throws(() => loadAllParams(other, path, { lm: { width: 6, layers: 1 } }), (err: unknown) => {
    assert.ok(err instanceof UserError);
    assert.deepEqual(err.message.split('\n'), [
      `${path}: lm.embed.weight: checkpoint has shape [5, 4], the model expects [5, 6]`,
      `${path}: lm.norm.scale: checkpoint has shape [4], the model expects [6]`,
      `${path}: lm: config differs from the model's: width: checkpoint 4, model 6`,
    ]);
    return true;
  });
  assert.deepEqual(other.get('lm.norm.scale')!.dataSync(), before);
});

test('missing and unexpected tensors are each named', async () => {
  const path = join(dir, 'c.safetensors');
  const saved = params('lm', 4, 1);
  saved.delete('lm.norm.scale');
  saved.set('lm.extra.bias', tf.variable(tf.zeros([3])));
  await saveParams(path, saved, {});
  assert.throws(() => loadAllParams(params('lm', 4, 3), path), (err: unknown) => {
    assert.ok(err instanceof UserError);
    assert.deepEqual(err.issues.map((i) => [i.code, i.path?.[0]]), [
      ['checkpoint_missing_tensor', 'lm.norm.scale'],
      ['checkpoint_unexpected_tensor', 'lm.extra.bias'],
    ]);
    assert.match(err.message, /lm\.norm\.scale: missing from the checkpoint \(the model expects shape \[4\]\)/);
    return true;
  });
});

test('a component loads under another name (language-only LM -> the assembly\'s TLM), leaving other components alone', async () => {
  const path = join(dir, 'd.safetensors');
  const lm = params('lm', 4, 1);
  await saveParams(path, lm, { lm: { width: 4 } });
  const model = new Map([...params('tlm', 4, 5), ...params('llm', 4, 6)]);
  const llmBefore = model.get('llm.norm.scale')!.dataSync().slice();
  loadComponent(model, readSafetensors(path), path, { component: 'tlm', from: 'lm' });
  assert.deepEqual(model.get('tlm.embed.weight')!.dataSync(), lm.get('lm.embed.weight')!.dataSync());
  assert.deepEqual(model.get('llm.norm.scale')!.dataSync(), llmBefore);
  assert.throws(() => loadComponent(model, readSafetensors(path), path, { component: 'vit', from: 'vit' }), /holds no "vit\.\*" tensors/);
});

test('int32 and bool tensors round trip through records; an int64 value beyond int32 is refused by name', async () => {
  const ids = tf.tensor([[1, -2], [3, 2147483647]], [2, 2], 'int32');
  const back = tensorFromRecord(await recordFromTensor(ids), { file: 'f', name: 'ids' });
  assert.equal(back.dtype, 'int32');
  assert.deepEqual(back.arraySync(), ids.arraySync());
  const flags = tf.tensor([true, false, true], [3], 'bool');
  assert.deepEqual(tensorFromRecord(await recordFromTensor(flags), { file: 'f', name: 'm' }).arraySync(), [1, 0, 1]);
  const big = { dtype: 'I64' as const, shape: [1], data: new Uint8Array(new BigInt64Array([2n ** 40n]).buffer) };
  assert.throws(() => tensorFromRecord(big, { file: 'f', name: 'step' }), /f: step: value 1099511627776 at index 0 does not fit int32/);
});
