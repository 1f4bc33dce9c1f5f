// Resolve a component's config: derived fields < preset < overrides, validated by the component's
// schema. Problems come back as one UserError listing every issue with its path.
import type { z } from 'zod';
import { type Issue, UserError, didYouMean } from '../util/errors.ts';
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

export function resolveComponent<K extends ComponentKind>(
  kind: K,
  spec: ComponentSpec,
  derived: Partial<ComponentConfigs[K]> = {},
  path: (string | number)[] = [kind],
): ComponentConfigs[K] {
  const { preset, ...overrides } = spec;
  const base = preset === undefined ? {} : presetConfig(preset, kind, path);
  const merged = { ...derived, ...base, ...overrides };
  const result = COMPONENT_SCHEMAS[kind].safeParse(merged);
  if (result.success) return result.data;
  throw new UserError(result.error.issues.map((i) => toIssue(i, path, kind)));
}

function presetConfig<K extends ComponentKind>(name: string, kind: K, path: (string | number)[]): Partial<ComponentConfigs[K]> {
  try {
    return findPreset(name, kind).config;
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    throw new UserError(err.issues.map((i) => ({ ...i, path: [...path, 'preset'] })));
  }
}

function toIssue(i: z.core.$ZodIssue, path: (string | number)[], kind: ComponentKind): Issue {
  const where = [...path, ...i.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
  if (i.code === 'unrecognized_keys') {
    const fields = shapeKeys(kind);
    const hints = i.keys.map((k) => {
      const guess = didYouMean(k, fields);
      return `"${k}"${guess ? ` (did you mean "${guess}"?)` : ''}`;
    });
    return { code: 'unknown_key', path: where, message: `unknown ${kind} field ${hints.join(', ')}; known: ${fields.join(', ')}` };
  }
  if (i.code === 'invalid_type' && i.input === undefined) {
    return { code: 'missing_key', path: where, message: `missing ${kind} field: no preset or override sets it` };
  }
  return { code: i.code, path: where, message: i.message };
}

function shapeKeys(kind: ComponentKind): string[] {
  return Object.keys((COMPONENT_SCHEMAS[kind] as unknown as { shape: Record<string, unknown> }).shape);
}
