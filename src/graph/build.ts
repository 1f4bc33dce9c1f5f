// One trial's stages as a graph: each stage block validated by its kind's schema (positions from
// the spec's source map), models checked against their presets, the files the spec names checked
// (spec-files.ts), references resolved to stage names, dangling references (once each, at the
// referencing key) and cycles reported with the stages they involve, the stages put in dependency
// order, and each reference checked against what its kind declares it expects (references.ts).
import { UserError, didYouMeanHint, type Issue } from '../util/errors.ts';
import type { SpecTrial } from '../config/load.ts';
import type { DocPath } from '../config/source-map.ts';
import { unknownName } from '../data/names.ts';
import { componentIssues } from '../models/config.ts';
import { findPreset } from '../models/presets.ts';
import { checkAt, positionIssues } from '../config/validate.ts';
import { resolveFrom } from '../config/paths.ts';
import { slurmResourcesSchema, stageResources, type SlurmResources } from '../config/executor.ts';
import type { StageKindRegistry } from '../stages/registry.ts';
import type { AnyStageKind, StageExperiment, StageReferences } from '../stages/types.ts';
import { edgesOf, productIssues, referencesOf } from './references.ts';
import { specFileIssues } from './spec-files.ts';
import { topoOrder } from './topo.ts';

export interface StageEdge {
  role: string; // e.g. "vision", "adapters.1"
  stage: string;
  path: DocPath; // where the reference is written
}

export interface StageNode {
  name: string;
  kind: AnyStageKind;
  config: unknown; // parsed by the kind's schema
  references: StageReferences;
  edges: StageEdge[];
  slurm: SlurmResources; // what its Slurm job asks for (the executor's defaults under the stage's \`slurm\` block); not fingerprinted
}

export interface StageGraph {
  trial: SpecTrial;
  experiment: StageExperiment;
  nodes: Map<string, StageNode>;
  order: string[]; // dependencies first
}

export function buildStageGraph(trial: SpecTrial, registry: StageKindRegistry): StageGraph {
  const issues: Issue[] = [];
  const nodes = new Map<string, StageNode>();
  checkModels(trial, issues);
  checkMixture(trial, issues);
  issues.push(...specFileIssues(trial));
  for (const [name, block] of Object.entries(trial.spec.stages)) {
    const node = buildNode(name, block, trial, registry, issues);
    if (node) nodes.set(name, node);
  }
  checkReferences(nodes, trial, issues);
  if (issues.length > 0) throw new UserError(issues);
  const sorted = topoOrder([...nodes.keys()], (n) => nodes.get(n)!.edges.map((e) => e.stage));
  if (!sorted.ok) throw new UserError(cycleIssue(sorted.cycle, nodes, trial));
  const wrong = productIssues(nodes, trial);
  if (wrong.length > 0) throw new UserError(wrong);
  return { trial, experiment: experimentOf(trial), nodes, order: sorted.order };
}

export function experimentOf(trial: SpecTrial): StageExperiment {
  const { name, seed, backend, data, models } = trial.spec;
  return { name, seed, backend, data, models, trial: { index: trial.index, label: trial.label } };
}

/**
 * Every model names a known preset and its fields fit the preset's kind of component (fields an
 * assembly derives are checked where a stage resolves the model).
 */
function checkModels(trial: SpecTrial, issues: Issue[]): void {
  for (const [name, model] of Object.entries(trial.spec.models)) {
    const path = ['models', name];
    try {
      issues.push(...positionIssues(componentIssues(findPreset(model.preset).kind, model, path), trial.map));
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      issues.push(...positionIssues(err.issues.map((i) => ({ ...i, path: [...path, 'preset'] })), trial.map));
    }
  }
}

/** `data.mixture` weighs datasets of `data.train` (as the training stream will), at least one positively. */
function checkMixture(trial: SpecTrial, issues: Issue[]): void {
  const { mixture, train } = trial.spec.data;
  if (!mixture || !train) return;
  const names = Object.keys(train);
  for (const name of Object.keys(mixture).filter((n) => !names.includes(n))) {
    issues.push(...positionIssues(unknownName('dataset', name, names, { path: ['data', 'mixture', name] }).issues, trial.map));
  }
  if (!names.some((n) => (mixture[n] ?? 0) > 0)) {
    const path = ['data', 'mixture'];
    issues.push({ code: 'bad_weight', path, message: 'at least one dataset of data.train needs a positive weight', ...trial.map.at(path) });
  }
}

function buildNode(name: string, block: { kind: string }, trial: SpecTrial, registry: StageKindRegistry, issues: Issue[]): StageNode | undefined {
  const kindPath = ['stages', name, 'kind'];
  if (!registry.has(block.kind)) {
    try {
      registry.get(block.kind, { path: kindPath, ...trial.map.at(kindPath) });
    } catch (err) {
      if (err instanceof UserError) issues.push(...err.issues);
      else throw err;
    }
    return undefined;
  }
  const kind = registry.get(block.kind);
  const { kind: _kind, slurm, ...own } = block as { kind: string; slurm?: unknown };
  const checked = checkAt(kind.configSchema, own, ['stages', name], trial.map);
  const resources = checkAt(slurmResourcesSchema, slurm ?? {}, ['stages', name, 'slurm'], trial.map);
  if (!checked.ok || !resources.ok) {
    issues.push(...(checked.ok ? [] : checked.issues), ...(resources.ok ? [] : resources.issues));
    return undefined;
  }
  const config = withAbsolutePaths(kind, checked.value, ['stages', name], trial);
  const references = referencesOf(kind, config);
  return { name, kind, config, references, edges: edgesOf(name, references), slurm: stageResources(trial.spec.executor, resources.value) };
}

/** The stage's config with the kind's path keys made absolute, relative to the file that writes each. */
function withAbsolutePaths(kind: AnyStageKind, config: unknown, at: DocPath, trial: SpecTrial): unknown {
  if (!kind.pathKeys || config === null || typeof config !== 'object') return config;
  const out = { ...(config as Record<string, unknown>) };
  for (const key of kind.pathKeys) if (typeof out[key] === 'string') out[key] = resolveFrom(out[key], trial.map, [...at, key]);
  return out;
}

/** References to names that are not stages of the spec (a stage whose block has errors is still a stage). */
function checkReferences(nodes: Map<string, StageNode>, trial: SpecTrial, issues: Issue[]): void {
  const names = Object.keys(trial.spec.stages);
  for (const node of nodes.values()) {
    for (const edge of node.edges) {
      if (names.includes(edge.stage)) continue;
      const model = edge.stage in trial.spec.models ? ` ("${edge.stage}" is a model: name the stage that trains it)` : '';
      const known = didYouMeanHint(edge.stage, names) || `; stages are: ${names.join(', ')}`;
      issues.push({ code: 'unknown_stage', path: edge.path, message: `stage "${node.name}" refers to "${edge.stage}", which is not a stage${model}${known}`, ...trial.map.at(edge.path) });
    }
  }
}

function cycleIssue(cycle: string[], nodes: Map<string, StageNode>, trial: SpecTrial): Issue {
  const first = nodes.get(cycle[0])!.edges.find((e) => e.stage === cycle[1])!;
  return { code: 'stage_cycle', path: first.path, message: `stages refer to each other in a cycle: ${cycle.join(' -> ')}`, ...trial.map.at(first.path) };
}
