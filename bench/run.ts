// `npm run bench [-- [--quick] [--backends=wasm,cpu] [NAME...]]`: run benchmarks and print their tables.
import { fileURLToPath } from 'node:url';
import { BACKEND_NAMES, parseBackendRequest, probeAllBackends, type BackendName } from '../src/backend/index.ts';
import { reportError } from '../src/cli/errors.ts';
import { formatTable, printLine } from '../src/cli/output.ts';
import { userError } from '../src/util/errors.ts';
import { loadBenchmarks, selectBenchmarks, type BenchContext } from './registry.ts';

interface Args {
  names: string[];
  quick: boolean;
  backends?: BackendName[];
}

function parseArgs(argv: string[]): Args {
  const args: Args = { names: [], quick: false };
  for (const arg of argv) {
    if (arg === '--quick') args.quick = true;
    else if (arg.startsWith('--backends=')) {
      args.backends = arg.slice('--backends='.length).split(',').map((b) => {
        const name = parseBackendRequest(b, '--backends');
        if (name === 'auto') throw userError('unknown_backend', '--backends takes backend names, not "auto"');
        return name;
      });
    } else if (arg.startsWith('-')) throw userError('unknown_option', `unknown option ${arg}; expected --quick, --backends=a,b or benchmark names`);
    else args.names.push(arg);
  }
  return args;
}

async function availableBackends(wanted: BackendName[] = [...BACKEND_NAMES]): Promise<BackendName[]> {
  const probes = await probeAllBackends();
  const table = probes.map((p) => [p.name, p.available ? 'yes' : 'no', p.reason ?? '']);
  printLine(formatTable(['backend', 'available', 'detail'], table));
  return probes.filter((p) => p.available && wanted.includes(p.name)).map((p) => p.name);
}

async function main(argv: string[]): Promise<number> {
  try {
    const args = parseArgs(argv);
    const selected = selectBenchmarks(await loadBenchmarks(fileURLToPath(new URL('.', import.meta.url))), args.names);
    const backends = await availableBackends(args.backends);
    const ctx: BenchContext = { quick: args.quick, backends, backendsNamed: args.backends !== undefined, log: printLine };
    for (const bench of selected) {
      printLine(`\n## ${bench.name}: ${bench.description}\n`);
      await bench.run(ctx);
    }
    return 0;
  } catch (err) {
    return reportError(err);
  }
}

process.exitCode = await main(process.argv.slice(2));
