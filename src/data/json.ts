// JSON input files (manifests, COCO and VQA annotation files, read with util/json-file.ts): values
// checked against zod schemas with issues that name the file and the JSON path.
import type { z } from 'zod';
import { UserError, type Issue } from '../util/errors.ts';

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
