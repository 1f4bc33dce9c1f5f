// The code version that enters every fingerprint: a hash over the package version, every file
// under src/, the lock file and the plugin modules. Hashing the contents (not the git commit) means
// a dirty tree never reuses a cache entry made by other code, and an unchanged tree always does.
// The git commit and dirty flag are recorded on each run for people, not used for caching.
// $VADAPTER_CODE_VERSION pins the hash (reuse caches across code edits: at your own risk).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sha256Hex } from '../util/hash.ts';

export interface CodeVersion {
  id: string; // what fingerprints use
  packageVersion: string;
  gitCommit: string | null;
  gitDirty: boolean | null;
  pinned: boolean; // id taken from $VADAPTER_CODE_VERSION
}

export const CODE_VERSION_ENV = 'VADAPTER_CODE_VERSION';
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function codeVersion(plugins: string[] = [], root = REPO_ROOT): CodeVersion {
  const packageVersion = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  const pinned = process.env[CODE_VERSION_ENV];
  const id = pinned || hashCode(root, packageVersion, plugins);
  return { id, packageVersion, ...gitState(root), pinned: !!pinned };
}

/** sha256 over (relative path, content hash) of src/ files, the lock file and plugin files, sorted. */
export function hashCode(root: string, packageVersion: string, plugins: string[]): string {
  const files = [...listFiles(join(root, 'src')), join(root, 'package-lock.json'), ...plugins].filter((f) => existsSync(f));
  const entries = files.map((f) => `${relative(root, f)}\t${sha256Hex(readFileSync(f))}`).sort();
  return sha256Hex([`vadapter ${packageVersion}`, ...entries].join('\n')).slice(0, 16);
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

function gitState(root: string): { gitCommit: string | null; gitDirty: boolean | null } {
  const head = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' });
  if (head.status !== 0) return { gitCommit: null, gitDirty: null };
  const status = spawnSync('git', ['status', '--porcelain', '--', 'src', 'package-lock.json'], { cwd: root, encoding: 'utf8' });
  return { gitCommit: head.stdout.trim(), gitDirty: status.status === 0 ? status.stdout.trim().length > 0 : null };
}
