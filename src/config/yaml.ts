// YAML text -> plain data plus a SourceMap. Only plain YAML: explicit tags (`!include`, `!!js/...`)
// are rejected rather than interpreted, so that reading a spec never executes or loads anything.
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import { UserError, type Issue } from '../util/errors.ts';
import { SourceMap, type DocPath } from './source-map.ts';

export interface ParsedYaml {
  value: unknown;
  map: SourceMap;
}

interface Walk {
  file: string;
  doc: Document;
  lines: LineCounter;
  map: SourceMap;
  issues: Issue[];
}

const MAX_ALIAS_DEPTH = 32;

/** Parse one YAML document; syntax errors and tags become positioned issues, all reported at once. */
export function parseYaml(text: string, file: string): ParsedYaml {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, merge: false });
  const issues: Issue[] = doc.errors.map((e) => ({ code: 'yaml_syntax', message: firstLine(e.message), file, ...lines.linePos(e.pos[0]) }));
  if (issues.length > 0) throw new UserError(issues);
  const walk: Walk = { file, doc, lines, map: new SourceMap(), issues };
  walk.map.set([], { file, line: 1, col: 1 });
  const value = doc.contents === null ? {} : toPlain(doc.contents as Node, [], walk, 0);
  if (issues.length > 0) throw new UserError(issues);
  return { value, map: walk.map };
}

function firstLine(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}

function posOf(walk: Walk, offset: number | undefined) {
  return { file: walk.file, ...(offset === undefined ? {} : walk.lines.linePos(offset)) };
}

function toPlain(node: Node, path: DocPath, walk: Walk, aliasDepth: number): unknown {
  if (node.tag !== undefined) {
    walk.issues.push({ code: 'yaml_tag', path, message: `YAML tags are not supported (found ${node.tag}); write plain values, and use include: to share blocks`, ...walk.map.at(path) });
    return null;
  }
  if (isAlias(node)) return aliasTarget(node, path, walk, aliasDepth);
  if (isScalar(node)) return node.value;
  if (isSeq(node)) return node.items.map((item, i) => element(item as Node, [...path, i], walk, aliasDepth));
  if (isMap(node)) return mapping(node.items, path, walk, aliasDepth);
  return null;
}

function aliasTarget(node: Node & { resolve(doc: Document): Node | undefined; source: string }, path: DocPath, walk: Walk, depth: number): unknown {
  const target = node.resolve(walk.doc);
  if (!target || depth >= MAX_ALIAS_DEPTH) {
    walk.issues.push({ code: 'yaml_alias', path, message: `alias *${node.source} cannot be resolved`, ...posOf(walk, node.range?.[0]) });
    return null;
  }
  return toPlain(target, path, walk, depth + 1);
}

function element(item: Node, path: DocPath, walk: Walk, aliasDepth: number): unknown {
  walk.map.set(path, posOf(walk, item.range?.[0]));
  return toPlain(item, path, walk, aliasDepth);
}

function mapping(pairs: { key: unknown; value: unknown }[], path: DocPath, walk: Walk, aliasDepth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const keyNode = pair.key as Node | null;
    const key = isScalar(keyNode) ? keyNode.value : undefined;
    if (typeof key !== 'string' && typeof key !== 'number') {
      walk.issues.push({ code: 'yaml_key', path, message: 'mapping keys must be plain strings', ...posOf(walk, keyNode?.range?.[0]) });
      continue;
    }
    const childPath = [...path, String(key)];
    walk.map.set(childPath, posOf(walk, keyNode?.range?.[0]));
    out[String(key)] = pair.value === null ? null : toPlain(pair.value as Node, childPath, walk, aliasDepth);
  }
  return out;
}
