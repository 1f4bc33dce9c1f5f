// Reading a JSON file (manifests, tokenizers, annotation and result files, checkpoint state): an
// unreadable file or a syntax error is a UserError naming the file and, for a syntax error, the line
// and column where it is.
import { readFileSync } from 'node:fs';
import { userError } from './errors.ts';

/** Parse a JSON file; a missing file or bad JSON is a UserError naming the file (and the position of a syntax error). */
export function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw userError('file_unreadable', `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { file });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const message = (err as Error).message;
    const offset = /position (\d+)/.exec(message)?.[1] ?? (/end of JSON input/.test(message) ? text.length : undefined);
    const where = offset === undefined ? {} : lineAndColumn(text, Number(offset));
    throw userError('invalid_json', `not valid JSON: ${message.replace(/ in JSON at position \d+.*$/, '')}`, { file, ...where });
  }
}

function lineAndColumn(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, col: before[before.length - 1].length + 1 };
}
