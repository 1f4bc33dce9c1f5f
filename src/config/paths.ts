// Paths in a spec are relative to the file that writes them (an included file's paths to that
// file); a path given as a command-line override is relative to the working directory.
import { dirname, resolve } from 'node:path';
import type { DataBlock } from './schema.ts';
import type { DocPath, SourceMap } from './source-map.ts';

export function resolveFrom(path: string, map: SourceMap, at: DocPath): string {
  const file = map.at(at).file;
  return file && !file.startsWith('override ') ? resolve(dirname(resolve(file)), path) : resolve(path);
}

function resolveRecord(record: Record<string, string>, map: SourceMap, at: DocPath): Record<string, string> {
  return Object.fromEntries(Object.entries(record).map(([k, p]) => [k, resolveFrom(p, map, [...at, k])]));
}

/** The data block with every path made absolute. */
export function resolveDataPaths(data: DataBlock, map: SourceMap): DataBlock {
  return {
    ...data,
    ...(data.train ? { train: resolveRecord(data.train, map, ['data', 'train']) } : {}),
    ...(data.eval ? { eval: resolveRecord(data.eval, map, ['data', 'eval']) } : {}),
    ...(data.text ? { text: resolveRecord(data.text, map, ['data', 'text']) } : {}),
    ...(data.tokenizer ? { tokenizer: resolveFrom(data.tokenizer, map, ['data', 'tokenizer']) } : {}),
    ...(data.synthetic ? { synthetic: { ...data.synthetic, root: resolveFrom(data.synthetic.root, map, ['data', 'synthetic', 'root']) } } : {}),
  };
}
