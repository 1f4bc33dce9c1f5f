// Benchmarks by name. Each bench/<file>.bench.ts exports `benchmark: Benchmark`; `npm run bench`
// runs them all, `npm run bench -- NAME...` the named ones (docs/benchmarks.md).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BackendName } from '../src/backend/index.ts';
import { unknownNameMessage, userError } from '../src/util/errors.ts';

export interface BenchContext {
  /** --quick: the fewest repetitions that still exercise everything (smoke tests, CI). */
  quick: boolean;
  /** Tensor backends available here, in `auto` order (narrowed by --backends=a,b). */
  backends: BackendName[];
  /** Whether --backends named them: a benchmark may leave out slow backends unless asked for. */
  backendsNamed: boolean;
  /** Print a line of the report. */
  log(line?: string): void;
}

export interface Benchmark {
  name: string;
  description: string;
  run(ctx: BenchContext): Promise<void>;
}

/** Every benchmark in `dir`, by name; two with one name is an error naming both files. */
export async function loadBenchmarks(dir: string): Promise<Map<string, Benchmark>> {
  const found = new Map<string, { bench: Benchmark; file: string }>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).sort()) {
    const mod = (await import(pathToFileURL(join(dir, file)).href)) as { benchmark?: Benchmark };
    if (!mod.benchmark) throw new Error(`${file} exports no \`benchmark\``);
    const twin = found.get(mod.benchmark.name);
    if (twin) throw new Error(`benchmark name "${mod.benchmark.name}" is used by ${twin.file} and ${file}`);
    found.set(mod.benchmark.name, { bench: mod.benchmark, file });
  }
  return new Map([...found].map(([name, { bench }]) => [name, bench]));
}

/** The benchmarks `names` asks for (all when empty); an unknown name is a user error listing the known ones. */
export function selectBenchmarks(all: Map<string, Benchmark>, names: string[]): Benchmark[] {
  if (names.length === 0) return [...all.values()];
  return names.map((name) => {
    const bench = all.get(name);
    if (bench) return bench;
    throw userError('unknown_benchmark', unknownNameMessage(`unknown benchmark "${name}"`, name, [...all.keys()]));
  });
}
