// The benchmark runner: registry errors, and a quick transformer step whose numbers are checked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBenchmarks, selectBenchmarks, type Benchmark } from '../../bench/registry.ts';
import { NATIVE_ADDON } from '../../src/backend/wasm/native.ts';
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

test('a quick transformer step on wasm, on 1 thread and on 2, reports step times and the same loss of an untrained model', () => {
  const r = bench(['transformer-step', '--quick', '--backends=wasm']);
  assert.equal(r.status, 0, r.stderr);
  const rows = [...r.stdout.matchAll(/^tfjs wasm, (\d) threads?, (\w+) kernels\s+(\d+)\s+\d+\s+(\d+)\s+([\d.]+)/gm)];
  const engines = existsSync(NATIVE_ADDON) && process.env.VADAPTER_NATIVE !== 'off' ? ['native', 'wasm'] : ['wasm'];
  assert.deepEqual(rows.map((m) => `${m[1]} ${m[2]}`).sort(), engines.flatMap((e) => [`1 ${e}`, `2 ${e}`]).sort(), r.stdout);
  for (const [row, , , ms, steps, firstLoss] of rows) {
    assert.ok(Number(ms) > 0 && Number(steps) === 1, row);
    assert.ok(Math.abs(Number(firstLoss) - Math.log(1024)) < 0.1, `first loss ${firstLoss} should be near ln(vocab) = 6.93`);
    assert.equal(firstLoss, rows[0][5], 'every engine and thread count starts from the same loss');
  }
  assert.match(r.stdout, /wasm with wasm kernels, 2 threads against 1: [\d.]+x the speed/);
  if (engines.length === 2) assert.match(r.stdout, /wasm on 1 thread, native kernels against wasm kernels: [\d.]+x the speed/);
  assert.match(r.stdout, /BatchMatMul\s+\d+\s+[\d.]+\s+[\d.]+%/); // the per-kernel profile
  assert.match(r.stdout, /torch [\d.a-z+]+, 1 thread \(|torch: not available/);
});
