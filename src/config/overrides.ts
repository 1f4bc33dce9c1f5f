// Command-line overrides, Hydra style: `a.b.c=value` replaces an existing key (same type),
// `+a.b.c=value` adds a key that is not there, `++a.b.c=value` sets it either way, and
// `a.b=1,2,3` sweeps over the values. Values are YAML scalars (or a flow list/mapping `[1, 2]`).
import { UserError, didYouMeanHint, type Issue, type SourcePos } from '../util/errors.ts';
import type { DocPath } from './source-map.ts';
import { getAt, hasAt, isMapping, parseDottedPath, showValue, valueType, dottedPath } from './values.ts';
import { parseYaml } from './yaml.ts';

export type OverrideOp = 'set' | 'add' | 'force';

export interface Override {
  op: OverrideOp;
  path: DocPath;
  values: unknown[]; // more than one: a sweep axis
  raw: string[]; // each value as written, for string keys given a number-like value
  text: string; // the argument as written
}

export function overridePosition(text: string): SourcePos {
  return { file: `override ${text}` };
}

export function parseOverride(text: string): Override {
  const match = /^(\+{0,2})([^=]+)=(.*)$/s.exec(text);
  if (!match || match[2].trim() === '') {
    throw new UserError({ code: 'bad_override', message: 'expected key=value (or +key=value to add a key, key=a,b,c to sweep)', ...overridePosition(text) });
  }
  const op: OverrideOp = match[1] === '++' ? 'force' : match[1] === '+' ? 'add' : 'set';
  const raw = splitValues(match[3]);
  return { op, path: parseDottedPath(match[2].trim()), values: raw.map((r) => parseValue(r, text)), raw, text };
}

/** Split at top-level commas; a value in [] or {} is one value, quotes protect commas. */
function splitValues(text: string): string[] {
  if (/^\s*[[{]/.test(text)) return [text];
  const parts: string[] = [];
  let quote = '';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) quote = c === quote ? '' : quote;
    else if (c === '"' || c === "'") quote = c;
    else if (c === ',') {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim());
}

function parseValue(raw: string, text: string): unknown {
  if (raw === '') return '';
  try {
    return parseYaml(raw, `override ${text}`).value;
  } catch (err) {
    if (err instanceof UserError) throw new UserError(err.issues.map((i) => ({ ...i, line: undefined, col: undefined })));
    throw err;
  }
}

/**
 * Check that `value` may be written at `path` of `doc` under `op`; returns the value to write (a
 * number-like value given for a string key is kept as the string written) or an issue.
 */
export function checkAssignment(doc: unknown, path: DocPath, value: unknown, raw: string, op: OverrideOp): { value: unknown } | { issue: Omit<Issue, 'file' | 'line' | 'col'> } {
  const exists = hasAt(doc, path);
  if (op === 'add' && exists) return { issue: { code: 'key_exists', path, message: `key already exists; write ${dottedPath(path)}=... to replace it` } };
  if (op !== 'set') return { value };
  if (!exists) return { issue: missingKeyIssue(doc, path) };
  const current = getAt(doc, path);
  const want = valueType(current);
  const got = valueType(value);
  if (want === 'null' || want === got) return { value };
  if (want === 'string' && (got === 'number' || got === 'boolean' || got === 'null')) return { value: raw };
  const like = want === 'list' || want === 'mapping' ? 'like the current one' : `like the current value ${showValue(current)}`;
  return { issue: { code: 'type_changed', path, message: `expected ${article(want)} ${like}, got ${showValue(value)}` } };
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function missingKeyIssue(doc: unknown, path: DocPath): Omit<Issue, 'file' | 'line' | 'col'> {
  let depth = 0;
  while (depth < path.length && hasAt(doc, path.slice(0, depth + 1))) depth++;
  const parent = getAt(doc, path.slice(0, depth));
  const missing = String(path[depth]);
  const siblings = isMapping(parent) ? Object.keys(parent) : [];
  const where = dottedPath(path.slice(0, depth + 1));
  const hint = didYouMeanHint(missing, siblings, (closest) => dottedPath([...path.slice(0, depth), closest, ...path.slice(depth + 1)]));
  return { code: 'unknown_key', path, message: `no key "${where}" in the spec${hint || `; to add it, write +${dottedPath(path)}=...`}` };
}
