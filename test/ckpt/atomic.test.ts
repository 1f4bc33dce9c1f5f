import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setWriteFault, writeChunksAtomic, writeFileAtomic, type WriteFault } from '../../src/util/atomic.ts';
import { checkpointDamage } from '../../src/ckpt/digest.ts';
import { checkpointDirName, writeCheckpointDir } from '../../src/exec/checkpoint-dir.ts';
import { UserError } from '../../src/util/errors.ts';

/** A fault on the n-th write(2) from now (1-based), counted over every target. */
function nthWrite(n: number): WriteFault {
  let count = 0;
  return () => ++count === n;
}

function withFault<T>(fault: WriteFault, body: () => T): T {
  const previous = setWriteFault(fault);
  try {
    return body();
  } finally {
    setWriteFault(previous);
  }
}

test('a disk full in the middle of a write leaves the old file, no temporary file, and says what happened', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vadapter-atomic-'));
  const target = join(dir, 'a.bin');
  writeFileAtomic(target, 'old contents');
  const chunks = [new Uint8Array(100).fill(1), new Uint8Array(100).fill(2), new Uint8Array(100).fill(3)];
  assert.throws(
    () => withFault(nthWrite(2), () => writeChunksAtomic(target, chunks)),
    (err: unknown) => err instanceof UserError && err.message === `writing ${target}: no space left on device (ENOSPC)` && err.issues[0].code === 'write_failed',
  );
  assert.equal(readFileSync(target, 'utf8'), 'old contents');
  assert.deepEqual(readdirSync(dir), ['a.bin']);
  writeChunksAtomic(target, chunks); // the hook removed, the same write succeeds
  assert.equal(readFileSync(target).byteLength, 300);
});

test('other system errors (a file where a directory must be) name the target too', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vadapter-atomic-'));
  writeFileAtomic(join(dir, 'file'), 'x');
  assert.throws(() => writeFileAtomic(join(dir, 'file', 'below'), 'y'), (err: unknown) => err instanceof UserError && /^writing .*file\/below: file already exists \(EEXIST\)$/.test(err.message));
});

test('a checkpoint write that hits a full disk leaves the previous checkpoint intact and no partial directory', () => {
  const ckpt = join(mkdtempSync(join(tmpdir(), 'vadapter-atomic-')), 'ckpt');
  const files = (step: number) => ({ 'model.bin': new Uint8Array(64).fill(step), 'state.json': JSON.stringify({ step }) });
  const first = writeCheckpointDir(join(ckpt, checkpointDirName(4)), files(4));
  const target = join(ckpt, checkpointDirName(8));
  assert.throws(
    () => withFault((path) => path.endsWith('state.json'), () => writeCheckpointDir(target, files(8))),
    (err: unknown) => err instanceof UserError
      && err.message === `writing ${join(target, 'state.json')}: no space left on device (ENOSPC); the previous checkpoint ${first.dir} is intact`,
  );
  assert.deepEqual(readdirSync(ckpt), [checkpointDirName(4)]);
  assert.equal(checkpointDamage(first.dir, first), null);
});

test('the first checkpoint failing says that no earlier one exists', () => {
  const ckpt = join(mkdtempSync(join(tmpdir(), 'vadapter-atomic-')), 'ckpt');
  assert.throws(() => withFault(nthWrite(1), () => writeCheckpointDir(join(ckpt, checkpointDirName(1)), { a: 'x' })), /no space left on device \(ENOSPC\); no earlier checkpoint was written$/);
  assert.deepEqual(readdirSync(ckpt), []);
});

test('checkpointDamage tells a missing file, a size change and a changed byte apart', () => {
  const ckpt = mkdtempSync(join(tmpdir(), 'vadapter-atomic-'));
  const written = writeCheckpointDir(join(ckpt, checkpointDirName(3)), { 'a.bin': new Uint8Array(32).fill(7), 'b.json': '{}' });
  assert.equal(checkpointDamage(written.dir, written), null);
  writeFileSync(join(written.dir, 'a.bin'), new Uint8Array(32).fill(7).fill(6, 10, 11));
  assert.match(checkpointDamage(written.dir, written) ?? '', new RegExp(`^sha256 mismatch: recorded ${written.sha256.slice(0, 12)}\\.\\., found [0-9a-f]{12}\\.\\.$`));
  truncateSync(join(written.dir, 'a.bin'), 5);
  assert.equal(checkpointDamage(written.dir, written), `size mismatch: recorded ${written.bytes} bytes, found ${written.bytes - 27}`);
  rmSync(join(written.dir, 'b.json'));
  assert.equal(checkpointDamage(written.dir, written), 'b.json is missing');
  rmSync(written.dir, { recursive: true });
  assert.equal(checkpointDamage(written.dir, written), 'its directory is missing');
});
