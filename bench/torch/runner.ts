// Run a PyTorch twin of a benchmark when some python3 here has torch: $VADAPTER_PYTHON, python3 on
// the PATH, then /usr/bin/python3 (Debian's python3-torch lives there while a pyenv python3 may shadow it).
import { spawnSync } from 'node:child_process';

const CANDIDATES = [process.env.VADAPTER_PYTHON, 'python3', '/usr/bin/python3'].filter((p): p is string => !!p);

export type TorchPython = { python: string } | { unavailable: string };

export function findTorchPython(): TorchPython {
  const tried: string[] = [];
  for (const python of new Set(CANDIDATES)) {
    const r = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' });
    if (r.status === 0) return { python };
    tried.push(`${python}: ${r.error ? r.error.message : (r.stderr.trim().split('\n').pop() ?? `exit ${r.status}`)}`);
  }
  return { unavailable: tried.join('; ') };
}

/** Run `script` (a path under bench/torch) and parse the JSON line it prints last. */
export function runTorchScript<T>(python: string, script: string, args: string[]): T {
  const path = new URL(script, import.meta.url).pathname;
  const r = spawnSync(python, [path, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${python} ${script} failed (exit ${r.status}): ${r.stderr.trim().slice(-500)}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as T;
}
