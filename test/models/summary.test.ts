import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

const BIN = new URL('../../bin/vadapter.js', import.meta.url).pathname;
const vadapter = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });

test('model summary --json of the paper-scale VAdapter: totals add up, ViT and LLM frozen, TLM embedding untrained', () => {
  const r = vadapter(['model', 'summary', 'vadapter', '--vit', 'vit-b', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(s.components), ['vit', 'fc_in', 'resampler', 'tlm', 'fc_out', 'llm']);
  assert.equal(s.components.vit.params, 85_999_872);
  assert.equal(s.components.vit.trainable, 0);
  assert.equal(s.components.llm.trainable, 0);
  assert.equal(s.components.tlm.params - s.components.tlm.trainable, 32000 * 768);
  assert.equal(s.params, Object.values(s.components).reduce((n: number, c) => n + (c as { params: number }).params, 0));
  assert.equal(s.frozen, s.params - s.trainable);
  assert.ok(s.flopsPerExample > s.components.vit.flops && s.activationsPerExample > 0);
});

test("model summary of Table 4's pooler arm: vadapter --pooler puts the pooler, and no resampler or fc_in, in front of the TLM", () => {
  const r = vadapter(['model', 'summary', 'vadapter', '--pooler', 'pooler', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(s.components), ['vit', 'pooler', 'tlm', 'fc_out', 'llm']);
  assert.equal(s.components.pooler.params, 2_413_056); // the stage-1 pooler's size over vit-b / palm2-tiny (docs/models.md)
  assert.equal(s.components.pooler.trainable, s.components.pooler.params);
});

test('model summary of a preset prints a table; an unknown name suggests the closest', () => {
  const r = vadapter(['model', 'summary', 'vit-l']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /vit\s+303\.57M\s+303\.57M/);
  const bad = vadapter(['model', 'summary', 'palm2-tiyn']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /✖ unknown model "palm2-tiyn" \(did you mean "palm2-tiny"\?\); known: lm, contrastive/);
});
