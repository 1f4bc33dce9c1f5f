// `vadapter diagnose prefix` on a spec whose stages have not been run: a user error (exit 2) that
// names the stage, at its position in the spec, before anything heavy is loaded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/vadapter.js', import.meta.url));

function diagnose(args: string[]) {
  return spawnSync(process.execPath, [BIN, 'diagnose', 'prefix', ...args], { encoding: 'utf8', env: { ...process.env, VADAPTER_CODE_VERSION: 'test-code', VADAPTER_BACKEND: 'cpu' } });
}

test('diagnose prefix on a spec that has not been run exits 2 naming the stage; an unknown --llm is named too', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vadapter-diagnose-'));
  const spec = join(dir, 'diag.yaml');
  writeFileSync(spec, 'name: diag\ndata: { tokenizer: tokenizer.json, train: { webli: webli } }\nmodels:\n  llm: { preset: lm-tiny, vocab: 100, layers: 1 }\nstages:\n  llm: { kind: pretrain-lm, model: llm, steps: 1 }\n'); // data that does not exist: planned, never read
  const root = join(dir, 'runs');
  const notRun = diagnose([spec, '--root', root, '--limit', '4']);
  assert.equal(notRun.status, 2, notRun.stderr);
  assert.match(notRun.stderr, /diag\.yaml:6:\d+: stages\.llm: stage "llm" \(pretrain-lm, fingerprint [0-9a-f]{16}\) has not been run \(the frozen LLM\); run `vadapter run /);
  assert.equal(notRun.stdout, '');
  assert.ok(!existsSync(join(root, 'vadapter.db')), 'read-only: no database created');

  const unknown = diagnose([spec, '--root', root, '--llm', 'lmm', '--measure', 'oracle']);
  assert.equal(unknown.status, 2, unknown.stderr);
  assert.match(unknown.stderr, /no stage "lmm" in the spec \(did you mean "llm"\?\); stages: llm/);
});
