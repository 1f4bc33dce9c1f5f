// Damaged Arrow shards: 300 seeded mutations of small real shards (byte flips, truncations, length
// fields set huge, zeroed regions) each end with a UserError naming the shard: from the structure
// check (bounded memory, before apache-arrow decodes anything), or from the sha256 check when the
// structure is still valid (damaged image or caption bytes). A few run through `vadapter data
// inspect` in a child with a 256 MB heap: exit 2, one message, no stack trace, within seconds.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { Dataset } from '../../src/data/dataset.ts';
import { inspectDataset } from '../../src/data/inspect.ts';
import { checkShardStructure } from '../../src/data/shard-check.ts';
import { writeDataset } from '../../src/data/writer.ts';
import { UserError } from '../../src/util/errors.ts';
import { Rng } from '../../src/util/rng.ts';
import { solidImage, tempDir } from '../data/helpers.ts';

const BIN = new URL('../../bin/vadapter.js', import.meta.url).pathname;
const MUTANTS = 300;
const tmp = tempDir('vadapter-shard-fuzz-');
after(() => tmp.cleanup());

interface Pristine {
  dir: string;
  shard: string;
  bytes: Buffer;
  /** [start, end) of the footer and of each message's metadata flatbuffer. */
  metadata: [number, number][];
  /** Byte offsets of each record batch block's bodyLength field in the footer. */
  bodyLengthFields: number[];
}

/** Where the flatbuffers lie: messages start with the continuation marker and their length; the footer sits before the last 10 bytes. */
function locate(bytes: Buffer): Pick<Pristine, 'metadata' | 'bodyLengthFields'> {
  const footerLength = bytes.readInt32LE(bytes.length - 10);
  const footerStart = bytes.length - 10 - footerLength;
  const metadata: [number, number][] = [[footerStart, footerStart + footerLength]];
  const bodyLengthFields: number[] = [];
  for (let p = 8; p + 8 <= footerStart; p += 8) {
    if (bytes.readUInt32LE(p) !== 0xffffffff) continue;
    const length = bytes.readInt32LE(p + 4);
    if (length < 16 || length % 8 !== 0 || p + 8 + length > footerStart) continue;
    metadata.push([p + 8, p + 8 + length]);
    for (let f = footerStart; f + 24 <= footerStart + footerLength; f += 4) {
      if (bytes.readBigInt64LE(f) === BigInt(p) && bytes.readInt32LE(f + 8) === length + 8) bodyLengthFields.push(f + 16);
    }
  }
  return { metadata, bodyLengthFields };
}

async function pristine(name: string, kind: 'image-text' | 'caption-eval'): Promise<Pristine> {
  const dir = join(tmp.dir, 'pristine', name);
  const rows = [];
  for (let i = 0; i < 10; i++) {
    const image = await solidImage([(i * 37) % 256, 90, 200 - i], 'png', 8);
    rows.push(kind === 'image-text' ? { key: `r${i}`, image, caption: `caption ${i}` } : { key: `r${i}`, image, captions: [`a ${i}`, `b ${i}`, `c`] });
  }
  await writeDataset(dir, { kind, name, batchRows: 4 }, rows);
  const shard = join(dir, 'shard-00000.arrow');
  const bytes = readFileSync(shard);
  return { dir, shard, bytes, ...locate(bytes) };
}

/** A copy of the dataset with `bytes` as its shard. */
function damaged(p: Pristine, label: string, bytes: Uint8Array): { dir: string; shard: string } {
  const dir = join(tmp.dir, 'mutants', label);
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(p.dir, 'dataset.json'), join(dir, 'dataset.json'));
  const shard = join(dir, 'shard-00000.arrow');
  writeFileSync(shard, bytes);
  return { dir, shard };
}

type Kind = 'flip' | 'truncate' | 'huge' | 'zero';
const KINDS: Kind[] = ['flip', 'truncate', 'huge', 'zero'];

/** One seeded mutation of `p`'s shard, always different from it. */
function mutate(p: Pristine, kind: Kind, rng: Rng): Buffer {
  const b = Buffer.from(p.bytes);
  switch (kind) {
    case 'flip':
      for (let n = 1 + rng.int(4); n > 0; n--) b[rng.int(b.length)] ^= 1 + rng.int(255);
      return b;
    case 'truncate':
      return b.subarray(0, rng.int(b.length));
    case 'huge': {
      const [start, end] = p.metadata[rng.int(p.metadata.length)];
      const at = start + 4 * rng.int(Math.floor((end - start - 8) / 4));
      if (rng.int(2) === 0) b.writeInt32LE(0x7fffffff - rng.int(1000), at);
      else b.writeBigInt64LE(BigInt(2 ** 40 + rng.int(2 ** 30)) * 4096n, at);
      return b;
    }
    case 'zero': {
      const at = rng.int(b.length);
      b.fill(0, at, Math.min(b.length, at + 1 + rng.int(256)));
      return b;
    }
  }
}

/** The error `run` ends with, or undefined; anything but a UserError naming `shard` fails the test. */
async function userErrorOf(run: () => Promise<unknown>, shard: string, what: string): Promise<UserError | undefined> {
  try {
    await run();
    return undefined;
  } catch (err) {
    if (!(err instanceof UserError)) assert.fail(`${what}: not a UserError: ${(err as Error).stack}`);
    assert.ok(err.issues.every((i) => i.file === shard), `${what}: ${err.message}`);
    return err;
  }
}

