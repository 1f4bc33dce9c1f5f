// Checking the JSON files users hand to `vadapter eval` (read with util/json-file.ts), with errors
// that name the file, the path of the entry that is wrong and what was expected.

import { userError, type UserError } from '../../util/errors.ts';

export type JsonPath = (string | number)[];

/** A short description of a JSON value for error messages: `number 3`, `string "x"`, `array`, `null`. */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty array' : 'array';
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value)}`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  return typeof value === 'object' ? 'object' : typeof value;
}

/** An error about the entry at `path` of `file`: "expected X, got Y". */
export function expected(file: string, path: JsonPath, what: string, got: unknown): UserError {
  return userError('invalid_entry', `expected ${what}, got ${describe(got)}`, { file, path });
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The array at `key` of a top-level object (`{"annotations": [...]}`), or a clear error. */
export function arrayField(file: string, doc: unknown, key: string, format: string): unknown[] {
  if (!isRecord(doc) || !Array.isArray(doc[key])) {
    throw userError('invalid_format', `expected an object with an "${key}" array (${format}), got ${describe(isRecord(doc) ? doc[key] : doc)}${isRecord(doc) ? ` at "${key}"` : ''}`, { file });
  }
  return doc[key] as unknown[];
}

/** An object entry with its fields checked one by one by the caller. */
export function recordAt(file: string, path: JsonPath, value: unknown, what: string): Record<string, unknown> {
  if (!isRecord(value)) throw expected(file, path, what, value);
  return value;
}

export function stringAt(file: string, path: JsonPath, value: unknown): string {
  if (typeof value !== 'string') throw expected(file, path, 'a string', value);
  return value;
}

/** COCO and VQA ids are integers; strings are accepted too (some datasets use them). */
export function idAt(file: string, path: JsonPath, value: unknown): number | string {
  if ((typeof value === 'number' && Number.isInteger(value)) || (typeof value === 'string' && value.length > 0)) return value;
  throw expected(file, path, 'an integer (or non-empty string) id', value);
}

/** "7, 9, 12" or "7, 9, 12, ... (40 more)" for messages listing ids. */
export function listIds(ids: (number | string)[], max = 5): string {
  const shown = ids.slice(0, max).map((id) => JSON.stringify(id)).join(', ');
  return ids.length > max ? `${shown}, ... (${ids.length - max} more)` : shown;
}
