import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/vadapter.js', import.meta.url));

test('model summary --spec sizes a models: entry with its overrides, and names an unknown one', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vadapter-summary-'));
  const spec = join(dir, 'x.yaml');
  writeFileSync(spec, 'name: x\nmodels:\n  llm: { preset: lm-tiny, vocab: 100, layers: 1 }\nstages:\n  a: { kind: pretrain-lm, model: llm, steps: 1 }\n');
  const ok = spawnSync(process.execPath, [BIN, 'model', 'summary', 'llm', '--spec', spec, '--json'], { encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stderr);
  // lm-tiny with 1 layer: embedding 100x64 (tied) + layer (attn 4*64*64 + SwiGLU 3*64*192 + 2 RMSNorm gains 2*64) + final norm 64
  assert.equal(JSON.parse(ok.stdout).params, 100 * 64 + 4 * 64 * 64 + 3 * 64 * 192 + 2 * 64 + 64);
  const bad = spawnSync(process.execPath, [BIN, 'model', 'summary', 'lmm', '--spec', spec], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /no model "lmm" in models: \(did you mean "llm"\?\); defined: llm/);
});