async function structureError(shard: string, size: number): Promise<UserError | undefined> {
  const handle = await open(shard);
  try {
    return await userErrorOf(() => checkShardStructure(handle, size, shard), shard, 'structure check');
  } finally {
    await handle.close();
  }
}

/** Every row, trusting the content (verify 'never'): only the structure protects this read. */
async function readAll(dir: string): Promise<void> {
  const ds = await Dataset.open(dir, { verify: 'never' });
  try {
    for await (const row of ds.rows()) assert.equal(typeof row.key, 'string');
  } finally {
    await ds.close();
  }
}

test(`${MUTANTS} seeded mutations of real shards each end with a UserError naming the shard`, async () => {
  const sets = [await pristine('webli', 'image-text'), await pristine('coco', 'caption-eval')];
  const rng = new Rng(14);
  const counts: Record<string, number> = {};
  const count = (key: string) => (counts[key] = (counts[key] ?? 0) + 1);
  const started = Date.now();
  let slowest = 0;
  for (let i = 0; i < MUTANTS; i++) {
    const p = sets[i % sets.length];
    const kind = KINDS[Math.floor(i / sets.length) % KINDS.length];
    let bytes = mutate(p, kind, rng);
    while (bytes.equals(p.bytes)) bytes = mutate(p, kind, rng);
    const { dir, shard } = damaged(p, `m${i}`, bytes);
    const what = `mutant ${i} (${kind})`;
    const t0 = Date.now();
    const inspected = await userErrorOf(() => inspectDataset(dir), shard, what);
    assert.ok(inspected, `${what}: inspect found nothing wrong`);
    const structural = await structureError(shard, bytes.length);
    await userErrorOf(() => readAll(dir), shard, `${what}, read with verify never`);
    slowest = Math.max(slowest, Date.now() - t0);
    count(`${kind}: ${structural ? 'structure' : 'sha256 only'}`);
    count(`inspect: ${inspected.issues[0].code}`);
  }
  console.log(`shard fuzz: ${MUTANTS} mutants in ${Date.now() - started} ms (slowest ${slowest} ms)`, counts);
  assert.ok(slowest < 5000, `a mutant took ${slowest} ms`);
  assert.ok((counts['flip: sha256 only'] ?? 0) > 0, 'some flips leave the structure valid and are caught by the sha256 alone');
  assert.ok(process.memoryUsage().rss < 1024 * 2 ** 20, `rss ${process.memoryUsage().rss}`);
});

test('a huge record batch body length and a huge footer length are named with their offsets', async () => {
  const p = await pristine('huge', 'image-text');
  const body = Buffer.from(p.bytes);
  body.writeBigInt64LE(9_000_000_000_000n, p.bodyLengthFields[1]);
  const a = damaged(p, 'huge-body', body);
  await assert.rejects(inspectDataset(a.dir), (err: UserError) => {
    assert.match(err.message, /^.*shard-00000\.arrow: record batch 1 body at offset \d+ \(length 9000000000000\) runs past the end of the \d+-byte file's data/);
    return true;
  });
  const footer = Buffer.from(p.bytes);
  footer.writeInt32LE(0x7fffffff, footer.length - 10);
  const b = damaged(p, 'huge-footer', footer);
  await assert.rejects(inspectDataset(b.dir), new RegExp(`shard-00000\\.arrow: footer length 2147483647 \\(at offset ${footer.length - 10}\\) does not fit in the ${footer.length}-byte file`));
});

test('a flipped byte inside an image leaves the structure valid and is caught by the sha256', async () => {
  const p = await pristine('image-flip', 'image-text');
  const png = p.bytes.indexOf(Buffer.from('IDAT'));
  const bytes = Buffer.from(p.bytes);
  bytes[png + 8] ^= 0x01;
  const { dir, shard } = damaged(p, 'image-flip', bytes);
  assert.equal(await structureError(shard, bytes.length), undefined);
  await assert.rejects(inspectDataset(dir), /shard-00000\.arrow: sha256 does not match the manifest's [0-9a-f]{64}: the file's is [0-9a-f]{64}/);
});

test('vadapter data inspect on damaged shards: exit 2, one line naming the shard, no stack, bounded heap and time', async () => {
  const p = await pristine('cli', 'image-text');
  const rng = new Rng(2);
  const cases: [string, Buffer][] = [['flip', mutate(p, 'flip', rng)], ['truncate', mutate(p, 'truncate', rng)], ['zero', mutate(p, 'zero', rng)]];
  const body = Buffer.from(p.bytes);
  body.writeBigInt64LE(9_000_000_000_000n, p.bodyLengthFields[0]);
  cases.push(['huge body', body]);
  for (const [label, bytes] of cases) {
    const { dir, shard } = damaged(p, `cli-${label}`, bytes);
    const t0 = Date.now();
    const r = spawnSync(process.execPath, ['--max-old-space-size=256', BIN, 'data', 'inspect', dir], { encoding: 'utf8', timeout: 30_000 });
    const seconds = (Date.now() - t0) / 1000;
    assert.equal(r.status, 2, `${label}: ${r.stderr}`);
    assert.ok(r.stderr.startsWith(`✖ ${shard}: `), `${label}: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /\n\s+at /, `${label}: a stack trace`);
    assert.ok(seconds < 20, `${label}: ${seconds} s`);
  }
});
