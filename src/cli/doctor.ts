// `vadapter doctor`: what this machine can run, and how fast.
import os from 'node:os';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CommandModule } from 'yargs';
import type { BackendProbe } from '../backend/index.ts';
import type { NativeStatus } from '../backend/wasm/native.ts';
import { FFMPEG_HINT, findFfmpeg, type FfmpegBinary } from '../data/video/ffmpeg.ts';
import { formatTable, printJson, printLine } from './output.ts';
import { packageVersion } from './version.ts';

const REPORTED_PACKAGES = [
  '@tensorflow/tfjs-core',
  '@tensorflow/tfjs-backend-wasm',
  '@tensorflow/tfjs-backend-webgpu',
  '@tensorflow/tfjs-node',
  '@tensorflow/tfjs-node-gpu',
  'webgpu',
  'apache-arrow',
  'better-sqlite3',
  'sharp',
  '@ffmpeg-installer/ffmpeg',
  'yargs',
  'yaml',
  'zod',
];

interface DoctorReport {
  vadapter: string;
  node: string;
  platform: string;
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  backends: BackendProbe[];
  selected: string;
  threads?: number; // the wasm backend's thread pool
  native?: NativeStatus; // whether the wasm backend runs the native kernels (products on OpenBLAS), or why not
  matmulGflops: number;
  packages: Record<string, string | null>;
  ffmpeg: FfmpegBinary | null; // what video imports decode with
}

/** Look for node_modules/<pkg>/package.json from here upwards, as Node's resolver would. */
function installedVersion(pkg: string): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'node_modules', pkg, 'package.json');
    if (existsSync(candidate)) return (JSON.parse(readFileSync(candidate, 'utf8')) as { version: string }).version;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

async function collect(backend: string | undefined): Promise<DoctorReport> {
  const { initBackend, probeAllBackends, resolveBackendRequest } = await import('../backend/index.ts');
  const { measureMatmulGflops } = await import('../backend/measure.ts');
  const backends = await probeAllBackends();
  const selected = await initBackend(resolveBackendRequest(backend));
  const matmulGflops = await measureMatmulGflops(512, 1);
  const threads = selected === 'wasm' ? await (await import('../backend/wasm/threads.ts')).wasmThreadsInUse() : undefined;
  const native = selected === 'wasm' ? (await import('../backend/wasm/native.ts')).nativeStatus() : undefined;
  return {
    vadapter: packageVersion(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    backends,
    selected,
    threads,
    native,
    matmulGflops: Math.round(matmulGflops * 100) / 100,
    packages: Object.fromEntries(REPORTED_PACKAGES.map((p) => [p, installedVersion(p)])),
    ffmpeg: findFfmpeg(),
  };
}

function printHuman(r: DoctorReport): void {
  printLine(`vadapter ${r.vadapter} on Node ${r.node} (${r.platform}), ${r.cpus} CPUs (${r.cpuModel}), ${r.memoryGiB} GiB`);
  printLine();
  printLine(formatTable(['backend', 'available', 'detail'], r.backends.map((b) => [b.name, b.available ? 'yes' : 'no', b.reason ?? ''])));
  printLine();
  printLine(`selected: ${r.selected}${r.threads ? ` (${r.threads} thread${r.threads > 1 ? 's' : ''}, $VADAPTER_THREADS)` : ''}   matmul 512x512 fp32: ${r.matmulGflops} GFLOP/s`);
  if (r.native) printLine(`native kernels: ${r.native.active ? `on, products on ${r.native.detail}` : `none, products on XNNPACK (${r.native.detail})`}`);
  printLine();
  printLine(formatTable(['package', 'version'], Object.entries(r.packages).map(([p, v]) => [p, v ?? 'not installed'])));
  printLine();
  printLine(r.ffmpeg ? `ffmpeg (video imports): ${r.ffmpeg.path} (${r.ffmpeg.source}), ${r.ffmpeg.version}` : `ffmpeg (video imports): none found; ${FFMPEG_HINT}`);
}

export const doctorCommand: CommandModule<object, { json: boolean; backend?: string }> = {
  command: 'doctor',
  describe: 'check the installation: backends, the one selected, its matmul speed, the native kernels, package versions, the ffmpeg video imports use',
  builder: (y) =>
    y
      .option('json', { type: 'boolean', default: false, describe: 'print the report as JSON' })
      .example('$0 doctor', 'human-readable report')
      .example('$0 doctor --json --backend cpu', 'JSON, measuring the plain JavaScript backend') as never,
  handler: async (args) => {
    const report = await collect(args.backend);
    if (args.json) printJson(report);
    else printHuman(report);
  },
};
