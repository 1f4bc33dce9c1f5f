// Running the real CLI against a temporary root, with the test stage kind as a plugin.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

export const BIN = fileURLToPath(new URL('../../bin/vadapter.js', import.meta.url));
export const PLUGIN = fileURLToPath(new URL('../fixtures/linreg-kind.ts', import.meta.url));

/** The code version is pinned so that others editing src/ meanwhile cannot change fingerprints mid-test. */
export const ENV: NodeJS.ProcessEnv = { ...process.env, VADAPTER_CODE_VERSION: 'test-code', VADAPTER_BACKEND: 'cpu' };

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'vadapter-exec-'));
}

/** Write a spec that loads the test kind; `stages` is the YAML of the stages block's entries. */
export function writeSpec(dir: string, stages: string, name = 'fake', extra = ''): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `name: ${name}\nplugins: [${JSON.stringify(PLUGIN)}]\n${extra}stages:\n${stages}`);
  return file;
}

export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function start(args: string[], options: { detached?: boolean } = {}): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], { env: ENV, detached: options.detached ?? false, stdio: ['ignore', 'pipe', 'pipe'] });
}

export function finished(child: ChildProcess): Promise<Result> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => (stdout += d));
  child.stderr?.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

export function vadapter(args: string[]): Promise<Result> {
  return finished(start(args));
}

export interface RunSummary {
  runId: string;
  status: string;
  seconds: number;
  stages: { trial: number; stage: string; fingerprint: string; action: string; status: string; error: string | null }[];
}

/** `vadapter run --json`; the summary, with the stages as "trial/stage: status". */
export async function runJson(spec: string, root: string, extra: string[] = []): Promise<{ result: Result; summary: RunSummary; statuses: Record<string, string> }> {
  const result = await vadapter(['run', spec, ...extra, '--root', root, '--json']);
  let summary: RunSummary;
  try {
    summary = JSON.parse(result.stdout) as RunSummary;
  } catch {
    throw new Error(`vadapter run ${spec} printed no JSON summary (exit ${result.code}); stderr:\n${result.stderr}`);
  }
  const statuses = Object.fromEntries(summary.stages.map((s) => [`${s.trial}/${s.stage}`, s.status]));
  return { result, summary, statuses };
}

export function query<T>(root: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(join(root, 'vadapter.db'), { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

/** Poll `check` every 100 ms until it returns true (or fail after `ms`). */
export async function waitFor(check: () => boolean, ms: number, what: string): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
