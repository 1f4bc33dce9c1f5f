// Stage kinds by name. Built-in kinds are listed below (imported when used: they pull in tensor code);
// users add their own through plugins: modules, named in a spec's `plugins:` or with `--plugin`,
// that export `stageKinds` (a list) or a default export (a kind or a list).
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { unknownNameMessage, userError, type SourcePos } from '../util/errors.ts';
import type { AnyStageKind } from './types.ts';

/** Built-in kinds by name, one line each; a kind's module is imported only when a spec uses the kind. */
const BUILTIN_KINDS: Record<string, () => Promise<AnyStageKind>> = {
  'pretrain-vision': () => import('./pretrain-vision.ts').then((m) => m.pretrainVision),
  'pretrain-lm': () => import('./pretrain-lm.ts').then((m) => m.pretrainLm),
  'align-decoder': () => import('./align-decoder.ts').then((m) => m.alignDecoder),
  'align-adapter': () => import('./align-adapter.ts').then((m) => m.alignAdapter),
  'align-resampler': () => import('./align-resampler.ts').then((m) => m.alignResampler),
  evaluate: () => import('./evaluate.ts').then((m) => m.evaluate),
  'import-weights': () => import('./import-weights.ts').then((m) => m.importWeights),
};

export class StageKindRegistry {
  private readonly kinds = new Map<string, { kind: AnyStageKind; source: string }>();

  /** Add a kind; the same object again is a no-op, another kind of the same name is an error. */
  register(kind: AnyStageKind, source = 'built-in'): void {
    const existing = this.kinds.get(kind.kind);
    if (existing?.kind === kind) return;
    if (existing) throw userError('duplicate_kind', `stage kind "${kind.kind}" is registered twice: by ${existing.source} and by ${source}`);
    this.kinds.set(kind.kind, { kind, source });
  }

  has(name: string): boolean {
    return this.kinds.has(name);
  }

  /** The kind called `name`; an unknown name is an error listing the known ones. */
  get(name: string, where: SourcePos & { path?: (string | number)[] } = {}): AnyStageKind {
    const entry = this.kinds.get(name);
    if (entry) return entry.kind;
    throw userError('unknown_kind', unknownNameMessage(`unknown stage kind "${name}"`, name, this.names(), { label: 'known kinds', none: 'none (a plugin missing?)' }), where);
  }

  names(): string[] {
    return [...this.kinds.keys()].sort();
  }

  /** Each kind with where it came from, for listings. */
  entries(): { kind: AnyStageKind; source: string }[] {
    return this.names().map((n) => this.kinds.get(n)!);
  }
}

/** The process-wide registry that the CLI, the planner and `stage exec` use. */
export const stageKinds = new StageKindRegistry();

/**
 * Register the built-in kinds among `names` (all of them without `names`, or when a name is neither
 * registered nor built in, so that the unknown-kind error lists every kind). A plugin kind of a
 * built-in name is an error.
 */
export async function loadBuiltinKinds(registry: StageKindRegistry = stageKinds, names?: string[]): Promise<void> {
  const list = names ?? Object.keys(BUILTIN_KINDS);
  const unknown = list.some((n) => !registry.has(n) && !(n in BUILTIN_KINDS));
  for (const name of unknown ? Object.keys(BUILTIN_KINDS) : list.filter((n) => n in BUILTIN_KINDS)) {
    const kind = await BUILTIN_KINDS[name]();
    if (kind.kind !== name) throw new Error(`built-in kind listed as "${name}" calls itself "${kind.kind}"`);
    registry.register(kind);
  }
}

/** Import a plugin module and register the kinds it exports. */
export async function loadPlugin(path: string, registry: StageKindRegistry = stageKinds): Promise<void> {
  const file = resolve(path);
  let mod: { stageKinds?: unknown; default?: unknown };
  try {
    mod = (await import(pathToFileURL(file).href)) as typeof mod;
  } catch (err) {
    throw userError('plugin_failed', `plugin ${path} could not be loaded: ${err instanceof Error ? err.message : String(err)}`, { file: path });
  }
  const exported = mod.stageKinds ?? mod.default;
  const list = Array.isArray(exported) ? exported : exported === undefined ? [] : [exported];
  if (list.length === 0 || !list.every(isStageKind)) {
    throw userError('plugin_invalid', 'a plugin must export `stageKinds` (a list of stage kinds) or a default stage kind', { file: path });
  }
  const undeclared = list.find((k) => k.references !== undefined && (typeof k.references !== 'object' || k.references === null));
  if (undeclared) {
    throw userError('plugin_invalid', `stage kind "${undeclared.kind}": \`references\` must declare each config key naming a stage, e.g. { init: { produces: ['lm'], optional: true } } (docs/runner.md)`, { file: path });
  }
  for (const kind of list) registry.register(kind, `plugin ${path}`);
}

function isStageKind(value: unknown): value is AnyStageKind {
  const k = value as Partial<AnyStageKind> | null;
  return !!k && typeof k.kind === 'string' && typeof k.run === 'function' && typeof k.totalSteps === 'function' && !!k.configSchema;
}
