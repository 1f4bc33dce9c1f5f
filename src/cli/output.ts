// How commands print: results to stdout (as JSON with --json), problems to stderr.
import { UserError, formatIssue } from '../util/errors.ts';

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printLine(text = ''): void {
  process.stdout.write(`${text}\n`);
}

/** Print an error for a human and return the exit code it deserves. */
export function reportError(err: unknown): number {
  if (err instanceof UserError) {
    for (const issue of err.issues) process.stderr.write(`✖ ${formatIssue(issue)}\n`);
    return 2;
  }
  const text = err instanceof Error ? (err.stack ?? err.message) : String(err);
  process.stderr.write(`✖ internal error: ${text}\n`);
  return 1;
}

/** Align columns of a table of strings for the terminal. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
