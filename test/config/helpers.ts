// Spec files written into a temporary directory for one test.
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Write `files` (relative name -> text) into a fresh directory and return its path. */
export function specDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'vadapter-spec-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}
