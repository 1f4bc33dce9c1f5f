// Damaged checkpoints between runs: a stage's final checkpoint truncated, then (in another copy)
// one bit flipped. The re-run must notice (size or sha256 not as recorded), say which checkpoint it
// skipped, resume from the intact one before it instead of reusing the damaged output, and end with
// the same checkpoints, byte for byte, as the run nobody touched. And a disk that fills up while a
// checkpoint is written leaves the previous checkpoint intact and says so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, readdirSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { basename, join } from 'node:path';
import { checkpointDamage, checkpointDigest, sha256FileSync } from '../../src/ckpt/digest.ts';
import { BIN, ENV, finished, query, runJson, tempDir, vadapter, writeSpec } from '../exec/helpers.ts';

const STAGES = `  base: { kind: linreg, steps: 12, every: 4 }
  tune: { kind: linreg, steps: 4, every: 2, init: base }
`;

interface Checkpoint {
  name: string;
  step: number;
  path: string;
  files: string;
  sha256: string;
  bytes: number;
}

/** Every live checkpoint of the run's outputs, by stage name and step. */
function checkpoints(root: string): Checkpoint[] {
  return query<Checkpoint>(root, `SELECT DISTINCT s.name, c.step, c.path, c.files, c.sha256, c.bytes FROM checkpoints c
    JOIN stages s ON s.fingerprint = c.fingerprint WHERE c.deleted_at IS NULL ORDER BY s.name, c.step`);
}

function finalOf(root: string, stage: string): Checkpoint {
  return checkpoints(root).filter((c) => c.name === stage).at(-1)!;
}

/** Each checkpoint's files as bytes: what "identical" means. */
function contents(root: string): Record<string, Record<string, string>> {
  return Object.fromEntries(checkpoints(root).map((c) => [
    `${c.name}@${c.step}`,
    Object.fromEntries((JSON.parse(c.files) as string[]).map((f) => [f, readFileSync(join(root, c.path, f)).toString('hex')])),
  ]));
}

let referenceRun: Promise<{ dir: string; spec: string; root: string }> | undefined;

/** The untouched run (once, shared by the tests; each works on its own copy or root). */
function reference(): Promise<{ dir: string; spec: string; root: string }> {
  referenceRun ??= runReference();
  return referenceRun;
}

async function runReference(): Promise<{ dir: string; spec: string; root: string }> {
  const dir = tempDir();
  const spec = writeSpec(dir, STAGES);
  const root = join(dir, 'reference');
  const straight = await runJson(spec, root);
  assert.equal(straight.result.code, 0, straight.result.stderr);
  return { dir, spec, root };
}

/** Damage base's final checkpoint in a copy of the reference root, re-run, and check the outcome. */
async function damageAndRerun(what: string, damage: (file: string) => void, reason: (c: Checkpoint, dir: string) => string): Promise<void> {
  const ref = await reference();
  const root = join(ref.dir, what);
  cpSync(ref.root, root, { recursive: true });
  const last = finalOf(root, 'base');
  damage(join(root, last.path, 'model.safetensors'));
  const expected = `skipping checkpoint ${basename(last.path)} (${reason(last, join(root, last.path))}); resuming from step-00000008`;

  const plan = JSON.parse((await vadapter(['plan', ref.spec, '--root', root, '--json'])).stdout);
  const [base, tune] = plan.trials[0].stages;
  assert.equal(base.action, 'resume', 'a damaged output is not reused');
  assert.equal(base.resumeFrom.step, 8);
  assert.deepEqual(base.reasons, [expected]);
  assert.equal(tune.action, 'cached', 'the stage that used the intact checkpoint stays valid');

  const again = await runJson(ref.spec, root);
  assert.equal(again.result.code, 0, again.result.stderr);
  assert.ok(again.result.stderr.includes(`! stage base: ${expected}\n`), again.result.stderr);
  assert.deepEqual(again.statuses, { '0/base': 'done', '0/tune': 'cached' });
  const log = readFileSync(join(root, again.summary.runId, 'logs', 't0.base.log'), 'utf8');
  assert.match(log, /resuming after step 8\n/);
  assert.deepEqual(contents(root), contents(ref.root), 'every checkpoint byte-identical to the untouched run');
  assert.deepEqual(checkpoints(root), checkpoints(ref.root), 'and recorded with the same sha256');

  const third = await runJson(ref.spec, root);
  assert.deepEqual(third.statuses, { '0/base': 'cached', '0/tune': 'cached' }, 'repaired, it is reused again');
}

