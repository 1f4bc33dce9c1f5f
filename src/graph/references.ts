// A stage's references as its kind declares them: the stage names read from its config (the edges of
// the graph), and the check that each referenced stage produces what the reference expects, so that
// `stage1.vision: llm` is a spec error at its key before anything runs.
import type { Issue } from '../util/errors.ts';
import type { SpecTrial } from '../config/load.ts';
import { getAt, parseDottedPath } from '../config/values.ts';
import type { AnyStageKind, ReferenceDecl, StageReferences } from '../stages/types.ts';
import type { StageEdge, StageNode } from './build.ts';

/** What the built-in products are, for messages; a plugin's own product is shown by its name. */
const PRODUCTS: Record<string, string> = {
  vision: 'a vision encoder',
  lm: 'a language model',
  captioner: 'a stage-1 captioner',
  adapter: 'a trained adapter',
};

/** The stage names a stage's config holds under its kind's declared references (a left-out optional one is absent). */
export function referencesOf(kind: AnyStageKind, config: unknown): StageReferences {
  const refs: StageReferences = {};
  for (const [role, decl] of Object.entries(declarations(kind))) {
    const value = getAt(config, parseDottedPath(role));
    if ((value === undefined || value === null) && decl.optional) continue;
    const fits = decl.list ? Array.isArray(value) && value.every((v) => typeof v === 'string') : typeof value === 'string';
    if (!fits) throw new Error(`stage kind "${kind.kind}" declares reference "${role}"${decl.list ? ' (a list)' : ''}, but its parsed config holds ${JSON.stringify(value)} there`);
    refs[role] = value as string | string[];
  }
  return refs;
}

export function edgesOf(name: string, references: StageReferences): StageEdge[] {
  return Object.entries(references).flatMap(([role, target]) => {
    const base = ['stages', name, ...parseDottedPath(role)];
    if (Array.isArray(target)) return target.map((stage, i) => ({ role: `${role}.${i}`, stage, path: [...base, i] }));
    return [{ role, stage: target, path: base }];
  });
}

/** A reference to a stage whose kind produces none of what the reference expects, at the referencing key. */
export function productIssues(nodes: Map<string, StageNode>, trial: SpecTrial): Issue[] {
  const issues: Issue[] = [];
  for (const node of nodes.values()) {
    for (const [role, decl] of Object.entries(declarations(node.kind))) {
      const target = node.references[role];
      if (!decl.produces || target === undefined) continue;
      for (const edge of edgesOf(node.name, { [role]: target })) {
        const upstream = nodes.get(edge.stage)!.kind;
        if (decl.produces.some((p) => upstream.produces?.includes(p))) continue;
        const message = `"${edge.stage}" is ${article(upstream.kind)} ${upstream.kind} stage, which produces ${produced(upstream)}; ${role} expects a stage that produces ${expected(decl, nodes)}`;
        issues.push({ code: 'wrong_reference', path: edge.path, message, ...trial.map.at(edge.path) });
      }
    }
  }
  return issues;
}

function declarations(kind: AnyStageKind): Record<string, ReferenceDecl> {
  return kind.references ?? {};
}

function describeProduct(product: string): string {
  return PRODUCTS[product] ?? `"${product}"`;
}

function produced(kind: AnyStageKind): string {
  return kind.produces?.length ? kind.produces.map(describeProduct).join(' and ') : 'nothing a stage can read';
}

/** Each expected product, with the kinds of the spec's stages that produce it: "a vision encoder (pretrain-vision)". */
function expected(decl: ReferenceDecl, nodes: Map<string, StageNode>): string {
  return decl.produces!.map((p) => {
    const kinds = [...new Set([...nodes.values()].map((n) => n.kind).filter((k) => k.produces?.includes(p)).map((k) => k.kind))];
    return kinds.length > 0 ? `${describeProduct(p)} (${kinds.join(', ')})` : describeProduct(p);
  }).join(' or ');
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}
