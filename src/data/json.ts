// JSON input files (manifests, COCO and VQA annotation files): read and parse with errors that name
// the file, and check values against zod schemas with issues that name the file and the JSON path.
import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { UserError, userError, type Issue } from '../util/errors.ts';

/** Parse a JSON file; a missing file or bad JSON is a UserError naming the file. */
export function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw userError('missing_file', `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { file });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw userError('bad_json', `not valid JSON: ${(err as Error).message}`, { file });
  }
}

/** zod's issues as ours, located in `file` under `basePath`. */
export function zodIssues(error: z.ZodError, file: string, basePath: (string | number)[] = []): Issue[] {
  return error.issues.map((i) => ({
    code: 'invalid_value',
    file,
    path: [...basePath, ...i.path.map((p) => (typeof p === 'symbol' ? String(p) : p))],
    message: i.message,
  }));
}

/** `value` checked against `schema`; throws a UserError with every issue otherwise. */
export function parseWith<T extends z.ZodType>(schema: T, value: unknown, file: string, basePath: (string | number)[] = []): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw new UserError(zodIssues(result.error, file, basePath));
  return result.data;
}