test('a truncated final checkpoint is skipped: the re-run resumes from the one before and ends identical', async () => {
  await damageAndRerun('truncated', (file) => truncateSync(file, 30), (c, dir) => {
    const found = (JSON.parse(c.files) as string[]).reduce((n, f) => n + statSync(join(dir, f)).size, 0);
    return `size mismatch: recorded ${c.bytes} bytes, found ${found}`;
  });
});

test('a bit flipped in a final checkpoint is skipped: the re-run resumes from the one before and ends identical', async () => {
  await damageAndRerun('flipped', (file) => {
    const bytes = readFileSync(file);
    bytes[bytes.length - 3] ^= 0x10; // inside the weights: the file still parses, only its sha256 tells
    writeFileSync(file, bytes);
  }, (c, dir) => {
    const found = checkpointDigest(Object.fromEntries((JSON.parse(c.files) as string[]).map((f) => [f, sha256FileSync(join(dir, f))])));
    return `sha256 mismatch: recorded ${c.sha256.slice(0, 12)}.., found ${found.slice(0, 12)}..`;
  });
});

/** `vadapter run` with writes to paths containing `fault` failing as on a full disk. */
function runWithFullDisk(spec: string, root: string, fault: string) {
  return finished(spawn(process.execPath, [BIN, 'run', spec, '--root', root], { env: { ...ENV, VADAPTER_FAULT_ENOSPC: fault }, stdio: ['ignore', 'pipe', 'pipe'] }));
}

test('a disk full while writing a checkpoint leaves the previous one intact; the next run resumes from it and ends identical', async () => {
  const ref = await reference();
  const root = join(ref.dir, 'full');
  const full = await runWithFullDisk(ref.spec, root, 'step-00000008');
  assert.equal(full.code, 1, full.stderr);
  const previous = finalOf(root, 'base');
  assert.equal(previous.step, 4);
  const ckptDir = join(root, previous.path, '..');
  const target = join(ckptDir, 'step-00000008', 'model.safetensors');
  assert.ok(full.stdout.includes(`  writing ${target}: no space left on device (ENOSPC); the previous checkpoint ${join(root, previous.path)} is intact\n`), full.stdout);
  assert.deepEqual(readdirSync(ckptDir), ['step-00000004'], 'no partial checkpoint, no temporary directory');
  assert.equal(checkpointDamage(join(root, previous.path), { ...previous, files: JSON.parse(previous.files) as string[] }), null, 'the previous checkpoint is as recorded');
  assert.deepEqual(query(root, "SELECT name, status FROM stages ORDER BY id"), [{ name: 'base', status: 'failed' }, { name: 'tune', status: 'skipped' }]);

  const again = await runJson(ref.spec, root);
  assert.equal(again.result.code, 0, again.result.stderr);
  assert.deepEqual(again.statuses, { '0/base': 'done', '0/tune': 'done' });
  assert.deepEqual(contents(root), contents(ref.root), 'every checkpoint byte-identical to the uninterrupted run');
});

test('an unfinished stage whose last checkpoint is truncated resumes from the one before and ends identical', async () => {
  const ref = await reference();
  const root = join(ref.dir, 'unfinished');
  assert.equal((await runWithFullDisk(ref.spec, root, 'step-00000012')).code, 1, 'base stops after its checkpoint at step 8');
  const last = finalOf(root, 'base');
  assert.equal(last.step, 8);
  truncateSync(join(root, last.path, 'model.safetensors'), 30);
  const again = await runJson(ref.spec, root);
  assert.equal(again.result.code, 0, again.result.stderr);
  assert.match(again.result.stderr, /! stage base: skipping checkpoint step-00000008 \(size mismatch: recorded \d+ bytes, found \d+\); resuming from step-00000004\n/);
  assert.deepEqual(again.statuses, { '0/base': 'done', '0/tune': 'done' });
  assert.deepEqual(contents(root), contents(ref.root), 'every checkpoint byte-identical to the uninterrupted run');
});
