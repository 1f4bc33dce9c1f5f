// Spec files with `include:` — a path or a list of paths (relative to the including file) whose
// documents are merged in order underneath the including document, which wins. Included files may
// include others; a cycle is an error naming the chain.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { UserError, userError } from '../util/errors.ts';
import { SourceMap } from './source-map.ts';
import { parseYaml } from './yaml.ts';
import { deepMerge, isMapping } from './values.ts';

export interface LoadedDocument {
  value: Record<string, unknown>;
  map: SourceMap;
  files: string[]; // every file read, the top one first
}

/** How files are named in messages: relative to the working directory when that is shorter. */
export function displayName(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.length > 0 && !rel.startsWith('..') ? rel : file;
}

export function loadDocument(file: string): LoadedDocument {
  if (!existsSync(file)) throw userError('spec_missing', `spec file not found: ${file}`);
  return loadWithIncludes(resolve(file), []);
}

/** A spec file's text; a directory or an unreadable file is the user's error, named. */
function readSpecText(file: string, name: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw userError('spec_unreadable', code === 'EISDIR' ? 'is a directory; expected a YAML spec file' : `cannot read it: ${(err as Error).message}`, { file: name });
  }
}

function loadWithIncludes(file: string, chain: string[]): LoadedDocument {
  const name = displayName(file);
  const parsed = parseYaml(readSpecText(file, name), name);
  if (!isMapping(parsed.value)) throw userError('invalid_type', `expected a mapping at the top of the spec, got ${typeof parsed.value}`, { file: name, line: 1, col: 1 });
  const { include, ...own } = parsed.value;
  let value: Record<string, unknown> = {};
  const map = new SourceMap();
  const files = [file];
  for (const [i, target] of includeList(include, parsed.map).entries()) {
    const path = resolve(dirname(file), target);
    const where = parsed.map.at(include === target ? ['include'] : ['include', i]);
    if ([...chain, file].includes(path)) {
      throw userError('include_cycle', `include cycle: ${[...chain, file, path].map(displayName).join(' -> ')}`, { ...where, path: ['include'] });
    }
    if (!existsSync(path)) throw userError('include_missing', `included file not found: ${displayName(path)}`, { ...where, path: ['include'] });
    const sub = loadWithIncludes(path, [...chain, file]);
    value = deepMerge(value, sub.value) as Record<string, unknown>;
    map.merge(sub.map);
    files.push(...sub.files);
  }
  map.merge(parsed.map);
  return { value: deepMerge(value, own) as Record<string, unknown>, map, files };
}

function includeList(include: unknown, map: SourceMap): string[] {
  if (include === undefined || include === null) return [];
  const list = Array.isArray(include) ? include : [include];
  const bad = list.findIndex((item) => typeof item !== 'string');
  if (bad >= 0) {
    const path = Array.isArray(include) ? ['include', bad] : ['include'];
    throw new UserError({ code: 'invalid_type', path, message: 'expected a file path or a list of file paths', ...map.at(path) });
  }
  return list as string[];
}
