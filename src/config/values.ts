// Plain-data helpers for spec documents: reading and writing at a path, naming a value's type, and
// showing a value in an error message.
import type { DocPath } from './source-map.ts';

export type ValueType = 'string' | 'number' | 'boolean' | 'null' | 'list' | 'mapping';

export function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function valueType(value: unknown): ValueType {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'object') return 'mapping';
  return typeof value as 'string' | 'number' | 'boolean';
}

/** A short rendering of a value for messages: strings quoted, containers named, not dumped. */
export function showValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list';
  if (isMapping(value)) return 'a mapping';
  return String(value);
}

export function hasAt(doc: unknown, path: DocPath): boolean {
  let node = doc;
  for (const key of path) {
    if (!isMapping(node) && !Array.isArray(node)) return false;
    if (!Object.prototype.hasOwnProperty.call(node, key)) return false;
    node = (node as Record<string, unknown>)[key];
  }
  return true;
}

export function getAt(doc: unknown, path: DocPath): unknown {
  let node = doc;
  for (const key of path) {
    if (!isMapping(node) && !Array.isArray(node)) return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}

/** Set `value` at `path`, creating mappings on the way; the parent of the last key must be a container. */
export function setAt(doc: Record<string, unknown>, path: DocPath, value: unknown): void {
  let node: Record<string | number, unknown> = doc;
  for (const key of path.slice(0, -1)) {
    if (!isMapping(node[key]) && !Array.isArray(node[key])) node[key] = {};
    node = node[key] as Record<string | number, unknown>;
  }
  node[path[path.length - 1]] = value;
}

export function deepClone<T>(value: T): T {
  return structuredClone(value);
}

/** Merge `over` onto `base`: mappings merge key by key, anything else in `over` replaces. */
export function deepMerge(base: unknown, over: unknown): unknown {
  if (!isMapping(base) || !isMapping(over)) return deepClone(over);
  const out: Record<string, unknown> = deepClone(base);
  for (const [key, value] of Object.entries(over)) out[key] = key in out ? deepMerge(out[key], value) : deepClone(value);
  return out;
}

/** `a.b.0.c` -> ["a", "b", 0, "c"]: all-digit segments index lists. */
export function parseDottedPath(text: string): DocPath {
  return text.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

export function dottedPath(path: DocPath): string {
  return path.map(String).join('.');
}
