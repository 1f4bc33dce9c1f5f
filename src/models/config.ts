// Resolve a component's config: derived fields < preset < overrides, validated by the component's
// schema. Problems come back as one UserError listing every issue with its document path: the path
// where the spec writes the component (`models.vit`, or a stage's inline block) when it was placed
// with `placeComponent`, else the path the caller gives.
import type { z } from 'zod';
import { checkPath } from '../config/validate.ts';
import { UserError, type Issue } from '../util/errors.ts';
import { lmConfigSchema } from './lm.ts';
import { poolerConfigSchema } from './pooler.ts';
import { type ComponentConfigs, type ComponentKind, findPreset } from './presets.ts';
import { resamplerConfigSchema } from './resampler.ts';
import { vitConfigSchema } from './vit.ts';

export const COMPONENT_SCHEMAS: { [K in ComponentKind]: z.ZodType<ComponentConfigs[K]> } = {
  vit: vitConfigSchema,
  lm: lmConfigSchema,
  resampler: resamplerConfigSchema,
  pooler: poolerConfigSchema,
};

/** A component as a spec writes it: a preset name and/or fields. */
export type ComponentSpec = { preset?: string } & Record<string, unknown>;

/**
 * Where each component spec object is written in the spec document. Kept beside the objects, not in
 * them, so that the specs hash (into fingerprints) exactly as written.
 */
const PLACES = new WeakMap<ComponentSpec, (string | number)[]>();

/** Record that `spec` is written at `path` of the spec document; returns it. */
export function placeComponent(spec: ComponentSpec, path: (string | number)[]): ComponentSpec {
  PLACES.set(spec, path);
  return spec;
}

export function resolveComponent<K extends ComponentKind>(
  kind: K,
  spec: ComponentSpec,
  derived: Partial<ComponentConfigs[K]> = {},
  path: (string | number)[] = [kind],
): ComponentConfigs[K] {
  const { checked } = checkComponent(kind, spec, derived, PLACES.get(spec) ?? path);
  if (checked.ok) return checked.value;
  throw new UserError(checked.issues);
}

/**
 * The problems of a component spec on its own, at `path`: a preset of another kind, unknown fields,
 * bad values. Fields that are missing are left out: an assembly may derive them (a resampler's width).
 */
export function componentIssues(kind: ComponentKind, spec: ComponentSpec, path: (string | number)[]): Issue[] {
  try {
    const { checked, merged } = checkComponent(kind, spec, {}, path);
    if (checked.ok) return [];
    return checked.issues.filter((i) => !(i.path?.length === path.length + 1 && !Object.hasOwn(merged, i.path[path.length])));
  } catch (err) {
    if (err instanceof UserError) return err.issues;
    throw err;
  }
}

function checkComponent<K extends ComponentKind>(kind: K, spec: ComponentSpec, derived: Partial<ComponentConfigs[K]>, at: (string | number)[]) {
  const { preset, ...overrides } = spec;
  const base = preset === undefined ? {} : presetConfig(preset, kind, at);
  const merged: Record<string, unknown> = { ...derived, ...base, ...overrides };
  return { checked: checkPath(COMPONENT_SCHEMAS[kind], merged, at), merged };
}

function presetConfig<K extends ComponentKind>(name: string, kind: K, path: (string | number)[]): Partial<ComponentConfigs[K]> {
  try {
    return findPreset(name, kind).config;
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    throw new UserError(err.issues.map((i) => ({ ...i, path: [...path, 'preset'] })));
  }
}
