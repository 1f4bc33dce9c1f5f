// The benchmark runner: registry errors, and a quick transformer step whose numbers are checked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBenchmarks, selectBenchmarks, type Benchmark } from '../../bench/registry.ts';
import { UserError } from '../../src/util/errors.ts';

const RUN = new URL('../../bench/run.ts', import.meta.url).pathname;

function bench(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', RUN, ...args], { encoding: 'utf8' });
}

function benchFile(dir: string, file: string, name: string): void {
  writeFileSync(join(dir, file), `export const benchmark = { name: '${name}', description: 'd', run: async () => {} };\n`);
}

test('two benchmarks with one name are an error naming both files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-'));
  benchFile(dir, 'a.bench.ts', 'same');
  benchFile(dir, 'b.bench.ts', 'same');
  await assert.rejects(loadBenchmarks(dir), /benchmark name "same" is used by a\.bench\.ts and b\.bench\.ts/);
});

test('an unknown benchmark name is a user error with the known names and a suggestion', () => {
  const all = new Map<string, Benchmark>([['matmul', { name: 'matmul', description: '', run: async () => {} }]]);
  assert.throws(() => selectBenchmarks(all, ['matmull']), (err: unknown) => {
    assert.ok(err instanceof UserError);
    assert.match(err.message, /unknown benchmark "matmull" \(did you mean "matmul"\?\); known: matmul/);
    return true;
  });
  assert.deepEqual(selectBenchmarks(all, []).map((b) => b.name), ['matmul']);
});

test('npm run bench with an unknown name exits 2 and lists the benchmarks', () => {
  const r = bench(['transformer-stepp']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /✖ unknown benchmark "transformer-stepp" \(did you mean "transformer-step"\?\); known: .*matmul.*transformer-step/);
});

test('a quick transformer step on wasm reports a step time and the loss of an untrained model', () => {
  const r = bench(['transformer-step', '--quick', '--backends=wasm']);
  assert.equal(r.status, 0, r.stderr);
  const row = r.stdout.split('\n').find((line) => line.startsWith('tfjs wasm '));
  assert.ok(row, r.stdout);
  const [ms, , steps, firstLoss] = row.replace('tfjs wasm', '').trim().split(/\s+/).map(Number);
  assert.ok(ms > 0 && steps === 1);
  assert.ok(Math.abs(firstLoss - Math.log(1024)) < 0.1, `first loss ${firstLoss} should be near ln(vocab) = 6.93`);
  assert.match(r.stdout, /BatchMatMul\s+\d+\s+[\d.]+\s+[\d.]+%/); // the per-kernel profile
  assert.match(r.stdout, /torch [\d.a-z+]+ \(|torch: not available/);
});
