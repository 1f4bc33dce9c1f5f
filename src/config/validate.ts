// Validate any part of a spec against a zod schema and turn zod's issues into positioned,
// worded ones: `file:line:col: stages.stage2.steps: expected a positive integer, got "ten"`.
// Stage kinds and model presets call `validateAt` with their own schemas; the spec layer keeps the map.
import type { z } from 'zod';
import { UserError, didYouMeanHint, formatIssue, type Issue } from '../util/errors.ts';
import { displayName } from './include.ts';
import { describeSchema } from './describe-schema.ts';
import type { DocPath, SourceMap } from './source-map.ts';
import { showValue } from './values.ts';

export type Checked<T> = { ok: true; value: T } | { ok: false; issues: Issue[] };

interface RawIssue {
  code?: string;
  input?: unknown;
  path?: PropertyKey[];
  keys?: string[];
  message?: string;
  schema?: z.ZodType;
  inst?: unknown;
}

/** Parse `value` (found at `path` of the document) with `schema`; every problem becomes a positioned issue. */
export function checkAt<S extends z.ZodType>(schema: S, value: unknown, path: DocPath, map: SourceMap): Checked<z.output<S>> {
  const checked = checkPath(schema, value, path);
  return checked.ok ? checked : { ok: false, issues: positionIssues(checked.issues, map) };
}

/**
 * As `checkAt` for code that has no source map (model components): the issues carry document paths
 * under `path` and the same wording, and get their positions where a map is at hand (positionIssues).
 */
export function checkPath<S extends z.ZodType>(schema: S, value: unknown, path: DocPath): Checked<z.output<S>> {
  const knownKeys = new Map<string, string[]>();
  const result = schema.safeParse(value, { error: (raw) => wordIssue(raw as unknown as RawIssue, knownKeys) });
  if (result.success) return { ok: true, value: result.data };
  const issues = result.error.issues.flatMap((zi): Issue[] => {
    const at = [...path, ...(zi.path as (string | number)[])];
    if (zi.code !== 'unrecognized_keys') return [{ code: zi.code, path: at, message: zi.message }];
    const known = knownKeys.get(JSON.stringify(zi.path)) ?? [];
    return zi.keys.map((key) => unknownKeyIssue(key, known, [...at, key]));
  });
  return { ok: false, issues };
}

/** As `checkAt`, throwing a UserError with all the issues. */
export function validateAt<S extends z.ZodType>(schema: S, value: unknown, path: DocPath, map: SourceMap): z.output<S> {
  const checked = checkAt(schema, value, path, map);
  if (!checked.ok) throw new UserError(checked.issues);
  return checked.value;
}

/** Give issues that carry a document path but no file the position of that path. */
export function positionIssues(issues: Issue[], map: SourceMap): Issue[] {
  return issues.map((i) => (i.file === undefined && i.path ? { ...i, ...map.at(i.path) } : i));
}

/**
 * A problem with a file the spec names (a tokenizer, a dataset manifest), placed at the spec key
 * that names it: `x.yaml:4:14: data.tokenizer: tok.json: not valid JSON: ...`.
 */
export function issueAtKey(inner: Issue, path: DocPath, map: SourceMap): Issue {
  const named = inner.file === undefined ? inner : { ...inner, file: displayName(inner.file) };
  return { code: inner.code, path, message: formatIssue(named), ...map.at(path) };
}

/** Issues without repeats (the same problem found by several trials or stages). */
export function uniqueIssues(issues: Issue[]): Issue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = formatIssue(i);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function unknownKeyIssue(key: string, known: string[], path: DocPath): Issue {
  const suffix = didYouMeanHint(key, known) || (known.length > 0 ? `; expected one of ${known.join(', ')}` : '');
  return { code: 'unknown_key', path, message: `unknown key "${key}"${suffix}` };
}

function wordIssue(raw: RawIssue, knownKeys: Map<string, string[]>): string | undefined {
  const schema = raw.schema ?? (raw.inst as z.ZodType | undefined);
  switch (raw.code) {
    case 'unrecognized_keys':
      knownKeys.set(JSON.stringify(raw.path ?? []), Object.keys(shapeOf(schema)));
      return 'unknown key';
    case 'invalid_type':
      if (raw.input === undefined && schema) return `missing required key; expected ${describeSchema(schema)}`;
      return schema ? `expected ${describeSchema(schema)}, got ${showValue(raw.input)}` : undefined;
    case 'invalid_value':
      return schema ? withHint(`expected ${describeSchema(schema)}, got ${showValue(raw.input)}`, raw.input, schema) : undefined;
    case 'invalid_key':
      return `invalid name ${showValue(raw.input)}; expected ${describeSchema(keyTypeOf(schema))}`;
    case 'too_small':
    case 'too_big':
    case 'invalid_format':
    case 'not_multiple_of':
    case 'invalid_union':
      return schema ? `expected ${describeSchema(schema)}, got ${showValue(raw.input)}` : undefined;
    default:
      return undefined;
  }
}

function shapeOf(schema: z.ZodType | undefined): Record<string, unknown> {
  return (schema as unknown as { _zod?: { def?: { shape?: Record<string, unknown> } } } | undefined)?._zod?.def?.shape ?? {};
}

function keyTypeOf(schema: z.ZodType | undefined): z.ZodType {
  return (schema as unknown as { _zod: { def: { keyType: z.ZodType } } })._zod.def.keyType;
}

function withHint(message: string, input: unknown, schema: z.ZodType): string {
  const entries = (schema as unknown as { _zod: { def: { entries?: Record<string, unknown> } } })._zod.def.entries;
  if (typeof input !== 'string' || !entries) return message;
  return `${message}${didYouMeanHint(input, Object.values(entries).map(String))}`;
}
