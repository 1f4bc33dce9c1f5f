// Builds native/kernels.c (the wasm backend's matrix products on OpenBLAS's sgemm, and a fused AdamW
// update) into build/native/kernels.node with the C compiler, Node's own N-API headers and the
// system's OpenBLAS (Debian: libopenblas-dev).
// `npm run build:native` fails when it cannot build; `--optional` (what `npm ci` runs, through
// prepare) says why and exits 0, and vadapter then runs on the wasm backend's own kernels.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const optional = process.argv.includes('--optional');
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'native', 'kernels.c');
const out = join(root, 'build', 'native', 'kernels.node');
const headers = [join(dirname(process.execPath), '..', 'include', 'node'), '/usr/include/node'].find((d) => existsSync(join(d, 'node_api.h')));
const cc = process.env.CC || 'cc';

function fail(why) {
  const hint = 'needs a C compiler, Node\'s headers (node_api.h) and OpenBLAS (Debian: apt-get install build-essential libopenblas-dev)';
  if (!optional) {
    process.stderr.write(`build-native: ${why}\n  ${hint}\n`);
    process.exit(1);
  }
  process.stdout.write(`native kernels not built (${why}); the wasm backend runs on its own. They ${hint}; then: npm run build:native\n`);
  process.exit(0);
}

if (!headers) fail(`node_api.h not found beside ${process.execPath} or in /usr/include/node`);
mkdirSync(dirname(out), { recursive: true });
try {
  execFileSync(cc, ['-O3', '-fno-math-errno', '-ffp-contract=off', '-Wall', '-Werror', '-shared', '-fPIC', `-I${headers}`, '-o', out, source, '-lopenblas'], { stdio: ['ignore', 'pipe', 'pipe'] });
} catch (e) {
  const stderr = e.stderr?.toString().trim().split('\n').slice(0, 3).join(' / ');
  fail(`${cc} failed: ${stderr || e.message}`);
}
process.stdout.write(`built native kernels -> ${out}\n`);
